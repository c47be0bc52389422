/**
 * Engine: the entry point to a database. Owns the dialect, the connection pool, the compiled
 * statement cache and the event hooks; hands out Connections.
 */
import { BoundedCache } from "../util/bounded-cache.js";
import { ConfigurationError, ConnectionError, AthanorError, describeValue } from "../util/errors.js";
import type { SchemaOperation, SchemaRunner } from "../sql/schema/metadata.js";
import { Connection, type Params, type RowOfStatement, type ScalarOfStatement, type Statement } from "./connection.js";
import type { Dialect, DriverConnection } from "./dialect.js";
import { dialectFor } from "./dialect-registry.js";
import { EngineEvents, type EngineEventName, type EngineListener, type QueryLogEntry } from "./events.js";
import type { ExecutionPlan } from "./execution.js";
import { Pool, type PoolOptions } from "./pool.js";
import type { Result } from "./result.js";
import { parseUrl } from "./url.js";

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /** Pool settings. Defaults: size 5 (1 for SQLite), acquireTimeoutMs 30000, recycleMs 0 (never), prePing false. */
  pool?: Partial<PoolOptions>;
  /** Called after every statement with its SQL, parameters and duration. */
  log?: (entry: QueryLogEntry) => void;
  /** Print every statement to the console (a ready-made `log`). */
  echo?: boolean;
  /** Compiled statements kept per engine (default 500). */
  compileCacheSize?: number;
  /** Milliseconds to wait for a new connection to open (default 10000). */
  connectTimeoutMs?: number;
  /** Options passed as they are to the client library (better-sqlite3, pg, mysql2). */
  driverOptions?: Record<string, unknown>;
}

const KNOWN_OPTIONS = new Set(["pool", "log", "echo", "compileCacheSize", "connectTimeoutMs", "driverOptions"]);
const KNOWN_POOL = new Set(["size", "acquireTimeoutMs", "recycleMs", "prePing"]);

function positiveInt(v: unknown, what: string, allowZero = false): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < (allowZero ? 0 : 1))
    throw new ConfigurationError(`${what} must be ${allowZero ? "a non-negative" : "a positive"} integer, got ${describeValue(v)}`);
  return v;
}

/** A database, its pool, and its compiled-statement cache. */
export class Engine implements SchemaRunner, AsyncDisposable {
  readonly dialect: Dialect;
  /** The URL with any password masked. */
  readonly url: string;
  readonly #events = new EngineEvents();
  readonly #pool: Pool<DriverConnection>;
  readonly #plans: BoundedCache<string, ExecutionPlan>;
  #initialized: Promise<void> | undefined;

