/**
 * Rendering revision files, on every database: a v1 database compared with a rich v2 model gives
 * operations; the rendered file is written to disk, imported, its upgrade recorded through a fresh
 * `op` and applied, and the database then compares equal to v2; its downgrade brings it back to
 * v1. The shop and blog models render from an empty database and apply to nothing left. All the
 * rendered files typecheck and are formatted as prettier formats them.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import * as prettier from "prettier";
import {
  BigInteger,
  Boolean,
  check,
  DateOnly,
  Float,
  ForeignKeyConstraint,
  Jsonb,
  LargeBinary,
  nativeType,
  primaryKey,
  Time,
  column,
  DateTime,
  defaultNamingConvention,
  Enum,
  foreignKey,
  func,
  index,
  Integer,
  Json,
  MetaData,
  Numeric,
  SmallInteger,
  sql,
  String as Str,
  Table,
  Text,
  Uuid,
  type Capabilities,
} from "athanor";
import { defineRevision, invertOps, Operations, renderRevision, type RevisionDefinition } from "athanor/migrate";
import { reflect } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { applyOps, opsSql } from "../../src/migrate/apply.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { Base as Shop } from "../../examples/shop/models/index.js";
import { Base as Blog } from "../../examples/blog/models/index.js";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

const ROOT = resolve(import.meta.dirname, "../..");
/** Rendered files go under .scratch (ignored by git and by the project's tsconfig), one folder per run. */
const DIR = join(ROOT, ".scratch", `render-${process.pid}-${Date.now()}`);
mkdirSync(DIR, { recursive: true });
// ATHANOR_KEEP_RENDERED=1 keeps the files for a look.
afterAll(() => (process.env.ATHANOR_KEEP_RENDERED ? undefined : rmSync(DIR, { recursive: true, force: true })));
const written: string[] = [];

const OPTIONS = { compareServerDefault: true } as const;
const CREATED = new Date("2026-11-21T21:05:00Z");

async function opsFor(db: DialectFixture, model: MetaData): Promise<MigrationOp[]> {
  return compareMetadata(model, await reflect(db.engine), db.engine.dialect, OPTIONS);
}

/** Operations as short lines, so a failed comparison shows what is left. */
function summary(ops: readonly MigrationOp[]): string[] {
  return ops.map((op) =>
    op.kind === "alterColumn"
      ? `alterColumn ${op.table}.${op.column} ${JSON.stringify({ type: op.type && [op.type.from.describe(), op.type.to.describe()], nullable: op.nullable, default: op.default, comment: op.comment })}`
      : op.kind,
  );
}

/** Writes the text as a revision file and imports it. */
async function load(name: string, text: string): Promise<RevisionDefinition> {
  const file = join(DIR, `${name}.ts`);
  writeFileSync(file, text);
  written.push(file);
  return ((await import(pathToFileURL(file).href)) as { default: RevisionDefinition }).default;
}

/** Records one direction of a revision through a fresh `op` and applies it. */
async function run(db: DialectFixture, revision: RevisionDefinition, direction: "upgrade" | "downgrade"): Promise<void> {
  const op = new Operations(db.engine.dialect);
  await revision[direction](op);
  await using conn = await db.engine.connect();
  await applyOps(conn, op.recorded);
}

function v1(p: string): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(`${p}_authors`, md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(50)),
    email: column(Str(100)),
    legacy: column(Str(10), { nullable: true }),
  });
  new Table(`${p}_books`, md, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { name: "author_id", foreignKey: `${p}_authors.id` }),
    title: column(Str(200)),
    pages: column(Integer),
    isbn: column(Str(20), { unique: true }),
  });
  new Table(`${p}_old`, md, { id: column(Integer, { primaryKey: true }), note: column(Text, { nullable: true }) });
  return md;
}

