/**
 * Applying operations on every database: the round trip (a v1 database, the operations that turn
 * it into the v2 model, applied, then compared again: nothing left), the exact statements of a few
 * operations, the refusals where a database cannot do a change in place (SQLite: batch mode), and
 * transactional DDL leaving the schema unchanged when an operation fails.
 */
import { describe, expect, it } from "vitest";
import {
  check,
  column,
  defaultNamingConvention,
  Enum,
  foreignKey,
  index,
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
import { applyOps, opSql, opsSql } from "../../src/migrate/apply.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

const OPTIONS = { compareServerDefault: true } as const;

/** Applies the operations on a connection of its own, closed before the database is reflected again. */
async function apply(db: DialectFixture, ops: readonly MigrationOp[]): Promise<void> {
  await using conn = await db.engine.connect();
  await applyOps(conn, ops);
}

async function opsFor(db: DialectFixture, model: MetaData): Promise<MigrationOp[]> {
  return compareMetadata(model, await reflect(db.engine), db.engine.dialect, OPTIONS);
}

/** The schema before the change, its names prefixed so each test has its own tables. */
function v1(p: string): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(`${p}_authors`, md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(50)),
    email: column(Str(100)),
    nickname: column(Str(30), { nullable: true }),
    bio: column(Text, { nullable: true }),
    status: column(Enum(["new", "active"], { name: `${p}_status` })),
    score: column(Integer, { serverDefault: sql`0` }),
  });
  new Table(
    `${p}_books`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: `${p}_authors.id` }),
      title: column(Str(200)),
      isbn: column(Str(20)),
      pages: column(Integer),
    },
    (c) => [unique([c.isbn]), check(c.pages.gt(0), { name: "pages_positive" }), index([c.title])],
  );
  new Table(`${p}_old`, md, { id: column(Integer, { primaryKey: true }) });
  return md;
}

/** Every kind of change (as in compare.test.ts), comments included where the database keeps them. */
function v2(p: string): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(`${p}_authors`, md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(80), { comment: "display name" }), // type and comment
    email: column(Str(100), { unique: true }), // unique constraint added
    nickname: column(Str(30)), // NOT NULL now
    status: column(Enum(["new", "active", "banned"], { name: `${p}_status` })), // enum value added
    score: column(Integer, { serverDefault: sql`1` }), // server default changed
    country: column(Str(2), { nullable: true, comment: "ISO code" }), // added, with a comment
  });
  new Table(
    `${p}_books`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: foreignKey(`${p}_authors.id`, { onDelete: "CASCADE" }) }),
      title: column(Str(200)),
      isbn: column(Str(20)), // unique constraint dropped
      pages: column(Integer),
    },
    (c) => [check(c.pages.ge(1), { name: "pages_at_least_one" }), index([c.title, c.pages], { name: `ix_${p}_books_title` })],
  );
  new Table(`${p}_new`, md, { id: column(Integer, { primaryKey: true }), kind: column(Enum(["a", "b"], { name: `${p}_kind` })) });
  return md;
}

/** The changes SQLite's ALTER TABLE makes without rebuilding a table: columns added and dropped, indexes, tables. */
function v2Simple(p: string): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(`${p}_authors`, md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(50)),
    email: column(Str(100)),
    nickname: column(Str(30), { nullable: true }),
    status: column(Enum(["new", "active"], { name: `${p}_status` })),
    score: column(Integer, { serverDefault: sql`0` }),
    country: column(Str(2), { nullable: true }), // added
    rank: column(Integer, { serverDefault: sql`3` }), // added, NOT NULL with a default
    mood: column(Enum(["calm", "busy"], { name: `${p}_mood` }), { nullable: true }), // added: a new type, inline ENUM, or a CHECK
  });
  new Table(
    `${p}_books`,
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: `${p}_authors.id` }),
      title: column(Str(200)),
      isbn: column(Str(20)),
      pages: column(Integer),
    },
    (c) => [
      unique([c.isbn]),
      check(c.pages.gt(0), { name: "pages_positive" }),
      index([c.title, c.pages], { name: `ix_${p}_books_title` }), // changed: dropped and created
      index([c.isbn], { name: `ix_${p}_books_isbn` }), // new
    ],
  );
  new Table(`${p}_new`, md, { id: column(Integer, { primaryKey: true }), kind: column(Enum(["a", "b"], { name: `${p}_kind` })) });
  return md;
}

