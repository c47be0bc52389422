/**
 * Connection: one pooled database connection, checked out by one caller. Executes statements
 * (compiling through the engine's cache), runs transactions and savepoints, streams large results,
 * and always rolls back before going back to the pool.
 */
import { ArgumentError, AthanorError, ConnectionLostError, StateError, describeValue } from "../util/errors.js";
import type { BindNode } from "../sql/nodes/expression-nodes.js";
import type { InsertNode, StatementNode } from "../sql/nodes/from-nodes.js";
import { statementKey } from "../sql/compiler/cache-key.js";
import { Expression } from "../sql/elements/expression.js";
import type { SchemaOperation, SchemaRunner } from "../sql/schema/metadata.js";
import type { Executable } from "../sql/statements/executable.js";
import type { BoundedCache } from "../util/bounded-cache.js";
import type { Dialect, DriverConnection, DriverResult, ExecuteHints } from "./dialect.js";
import type { EngineEvents } from "./events.js";
import {
  batchParams,
  batchSql,
  buildParams,
  driverKeys,
  makePlan,
  materialize,
  positionalParams,
  type ExecutionPlan,
} from "./execution.js";
import type { PoolEntry } from "./pool.js";
import { Result } from "./result.js";
import { runSchemaOperation } from "./schema-runner.js";
import { Transaction } from "./transaction.js";

/** Rows of a statement as arrays of converted values (the ORM's view of results). */
export interface ArrayResult {
  readonly rows: unknown[][];
  readonly rowCount: number;
  readonly lastInsertId: number | bigint | undefined;
  readonly sql: string;
}

/** Wraps a row consumer so it receives rows converted by the plan's result processors. */
function convertingRows(
  procs: ReadonlyArray<((v: unknown) => unknown) | undefined>,
  onRow: (row: unknown[]) => void,
): (row: unknown[]) => void {
  return (row) => {
    for (let i = 0; i < procs.length; i++) {
      const p = procs[i];
      const v = row[i];
      row[i] = v === null || v === undefined ? null : p === undefined ? v : p(v);
    }
    onRow(row);
  };
}

function refuseEntities(): never {
  throw new ArgumentError(
    "this statement selects mapped classes, which only a Session can turn into objects: run it with session.execute() / session.scalars(), or select columns (select(User.id, User.email)) to get plain rows here",
  );
}

/** Values for named parameters (`bindParam("id")`). */
export type Params = Readonly<Record<string, unknown>>;

/** What `execute()` accepts: statements, or raw `sql` fragments. */
export type Statement<R = unknown, S = unknown> = Executable<R, S> | Expression<S, any>;

/** Row type of a statement. */
export type RowOfStatement<T> = T extends Executable<infer R, any> ? R : Record<string, unknown>;
/** First-column type of a statement. */
export type ScalarOfStatement<T> = T extends Executable<any, infer S> ? S : T extends Expression<infer S, any> ? S : unknown;

/** Options of {@link Connection.stream}. */
export interface StreamOptions {
  /** Rows fetched per round trip (default 1000). */
  batchSize?: number;
}

/** What a connection needs from its engine. */
export interface ConnectionContext {
  readonly dialect: Dialect;
  readonly events: EngineEvents;
  readonly plans: BoundedCache<string, ExecutionPlan>;
  release(entry: PoolEntry<DriverConnection>, discard: boolean): Promise<void>;
}

interface Memo {
  dialect: Dialect;
  plan: ExecutionPlan;
  binds: readonly BindNode[];
}

/** One checked-out database connection. Use it from one task at a time, then close it (or `await using`). */
export class Connection implements SchemaRunner, AsyncDisposable {
  #entry: PoolEntry<DriverConnection> | undefined;
  #tx: Transaction[] = [];
  #savepoints = 0;
  #streaming = false;
  #dirty = false;
  #lost: AthanorError | undefined;

  /** Pool id of the underlying connection (stays readable after close). */
  readonly id: number;

  constructor(
    readonly context: ConnectionContext,
    entry: PoolEntry<DriverConnection>,
  ) {
    this.#entry = entry;
    this.id = entry.id;
  }

  get dialect(): Dialect {
    return this.context.dialect;
  }

  /** Whether close() has been called. */
  get closed(): boolean {
    return this.#entry === undefined;
  }

  /** Whether a transaction is open. */
  get inTransaction(): boolean {
    return this.#tx.length > 0;
  }

