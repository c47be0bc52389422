/** Query features on real databases: joins, subqueries, CTEs, windows, set operations, DML with RETURNING. */
import { beforeAll, expect, it } from "vitest";
import {
  bindParam,
  caseWhen,
  column,
  CompileError,
  DateTime,
  deleteFrom,
  exists,
  func,
  insert,
  Integer,
  literal,
  MetaData,
  select,
  sql,
  String,
  Table,
  update,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { blogSchema } from "../support/schema.js";

forEachDialect((db) => {
  const { metadata, users, posts } = blogSchema();

  beforeAll(async () => {
    await metadata.createAll(db.engine);
    await using conn = await db.engine.connect();
    // Ids are generated (1, 2, 3… on a fresh table): explicit ids would not advance PostgreSQL's
    // identity counters, and later inserts rely on generated keys.
    await conn.execute(
      insert(users).values([
        { email: "ada@x.io", name: "Ada" },
        { email: "bob@x.io", name: "Bob" },
        { email: "cy@x.io", name: null, active: false },
      ]),
    );
    await conn.execute(
      insert(posts).values([
        { authorId: 1, title: "One", score: 5 },
        { authorId: 1, title: "Two", score: 9 },
        { authorId: 2, title: "Three", score: 1 },
        { authorId: 2, title: "Four", score: 9, body: "long" },
      ]),
    );
    expect(await conn.scalars(select(users.c.id).orderBy(users.c.id))).toEqual([1, 2, 3]);
  });

  it("filters, orders and limits", async () => {
    await using conn = await db.engine.connect();
    const r = await conn.execute(
      select(posts.c.title).where(posts.c.score.ge(5)).orderBy(posts.c.score.desc(), posts.c.id).limit(2).offset(1),
    );
    expect(r.scalars()).toEqual(["Four", "One"]);
  });

  it("joins along the foreign key and aggregates per group", async () => {
    await using conn = await db.engine.connect();
    const total = func.sum(posts.c.score).as("total");
    const r = await conn.execute(
      select(users.c.name, total, func.count(posts.c.id).as("n"))
        .join(posts)
        .groupBy(users.c.name)
        .having(func.count(posts.c.id).ge(2))
        .orderBy(users.c.name),
    );
    expect(r.rows).toEqual([
      { name: "Ada", total: 14, n: 2 },
      { name: "Bob", total: 10, n: 2 },
    ]);
  });

  it("left joins keep rows without matches", async () => {
    await using conn = await db.engine.connect();
    const r = await conn.execute(
      select({ email: users.c.email, posts: func.count(posts.c.id) })
        .from(users)
        .leftJoin(posts)
        .groupBy(users.c.email)
        .orderBy(users.c.email),
    );
    expect(r.rows.map((x) => [x.email, x.posts])).toEqual([
      ["ada@x.io", 2],
      ["bob@x.io", 2],
      ["cy@x.io", 0],
    ]);
  });

  it("full outer joins where the database has them, a clear error where not", async () => {
    await using conn = await db.engine.connect();
    const q = select(users.c.id, posts.c.id.as("postId"))
      .from(users)
      .fullJoin(posts, posts.c.authorId.eq(users.c.id))
      .orderBy(users.c.id, posts.c.id);
    if (db.caps.fullOuterJoin) expect((await conn.execute(q)).rows).toHaveLength(5);
    else await expect(conn.execute(q)).rejects.toThrow(CompileError);
  });

  it("self-joins through an alias", async () => {
    await using conn = await db.engine.connect();
    const p2 = posts.alias("p2");
    const r = await conn.execute(
      select(posts.c.id, p2.c.id.as("same")).join(p2, p2.c.score.eq(posts.c.score)).where(posts.c.id.lt(p2.c.id)),
    );
    expect(r.rows).toEqual([{ id: 2, same: 4 }]);
  });

  it("correlated subqueries, EXISTS and IN (subquery)", async () => {
    await using conn = await db.engine.connect();
    const best = select(func.max(posts.c.score)).where(posts.c.authorId.eq(users.c.id)).scalarSubquery().as("best");
    expect((await conn.execute(select(users.c.id, best).orderBy(users.c.id))).rows).toEqual([
      { id: 1, best: 9 },
      { id: 2, best: 9 },
      { id: 3, best: null },
    ]);
    const withPosts = await conn.execute(
      select(users.c.id)
        .where(exists(select(posts.c.id).where(posts.c.authorId.eq(users.c.id))))
        .orderBy(users.c.id),
    );
    expect(withPosts.scalars()).toEqual([1, 2]);
    const lowScorers = await conn.execute(select(users.c.name).where(users.c.id.in(select(posts.c.authorId).where(posts.c.score.lt(2)))));
    expect(lowScorers.scalars()).toEqual(["Bob"]);
  });

  it("derived tables in FROM", async () => {
    await using conn = await db.engine.connect();
    const per = select(posts.c.authorId, func.count().as("n")).groupBy(posts.c.authorId).subquery("per");
    const r = await conn.execute(select(users.c.email, per.c.n).join(per, per.c.authorId.eq(users.c.id)).orderBy(users.c.email));
    expect(r.rows).toEqual([
      { email: "ada@x.io", n: 2 },
      { email: "bob@x.io", n: 2 },
    ]);
  });

  it("CTEs, including recursive ones", async () => {
    await using conn = await db.engine.connect();
    const hot = select(posts.c.id, posts.c.authorId).where(posts.c.score.ge(9)).cte("hot");
    expect((await conn.execute(select(func.count()).from(hot))).scalar()).toBe(2);
    const base = select(literal(1, Integer).as("n")).cte("counter", { recursive: true });
    const counter = base.unionAll(select(base.c.n.add(1).as("n")).where(base.c.n.lt(10)));
    expect((await conn.execute(select(func.sum(counter.c.n)).from(counter))).scalar()).toBe(55);
  });

  it("window functions", async () => {
    await using conn = await db.engine.connect();
    const rank = func
      .rank()
      .over({ partitionBy: posts.c.authorId, orderBy: [posts.c.score.desc(), posts.c.id] })
      .as("rank");
    const r = await conn.execute(select(posts.c.id, rank).orderBy(posts.c.id));
    expect(r.rows).toEqual([
      { id: 1, rank: 2 },
      { id: 2, rank: 1 },
      { id: 3, rank: 2 },
      { id: 4, rank: 1 },
    ]);
    const running = func
      .sum(posts.c.score)
      .over({ orderBy: posts.c.id, rows: ["unboundedPreceding", "currentRow"] })
      .as("running");
    expect((await conn.execute(select(running).orderBy(posts.c.id))).scalars()).toEqual([5, 14, 15, 24]);
  });

  it("set operations", async () => {
    await using conn = await db.engine.connect();
    const a = select(posts.c.authorId.as("v")).where(posts.c.score.ge(9));
    const b = select(users.c.id.as("v")).where(users.c.active.eq(false));
    expect((await conn.execute(a.union(b).orderBy(posts.c.authorId.as("v")))).scalars()).toEqual([1, 2, 3]);
    expect((await conn.execute(a.unionAll(b))).rows).toHaveLength(3);
    if (db.caps.intersectExcept) {
      const c = select(users.c.id.as("v"));
      expect((await conn.execute(c.except(a).orderBy(users.c.id.as("v")))).scalars()).toEqual([3]);
      expect((await conn.execute(c.intersect(a).orderBy(users.c.id.as("v")))).scalars()).toEqual([1, 2]);
    }
  });

  it("CASE, COALESCE, string functions and casts", async () => {
    await using conn = await db.engine.connect();
    const r = await conn.execute(
      select(
        caseWhen(posts.c.score.ge(9), "hot").else("cold").as("heat"),
        func.coalesce(posts.c.body, "-").as("body"),
        func.upper(posts.c.title).as("loud"),
        func.length(posts.c.title).as("len"),
        posts.c.title.concat("!").as("bang"),
        posts.c.score.cast(Integer).add(1).as("next"),
      ).where(posts.c.id.eq(4)),
    );
    expect(r.one()).toEqual({ heat: "hot", body: "long", loud: "FOUR", len: 4, bang: "Four!", next: 10 });
  });

  it("LIKE helpers treat % and _ in the value literally", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(insert(users).values([{ email: "50%_off@x.io" }, { email: "50xyoff@x.io" }]));
    expect((await conn.execute(select(users.c.email).where(users.c.email.startsWith("50%_")))).scalars()).toEqual(["50%_off@x.io"]);
    expect((await conn.execute(select(users.c.email).where(users.c.email.like("50%off%")).orderBy(users.c.email))).scalars()).toEqual([
      "50%_off@x.io",
      "50xyoff@x.io",
    ]);
    expect((await conn.execute(select(users.c.email).where(users.c.email.ilike("50XY%")))).scalars()).toEqual(["50xyoff@x.io"]);
    await conn.execute(deleteFrom(users).where(users.c.email.in(["50%_off@x.io", "50xyoff@x.io"])));
  });

  it("named parameters, reused with different values", async () => {
    await using conn = await db.engine.connect();
    const byId = select(users.c.email).where(users.c.id.eq(bindParam("id")));
    expect((await conn.execute(byId, { id: 1 })).scalar()).toBe("ada@x.io");
    expect((await conn.execute(byId, { id: 2 })).scalar()).toBe("bob@x.io");
    await expect(conn.execute(byId)).rejects.toThrow(/needs a value for parameter 'id'/);
    await expect(conn.execute(byId, { id: "2" })).rejects.toThrow(/parameter 'id': expected an integer number/);
  });

  it("UPDATE and DELETE report affected rows; RETURNING where supported", async () => {
    await using conn = await db.engine.connect();
    const u = await conn.execute(
      update(posts)
        .set({ score: posts.c.score.add(1) })
        .where(posts.c.authorId.eq(2)),
    );
    expect(u.rowCount).toBe(2);
    if (db.caps.updateReturning) {
      const r = await conn.execute(update(posts).set({ score: 0 }).where(posts.c.id.eq(3)).returning(posts.c.id, posts.c.score));
      expect(r.rows).toEqual([{ id: 3, score: 0 }]);
    }
    await conn.execute(insert(posts).values({ authorId: 3, title: "temp" }));
    if (db.caps.deleteReturning) {
      const d = await conn.execute(deleteFrom(posts).where(posts.c.title.eq("temp")).returning(posts.c.title));
      expect(d.scalars()).toEqual(["temp"]);
    } else {
      expect((await conn.execute(deleteFrom(posts).where(posts.c.title.eq("temp")))).rowCount).toBe(1);
    }
    await conn.execute(update(posts).set({ score: 1 }).where(posts.c.id.eq(3)));
    await conn.execute(update(posts).set({ score: 9 }).where(posts.c.id.eq(4)));
  });

  it("INSERT … RETURNING generated keys, or lastInsertId", async () => {
    await using conn = await db.engine.connect();
    if (db.caps.insertReturning) {
      const r = await conn.execute(
        insert(users)
          .values([{ email: "r1@x.io" }, { email: "r2@x.io" }])
          .returning(users.c.id, users.c.email),
      );
      expect(r.rows.map((x) => x.email)).toEqual(["r1@x.io", "r2@x.io"]);
      expect(r.rows[1]!.id).toBe(r.rows[0]!.id + 1);
    } else {
      const r = await conn.execute(insert(users).values({ email: "r1@x.io" }));
      expect(Number(r.lastInsertId)).toBeGreaterThan(3);
      expect((await conn.execute(select(users.c.email).where(users.c.id.eq(Number(r.lastInsertId))))).scalar()).toBe("r1@x.io");
      await conn.execute(insert(users).values({ email: "r2@x.io" }));
    }
    await conn.execute(deleteFrom(users).where(users.c.email.in(["r1@x.io", "r2@x.io"])));
  });

  it("applies onUpdate defaults, calling functions at each execution", async () => {
    const md = new MetaData();
    const docs = new Table("q_docs", md, {
      id: column(Integer, { primaryKey: true }),
      title: column(String(20)),
      touchedAt: column(DateTime, { nullable: true, onUpdate: () => new Date() }),
    });
    await using conn = await db.engine.connect();
    await md.createAll(conn);
    await conn.execute(insert(docs).values({ id: 1, title: "a" }));
    expect(await conn.scalar(select(docs.c.touchedAt))).toBeNull();
    const rename = update(docs).set({ title: "b" }).where(docs.c.id.eq(1));
    await conn.execute(rename);
    const first = (await conn.scalar(select(docs.c.touchedAt)))!;
    expect(Math.abs(first.getTime() - Date.now())).toBeLessThan(60_000);
    await new Promise((r) => setTimeout(r, 15));
    await conn.execute(rename);
    expect((await conn.scalar(select(docs.c.touchedAt)))!.getTime()).toBeGreaterThan(first.getTime());
    await md.dropAll(conn);
  });

  it("INSERT … SELECT", async () => {
    await using conn = await db.engine.connect();
    const r = await conn.execute(
      insert(posts).fromSelect(["authorId", "title"], select(users.c.id, users.c.email).where(users.c.id.eq(3))),
    );
    expect(r.rowCount).toBe(1);
    expect((await conn.execute(select(posts.c.title).where(posts.c.authorId.eq(3)))).scalars()).toEqual(["cy@x.io"]);
    await conn.execute(deleteFrom(posts).where(posts.c.authorId.eq(3)));
  });

  it("raw SQL through the sql template, values bound", async () => {
    await using conn = await db.engine.connect();
    const r = await conn.execute(sql`SELECT ${users.c.email} AS e FROM ${users} WHERE ${users.c.id} = ${2}`);
    expect(r.rows).toEqual([{ e: "bob@x.io" }]);
    const n = await conn.execute(sql<number>`SELECT count(*) AS n FROM ${posts}`);
    expect(Number(n.scalar())).toBe(4);
  });

  it("one(), oneOrNone(), first() and scalar() say what went wrong", async () => {
    await using conn = await db.engine.connect();
    const none = await conn.execute(select(users.c.id).where(users.c.id.eq(-1)));
    expect(() => none.one()).toThrow(/one\(\) expected exactly one row, but the query returned none: SELECT/);
    expect(none.oneOrNone()).toBeUndefined();
    expect(none.first()).toBeUndefined();
    expect(none.scalar()).toBeUndefined();
    const many = await conn.execute(select(users.c.id));
    expect(() => many.one()).toThrow(/returned 3/);
    expect(() => many.oneOrNone()).toThrow(/at most one row/);
    expect(() => many.scalarOne()).toThrow(/returned 3/);
    expect(await conn.scalars(select(users.c.id).orderBy(users.c.id))).toEqual([1, 2, 3]);
  });
});
