/** createAll / dropAll on real databases: dependency order, cycles, check-first, enforced constraints. */
import { expect, it } from "vitest";
import {
  Boolean,
  check,
  column,
  CompileError,
  DateTime,
  defaultNamingConvention,
  deleteFrom,
  foreignKey,
  func,
  index,
  insert,
  Integer,
  IntegrityError,
  MetaData,
  select,
  sql,
  String,
  Table,
  unique,
  update,
  type Connection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";

async function tableNames(conn: Connection): Promise<Set<string>> {
  return conn.dialect.existingTables(conn._driverConnection(), undefined);
}

forEachDialect((db) => {
  it("creates tables in foreign-key order whatever the declaration order, and drops them in reverse", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    // Declared child-first; string references resolve through the MetaData.
    const comments = new Table("ddl_comments", md, {
      id: column(Integer, { primaryKey: true }),
      postId: column(Integer, { foreignKey: "ddl_posts.id" }),
    });
    const posts = new Table("ddl_posts", md, {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { foreignKey: "ddl_authors.id" }),
    });
    const authors = new Table("ddl_authors", md, { id: column(Integer, { primaryKey: true }) });
    expect(md.sortedTables.map((t) => t.name)).toEqual(["ddl_authors", "ddl_posts", "ddl_comments"]);
    await using conn = await db.engine.connect();
    await md.createAll(conn);
    const names = await tableNames(conn);
    for (const t of [comments, posts, authors]) expect(names.has(t.name)).toBe(true);
    await md.createAll(conn); // check-first: nothing to do, no error
    await md.dropAll(conn);
    const after = await tableNames(conn);
    for (const t of [comments, posts, authors]) expect(after.has(t.name)).toBe(false);
    await md.dropAll(conn); // check-first again
  });

  it("breaks foreign-key cycles (ALTER TABLE where the database can)", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const a = new Table("ddl_cyc_a", md, {
      id: column(Integer, { primaryKey: true }),
      bId: column(Integer, { nullable: true, foreignKey: "ddl_cyc_b.id" }),
    });
    const b = new Table("ddl_cyc_b", md, {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, { nullable: true, foreignKey: "ddl_cyc_a.id" }),
    });
    await using conn = await db.engine.connect();
    await md.createAll(conn);
    await conn.execute(insert(a).values({ id: 1 }));
    await conn.execute(insert(b).values({ id: 1, aId: 1 }));
    await conn.execute(update(a).set({ bId: 1 }).where(a.c.id.eq(1)));
    await expect(conn.execute(insert(b).values({ id: 2, aId: 42 }))).rejects.toBeInstanceOf(IntegrityError);
    await conn.execute(update(a).set({ bId: null }));
    await md.dropAll(conn);
    expect((await tableNames(conn)).has("ddl_cyc_a")).toBe(false);
  });

  it("enforces unique, check, not-null and foreign-key constraints with named IntegrityErrors", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const parent = new Table("ddl_parent", md, { id: column(Integer, { primaryKey: true }), code: column(String(10), { unique: true }) });
    const child = new Table(
      "ddl_child",
      md,
      {
        id: column(Integer, { primaryKey: true }),
        parentId: column(Integer, { foreignKey: foreignKey("ddl_parent.id", { onDelete: "CASCADE" }) }),
        optParent: column(Integer, { nullable: true, foreignKey: foreignKey("ddl_parent.id", { onDelete: "SET NULL" }) }),
        qty: column(Integer),
      },
      (c) => [check(sql`${c.qty} >= 0`, { name: "qty_non_negative" })],
    );
    await using conn = await db.engine.connect();
    await md.createAll(conn);
    await conn.execute(
      insert(parent).values([
        { id: 1, code: "a" },
        { id: 2, code: "b" },
      ]),
    );
    const violation = async (p: Promise<unknown>, kind: string) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, kind).toBeInstanceOf(IntegrityError);
      expect((err as IntegrityError).violation).toBe(kind);
      return err as IntegrityError;
    };
    const dup = await violation(conn.execute(insert(parent).values({ id: 3, code: "a" })), "unique");
    expect(dup.message).toMatch(/code|uq_ddl_parent_code/);
    await violation(conn.execute(insert(child).values({ id: 1, parentId: 99, qty: 1 })), "foreignKey");
    await violation(conn.execute(insert(child).values({ id: 1, parentId: 1, qty: -1 })), "check");
    await violation(conn.execute(insert(child).values({ id: 1, parentId: 1, qty: null as never })), "notNull");
    // ON DELETE CASCADE and SET NULL are enforced by the database.
    await conn.execute(
      insert(child).values([
        { id: 1, parentId: 1, qty: 1 },
        { id: 2, parentId: 2, optParent: 1, qty: 1 },
      ]),
    );
    await conn.execute(deleteFrom(parent).where(parent.c.id.eq(1)));
    expect((await conn.execute(select(child.c.id, child.c.optParent).orderBy(child.c.id))).rows).toEqual([{ id: 2, optParent: null }]);
    await md.dropAll(conn);
  });

  it("applies server defaults and indexes (unique, composite, partial where available)", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table(
      "ddl_defaults",
      md,
      {
        id: column(Integer, { primaryKey: true }),
        status: column(String(20), { serverDefault: "new" }),
        n: column(Integer, { serverDefault: 7 }),
        flag: column(Boolean, { serverDefault: sql`${true}` }),
        createdAt: column(DateTime, { serverDefault: sql`CURRENT_TIMESTAMP` }),
        email: column(String(100), { nullable: true }),
        deleted: column(Boolean, { default: false }),
      },
      (c) => [unique([c.status, c.n], { name: "uq_custom" }), index([c.n, c.status])],
    );
    const partial = index([t.c.email], { unique: true, where: t.c.deleted.eq(false), name: "ix_live_email" });
    await using conn = await db.engine.connect();
    await md.createAll(conn);
    const before = Date.now();
    await conn.execute(insert(t).values({ id: 1 }));
    const row = (await conn.execute(select(t).where(t.c.id.eq(1)))).one();
    expect(row).toMatchObject({ status: "new", n: 7, flag: true, deleted: false });
    expect(Math.abs((row.createdAt as Date).getTime() - before)).toBeLessThan(120_000);
    const ddl = conn.dialect.createDdlCompiler();
    (partial as unknown as { attach(t: Table): void }).attach(t);
    if (db.caps.partialIndexes) {
      await conn._runRaw(ddl.createIndex(partial));
      await conn.execute(
        insert(t).values([
          { id: 2, status: "a", email: "x@y", deleted: true },
          { id: 3, status: "b", email: "x@y", deleted: true },
          { id: 4, status: "c", email: "x@y" },
        ]),
      );
      await expect(conn.execute(insert(t).values({ id: 5, status: "d", email: "x@y" }))).rejects.toBeInstanceOf(IntegrityError);
    } else {
      expect(() => ddl.createIndex(partial)).toThrow(CompileError);
      expect(() => ddl.createIndex(partial)).toThrow(/cannot express partial indexes/);
    }
    await md.dropAll(conn);
  });

  it("expression indexes where the database has them", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table("ddl_expr_ix", md, { id: column(Integer, { primaryKey: true }), email: column(String(100)) }, (c) => [
      index([func.lower(c.email)], { unique: true }),
    ]);
    await using conn = await db.engine.connect();
    if (!db.caps.expressionIndexes) {
      await expect(md.createAll(conn)).rejects.toThrow(/cannot index expressions/);
      expect((await tableNames(conn)).has("ddl_expr_ix")).toBe(false);
      return;
    }
    await md.createAll(conn);
    await conn.execute(insert(t).values({ id: 1, email: "A@x" }));
    await expect(conn.execute(insert(t).values({ id: 2, email: "a@X" }))).rejects.toBeInstanceOf(IntegrityError);
    await md.dropAll(conn);
  });

  it("a failing createAll leaves no tables behind", async () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    new Table("ddl_ok_first", md, { id: column(Integer, { primaryKey: true }) });
    new Table(
      "ddl_bad_second",
      md,
      { id: column(Integer, { primaryKey: true }), ref: column(Integer, { foreignKey: "ddl_ok_first.id" }) },
      (c) => [check(sql`${c.ref} > no_such_column_anywhere`, { name: "broken" })],
    );
    await using conn = await db.engine.connect();
    await expect(md.createAll(conn)).rejects.toThrow();
    const names = await tableNames(conn);
    expect(names.has("ddl_ok_first")).toBe(false);
    expect(names.has("ddl_bad_second")).toBe(false);
  });

  it("names a missing foreign-key target clearly", async () => {
    const md = new MetaData();
    new Table("ddl_orphan", md, { id: column(Integer, { primaryKey: true }), x: column(Integer, { foreignKey: "nowhere.id" }) });
    await using conn = await db.engine.connect();
    await expect(md.createAll(conn)).rejects.toThrow(/references "nowhere.id", but the MetaData has no table "nowhere"/);
  });
});
