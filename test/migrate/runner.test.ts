/**
 * The migration runner on every database, with hand-written revision files: upgrade and
 * downgrade by every kind of target, the version table and its checksums, a failing revision
 * (nothing lost where DDL is transactional; progress recorded and resumed on MySQL), offline SQL
 * that runs as written, stamp, and five runners started at once.
 */
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, it } from "vitest";
import { column, Integer, MetaData, sql, String, Table, type Engine } from "athanor";
import { Migrator } from "../../src/migrate/runner/migrator.js";
import { VersionStore } from "../../src/migrate/runner/version-table.js";
import { reflect } from "../../src/migrate/reflect.js";
import { MigrationCheckError, MigrationError } from "../../src/util/errors.js";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

const HEADER = `import { column, foreignKey, Integer, String, sql } from "athanor";\nimport { defineRevision } from "athanor/migrate";\n`;

/** A revision file's text. */
function revisionFile(id: string, revises: string | null, message: string, upgrade: string, downgrade: string): string {
  return `${HEADER}
export default defineRevision({
  id: ${JSON.stringify(id)},
  revises: ${JSON.stringify(revises)},
  message: ${JSON.stringify(message)},
  upgrade(op) {
${upgrade}
  },
  downgrade(op) {
${downgrade}
  },
});
`;
}

const REV1 = revisionFile(
  "aaaa00000001",
  null,
  "create authors",
  `    op.createTable("authors", { id: column(Integer, { primaryKey: true }), name: column(String(100)) });`,
  `    op.dropTable("authors");`,
);
const REV2 = revisionFile(
  "bbbb00000002",
  "aaaa00000001",
  "create books",
  `    op.createTable("books", {
      id: column(Integer, { primaryKey: true }),
      author_id: column(Integer, { foreignKey: foreignKey("authors.id", { name: "fk_books_author_id_authors", onDelete: "CASCADE" }) }),
      title: column(String(200)),
    });`,
  `    op.dropTable("books");`,
);
const REV3 = revisionFile(
  "cccc00000003",
  "bbbb00000002",
  "add authors.country",
  `    op.addColumn("authors", "country", column(String(2), { nullable: true }));
    op.createIndex("ix_authors_country", "authors", ["country"]);`,
  `    op.dropIndex("ix_authors_country", "authors");
    op.dropColumn("authors", "country");`,
);

/** Tables of the database other than the version table. */
async function userTables(engine: Engine): Promise<string[]> {
  const r = await reflect(engine, { only: (n) => n !== "athanor_version" });
  return [...r.tables.keys()].sort();
}

async function columnsOf(engine: Engine, table: string): Promise<string[]> {
  const r = await reflect(engine, { only: [table] });
  return r.tables.get(table)!.columns.map((c) => c.name);
}

