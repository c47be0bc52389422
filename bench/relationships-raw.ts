/**
 * The raw-driver side of the relationship benchmarks: what a careful hand-written program does to
 * load parents with their children, in two queries: the parents, then every child of those parents
 * in one `IN (…)` (PostgreSQL: `= ANY($1)` with one array parameter), grouped onto the parents by key.
 */
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import type { BenchTarget } from "./targets.js";

const require = createRequire(import.meta.url);

type Row = Record<string, unknown>;

/** One connection that runs a query with parameters and returns row objects. */
export interface QueryRaw {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  /** `IN (…)` over `n` values, or `= ANY($1)` on PostgreSQL. */
  inList(column: string, n: number): string;
  close(): Promise<void>;
}

export async function openQueryRaw(target: BenchTarget): Promise<QueryRaw> {
  const marks = (n: number) => new Array<string>(n).fill("?").join(", ");
  if (target.name === "sqlite") {
    const Database = require("better-sqlite3");
    const db = new Database(decodeURIComponent(new URL(target.url).pathname.slice(1)).replace(/^\//, "/")) as {
      prepare(sql: string): { all(...a: unknown[]): Row[] };
      close(): void;
    };
    const prepared = new Map<string, { all(...a: unknown[]): Row[] }>();
    return {
      all: async (sql, params) => {
        let s = prepared.get(sql);
        if (!s) prepared.set(sql, (s = db.prepare(sql)));
        return s.all(...params);
      },
      inList: (col, n) => `${col} IN (${marks(n)})`,
      close: async () => db.close(),
    };
  }
  if (target.name === "postgresql") {
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    return {
      all: async (sql, params) => (await c.query(sql, params as unknown[])).rows,
      inList: (col) => `${col} = ANY($1)`,
      close: () => c.end(),
    };
  }
  const c = await mysql.createConnection({ uri: target.url });
  return {
    // Server-side prepared statements, as athanor sends statements with parameters.
    all: async (sql, params) => (await c.execute(sql, params as never))[0] as Row[],
    inList: (col, n) => `${col} IN (${marks(n)})`,
    close: () => c.end(),
  };
}

const q = (target: BenchTarget, name: string) => (target.name === "mysql" ? `\`${name}\`` : `"${name}"`);

/** Parameters of an IN list: the values, or one array on PostgreSQL. */
const inParams = (target: BenchTarget, values: unknown[]) => (target.name === "postgresql" ? [values] : values);

/** Every user, each with its posts (`posts` array on the row object). */
export async function usersWithPosts(target: BenchTarget, raw: QueryRaw): Promise<Row[]> {
  const users = await raw.all(`SELECT id, name, email FROM ${q(target, "bench_rel_users")}`, []);
  const byId = new Map<unknown, Row[]>();
  const ids = new Array<unknown>(users.length);
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    const posts: Row[] = [];
    u.posts = posts;
    byId.set(u.id, posts);
    ids[i] = u.id;
  }
  const posts = await raw.all(
    `SELECT id, user_id, title, views FROM ${q(target, "bench_rel_posts")} WHERE ${raw.inList("user_id", ids.length)}`,
    inParams(target, ids),
  );
  for (const p of posts) byId.get(p.user_id)!.push(p);
  return users;
}

/** Posts with `id <= limit`, each with its tags (`tags` array); a tag is one object however many posts carry it. */
export async function postsWithTags(target: BenchTarget, raw: QueryRaw, limit: number): Promise<Row[]> {
  const posts = await raw.all(
    `SELECT id, user_id, title, views FROM ${q(target, "bench_rel_posts")} WHERE id <= ${target.name === "postgresql" ? "$1" : "?"}`,
    [limit],
  );
  const byId = new Map<unknown, Row[]>();
  const ids = new Array<unknown>(posts.length);
  for (let i = 0; i < posts.length; i++) {
    const p = posts[i]!;
    const tags: Row[] = [];
    p.tags = tags;
    byId.set(p.id, tags);
    ids[i] = p.id;
  }
  const rows = await raw.all(
    `SELECT t.id, t.name, pt.post_id FROM ${q(target, "bench_rel_tags")} t JOIN ${q(target, "bench_rel_post_tags")} pt ON pt.tag_id = t.id WHERE ${raw.inList("pt.post_id", ids.length)}`,
    inParams(target, ids),
  );
  const tags = new Map<unknown, Row>();
  for (const r of rows) {
    let tag = tags.get(r.id);
    if (!tag) tags.set(r.id, (tag = { id: r.id, name: r.name }));
    byId.get(r.post_id)!.push(tag);
  }
  return posts;
}

/**
 * The joined strategy's SQL through the raw driver: every user LEFT OUTER JOIN its posts in one
 * query, rows folded into users with `posts` arrays (for telling the ORM's cost from the server's).
 */
export async function usersWithPostsJoined(target: BenchTarget, raw: QueryRaw): Promise<Row[]> {
  const rows = await raw.all(
    `SELECT u.id, u.name, u.email, p.id AS post_id, p.user_id, p.title, p.views FROM ${q(target, "bench_rel_users")} u LEFT OUTER JOIN ${q(target, "bench_rel_posts")} p ON p.user_id = u.id`,
    [],
  );
  const users = new Map<unknown, Row>();
  for (const r of rows) {
    let u = users.get(r.id);
    if (!u) users.set(r.id, (u = { id: r.id, name: r.name, email: r.email, posts: [] }));
    if (r.post_id !== null) (u.posts as Row[]).push({ id: r.post_id, user_id: r.user_id, title: r.title, views: r.views });
  }
  return [...users.values()];
}

/** Posts with `id <= limit` LEFT OUTER JOIN their tags in one query, folded as above (one object per tag). */
export async function postsWithTagsJoined(target: BenchTarget, raw: QueryRaw, limit: number): Promise<Row[]> {
  const rows = await raw.all(
    `SELECT p.id, p.user_id, p.title, p.views, t.id AS tag_id, t.name AS tag_name FROM ${q(target, "bench_rel_posts")} p LEFT OUTER JOIN ${q(target, "bench_rel_post_tags")} pt ON pt.post_id = p.id LEFT OUTER JOIN ${q(target, "bench_rel_tags")} t ON t.id = pt.tag_id WHERE p.id <= ${target.name === "postgresql" ? "$1" : "?"}`,
    [limit],
  );
  const posts = new Map<unknown, Row>();
  const tags = new Map<unknown, Row>();
  for (const r of rows) {
    let p = posts.get(r.id);
    if (!p) posts.set(r.id, (p = { id: r.id, user_id: r.user_id, title: r.title, views: r.views, tags: [] }));
    if (r.tag_id === null) continue;
    let tag = tags.get(r.tag_id);
    if (!tag) tags.set(r.tag_id, (tag = { id: r.tag_id, name: r.tag_name }));
    (p.tags as Row[]).push(tag);
  }
  return [...posts.values()];
}
