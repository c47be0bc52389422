/**
 * `npm run bench:types`: type-checking cost of the same 200-model schema and queries in athanor and
 * in Drizzle ORM. Regenerates the projects (generate.ts), emits athanor's declarations (what the
 * published package ships), then runs `tsc --noEmit --extendedDiagnostics` on every project,
 * round-robin, BENCH_TYPES_RUNS times (default 5), and prints medians. Instantiation and type counts
 * are deterministic; times depend on the machine and its load. Every project must type-check with
 * zero errors: a benchmark of code with type errors measures nothing.
 *
 * `npm run bench:types -- athanor drizzle` checks only the named projects (ids in generate.ts).
 */
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ATHANOR_DECLARATIONS, GENERATED_DIR, PROJECTS, generate, type Project } from "./generate.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const RUNS = Number(process.env.BENCH_TYPES_RUNS ?? 5);

interface Sample {
  files: number;
  types: number;
  instantiations: number;
  memoryMb: number;
  checkS: number;
  totalS: number;
}

function tsc(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function fail(what: string, out: string): never {
  const lines = out.split("\n").filter((l) => !/^[A-Z][A-Za-z /]+:\s+[\d.]+[Ks]?$/.test(l.trim()));
  console.error(`${what}:\n${lines.slice(0, 40).join("\n")}${lines.length > 40 ? `\n… ${lines.length - 40} more lines` : ""}`);
  process.exit(1);
}

function metric(out: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(out);
  if (!m) throw new Error(`tsc printed no "${name}"`);
  return Number(m[1]);
}

function check(p: Project): Sample {
  const { status, out } = tsc(["--noEmit", "--extendedDiagnostics", "-p", join(GENERATED_DIR, p.tsconfig)]);
  if (status !== 0) fail(`${p.label} (${p.tsconfig}) does not type-check cleanly`, out);
  return {
    files: metric(out, "Files"),
    types: metric(out, "Types"),
    instantiations: metric(out, "Instantiations"),
    memoryMb: metric(out, "Memory used") / 1024,
    checkS: metric(out, "Check time"),
    totalS: metric(out, "Total time"),
  };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const only = process.argv.slice(2);
const unknown = only.filter((id) => !PROJECTS.some((p) => p.id === id));
if (unknown.length) fail(`unknown project ${unknown.join(", ")}`, `known: ${PROJECTS.map((p) => p.id).join(", ")}`);
const projects = only.length ? PROJECTS.filter((p) => only.includes(p.id)) : PROJECTS;

const load = loadavg()[0]!.toFixed(2);
generate();
if (projects.some((p) => p.declarations)) {
  const { status, out } = tsc([
    "-p",
    "tsconfig.build.json",
    "--emitDeclarationOnly",
    "--outDir",
    join(GENERATED_DIR, ATHANOR_DECLARATIONS),
  ]);
  if (status !== 0) fail("emitting athanor's declarations failed (does src/ type-check?)", out);
}

const samples = new Map<string, Sample[]>(projects.map((p) => [p.id, []]));
for (let run = 1; run <= RUNS; run++) {
  for (const p of projects) {
    const s = check(p);
    samples.get(p.id)!.push(s);
    console.log(`run ${run}/${RUNS} ${p.id}: check ${s.checkS.toFixed(2)} s, ${s.instantiations.toLocaleString("en-US")} instantiations`);
  }
}

interface Summary extends Sample {
  checkMin: number;
  checkMax: number;
}
const summary = new Map<string, Summary>();
for (const p of projects) {
  const xs = samples.get(p.id)!;
  const counts = new Set(xs.map((x) => `${x.instantiations}/${x.types}`));
  if (counts.size > 1) console.warn(`note: ${p.id} gave different counts across runs: ${[...counts].join(", ")}`);
  summary.set(p.id, {
    files: xs[0]!.files,
    types: xs[0]!.types,
    instantiations: xs[0]!.instantiations,
    memoryMb: median(xs.map((x) => x.memoryMb)),
    checkS: median(xs.map((x) => x.checkS)),
    totalS: median(xs.map((x) => x.totalS)),
    checkMin: Math.min(...xs.map((x) => x.checkS)),
    checkMax: Math.max(...xs.map((x) => x.checkS)),
  });
}

const n = (x: number): string => Math.round(x).toLocaleString("en-US");
const version = tsc(["--version"]).out.trim();
console.log(`\n${version}, Node ${process.version}, ${cpus().length} CPUs, load average ${load} at start, ${RUNS} runs, medians`);
console.log("\n| project | files | instantiations | types | check time (s) | total time (s) | memory (MB) |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const p of projects) {
  const s = summary.get(p.id)!;
  const range = RUNS > 1 ? ` (${s.checkMin.toFixed(2)}–${s.checkMax.toFixed(2)})` : "";
  console.log(
    `| ${p.label} | ${s.files} | ${n(s.instantiations)} | ${n(s.types)} | ${s.checkS.toFixed(2)}${range} | ${s.totalS.toFixed(2)} | ${n(s.memoryMb)} |`,
  );
}

const ratios: string[] = [];
function ratio(label: string, a: Summary | undefined, b: Summary | undefined): void {
  if (!a || !b) return;
  const r = (x: number, y: number): string => `${(x / y).toFixed(2)}x`;
  ratios.push(
    `  ${label}: instantiations ${r(a.instantiations, b.instantiations)}, types ${r(a.types, b.types)}, ` +
      `check time ${r(a.checkS, b.checkS)}, total time ${r(a.totalS, b.totalS)}, memory ${r(a.memoryMb, b.memoryMb)}`,
  );
}
ratio("src/ vs Drizzle", summary.get("athanor"), summary.get("drizzle"));
ratio(".d.ts vs Drizzle", summary.get("athanor-dts"), summary.get("drizzle"));
ratio(".d.ts vs Drizzle without db.query", summary.get("athanor-dts"), summary.get("drizzle-core"));
ratio("schema only, .d.ts vs Drizzle", summary.get("athanor-dts-models"), summary.get("drizzle-schema"));
const net = (full: string, base: string): number | undefined => {
  const f = summary.get(full);
  const b = summary.get(base);
  return f && b ? f.instantiations - b.instantiations : undefined;
};
const netA = net("athanor-dts", "athanor-dts-baseline");
const netD = net("drizzle", "drizzle-baseline");
if (netA !== undefined && netD !== undefined)
  ratios.push(
    `  instantiations for the schema and queries alone (minus import only): ${n(netA)} vs ${n(netD)} = ${(netA / netD).toFixed(2)}x`,
  );
if (ratios.length) console.log(`\nRatios (athanor ÷ Drizzle; below 1.00x means athanor is cheaper):\n${ratios.join("\n")}`);