forEachDialect((db: DialectFixture) => {
  let dir: string;
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
  const migrator = (options: Partial<ConstructorParameters<typeof Migrator>[0]> = {}) =>
    new Migrator({ engine: db.engine, directory: dir, ...options });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "athanor-runner-"));
    // Revision files are ES modules, as in a project with "type": "module" (the child process loads them with tsx).
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    await resetDatabase(db);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("upgrades to head, records every revision with its checksum, and downgrades step by step to base", async () => {
    write("20260101_0000_create_authors.ts", REV1);
    write("20260101_0001_create_books.ts", REV2);
    write("20260101_0002_add_country.ts", REV3);
    const warnings: string[] = [];
    const planned: string[] = [];
    const m = migrator({
      reporter: {
        warn: (w) => warnings.push(w),
        plan: (steps) => planned.push(...steps.map((s) => `${s.direction} ${s.revision.id} ${s.ops}`)),
      },
    });
    const up = await m.upgrade();
    expect(up.steps.map((s) => s.revision)).toEqual(["aaaa00000001", "bbbb00000002", "cccc00000003"]);
    expect(planned).toEqual(["upgrade aaaa00000001 1", "upgrade bbbb00000002 1", "upgrade cccc00000003 2"]);
    expect(await userTables(db.engine)).toEqual(["authors", "books"]);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name", "country"]);
    expect(await m.current()).toEqual([{ id: "cccc00000003", message: "add authors.country", isHead: true }]);
    const conn = await db.engine.connect();
    const rows = await new VersionStore(conn).applied();
    await conn.close();
    expect(rows.map((r) => r.revision).sort()).toEqual(["aaaa00000001", "bbbb00000002", "cccc00000003"]);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.opsDone === undefined)).toBe(true);

    // Nothing to do at head.
    expect((await m.upgrade()).steps).toEqual([]);

    warnings.length = 0;
    expect((await m.downgrade("-1")).steps.map((s) => s.revision)).toEqual(["cccc00000003"]);
    expect(warnings.filter((w) => !/commits each DDL statement/.test(w))).toEqual([
      "downgrade cccc00000003 drops column authors.country and its values",
    ]);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name"]);
    expect((await m.current()).map((c) => c.id)).toEqual(["bbbb00000002"]);
    expect((await m.downgrade("base")).steps.map((s) => s.revision)).toEqual(["bbbb00000002", "aaaa00000001"]);
    expect(await userTables(db.engine)).toEqual([]);
    expect(await m.current()).toEqual([]);
  });

  it("upgrades by +N and to a revision prefix, and lists history, heads and show", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    write("c.ts", REV3);
    const m = migrator();
    expect((await m.upgrade("+1")).steps.map((s) => s.revision)).toEqual(["aaaa00000001"]);
    expect((await m.upgrade("bbbb")).steps.map((s) => s.revision)).toEqual(["bbbb00000002"]);
    expect((await m.current()).map((c) => [c.id, c.isHead])).toEqual([["bbbb00000002", false]]);
    expect(await m.history()).toEqual([
      "bbbb00000002 -> cccc00000003 (head), add authors.country",
      "aaaa00000001 -> bbbb00000002, create books",
      "<base> -> aaaa00000001, create authors",
    ]);
    expect((await m.heads()).map((r) => r.id)).toEqual(["cccc00000003"]);
    const shown = await m.show("ccc");
    expect(shown).toContain("Revision: cccc00000003 (head)");
    expect(shown).toContain("add column authors.country");
    expect(shown).toContain("drop index ix_authors_country on authors");
  });

  it("a failing revision leaves the database at the previous revision with nothing lost (MySQL: progress recorded, resumed after the fix)", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    const m = migrator();
    await m.upgrade();
    await db.engine.execute(sql`INSERT INTO authors (id, name) VALUES (1, 'Le Guin')`);
    const failing = (fixed: boolean) =>
      revisionFile(
        "dddd00000004",
        "bbbb00000002",
        "add genre and fill it",
        `    op.addColumn("books", "genre", column(String(20), { nullable: true }));
    op.execute(${JSON.stringify(fixed ? "UPDATE books SET genre = 'fiction'" : "UPDATE no_such_table SET genre = 'fiction'")});
    op.addColumn("authors", "born", column(Integer, { nullable: true }));`,
        `    op.dropColumn("authors", "born");
    op.dropColumn("books", "genre");`,
      );
    write("d.ts", failing(false));
    const err = await m.upgrade().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toMatch(/upgrade of revision dddd00000004 \(d\.ts\) failed/);
    const conn = await db.engine.connect();
    const rows = await new VersionStore(conn).applied();
    await conn.close();
    const authors = await db.engine.execute(selectAll("authors"));
    expect(authors.all().length).toBe(1);
    if (db.engine.dialect.caps.transactionalDdl) {
      expect((err as Error).message).toMatch(/Nothing of dddd00000004 was applied: the database is at revision bbbb00000002/);
      expect(await columnsOf(db.engine, "books")).toEqual(["id", "author_id", "title"]);
      expect(rows.map((r) => r.revision).sort()).toEqual(["aaaa00000001", "bbbb00000002"]);
    } else {
      expect((err as Error).message).toMatch(/failed at operation 2 of 3 \(execute UPDATE no_such_table/);
      expect((err as Error).message).toMatch(/operation 1 ran and stays applied.*continue from operation 2/s);
      expect(await columnsOf(db.engine, "books")).toEqual(["id", "author_id", "title", "genre"]);
      expect(rows.find((r) => r.revision === "dddd00000004")?.opsDone).toBe(1);
      // Downgrading past a half-applied revision is refused.
      await expect(m.downgrade("base")).rejects.toThrow(/stopped half way/);
    }
    expect((await m.current()).map((c) => c.id)).toEqual(["bbbb00000002"]);
    write("d.ts", failing(true));
    const resumed = await m.upgrade();
    expect(resumed.steps.map((s) => s.revision)).toEqual(["dddd00000004"]);
    expect(await columnsOf(db.engine, "books")).toEqual(["id", "author_id", "title", "genre"]);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name", "born"]);
    expect((await m.current()).map((c) => c.id)).toEqual(["dddd00000004"]);
  });

  it("a failing downgrade leaves the revision applied with nothing undone (MySQL: progress recorded, resumed after the fix)", async () => {
    write("a.ts", REV1);
    const twoColumns = (fixed: boolean) =>
      revisionFile(
        "ffff00000006",
        "aaaa00000001",
        "two columns",
        `    op.addColumn("authors", "x", column(Integer, { nullable: true }));
    op.addColumn("authors", "y", column(Integer, { nullable: true }));`,
        `    op.dropColumn("authors", "y");
    op.execute(${JSON.stringify(fixed ? "UPDATE authors SET x = NULL" : "UPDATE no_such_table SET x = NULL")});
    op.dropColumn("authors", "x");`,
      );
    write("f.ts", twoColumns(false));
    const m = migrator();
    await m.upgrade();
    const err = (await m.downgrade("-1").catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(MigrationError);
    expect((await m.current()).map((c) => c.id)).toEqual(["ffff00000006"]);
    if (db.engine.dialect.caps.transactionalDdl) {
      expect(err.message).toMatch(/Nothing of ffff00000006 was applied/);
      expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name", "x", "y"]);
    } else {
      expect(err.message).toMatch(
        /failed at operation 2 of 3 .*\noperation 1 ran and stays applied.*run downgrade again to continue from operation 2/s,
      );
      expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name", "x"]);
      await expect(m.upgrade()).rejects.toThrow(
        /the downgrade of revision ffff00000006 stopped half way in an earlier run; run downgrade again/,
      );
    }
    write("f.ts", twoColumns(true));
    // An applied file that was fixed is re-recorded with stamp (its upgrade already ran); a half-done one may change.
    if (db.engine.dialect.caps.transactionalDdl) {
      await expect(m.downgrade("-1")).rejects.toThrow(/was changed after it was applied/);
      await m.stamp("ffff00000006");
    }
    expect((await m.downgrade("-1")).steps.map((s) => s.revision)).toEqual(["ffff00000006"]);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name"]);
    expect((await m.current()).map((c) => c.id)).toEqual(["aaaa00000001"]);
  });

  it("a revision failing after others ran says where the database now stands", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2.replace('op.dropTable("books");', 'op.execute("DROP TABLE no_such_table");'));
    write("c.ts", REV3);
    const m = migrator();
    await m.upgrade();
    const err = (await m.downgrade("base").catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toMatch(/^downgrade of revision bbbb00000002 \(b\.ts\) failed/);
    if (db.engine.dialect.caps.transactionalDdl)
      expect(err.message).toMatch(/Nothing of bbbb00000002 was applied: the database is at revision bbbb00000002\./);
    expect((await m.current()).map((c) => c.id)).toEqual(["bbbb00000002"]);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name"]);
  });

  it("refuses to run when an applied revision file was edited or deleted, and stamp records the files as they are", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    const m = migrator();
    await m.upgrade();
    write("a.ts", REV1.replace("String(100)", "String(120)"));
    write("c.ts", REV3);
    await expect(m.upgrade()).rejects.toThrow(/revision aaaa00000001 \(a\.ts\) was changed after it was applied/);
    expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name"]);
    await m.stamp("bbbb00000002");
    expect((await m.upgrade()).steps.map((s) => s.revision)).toEqual(["cccc00000003"]);
    rmSync(join(dir, "c.ts"));
    await expect(m.upgrade()).rejects.toThrow(/revision cccc00000003 is applied to the database but its file is gone/);
    await expect(m.stamp("bbbb00000002")).rejects.toThrow(/--purge/);
    await m.stamp("bbbb00000002", { purge: true });
    expect((await m.current()).map((c) => c.id)).toEqual(["bbbb00000002"]);
    await m.stamp("base");
    expect(await m.current()).toEqual([]);
    expect(await userTables(db.engine)).toEqual(["authors", "books"]);
  });

  it("a revision inserted below applied ones is reported before anything runs", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    const m = migrator();
    await m.upgrade();
    // x is slipped in between a and b, which is re-parented onto it.
    write("x.ts", revisionFile("eeee00000009", "aaaa00000001", "slipped in", `    op.execute("SELECT 1");`, ""));
    write("b.ts", REV2.replace('revises: "aaaa00000001"', 'revises: "eeee00000009"'));
    const err = (await m.upgrade().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(MigrationError);
    expect(err.message).toMatch(/nothing was run/);
    expect(err.message).toMatch(/revision eeee00000009 is not applied, but bbbb00000002, which comes after it, is/);
    expect(err.message).toMatch(/revision bbbb00000002 \(b\.ts\) was changed after it was applied/);
    // current still reports what is applied (read against the edited files, a is no longer below b).
    expect((await m.current()).map((c) => c.id)).toEqual(["aaaa00000001", "bbbb00000002"]);
  });

  it("offline mode writes SQL that runs as written and leaves the database untouched until then", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    write("c.ts", REV3);
    const m = migrator();
    const { sql } = await m.upgrade("head", { sql: true });
    expect(sql).toContain("-- upgrade aaaa00000001: create authors");
    expect(sql).toMatch(/CREATE TABLE .?athanor_version/);
    expect(sql).toMatch(/INSERT INTO .?athanor_version.? .* VALUES \('cccc00000003'/);
    expect(await userTables(db.engine)).toEqual([]);
    await runScript(db.engine, sql!);
    expect(await userTables(db.engine)).toEqual(["authors", "books"]);
    expect((await m.current()).map((c) => c.id)).toEqual(["cccc00000003"]);
    // The downgrade script of a range, then run: back to base.
    const down = await m.downgrade("base", { sql: true, from: "cccc00000003" });
    expect(down.sql).toMatch(/DELETE FROM .?athanor_version.? WHERE .?athanor_version.?\..?revision.? = 'aaaa00000001'/);
    await runScript(db.engine, down.sql!);
    expect(await userTables(db.engine)).toEqual([]);
    await expect(m.downgrade("base", { sql: true })).rejects.toThrow(/needs the revision the database is at/);
    // stamp's script records the target and what it needs, running nothing else.
    const stamp = await m.stamp("bbbb00000002", { sql: true });
    await runScript(db.engine, stamp.sql!);
    expect((await m.current()).map((c) => c.id)).toEqual(["bbbb00000002"]);
    expect(await userTables(db.engine)).toEqual([]);
  });

  it("a column change rebuilds the table on SQLite (foreign keys off): the parent of ON DELETE CASCADE children keeps every row, online and offline", async () => {
    const widen = revisionFile(
      "dddd00000004",
      "cccc00000003",
      "widen authors.name",
      `    op.alterColumn("authors", "name", { type: String(150), existingNullable: false });`,
      `    op.alterColumn("authors", "name", { type: String(100), existingNullable: false });`,
    );
    write("a.ts", REV1);
    write("b.ts", REV2);
    write("c.ts", REV3);
    write("d.ts", widen);
    const m = migrator();
    await m.upgrade("cccc00000003");
    await db.engine.execute(sql`INSERT INTO authors (id, name) VALUES (1, 'Le Guin'), (2, 'Butler')`);
    await db.engine.execute(sql`INSERT INTO books (id, author_id, title) VALUES (1, 1, 'Earthsea'), (2, 1, 'Lathe'), (3, 2, 'Kindred')`);
    await m.upgrade();
    const nameType = async () => (await reflect(db.engine, { only: ["authors"] })).tables.get("authors")!.columns[1]!.type.describe();
    expect(await nameType()).toMatch(/150/);
    expect((await db.engine.execute(selectAll("books"))).all().length).toBe(3);
    await m.downgrade("cccc00000003");
    expect(await nameType()).toMatch(/100/);
    expect((await db.engine.execute(selectAll("books"))).all().length).toBe(3);

    // Offline: the same change as a script (SQLite: the rebuild replayed from the revisions), run as written.
    const { sql: script } = await m.upgrade("head", { sql: true, from: "cccc00000003" });
    if (db.target.name === "sqlite") {
      expect(script).toContain("PRAGMA foreign_keys = OFF;");
      expect(script).toMatch(/INSERT INTO "_athanor_batch_authors"/);
      expect(script).toContain("PRAGMA foreign_key_check;");
    }
    expect(script).not.toMatch(/CREATE TABLE .?athanor_version/);
    await runScript(db.engine, script!);
    expect(await nameType()).toMatch(/150/);
    expect((await db.engine.execute(selectAll("books"))).all().length).toBe(3);
    expect((await m.current()).map((c) => c.id)).toEqual(["dddd00000004"]);
  });

  it("refuses revision files that would load as CommonJS, saying how to fix it", async () => {
    write("package.json", '{ "type": "commonjs" }\n');
    write("a.ts", REV1);
    await expect(migrator().upgrade()).rejects.toThrow(
      /revision files must load as ES modules, but .*package\.json has no "type": "module"/,
    );
    write("package.json", '{ "type": "module" }\n');
    write("b.ts", "export default { id: 'x' };\n");
    await expect(migrator().upgrade()).rejects.toThrow(
      /revision file b\.ts must `export default defineRevision\(\{ \.\.\. \}\)`: revision x: revises must be null/,
    );
    expect(await userTables(db.engine)).toEqual([]);
  });

  it("check passes when the models match and lists the changes when they differ", async () => {
    write("a.ts", REV1);
    const models = new MetaData();
    new Table("authors", models, { id: column(Integer, { primaryKey: true }), name: column(String(100)) });
    const m = migrator({ metadata: models });
    await expect(m.check()).rejects.toThrow(/not up to date/);
    // Read-only commands leave the database alone: no version table yet.
    expect((await reflect(db.engine)).tables.size).toBe(0);
    await m.upgrade();
    expect(await m.check()).toEqual([]);
    const changed = new MetaData();
    new Table("authors", changed, {
      id: column(Integer, { primaryKey: true }),
      name: column(String(100)),
      country: column(String(2), { nullable: true }),
    });
    const err = await migrator({ metadata: changed })
      .check()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationCheckError);
    expect((err as Error).message).toContain("add column authors.country");
  });

  it("five runners started at once apply each revision exactly once", async () => {
    write("a.ts", REV1);
    write("b.ts", REV2);
    // A data migration: a second run of it would insert its row twice.
    write(
      "c.ts",
      revisionFile(
        "cccc00000003",
        "bbbb00000002",
        "seed an author",
        `    op.execute("INSERT INTO authors (id, name) VALUES (7, 'Butler')");`,
        `    op.execute("DELETE FROM authors WHERE id = 7");`,
      ),
    );
    const engines = Array.from({ length: 5 }, () => db.createEngine());
    try {
      const results = await Promise.all(engines.map((engine) => new Migrator({ engine, directory: dir, lockTimeoutMs: 30_000 }).upgrade()));
      const ran = results.flatMap((r) => r.steps.map((s) => s.revision)).sort();
      expect(ran).toEqual(["aaaa00000001", "bbbb00000002", "cccc00000003"]);
      expect((await db.engine.execute(selectAll("authors"))).all().length).toBe(1);
    } finally {
      await Promise.all(engines.map((e) => e.dispose()));
    }
  });

  it("killing the runner that holds the lock mid-revision releases it, and the next upgrade finishes the job", async () => {
    write("a.ts", REV1);
    const slow = (sleep: boolean) =>
      revisionFile(
        "bbbb00000002",
        "aaaa00000001",
        "create books slowly",
        `    op.createTable("books", { id: column(Integer, { primaryKey: true }), title: column(String(200)) });
    op.run(async () => {
      ${sleep ? 'process.stdout.write("inside\\n");\n      await new Promise((r) => setTimeout(r, 60_000));' : ""}
    });
    op.addColumn("authors", "country", column(String(2), { nullable: true }));`,
        `    op.dropColumn("authors", "country");
    op.dropTable("books");`,
      );
    write("b.ts", slow(true));
    // Connected before the child takes the lock: on SQLite nothing can open the file during its exclusive transaction.
    const engine = db.createEngine();
    await (await engine.connect()).close();
    const child = childUpgrade(db.url, dir, "inside");
    try {
      await waitFor(child, "inside");
      child.kill("SIGKILL");
      await new Promise((r) => child.on("exit", r));
      write("b.ts", slow(false));
      const m = new Migrator({ engine, directory: dir, lockTimeoutMs: 20_000 });
      const before = (await m.current()).map((c) => c.id);
      // PostgreSQL: the killed revision left nothing. MySQL: its first operation stays, recorded.
      // SQLite: the lock is the run's exclusive transaction, so the whole run is undone.
      if (db.target.name === "sqlite") {
        expect(before).toEqual([]);
        expect(await userTables(db.engine)).toEqual([]);
      } else {
        expect(before).toEqual(["aaaa00000001"]);
        expect(await userTables(db.engine)).toEqual(db.engine.dialect.caps.transactionalDdl ? ["authors"] : ["authors", "books"]);
      }
      const after = await m.upgrade();
      expect(after.steps.map((s) => s.revision)).toEqual(db.target.name === "sqlite" ? ["aaaa00000001", "bbbb00000002"] : ["bbbb00000002"]);
      expect(await userTables(db.engine)).toEqual(["authors", "books"]);
      expect(await columnsOf(db.engine, "authors")).toEqual(["id", "name", "country"]);
    } finally {
      child.kill("SIGKILL");
      await engine.dispose();
    }
  });
});

