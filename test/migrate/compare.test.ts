/**
 * Autogenerate's comparison on every database: a database compared with the metadata that created
 * it gives nothing (the shop and blog domains), and each kind of change between a database and a
 * changed model gives the operation that makes it, named as the naming convention names it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
  check,
  column,
  defaultNamingConvention,
  Enum,
  foreignKey,
  index,
  Integer,
  MetaData,
  Numeric,
  sql,
  String as Str,
  Table,
  Text,
  unique,
} from "athanor";
import { Base as Shop } from "../../examples/shop/models/index.js";
import { Base as Blog } from "../../examples/blog/models/index.js";
import { reflect } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import type { CompareOptions } from "../../src/migrate/compare/context.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { stripOuterParens } from "../../src/engine/introspection.js";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

/** An operation as "kind target" (target: table, table.column or constraint name), for assertions. */
function describeOp(op: MigrationOp): string {
  switch (op.kind) {
    case "createTable":
    case "dropTable":
      return `${op.kind} ${op.table.name}`;
    case "addColumn":
    case "dropColumn":
      return `${op.kind} ${op.table}.${op.column.name}`;
    case "alterColumn":
      return `alterColumn ${op.table}.${op.column} ${["type", "nullable", "default", "comment"].filter((k) => k in op).join(",")}`;
    case "createIndex":
    case "dropIndex":
      return `${op.kind} ${op.index.name}`;
    case "addConstraint":
    case "dropConstraint":
      return `${op.kind} ${op.constraint.kind} ${op.constraint.name}`;
    case "renameTable":
      return `renameTable ${op.from} ${op.to}`;
    case "renameColumn":
      return `renameColumn ${op.table}.${op.from} ${op.to}`;
    case "createEnum":
    case "dropEnum":
    case "alterEnum":
      return `${op.kind} ${op.name}`;
    default:
      // execute, bulkInsert and run are written by hand; compare never produces them.
      return op.kind;
  }
}

async function diff(db: DialectFixture, model: MetaData, options?: CompareOptions): Promise<string[]> {
  const r = await reflect(db.engine);
  return compareMetadata(model, r, db.engine.dialect, options).map(describeOp);
}

/** The schema in the database before the change. */
function v1(): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table("cm_authors", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(50)),
    email: column(Str(100)),
    nickname: column(Str(30), { nullable: true }),
    bio: column(Text, { nullable: true }),
    status: column(Enum(["new", "active"], { name: "cm_status" })),
    score: column(Integer, { serverDefault: sql`0` }),
  });
  new Table(
    "cm_books",
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: "cm_authors.id" }),
      title: column(Str(200)),
      isbn: column(Str(20)),
      pages: column(Integer),
    },
    (c) => [unique([c.isbn]), check(c.pages.gt(0), { name: "pages_positive" }), index([c.title])],
  );
  new Table("cm_old", md, { id: column(Integer, { primaryKey: true }) });
  return md;
}

/** The model after the change: every kind of difference once. */
function v2(): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table("cm_authors", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(Str(80)), // type: String(50) → String(80)
    email: column(Str(100), { unique: true }), // unique constraint added
    nickname: column(Str(30)), // nullability: NOT NULL now
    // bio dropped
    status: column(Enum(["new", "active", "banned"], { name: "cm_status" })), // enum values changed
    score: column(Integer, { serverDefault: sql`1` }), // server default changed
    country: column(Str(2), { nullable: true }), // added
  });
  new Table(
    "cm_books",
    md,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: foreignKey("cm_authors.id", { onDelete: "CASCADE" }) }), // FK action changed
      title: column(Str(200)),
      isbn: column(Str(20)), // unique constraint dropped
      pages: column(Integer),
    },
    (c) => [check(c.pages.ge(1), { name: "pages_at_least_one" }), index([c.title, c.pages], { name: "ix_cm_books_title" })],
  );
  new Table("cm_new", md, { id: column(Integer, { primaryKey: true }), kind: column(Enum(["a", "b"], { name: "cm_kind" })) });
  return md;
}

