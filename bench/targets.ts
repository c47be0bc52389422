/** Benchmark targets: one database per dialect (SQLite file, scratch databases on the servers). */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import mysql from "mysql2/promise";

export interface BenchTarget {
  readonly name: "sqlite" | "postgresql" | "mysql";
  readonly url: string;
  drop(): Promise<void>;
}

const PG_URL = process.env.ATHANOR_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const MYSQL_URL = process.env.ATHANOR_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Creates a scratch database per reachable dialect; unreachable servers are reported and skipped. */
export async function benchTargets(): Promise<BenchTarget[]> {
  const name = `athanor_bench_${Date.now()}`;
  const file = join(tmpdir(), `${name}.db`);
  const out: BenchTarget[] = [
    {
      name: "sqlite",
      url: `sqlite:///${file}`,
      drop: async () => ["", "-wal", "-shm", "-journal"].forEach((s) => rmSync(file + s, { force: true })),
    },
  ];
  try {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    out.push({
      name: "postgresql",
      url: withDb(PG_URL, name),
      drop: async () => {
        const d = new pg.Client({ connectionString: PG_URL });
        await d.connect();
        await d.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await d.end();
      },
    });
  } catch (e) {
    console.warn(`SKIPPED postgresql: ${(e as Error).message}`);
  }
  try {
    const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
    await c.end();
    out.push({
      name: "mysql",
      url: withDb(MYSQL_URL, name),
      drop: async () => {
        const d = await mysql.createConnection({ uri: MYSQL_URL });
        await d.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await d.end();
      },
    });
  } catch (e) {
    console.warn(`SKIPPED mysql: ${(e as Error).message}`);
  }
  return out;
}

/**
 * Runs `bench` on each reachable target (those named in BENCH_ONLY, when set) and drops the scratch
 * databases afterwards, whatever happens.
 */
export async function onEachTarget<T>(bench: (target: BenchTarget) => Promise<T>): Promise<T[]> {
  const targets = await benchTargets();
  const only = process.env.BENCH_ONLY?.split(",");
  const results: T[] = [];
  try {
    for (const t of targets) if (!only || only.includes(t.name)) results.push(await bench(t));
  } finally {
    for (const t of targets) await t.drop();
  }
  return results;
}
