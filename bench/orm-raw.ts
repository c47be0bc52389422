/**
 * The raw-driver side of the ORM benchmarks (bench/orm.ts, bench/orm-memory.ts): what a careful
 * hand-written program does with each driver to load rows as objects, insert rows and learn their
 * generated ids, and update rows, inside one transaction where it writes.
 */
import { createRequire } from "node:module";
import pg from "pg";
import mysql from "mysql2/promise";
import type { BenchTarget } from "./targets.js";
import type { ItemRow } from "./orm-models.js";

const require = createRequire(import.meta.url);

/** Rows per hand-written CASE update (the ORM's batch too). */
export const UPDATE_CHUNK = 500;

export interface OrmRaw {
  /** Every row of `table` as an object ({ id, name, email, score }). */
  loadAll(table: string): Promise<unknown[]>;
  /** Multi-row INSERTs of `batch` rows (… RETURNING id where the database has it), ids written back to the rows. */
  insertMany(rows: ItemRow[], batch: number): Promise<void>;
  /** One single-row INSERT … RETURNING id (inside the transaction begun by `begin`). */
  insertOne(row: ItemRow): Promise<void>;
  /** `UPDATE … SET score = CASE id WHEN ? THEN ? … END WHERE id IN (…)`, `UPDATE_CHUNK` rows per statement. */
  updateCase(rows: readonly ItemRow[]): Promise<void>;
  /** One prepared `UPDATE … SET score = ? WHERE id = ?` per row. */
  updatePerRow(rows: readonly ItemRow[]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

function placeholders(rows: number, cols: number, numeric: boolean, from = 0): string {
  const out = new Array<string>(rows);
  let n = from;
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(cols);
    for (let c = 0; c < cols; c++) cells[c] = numeric ? `$${++n}` : "?";
    out[r] = `(${cells.join(", ")})`;
  }
  return out.join(", ");
}

/** Insert parameters of rows [start, end), in a preallocated array. */
function insertParams(rows: readonly ItemRow[], start: number, end: number): unknown[] {
  const out = new Array<unknown>((end - start) * 3);
  let o = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i]!;
    out[o++] = r.name;
    out[o++] = r.email;
    out[o++] = r.score;
  }
  return out;
}

/** `CASE id WHEN ? THEN ? … END WHERE id IN (…)` for `n` rows, and its parameters. */
function caseSql(table: string, n: number, numeric: boolean, quote: string, cast = ""): string {
  let p = 0;
  const ph = () => (numeric ? `$${++p}` : "?");
  const whens = new Array<string>(n);
  for (let i = 0; i < n; i++) whens[i] = `WHEN ${ph()} THEN ${ph()}${cast}`;
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) ids[i] = ph();
  return `UPDATE ${quote}${table}${quote} SET score = CASE id ${whens.join(" ")} END WHERE id IN (${ids.join(", ")})`;
}

function caseParams(rows: readonly ItemRow[], start: number, end: number): unknown[] {
  const n = end - start;
  const out = new Array<unknown>(n * 3);
  let o = 0;
  for (let i = start; i < end; i++) {
    out[o++] = rows[i]!.id;
    out[o++] = rows[i]!.score;
  }
  for (let i = start; i < end; i++) out[o++] = rows[i]!.id;
  return out;
}

