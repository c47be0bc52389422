/** PostgreSQL value round trips against the real server: every type, edge values, raw-SQL columns by OID. */
import { describe, expect, it } from "vitest";
import {
  BigInteger,
  Boolean,
  column,
  DateOnly,
  DateTime,
  Enum,
  Float,
  func,
  Integer,
  Json,
  Jsonb,
  LargeBinary,
  literal,
  MetaData,
  Numeric,
  select,
  SmallInteger,
  sql,
  String as Str,
  Table,
  Text,
  Time,
  Uuid,
  insert,
} from "athanor";
import { forDialect } from "../../support/dialects.js";

const md = new MetaData();
const values = new Table("pg_values", md, {
  id: column(Integer, { primaryKey: true }),
  int: column(Integer, { nullable: true }),
  small: column(SmallInteger, { nullable: true }),
  big: column(BigInteger, { nullable: true }),
  exact: column(Numeric(30, 9), { nullable: true }),
  anyScale: column(Numeric(), { name: "any_scale", nullable: true }),
  float: column(Float, { nullable: true }),
  str: column(Str(50), { nullable: true }),
  text: column(Text, { nullable: true }),
  flag: column(Boolean, { nullable: true }),
  day: column(DateOnly, { nullable: true }),
  at: column(DateTime, { nullable: true }),
  atTz: column(DateTime({ timezone: true }), { name: "at_tz", nullable: true }),
  clock: column(Time, { nullable: true }),
  doc: column(Json<unknown>(), { nullable: true }),
  docb: column(Jsonb<unknown>(), { nullable: true }),
  uid: column(Uuid, { nullable: true }),
  mood: column(Enum(["sad", "ok"]), { nullable: true }),
  blob: column(LargeBinary, { nullable: true }),
});

