/**
 * Reflection on every database: a schema declared with the Core is created, read back through the
 * dialect's introspector, and must come back as the same types, keys, constraints and indexes; the
 * reflected MetaData can itself create the schema again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Boolean as Bool,
  check,
  column,
  DateTime,
  defaultNamingConvention,
  Enum,
  foreignKey,
  index,
  Integer,
  MetaData,
  Numeric,
  primaryKey,
  sql,
  String as Str,
  Table,
  Text,
  unique,
  type Engine,
} from "athanor";
import { reflect, type Reflection } from "../../src/migrate/reflect.js";
import { forEachDialect } from "../support/dialects.js";

function schema(caps: { partialIndexes: boolean; expressionIndexes: boolean }): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table("rf_authors", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(100)),
    email: column(Str(255), { unique: true }),
    bio: column(Text, { nullable: true }),
    rating: column(Numeric(10, 2), { serverDefault: sql`0` }),
    active: column(Bool, { serverDefault: sql`true` }),
    status: column(Enum(["new", "active", "gone"], { name: "rf_author_status" })),
    joinedAt: column(DateTime({ timezone: true }), { name: "joined_at", serverDefault: sql`CURRENT_TIMESTAMP` }),
  });
  new Table(
    "rf_books",
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: foreignKey("rf_authors.id", { onDelete: "CASCADE" }) }),
      editorId: column(Integer, { name: "editor_id", nullable: true, foreignKey: foreignKey("rf_authors.id", { onDelete: "SET NULL" }) }),
      title: column(Str(200)),
      price: column(Numeric(8, 2)),
    },
    (c) => [
      unique([c.title, c.authorId]),
      check(c.price.gt("0"), { name: "price_positive" }),
      index([c.title]),
      ...(caps.partialIndexes ? [index([c.editorId], { name: "ix_rf_books_edited", where: c.editorId.isNotNull() })] : []),
      ...(caps.expressionIndexes ? [index([sql`lower(${c.title})`], { name: "ix_rf_books_title_lower" })] : []),
    ],
  );
  new Table(
    "rf_book_tags",
    md,
    {
      bookId: column(Integer, { name: "book_id", foreignKey: foreignKey("rf_books.id", { onDelete: "CASCADE" }) }),
      tag: column(Str(40)),
    },
    (c) => [primaryKey([c.bookId, c.tag])],
  );
  return md;
}

forEachDialect((db) => {
  let md: MetaData;
  let r: Reflection;
  beforeAll(async () => {
    md = schema(db.caps);
    await md.createAll(db.engine);
    r = await reflect(db.engine);
  });
  afterAll(() => md.dropAll(db.engine));

  const table = (name: string) => {
    const t = r.tables.get(name);
    if (!t) throw new Error(`${name} was not reflected`);
    return t;
  };
  const col = (t: string, c: string) => table(t).columns.find((x) => x.name === c)!;

  it("lists the tables", () => {
    expect([...r.tables.keys()].filter((n) => n.startsWith("rf_"))).toEqual(["rf_authors", "rf_book_tags", "rf_books"]);
  });

  it("reads columns: types with their arguments, nullability, server defaults, autoincrement", () => {
    const t = table("rf_authors");
    expect(t.columns.map((c) => c.name)).toEqual(["id", "name", "email", "bio", "rating", "active", "status", "joined_at"]);
    expect(col("rf_authors", "name").type.describe()).toBe("String(100)");
    expect(col("rf_authors", "bio").type.describe()).toBe("Text");
    expect(col("rf_authors", "rating").type.describe()).toBe("Numeric(10,2)");
    expect(col("rf_authors", "active").type.kind).toBe("Boolean");
    expect(col("rf_authors", "joined_at").type.kind).toBe("DateTime");
    const status = col("rf_authors", "status").type as unknown as { kind: string; values: readonly string[] };
    expect(status.kind).toBe("Enum");
    expect(status.values).toEqual(["new", "active", "gone"]);
    expect(t.columns.map((c) => c.nullable)).toEqual([false, false, false, true, false, false, false, false]);
    expect(col("rf_authors", "id").autoincrement).toBe(true);
    expect(col("rf_authors", "name").autoincrement).toBe(false);
    expect(col("rf_authors", "name").default).toBeUndefined();
    expect(col("rf_authors", "rating").default).toMatch(/0/);
    expect(col("rf_authors", "joined_at").default?.toLowerCase()).toMatch(/current_timestamp|now\(\)/);
    expect(col("rf_books", "author_id").autoincrement).toBe(false);
  });

  it("reads primary keys, foreign keys with their actions, unique and check constraints by name", () => {
    expect(table("rf_authors").primaryKey?.columns).toEqual(["id"]);
    const fks = [...table("rf_books").foreignKeys].sort((a, b) => (a.columns[0]! < b.columns[0]! ? -1 : 1));
    expect(fks.map((f) => [f.name, f.columns, f.referredTable, f.referredColumns, f.onDelete ?? null])).toEqual([
      ["fk_rf_books_author_id_rf_authors", ["author_id"], "rf_authors", ["id"], "CASCADE"],
      ["fk_rf_books_editor_id_rf_authors", ["editor_id"], "rf_authors", ["id"], "SET NULL"],
    ]);
    expect(table("rf_authors").uniques).toEqual([{ name: "uq_rf_authors_email", columns: ["email"] }]);
    expect(table("rf_books").uniques).toEqual([{ name: "uq_rf_books_title_author_id", columns: ["title", "author_id"] }]);
    const checks = table("rf_books").checks;
    expect(checks.map((k) => k.name)).toEqual(["ck_rf_books_price_positive"]);
    expect(checks[0]!.sql).toMatch(/price.*>.*0/);
  });

  it("reads indexes, with partial conditions and expressions where the database has them", () => {
    const ix = table("rf_books").indexes.filter((i) => !table("rf_books").foreignKeys.some((f) => f.name === i.name));
    const byName = new Map(ix.map((i) => [i.name, i]));
    expect(byName.get("ix_rf_books_title")).toMatchObject({ items: ["title"], unique: false });
    if (db.caps.partialIndexes) expect(byName.get("ix_rf_books_edited")?.where).toMatch(/editor_id.*IS NOT NULL/i);
    if (db.caps.expressionIndexes) {
      const items = byName.get("ix_rf_books_title_lower")?.items ?? [];
      expect(items).toHaveLength(1);
      expect((items[0] as { expression: string }).expression).toMatch(/lower\(.*title.*\)/i);
    }
  });

  it("builds MetaData that creates the same schema again", async () => {
    const copy = db.createEngine();
    const tables = [...r.metadata.tables.values()].filter((t) => t.name.startsWith("rf_"));
    expect(tables.map((t) => t.name).sort()).toEqual(["rf_authors", "rf_book_tags", "rf_books"]);
    const books = tables.find((t) => t.name === "rf_books")!;
    expect(books.foreignKeys.map((f) => f.name).sort()).toEqual(["fk_rf_books_author_id_rf_authors", "fk_rf_books_editor_id_rf_authors"]);
    expect(books.uniqueConstraints.map((u) => u.name)).toEqual(["uq_rf_books_title_author_id"]);
    // Drop the original, create from the reflection, reflect again: the same records come back.
    await md.dropAll(db.engine);
    await r.metadata.createAll(copy as Engine);
    const again = await reflect(copy);
    for (const name of ["rf_authors", "rf_books", "rf_book_tags"]) {
      const a = again.tables.get(name)!;
      const b = r.tables.get(name)!;
      expect({ ...a, columns: a.columns.map((c) => ({ ...c, type: c.type.describe() })) }).toEqual({
        ...b,
        columns: b.columns.map((c) => ({ ...c, type: c.type.describe() })),
      });
    }
    await r.metadata.dropAll(copy as Engine);
    await md.createAll(db.engine);
  });

  describe("only", () => {
    it("reflects the tables named, and says which are missing", async () => {
      const some = await reflect(db.engine, { only: ["rf_books"] });
      expect([...some.tables.keys()]).toEqual(["rf_books"]);
      await expect(reflect(db.engine, { only: ["rf_nope"] })).rejects.toThrow(/no table named rf_nope/);
    });
  });
});
