/**
 * `npm run bench`: the same work through each raw driver and through athanor Core, in one process,
 * reported as ratios (athanor time / raw time; lower is better, 1.00 = as fast as the driver).
 * Timings alternate raw/athanor over several rounds and report medians. No thresholds: this measures.
 * Then runs the ORM benchmarks (bench/orm.ts, bench/relationships.ts) in child processes; BENCH_ORM=0 skips them.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bindParam, column, createEngine, deleteFrom, insert, Integer, MetaData, select, String, Table } from "athanor";
import { benchTargets, type BenchTarget } from "./targets.js";
import { openRaw, type BenchRow } from "./raw-drivers.js";

const SELECTS = 10_000;
const INSERT_ROWS = 50_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function time(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface Row {
  dialect: string;
  task: string;
  raw: number;
  athanor: number;
}

async function benchDialect(target: BenchTarget): Promise<Row[]> {
  const md = new MetaData();
  const users = new Table("bench_users", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(String(50)),
    email: column(String(100)),
  });
  const sink = new Table("bench_sink", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(String(50)),
    email: column(String(100)),
  });
  const engine = createEngine(target.url);
  await md.createAll(engine);
  await engine.execute(
    insert(users).values(Array.from({ length: SELECTS }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, email: `u${i + 1}@example.com` }))),
  );
  const raw = await openRaw(target, "bench_users", "bench_sink");
  const conn = await engine.connect();
  const prebuilt = select(users.c.id, users.c.name, users.c.email).where(users.c.id.eq(bindParam("id")));
  // The same objects for both sides, built before timing: the work measured is sending them.
  const sinkRows: BenchRow[] = Array.from({ length: INSERT_ROWS }, (_, i) => ({
    id: i + 1,
    name: `name ${i}`,
    email: `e${i}@example.com`,
  }));

  const tasks: Array<{ task: string; raw: () => Promise<void>; athanor: () => Promise<void>; reset?: () => Promise<void> }> = [
    {
      task: `${SELECTS.toLocaleString("en")} PK selects (prebuilt statement)`,
      raw: async () => {
        for (let i = 1; i <= SELECTS; i++) await raw.selectById(i);
      },
      athanor: async () => {
        for (let i = 1; i <= SELECTS; i++) (await conn.execute(prebuilt, { id: i })).one();
      },
    },
    {
      task: `${SELECTS.toLocaleString("en")} PK selects (statement built per call)`,
      raw: async () => {
        for (let i = 1; i <= SELECTS; i++) await raw.selectById(i);
      },
      athanor: async () => {
        for (let i = 1; i <= SELECTS; i++)
          (await conn.execute(select(users.c.id, users.c.name, users.c.email).where(users.c.id.eq(i)))).one();
      },
    },
    {
      task: `${INSERT_ROWS.toLocaleString("en")}-row multi-row insert`,
      raw: async () => raw.insertMany(sinkRows, 1000),
      athanor: async () => {
        await conn.execute(insert(sink).values(sinkRows));
      },
      reset: async () => {
        await conn.execute(deleteFrom(sink));
      },
    },
  ];

  const rows: Row[] = [];
  for (const t of tasks) {
    // Warm up both paths (JIT, statement caches), then alternate rounds.
    await t.raw();
    await t.reset?.();
    await t.athanor();
    await t.reset?.();
    const rawTimes: number[] = [];
    const athTimes: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      rawTimes.push(await time(t.raw));
      await t.reset?.();
      athTimes.push(await time(t.athanor));
      await t.reset?.();
    }
    rows.push({ dialect: target.name, task: t.task, raw: median(rawTimes), athanor: median(athTimes) });
    console.log(
      `${target.name.padEnd(10)} ${t.task.padEnd(45)} raw ${median(rawTimes).toFixed(1).padStart(8)} ms  athanor ${median(athTimes).toFixed(1).padStart(8)} ms  ratio ${(median(athTimes) / median(rawTimes)).toFixed(2)}`,
    );
  }
  await conn.close();
  await raw.close();
  await md.dropAll(engine);
  await engine.dispose();
  return rows;
}

/** Import + createEngine, in a fresh process, from the built package (what users load). */
function startupMs(): number[] {
  const root = fileURLToPath(new URL("..", import.meta.url));
  if (!existsSync(`${root}/dist/index.js`)) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  const script = `const t0 = performance.now(); const { createEngine } = await import("./dist/index.js"); createEngine("sqlite://:memory:"); createEngine("postgresql://u@localhost/db"); createEngine("mysql://u@localhost/db"); console.log(performance.now() - t0);`;
  const runs: number[] = [];
  for (let i = 0; i < 7; i++)
    runs.push(Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root }).toString().trim()));
  return runs;
}

const targets = await benchTargets();
const results: Row[] = [];
try {
  for (const t of targets) results.push(...(await benchDialect(t)));
} finally {
  for (const t of targets) await t.drop();
}
const start = startupMs();

console.log("\n| dialect | task | raw driver (ms) | athanor (ms) | ratio |\n|---|---|---:|---:|---:|");
for (const r of results)
  console.log(`| ${r.dialect} | ${r.task} | ${r.raw.toFixed(1)} | ${r.athanor.toFixed(1)} | ${(r.athanor / r.raw).toFixed(2)}x |`);
console.log(
  `\nimport athanor + createEngine (fresh process, built package): median ${median(start).toFixed(1)} ms (runs: ${start.map((x) => x.toFixed(1)).join(", ")})`,
);
console.log(`node ${process.version}, ${ROUNDS} rounds per task, medians`);

// The ORM benchmarks (bench/orm.ts, bench/relationships.ts) run in their own processes (--expose-gc serves BENCH_GC=1).
if (process.env.BENCH_ORM !== "0")
  for (const file of ["orm.ts", "relationships.ts", "autogenerate.ts"]) {
    console.log(`\n--- ORM (bench/${file}) ---`);
    execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(new URL(`./${file}`, import.meta.url))], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      stdio: "inherit",
    });
  }
