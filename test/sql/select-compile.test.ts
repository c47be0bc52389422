import { describe, expect, it } from "vitest";
import { and, bindParam, caseWhen, exists, func, Integer, not, or, select, sql, String as Str, literal } from "athanor";
import { blogSchema } from "../support/schema.js";
import { compile } from "../support/compile.js";

const { users, posts } = blogSchema();

describe("select compiles to exact SQL with bound values", () => {
  it("selects columns with a where clause; values are parameters", () => {
    expect(compile(select(users.c.id, users.c.email).where(users.c.email.eq("a@b.c")))).toEqual({
      sql: 'SELECT "users"."id", "users"."email" FROM "users" WHERE "users"."email" = ?',
      params: ["a@b.c"],
    });
  });

  it("expands a whole table", () => {
    expect(compile(select(users)).sql).toBe(
      'SELECT "users"."id", "users"."email", "users"."name", "users"."active", "users"."created_at" FROM "users"',
    );
  });

  it("labels object-form items whose key differs from the column name", () => {
    expect(compile(select({ userId: users.c.id, email: users.c.email })).sql).toBe(
      'SELECT "users"."id" AS "userId", "users"."email" FROM "users"',
    );
  });

  it("combines where() calls and boolean operators with correct grouping", () => {
    const q = select(users.c.id)
      .where(or(users.c.name.eq("a"), users.c.name.eq("b")))
      .where(not(users.c.active.eq(false)), users.c.id.gt(3));
    expect(compile(q)).toEqual({
      sql: 'SELECT "users"."id" FROM "users" WHERE ("users"."name" = ? OR "users"."name" = ?) AND NOT "users"."active" = ? AND "users"."id" > ?',
      params: ["a", "b", false, 3],
    });
  });

  it("renders eq(null) as IS NULL and comparison operators", () => {
    const q = select(users.c.id).where(
      users.c.name.eq(null),
      users.c.id.ne(1),
      users.c.id.le(9),
      users.c.id.between(1, 5),
      users.c.name.isNotNull(),
    );
    expect(compile(q).sql).toBe(
      'SELECT "users"."id" FROM "users" WHERE "users"."name" IS NULL AND "users"."id" <> ? AND "users"."id" <= ? AND "users"."id" BETWEEN ? AND ? AND "users"."name" IS NOT NULL',
    );
  });

  it("expands IN lists and handles empty lists without invalid SQL", () => {
    expect(compile(select(users.c.id).where(users.c.id.in([1, 2, 3]))).sql).toBe(
      'SELECT "users"."id" FROM "users" WHERE "users"."id" IN (?, ?, ?)',
    );
    expect(compile(select(users.c.id).where(users.c.id.in([]))).sql).toBe('SELECT "users"."id" FROM "users" WHERE 1 <> 1');
    expect(compile(select(users.c.id).where(users.c.id.notIn([]))).sql).toBe('SELECT "users"."id" FROM "users" WHERE 1 = 1');
  });

  it("parenthesises arithmetic by precedence", () => {
    const q = select(posts.c.score.add(1).mul(2).as("x"), posts.c.score.sub(posts.c.id.sub(1)).as("y"));
    expect(compile(q).sql).toBe('SELECT ("posts"."score" + ?) * ? AS "x", "posts"."score" - ("posts"."id" - ?) AS "y" FROM "posts"');
  });

  it("infers the join condition from the only foreign key", () => {
    expect(compile(select(users.c.email, posts.c.title).join(posts)).sql).toBe(
      'SELECT "users"."email", "posts"."title" FROM "users" JOIN "posts" ON "posts"."author_id" = "users"."id"',
    );
    expect(compile(select(users.c.email).from(posts).join(users)).sql).toBe(
      'SELECT "users"."email" FROM "posts" JOIN "users" ON "posts"."author_id" = "users"."id"',
    );
  });

  it("joins with explicit conditions, outer joins and aliases", () => {
    const u2 = users.alias("u2");
    const q = select(users.c.id, u2.c.email.as("other")).leftJoin(u2, u2.c.id.gt(users.c.id));
    expect(compile(q).sql).toBe(
      'SELECT "users"."id", "u2"."email" AS "other" FROM "users" LEFT OUTER JOIN "users" AS "u2" ON "u2"."id" > "users"."id"',
    );
  });

  it("groups, filters groups, orders by label, limits and offsets", () => {
    const n = func.count(posts.c.id).as("n");
    const q = select(users.c.email, n)
      .join(posts)
      .groupBy(users.c.email)
      .having(func.count(posts.c.id).gt(1))
      .orderBy(n.desc(), users.c.email)
      .limit(10)
      .offset(20);
    expect(compile(q)).toEqual({
      sql: 'SELECT "users"."email", count("posts"."id") AS "n" FROM "users" JOIN "posts" ON "posts"."author_id" = "users"."id" GROUP BY "users"."email" HAVING count("posts"."id") > ? ORDER BY "n" DESC, "users"."email" LIMIT ? OFFSET ?',
      params: [1, 10, 20],
    });
  });

  it("orders by a labelled expression that is not selected by writing the expression out", () => {
    // A label is only a name inside the select list; elsewhere (a hybrid's class attribute) it is its expression.
    const total = posts.c.score.add(posts.c.id).as("total");
    expect(compile(select(posts.c.title).orderBy(total.desc(), total)).sql).toBe(
      'SELECT "posts"."title" FROM "posts" ORDER BY "posts"."score" + "posts"."id" DESC, "posts"."score" + "posts"."id"',
    );
  });

  it("uses LIMIT -1 when only an offset is given (SQLite)", () => {
    expect(compile(select(users.c.id).offset(5)).sql).toBe('SELECT "users"."id" FROM "users" LIMIT -1 OFFSET ?');
  });

  it("distinct and count distinct", () => {
    expect(compile(select(users.c.name).distinct()).sql).toBe('SELECT DISTINCT "users"."name" FROM "users"');
    expect(compile(select(func.count(users.c.name).distinct())).sql).toBe('SELECT count(DISTINCT "users"."name") FROM "users"');
  });

  it("correlates scalar subqueries and EXISTS to the enclosing query", () => {
    const postCount = select(func.count()).from(posts).where(posts.c.authorId.eq(users.c.id)).scalarSubquery().as("post_count");
    expect(compile(select(users.c.id, postCount)).sql).toBe(
      'SELECT "users"."id", (SELECT count(*) FROM "posts" WHERE "posts"."author_id" = "users"."id") AS "post_count" FROM "users"',
    );
    const q = select(users.c.id).where(exists(select(posts.c.id).where(posts.c.authorId.eq(users.c.id))));
    expect(compile(q).sql).toBe(
      'SELECT "users"."id" FROM "users" WHERE EXISTS (SELECT "posts"."id" FROM "posts" WHERE "posts"."author_id" = "users"."id")',
    );
  });

  it("uses subqueries in FROM and IN", () => {
    const top = select(posts.c.authorId, func.max(posts.c.score).as("best")).groupBy(posts.c.authorId).subquery("top");
    const q = select(users.c.email, top.c.best).join(top, top.c.authorId.eq(users.c.id));
    expect(compile(q).sql).toBe(
      'SELECT "users"."email", "top"."best" FROM "users" JOIN (SELECT "posts"."author_id", max("posts"."score") AS "best" FROM "posts" GROUP BY "posts"."author_id") AS "top" ON "top"."author_id" = "users"."id"',
    );
    const inSub = select(users.c.id).where(users.c.id.in(select(posts.c.authorId).where(posts.c.score.gt(5))));
    expect(compile(inSub).sql).toBe(
      'SELECT "users"."id" FROM "users" WHERE "users"."id" IN (SELECT "posts"."author_id" FROM "posts" WHERE "posts"."score" > ?)',
    );
  });

  it("names anonymous subqueries anon_N and disambiguates duplicate column names", () => {
    const sub = select({ a: users.c.id, b: posts.c.id }).join(posts).subquery();
    expect(Object.keys(sub.c)).toEqual(["a", "b"]);
    expect(compile(select(sub.c.a)).sql).toBe(
      'SELECT "anon_1"."a" FROM (SELECT "users"."id" AS "a", "posts"."id" AS "b" FROM "users" JOIN "posts" ON "posts"."author_id" = "users"."id") AS "anon_1"',
    );
  });

  it("hoists CTEs and renders recursive ones", () => {
    const active = select(users.c.id).where(users.c.active.eq(true)).cte("active_users");
    expect(compile(select(active.c.id)).sql).toBe(
      'WITH "active_users" AS (SELECT "users"."id" FROM "users" WHERE "users"."active" = ?) SELECT "active_users"."id" FROM "active_users"',
    );
    const base = select(literal(1, Integer).as("n")).cte("counter", { recursive: true });
    const counter = base.unionAll(select(base.c.n.add(1)).where(base.c.n.lt(10)));
    expect(compile(select(counter.c.n))).toEqual({
      sql: 'WITH RECURSIVE "counter" AS (SELECT ? AS "n" UNION ALL SELECT "counter"."n" + ? FROM "counter" WHERE "counter"."n" < ?) SELECT "counter"."n" FROM "counter"',
      params: [1, 1, 10],
    });
  });

  it("window functions with partitions, ordering and frames", () => {
    const q = select(
      posts.c.id,
      func.rowNumber().over({ partitionBy: posts.c.authorId, orderBy: posts.c.score.desc() }).as("rn"),
      func
        .sum(posts.c.score)
        .over({ orderBy: posts.c.id, rows: ["unboundedPreceding", "currentRow"] })
        .as("running"),
    );
    expect(compile(q).sql).toBe(
      'SELECT "posts"."id", row_number() OVER (PARTITION BY "posts"."author_id" ORDER BY "posts"."score" DESC) AS "rn", sum("posts"."score") OVER (ORDER BY "posts"."id" ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "running" FROM "posts"',
    );
  });

  it("unions with ordering over the result", () => {
    const q = select(users.c.email.as("v"))
      .union(select(posts.c.title.as("v")))
      .orderBy(users.c.email.as("v"))
      .limit(5);
    expect(compile(q).sql).toBe(
      'SELECT "users"."email" AS "v" FROM "users" UNION SELECT "posts"."title" AS "v" FROM "posts" ORDER BY "v" LIMIT ?',
    );
  });

  it("case, cast, coalesce and raw fragments", () => {
    const q = select(
      caseWhen(posts.c.score.gt(10), "hot").when(posts.c.score.gt(0), "warm").else("cold").as("heat"),
      posts.c.score.cast(Str(10)).as("s"),
      func.coalesce(posts.c.body, "").as("b"),
      sql<number>`length(${posts.c.title}) + ${2}`.as("len"),
    );
    expect(compile(q)).toEqual({
      sql: 'SELECT CASE WHEN "posts"."score" > ? THEN ? WHEN "posts"."score" > ? THEN ? ELSE ? END AS "heat", CAST("posts"."score" AS VARCHAR(10)) AS "s", coalesce("posts"."body", ?) AS "b", length("posts"."title") + ? AS "len" FROM "posts"',
      params: [10, "hot", 0, "warm", "cold", "", 2],
    });
  });

  it("LIKE helpers escape wildcards in the value", () => {
    expect(compile(select(users.c.id).where(users.c.email.contains("50%_off")))).toEqual({
      sql: 'SELECT "users"."id" FROM "users" WHERE "users"."email" LIKE ? ESCAPE \'/\'',
      params: ["%50/%/_off%"],
    });
    expect(compile(select(users.c.id).where(users.c.email.ilike("A%"))).sql).toBe(
      'SELECT "users"."id" FROM "users" WHERE lower("users"."email") LIKE lower(?)',
    );
  });

  it("named bind parameters are filled at execution", () => {
    expect(compile(select(users.c.id).where(users.c.id.eq(bindParam("id")))).params).toEqual([":id"]);
  });

  it("aggregate FILTER and NULLS ordering", () => {
    const q = select(func.count().filter(posts.c.score.gt(0)).as("positive")).orderBy(posts.c.body.asc({ nulls: "last" }));
    expect(compile(q).sql).toBe(
      'SELECT count(*) FILTER (WHERE "posts"."score" > ?) AS "positive" FROM "posts" ORDER BY "posts"."body" ASC NULLS LAST',
    );
  });

  it("and() of nothing is TRUE, or() of nothing is FALSE", () => {
    expect(compile(select(users.c.id).where(and())).sql).toBe('SELECT "users"."id" FROM "users" WHERE TRUE');
    expect(compile(select(users.c.id).where(or())).sql).toBe('SELECT "users"."id" FROM "users" WHERE FALSE');
  });
});
