/**
 * Batch mode on SQLite: operations ALTER TABLE cannot do rebuild their table (copy into a new
 * table, drop, rename). Proven here: every row, index, trigger and view survives; ON DELETE
 * CASCADE children keep their rows and their foreign keys still work; every kind of change
 * round-trips through compareMetadata; and a failed rebuild leaves the database as it was.
 */
import { describe, expect, it } from "vitest";
import {
  check,
  column,
  defaultNamingConvention,
  foreignKey,
  index,
  IntegrityError,
  Integer,
  MetaData,
  sql,
  String as Str,
  Table,
  Text,
  unique,
} from "athanor";
import { reflect } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { applyOps } from "../../src/migrate/apply.js";
import { batchSql, readBatchSource } from "../../src/migrate/batch.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { forDialect, type DialectFixture } from "../support/dialects.js";

const OPTIONS = { compareServerDefault: true } as const;

async function opsFor(db: DialectFixture, model: MetaData, only: (n: string) => boolean): Promise<MigrationOp[]> {
  return compareMetadata(model, await reflect(db.engine, { only }), db.engine.dialect, OPTIONS);
}

async function apply(db: DialectFixture, ops: readonly MigrationOp[]): Promise<void> {
  await using conn = await db.engine.connect();
  await applyOps(conn, ops);
}

/** Runs statements and returns the rows of the last one. */
async function q(db: DialectFixture, ...statements: string[]): Promise<unknown[][]> {
  await using conn = await db.engine.connect();
  let rows: unknown[][] = [];
  for (const s of statements) rows = (await conn._runRaw(s)).rows ?? [];
  return rows;
}

const count = async (db: DialectFixture, table: string) => Number((await q(db, `SELECT count(*) FROM "${table}"`))[0]![0]);

/** sqlite_master's entries (type, name, table, sql), the batch copy never among them. */
async function schema(db: DialectFixture): Promise<unknown[][]> {
  return q(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name");
}

/** A parent with ON DELETE CASCADE children, an index, a trigger and a view; names prefixed. */
function parentModel(p: string, change: "none" | "alter" = "none"): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(
    `${p}_parent`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      name: change === "alter" ? column(Str(80)) : column(Str(40), { nullable: true }),
      code: column(Str(10)),
    },
    (c) => [index([c.code], { name: `ix_${p}_parent_code` })],
  );
  new Table(`${p}_child`, md, {
    id: column(Integer, { primaryKey: true }),
    parentId: column(Integer, { name: "parent_id", foreignKey: foreignKey(`${p}_parent.id`, { onDelete: "CASCADE" }) }),
    note: column(Text, { nullable: true }),
  });
  return md;
}

/** The tables of parentModel (the log table the triggers write is not in the model). */
const modelTables = (p: string) => (n: string) => n === `${p}_parent` || n === `${p}_child`;

async function createParent(db: DialectFixture, p: string): Promise<void> {
  await parentModel(p).createAll(db.engine);
  await q(
    db,
    `CREATE TABLE "${p}_log" (msg TEXT)`,
    `CREATE TRIGGER "${p}_trg" AFTER INSERT ON "${p}_parent" BEGIN INSERT INTO "${p}_log" VALUES ('parent ' || new.id); END`,
    `CREATE TRIGGER "${p}_child_trg" AFTER INSERT ON "${p}_child" BEGIN INSERT INTO "${p}_log" SELECT 'child of ' || code FROM "${p}_parent" WHERE id = new.parent_id; END`,
    `CREATE VIEW "${p}_view" AS SELECT p.id, p.code, count(c.id) AS n FROM "${p}_parent" p LEFT JOIN "${p}_child" c ON c.parent_id = p.id GROUP BY p.id`,
  );
  for (let i = 1; i <= 5; i++) await q(db, `INSERT INTO "${p}_parent" (id, name, code) VALUES (${i}, 'n${i}', 'c${i}')`);
  for (let i = 1; i <= 12; i++) await q(db, `INSERT INTO "${p}_child" (id, parent_id, note) VALUES (${i}, ${(i % 5) + 1}, 'x')`);
}

