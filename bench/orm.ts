/**
 * The ORM against each raw driver, in one process, as ratios (athanor time / raw time; lower is
 * better): loading 100,000 rows as instances, flushing 10,000 new objects, updating 5,000 loaded
 * objects in one flush, and adding + flushing 5,000 objects one at a time (does the cost of a flush
 * grow with the objects the session holds?). Peak memory of the load is measured in separate child
 * processes (bench/orm-memory.ts). Run by `npm run bench` after the Core benchmarks, or alone with
 * `node --expose-gc --import tsx bench/orm.ts`. No thresholds: this measures.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createEngine, deleteFrom, func, insert, select, Session, type Engine } from "athanor";
import { onEachTarget, type BenchTarget } from "./targets.js";
import { openOrmRaw, type OrmRaw } from "./orm-raw.js";
import { en, fmt, gc, MAX_ROUNDS, measure, median, MIN_SIDE_MS, ROUNDS } from "./measure.js";
import { Base, Item, itemRow, LoadItem, LOAD_TABLE, WRITE_TABLE, type ItemRow } from "./orm-models.js";

const LOAD_ROWS = 100_000;
const INSERT_OBJECTS = 10_000;
const UPDATE_OBJECTS = 5_000;
const ONE_BY_ONE = 5_000;
const LINEAR_ROUNDS = Number(process.env.BENCH_LINEAR_ROUNDS ?? 3);
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 3);

interface TimeRow {
  dialect: string;
  task: string;
  raw: number;
  athanor: number;
  target: string;
  /** The raw variants measured; the baseline is the fastest. */
  variants?: Record<string, number>;
}

async function seedLoadTable(engine: Engine): Promise<void> {
  const rows = Array.from({ length: LOAD_ROWS }, (_, i) => ({ id: i + 1, ...itemRow(i) }));
  await engine.execute(insert(LoadItem).values(rows));
}

/** Empties the write table (untimed). */
const truncate = (raw: OrmRaw) => raw.exec(`DELETE FROM ${WRITE_TABLE}`);

async function loadTask(target: BenchTarget, engine: Engine, raw: OrmRaw): Promise<TimeRow> {
  let check = 0;
  let session: Session | undefined;
  const m = await measure({
    raw: {
      run: async () => {
        check = (await raw.loadAll(LOAD_TABLE)).length;
      },
    },
    athanor: {
      run: async () => {
        session = new Session(engine);
        const items = await session.scalars(select(LoadItem));
        check = items.length;
      },
      // Closing (rollback, detaching 100,000 objects) is timed separately (closeMs).
      teardown: async () => session?.close(),
    },
  });
  if (check !== LOAD_ROWS) throw new Error(`loaded ${check} rows, expected ${LOAD_ROWS}`);
  return {
    dialect: target.name,
    task: `load ${en(LOAD_ROWS)} rows as objects`,
    raw: m.raw!,
    athanor: m.athanor!,
    target: "≤ 2x",
  };
}

async function insertTask(target: BenchTarget, engine: Engine, raw: OrmRaw): Promise<TimeRow> {
  let rows: ItemRow[] = [];
  let objs: Item[] = [];
  // Each side empties the table through its own connection just before its round, as a program with
  // one connection would: on SQLite a connection whose file another connection changed starts with a
  // stale page cache, which would charge one side (~1 ms) for the other's cleanup.
  const m = await measure({
    raw: {
      setup: async () => {
        await truncate(raw);
        rows = Array.from({ length: INSERT_OBJECTS }, (_, i) => itemRow(i));
      },
      run: async () => {
        await raw.begin();
        await raw.insertMany(rows, 1000);
        await raw.commit();
      },
      teardown: async () => {
        if (rows[INSERT_OBJECTS - 1]!.id === undefined) throw new Error("raw insert did not learn the ids");
      },
    },
    athanor: {
      setup: async () => {
        await engine.execute(deleteFrom(Item));
        objs = Array.from({ length: INSERT_OBJECTS }, (_, i) => new Item(itemRow(i)));
      },
      run: async () => {
        const session = new Session(engine);
        session.addAll(objs);
        await session.commit(); // flush + COMMIT
        await session.close();
      },
      teardown: async () => {
        if (typeof objs[INSERT_OBJECTS - 1]!.id !== "number") throw new Error("flush did not assign the ids");
      },
    },
  });
  await truncate(raw);
  return {
    dialect: target.name,
    task: `flush ${en(INSERT_OBJECTS)} new objects`,
    raw: m.raw!,
    athanor: m.athanor!,
    target: "≤ 1.5x",
  };
}

