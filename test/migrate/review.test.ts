/**
 * What autogenerate flags for a person to review, on every database: operations that lose data
 * (drops, narrowed types, new NOT NULL) and likely renames (a drop and an add of the same shape).
 */
import { beforeAll, expect, it } from "vitest";
import { column, Enum, Integer, MetaData, Numeric, SmallInteger, String as Str, Table, Text } from "athanor";
import { reflect } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { destructiveOps, likelyRenames, narrowing, reviewLines } from "../../src/migrate/compare/review.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { forEachDialect } from "../support/dialects.js";

function v1(): MetaData {
  const md = new MetaData();
  new Table("rv_people", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(80)),
    nickname: column(Str(40), { nullable: true }),
    age: column(Integer),
    mood: column(Enum(["sad", "ok", "happy"], { name: "rv_mood" })),
    notes: column(Text, { nullable: true }),
  });
  new Table("rv_old_tags", md, { id: column(Integer, { primaryKey: true }), label: column(Str(30)) });
  new Table("rv_logs", md, { id: column(Integer, { primaryKey: true }), line: column(Text) });
  return md;
}

function v2(): MetaData {
  const md = new MetaData();
  new Table("rv_people", md, {
    id: column(Integer, { primaryKey: true }),
    fullName: column(Str(80), { name: "full_name" }), // name renamed
    nickname: column(Str(20)), // narrowed, and NOT NULL now
    age: column(SmallInteger), // narrowed
    mood: column(Enum(["ok", "happy"], { name: "rv_mood" })), // a value removed
    notes: column(Text, { nullable: true }),
  });
  new Table("rv_tags", md, { id: column(Integer, { primaryKey: true }), label: column(Str(30)) }); // rv_old_tags renamed
  // rv_logs dropped
  return md;
}

forEachDialect((db) => {
  let ops: MigrationOp[];
  beforeAll(async () => {
    await v1().createAll(db.engine);
    ops = compareMetadata(v2(), await reflect(db.engine), db.engine.dialect);
  });

  it("flags a dropped and an added column, and a dropped and a created table, of the same shape as likely renames", () => {
    expect(likelyRenames(ops)).toEqual([
      { kind: "column", table: "rv_people", from: "name", to: "full_name" },
      { kind: "table", from: "rv_old_tags", to: "rv_tags" },
    ]);
  });

  it("flags what loses data: drops, narrowed types, new NOT NULL", () => {
    const reasons = destructiveOps(ops).map((d) => d.reason);
    expect(reasons).toContain("drops table rv_logs and all its rows");
    expect(reasons).toContain("drops column rv_people.name and its values");
    expect(reasons).toContain("changes the type of rv_people.nickname: String(40) → String(20) truncates longer values");
    expect(reasons).toContain("makes rv_people.nickname NOT NULL: fails while any row holds NULL there");
    expect(reasons.some((r) => r.startsWith("changes the type of rv_people.age: Integer → SmallInteger"))).toBe(true);
    if (db.caps.enumTypes) expect(ops.some((o) => o.kind === "alterEnum")).toBe(true);
    else expect(reasons).toContain("changes the type of rv_people.mood: the value 'sad' is no longer allowed");
    expect(reasons.filter((r) => r.includes("rv_people.notes"))).toEqual([]);
  });

  it("writes one line per finding, saying what to do about a rename", () => {
    const lines = reviewLines(ops);
    expect(lines.filter((l) => l.startsWith("DESTRUCTIVE: "))).toHaveLength(destructiveOps(ops).length);
    expect(lines).toContain(
      "LIKELY RENAME: rv_people.name → rv_people.full_name is written as a drop and an add, which loses the column's values; if it is a rename, replace both with a rename of the column",
    );
  });
});

it("narrowing: which type changes can lose values", () => {
  expect(narrowing(Str(10), Str(20))).toBeUndefined();
  expect(narrowing(Str(20), Str(10))).toMatch(/truncates/);
  expect(narrowing(Text(), Str(10))).toMatch(/truncates/);
  expect(narrowing(SmallInteger, Integer)).toBeUndefined();
  expect(narrowing(Integer, Str(10))).toMatch(/converts the stored values/);
  expect(narrowing(Numeric(8, 2), Numeric(10, 2))).toBeUndefined();
  expect(narrowing(Numeric(10, 2), Numeric(8, 2))).toMatch(/fewer digits/);
  expect(narrowing(Numeric(10, 4), Numeric(10, 2))).toMatch(/fewer digits/);
});
