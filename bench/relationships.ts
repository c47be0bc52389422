/**
 * Eager loading against the hand-written two-query equivalent, in one process, as ratios (athanor
 * time / raw time): 1,000 users with their 10,000 posts (one-to-many), and 2,000 posts with their
 * tags (many-to-many), each by select-IN and by joined loading. Run by `npm run bench` or alone with
 * `node --import tsx bench/relationships.ts` (BENCH_ONLY=sqlite|postgresql|mysql). No thresholds.
 */
import { createEngine, insert, joinedload, select, selectinload, Session, type Engine } from "athanor";
import { onEachTarget, type BenchTarget } from "./targets.js";
import { en, fmt, MAX_ROUNDS, measure, MIN_SIDE_MS, ROUNDS, type Side } from "./measure.js";
import { openQueryRaw, postsWithTags, postsWithTagsJoined, usersWithPosts, usersWithPostsJoined } from "./relationships-raw.js";
import {
  Base,
  BenchPost,
  BenchTag,
  BenchUser,
  postTags,
  POSTS_PER_USER,
  seedRows,
  TAGGED_POSTS,
  TAGS_PER_POST,
  USERS,
} from "./relationship-models.js";

/** The two eager strategies measured. */
type Loader = typeof selectinload | typeof joinedload;

interface Result {
  dialect: string;
  task: string;
  raw: number;
  athanor: number;
  /** Joined strategy: the same JOIN through the raw driver (the server's share of the difference). */
  rawJoin?: number;
}

async function seed(engine: Engine): Promise<void> {
  const rows = seedRows();
  await engine.begin(async (conn) => {
    await conn.execute(insert(BenchUser).values(rows.users as never));
    await conn.execute(insert(BenchPost).values(rows.posts as never));
    await conn.execute(insert(BenchTag).values(rows.tags as never));
    await conn.execute(insert(postTags).values(rows.postTags as never));
  });
}

/** Throws unless every parent came back with the expected number of children. */
function check(what: string, parents: number, children: number, expected: { parents: number; children: number }): void {
  if (parents !== expected.parents || children !== expected.children)
    throw new Error(`${what}: loaded ${parents} parents with ${children} children, expected ${expected.parents} with ${expected.children}`);
}

async function benchDialect(target: BenchTarget): Promise<Result[]> {
  const engine = createEngine(target.url);
  await Base.metadata.createAll(engine);
  await seed(engine);
  const raw = await openQueryRaw(target);
  const results: Result[] = [];
  const users = { parents: USERS, children: USERS * POSTS_PER_USER };
  const tagged = { parents: TAGGED_POSTS, children: TAGGED_POSTS * TAGS_PER_POST };
  const tasks = [
    {
      task: `${en(USERS)} users with their posts`,
      expected: users,
      raw: async () => {
        const us = await usersWithPosts(target, raw);
        return [us.length, us.reduce((n, u) => n + (u.posts as unknown[]).length, 0)] as const;
      },
      rawJoin: async () => {
        const us = await usersWithPostsJoined(target, raw);
        return [us.length, us.reduce((n, u) => n + (u.posts as unknown[]).length, 0)] as const;
      },
      orm: (loader: Loader) => async (session: Session) => {
        const us = await session.scalars(select(BenchUser).options(loader(BenchUser.posts)));
        return [us.length, us.reduce((n, u) => n + u.posts.length, 0)] as const;
      },
    },
    {
      task: `${en(TAGGED_POSTS)} posts with their tags`,
      expected: tagged,
      raw: async () => {
        const ps = await postsWithTags(target, raw, TAGGED_POSTS);
        return [ps.length, ps.reduce((n, p) => n + (p.tags as unknown[]).length, 0)] as const;
      },
      rawJoin: async () => {
        const ps = await postsWithTagsJoined(target, raw, TAGGED_POSTS);
        return [ps.length, ps.reduce((n, p) => n + (p.tags as unknown[]).length, 0)] as const;
      },
      orm: (loader: Loader) => async (session: Session) => {
        const ps = await session.scalars(select(BenchPost).where(BenchPost.id.le(TAGGED_POSTS)).options(loader(BenchPost.tags)));
        return [ps.length, ps.reduce((n, p) => n + p.tags.length, 0)] as const;
      },
    },
  ];
  try {
    for (const t of tasks)
      for (const [strategy, loader] of [
        ["selectin", selectinload],
        ["joined", joinedload],
      ] as const) {
        let session: Session | undefined;
        const run = t.orm(loader);
        const sides: Record<string, Side> = {
          raw: { run: async () => check(`raw ${t.task}`, ...(await t.raw()), t.expected) },
          athanor: {
            run: async () => {
              session = new Session(engine);
              check(`${strategy} ${t.task}`, ...(await run(session)), t.expected);
            },
            // Closing the session (rollback, detaching the objects) is not part of the load.
            teardown: async () => session?.close(),
          },
        };
        if (strategy === "joined") sides.rawJoin = { run: async () => check(`raw join ${t.task}`, ...(await t.rawJoin()), t.expected) };
        const m = await measure(sides);
        const r: Result = { dialect: target.name, task: `${t.task} (${strategy})`, raw: m.raw!, athanor: m.athanor!, rawJoin: m.rawJoin };
        results.push(r);
        console.log(
          `${r.dialect.padEnd(10)} ${r.task.padEnd(42)} raw ${fmt(r.raw).padStart(8)} ms  athanor ${fmt(r.athanor).padStart(8)} ms  ratio ${fmt(r.athanor / r.raw, 2)}${
            r.rawJoin === undefined ? "" : `  (raw join ${fmt(r.rawJoin)} ms: athanor ÷ raw join ${fmt(r.athanor / r.rawJoin, 2)})`
          }`,
        );
      }
    return results;
  } finally {
    await raw.close();
    await Base.metadata.dropAll(engine);
    await engine.dispose();
  }
}

const results: Result[] = (await onEachTarget(benchDialect)).flat();
console.log(
  "\n| dialect | eager load | raw two queries (ms) | athanor (ms) | ratio | target | raw, the same JOIN (ms) | athanor ÷ raw JOIN |\n|---|---|---:|---:|---:|---:|---:|---:|",
);
for (const r of results)
  console.log(
    `| ${r.dialect} | ${r.task} | ${fmt(r.raw)} | ${fmt(r.athanor)} | ${(r.athanor / r.raw).toFixed(2)}x | ≤ 1.5x | ${r.rawJoin === undefined ? "" : fmt(r.rawJoin)} | ${
      r.rawJoin === undefined ? "" : `${(r.athanor / r.rawJoin).toFixed(2)}x`
    } |`,
  );
console.log(
  `node ${process.version}, ${ROUNDS}–${MAX_ROUNDS} rounds per task (at least ${MIN_SIDE_MS} ms of timed work per side; medians)`,
);