  constructor(url: string, options: EngineOptions = {}) {
    for (const k of Object.keys(options))
      if (!KNOWN_OPTIONS.has(k))
        throw new ConfigurationError(`unknown engine option '${k}'; known options are ${[...KNOWN_OPTIONS].join(", ")}`);
    for (const k of Object.keys(options.pool ?? {}))
      if (!KNOWN_POOL.has(k)) throw new ConfigurationError(`unknown pool option '${k}'; known options are ${[...KNOWN_POOL].join(", ")}`);
    const parsed = parseUrl(url);
    this.url = parsed.masked;
    this.dialect = dialectFor(parsed);
    const connectTimeoutMs = positiveInt(options.connectTimeoutMs ?? 10_000, "connectTimeoutMs");
    const driver = this.dialect.createDriver(parsed, { connectTimeoutMs, driverOptions: options.driverOptions });
    const p = options.pool ?? {};
    const size = positiveInt(p.size ?? (this.dialect.singleConnection ? 1 : this.dialect.name === "sqlite" ? 1 : 5), "pool.size");
    if (this.dialect.singleConnection && size !== 1)
      throw new ConfigurationError(`${this.url} is an in-memory database, which lives inside one connection; pool.size must be 1`);
    this.#pool = new Pool<DriverConnection>(
      {
        size,
        acquireTimeoutMs: positiveInt(p.acquireTimeoutMs ?? 30_000, "pool.acquireTimeoutMs"),
        recycleMs: positiveInt(p.recycleMs ?? 0, "pool.recycleMs", true),
        prePing: p.prePing === true,
      },
      {
        create: async () => {
          let conn: DriverConnection;
          try {
            conn = await driver.connect();
          } catch (err) {
            if (err instanceof AthanorError) throw err;
            const e = this.dialect.translateError(err, undefined);
            if (e instanceof ConnectionError) throw e;
            throw new ConnectionError(`could not connect to ${this.url}: ${e.message}`, { cause: err });
          }
          try {
            for (const s of this.dialect.connectStatements()) await conn.execute(s, [], {});
            this.#initialized ??= this.dialect.initialize(conn);
            await this.#initialized;
          } catch (err) {
            await conn.close().catch(() => undefined);
            throw this.dialect.translateError(err, undefined);
          }
          return conn;
        },
        destroy: (conn) => conn.close(),
        ping: (conn) => conn.ping(),
        isAlive: (conn) => conn.isAlive(),
      },
    );
    this.#plans = new BoundedCache(positiveInt(options.compileCacheSize ?? 500, "compileCacheSize"));
    if (options.log) this.on("afterExecute", options.log);
    if (options.echo)
      this.on("afterExecute", (e) =>
        console.log(`[athanor] ${e.sql} ${JSON.stringify(e.params, jsonSafe)} (${e.durationMs.toFixed(2)} ms)`),
      );
  }

  /** Subscribes to an engine event; returns a function that unsubscribes. */
  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    return this.#events.on(event, listener);
  }

  off<E extends EngineEventName>(event: E, listener: EngineListener<E>): void {
    this.#events.off(event, listener);
  }

  /** Pool state, for monitoring. */
  get poolStatus(): { size: number; idle: number; waiting: number; max: number } {
    return { size: this.#pool.size, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount, max: this.#pool.options.size };
  }

  /** Compiled statements cached so far. */
  get compiledCacheSize(): number {
    return this.#plans.size;
  }

  /** Checks out a connection. Close it when done, or use `await using conn = await engine.connect()`. */
  async connect(): Promise<Connection> {
    const entry = await this.#pool.acquire();
    const conn = new Connection(
      {
        dialect: this.dialect,
        events: this.#events,
        plans: this.#plans,
        release: (e, discard) => this.#pool.release(e, discard),
      },
      entry,
    );
    this.#events.emit("checkout", { connectionId: entry.id });
    return conn;
  }

  /**
   * Runs `fn` on a connection inside a transaction, committing when it resolves and rolling back
   * when it throws; the connection goes back to the pool either way.
   */
  async begin<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      return await conn.transaction(() => fn(conn));
    } finally {
      await conn.close();
    }
  }

  /** Executes one statement on a pooled connection (autocommit) and returns its rows. */
  async execute<T extends Statement>(stmt: T, params?: Params): Promise<Result<RowOfStatement<T>, ScalarOfStatement<T>>> {
    const conn = await this.connect();
    try {
      return await conn.execute(stmt, params);
    } finally {
      await conn.close();
    }
  }

  /** Runs createAll / dropAll on a pooled connection. */
  async runSchemaOperation(op: SchemaOperation): Promise<void> {
    const conn = await this.connect();
    try {
      await conn.runSchemaOperation(op);
    } finally {
      await conn.close();
    }
  }

  /** Closes every pooled connection; the engine cannot be used afterwards. */
  async dispose(): Promise<void> {
    await this.#pool.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === "bigint") return `${v}n`;
  if (Buffer.isBuffer(v)) return `<${v.length} bytes>`;
  return v;
}

/**
 * Creates an engine for a database URL.
 * @example
 * const engine = createEngine("sqlite:///app.db");
 * const engine = createEngine("postgresql://app:secret@localhost:5432/app", { pool: { size: 10 } });
 */
export function createEngine(url: string, options?: EngineOptions): Engine {
  return new Engine(url, options);
}