  #driver(): DriverConnection {
    if (this.#lost)
      throw new StateError(`this connection was lost (${this.#lost.message}); get a new one from engine.connect()`, { cause: this.#lost });
    const e = this.#entry;
    if (!e) throw new StateError("this connection is closed; get a new one from engine.connect()");
    if (this.#streaming)
      throw new StateError(
        "this connection is busy streaming a result; finish (or break out of) the for-await loop first, or use another connection",
      );
    return e.conn;
  }

  /** Compiles a statement through the cache, remembering the plan on the statement object. */
  #prepare(stmt: Statement): Memo {
    const holder = stmt as { _memo?: Memo };
    const memo = holder._memo;
    const dialect = this.context.dialect;
    if (memo !== undefined && memo.dialect === dialect) return memo;
    const node = statementNode(stmt);
    const key = statementKey(node);
    let plan = this.context.plans.get(key.key);
    if (plan === undefined) {
      plan = makePlan(dialect, dialect.createCompiler(key.binds).compile(node));
      this.context.plans.set(key.key, plan);
    }
    const fresh: Memo = { dialect, plan, binds: key.binds };
    holder._memo = fresh;
    return fresh;
  }

  /**
   * Runs SQL on the driver, with events and error translation. Returns synchronously when the
   * driver does (SQLite) and nobody observes statements, so the hot path costs one await in total.
   */
  #run(sql: string, params: readonly unknown[], hints: ExecuteHints): DriverResult | Promise<DriverResult> {
    const drv = this.#driver();
    this.#dirty = true;
    if (this.context.events.executeObserved) return this.#runObserved(drv, sql, params, hints);
    let r: DriverResult | Promise<DriverResult>;
    try {
      r = drv.execute(sql, params, hints);
    } catch (err) {
      return this.#fail(err, sql, params).then((e) => Promise.reject(e));
    }
    if (r instanceof Promise) return r.catch(async (err: unknown) => Promise.reject(await this.#fail(err, sql, params)));
    return r;
  }

  async #runObserved(drv: DriverConnection, sql: string, params: readonly unknown[], hints: ExecuteHints): Promise<DriverResult> {
    const events = this.context.events;
    events.emit("beforeExecute", { sql, params, connectionId: this.id });
    const t0 = performance.now();
    try {
      let r = drv.execute(sql, params, hints);
      if (r instanceof Promise) r = await r;
      events.emit("afterExecute", { sql, params, durationMs: performance.now() - t0, rowCount: r.rowCount, connectionId: this.id });
      return r;
    } catch (err) {
      throw await this.#fail(err, sql, params);
    }
  }

  /** Translates a driver error; a dead connection is discarded and reported as lost. */
  async #fail(err: unknown, sql: string | undefined, params: readonly unknown[]): Promise<Error> {
    const dialect = this.context.dialect;
    let out: Error;
    if (dialect.isDisconnect(err)) {
      const txLost = this.#tx.length > 0;
      out = new ConnectionLostError(
        `the connection to the database was lost while running a statement${
          txLost
            ? "; the open transaction was rolled back by the server and its work is lost. Nothing was retried: run the whole transaction again on a new connection"
            : ". Nothing was retried: run the statement again on a new connection"
        } (${(err as Error)?.message ?? describeValue(err)})`,
        { sql, cause: err, transactionLost: txLost },
      );
      this.#lost = out as AthanorError;
      for (const t of this.#tx) t._deactivate();
      this.#tx = [];
      const entry = this.#entry;
      this.#entry = undefined;
      if (entry) await this.context.release(entry, true);
      this.context.events.emit("checkin", { connectionId: entry?.id ?? -1, discarded: true });
    } else out = err instanceof AthanorError ? err : dialect.translateError(err, sql);
    if (this.context.events.has("error")) this.context.events.emit("error", { sql, params, error: out, connectionId: this.id });
    return out;
  }

  /**
   * Executes a statement and returns all rows (typed from the statement). `params` fills
   * `bindParam()` placeholders. Multi-row inserts are sent in batches, atomically.
   */
  async execute<T extends Statement>(stmt: T, params?: Params): Promise<Result<RowOfStatement<T>, ScalarOfStatement<T>>> {
    const { plan, binds } = this.#prepare(stmt);
    if (plan.entities) refuseEntities();
    if (plan.insert) return (await this.#executeInsert(plan, binds, params, (statementNode(stmt) as InsertNode).rows!)) as never;
    const rows = plan.compiled.insertColumns ? (statementNode(stmt) as InsertNode).rows : undefined;
    const args = buildParams(plan, binds, params, rows);
    let res = this.#run(plan.compiled.sql, args, plan.hints);
    if (res instanceof Promise) res = await res;
    return this.#result(plan, res, plan.compiled.sql) as never;
  }

  /**
   * @internal For the ORM: runs a statement (entity selects included) and returns its rows as arrays
   * of converted values, in select-list order.
   */
  async _executeArrays(stmt: Statement, params?: Params, onRow?: (row: unknown[]) => void, buffered = false): Promise<ArrayResult> {
    const { plan, binds } = this.#prepare(stmt);
    if (plan.insert) {
      const res = (await this.#executeInsert(plan, binds, params, (statementNode(stmt) as InsertNode).rows!, true)) as ArrayResult;
      if (onRow) for (const row of res.rows) onRow(row);
      return res;
    }
    const rows = plan.compiled.insertColumns ? (statementNode(stmt) as InsertNode).rows : undefined;
    const procs = plan.resultProcessors;
    // Row by row: each row is converted and handed over as the driver reads it, never collected;
    // `buffered` (a bounded result, e.g. a relationship batch) fetches it whole first, which costs
    // better-sqlite3 about 30% less per row.
    const hints = onRow && procs && !buffered ? { ...plan.hints, onRow: convertingRows(procs, onRow) } : plan.hints;
    let res = this.#run(plan.compiled.sql, buildParams(plan, binds, params, rows), hints);
    if (res instanceof Promise) res = await res;
    const out = this.#arrays(plan, res, plan.compiled.sql);
    // A driver may collect the rows anyway (hints are hints): hand them over now.
    if (onRow && res.rows) for (const row of out.rows) onRow(row);
    return out;
  }

  /**
   * @internal For the ORM: runs a prepared statement whose parameters are all named, with their
   * values given by position in `names` (an array the caller keeps and passes again each time).
   */
  async _executeArraysByPosition(stmt: Statement, names: readonly string[], values: readonly unknown[]): Promise<ArrayResult> {
    const { plan } = this.#prepare(stmt);
    let res = this.#run(plan.compiled.sql, positionalParams(plan, names, values), plan.hints);
    if (res instanceof Promise) res = await res;
    return this.#arrays(plan, res, plan.compiled.sql);
  }

  #arrays(plan: ExecutionPlan, res: DriverResult, sql: string): ArrayResult {
    const procs = plan.resultProcessors ?? (res.columns ?? []).map((c) => this.context.dialect.untypedResultProcessor(c));
    const rows = res.rows ?? [];
    for (const row of rows)
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i];
        const v = row[i];
        row[i] = v === null || v === undefined ? null : p === undefined ? v : p(v);
      }
    return { rows, rowCount: res.rowCount, lastInsertId: res.lastInsertId, sql };
  }

  #result(plan: ExecutionPlan, res: DriverResult, sql: string): Result<Record<string, unknown>, unknown> {
    if (!res.rows) return new Result([], plan.resultKeys ?? [], res.rowCount, res.lastInsertId, sql);
    let keys = plan.resultKeys;
    let procs = plan.resultProcessors;
    if (keys === undefined || procs === undefined) {
      const cols = res.columns ?? [];
      keys = driverKeys(cols);
      procs = cols.map((c) => this.context.dialect.untypedResultProcessor(c));
    }
    const rows = materialize(res.rows, keys, procs);
    return new Result(
      rows,
      keys,
      plan.compiled.returnsRows && plan.compiled.kind === "select" ? rows.length : res.rowCount,
      res.lastInsertId,
      sql,
    );
  }