forDialect("sqlite", (db) => {
  describe("batch rebuild", () => {
    it("keeps every row, index, trigger and view; ON DELETE CASCADE children keep every row; their foreign keys still work", async () => {
      const p = "bk";
      await createParent(db, p);
      const only = modelTables(p);
      const before = { parents: await count(db, `${p}_parent`), children: await count(db, `${p}_child`), log: await count(db, `${p}_log`) };
      const rowsBefore = await q(db, `SELECT * FROM "${p}_parent" ORDER BY id`);
      const childRowsBefore = await q(db, `SELECT * FROM "${p}_child" ORDER BY id`);
      const viewBefore = await q(db, `SELECT * FROM "${p}_view" ORDER BY id`);
      const schemaBefore = await schema(db);

      const ops = await opsFor(db, parentModel(p, "alter"), only);
      expect(ops.map((o) => o.kind)).toEqual(["alterColumn"]);
      await apply(db, ops);

      expect(await count(db, `${p}_parent`)).toBe(before.parents);
      expect(await count(db, `${p}_child`)).toBe(before.children);
      expect(await q(db, `SELECT * FROM "${p}_parent" ORDER BY id`)).toEqual(rowsBefore);
      expect(await q(db, `SELECT * FROM "${p}_child" ORDER BY id`)).toEqual(childRowsBefore);
      expect(await q(db, `SELECT * FROM "${p}_view" ORDER BY id`)).toEqual(viewBefore);
      // The same schema objects, with the same SQL, except the rebuilt table's definition.
      const after = await schema(db);
      const strip = (rows: unknown[][]) => rows.filter((r) => !(r[0] === "table" && r[1] === `${p}_parent`));
      expect(strip(after)).toEqual(strip(schemaBefore));
      expect(after.some((r) => String(r[1]).startsWith("_athanor_batch_"))).toBe(false);
      expect(String(after.find((r) => r[1] === `${p}_parent`)![3])).toMatch(/"name" VARCHAR\(80\) NOT NULL/);
      // Children still point at the table (not at the copy), and foreign keys are enforced again.
      expect((await q(db, `PRAGMA foreign_key_list("${p}_child")`)).map((r) => r[2])).toEqual([`${p}_parent`]);
      expect(await q(db, "PRAGMA foreign_keys")).toEqual([[1]]);
      await expect(q(db, `INSERT INTO "${p}_child" (id, parent_id) VALUES (100, 999)`)).rejects.toBeInstanceOf(IntegrityError);
      // Triggers fire: on the rebuilt table and on the child (reading the rebuilt table).
      await q(
        db,
        `INSERT INTO "${p}_parent" (id, name, code) VALUES (6, 'n6', 'c6')`,
        `INSERT INTO "${p}_child" (id, parent_id) VALUES (13, 6)`,
      );
      expect(await count(db, `${p}_log`)).toBe(before.log + 2);
      expect(await q(db, `SELECT msg FROM "${p}_log" ORDER BY rowid DESC LIMIT 2`)).toEqual([["child of c6"], ["parent 6"]]);
      // ON DELETE CASCADE still works after the rebuild.
      await q(db, `DELETE FROM "${p}_parent" WHERE id = 6`);
      expect(await count(db, `${p}_child`)).toBe(before.children);
      expect(await opsFor(db, parentModel(p, "alter"), only)).toEqual([]);
    });

    it("the statements: copy, insert, drop, rename, then the indexes, views and triggers as written", async () => {
      const p = "bs";
      await createParent(db, p);
      const ops = (await opsFor(db, parentModel(p, "alter"), modelTables(p))) as Parameters<typeof batchSql>[1];
      expect(ops.map((o) => o.kind)).toEqual(["alterColumn"]);
      await using conn = await db.engine.connect();
      const source = await readBatchSource(conn, `${p}_parent`);
      const stmts = batchSql(source, ops, db.engine.dialect);
      const views = source.views.length;
      const triggers = source.triggers.length;
      expect(stmts.slice(0, triggers).every((s) => s.startsWith("DROP TRIGGER "))).toBe(true);
      expect(stmts.slice(triggers, triggers + views).every((s) => s.startsWith("DROP VIEW "))).toBe(true);
      const core = stmts.slice(triggers + views, triggers + views + 5);
      expect(core[0]).toMatch(new RegExp(`^CREATE TABLE "_athanor_batch_${p}_parent" \\(`));
      expect(core.slice(1)).toEqual([
        `INSERT INTO "_athanor_batch_${p}_parent" ("id", "name", "code") SELECT "id", "name", "code" FROM "${p}_parent"`,
        `DROP TABLE "${p}_parent"`,
        `ALTER TABLE "_athanor_batch_${p}_parent" RENAME TO "${p}_parent"`,
        `CREATE INDEX "ix_${p}_parent_code" ON "${p}_parent" ("code")`,
      ]);
      expect(stmts.slice(triggers + views + 5)).toEqual([...source.views.map((v) => v.sql), ...source.triggers.map((t) => t.sql)]);
    });

    it("every kind of change through applyOps: type, nullability, default, unique, foreign key, check, drop column", async () => {
      const p = "bc";
      const v1 = new MetaData({ namingConvention: defaultNamingConvention });
      new Table(`${p}_ref`, v1, { id: column(Integer, { primaryKey: true }) });
      new Table(
        `${p}_items`,
        v1,
        {
          id: column(Integer, { primaryKey: true }),
          code: column(Str(10), { nullable: true }),
          qty: column(Integer, { serverDefault: sql`0` }),
          refId: column(Integer, { name: "ref_id", nullable: true }),
          old: column(Text, { nullable: true }),
          email: column(Str(50), { nullable: true }),
        },
        (c) => [unique([c.email]), check(c.qty.ge(0), { name: "qty_positive" }), index([c.code], { name: `ix_${p}_code` })],
      );
      await v1.createAll(db.engine);
      await q(db, `INSERT INTO "${p}_ref" (id) VALUES (1), (2)`);
      for (let i = 1; i <= 4; i++)
        await q(
          db,
          `INSERT INTO "${p}_items" (id, code, qty, ref_id, old, email) VALUES (${i}, 'c${i}', ${i}, ${(i % 2) + 1}, 'o', 'e${i}')`,
        );

      const v2 = new MetaData({ namingConvention: defaultNamingConvention });
      new Table(`${p}_ref`, v2, { id: column(Integer, { primaryKey: true }) });
      new Table(
        `${p}_items`,
        v2,
        {
          id: column(Integer, { primaryKey: true }),
          code: column(Str(20)), // type and NOT NULL
          qty: column(Integer, { serverDefault: sql`5` }), // default
          refId: column(Integer, { name: "ref_id", nullable: true, foreignKey: `${p}_ref.id` }), // foreign key added
          email: column(Str(50), { nullable: true }), // unique dropped
        },
        (c) => [
          unique([c.code]), // unique added
          check(c.qty.le(100), { name: "qty_small" }), // check replaced
          index([c.code], { name: `ix_${p}_code` }),
        ],
      );
      const only = (n: string) => n.startsWith(`${p}_`);
      const ops = await opsFor(db, v2, only);
      expect(new Set(ops.map((o) => o.kind))).toEqual(new Set(["alterColumn", "addConstraint", "dropConstraint", "dropColumn"]));
      await apply(db, ops);
      const left = await opsFor(db, v2, only);
      expect(left, JSON.stringify(left)).toEqual([]);
      expect(await q(db, `SELECT id, code, qty, ref_id, email FROM "${p}_items" ORDER BY id`)).toEqual([
        [1, "c1", 1, 2, "e1"],
        [2, "c2", 2, 1, "e2"],
        [3, "c3", 3, 2, "e3"],
        [4, "c4", 4, 1, "e4"],
      ]);
      // The new definition holds: default, check, unique, foreign key.
      await q(db, `INSERT INTO "${p}_items" (id, code) VALUES (5, 'c5')`);
      expect(await q(db, `SELECT qty FROM "${p}_items" WHERE id = 5`)).toEqual([[5]]);
      await expect(q(db, `INSERT INTO "${p}_items" (id, code, qty) VALUES (6, 'c6', 101)`)).rejects.toBeInstanceOf(IntegrityError);
      await expect(q(db, `INSERT INTO "${p}_items" (id, code) VALUES (7, 'c1')`)).rejects.toBeInstanceOf(IntegrityError);
      await expect(q(db, `INSERT INTO "${p}_items" (id, code, ref_id) VALUES (8, 'c8', 99)`)).rejects.toBeInstanceOf(IntegrityError);
      await q(db, `INSERT INTO "${p}_items" (id, code, email) VALUES (9, 'c9', 'e1')`); // unique on email dropped
    });

    it("a failing rebuild (NOT NULL over NULLs) leaves the table, its rows, indexes and foreign_keys as before", async () => {
      const p = "bf";
      await createParent(db, p);
      await q(db, `UPDATE "${p}_parent" SET name = NULL WHERE id = 2`);
      const only = modelTables(p);
      const schemaBefore = await schema(db);
      const rowsBefore = await q(db, `SELECT * FROM "${p}_parent" ORDER BY id`);
      const ops = await opsFor(db, parentModel(p, "alter"), only);
      await expect(apply(db, ops)).rejects.toThrow(/NOT NULL/);
      expect(await schema(db)).toEqual(schemaBefore);
      expect(await q(db, `SELECT * FROM "${p}_parent" ORDER BY id`)).toEqual(rowsBefore);
      expect(await count(db, `${p}_child`)).toBe(12);
      expect(await q(db, "PRAGMA foreign_keys")).toEqual([[1]]);
    });

    it("a foreign key the rows break is caught by foreign_key_check: rolled back, the rows named", async () => {
      const p = "bv";
      const v1 = new MetaData({ namingConvention: defaultNamingConvention });
      new Table(`${p}_ref`, v1, { id: column(Integer, { primaryKey: true }) });
      new Table(`${p}_items`, v1, { id: column(Integer, { primaryKey: true }), refId: column(Integer, { name: "ref_id" }) });
      await v1.createAll(db.engine);
      await q(db, `INSERT INTO "${p}_ref" (id) VALUES (1)`, `INSERT INTO "${p}_items" (id, ref_id) VALUES (1, 1), (2, 42)`);
      const v2 = new MetaData({ namingConvention: defaultNamingConvention });
      new Table(`${p}_ref`, v2, { id: column(Integer, { primaryKey: true }) });
      new Table(`${p}_items`, v2, {
        id: column(Integer, { primaryKey: true }),
        refId: column(Integer, { name: "ref_id", foreignKey: `${p}_ref.id` }),
      });
      const only = (n: string) => n.startsWith(`${p}_`);
      const schemaBefore = await schema(db);
      const ops = await opsFor(db, v2, only);
      expect(ops.map((o) => o.kind)).toEqual(["addConstraint"]);
      const err = await apply(db, ops).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(IntegrityError);
      expect(String((err as Error).message)).toMatch(new RegExp(`${p}_items rowid 2 → ${p}_ref.*Nothing was changed`));
      expect(await schema(db)).toEqual(schemaBefore);
      expect(await count(db, `${p}_items`)).toBe(2);
      expect(await q(db, "PRAGMA foreign_keys")).toEqual([[1]]);
    });

    it("a self-referencing table, rebuilt with legacy_alter_table ON or OFF: its own and its children's keys point at it", async () => {
      for (const legacy of ["ON", "OFF"]) {
        const p = `bl${legacy.toLowerCase()}`;
        const model = (nullable: boolean) => {
          const md = new MetaData({ namingConvention: defaultNamingConvention });
          new Table(`${p}_node`, md, {
            id: column(Integer, { primaryKey: true }),
            parentId: column(Integer, {
              name: "parent_id",
              nullable: true,
              foreignKey: foreignKey(`${p}_node.id`, { onDelete: "CASCADE" }),
            }),
            label: column(Str(20), { nullable }),
          });
          new Table(`${p}_leaf`, md, {
            id: column(Integer, { primaryKey: true }),
            nodeId: column(Integer, { name: "node_id", foreignKey: foreignKey(`${p}_node.id`, { onDelete: "CASCADE" }) }),
          });
          return md;
        };
        await model(true).createAll(db.engine);
        await q(
          db,
          `INSERT INTO "${p}_node" (id, parent_id, label) VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b')`,
          `INSERT INTO "${p}_leaf" (id, node_id) VALUES (1, 1), (2, 2), (3, 3)`,
        );
        const only = (n: string) => n.startsWith(`${p}_`);
        const ops = await opsFor(db, model(false), only);
        expect(ops.map((o) => o.kind)).toEqual(["alterColumn"]);
        // The pool keeps one connection: the setting holds for applyOps' connection.
        await q(db, `PRAGMA legacy_alter_table = ${legacy}`);
        try {
          await apply(db, ops);
        } finally {
          await q(db, "PRAGMA legacy_alter_table = OFF");
        }
        expect(await count(db, `${p}_node`)).toBe(3);
        expect(await count(db, `${p}_leaf`)).toBe(3);
        expect((await q(db, `PRAGMA foreign_key_list("${p}_node")`)).map((r) => r[2])).toEqual([`${p}_node`]);
        expect((await q(db, `PRAGMA foreign_key_list("${p}_leaf")`)).map((r) => r[2])).toEqual([`${p}_node`]);
        await expect(q(db, `INSERT INTO "${p}_node" (id, parent_id, label) VALUES (9, 99, 'x')`)).rejects.toBeInstanceOf(IntegrityError);
        await expect(q(db, `INSERT INTO "${p}_leaf" (id, node_id) VALUES (9, 99)`)).rejects.toBeInstanceOf(IntegrityError);
        // Cascades work again, through the self-reference and into the children.
        await q(db, `DELETE FROM "${p}_node" WHERE id = 2`);
        expect(await count(db, `${p}_node`)).toBe(1);
        expect(await count(db, `${p}_leaf`)).toBe(1);
        expect(await opsFor(db, model(false), only)).toEqual([]);
      }
    });

    it("AUTOINCREMENT survives, and with it the highest id handed out (deleted ids are not reused)", async () => {
      const p = "ba";
      const model = (nullable: boolean) => {
        const md = new MetaData({ namingConvention: defaultNamingConvention });
        new Table(
          `${p}_seq`,
          md,
          { id: column(Integer, { primaryKey: true }), v: column(Str(5), { nullable }) },
          { sqliteAutoincrement: true },
        );
        return md;
      };
      await model(true).createAll(db.engine);
      await q(db, `INSERT INTO "${p}_seq" (v) VALUES ('a'), ('b'), ('c'), ('d')`, `DELETE FROM "${p}_seq" WHERE id >= 3`);
      const only = (n: string) => n.startsWith(`${p}_`);
      await apply(db, await opsFor(db, model(false), only));
      const create = (await q(db, `SELECT sql FROM sqlite_master WHERE name = '${p}_seq'`))[0]![0];
      expect(String(create)).toMatch(/PRIMARY KEY AUTOINCREMENT/);
      expect(String(create)).toMatch(/"v" VARCHAR\(5\) NOT NULL/);
      expect(await q(db, `SELECT name, seq FROM sqlite_sequence WHERE name LIKE '%${p}_seq'`)).toEqual([[`${p}_seq`, 4]]);
      await q(db, `INSERT INTO "${p}_seq" (v) VALUES ('e')`);
      expect(await q(db, `SELECT id FROM "${p}_seq" ORDER BY id`)).toEqual([[1], [2], [5]]);
    });

    it("a column's collation survives the rebuild", async () => {
      const p = "bc";
      await q(db, `CREATE TABLE "${p}_names" (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, note VARCHAR(10))`);
      await q(db, `INSERT INTO "${p}_names" (id, name, note) VALUES (1, 'alice', 'x')`);
      const reflected = await reflect(db.engine, { only: [`${p}_names`] });
      expect(reflected.tables.get(`${p}_names`)!.columns.map((c) => c.collation)).toEqual([undefined, "NOCASE", undefined]);
      // note becomes NOT NULL: a rebuild.
      const md = new MetaData();
      new Table(`${p}_names`, md, {
        id: column(Integer, { primaryKey: true }),
        name: column(Text, { collation: "NOCASE" }),
        note: column(Str(10)),
      });
      const ops = await opsFor(db, md, (n) => n === `${p}_names`);
      expect(ops.map((o) => o.kind)).toEqual(["alterColumn"]);
      await apply(db, ops);
      expect(String((await q(db, `SELECT sql FROM sqlite_master WHERE name = '${p}_names'`))[0]![0])).toMatch(
        /"name" TEXT COLLATE "NOCASE" NOT NULL/,
      );
      expect(await q(db, `SELECT id FROM "${p}_names" WHERE name = 'ALICE'`)).toEqual([[1]]);
    });

    it("refuses to rebuild what it would lose (STRICT, WITHOUT ROWID, generated columns), changing nothing", async () => {
      const p = "bx";
      await q(
        db,
        `CREATE TABLE "${p}_strict" (id INTEGER PRIMARY KEY, v TEXT) STRICT`,
        `CREATE TABLE "${p}_norowid" (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID`,
        `CREATE TABLE "${p}_gen" (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL)`,
        `INSERT INTO "${p}_strict" (id, v) VALUES (1, 'x')`,
      );
      const before = await schema(db);
      const alter = (table: string, columnName: string): MigrationOp => ({
        kind: "alterColumn",
        table,
        column: columnName,
        nullable: { from: true, to: false },
      });
      await expect(apply(db, [alter(`${p}_strict`, "v")])).rejects.toThrow(
        `batch mode cannot rebuild table ${p}_strict (alterColumn) without losing part of its definition: it is a STRICT table. Nothing was changed`,
      );
      await expect(apply(db, [alter(`${p}_norowid`, "v")])).rejects.toThrow(/it is a WITHOUT ROWID table/);
      await expect(apply(db, [alter(`${p}_gen`, "a")])).rejects.toThrow(/column b is a generated column/);
      expect(await schema(db)).toEqual(before);
      expect(await count(db, `${p}_strict`)).toBe(1);
    });

    it("refuses inside an open transaction while foreign keys are enforced (the PRAGMA would be ignored)", async () => {
      const p = "bt";
      await createParent(db, p);
      const ops = await opsFor(db, parentModel(p, "alter"), modelTables(p));
      expect(ops.map((o) => o.kind)).toEqual(["alterColumn"]);
      {
        await using conn = await db.engine.connect();
        await expect(conn.transaction(() => applyOps(conn, ops))).rejects.toThrow(/inside an open transaction/);
      }
      expect(await count(db, `${p}_child`)).toBe(12);
    });
  });
});
