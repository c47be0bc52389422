import { describe, expect, it } from "vitest";
import { ArgumentError, CompileError, deleteFrom, func, insert, select, sql, update } from "athanor";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
import { blogSchema } from "../support/schema.js";
import { compile } from "../support/compile.js";

const { users, posts, products } = blogSchema();

describe("insert", () => {
  it("lists given columns plus app-defaulted ones, in table order", () => {
    const r = compile(insert(posts).values({ title: "t", authorId: 1 }));
    expect(r.sql).toBe('INSERT INTO "posts" ("author_id", "title", "score") VALUES (?, ?, ?)');
    expect(r.params).toEqual([1, "t", 0]);
  });

  it("renders many rows in one statement and fills defaults per row", () => {
    const r = compile(insert(users).values([{ email: "a" }, { email: "b", name: "B" }]));
    expect(r.sql).toBe('INSERT INTO "users" ("email", "name", "active", "created_at") VALUES (?, ?, ?, ?), (?, ?, ?, ?)');
    expect(r.params.slice(0, 3)).toEqual(["a", null, true]);
    expect(r.params[3]).toBeInstanceOf(Date);
    expect(r.params.slice(4, 7)).toEqual(["b", "B", true]);
  });

  it("rows of mixed shapes: missing and undefined values take the default or NULL", () => {
    const r = compile(
      insert(posts).values([
        { authorId: 1, title: "a" },
        { authorId: 2, title: "b", score: 3 },
        { authorId: 3, title: "c", body: undefined },
        { authorId: 4, title: "d", body: "x" },
        { authorId: 5, title: "e" },
        { authorId: 6, title: "f" },
      ]),
    );
    expect(r.sql).toBe(
      'INSERT INTO "posts" ("author_id", "title", "body", "score") VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)',
    );
    expect(r.params).toEqual([1, "a", null, 0, 2, "b", null, 3, 3, "c", null, 0, 4, "d", "x", 0, 5, "e", null, 0, 6, "f", null, 0]);
    expect(() => insert(posts).values([{ authorId: 1, title: "a" }, { authorId: 1, title: "b", nope: 1 } as never])).toThrow(
      /row 2: table posts has no column 'nope'/,
    );
    expect(() => insert(posts).values([{ authorId: 1, title: "a" }, null as never])).toThrow(/row 2: each row must be an object/);
  });

  it("accepts SQL expressions as values", () => {
    const r = compile(insert(posts).values({ authorId: 1, title: func.upper(sql<string>`${"x"}`), score: 5 }));
    expect(r.sql).toBe('INSERT INTO "posts" ("author_id", "title", "score") VALUES (?, upper(?), ?)');
    expect(r.params).toEqual([1, "x", 5]);
  });

  it("returning() and insert from select", () => {
    expect(compile(insert(users).values({ email: "a" }).returning(users.c.id)).sql).toMatch(/ RETURNING "users"."id"$/);
    const r = compile(insert(posts).fromSelect(["authorId", "title"], select(users.c.id, users.c.email).where(users.c.active.eq(true))));
    expect(r.sql).toBe(
      'INSERT INTO "posts" ("author_id", "title", "score") SELECT "users"."id", "users"."email", CAST(? AS INTEGER) FROM "users" WHERE "users"."active" = ?',
    );
    expect(r.params).toEqual([0, true]);
  });

  it("upserts with ON CONFLICT on SQLite", () => {
    const ins = sqliteInsert(products).values({ sku: "A1", price: "9.99" });
    const q = ins.onConflictDoUpdate({ target: products.c.sku, set: { price: ins.excluded.price, stock: products.c.stock.add(1) } });
    expect(compile(q).sql).toBe(
      'INSERT INTO "products" ("sku", "price", "stock") VALUES (?, ?, ?) ON CONFLICT ("sku") DO UPDATE SET "price" = "excluded"."price", "stock" = "products"."stock" + ?',
    );
    expect(compile(sqliteInsert(products).values({ sku: "A1", price: "1" }).onConflictDoNothing()).sql).toMatch(/ ON CONFLICT DO NOTHING$/);
  });

  it("refuses unknown columns at once, naming the table's columns", () => {
    expect(() => insert(users).values({ email: "a", nope: 1 } as never)).toThrow(
      /table users has no column 'nope'; its columns are id, email, name, active, createdAt/,
    );
    expect(() => insert(users).values([])).toThrow(ArgumentError);
  });
});