forDialect("postgresql", (db) => {
  let nextId = 1;
  /** Inserts one row and reads it back through a typed select. */
  async function roundTrip(row: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = nextId++;
    await db.engine.execute(insert(values).values({ id, ...row } as never));
    const r = await db.engine.execute(select(values).where(values.c.id.eq(id)));
    return r.one() as Record<string, unknown>;
  }

  describe("PostgreSQL type round trips", () => {
    it("creates the table with native types", async () => {
      await md.createAll(db.engine);
    });

    it("integers at their limits", async () => {
      expect(await roundTrip({ int: 2147483647, small: -32768, big: 9223372036854775807n })).toMatchObject({
        int: 2147483647,
        small: -32768,
        big: 9223372036854775807n,
      });
      expect(await roundTrip({ int: -2147483648, small: 32767, big: -9223372036854775808n })).toMatchObject({
        int: -2147483648,
        small: 32767,
        big: -9223372036854775808n,
      });
      expect(await roundTrip({ big: 0n })).toMatchObject({ big: 0n });
    });

    it("decimals exactly, as strings", async () => {
      expect(await roundTrip({ exact: "12345678901234567890.123456789", anyScale: "-0.01" })).toMatchObject({
        exact: "12345678901234567890.123456789",
        anyScale: "-0.01",
      });
      expect(await roundTrip({ exact: "-0.01", anyScale: "0.000000000000000000000000000001" })).toMatchObject({
        exact: "-0.010000000",
        anyScale: "0.000000000000000000000000000001",
      });
    });

    it("floats bit for bit, including -0 and extremes", async () => {
      for (const f of [0.1, -0, 1e308, 5e-324, Number.MAX_SAFE_INTEGER, -123.456e-7]) {
        const r = await roundTrip({ float: f });
        expect(Object.is(r.float, f), `${f} came back as ${String(r.float)}`).toBe(true);
      }
    });

    it("strings: unicode, emoji, empty, quotes and backslashes", async () => {
      const s = "zoë 😀 𝄞 'quoted' \\back\\ \"dq\" \t\n";
      expect(await roundTrip({ str: s, text: s.repeat(1000) })).toMatchObject({ str: s, text: s.repeat(1000) });
      expect(await roundTrip({ str: "", text: "" })).toMatchObject({ str: "", text: "" });
    });

    it("booleans", async () => {
      expect(await roundTrip({ flag: true })).toMatchObject({ flag: true });
      expect(await roundTrip({ flag: false })).toMatchObject({ flag: false });
    });

    it("dates as strings, untouched by time zones", async () => {
      for (const day of ["1969-07-20", "0001-01-01", "9999-12-31", "2024-02-29"]) expect(await roundTrip({ day })).toMatchObject({ day });
    });

    it("timestamps at millisecond precision, before 1970, far future and BC", async () => {
      const instants = [
        new Date(-1),
        new Date(Date.UTC(1900, 0, 1, 0, 0, 0, 1)),
        new Date(Date.UTC(1969, 6, 20, 20, 17, 40, 123)),
        new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
        new Date(Date.UTC(-43, 2, 15, 12, 0, 0, 250)),
      ];
      for (const d of instants) {
        const r = await roundTrip({ at: d, atTz: d });
        expect((r.at as Date).toISOString()).toBe(d.toISOString());
        expect((r.atTz as Date).toISOString()).toBe(d.toISOString());
      }
    });

    it("naive timestamps hold UTC wall time; timestamptz hold the instant", async () => {
      const d = new Date("2024-03-10T01:30:00.500Z");
      const id = nextId;
      await roundTrip({ at: d, atTz: d });
      const r = await db.engine.execute(
        sql`select ${values.c.at}::text as naive, ${values.c.atTz}::text as tz from ${values} where ${values.c.id} = ${id}`,
      );
      expect(r.one()).toEqual({ naive: "2024-03-10 01:30:00.5", tz: "2024-03-10 01:30:00.5+00" });
    });

    it("times with fractions", async () => {
      for (const clock of ["00:00:00", "23:59:59.999999", "12:34:56.5", "08:00:00.123"])
        expect(await roundTrip({ clock })).toMatchObject({ clock });
    });

    it("JSON and JSONB documents: nested arrays, unicode, scalars", async () => {
      const doc = { a: [1, [2, [3, "ü"]]], ключ: "值 😀", n: null, t: true, f: 1.5, empty: {}, list: [] };
      expect(await roundTrip({ doc, docb: doc })).toMatchObject({ doc, docb: doc });
      expect(await roundTrip({ doc: [1, 2, 3], docb: ["a", { b: [] }] })).toMatchObject({ doc: [1, 2, 3], docb: ["a", { b: [] }] });
      expect(await roundTrip({ doc: "just a string", docb: 42 })).toMatchObject({ doc: "just a string", docb: 42 });
    });

    it("uuids come back lower-case", async () => {
      expect(await roundTrip({ uid: "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11" })).toMatchObject({
        uid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      });
    });

    it("native enums", async () => {
      expect(await roundTrip({ mood: "ok" })).toMatchObject({ mood: "ok" });
    });

    it("binary data with all 256 byte values, and empty", async () => {
      const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const r = await roundTrip({ blob: bytes });
      expect(Buffer.isBuffer(r.blob) && (r.blob as Buffer).equals(bytes)).toBe(true);
      expect(((await roundTrip({ blob: Buffer.alloc(0) })).blob as Buffer).length).toBe(0);
    });

    it("NULL in every column", async () => {
      const r = await roundTrip({});
      for (const [k, v] of Object.entries(r)) if (k !== "id") expect(v, k).toBeNull();
    });
  });

  describe("PostgreSQL aggregate and expression results", () => {
    it("count and sum over integers (int8 on the wire) come back as numbers; over BIGINT as bigint", async () => {
      const r = await db.engine.execute(
        select({
          n: func.count(),
          total: func.sum(values.c.int),
          smallTotal: func.sum(values.c.small),
          bigMax: func.max(values.c.big),
          avg: func.avg(values.c.small),
        }).from(values),
      );
      const row = r.one();
      expect(typeof row.n).toBe("number");
      expect(row.total).toBe(-1);
      expect(row.smallTotal).toBe(-1);
      expect(row.bigMax).toBe(9223372036854775807n);
      expect(typeof row.avg).toBe("number");
    });

    it("typed literals read back as their type", async () => {
      const r = await db.engine.execute(
        select({
          i: literal(5, Integer).add(2),
          b: literal(true, Boolean),
          d: literal(new Date(0), DateTime),
          n: literal("1.005", Numeric(10, 2)),
          big: literal(2n ** 62n, BigInteger),
        }),
      );
      expect(r.one()).toEqual({ i: 7, b: true, d: new Date(0), n: "1.005", big: 2n ** 62n });
      const more = await db.engine.execute(
        select({
          bin: literal(Buffer.from([0, 1, 255]), LargeBinary),
          uid: literal("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", Uuid),
          t: literal("01:02:03.5", Time),
          day: literal("1999-12-31", DateOnly),
        }),
      );
      expect(more.one()).toEqual({
        bin: Buffer.from([0, 1, 255]),
        uid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        t: "01:02:03.5",
        day: "1999-12-31",
      });
    });

    it("raw SQL columns are converted by type OID", async () => {
      const r = await db.engine.execute(
        sql`select 1::int8 as small8, 9223372036854775807::int8 as big8, 1.50::numeric as num, '2024-01-02 03:04:05.678'::timestamp as ts,
            '2024-01-02 03:04:05.678+02'::timestamptz as tstz, '2024-01-02'::date as d, '12:00:01.5'::time as t, '1 day'::interval as iv,
            '{"a":[1]}'::jsonb as j, true as b, 2.5::float8 as f, 'infinity'::timestamp as inf`,
      );
      expect(r.one()).toEqual({
        small8: 1,
        big8: 9223372036854775807n,
        num: "1.50",
        ts: new Date("2024-01-02T03:04:05.678Z"),
        tstz: new Date("2024-01-02T01:04:05.678Z"),
        d: "2024-01-02",
        t: "12:00:01.5",
        iv: "1 day",
        j: { a: [1] },
        b: true,
        f: 2.5,
        inf: "infinity",
      });
    });

    it("a JavaScript array bound as JSON stays a JSON array (never a PostgreSQL array)", async () => {
      const r = await db.engine.execute(select({ j: literal([1, "two", [3]], Jsonb) }));
      expect(r.one().j).toEqual([1, "two", [3]]);
    });
  });
});
