/**
 * Renaming tables and columns on every database: rows stay, other tables' foreign keys follow the
 * renamed table, and the result compares equal to a model with the new names.
 */
import { beforeAll, expect, it } from "vitest";
import { column, foreignKey, insert, Integer, MetaData, select, String as Str, Table } from "athanor";
import { applyOps, opSql } from "../../src/migrate/apply.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { reflect } from "../../src/migrate/reflect.js";
import { forEachDialect } from "../support/dialects.js";

function schema(parent: string, nameColumn: string): MetaData {
  const md = new MetaData();
  new Table(parent, md, { id: column(Integer, { primaryKey: true }), label: column(Str(40), { name: nameColumn }) });
  new Table("rn_children", md, {
    id: column(Integer, { primaryKey: true }),
    parentId: column(Integer, { name: "parent_id", foreignKey: foreignKey(`${parent}.id`, { onDelete: "CASCADE" }) }),
  });
  return md;
}

forEachDialect((db) => {
  beforeAll(async () => {
    const v1 = schema("rn_parents", "title");
    await v1.createAll(db.engine);
    await db.engine.begin(async (c) => {
      await c.execute(
        insert(v1.tables.get("rn_parents")!).values([
          { id: 1, label: "a" },
          { id: 2, label: "b" },
        ] as never),
      );
      await c.execute(
        insert(v1.tables.get("rn_children")!).values([
          { id: 10, parentId: 1 },
          { id: 11, parentId: 2 },
        ] as never),
      );
    });
  });

  it("spells the renames", () => {
    const q = (n: string) => db.engine.dialect.preparer.quote(n);
    const d = db.engine.dialect;
    expect(opSql({ kind: "renameTable", from: "a", to: "b" }, d)).toEqual([`ALTER TABLE ${q("a")} RENAME TO ${q("b")}`]);
    expect(opSql({ kind: "renameColumn", table: "t", from: "x", to: "y" }, d)).toEqual([
      `ALTER TABLE ${q("t")} RENAME COLUMN ${q("x")} TO ${q("y")}`,
    ]);
  });

  it("renames a table and a column, keeping the rows and the foreign keys that point at it", async () => {
    await using conn = await db.engine.connect();
    await applyOps(conn, [
      { kind: "renameTable", from: "rn_parents", to: "rn_owners" },
      { kind: "renameColumn", table: "rn_owners", from: "title", to: "name" },
    ]);
    const v2 = schema("rn_owners", "name");
    const r = await reflect(conn);
    expect(r.tables.has("rn_parents")).toBe(false);
    expect(r.tables.get("rn_children")!.foreignKeys.map((f) => f.referredTable)).toEqual(["rn_owners"]);
    expect(compareMetadata(v2, r, db.engine.dialect)).toEqual([]);
    const owners = v2.tables.get("rn_owners")!;
    expect((await conn.execute(select(owners).orderBy(owners.c.id as never))).all()).toEqual([
      { id: 1, label: "a" },
      { id: 2, label: "b" },
    ]);
  });

  it("renaming a table that does not exist fails with the database's error and changes nothing", async () => {
    await using conn = await db.engine.connect();
    const before = [...(await reflect(conn)).tables.keys()];
    await expect(applyOps(conn, [{ kind: "renameTable", from: "rn_missing", to: "rn_other" }])).rejects.toThrow(/rn_missing/);
    expect([...(await reflect(conn)).tables.keys()]).toEqual(before);
  });
});
