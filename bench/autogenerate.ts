/**
 * Autogenerate against a 300-table schema: reflect the database and compare it with the metadata
 * that created it (which must give no operations), timed per database. Then the whole workflow on
 * the same schema: `revision --autogenerate` from an empty database (reflect, compare, render and
 * write the file) and `upgrade` (load the file, record, compile and run the operations, version
 * row), next to `metadata.createAll()` creating the same tables directly. Run by `npm run bench`
 * or alone with `node --import tsx bench/autogenerate.ts` (BENCH_ONLY=sqlite|postgresql|mysql).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Boolean as Bool,
  column,
  createEngine,
  DateTime,
  defaultNamingConvention,
  foreignKey,
  index,
  Integer,
  MetaData,
  Numeric,
  String as Str,
  Table,
  Text,
  unique,
} from "athanor";
import { reflect } from "../src/migrate/reflect.js";
import { compareMetadata } from "../src/migrate/compare/compare.js";
import { Migrator } from "../src/migrate/runner/migrator.js";
import { onEachTarget } from "./targets.js";
import { fmt, median } from "./measure.js";

const TABLES = Number(process.env.BENCH_TABLES ?? 300);
const RUNS = Number(process.env.BENCH_ROUNDS ?? 5);

/** 300 tables of 8 columns, each with a foreign key to the one before, a unique constraint and an index. */
function schema(): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  for (let i = 0; i < TABLES; i++)
    new Table(
      `ag_t${i}`,
      md,
      {
        id: column(Integer, { primaryKey: true }),
        code: column(Str(40)),
        name: column(Str(200)),
        notes: column(Text, { nullable: true }),
        amount: column(Numeric(12, 2)),
        active: column(Bool),
        createdAt: column(DateTime({ timezone: true }), { name: "created_at" }),
        parentId: column(Integer, { name: "parent_id", nullable: true, foreignKey: i > 0 ? foreignKey(`ag_t${i - 1}.id`) : undefined }),
      },
      (c) => [unique([c.code]), index([c.name, c.createdAt])],
    );
  return md;
}

const results = await onEachTarget(async (target) => {
  const md = schema();
  const engine = createEngine(target.url);
  try {
    await md.createAll(engine);
    const times: number[] = [];
    let ops = -1;
    for (let r = 0; r < RUNS + 1; r++) {
      const t0 = performance.now();
      const reflected = await reflect(engine);
      ops = compareMetadata(md, reflected, engine.dialect).length;
      if (r > 0) times.push(performance.now() - t0); // the first run warms up
    }
    if (ops !== 0) throw new Error(`${target.name}: comparing the database with its own metadata gave ${ops} operations`);
    console.log(
      `${target.name.padEnd(10)} autogenerate, ${TABLES} tables: median ${fmt(median(times))} ms (runs: ${times.map((t) => fmt(t, 0)).join(", ")})`,
    );
    await md.dropAll(engine);
    const flow = await workflow(engine, md);
    console.log(
      `${target.name.padEnd(10)} revision --autogenerate ${fmt(flow.revision)} ms, upgrade ${fmt(flow.upgrade)} ms, createAll ${fmt(flow.createAll)} ms`,
    );
    return { dialect: target.name, ms: median(times), ...flow };
  } finally {
    await md.dropAll(engine);
    await engine.dispose();
  }
});

/** Medians of: writing the revision from an empty database, upgrading with it, and createAll alone. */
async function workflow(engine: ReturnType<typeof createEngine>, md: MetaData) {
  const revision: number[] = [];
  const upgrade: number[] = [];
  const createAll: number[] = [];
  for (let r = 0; r < 3; r++) {
    const dir = mkdtempSync(join(tmpdir(), "athanor-bench-"));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    try {
      const m = new Migrator({ engine, directory: dir, metadata: md });
      let t0 = performance.now();
      await m.revision({ message: "create everything", autogenerate: true });
      revision.push(performance.now() - t0);
      t0 = performance.now();
      await m.upgrade();
      upgrade.push(performance.now() - t0);
      await m.downgrade("base");
      t0 = performance.now();
      await md.createAll(engine);
      createAll.push(performance.now() - t0);
      await md.dropAll(engine);
      await engine.begin((c) => c._runRaw("DROP TABLE athanor_version"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { revision: median(revision), upgrade: median(upgrade), createAll: median(createAll) };
}

console.log(`\n| dialect | reflect + compare, ${TABLES} tables (ms) | target |\n|---|---:|---:|`);
for (const r of results) console.log(`| ${r.dialect} | ${fmt(r.ms)} | < 3000 |`);
console.log(
  `\n| dialect | revision --autogenerate (ms) | upgrade (ms) | createAll (ms) | upgrade / createAll |\n|---|---:|---:|---:|---:|`,
);
for (const r of results)
  console.log(`| ${r.dialect} | ${fmt(r.revision)} | ${fmt(r.upgrade)} | ${fmt(r.createAll)} | ${(r.upgrade / r.createAll).toFixed(2)}x |`);
