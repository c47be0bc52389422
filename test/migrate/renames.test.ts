/**
 * Renames in autogenerate, on every database: a likely rename the caller confirms, and a rename
 * given up front, are written as renames (the rows stay), with the indexes and constraints whose
 * names follow the old name changed around them; upgrade, then the models and the database match.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { column, defaultNamingConvention, foreignKey, index, Integer, MetaData, sql, String, Table } from "athanor";
import { Migrator } from "../../src/migrate/runner/migrator.js";
import { describeOp } from "../../src/migrate/describe-op.js";
import type { LikelyRename } from "../../src/migrate/compare/review.js";
import { ArgumentError } from "../../src/util/errors.js";
import { forEachDialect } from "../support/dialects.js";

/** People and their notes; `people` and `name` are the names that change. */
function models(people: string, name: string): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(
    people,
    md,
    { id: column(Integer, { primaryKey: true }), [name]: column(String(100)), email: column(String(200), { unique: true }) },
    (c) => [index([c[name]!])],
  );
  new Table("rn_notes", md, {
    id: column(Integer, { primaryKey: true }),
    person_id: column(Integer, { foreignKey: foreignKey(`${people}.id`, { onDelete: "CASCADE" }) }),
    body: column(String(200)),
  });
  return md;
}

forEachDialect((db) => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "athanor-renames-"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    const m = new Migrator({ engine: db.engine, directory: dir, metadata: models("rn_people", "name") });
    await m.revision({ message: "people", autogenerate: true });
    await m.upgrade();
    await db.engine.execute(
      sql`INSERT INTO rn_people (id, name, email) VALUES (1, 'Ursula', 'u@example.com'), (2, 'Octavia', 'o@example.com')`,
    );
    await db.engine.execute(sql`INSERT INTO rn_notes (id, person_id, body) VALUES (1, 1, 'Earthsea'), (2, 2, 'Kindred')`);
  });
  afterEach(async () => {
    await new Migrator({ engine: db.engine, directory: dir }).downgrade("base");
    await db.engine.execute(sql`DROP TABLE athanor_version`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a likely column rename, confirmed, becomes a rename: the values stay, the index named after it follows", async () => {
    const asked: LikelyRename[] = [];
    const m = new Migrator({ engine: db.engine, directory: dir, metadata: models("rn_people", "full_name") });
    const rev = await m.revision({
      message: "rename name",
      autogenerate: true,
      resolveRename: (r) => {
        asked.push(r);
        return true;
      },
    });
    expect(asked).toEqual([{ kind: "column", table: "rn_people", from: "name", to: "full_name" }]);
    expect(rev.ops.map(describeOp)).toEqual([
      "rename column rn_people.name to full_name",
      "drop index ix_rn_people_name on rn_people",
      "create index ix_rn_people_full_name on rn_people",
    ]);
    await m.upgrade();
    expect(await m.check()).toEqual([]);
    const rows = await db.engine.execute(sql`SELECT full_name FROM rn_people ORDER BY id`);
    expect(rows.rows.map((r) => (r as { full_name: string }).full_name)).toEqual(["Ursula", "Octavia"]);
    await m.downgrade("-1");
    const back = await db.engine.execute(sql`SELECT name FROM rn_people ORDER BY id`);
    expect(back.rows.map((r) => (r as { name: string }).name)).toEqual(["Ursula", "Octavia"]);
  });

  it("declined, the same change stays a drop and an add, flagged for review", async () => {
    const m = new Migrator({ engine: db.engine, directory: dir, metadata: models("rn_people", "full_name") });
    const rev = await m.revision({ message: "drop and add", autogenerate: true, resolveRename: () => false });
    expect(rev.ops.map(describeOp)).toContain("drop column rn_people.name");
    expect(rev.review.some((l) => l.startsWith("LIKELY RENAME: rn_people.name → rn_people.full_name"))).toBe(true);
    rmSync(rev.path);
  });

  it("a table rename given up front keeps the rows and the foreign keys pointing at it; constraints named after the table follow", async () => {
    const m = new Migrator({ engine: db.engine, directory: dir, metadata: models("rn_persons", "name") });
    const rev = await m.revision({
      message: "rename people",
      autogenerate: true,
      renames: [{ kind: "table", from: "rn_people", to: "rn_persons" }],
    });
    const ops = rev.ops.map(describeOp);
    expect(ops[0]).toBe("rename table rn_people to rn_persons");
    expect(ops).not.toContain("drop table rn_people");
    expect(ops).toContain("create index ix_rn_persons_name on rn_persons");
    expect(ops).toContain("add unique constraint uq_rn_persons_email on rn_persons");
    await m.upgrade();
    expect(await m.check()).toEqual([]);
    const joined = await db.engine.execute(
      sql`SELECT p.name, n.body FROM rn_notes n JOIN rn_persons p ON p.id = n.person_id ORDER BY n.id`,
    );
    expect(joined.rows.length).toBe(2);
    // The foreign key still cascades from the renamed table.
    await db.engine.execute(sql`DELETE FROM rn_persons WHERE id = 1`);
    expect((await db.engine.execute(sql`SELECT id FROM rn_notes`)).rows.length).toBe(1);
    await m.downgrade("-1");
    expect((await db.engine.execute(sql`SELECT id FROM rn_people`)).rows.length).toBe(1);
  });

  it("a rename that does not fit the database and the models is refused, naming what is missing", async () => {
    const m = new Migrator({ engine: db.engine, directory: dir, metadata: models("rn_persons", "name") });
    const wrong = m.revision({ message: "x", autogenerate: true, renames: [{ kind: "table", from: "rn_nobody", to: "rn_persons" }] });
    await expect(wrong).rejects.toThrow(ArgumentError);
    await expect(
      m.revision({ message: "x", autogenerate: true, renames: [{ kind: "table", from: "rn_nobody", to: "rn_persons" }] }),
    ).rejects.toThrow("rename of table rn_nobody to rn_persons: the database has no table rn_nobody");
    await expect(
      m.revision({ message: "x", autogenerate: true, renames: [{ kind: "column", table: "rn_people", from: "name", to: "nick" }] }),
    ).rejects.toThrow(/the table rn_people must exist in both the database and the models/);
  });
});
