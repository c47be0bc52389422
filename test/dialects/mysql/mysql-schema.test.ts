/**
 * MySQL/MariaDB DDL on the real server: inline ENUMs, AUTO_INCREMENT ids, comments, utf8mb4
 * tables, strict mode, undoing a failed createAll (no transactional DDL), and the index kinds
 * MariaDB refuses.
 */
import { describe, expect, it } from "vitest";
import {
  check,
  column,
  CompileError,
  DatabaseError,
  defaultNamingConvention,
  Enum,
  func,
  index,
  insert,
  Integer,
  MetaData,
  Numeric,
  select,
  SmallInteger,
  sql,
  String as Str,
  Table,
  update,
  type Connection,
} from "athanor";
import { forDialect } from "../../support/dialects.js";

async function tableNames(conn: Connection): Promise<string[]> {
  const r = await conn.execute(
    sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`,
  );
  return r.rows.map((row) => String(row.name));
}

forDialect("mysql", (db) => {
  describe("tables", () => {
    it("declares enums inline, and strict mode refuses values outside them", async () => {
      const md = new MetaData();
      const t = new Table("sch_posts", md, {
        id: column(Integer, { primaryKey: true }),
        status: column(Enum(["draft", "published", "it's"]), { default: "draft" }),
      });
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      const type = await conn.scalar(
        sql`SELECT column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'sch_posts' AND column_name = 'status'`,
      );
      expect(type).toBe("enum('draft','published','it''s')");
      await conn.execute(insert(t).values([{ id: 1 }, { id: 2, status: "it's" }]));
      expect(await conn.scalars(select(t.c.status).orderBy(t.c.id))).toEqual(["draft", "it's"]);
      await expect(conn.execute(sql`INSERT INTO sch_posts (id, status) VALUES (3, ${"archived"})`)).rejects.toThrow(
        /Data truncated .*strict mode refuses to truncate/,
      );
      await md.dropAll(conn);
    });

    it("generates AUTO_INCREMENT ids; lastInsertId is the first id of a multi-row insert", async () => {
      const md = new MetaData();
      const t = new Table("sch_auto", md, { id: column(Integer, { primaryKey: true }), name: column(Str(20)) });
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      const first = await conn.execute(insert(t).values({ name: "a" }));
      expect(first.lastInsertId).toBe(1);
      const many = await conn.execute(insert(t).values([{ name: "b" }, { name: "c" }, { name: "d" }]));
      expect(many.rowCount).toBe(3);
      expect(many.lastInsertId).toBe(2);
      expect(await conn.scalar(select(t.c.id).where(t.c.name.eq("d")))).toBe(4);
      // Sent in three batches: still the first id of the whole insert.
      const batched = await conn.execute(insert(t).values(Array.from({ length: 2500 }, (_, i) => ({ name: `n${i}` }))));
      expect(batched.rowCount).toBe(2500);
      expect(batched.lastInsertId).toBe(5);
      // An explicit 0 is stored as 0 (NO_AUTO_VALUE_ON_ZERO), as on the other databases.
      await conn.execute(insert(t).values({ id: 0, name: "zero" }));
      expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(0)))).toBe("zero");
      await md.dropAll(conn);
    });

    it("writes column and table comments inline, and creates utf8mb4 tables", async () => {
      const md = new MetaData();
      new Table(
        "sch_commented",
        md,
        { id: column(Integer, { primaryKey: true, comment: "the id, with a 'quote' and a \\ backslash" }) },
        { comment: "Table — ünïcode" },
      );
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      const row = (
        await conn.execute(
          sql`SELECT t.table_comment AS tc, t.table_collation AS coll, c.column_comment AS cc FROM information_schema.tables t JOIN information_schema.columns c ON c.table_schema = t.table_schema AND c.table_name = t.table_name WHERE t.table_schema = DATABASE() AND t.table_name = 'sch_commented'`,
        )
      ).one();
      // Comments live in the data dictionary, which MariaDB keeps in 3-byte utf8: no emoji there.
      expect(row.tc).toBe("Table — ünïcode");
      expect(row.cc).toBe("the id, with a 'quote' and a \\ backslash");
      expect(String(row.coll)).toMatch(/^utf8mb4_/);
      await md.dropAll(conn);
    });

    it("enforces CHECK constraints and names them in the error", async () => {
      const md = new MetaData({ namingConvention: defaultNamingConvention });
      const t = new Table("sch_checked", md, { id: column(Integer, { primaryKey: true }), qty: column(Integer) }, (c) => [
        check(c.qty.ge(0), { name: "qty_positive" }),
      ]);
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      const err = await conn.execute(insert(t).values({ id: 1, qty: -1 })).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: "IntegrityError", violation: "check", constraint: "ck_sch_checked_qty_positive" });
      await md.dropAll(conn);
    });
  });

  describe("strict mode", () => {
    it("fails on values that do not fit instead of truncating them", async () => {
      const md = new MetaData();
      const t = new Table("sch_strict", md, {
        id: column(Integer, { primaryKey: true }),
        short: column(Str(5), { nullable: true }),
        small: column(SmallInteger, { nullable: true }),
        price: column(Numeric(5, 2), { nullable: true }),
      });
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      await conn.execute(insert(t).values({ id: 1 }));
      const cases: [Promise<unknown>, RegExp][] = [
        [conn.execute(update(t).set({ short: "too long" })), /Data too long for column 'short'/],
        [conn.execute(update(t).set({ small: 40000 })), /Out of range value for column 'small'/],
        [conn.execute(update(t).set({ price: "12345.6" })), /Out of range value for column 'price'/],
        [conn.execute(sql`UPDATE sch_strict SET small = 1 / 0`), /Division by 0/],
        [
          conn.execute(sql`UPDATE sch_strict SET small = ${"12abc"}`),
          /(Incorrect integer value|Truncated incorrect|Data truncated for column .small.)/,
        ],
      ];
      for (const [p, message] of cases) {
        const err = await p.catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DatabaseError);
        expect((err as Error).message).toMatch(message);
      }
      expect((await conn.execute(select(t))).one()).toEqual({ id: 1, short: null, small: null, price: null });
      await md.dropAll(conn);
    });
  });

  describe("DDL without transactions", () => {
    it("a failed createAll drops the tables it had created", async () => {
      const md = new MetaData();
      const parent = new Table("sch_parent", md, { id: column(Integer, { primaryKey: true }) });
      new Table(
        "sch_child",
        md,
        { id: column(Integer, { primaryKey: true }), parentId: column(Integer, { foreignKey: () => parent.c.id }) },
        (c) => [check(sql`${c.parentId} > no_such_column`, { name: "broken" })],
      );
      await using conn = await db.engine.connect();
      const before = await tableNames(conn);
      await expect(md.createAll(conn)).rejects.toThrow(DatabaseError);
      expect(await tableNames(conn)).toEqual(before);
    });

    it("MariaDB refuses partial and expression indexes before any table is created", async () => {
      const md = new MetaData({ namingConvention: defaultNamingConvention });
      new Table("sch_ix_expr", md, { id: column(Integer, { primaryKey: true }), email: column(Str(100)) }, (c) => [
        index([func.lower(c.email)], { name: "ix_lower_email" }),
      ]);
      const partialMd = new MetaData({ namingConvention: defaultNamingConvention });
      new Table("sch_ix_partial", partialMd, { id: column(Integer, { primaryKey: true }), live: column(Integer) }, (c) => [
        index([c.id], { where: c.live.eq(1), name: "ix_live" }),
      ]);
      await using conn = await db.engine.connect();
      const before = await tableNames(conn);
      await expect(partialMd.createAll(conn)).rejects.toThrow(/cannot express partial indexes \(index ix_live has a where condition\)/);
      if (!db.caps.expressionIndexes) {
        const err = await md.createAll(conn).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CompileError);
        expect((err as Error).message).toMatch(
          /^MariaDB \d+\.\d+ cannot index expressions \(index ix_lower_email\); add a generated \(virtual\) column/,
        );
      } else {
        await md.createAll(conn);
        await md.dropAll(conn);
      }
      expect(await tableNames(conn)).toEqual(before);
    });
  });
});