/** Cost of constructing the instances, which the insert task does before timing (for the record). */
function constructMs(): number {
  const runs: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    gc();
    const t0 = performance.now();
    const objs = Array.from({ length: INSERT_OBJECTS }, (_, i) => new Item(itemRow(i)));
    runs.push(performance.now() - t0);
    if (objs.length !== INSERT_OBJECTS) throw new Error("unreachable");
  }
  return median(runs.slice(1));
}

async function updateTask(target: BenchTarget, engine: Engine, raw: OrmRaw): Promise<TimeRow> {
  await truncate(raw);
  await raw.begin();
  await raw.insertMany(
    Array.from({ length: UPDATE_OBJECTS }, (_, i) => itemRow(i)),
    1000,
  );
  await raw.commit();
  // Both sides hold the 5,000 rows loaded before timing; each round adds 1 to every score.
  const rows = (await raw.loadAll(WRITE_TABLE)) as ItemRow[];
  const session = new Session(engine);
  const objs = await session.scalars(select(Item));
  await session.commit();
  const bump = (rs: ItemRow[]) => {
    for (const r of rs) r.score = r.score + 1;
  };
  // Each side reads the table through its own connection before its round (untimed): on SQLite a
  // connection whose file another connection changed starts with a stale page cache, and the round
  // order (CASE, per-row, athanor) would otherwise let per-row always follow the same connection's
  // writes while athanor always followed the other's.
  const readRaw = { setup: () => raw.exec(`SELECT sum(score) FROM ${WRITE_TABLE}`) };
  const m = await measure({
    "CASE batches": {
      ...readRaw,
      run: async () => {
        bump(rows);
        await raw.begin();
        await raw.updateCase(rows);
        await raw.commit();
      },
    },
    "per-row prepared": {
      ...readRaw,
      run: async () => {
        bump(rows);
        await raw.begin();
        await raw.updatePerRow(rows);
        await raw.commit();
      },
    },
    athanor: {
      setup: async () => void (await engine.execute(select(func.sum(Item.score)))),
      run: async () => {
        for (const o of objs) o.score = o.score + 1;
        await session.commit(); // flush + COMMIT
      },
    },
  });
  await session.close();
  // athanor wrote last in every round: the table holds its objects' scores.
  const stored = new Map(((await raw.loadAll(WRITE_TABLE)) as ItemRow[]).map((r) => [Number(r.id), Number(r.score)]));
  for (const o of objs) if (stored.get(o.id) !== o.score) throw new Error(`row ${o.id} has score ${stored.get(o.id)}, expected ${o.score}`);
  const { athanor, ...variants } = m;
  const baseline = Math.min(...Object.values(variants));
  return {
    dialect: target.name,
    task: `update ${en(UPDATE_OBJECTS)} loaded objects in one flush`,
    raw: baseline,
    athanor: athanor!,
    target: "≤ 1.5x",
    variants,
  };
}

interface Linearity {
  dialect: string;
  side: "raw" | "athanor";
  /** Cumulative ms after 1,000, 2,000 and 5,000 objects. */
  totals: [number, number, number];
  /** Mean µs per object (add + flush) in each block of 1,000: the 1st thousand, the 2nd, … */
  blocks: number[];
  /** This process's CPU µs per object in each block of 1,000 (the client's own work). */
  cpuBlocks: number[];
}

const BLOCK = 1000;
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/**
 * Adds and flushes objects one at a time in one session (the raw side: one INSERT … RETURNING per
 * row). Records the wall time of each add + flush, and this process's CPU time per block of 1,000:
 * on the servers the wall time mostly waits for round trips (and for whatever else the server is
 * doing), while the CPU time is the client's own work, which is what would grow with the session.
 */
