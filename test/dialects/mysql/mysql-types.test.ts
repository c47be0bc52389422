/**
 * MySQL/MariaDB values on the real server: edge values read back identically through both wire
 * protocols (binary for statements with parameters, text for those without), exact DECIMAL and
 * BIGINT comparisons, utf8mb4, aggregate result types, JSON paths and raw-SQL conversions.
 */
import { beforeAll, describe, expect, it } from "vitest";
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
  LargeBinary,
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
  literal,
} from "athanor";
import { forDialect } from "../../support/dialects.js";

const md = new MetaData();
const t = new Table("ty_values", md, {
  id: column(Integer, { primaryKey: true }),
  i: column(Integer, { nullable: true }),
  si: column(SmallInteger, { nullable: true }),
  bi: column(BigInteger, { nullable: true }),
  dec: column(Numeric(30, 9), { nullable: true }),
  money: column(Numeric(10, 2), { nullable: true }),
  f: column(Float, { nullable: true }),
  s: column(Str(255), { nullable: true }),
  tx: column(Text, { nullable: true }),
  b: column(Boolean, { nullable: true }),
  d: column(DateOnly, { nullable: true }),
  dt: column(DateTime, { nullable: true }),
  dtz: column(DateTime({ timezone: true }), { nullable: true }),
  tm: column(Time, { nullable: true }),
  j: column(Json, { nullable: true }),
  u: column(Uuid, { nullable: true }),
  e: column(Enum(["a", "b c"]), { nullable: true }),
  bin: column(LargeBinary, { nullable: true }),
});

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

const rows = [
  {
    id: 1,
    i: -2147483648,
    si: -32768,
    bi: -(2n ** 63n),
    dec: "12345678901234567890.123456789",
    money: "-0.01",
    f: 0.1 + 0.2,
    s: "",
    tx: `${"x".repeat(70_000)}😀`,
    b: false,
    d: "1000-01-01",
    dt: new Date("1969-12-31T23:59:59.999Z"),
    dtz: new Date("2024-06-01T12:34:56.789Z"),
    tm: "00:00:00",
    j: { a: [1, [2, "é😀"]], b: null, c: true, d: 1.5, 'q"uote\\d': "escaped key" },
    u: "123e4567-e89b-12d3-a456-426614174000",
    e: "a" as const,
    bin: allBytes,
  },
  {
    id: 2,
    i: 2147483647,
    si: 32767,
    bi: 2n ** 63n - 1n,
    dec: "-0.000000001",
    money: "99999999.99",
    f: 5e-324,
    s: "😀🎉 𝄞 ünï 'q' \\ \u0000 end",
    tx: "",
    b: true,
    d: "2024-02-29",
    dt: new Date("2024-06-01T12:34:56.789Z"),
    dtz: new Date(0),
    tm: "23:59:59.999999",
    j: [[], {}, "s", 0, -1.25e-7, "😀"],
    u: "00000000-0000-0000-0000-000000000000",
    e: "b c" as const,
    bin: Buffer.alloc(0),
  },
  {
    id: 3,
    i: 0,
    si: 0,
    bi: 0n,
    dec: "0.000000000",
    money: "0.00",
    f: 1.7976931348623157e308,
    s: "a",
    tx: "line\nbreak\ttab",
    b: true,
    d: "9999-12-31",
    dt: new Date("9999-12-31T23:59:59.999Z"),
    dtz: new Date("1000-01-01T00:00:00.000Z"),
    tm: "12:34:56.5",
    j: "just a string",
    u: "ffffffff-ffff-ffff-ffff-ffffffffffff",
    e: "a" as const,
    bin: Buffer.from([0, 0, 0]),
  },
  {
    id: 4,
    i: null,
    si: null,
    bi: null,
    dec: null,
    money: null,
    f: null,
    s: null,
    tx: null,
    b: null,
    d: null,
    dt: null,
    dtz: null,
    tm: null,
    j: null,
    u: null,
    e: null,
    bin: null,
  },
];