/** Every kind of change, with the types, defaults and constraints a real schema has. */
function v2(p: string, caps: Capabilities): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(`${p}_authors`, md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(120), { comment: "display name" }),
    email: column(Str(100), { unique: true }),
    active: column(Boolean, { serverDefault: true }),
    joined: column(DateTime, { nullable: true }),
  });
  new Table(
    `${p}_books`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: foreignKey(`${p}_authors.id`, { onDelete: "CASCADE" }) }),
      title: column(Str(200)),
      pages: column(Integer),
      isbn: column(Str(20)),
      price: column(Numeric(10, 2), { nullable: true }),
      stock: column(Integer, { serverDefault: sql`0` }),
    },
    (c) => [
      check(sql`${c.pages} > 0`, { name: "pages_positive" }),
      index([c.title], { name: `ix_${p}_books_title` }),
      ...(caps.expressionIndexes ? [index([func.lower(c.title)], { name: `ix_${p}_books_title_lower` })] : []),
      ...(caps.partialIndexes ? [index([c.isbn], { name: `ix_${p}_books_isbn_set`, where: sql`${c.isbn} IS NOT NULL` })] : []),
    ],
  );
  new Table(
    `${p}_reviews`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      bookId: column(Integer, { name: "book_id", foreignKey: foreignKey(`${p}_books.id`, { onDelete: "CASCADE" }) }),
      rating: column(SmallInteger),
      body: column(Text, { nullable: true, comment: "what the reader wrote" }),
      data: column(Json, { nullable: true }),
      token: column(Uuid, { nullable: true }),
      mood: column(Enum(["good", "bad"], { name: `${p}_mood` }), { serverDefault: "good" }),
      created: column(DateTime({ timezone: true }), { serverDefault: sql`CURRENT_TIMESTAMP` }),
    },
    { comment: "book reviews", items: (c) => [check(sql`${c.rating} BETWEEN 1 AND 5`, { name: "rating_range" })] },
  );
  return md;
}