async function linearTask(target: BenchTarget, engine: Engine, raw: OrmRaw): Promise<Linearity[]> {
  const runs: Record<"raw" | "athanor", Array<{ per: number[]; cpu: number[] }>> = { raw: [], athanor: [] };
  for (let r = -1; r < LINEAR_ROUNDS; r++) {
    // No forced GC here: a full collection shrinks the young generation, and the next ~2,000 flushes
    // then run 3–5x slower while the heap grows back, which would look like (reverse) non-linearity.
    // raw
    await truncate(raw);
    let per = new Array<number>(ONE_BY_ONE);
    let cpu: number[] = [];
    let c0 = cpuMs();
    await raw.begin();
    for (let i = 0; i < ONE_BY_ONE; i++) {
      const row = itemRow(i);
      const t0 = performance.now();
      await raw.insertOne(row);
      per[i] = performance.now() - t0;
      if ((i + 1) % BLOCK === 0) cpu.push(-c0 + (c0 = cpuMs()));
    }
    await raw.commit();
    if (r >= 0) runs.raw.push({ per, cpu });
    // athanor
    await truncate(raw);
    per = new Array<number>(ONE_BY_ONE);
    cpu = [];
    const session = new Session(engine);
    c0 = cpuMs();
    for (let i = 0; i < ONE_BY_ONE; i++) {
      const obj = new Item(itemRow(i));
      const t0 = performance.now();
      session.add(obj);
      await session.flush();
      per[i] = performance.now() - t0;
      if ((i + 1) % BLOCK === 0) cpu.push(-c0 + (c0 = cpuMs()));
    }
    await session.commit();
    if (session.size !== ONE_BY_ONE) throw new Error(`session holds ${session.size} objects`);
    await session.close();
    if (r >= 0) runs.athanor.push({ per, cpu });
  }
  await truncate(raw);
  const sum = (xs: number[], a: number, b: number) => xs.slice(a, b).reduce((x, y) => x + y, 0);
  const blocks = ONE_BY_ONE / BLOCK;
  return (["raw", "athanor"] as const).map((side) => {
    const rs = runs[side];
    const stat = (f: (run: { per: number[]; cpu: number[] }) => number) => median(rs.map(f));
    return {
      dialect: target.name,
      side,
      totals: [stat((x) => sum(x.per, 0, 1000)), stat((x) => sum(x.per, 0, 2000)), stat((x) => sum(x.per, 0, ONE_BY_ONE))],
      // ms per 1,000 objects = µs per object
      blocks: Array.from({ length: blocks }, (_, b) => stat((x) => sum(x.per, b * BLOCK, (b + 1) * BLOCK))),
      cpuBlocks: Array.from({ length: blocks }, (_, b) => stat((x) => x.cpu[b]!)),
    };
  });
}

interface Memory {
  dialect: string;
  side: "raw" | "athanor";
  peakRssMb: number;
  peakHeapMb: number;
  retainedMb: number;
  runs: number;
}

/** Peak memory of the 100,000-row load, each side in its own fresh process (bench/orm-memory.ts). */
function memoryTask(target: BenchTarget): Memory[] {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const child = fileURLToPath(new URL("./orm-memory.ts", import.meta.url));
  const results: Record<"raw" | "athanor", Array<{ peakRss: number; peakHeap: number; retained: number }>> = { raw: [], athanor: [] };
  for (let r = 0; r < MEMORY_RUNS; r++)
    for (const side of ["raw", "athanor"] as const) {
      const out = execFileSync(
        process.execPath,
        ["--expose-gc", "--import", "tsx", child, side, target.name, target.url, String(LOAD_ROWS)],
        {
          cwd: root,
        },
      );
      results[side].push(JSON.parse(out.toString().trim().split("\n").pop()!));
    }
  const mb = (b: number) => b / 1048576;
  return (["raw", "athanor"] as const).map((side) => ({
    dialect: target.name,
    side,
    peakRssMb: mb(median(results[side].map((x) => x.peakRss))),
    peakHeapMb: mb(median(results[side].map((x) => x.peakHeap))),
    retainedMb: mb(median(results[side].map((x) => x.retained))),
    runs: MEMORY_RUNS,
  }));
}

async function closeMs(engine: Engine): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const session = new Session(engine);
    await session.scalars(select(LoadItem));
    gc();
    const t0 = performance.now();
    await session.close();
    runs.push(performance.now() - t0);
  }
  return median(runs);
}

interface DialectResult {
  times: TimeRow[];
  linear: Linearity[];
  memory: Memory[];
  notes: string[];
}