forEachDialect((db) => {
  describe("a database compared with the metadata that created it gives nothing", () => {
    for (const [label, base] of [
      ["shop", Shop],
      ["blog", Blog],
    ] as const)
      it(`${label} domain, server defaults compared too`, async () => {
        await base.metadata.createAll(db.engine);
        try {
          expect(await diff(db, base.metadata)).toEqual([]);
          expect(await diff(db, base.metadata, { compareServerDefault: true })).toEqual([]);
        } finally {
          await base.metadata.dropAll(db.engine);
        }
      });
  });

  it("numeric server defaults compare by value, however the database writes them back (0 vs 0.00)", async () => {
    const md = new MetaData();
    new Table("cm_prices", md, {
      id: column(Integer, { primaryKey: true }),
      price: column(Numeric(10, 2), { serverDefault: sql`0` }),
      rate: column(Numeric(5, 3), { serverDefault: "1.5" }),
      label: column(Str(10), { serverDefault: "0.00" }),
    });
    await md.createAll(db.engine);
    try {
      expect(await diff(db, md, { compareServerDefault: true })).toEqual([]);
      const changed = new MetaData();
      new Table("cm_prices", changed, {
        id: column(Integer, { primaryKey: true }),
        price: column(Numeric(10, 2), { serverDefault: sql`1` }),
        rate: column(Numeric(5, 3), { serverDefault: "1.5" }),
        label: column(Str(10), { serverDefault: "0.00" }),
      });
      expect(await diff(db, changed, { compareServerDefault: true })).toEqual(["alterColumn cm_prices.price default"]);
    } finally {
      await md.dropAll(db.engine);
    }
  });

  describe("each kind of change", () => {
    let ops: string[];
    beforeAll(async () => {
      await v1().createAll(db.engine);
      ops = await diff(db, v2(), { compareServerDefault: true });
    });

    it("tables: created and dropped", () => {
      expect(ops).toContain("createTable cm_new");
      expect(ops).toContain("dropTable cm_old");
    });

    it("columns: added, dropped, and altered in type, nullability and server default", () => {
      expect(ops).toContain("addColumn cm_authors.country");
      expect(ops).toContain("dropColumn cm_authors.bio");
      expect(ops).toContain("alterColumn cm_authors.name type");
      expect(ops).toContain("alterColumn cm_authors.nickname nullable");
      expect(ops).toContain("alterColumn cm_authors.score default");
      expect(ops.filter((o) => o.startsWith("alterColumn cm_authors.email"))).toEqual([]);
    });

    it("enum values: a change of the type where enums are types, of the column elsewhere", () => {
      if (db.caps.enumTypes) {
        expect(ops).toContain("alterEnum cm_status");
        expect(ops).toContain("createEnum cm_kind");
      } else expect(ops).toContain("alterColumn cm_authors.status type");
    });

    it("constraints: unique added and dropped, foreign key changed (drop + add), check by name", () => {
      expect(ops).toContain("addConstraint Unique uq_cm_authors_email");
      expect(ops).toContain("dropConstraint Unique uq_cm_books_isbn");
      expect(ops).toContain("dropConstraint ForeignKey fk_cm_books_author_id_cm_authors");
      expect(ops).toContain("addConstraint ForeignKey fk_cm_books_author_id_cm_authors");
      expect(ops).toContain("dropConstraint Check ck_cm_books_pages_positive");
      expect(ops).toContain("addConstraint Check ck_cm_books_pages_at_least_one");
    });

    it("indexes: a changed index is dropped and created again", () => {
      expect(ops.filter((o) => o.includes("ix_cm_books_title"))).toEqual(["dropIndex ix_cm_books_title", "createIndex ix_cm_books_title"]);
    });

    it("orders operations so they can run: new tables first, removals before additions, dropped tables last", () => {
      expect(ops.indexOf("createTable cm_new")).toBeLessThan(ops.indexOf("addColumn cm_authors.country"));
      expect(ops.indexOf("dropConstraint ForeignKey fk_cm_books_author_id_cm_authors")).toBeLessThan(
        ops.indexOf("addConstraint ForeignKey fk_cm_books_author_id_cm_authors"),
      );
      expect(ops.indexOf("dropTable cm_old")).toBeGreaterThan(ops.indexOf("addConstraint Check ck_cm_books_pages_at_least_one"));
    });

    it("lists nothing else", () => {
      const expected = 15 + (db.caps.enumTypes ? 2 : 1);
      expect(ops, ops.join("\n")).toHaveLength(expected);
    });

    it("include leaves objects out", async () => {
      const some = await diff(db, v2(), { include: (o) => o.type !== "table" || o.name !== "cm_old" });
      expect(some).not.toContain("dropTable cm_old");
      expect(some).toContain("createTable cm_new");
      expect(some).not.toContain("alterColumn cm_authors.score default");
    });
  });
});

describe("server defaults compare as the database stores them", () => {
  it("outer parentheses go, inner ones and quoted text stay", () => {
    expect(stripOuterParens("((1 + 2))")).toBe("1 + 2");
    expect(stripOuterParens("(1) + (2)")).toBe("(1) + (2)");
    expect(stripOuterParens("(')(')")).toBe("')('");
  });
});

forEachDialect((db) => {
  it("each database's spelling of a stored default compares equal to the model's", () => {
    const c = (sql: string) => db.engine.dialect.introspector.comparableDefault(sql);
    expect(c("(CURRENT_TIMESTAMP)")).toBe(c("current_timestamp"));
    expect(c("'x'")).not.toBe(c("'y'"));
    if (db.name === "postgresql") {
      // Spellings differ by database, not by capability.
      expect(c("'x'::character varying")).toBe(c("'x'"));
      expect(c("now()")).toBe(c("CURRENT_TIMESTAMP"));
    }
    if (db.name === "mysql") expect(c("current_timestamp()")).toBe(c("CURRENT_TIMESTAMP"));
  });
});