forEachDialect((db) => {
  const dialect = () => db.engine.dialect;
  const q = (name: string) => dialect().preparer.quote(name);

  describe("round trip: v1, the operations to v2 applied, compared again gives nothing", () => {
    it("columns added and dropped, indexes, tables (what every database alters in place)", async () => {
      await v1("rs").createAll(db.engine);
      const ops = await opsFor(db, v2Simple("rs"));
      expect(ops.map((o) => o.kind).sort()).toEqual(
        ["addColumn", "addColumn", "addColumn", "createIndex", "createIndex", "createTable", "dropColumn", "dropIndex", "dropTable"]
          .concat(db.caps.enumTypes ? ["createEnum", "createEnum"] : [])
          .sort(),
      );
      await apply(db, ops);
      expect(await opsFor(db, v2Simple("rs"))).toEqual([]);
    });

    it("every kind of change: types, nullability, defaults, comments, constraints, enum values (tables rebuilt in batch mode where ALTER cannot)", async () => {
      await v1("rt").createAll(db.engine);
      const ops = await opsFor(db, v2("rt"));
      expect(ops.length).toBeGreaterThan(15);
      await apply(db, ops);
      const left = await opsFor(db, v2("rt"));
      expect(left, JSON.stringify(left.map((o) => o.kind))).toEqual([]);
    });
  });

  describe("what needs a table rebuild is refused offline (opSql), naming the operation and table", () => {
    it("alterColumn", async () => {
      await v1("rf").createAll(db.engine);
      const ops = await opsFor(db, v2("rf"));
      const alter = ops.find((o) => o.kind === "alterColumn" && o.column === "name")!;
      if (db.caps.alterColumn) {
        expect(opSql(alter, dialect()).length).toBeGreaterThan(0);
        return;
      }
      // Offline (opSql) it is refused; applyOps rebuilds the table instead (batch.test.ts).
      expect(() => opSql(alter, dialect())).toThrow(
        /alterColumn on table rf_authors \(column name: type.*\) needs a table rebuild on sqlite.*batch mode/,
      );
    });

    it("addConstraint and dropConstraint", async () => {
      await v1("rc").createAll(db.engine);
      const ops = await opsFor(db, v2("rc"));
      const add = ops.find((o) => o.kind === "addConstraint" && o.constraint.kind === "Unique")!;
      const drop = ops.find((o) => o.kind === "dropConstraint" && o.constraint.kind === "Check")!;
      if (db.caps.alterAddConstraint) {
        expect(opSql(add, dialect())[0]).toMatch(/ADD CONSTRAINT/);
        expect(opSql(drop, dialect())[0]).toMatch(/DROP (CONSTRAINT|CHECK)/);
        return;
      }
      expect(() => opSql(add, dialect())).toThrow(
        /addConstraint on table rc_authors \(unique constraint uq_rc_authors_email\) needs a table rebuild/,
      );
      expect(() => opSql(drop, dialect())).toThrow(
        /dropConstraint on table rc_books \(check constraint ck_rc_books_pages_positive\) needs a table rebuild/,
      );
    });
  });

  describe("statements", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const parent = new Table("st_parent", md, { id: column(Integer, { primaryKey: true }) });
    const t = new Table(
      "st_items",
      md,
      {
        id: column(Integer, { primaryKey: true }),
        code: column(Str(10), { nullable: true }),
        qty: column(Integer, { serverDefault: sql`0` }),
        parentId: column(Integer, { name: "parent_id", foreignKey: "st_parent.id" }),
      },
      (c) => [unique([c.code]), check(c.qty.ge(0), { name: "qty_positive" }), index([c.code], { name: "ix_st_code" })],
    );
    void parent;
    const col = (name: string) => t.columnList.find((c) => c.name === name)!;
    const int = () => dialect().typeCompiler.ddl(Integer, {});

    it("addColumn and dropColumn", () => {
      const ops: MigrationOp[] = [
        { kind: "addColumn", table: "st_items", column: col("qty") },
        { kind: "dropColumn", table: "st_items", column: col("code") },
      ];
      expect(opsSql(ops, dialect())).toEqual([
        `ALTER TABLE ${q("st_items")} ADD COLUMN ${q("qty")} ${int()} DEFAULT (0) NOT NULL`,
        `ALTER TABLE ${q("st_items")} DROP COLUMN ${q("code")}`,
      ]);
    });

    it("alterColumn: type, nullability, default", () => {
      const op: MigrationOp = {
        kind: "alterColumn",
        table: "st_items",
        column: "qty",
        nullable: { from: true, to: false },
        default: { from: undefined, to: "0" },
        target: col("qty"),
      };
      const typeOp: MigrationOp = {
        kind: "alterColumn",
        table: "st_items",
        column: "code",
        type: { from: Str(5), to: Str(10) },
        target: col("code"),
      };
      const defaultOnly: MigrationOp = { kind: "alterColumn", table: "st_items", column: "qty", default: { from: "0", to: undefined } };
      if (!db.caps.alterColumn) {
        for (const o of [op, typeOp, defaultOnly]) expect(() => opSql(o, dialect())).toThrow(/needs a table rebuild/);
      } else if (db.name === "postgresql") {
        // Spelling differs by statement form, not by capability: one ALTER per property here, MODIFY on MySQL.
        expect(opSql(op, dialect())).toEqual([
          'ALTER TABLE "st_items" ALTER COLUMN "qty" SET NOT NULL',
          'ALTER TABLE "st_items" ALTER COLUMN "qty" SET DEFAULT 0',
        ]);
        expect(opSql(typeOp, dialect())).toEqual(['ALTER TABLE "st_items" ALTER COLUMN "code" TYPE VARCHAR(10) USING "code"::VARCHAR(10)']);
        expect(opSql(defaultOnly, dialect())).toEqual(['ALTER TABLE "st_items" ALTER COLUMN "qty" DROP DEFAULT']);
      } else {
        expect(opSql(op, dialect())).toEqual(["ALTER TABLE `st_items` MODIFY COLUMN `qty` INTEGER DEFAULT (0) NOT NULL"]);
        expect(opSql(typeOp, dialect())).toEqual(["ALTER TABLE `st_items` MODIFY COLUMN `code` VARCHAR(10)"]);
        expect(opSql(defaultOnly, dialect())).toEqual(["ALTER TABLE `st_items` ALTER COLUMN `qty` DROP DEFAULT"]);
        expect(() => opSql({ ...op, target: undefined }, dialect())).toThrow(/needs its target column/);
      }
    });

    it("addConstraint and dropConstraint", () => {
      const [u] = t.uniqueConstraints;
      const [ck] = t.checkConstraints;
      const [fk] = t.foreignKeys;
      if (!db.caps.alterAddConstraint) {
        for (const c of [u!, ck!, fk!]) {
          expect(() => opSql({ kind: "addConstraint", constraint: c }, dialect())).toThrow(/needs a table rebuild/);
          expect(() => opSql({ kind: "dropConstraint", constraint: c }, dialect())).toThrow(/needs a table rebuild/);
        }
        return;
      }
      const add = [u!, ck!, fk!].map((c) => opSql({ kind: "addConstraint", constraint: c }, dialect())[0]);
      expect(add).toEqual([
        `ALTER TABLE ${q("st_items")} ADD CONSTRAINT ${q("uq_st_items_code")} UNIQUE (${q("code")})`,
        `ALTER TABLE ${q("st_items")} ADD CONSTRAINT ${q("ck_st_items_qty_positive")} CHECK (${q("qty")} >= 0)`,
        `ALTER TABLE ${q("st_items")} ADD CONSTRAINT ${q("fk_st_items_parent_id_st_parent")} FOREIGN KEY (${q("parent_id")}) REFERENCES ${q("st_parent")} (${q("id")})`,
      ]);
      const drop = [u!, ck!, fk!].map((c) => opSql({ kind: "dropConstraint", constraint: c }, dialect())[0]);
      if (db.name === "postgresql")
        expect(drop).toEqual([
          'ALTER TABLE "st_items" DROP CONSTRAINT "uq_st_items_code"',
          'ALTER TABLE "st_items" DROP CONSTRAINT "ck_st_items_qty_positive"',
          'ALTER TABLE "st_items" DROP CONSTRAINT "fk_st_items_parent_id_st_parent"',
        ]);
      else
        expect(drop).toEqual([
          "ALTER TABLE `st_items` DROP INDEX `uq_st_items_code`",
          `ALTER TABLE \`st_items\` DROP ${db.engine.dialect.serverFlavor === "mariadb" ? "CONSTRAINT" : "CHECK"} \`ck_st_items_qty_positive\``,
          "ALTER TABLE `st_items` DROP FOREIGN KEY `fk_st_items_parent_id_st_parent`",
        ]);
    });

    it("addColumn of an enum: its values in a CHECK where enums are not native, the native type elsewhere", () => {
      const et = new Table("st_enum", new MetaData({ namingConvention: defaultNamingConvention }), {
        id: column(Integer, { primaryKey: true }),
        mood: column(Enum(["x", "y"], { name: "mood" }), { nullable: true }),
      });
      if (db.caps.nativeEnum) {
        const [stmt] = opSql({ kind: "addColumn", table: "st_enum", column: et.columnList[1]! }, dialect());
        expect(stmt).not.toMatch(/CHECK/);
        expect(stmt).toMatch(db.caps.enumTypes ? /"mood" "mood"/ : /ENUM\('x','y'\)|ENUM\('x', 'y'\)/);
        return;
      }
      expect(opSql({ kind: "addColumn", table: "st_enum", column: et.columnList[1]! }, dialect())).toEqual([
        `ALTER TABLE ${q("st_enum")} ADD COLUMN ${q("mood")} VARCHAR(1) CONSTRAINT ${q("ck_st_enum_mood")} CHECK (${q("mood")} IN ('x', 'y'))`,
      ]);
    });

    it("alterColumn without a target column spells the type from the change where ALTER COLUMN can", () => {
      // PostgreSQL's spelling (ALTER COLUMN … TYPE … USING); MySQL's MODIFY needs the target, SQLite refuses.
      const op: MigrationOp = { kind: "alterColumn", table: "st_items", column: "code", type: { from: Str(5), to: Str(12) } };
      if (!db.caps.alterColumn) {
        expect(() => opSql(op, dialect())).toThrow(/needs a table rebuild/);
        return;
      }
      if (db.name !== "postgresql") {
        expect(() => opSql(op, dialect())).toThrow(/needs its target column/);
        return;
      }
      expect(opSql({ kind: "alterColumn", table: "st_items", column: "code", type: { from: Str(5), to: Str(12) } }, dialect())).toEqual([
        `ALTER TABLE ${q("st_items")} ALTER COLUMN ${q("code")} TYPE VARCHAR(12) USING ${q("code")}::VARCHAR(12)`,
      ]);
    });

    it("createIndex and dropIndex", () => {
      const ix = t.indexes.find((i) => i.name === "ix_st_code")!;
      expect(opSql({ kind: "createIndex", index: ix }, dialect())).toEqual([
        `CREATE INDEX ${q("ix_st_code")} ON ${q("st_items")} (${q("code")})`,
      ]);
      expect(opSql({ kind: "dropIndex", index: ix }, dialect())[0]).toMatch(new RegExp(`^DROP INDEX ${q("ix_st_code")}`));
    });

    it("enum types: created, dropped, values added where the new list has them; refused where enums belong to columns", () => {
      const d = dialect();
      if (!db.caps.enumTypes) {
        expect(() => opSql({ kind: "createEnum", name: "mood", values: ["a"] }, d)).toThrow(/no enum types of their own/);
        return;
      }
      expect(opSql({ kind: "createEnum", name: "mood", values: ["sad", "ok"] }, d)).toEqual([`CREATE TYPE "mood" AS ENUM ('sad', 'ok')`]);
      expect(opSql({ kind: "dropEnum", name: "mood", values: ["sad", "ok"] }, d)).toEqual([`DROP TYPE "mood"`]);
      const alter = (from: string[], to: string[]) => opSql({ kind: "alterEnum", name: "mood", values: { from, to } }, d);
      expect(alter(["sad", "ok"], ["meh", "sad", "fine", "ok", "happy", "joy"])).toEqual([
        `ALTER TYPE "mood" ADD VALUE 'meh' BEFORE 'sad'`,
        `ALTER TYPE "mood" ADD VALUE 'fine' AFTER 'sad'`,
        `ALTER TYPE "mood" ADD VALUE 'happy'`,
        `ALTER TYPE "mood" ADD VALUE 'joy'`,
      ]);
      expect(() => alter(["sad", "ok"], ["sad"])).toThrow(
        /cannot remove values from an enum type \(alterEnum mood removes 'ok'\); create a new type/,
      );
      expect(() => alter(["sad", "ok"], ["ok", "sad"])).toThrow(/cannot reorder the values of an enum type.*create a new type/);
    });
  });

  describe("a failing operation", () => {
    it("leaves the schema unchanged where DDL is transactional, the statements before it done elsewhere", async () => {
      await v1("tx").createAll(db.engine);
      const md = new MetaData({ namingConvention: defaultNamingConvention });
      const t = new Table(
        "tx_authors",
        md,
        {
          id: column(Integer, { primaryKey: true }),
          extra: column(Integer, { nullable: true }),
          ghost: column(Integer, { nullable: true }),
        },
        (c) => [index([c.ghost], { name: "ix_tx_ghost" })],
      );
      const ops: MigrationOp[] = [
        { kind: "addColumn", table: "tx_authors", column: t.columnList.find((c) => c.name === "extra")! },
        { kind: "createIndex", index: t.indexes[0]! }, // the column "ghost" does not exist
      ];
      await expect(apply(db, ops)).rejects.toThrow();
      const cols = (await reflect(db.engine)).tables.get("tx_authors")!.columns.map((c) => c.name);
      expect(cols.includes("extra")).toBe(!db.caps.transactionalDdl);
    });
  });
});
