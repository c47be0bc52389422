/** PostgreSQL-only query features on the real server: JSONB paths, DISTINCT ON, upserts on constraints, SKIP LOCKED, ILIKE, streaming. */
import { beforeAll, describe, expect, it } from "vitest";
import {
  Boolean,
  column,
  defaultNamingConvention,
  Integer,
  IntegrityError,
  Jsonb,
  MetaData,
  select,
  sql,
  String as Str,
  Table,
  update,
  func,
} from "athanor";
import { insert } from "athanor/dialects/postgres";
import { forDialect } from "../../support/dialects.js";

const md = new MetaData({ namingConvention: defaultNamingConvention });
const docs = new Table("docs", md, {
  id: column(Integer, { primaryKey: true }),
  owner: column(Str(20)),
  title: column(Str(100)),
  body: column(Jsonb<Record<string, unknown>>()),
});
const counters = new Table("counters", md, {
  id: column(Integer, { primaryKey: true }),
  name: column(Str(20), { unique: true }),
  hits: column(Integer, { default: 0 }),
});
const jobs = new Table("jobs", md, { id: column(Integer, { primaryKey: true }), done: column(Boolean, { default: false }) });

forDialect("postgresql", (db) => {
  beforeAll(async () => {
    await md.createAll(db.engine);
    await db.engine.execute(
      insert(docs).values([
        { owner: "ann", title: "First Post", body: { kind: "note", tags: ["a", "b"], meta: { "it's": { deep: 1 } }, flag: true } },
        { owner: "ann", title: "second post", body: { kind: "memo", tags: ["c"], meta: {} } },
        { owner: "bob", title: "Bob's POST", body: { kind: "note", tags: [], n: 2.5 } },
      ]),
    );
    await db.engine.execute(insert(jobs).values([{}, {}, {}]));
  });

  describe("PostgreSQL JSONB path queries", () => {
    it("filters and selects by keys and array indexes", async () => {
      const r = await db.engine.execute(
        select({ id: docs.c.id, firstTag: docs.c.body.getText("tags", 0), tags: docs.c.body.get("tags") })
          .where(docs.c.body.getText("kind").eq("note"))
          .orderBy(docs.c.id),
      );
      expect(r.rows).toEqual([
        { id: 1, firstTag: "a", tags: ["a", "b"] },
        { id: 3, firstTag: null, tags: [] },
      ]);
    });

    it("keys with quotes reach the server as parameters, not SQL", async () => {
      const r = await db.engine.execute(select(docs.c.body.get("meta", "it's", "deep")).where(docs.c.id.eq(1)));
      expect(r.scalar()).toBe(1);
      expect(r.sql).not.toContain("it's");
    });

    it("text extraction spells booleans and numbers as text", async () => {
      const r = await db.engine.execute(select({ flag: docs.c.body.getText("flag"), n: docs.c.body.getText("n") }).orderBy(docs.c.id));
      expect(r.rows.map((x) => [x.flag, x.n])).toEqual([
        ["true", null],
        [null, null],
        [null, "2.5"],
      ]);
    });

    it("JSONB containment through raw SQL with a typed document", async () => {
      const r = await db.engine.execute(
        sql`select ${docs.c.id} from ${docs} where ${docs.c.body} @> ${JSON.stringify({ tags: ["b"] })}::jsonb`,
      );
      expect(r.scalars()).toEqual([1]);
    });
  });

  describe("PostgreSQL-only select clauses", () => {
    it("DISTINCT ON keeps the first row per group", async () => {
      const r = await db.engine.execute(
        select(docs.c.owner, docs.c.title).distinctOn(docs.c.owner).orderBy(docs.c.owner, docs.c.id.desc()),
      );
      expect(r.rows).toEqual([
        { owner: "ann", title: "second post" },
        { owner: "bob", title: "Bob's POST" },
      ]);
    });

    it("ILIKE matches case-insensitively", async () => {
      const r = await db.engine.execute(select(docs.c.id).where(docs.c.title.ilike("%post%")).orderBy(docs.c.id));
      expect(r.scalars()).toEqual([1, 2, 3]);
      const n = await db.engine.execute(select(docs.c.id).where(docs.c.title.notIlike("%POST")).orderBy(docs.c.id));
      expect(n.scalars()).toEqual([]);
    });

    it("MATERIALIZED CTEs run", async () => {
      const c = select(docs.c.id, docs.c.owner).where(docs.c.owner.eq("ann")).cte("ann_docs", { materialized: true });
      const r = await db.engine.execute(select(func.count()).from(c));
      expect(r.scalar()).toBe(2);
      expect(r.sql).toContain('"ann_docs" AS MATERIALIZED (');
    });
  });

  describe("PostgreSQL upserts", () => {
    it("ON CONFLICT (column) DO UPDATE with excluded values", async () => {
      const ins = insert(counters).values({ name: "a", hits: 1 });
      const up = ins
        .onConflictDoUpdate({ target: counters.c.name, set: { hits: counters.c.hits.add(ins.excluded.hits) } })
        .returning(counters.c.hits);
      expect(await db.engine.execute(up).then((r) => r.scalar())).toBe(1);
      expect(await db.engine.execute(up).then((r) => r.scalar())).toBe(2);
    });

    it("ON CONFLICT ON CONSTRAINT names the unique constraint", async () => {
      const ins = insert(counters).values({ name: "a", hits: 10 });
      const up = ins
        .onConflictDoUpdate({ target: { constraint: "uq_counters_name" }, set: { hits: ins.excluded.hits } })
        .returning(counters.c.hits);
      expect(await db.engine.execute(up).then((r) => r.scalar())).toBe(10);
      const nothing = await db.engine.execute(
        insert(counters)
          .values({ name: "a" })
          .onConflictDoNothing({ target: { constraint: "uq_counters_name" } }),
      );
      expect(nothing.rowCount).toBe(0);
      await expect(
        db.engine.execute(
          insert(counters)
            .values({ name: "b" })
            .onConflictDoNothing({ target: { constraint: "no_such_constraint" } }),
        ),
      ).rejects.toThrow(/constraint "no_such_constraint" for table "counters" does not exist/);
    });

    it("without ON CONFLICT the duplicate is an IntegrityError naming the constraint", async () => {
      const err = await db.engine.execute(insert(counters).values({ name: "a" })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
      expect(err).toMatchObject({ violation: "unique", constraint: "uq_counters_name", code: "23505" });
    });
  });

  describe("PostgreSQL row locks", () => {
    it("FOR UPDATE SKIP LOCKED hands concurrent workers different rows", async () => {
      const next = select(jobs.c.id).where(jobs.c.done.eq(false)).orderBy(jobs.c.id).limit(1).forUpdate({ skipLocked: true });
      await using a = await db.engine.connect();
      await using b = await db.engine.connect();
      const ta = await a.begin();
      const tb = await b.begin();
      const first = await a.scalar(next);
      const second = await b.scalar(next);
      expect([first, second]).toEqual([1, 2]);
      await a.execute(update(jobs).set({ done: true }).where(jobs.c.id.eq(first!)));
      await ta.commit();
      await tb.rollback();
      expect(await db.engine.execute(next).then((r) => r.scalar())).toBe(2);
    });

    it("FOR UPDATE NOWAIT fails at once on a locked row", async () => {
      const lock = select(jobs.c.id).where(jobs.c.id.eq(3)).forUpdate({ nowait: true });
      await using a = await db.engine.connect();
      await using b = await db.engine.connect();
      await a.begin();
      await a.execute(lock);
      await b.begin();
      await expect(b.execute(lock)).rejects.toThrow(/could not obtain lock on row.*SQLSTATE 55P03/);
    });
  });

  describe("PostgreSQL streaming", () => {
    it("streams a large result in batches and leaves the connection usable after a break", async () => {
      await using conn = await db.engine.connect();
      const series = sql`select g as n, g::int8 * 10000000000000 as big from generate_series(1, 2500) g`;
      let count = 0;
      let last: Record<string, unknown> | undefined;
      for await (const row of conn.stream(series, undefined, { batchSize: 1000 })) {
        count++;
        last = row as Record<string, unknown>;
      }
      expect(count).toBe(2500);
      expect(last).toEqual({ n: 2500, big: 25000000000000000n });
      for await (const row of conn.stream(select(docs.c.id).orderBy(docs.c.id), undefined, { batchSize: 1 })) {
        expect(row).toEqual({ id: 1 });
        break;
      }
      expect(await conn.scalar(select(func.count()).from(docs))).toBe(3);
    });

    it("a failing streamed query raises a translated error and the connection keeps working", async () => {
      await using conn = await db.engine.connect();
      const bad = sql`select 1 / (g - 3) from generate_series(1, 5) g`;
      await expect(async () => {
        for await (const _ of conn.stream(bad, undefined, { batchSize: 1 })) void _;
      }).rejects.toThrow(/division by zero.*SQLSTATE 22012/);
      expect(await conn.scalar(select(func.count()).from(docs))).toBe(3);
    });
  });
});