/** `SELECT * FROM <table>`. */
function selectAll(table: string) {
  return sql`SELECT * FROM ${sql.identifier(table)}`;
}

/** Starts an upgrade in a child process and resolves once it prints `line`. */
function childUpgrade(url: string, dir: string, line: string): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/upgrade-child.ts", url, dir], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return child;
}

function waitFor(child: ChildProcess, line: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(line)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`upgrade child exited with ${code} before printing ${line}: ${out}`)));
  });
}

/** Runs an offline script statement by statement. */
async function runScript(engine: Engine, script: string): Promise<void> {
  const conn = await engine.connect();
  try {
    for (const stmt of script.split(/;\n\n/)) {
      const text = stmt
        .split("\n")
        .filter((l) => !l.startsWith("--"))
        .join("\n")
        .trim()
        .replace(/;$/, "");
      if (text) await conn._runRaw(text);
    }
  } finally {
    await conn.close();
  }
}

/** Drops every table the earlier test left (the fixture's database is shared by a file's tests). */
async function resetDatabase(db: DialectFixture): Promise<void> {
  const r = await reflect(db.engine);
  const conn = await db.engine.connect();
  try {
    for (const t of [...r.metadata.sortedTables].reverse()) await conn._runRaw(`DROP TABLE ${db.engine.dialect.preparer.quote(t.name)}`);
  } finally {
    await conn.close();
  }
}