export async function openOrmRaw(target: BenchTarget, table: string): Promise<OrmRaw> {
  const u = new URL(target.url);
  const cols = "name, email, score";
  if (target.name === "sqlite") {
    type Stmt = {
      run(...a: unknown[]): unknown;
      all(...a: unknown[]): unknown[];
      get(...a: unknown[]): unknown;
      pluck(on?: boolean): Stmt;
    };
    const Database = require("better-sqlite3");
    const db = new Database(decodeURIComponent(u.pathname.slice(1)).replace(/^\//, "/")) as {
      prepare(sql: string): Stmt;
      exec(sql: string): void;
      close(): void;
    };
    const inserts = new Map<number, Stmt>();
    const cases = new Map<number, Stmt>();
    const loads = new Map<string, Stmt>();
    const one = db.prepare(`INSERT INTO "${table}" (${cols}) VALUES (?, ?, ?) RETURNING id`).pluck();
    const perRow = db.prepare(`UPDATE "${table}" SET score = ? WHERE id = ?`);
    return {
      loadAll: async (t) => {
        let s = loads.get(t);
        if (!s) loads.set(t, (s = db.prepare(`SELECT id, name, email, score FROM "${t}"`)));
        return s.all();
      },
      insertMany: async (rows, batch) => {
        for (let i = 0; i < rows.length; i += batch) {
          const end = Math.min(rows.length, i + batch);
          let stmt = inserts.get(end - i);
          if (!stmt)
            inserts.set(
              end - i,
              (stmt = db.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${placeholders(end - i, 3, false)} RETURNING id`).pluck()),
            );
          const ids = stmt.all(...insertParams(rows, i, end)) as number[];
          for (let k = 0; k < ids.length; k++) rows[i + k]!.id = ids[k];
        }
      },
      insertOne: async (row) => {
        row.id = one.get(row.name, row.email, row.score) as number;
      },
      updateCase: async (rows) => {
        for (let i = 0; i < rows.length; i += UPDATE_CHUNK) {
          const end = Math.min(rows.length, i + UPDATE_CHUNK);
          let stmt = cases.get(end - i);
          if (!stmt) cases.set(end - i, (stmt = db.prepare(caseSql(table, end - i, false, '"'))));
          stmt.run(...caseParams(rows, i, end));
        }
      },
      updatePerRow: async (rows) => {
        for (const r of rows) perRow.run(r.score, r.id);
      },
      begin: async () => db.exec("BEGIN"),
      commit: async () => db.exec("COMMIT"),
      exec: async (sql) => db.exec(sql),
      close: async () => db.close(),
    };
  }
  if (target.name === "postgresql") {
    const c = new pg.Client({ connectionString: target.url });
    await c.connect();
    const oneText = `INSERT INTO "${table}" (${cols}) VALUES ($1, $2, $3) RETURNING id`;
    const perRowText = `UPDATE "${table}" SET score = $1 WHERE id = $2`;
    return {
      loadAll: async (t) => (await c.query(`SELECT id, name, email, score FROM "${t}"`)).rows,
      insertMany: async (rows, batch) => {
        for (let i = 0; i < rows.length; i += batch) {
          const end = Math.min(rows.length, i + batch);
          const res = await c.query<{ id: number }>(
            `INSERT INTO "${table}" (${cols}) VALUES ${placeholders(end - i, 3, true)} RETURNING id`,
            insertParams(rows, i, end),
          );
          for (let k = 0; k < res.rows.length; k++) rows[i + k]!.id = res.rows[k]!.id;
        }
      },
      insertOne: async (row) => {
        row.id = (
          await c.query<{ id: number }>({ name: "bench_insert_one", text: oneText, values: [row.name, row.email, row.score] })
        ).rows[0]!.id;
      },
      updateCase: async (rows) => {
        for (let i = 0; i < rows.length; i += UPDATE_CHUNK) {
          const end = Math.min(rows.length, i + UPDATE_CHUNK);
          await c.query(caseSql(table, end - i, true, '"', "::int"), caseParams(rows, i, end));
        }
      },
      updatePerRow: async (rows) => {
        for (const r of rows) await c.query({ name: "bench_update_one", text: perRowText, values: [r.score, r.id] });
      },
      begin: async () => void (await c.query("BEGIN")),
      commit: async () => void (await c.query("COMMIT")),
      exec: async (sql) => void (await c.query(sql)),
      close: () => c.end(),
    };
  }
  // MariaDB ≥ 10.5 has INSERT … RETURNING; writes use server-side prepared statements, as athanor does.
  const c = await mysql.createConnection({ uri: target.url });
  const oneText = `INSERT INTO \`${table}\` (${cols}) VALUES (?, ?, ?) RETURNING id`;
  const perRowText = `UPDATE \`${table}\` SET score = ? WHERE id = ?`;
  return {
    loadAll: async (t) => (await c.query(`SELECT id, name, email, score FROM \`${t}\``))[0] as unknown[],
    insertMany: async (rows, batch) => {
      for (let i = 0; i < rows.length; i += batch) {
        const end = Math.min(rows.length, i + batch);
        const [ret] = (await c.execute(
          `INSERT INTO \`${table}\` (${cols}) VALUES ${placeholders(end - i, 3, false)} RETURNING id`,
          insertParams(rows, i, end) as never,
        )) as unknown as [Array<{ id: number }>];
        for (let k = 0; k < ret.length; k++) rows[i + k]!.id = ret[k]!.id;
      }
    },
    insertOne: async (row) => {
      const [ret] = (await c.execute(oneText, [row.name, row.email, row.score])) as unknown as [Array<{ id: number }>];
      row.id = ret[0]!.id;
    },
    updateCase: async (rows) => {
      for (let i = 0; i < rows.length; i += UPDATE_CHUNK) {
        const end = Math.min(rows.length, i + UPDATE_CHUNK);
        await c.execute(caseSql(table, end - i, false, "`"), caseParams(rows, i, end) as never);
      }
    },
    updatePerRow: async (rows) => {
      for (const r of rows) await c.execute(perRowText, [r.score, r.id] as never);
    },
    begin: async () => void (await c.query("BEGIN")),
    commit: async () => void (await c.query("COMMIT")),
    exec: async (sql) => void (await c.query(sql)),
    close: () => c.end(),
  };
}
