/** Every built-in type round-trips exactly through each database, and wrong values are refused by name. */
import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  BigInteger,
  Boolean,
  column,
  customType,
  DateOnly,
  DateTime,
  Enum,
  Float,
  Integer,
  Json,
  LargeBinary,
  MetaData,
  nativeType,
  Numeric,
  select,
  SmallInteger,
  String,
  Table,
  Text,
  Time,
  TypeDecorator,
  Uuid,
  insert,
  type Engine,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";

class Money extends TypeDecorator<{ cents: bigint }, string> {
  readonly impl = Numeric(18, 2);
  toDriver(v: { cents: bigint }): string {
    const neg = v.cents < 0n;
    const abs = neg ? -v.cents : v.cents;
    return `${neg ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
  }
  fromDriver(s: string): { cents: bigint } {
    const neg = s.startsWith("-");
    const [i = "0", f = "0"] = s.replace("-", "").split(".");
    const cents = BigInt(i) * 100n + BigInt(f.padEnd(2, "0").slice(0, 2));
    return { cents: neg ? -cents : cents };
  }
}

const CsvList = customType<string[], string>({
  name: "CsvList",
  impl: Text,
  toDriver: (v) => v.join(","),
  fromDriver: (s) => (s === "" ? [] : s.split(",")),
});

function schema() {
  const md = new MetaData();
  const t = new Table("typed_values", md, {
    id: column(Integer, { primaryKey: true }),
    i: column(Integer, { nullable: true }),
    si: column(SmallInteger, { nullable: true }),
    bi: column(BigInteger, { nullable: true }),
    s: column(String(255), { nullable: true }),
    tx: column(Text, { nullable: true }),
    b: column(Boolean, { nullable: true }),
    n: column(Numeric(30, 9), { nullable: true }),
    n2: column(Numeric(10, 2), { nullable: true }),
    f: column(Float, { nullable: true }),
    d: column(DateOnly, { nullable: true }),
    dt: column(DateTime, { nullable: true }),
    dtz: column(DateTime({ timezone: true }), { nullable: true }),
    tm: column(Time, { nullable: true }),
    j: column(Json<unknown>(), { nullable: true }),
    u: column(Uuid, { nullable: true }),
    e: column(Enum(["draft", "published", "archived"], { name: "typed_status" }), { nullable: true }),
    bin: column(LargeBinary, { nullable: true }),
    money: column(new Money(), { nullable: true }),
    tags: column(CsvList, { nullable: true }),
  });
  return { md, t };
}

type Row = Partial<Record<string, unknown>>;

async function roundTrip(engine: Engine, t: ReturnType<typeof schema>["t"], row: Row): Promise<Record<string, unknown>> {
  await using conn = await engine.connect();
  const id = Math.floor(Math.random() * 1e9);
  await conn.execute(insert(t).values({ id, ...row } as never));
  return (await conn.execute(select(t).where(t.c.id.eq(id)))).one();
}

forEachDialect((db) => {
  const { md, t } = schema();
  it("creates a table with every type", async () => {
    await md.createAll(db.engine);
  });

  const cases: Array<[string, Row]> = [
    ["integers at their limits", { i: 2147483647, si: -32768, bi: 9223372036854775807n }],
    ["negative 64-bit integers", { i: -2147483648, si: 32767, bi: -9223372036854775808n }],
    [
      "strings with quotes, unicode and emoji",
      { s: 'O\'Reilly "q" `b` ; -- \\ é ñ 漢字 🚀', tx: "line1\nline2\t\u00a0" + "x".repeat(5000) },
    ],
    ["the empty string", { s: "", tx: "" }],
    ["booleans", { b: true }],
    ["false", { b: false }],
    ["exact decimals", { n: "1234567.123456780", n2: "-0.01" }],
    ["integral decimals beyond 2^53", { n: "12345678901234567.000000000" }],
    ["decimals with trailing zeros", { n2: "12.50", n: "0.000000001" }],
    ["floats", { f: 0.1 + 0.2 }],
    ["tiny and huge floats", { f: -1.7976931348623157e308 }],
    ["dates", { d: "2024-02-29" }],
    ["old dates", { d: "1900-01-01" }],
    ["timestamps with milliseconds", { dt: new Date("2024-03-05T06:07:08.123Z"), dtz: new Date("2024-03-05T06:07:08.999Z") }],
    ["timestamps before 1970", { dt: new Date("1955-11-05T01:22:00.007Z"), dtz: new Date("1969-12-31T23:59:59.001Z") }],
    ["times", { tm: "23:59:59" }],
    ["times with fractions", { tm: "07:08:09.123456" }],
    ["json objects", { j: { a: [1, 2, { b: "ü" }], c: null, d: true, e: 1.5, f: 'x"y' } }],
    ["json arrays and scalars", { j: [1, "two", [3]] }],
    ["json strings", { j: "just a string" }],
    ["uuids", { u: "123e4567-e89b-12d3-a456-426614174000" }],
    ["enums", { e: "published" }],
    ["binary with every byte value", { bin: Buffer.from(Array.from({ length: 256 }, (_, i) => i)) }],
    ["custom types (TypeDecorator)", { money: { cents: -123456789n } }],
    ["custom types (customType)", { tags: ["a", "b c", "d"] }],
    ["nulls", { i: null, s: null, j: null, dt: null, bin: null, money: null }],
  ];

  for (const [name, row] of cases) {
    it(`round-trips ${name}`, async () => {
      const got = await roundTrip(db.engine, t, row);
      for (const [k, v] of Object.entries(row)) expect(got[k], k).toEqual(v);
    });
  }

  it("stores long decimals exactly or refuses them, never rounds", async () => {
    const value = "12345678901234.123456789";
    if (db.caps.maxExactDecimalDigits >= 23) {
      expect((await roundTrip(db.engine, t, { n: value })).n).toBe(value);
    } else {
      await expect(roundTrip(db.engine, t, { n: value })).rejects.toThrow(
        /typed_values\.n: value 12345678901234\.123456789 cannot be stored exactly/,
      );
    }
  });

  it("normalises uuids to lower case", async () => {
    const got = await roundTrip(db.engine, t, { u: "123E4567-E89B-12D3-A456-426614174000" });
    expect(got.u).toBe("123e4567-e89b-12d3-a456-426614174000");
  });

  it("refuses values of the wrong type, naming the column and what was expected", async () => {
    await using conn = await db.engine.connect();
    const bad: Array<[Row, RegExp]> = [
      [{ i: "12" }, /typed_values\.i: expected an integer number/],
      [{ i: 1.5 }, /typed_values\.i: expected an integer number/],
      [{ bi: 1.5 }, /typed_values\.bi: expected a bigint/],
      [{ n2: 1.1 }, /typed_values\.n2: expected a decimal string/],
      [{ d: "2024-02-30" }, /typed_values\.d: expected a valid "YYYY-MM-DD" string/],
      [{ dt: "2024-01-01" }, /typed_values\.dt: expected a valid Date/],
      [{ dt: new Date("nope") }, /typed_values\.dt: expected a valid Date/],
      [{ u: "not-a-uuid" }, /typed_values\.u: expected a UUID/],
      [{ e: "deleted" }, /typed_values\.e: expected one of "draft", "published", "archived"/],
      [{ b: "yes" }, /typed_values\.b: expected a boolean/],
      [{ j: { big: 1n } }, /typed_values\.j: expected a JSON-serialisable value/],
      [{ s: { $gt: "" } }, /typed_values\.s: expected a string/],
    ];
    for (const [row, message] of bad) {
      await expect(
        conn.execute(insert(t).values({ id: 999999, ...row } as never)),
        JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)),
      ).rejects.toThrow(message);
    }
    await expect(conn.execute(insert(t).values({ id: 999999, i: "1" } as never))).rejects.toBeInstanceOf(ArgumentError);
    expect((await conn.execute(select(t.c.id).where(t.c.id.eq(999999)))).rows).toEqual([]);
  });

  it("refuses comparisons with values of the wrong type", async () => {
    await using conn = await db.engine.connect();
    await expect(conn.execute(select(t.c.id).where(t.c.i.eq("1; DROP TABLE typed_values" as never)))).rejects.toThrow(
      /typed_values\.i: expected an integer number, got string/,
    );
  });

  it("compares and orders typed values in SQL", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(
      insert(t).values([
        { id: 5001, n2: "10.00", dt: new Date("2020-01-01T00:00:00Z") },
        { id: 5002, n2: "9.50", dt: new Date("2021-01-01T00:00:00Z") },
      ]),
    );
    const r = await conn.execute(select(t.c.id).where(t.c.id.in([5001, 5002]), t.c.n2.gt("9.75")));
    expect(r.scalars()).toEqual([5001]);
    const later = await conn.execute(select(t.c.id).where(t.c.id.in([5001, 5002]), t.c.dt.gt(new Date("2020-06-01T00:00:00Z"))));
    expect(later.scalars()).toEqual([5002]);
  });

  it("a nativeType column is created as spelled, and its values pass through unconverted", async () => {
    const native = new MetaData();
    const t = new Table("native_values", native, {
      id: column(Integer, { primaryKey: true }),
      code: column(nativeType("CHAR(3)"), { nullable: true }),
    });
    await native.createAll(db.engine);
    try {
      await db.engine.execute(
        insert(t).values([
          { id: 1, code: "abc" },
          { id: 2, code: null },
        ]),
      );
      expect((await db.engine.execute(select(t.c.code).orderBy(t.c.id))).all()).toEqual([{ code: "abc" }, { code: null }]);
    } finally {
      await native.dropAll(db.engine);
    }
  });

  it("drops the table", async () => {
    await md.dropAll(db.engine);
    await using conn = await db.engine.connect();
    expect((await db.engine.dialect.existingTables(conn._driverConnection(), undefined)).has("typed_values")).toBe(false);
  });
});

describe("type definitions", () => {
  it("refuse invalid parameters", () => {
    expect(() => String(0)).toThrow(/positive integer/);
    expect(() => String("abc" as never)).toThrow(/use globalThis\.String\(value\) or a template literal/);
    expect(() => Enum([])).toThrow(/at least one value/);
    expect(() => Enum(["a", "a"])).toThrow(/distinct/);
    expect(() => nativeType(" ")).toThrow(/needs the type as the database spells it/);
  });
});