forDialect("mysql", (db) => {
  beforeAll(async () => {
    await md.createAll(db.engine);
    await db.engine.execute(insert(t).values(rows));
  });

  describe("round trips", () => {
    it("every edge value reads back exactly through the text protocol (no parameters)", async () => {
      const got = (await db.engine.execute(select(t).orderBy(t.c.id))).rows;
      expect(got).toEqual(rows);
    });

    it("and identically through the binary protocol (prepared statement with parameters)", async () => {
      await using conn = await db.engine.connect();
      for (const row of rows) expect((await conn.execute(select(t).where(t.c.id.eq(row.id)))).one()).toEqual(row);
    });

    it("compares DECIMAL and BIGINT parameters exactly, not as doubles", async () => {
      await using conn = await db.engine.connect();
      expect(await conn.scalar(select(t.c.id).where(t.c.dec.eq("12345678901234567890.123456788")))).toBeUndefined();
      expect(await conn.scalar(select(t.c.id).where(t.c.dec.eq("12345678901234567890.123456789")))).toBe(1);
      expect(await conn.scalar(select(t.c.id).where(t.c.bi.eq(2n ** 63n - 2n)))).toBeUndefined();
      expect(await conn.scalar(select(t.c.id).where(t.c.bi.eq(2n ** 63n - 1n)))).toBe(2);
      expect(await conn.scalar(select(t.c.id).where(t.c.money.eq("-0.01")))).toBe(1);
    });
  });

  describe("utf8mb4", () => {
    it("stores, measures and matches 4-byte characters", async () => {
      await using conn = await db.engine.connect();
      expect(await conn.scalar(select(func.length(t.c.s)).where(t.c.id.eq(3)))).toBe(1);
      expect(await conn.scalar(select(func.length(literal("😀🎉", Text))))).toBe(2);
      expect(await conn.scalars(select(t.c.id).where(t.c.s.contains("🎉")))).toEqual([2]);
    });
  });

  describe("expression result types", () => {
    it("count, sum and avg read back as their declared JavaScript types", async () => {
      await using conn = await db.engine.connect();
      const row = (
        await conn.execute(
          select({
            n: func.count(),
            sumI: func.sum(t.c.si),
            sumB: func.sum(t.c.bi),
            sumDec: func.sum(t.c.money),
            avg: func.avg(t.c.si),
          }).where(t.c.id.in([2, 3])),
        )
      ).one();
      expect(row).toEqual({ n: 2, sumI: 32767, sumB: 2n ** 63n - 1n, sumDec: "99999999.99", avg: 16383.5 });
    });

    it("now() is the current UTC time as a Date, with sub-second precision", async () => {
      await using conn = await db.engine.connect();
      const now = (await conn.scalar(select(func.now()))) as Date;
      expect(now).toBeInstanceOf(Date);
      expect(Math.abs(now.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it("JSON paths read values and text (any key, quotes included), with JSON null as SQL NULL", async () => {
      await using conn = await db.engine.connect();
      const row = (
        await conn.execute(
          select({
            nested: t.c.j.get("a", 1),
            text: t.c.j.getText("a", 1, 1),
            flag: t.c.j.getText("c"),
            nothing: t.c.j.getText("b"),
            missing: t.c.j.getText("zz"),
            quoted: t.c.j.getText('q"uote\\d'),
          }).where(t.c.id.eq(1)),
        )
      ).one();
      expect(row).toEqual({ nested: [2, "é😀"], text: "é😀", flag: "true", nothing: null, missing: null, quoted: "escaped key" });
    });
  });

  describe("raw SQL", () => {
    it("converts by column type: BIGINT, DECIMAL, DATETIME, TIME, JSON", async () => {
      const row = (
        await db.engine.execute(
          sql`SELECT bi, \`dec\`, dt, tm, j, count(*) OVER () AS n, CAST(9007199254740993 AS SIGNED) AS big FROM ty_values WHERE id = ${1}`,
        )
      ).one();
      expect(row).toEqual({
        bi: -(2n ** 63n),
        dec: "12345678901234567890.123456789",
        dt: rows[0]!.dt,
        tm: "00:00:00",
        j: rows[0]!.j,
        n: 1,
        big: 9007199254740993n,
      });
    });
  });
});