forEachDialect((db) => {
  const dialect = () => db.engine.dialect;

  describe("a rendered revision file upgrades v1 to v2 and downgrades back", () => {
    it("round trip through the file on disk", async () => {
      await v1("rr").createAll(db.engine);
      const ops = await opsFor(db, v2("rr", db.caps));
      const text = renderRevision({
        id: "a1b2c3d4e5f6",
        revises: null,
        message: "Books v2",
        createdAt: CREATED,
        upgrade: ops,
        dialect: dialect(),
      });

      // Key lines, without a snapshot: names are explicit, types are factory calls, defaults are sql`…`.
      expect(text).toContain('import { defineRevision } from "athanor/migrate";');
      expect(text).toContain("export default defineRevision({");
      expect(text).toContain(" * Revision: a1b2c3d4e5f6\n * Revises: (base)\n * Created: 2026-11-21 21:05");
      // SQLite compares declared lengths loosely, so only where the type change is an operation:
      if (ops.some((o) => o.kind === "alterColumn" && o.column === "name" && o.type))
        expect(text).toMatch(/op\.alterColumn\("rr_authors", "name", \{\s*type: String\(120\),[\s\S]*?existingType: String\(50\)/);
      expect(text).toContain('op.createUniqueConstraint("uq_rr_authors_email", "rr_authors", ["email"]);');
      expect(text).toContain("// WARNING: drops column rr_authors.legacy and its values");
      expect(text).toContain("// WARNING: drops table rr_old and all its rows");
      expect(text).toMatch(/op\.createTable\(\s*"rr_reviews"/);
      expect(text).toContain("rating: column(SmallInteger),");
      expect(text).toContain("created: column(DateTime({ timezone: true }), { serverDefault: sql`");
      expect(text).toContain('check(sql`${c.rating} BETWEEN 1 AND 5`, { name: conv("ck_rr_reviews_rating_range") })');
      expect(text).toMatch(
        /op\.createForeignKey\("fk_rr_books_author_id_rr_authors", "rr_books", "rr_authors", \["author_id"\], \["id"\], \{ onDelete: "CASCADE" \}\)/,
      );
      expect(text).toContain(`mood: column(Enum(["good", "bad"], { name: "rr_mood" }), { serverDefault: "good" }),`);
      if (db.caps.enumTypes) expect(text).toContain('op.createEnum("rr_mood", ["good", "bad"]);');
      // Rendering is stable: the same operations give the same text.
      expect(
        renderRevision({ id: "a1b2c3d4e5f6", revises: null, message: "Books v2", createdAt: CREATED, upgrade: ops, dialect: dialect() }),
      ).toBe(text);

      const revision = await load(`round-trip-${db.name}`, text);
      await run(db, revision, "upgrade");
      expect(summary(await opsFor(db, v2("rr", db.caps)))).toEqual([]);
      await run(db, revision, "downgrade");
      expect(summary(await opsFor(db, v1("rr")))).toEqual([]);
    });

    it("likely renames get a comment naming the rename to write instead", async () => {
      const before = new MetaData({ namingConvention: defaultNamingConvention });
      new Table("rn_people", before, { id: column(Integer, { primaryKey: true }), fullname: column(Str(80)) });
      await before.createAll(db.engine);
      const after = new MetaData({ namingConvention: defaultNamingConvention });
      new Table("rn_people", after, { id: column(Integer, { primaryKey: true }), display_name: column(Str(80)) });
      const text = renderRevision({ id: "r1", revises: "r0", message: "rename", createdAt: CREATED, upgrade: await opsFor(db, after) });
      expect(text).toContain(
        '// LIKELY RENAME: rn_people.fullname → display_name? If so, replace this and the addColumn of display_name with op.renameColumn("rn_people", "fullname", "display_name") to keep the values',
      );
      expect(text).toContain(" * Revises: r0");
      expect(text).toContain("LIKELY RENAME: rn_people.fullname → rn_people.display_name");
    });
  });

  describe("the shop and blog models render from an empty database, apply, and compare equal", () => {
    for (const [name, base] of [
      ["shop", Shop],
      ["blog", Blog],
    ] as const)
      it(name, async () => {
        const ops = await opsFor(db, base.metadata);
        expect(ops.length).toBeGreaterThan(0);
        const text = renderRevision({
          id: `${name}000000000`,
          revises: null,
          message: `Create the ${name}`,
          createdAt: CREATED,
          upgrade: ops,
          dialect: dialect(),
        });
        // The runner renders without a dialect where it has none at hand: these models need none.
        expect(
          renderRevision({ id: `${name}000000000`, revises: null, message: `Create the ${name}`, createdAt: CREATED, upgrade: ops }),
        ).toBe(text);
        const revision = await load(`${name}-${db.name}`, text);
        await run(db, revision, "upgrade");
        expect(summary(await opsFor(db, base.metadata))).toEqual([]);
        await run(db, revision, "downgrade");
        const left = [...(await reflect(db.engine)).tables.keys()].filter((t) => base.metadata.tables.has(t));
        expect(left).toEqual([]);
      });
  });

  it("SQL text and messages with backquotes, ${ and */ survive the file", async () => {
    const op = new Operations(dialect());
    op.createCheckConstraint("ck_odd", "odd", "note <> '`${x}\\' AND note <> '*/'");
    op.execute("UPDATE \"odd\" SET note = 'it''s'");
    const text = renderRevision({
      id: "odd1",
      revises: null,
      message: "Odd */ text\nsecond line",
      createdAt: CREATED,
      upgrade: op.recorded,
      downgrade: [],
    });
    expect(text).toContain(" * Odd *\\/ text\n * second line\n");
    const again = new Operations(dialect());
    await (await load(`odd-${db.name}`, text)).upgrade(again);
    const sqlOf = (ops: readonly MigrationOp[]) => opsSql(ops, dialect());
    if (db.caps.alterAddConstraint) expect(sqlOf(again.recorded)).toEqual(sqlOf(op.recorded));
    else expect(sqlOf(again.recorded.slice(1))).toEqual(sqlOf(op.recorded.slice(1)));
  });

  describe("invertOps", () => {
    it("inverts each operation, last first", () => {
      const md = new MetaData();
      const t = new Table("inv", md, { id: column(Integer, { primaryKey: true }) });
      const ops: MigrationOp[] = [
        { kind: "createTable", table: t },
        { kind: "renameColumn", table: "inv", from: "a", to: "b" },
      ];
      expect(invertOps(ops)).toEqual([
        { kind: "renameColumn", table: "inv", from: "b", to: "a" },
        { kind: "dropTable", table: t },
      ]);
    });

    it("refuses what cannot be inverted, saying to write the downgrade by hand", () => {
      const op = new Operations(dialect());
      op.dropTable("gone");
      op.execute("SELECT 1");
      expect(() => invertOps([op.recorded[0]!])).toThrow(/table gone was dropped by name.*write the downgrade by hand/);
      expect(() => invertOps([op.recorded[1]!])).toThrow(/execute operation cannot be inverted/);
    });
  });
});

describe("rendering without a database", () => {
  it("composite keys, odd column names, a schema-less table comment, every type factory", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    new Table("nd_parent", md, { a: column(Integer), b: column(Str(10)) }, (c) => [primaryKey([c.a, c.b])]);
    new Table(
      "nd_child",
      md,
      {
        id: column(BigInteger, { primaryKey: true }),
        "odd name": column(Str(), { nullable: true, collation: "C" }),
        pa: column(Integer),
        pb: column(Str(10)),
        f: column(Float),
        d: column(DateOnly),
        t: column(Time),
        bin: column(LargeBinary, { nullable: true }),
        jb: column(Jsonb, { nullable: true }),
        n: column(Numeric, { nullable: true }),
        inet: column(nativeType("inet"), { nullable: true }),
        // Long string literals go below their key, as prettier puts them.
        long: column(Str(10), { nullable: true, comment: "a comment long enough to need a line of its own ".repeat(3) }),
      },
      {
        comment: "a child",
        items: (c) => [
          new ForeignKeyConstraint([c.pa, c.pb], ["nd_parent.a", "nd_parent.b"], { onDelete: "CASCADE" }),
          index([c["odd name"]]),
        ],
      },
    );
    const ops: MigrationOp[] = md.sortedTables.map((table) => ({ kind: "createTable", table }));
    const message = "a message long enough that the message property no longer fits on its line ".repeat(2).trim();
    const text = renderRevision({ id: "nd1", revises: ["x1", "x2"], message, createdAt: CREATED, upgrade: ops, branchLabels: ["b"] });
    expect(text).toContain(`  message:\n    "${message}",`);
    expect(text).toContain('primaryKey([c.a, c.b], { name: conv("pk_nd_parent") })');
    expect(text).toContain('new ForeignKeyConstraint([c.pa, c.pb], ["nd_parent.a", "nd_parent.b"], {');
    expect(text).toContain('"odd name": column(String(), { nullable: true, collation: "C" }),');
    expect(text).toContain('index([c["odd name"]], { name: conv("ix_nd_child_odd name") })');
    expect(text).toContain('inet: column(nativeType("inet"), { nullable: true }),');
    expect(text).toContain('revises: ["x1", "x2"],');
    expect(text).toContain('branchLabels: ["b"],');
    expect(text).toContain("id: column(BigInteger, { primaryKey: true }),");
    expect(text).toContain("d: column(DateOnly()),");
    await load("no-database", text);
  });
});

describe("rendered files", () => {
  it("are formatted as prettier formats them", async () => {
    expect(written.length).toBeGreaterThan(0);
    const config = await prettier.resolveConfig(join(ROOT, "x.ts"));
    for (const file of written) {
      const text = (await import("node:fs")).readFileSync(file, "utf8");
      expect(await prettier.format(text, { ...config, parser: "typescript" }), file).toBe(text);
    }
  });

  it("typecheck", () => {
    expect(written.length).toBeGreaterThan(0);
    const config = join(DIR, "tsconfig.json");
    writeFileSync(
      config,
      JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: true }, files: written, include: [] }),
    );
    try {
      execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: ROOT, stdio: "pipe" });
    } catch (err) {
      throw new Error(`the rendered files do not typecheck:\n${String((err as { stdout?: unknown }).stdout)}`);
    }
  });

  it("defineRevision checks the file's shape", () => {
    expect(() => defineRevision({ id: "", revises: null, message: "m", upgrade() {}, downgrade() {} })).toThrow(
      /id must be a non-empty string/,
    );
  });
});