async function benchDialect(target: BenchTarget): Promise<DialectResult> {
  const engine = createEngine(target.url);
  await Base.metadata.createAll(engine);
  await seedLoadTable(engine);
  const raw = await openOrmRaw(target, WRITE_TABLE);
  const times: TimeRow[] = [];
  const log = (t: TimeRow) => {
    times.push(t);
    const v = t.variants
      ? `  (${Object.entries(t.variants)
          .map(([k, x]) => `${k} ${fmt(x)}`)
          .join(", ")})`
      : "";
    console.log(
      `${t.dialect.padEnd(10)} ${t.task.padEnd(42)} raw ${fmt(t.raw).padStart(8)} ms  athanor ${fmt(t.athanor).padStart(8)} ms  ratio ${fmt(t.athanor / t.raw, 2)}${v}`,
    );
  };
  const notes: string[] = [];
  try {
    log(await loadTask(target, engine, raw));
    notes.push(`closing the session that holds the ${en(LOAD_ROWS)} loaded objects: ${fmt(await closeMs(engine))} ms`);
    log(await insertTask(target, engine, raw));
    notes.push(`constructing the ${en(INSERT_OBJECTS)} instances (before timing): ${fmt(constructMs())} ms`);
    log(await updateTask(target, engine, raw));
    const linear = await linearTask(target, engine, raw);
    for (const l of linear)
      console.log(
        `${l.dialect.padEnd(10)} one at a time (${l.side.padEnd(7)}) 1k ${fmt(l.totals[0])} ms, 2k ${fmt(l.totals[1])} ms, 5k ${fmt(l.totals[2])} ms; µs per object by thousand: ${l.blocks.map((b) => fmt(b)).join(", ")}; CPU µs: ${l.cpuBlocks.map((b) => fmt(b)).join(", ")}`,
      );
    const memory = memoryTask(target);
    for (const m of memory)
      console.log(
        `${m.dialect.padEnd(10)} memory of the load (${m.side.padEnd(7)}) peak RSS +${fmt(m.peakRssMb)} MB, peak heap +${fmt(m.peakHeapMb)} MB, retained +${fmt(m.retainedMb)} MB`,
      );
    for (const n of notes) console.log(`${target.name.padEnd(10)} ${n}`);
    return { times, linear, memory, notes };
  } finally {
    await raw.close();
    await Base.metadata.dropAll(engine);
    await engine.dispose();
  }
}

const results: DialectResult[] = await onEachTarget(benchDialect);

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log("\n| dialect | task | raw driver (ms) | athanor (ms) | ratio | target |\n|---|---|---:|---:|---:|---:|");
for (const r of results)
  for (const t of r.times)
    console.log(`| ${t.dialect} | ${t.task} | ${fmt(t.raw)} | ${fmt(t.athanor)} | ${ratio(t.athanor, t.raw)} | ${t.target} |`);
console.log("\n| dialect | update baseline | raw variants (ms) |\n|---|---|---|");
for (const r of results)
  for (const t of r.times)
    if (t.variants)
      console.log(
        `| ${t.dialect} | ${ratio(t.athanor, t.raw)} | ${Object.entries(t.variants)
          .map(([k, x]) => `${k} ${fmt(x)}`)
          .join(", ")} |`,
      );
console.log(
  `\n| dialect | memory of the ${en(LOAD_ROWS)}-row load | raw driver (MB) | athanor (MB) | ratio | target |\n|---|---|---:|---:|---:|---:|`,
);
for (const r of results) {
  const [raw, ath] = r.memory as [Memory, Memory];
  const row = (what: string, a: number, b: number, target = "") =>
    console.log(`| ${raw.dialect} | ${what} | ${fmt(a)} | ${fmt(b)} | ${ratio(b, a)} | ${target} |`);
  row("peak RSS growth", raw.peakRssMb, ath.peakRssMb, "≤ 1.5x");
  row("peak heap growth (sampled)", raw.peakHeapMb, ath.peakHeapMb);
  row(
    `retained after GC (bytes per row: ${Math.round((raw.retainedMb * 1048576) / LOAD_ROWS)} / ${Math.round((ath.retainedMb * 1048576) / LOAD_ROWS)})`,
    raw.retainedMb,
    ath.retainedMb,
  );
}
console.log(
  "\n| dialect | one at a time | 1,000 (ms) | 2,000 (ms) | 5,000 (ms) | wall µs per object, by thousand (1st … 5th) | client CPU µs per object, by thousand | CPU 5th ÷ 2nd |\n|---|---|---:|---:|---:|---|---|---:|",
);
for (const r of results)
  for (const l of r.linear)
    console.log(
      `| ${l.dialect} | ${l.side === "raw" ? "raw INSERT … RETURNING" : "athanor add + flush"} | ${fmt(l.totals[0])} | ${fmt(l.totals[1])} | ${fmt(l.totals[2])} | ${l.blocks.map((b) => fmt(b, 0)).join(" / ")} | ${l.cpuBlocks.map((b) => fmt(b, 0)).join(" / ")} | ${fmt(l.cpuBlocks[l.cpuBlocks.length - 1]! / l.cpuBlocks[1]!, 2)} |`,
    );
for (const r of results) for (const n of r.notes) console.log(`- ${r.times[0]?.dialect}: ${n}`);
console.log(
  `node ${process.version}, ${ROUNDS}–${MAX_ROUNDS} rounds per timed task (at least ${MIN_SIDE_MS} ms of timed work per side; medians), ${LINEAR_ROUNDS} one-at-a-time runs, ${MEMORY_RUNS} memory runs per side`,
);