  async #executeInsert(
    plan: ExecutionPlan,
    binds: readonly BindNode[],
    named: Params | undefined,
    rows: NonNullable<InsertNode["rows"]>,
    arrays = false,
  ): Promise<Result<Record<string, unknown>, unknown> | ArrayResult> {
    const ins = plan.insert!;
    const numeric = this.context.dialect.paramStyle === "numeric";
    const runBatch = async (start: number, end: number): Promise<DriverResult & { sql: string }> => {
      const sql = batchSql(ins, end - start, numeric);
      const res = await this.#run(sql, batchParams(ins, binds, named, rows, start, end), plan.hints);
      return { ...res, sql };
    };
    if (rows.length <= ins.rowsPerBatch) {
      const res = await runBatch(0, rows.length);
      return arrays ? this.#arrays(plan, res, res.sql) : this.#result(plan, res, res.sql);
    }
    // Several statements: all or nothing, in a transaction (or a savepoint inside the caller's).
    return this.transaction(async () => {
      const out: unknown[][] = [];
      let count = 0;
      let firstId: number | bigint | undefined;
      let last: DriverResult & { sql: string } = { rows: undefined, columns: undefined, rowCount: 0, sql: "" };
      for (let start = 0; start < rows.length; start += ins.rowsPerBatch) {
        last = await runBatch(start, Math.min(rows.length, start + ins.rowsPerBatch));
        firstId ??= last.lastInsertId;
        count += last.rowCount;
        if (last.rows) for (const r of last.rows) out.push(r);
      }
      const lastInsertId = this.context.dialect.insertIdIsFirstRow ? firstId : last.lastInsertId;
      const all: DriverResult = { rows: last.rows ? out : undefined, columns: last.columns, rowCount: count, lastInsertId };
      return arrays ? this.#arrays(plan, all, last.sql) : this.#result(plan, all, last.sql);
    });
  }

  /** The first column of the first row, or undefined when there is no row. */
  async scalar<T extends Statement>(stmt: T, params?: Params): Promise<ScalarOfStatement<T> | undefined> {
    return (await this.execute(stmt, params)).scalar() as ScalarOfStatement<T> | undefined;
  }

  /** The first column of every row. */
  async scalars<T extends Statement>(stmt: T, params?: Params): Promise<ScalarOfStatement<T>[]> {
    return (await this.execute(stmt, params)).scalars() as ScalarOfStatement<T>[];
  }

  /**
   * Streams rows without loading them all: `for await (const row of conn.stream(stmt))`.
   * Memory stays flat however many rows the query returns. The connection serves nothing else
   * until the loop ends (breaking out of it ends the query).
   */
  async *stream<T extends Statement>(
    stmt: T,
    params?: Params,
    options: StreamOptions = {},
  ): AsyncGenerator<RowOfStatement<T>, void, undefined> {
    const batchSize = options.batchSize ?? 1000;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1)
      throw new ArgumentError(`stream(): batchSize must be a positive integer, got ${describeValue(batchSize)}`);
    const { plan, binds } = this.#prepare(stmt);
    if (plan.entities) refuseEntities();
    if (!plan.compiled.returnsRows || plan.insert)
      throw new ArgumentError("stream() needs a statement that returns rows (a select, or DML with returning())");
    const args = buildParams(plan, binds, params);
    const drv = this.#driver();
    this.#dirty = true;
    this.#streaming = true;
    const sql = plan.compiled.sql;
    if (this.context.events.executeObserved) this.context.events.emit("beforeExecute", { sql, params: args, connectionId: this.id });
    let keys = plan.resultKeys;
    let procs = plan.resultProcessors;
    try {
      for await (const batch of drv.stream(sql, args, plan.hints, batchSize)) {
        if (keys === undefined || procs === undefined) {
          keys = driverKeys(batch.columns);
          procs = batch.columns.map((c) => this.context.dialect.untypedResultProcessor(c));
        }
        const rows = materialize(batch.rows, keys, procs);
        for (const r of rows) yield r as RowOfStatement<T>;
      }
    } catch (err) {
      this.#streaming = false;
      throw await this.#fail(err, sql, args);
    } finally {
      this.#streaming = false;
    }
  }

  /** Runs SQL that manages transactions (BEGIN, SAVEPOINT, …). */
  async #control(sql: string): Promise<void> {
    await this.#run(sql, [], {});
  }

  /** Opens a transaction. Only one may be open; use beginNested() for a savepoint inside it. */
  async begin(): Promise<Transaction> {
    if (this.#tx.length > 0)
      throw new StateError(
        "a transaction is already open on this connection; use beginNested() for a savepoint inside it, or commit/roll back first",
      );
    await this.#control(this.context.dialect.beginSql());
    const tx = new Transaction(this, undefined, undefined);
    this.#tx.push(tx);
    this.context.events.emit("begin", { connectionId: this.id });
    return tx;
  }

  /**
   * @internal Takes over a transaction begun with the caller's own SQL (the SQLite migration lock's
   * BEGIN EXCLUSIVE), so transaction() opens savepoints inside it and COMMIT goes through here.
   */
  _adoptTransaction(): Transaction {
    if (this.#tx.length > 0) throw new StateError("cannot adopt a transaction: one is already open on this connection");
    const tx = new Transaction(this, undefined, undefined);
    this.#tx.push(tx);
    return tx;
  }

  /** Opens a savepoint inside the current transaction. */
  async beginNested(): Promise<Transaction> {
    const parent = this.#tx[this.#tx.length - 1];
    if (!parent) throw new StateError("beginNested() needs an open transaction; call begin() first");
    const name = `athanor_sp_${++this.#savepoints}`;
    await this.#control(this.context.dialect.savepointSql(name));
    const tx = new Transaction(this, parent, name);
    this.#tx.push(tx);
    this.context.events.emit("savepoint", { connectionId: this.id, name });
    return tx;
  }

  /** @internal Commits or rolls back `tx` and every savepoint opened inside it. */
  async _endTransaction(tx: Transaction, action: "commit" | "rollback"): Promise<void> {
    const i = this.#tx.indexOf(tx);
    if (i < 0) throw new StateError("this transaction does not belong to the connection's open transactions");
    const dialect = this.context.dialect;
    const ended = this.#tx.splice(i);
    for (const t of ended) t._deactivate();
    if (tx.savepoint === undefined) {
      await this.#control(action === "commit" ? "COMMIT" : "ROLLBACK");
      this.context.events.emit(action, { connectionId: this.id });
    } else if (action === "commit") {
      await this.#control(dialect.releaseSavepointSql(tx.savepoint));
      this.context.events.emit("releaseSavepoint", { connectionId: this.id, name: tx.savepoint });
    } else {
      await this.#control(dialect.rollbackToSavepointSql(tx.savepoint));
      this.context.events.emit("rollbackToSavepoint", { connectionId: this.id, name: tx.savepoint });
    }
  }

  /**
   * Runs `fn` in a transaction (a savepoint when one is already open): committed when `fn`
   * resolves, rolled back when it throws.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const tx = this.#tx.length > 0 ? await this.beginNested() : await this.begin();
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      if (tx.isActive && !this.#lost) {
        try {
          await tx.rollback();
        } catch {
          // The original error matters more than a failed rollback (the server discards the work either way).
        }
      }
      throw err;
    }
    if (tx.isActive) await tx.commit();
    return result;
  }

  /** Creates or drops tables on this connection (used by metadata.createAll(conn)). */
  async runSchemaOperation(op: SchemaOperation): Promise<void> {
    this.#driver();
    await runSchemaOperation(this, op);
  }

  /** @internal Runs one DDL/introspection statement for the schema runner. */
  async _runRaw(sql: string): Promise<DriverResult> {
    return this.#run(sql, [], {});
  }

  /** @internal The driver connection, for introspection. */
  _driverConnection(): DriverConnection {
    return this.#driver();
  }

  /** Returns the connection to the pool, rolling back whatever is still open. */
  async close(): Promise<void> {
    const entry = this.#entry;
    if (!entry) return;
    this.#entry = undefined;
    this.#streaming = false;
    let discard = false;
    const open = this.#tx.length > 0;
    for (const t of this.#tx) t._deactivate();
    this.#tx = [];
    const state = entry.conn.inTransaction();
    if (open || state === true || (state === undefined && this.#dirty)) {
      try {
        await entry.conn.execute("ROLLBACK", [], {});
        if (open) this.context.events.emit("rollback", { connectionId: entry.id });
      } catch {
        discard = true;
      }
    }
    await this.context.release(entry, discard);
    this.context.events.emit("checkin", { connectionId: entry.id, discarded: discard });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The statement node behind what execute() was given; raw `sql` fragments run as text. */
export function statementNode(stmt: Statement): StatementNode {
  if (stmt instanceof Expression) {
    if (stmt.node.kind !== "Raw")
      throw new ArgumentError("execute() takes a statement or a sql`…` fragment, not an expression; wrap it in select()");
    return { kind: "Text", raw: stmt.node };
  }
  const node = (stmt as { node?: StatementNode })?.node;
  if (!node || typeof node !== "object" || !("kind" in node))
    throw new ArgumentError(`execute() takes a statement (select, insert, update, deleteFrom or sql\`…\`), got ${describeValue(stmt)}`);
  return node;
}