describe("update and delete", () => {
  it("sets only the given columns; expressions stay SQL, values are bound", () => {
    const q = update(posts)
      .set({ title: "new", score: posts.c.score.add(1) })
      .where(posts.c.id.eq(3));
    expect(compile(q)).toEqual({
      sql: 'UPDATE "posts" SET "title" = ?, "score" = "posts"."score" + ? WHERE "posts"."id" = ?',
      params: ["new", 1, 3],
    });
  });

  it("applies onUpdate defaults to columns the statement does not set", async () => {
    const { MetaData, Table, column, Integer, DateTime, String: Str, func } = await import("athanor");
    const md = new MetaData();
    const docs = new Table("docs", md, {
      id: column(Integer, { primaryKey: true }),
      title: column(Str(20)),
      version: column(Integer, { default: 1, onUpdate: 7 }),
      touchedAt: column(DateTime, { name: "touched_at", nullable: true, onUpdate: () => new Date() }),
      touchedBy: column(Str(20), { name: "touched_by", nullable: true, onUpdate: func.upper(sql<string>`${"app"}`) }),
    });
    const r = compile(update(docs).set({ title: "x" }).where(docs.c.id.eq(1)));
    expect(r.sql).toBe('UPDATE "docs" SET "title" = ?, "version" = ?, "touched_at" = ?, "touched_by" = upper(?) WHERE "docs"."id" = ?');
    expect(r.params.slice(0, 2)).toEqual(["x", 7]);
    expect(typeof r.params[2]).toBe("function");
    expect(compile(update(docs).set({ title: "x", version: 3, touchedAt: null })).sql).toBe(
      'UPDATE "docs" SET "title" = ?, "version" = ?, "touched_at" = NULL, "touched_by" = upper(?)',
    );
  });

  it("update with a correlated subquery and returning", () => {
    const q = update(users)
      .set({ name: select(posts.c.title).where(posts.c.authorId.eq(users.c.id)).limit(1).scalarSubquery() })
      .returning(users.c.id, users.c.name);
    expect(compile(q).sql).toBe(
      'UPDATE "users" SET "name" = (SELECT "posts"."title" FROM "posts" WHERE "posts"."author_id" = "users"."id" LIMIT ?) RETURNING "users"."id", "users"."name"',
    );
  });

  it("update from another table", () => {
    const q = update(posts).set({ score: 0 }).from(users).where(posts.c.authorId.eq(users.c.id), users.c.active.eq(false));
    expect(compile(q).sql).toBe(
      'UPDATE "posts" SET "score" = ? FROM "users" WHERE "posts"."author_id" = "users"."id" AND "users"."active" = ?',
    );
  });

  it("delete with where and returning", () => {
    expect(compile(deleteFrom(posts).where(posts.c.score.lt(0)).returning(posts.c.id))).toEqual({
      sql: 'DELETE FROM "posts" WHERE "posts"."score" < ? RETURNING "posts"."id"',
      params: [0],
    });
  });

  it("refuses empty set(), unknown keys and undefined conditions", () => {
    expect(() => update(users).set({})).toThrow(/set\(\) got no values/);
    expect(() => update(users).set({ bogus: 1 } as never)).toThrow(/has no column 'bogus'/);
    expect(() => deleteFrom(users).where(undefined as never)).toThrow(/drop the argument instead of passing undefined/);
    expect(() => compile(update(users))).toThrow(CompileError);
  });
});
