/**
 * The baseline: the same work done directly with each driver, as a careful hand-written program
 * would (prepared statements, multi-row inserts in one transaction).
 */
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import type { BenchTarget } from "./targets.js";

const require = createRequire(import.meta.url);

/** What the benchmarks run through the raw driver. */
export interface RawDriver {
  /** Fetches one row by primary key, as an object. */
  selectById(id: number): Promise<unknown>;
  /** Inserts rows with multi-row INSERTs of `batch` rows inside one transaction. */
  insertMany(rows: readonly BenchRow[], batch: number): Promise<void>;
  close(): Promise<void>;
}

/** The rows both sides insert, built before timing starts. */
export interface BenchRow {
  id: number;
  name: string;
  email: string;
}

/** Parameters of rows [start, end), filled into a preallocated array (no intermediate arrays). */
function params(rows: readonly BenchRow[], start: number, end: number): unknown[] {
  const out = new Array<unknown>((end - start) * 3);
  let o = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    out[o++] = r.id;
    out[o++] = r.name;
    out[o++] = r.email;
  }
  return out;
}

function placeholders(rows: number, cols: number, numeric: boolean): string {
  const out: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) cells.push(numeric ? `$${++n}` : "?");
    out.push(`(${cells.join(", ")})`);
  }
  return out.join(", ");
}

export async function openRaw(target: BenchTarget, table: string, insertTable: string): Promise<RawDriver> {
  const u = new URL(target.url);
  if (target.name === "sqlite") {
    const Database = require("better-sqlite3");
    const db = new Database(decodeURIComponent(u.pathname.slice(1)).replace(/^\//, "/"));
    db.pragma("foreign_keys = ON");
    const byId = db.prepare(`SELECT id, name, email FROM "${table}" WHERE id = ?`);
    const inserts = new Map<number, { run(...a: unknown[]): unknown }>();
    return {
      selectById: async (id) => byId.get(id),
      insertMany: async (rows, batch) => {
        db.exec("BEGIN");
        for (let i = 0; i < rows.length; i += batch) {
          const end = Math.min(rows.length, i + batch);
          let stmt = inserts.get(end - i);
          if (!stmt) {
            stmt = db.prepare(`INSERT INTO "${insertTable}" (id, name, email) VALUES ${placeholders(end - i, 3, false)}`) as {
              run(...a: unknown[]): unknown;
            };
            inserts.set(end - i, stmt);
          }
          stmt.run(...params(rows, i, end));
        }
        db.exec("COMMIT");
      },
      close: async () => db.close(),
    };
  }
  if (target.name === "postgresql") {
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    const text = `SELECT id, name, email FROM "${table}" WHERE id = $1`;
    return {
      selectById: async (id) => (await c.query(text, [id])).rows[0],
      insertMany: async (rows, batch) => {
        await c.query("BEGIN");
        for (let i = 0; i < rows.length; i += batch) {
          const end = Math.min(rows.length, i + batch);
          await c.query(`INSERT INTO "${insertTable}" (id, name, email) VALUES ${placeholders(end - i, 3, true)}`, params(rows, i, end));
        }
        await c.query("COMMIT");
      },
      close: () => c.end(),
    };
  }
  const c = await mysql.createConnection({ uri: target.url });
  const text = `SELECT id, name, email FROM \`${table}\` WHERE id = ?`;
  return {
    selectById: async (id) => ((await c.execute(text, [id]))[0] as unknown[])[0],
    insertMany: async (rows, batch) => {
      await c.query("BEGIN");
      for (let i = 0; i < rows.length; i += batch) {
        const end = Math.min(rows.length, i + batch);
        await c.execute(
          `INSERT INTO \`${insertTable}\` (id, name, email) VALUES ${placeholders(end - i, 3, false)}`,
          params(rows, i, end) as never,
        );
      }
      await c.query("COMMIT");
    },
    close: () => c.end(),
  };
}
