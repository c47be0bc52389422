/**
 * The better-sqlite3 driver: synchronous calls wrapped in the engine's driver interface, prepared
 * statements cached per connection. better-sqlite3 is loaded on first connect, so users of other
 * databases never need it installed.
 */
import { createRequire } from "node:module";
import { ConfigurationError, ConnectionError } from "../../../util/errors.js";
import { BoundedCache } from "../../../util/bounded-cache.js";
import type { Driver, DriverColumn, DriverConnection, DriverResult, ExecuteHints } from "../../../engine/dialect.js";

type Database = import("better-sqlite3").Database;
type Statement = import("better-sqlite3").Statement;

/** Connection settings for SQLite. */
export interface SqliteDriverOptions {
  /** File path, or ":memory:". */
  readonly path: string;
  readonly readonly: boolean;
  /** Milliseconds to wait on a locked database before SQLITE_BUSY. */
  readonly busyTimeoutMs: number;
  readonly extra: Record<string, unknown>;
}

let ctor: (new (path: string, options?: Record<string, unknown>) => Database) | undefined;

function loadDriver(): new (path: string, options?: Record<string, unknown>) => Database {
  if (ctor) return ctor;
  const require = createRequire(import.meta.url);
  try {
    ctor = require("better-sqlite3");
  } catch (err) {
    throw new ConfigurationError("SQLite needs the better-sqlite3 package: npm install better-sqlite3", { cause: err });
  }
  return ctor!;
}

interface CachedStatement {
  readonly stmt: Statement;
  readonly reader: boolean;
  /**
   * One result column: run in pluck mode and wrapped into arrays here, since better-sqlite3 builds
   * a one-value array per row natively at about twice the cost of doing it in JavaScript (what
   * INSERT … RETURNING id of a thousand rows spends most on).
   */
  readonly single: boolean;
  columns: DriverColumn[] | undefined;
  /** Current safeIntegers setting: switching it is a native call, so only done on change. */
  exact: boolean;
}

class BetterSqliteConnection implements DriverConnection {
  readonly #db: Database;
  readonly #cache = new BoundedCache<string, CachedStatement>(256);
  readonly serverVersion: string;

  constructor(db: Database) {
    this.#db = db;
    this.serverVersion = String((db.prepare("select sqlite_version()").pluck().get() as string) ?? "");
  }

  #prepare(sql: string): CachedStatement {
    let c = this.#cache.get(sql);
    if (c === undefined) {
      const stmt = this.#db.prepare(sql);
      const single = stmt.reader && stmt.columns().length === 1;
      c = { stmt, reader: stmt.reader, single, columns: undefined, exact: false };
      if (single) stmt.pluck(true);
      else if (c.reader) stmt.raw(true);
      this.#cache.set(sql, c);
    }
    return c;
  }

  #columns(c: CachedStatement): DriverColumn[] {
    return (c.columns ??= c.stmt.columns().map((col) => ({ name: col.name })));
  }

  execute(sql: string, params: readonly unknown[], hints: ExecuteHints): DriverResult {
    const c = this.#prepare(sql);
    const stmt = c.stmt;
    if (c.reader) {
      const exact = hints.exactIntegers === true;
      if (exact !== c.exact) {
        stmt.safeIntegers(exact);
        c.exact = exact;
      }
      const onRow = hints.onRow;
      if (onRow) {
        // Rows stream into the callback: all() would be about 30% cheaper per row, but it holds every
        // row array until the last one is read, which doubled the peak memory of a 100,000-row load.
        let n = 0;
        const single = c.single;
        for (const row of stmt.iterate(...(params as unknown[]))) {
          onRow(single ? [row] : (row as unknown[]));
          n++;
        }
        return { rows: undefined, columns: this.#columns(c), rowCount: n };
      }
      const rows = stmt.all(...(params as unknown[])) as unknown[][];
      if (c.single) for (let i = 0; i < rows.length; i++) rows[i] = [rows[i]];
      return { rows, columns: this.#columns(c), rowCount: rows.length };
    }
    const info = stmt.run(...(params as unknown[]));
    return { rows: undefined, columns: undefined, rowCount: info.changes, lastInsertId: info.lastInsertRowid };
  }

  async *stream(
    sql: string,
    params: readonly unknown[],
    hints: ExecuteHints,
    batchSize: number,
  ): AsyncIterable<{ rows: unknown[][]; columns: readonly DriverColumn[] }> {
    // A statement being iterated cannot be reused, so streams get their own prepared statement.
    const stmt = this.#db.prepare(sql);
    if (!stmt.reader) throw new ConfigurationError("stream() needs a statement that returns rows");
    stmt.safeIntegers(hints.exactIntegers === true);
    stmt.raw(true);
    const columns = stmt.columns().map((col) => ({ name: col.name }));
    const it = stmt.iterate(...(params as unknown[])) as IterableIterator<unknown[]>;
    try {
      let batch: unknown[][] = [];
      for (const row of it) {
        batch.push(row);
        if (batch.length >= batchSize) {
          yield { rows: batch, columns };
          batch = [];
        }
      }
      if (batch.length) yield { rows: batch, columns };
    } finally {
      it.return?.();
    }
  }

  inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  isAlive(): boolean {
    return this.#db.open;
  }

  async ping(): Promise<void> {
    this.#db.prepare("select 1").get();
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

export class BetterSqliteDriver implements Driver {
  constructor(readonly options: SqliteDriverOptions) {}

  async connect(): Promise<DriverConnection> {
    const Ctor = loadDriver();
    let db: Database;
    try {
      db = new Ctor(this.options.path, {
        readonly: this.options.readonly,
        fileMustExist: this.options.readonly,
        timeout: this.options.busyTimeoutMs,
        ...this.options.extra,
      });
    } catch (err) {
      throw new ConnectionError(
        `could not open SQLite database ${JSON.stringify(this.options.path)}: ${(err as Error).message}; check that the directory exists and is writable`,
        {
          cause: err,
          code: (err as { code?: string }).code,
        },
      );
    }
    return new BetterSqliteConnection(db);
  }
}
