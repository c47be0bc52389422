/**
 * The mysql2 driver: one mysql2 connection per engine connection (the engine does the pooling).
 * Statements with parameters run as server-side prepared statements (binary protocol); mysql2's
 * client-side interpolation (`query(sql, values)`) is never used. mysql2 is loaded on first connect.
 */
import { createRequire } from "node:module";
import { ConfigurationError, ConnectionError } from "../../../util/errors.js";
import type { Driver, DriverColumn, DriverConnection, DriverResult, ExecuteHints } from "../../../engine/dialect.js";
import { DecimalParam, MYSQL_TYPE } from "../mysql-types.js";

/** Connection settings for mysql2, decided by the dialect from the URL. */
export interface Mysql2DriverOptions {
  readonly host: string;
  readonly port: number;
  /** Unix socket path; when given, host and port are not used. */
  readonly socketPath: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  /** mysql2 `ssl` setting (an object, or a named profile); undefined for plain connections. */
  readonly ssl: Record<string, unknown> | string | undefined;
  /** A utf8mb4 charset or collation name. */
  readonly charset: string;
  readonly connectTimeoutMs: number;
  /** Prepared statements kept open per connection (oldest closed first). */
  readonly maxPreparedStatements: number;
  /** Extra mysql2 options, from the engine's driverOptions. */
  readonly extra: Record<string, unknown>;
}

/** The parts of mysql2 this driver uses; declared here so no mysql2 type leaks into athanor's. */
interface Mysql2Module {
  createConnection(config: Record<string, unknown>): RawConnection;
  readonly TypedParameter: {
    LONGLONG(value: bigint): unknown;
    NEWDECIMAL(value: string): unknown;
  };
}

interface RawField {
  readonly name: string;
  readonly columnType?: number;
  readonly extendedFormat?: string;
}

interface RawHeader {
  readonly affectedRows: number;
  readonly insertId: number | string;
  readonly serverStatus?: number;
}

type Callback = (err: RawError | null, result?: unknown, fields?: unknown) => void;

interface RawCommand {
  on(event: string, listener: (...args: any[]) => void): RawCommand;
  stream(options: { highWaterMark: number }): NodeJS.ReadableStream & { destroy(): void; destroyed: boolean };
}

interface RawConnection {
  readonly threadId: number;
  query(sql: string, cb: Callback): RawCommand;
  query(sql: string): RawCommand;
  execute(sql: string, values: unknown[], cb: Callback): RawCommand;
  execute(sql: string, values: unknown[]): RawCommand;
  ping(cb: (err: RawError | null) => void): void;
  end(cb: (err: RawError | null) => void): void;
  destroy(): void;
  on(event: string, listener: (...args: any[]) => void): void;
  once(event: string, listener: (...args: any[]) => void): void;
  removeListener(event: string, listener: (...args: any[]) => void): void;
}

/** An error as mysql2 reports it. */
interface RawError extends Error {
  code?: string;
  errno?: number;
  fatal?: boolean;
}

/** Marks errors raised on a connection already known to be dead (the dialect treats them as disconnects). */
export const CONNECTION_DEAD = Symbol("athanor.mysql.connectionDead");

let lib: Mysql2Module | undefined;

function loadDriver(): Mysql2Module {
  if (lib) return lib;
  const require = createRequire(import.meta.url);
  try {
    lib = require("mysql2") as Mysql2Module;
  } catch (err) {
    throw new ConfigurationError("MySQL and MariaDB need the mysql2 package: npm install mysql2", { cause: err });
  }
  return lib;
}

/** Options athanor's conversions rely on; driverOptions may not change them. */
const FIXED_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({
  supportBigNumbers: true,
  bigNumberStrings: true,
  dateStrings: true,
  jsonStrings: true,
  decimalNumbers: false,
  timezone: "Z",
  rowsAsArray: true,
  multipleStatements: false,
  namedPlaceholders: false,
  typeCast: true,
});

const SERVER_STATUS_IN_TRANS = 1;
const SERVER_STATUS_AUTOCOMMIT = 2;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Column descriptions for the engine; MariaDB marks JSON (a LONGTEXT) only in extended metadata. */
function toColumns(fields: readonly RawField[]): DriverColumn[] {
  return fields.map((f) => ({ name: f.name, typeId: f.extendedFormat === "json" ? MYSQL_TYPE.JSON : f.columnType }));
}

class Mysql2Connection implements DriverConnection {
  readonly #raw: RawConnection;
  readonly #lib: Mysql2Module;
  readonly serverVersion: string;
  /** Why the connection is dead, once it is. */
  #dead: RawError | undefined;
  /** Transaction state from the last OK packet's status flags; undefined when unknown. */
  #inTx: boolean | undefined = false;
  #autocommit = true;

  constructor(raw: RawConnection, mysql: Mysql2Module, serverVersion: string, earlyError: RawError | undefined) {
    this.#raw = raw;
    this.#lib = mysql;
    this.serverVersion = serverVersion;
    this.#dead = earlyError;
    // A connection killed while idle reports here; without a listener it would crash the process.
    raw.on("error", (err: RawError) => {
      this.#dead ??= err;
    });
    raw.on("end", () => {
      this.#dead ??= Object.assign(new Error("the server closed the connection"), { code: "PROTOCOL_CONNECTION_LOST", fatal: true });
    });
  }

  /** The server's id for this connection (`CONNECTION_ID()`), e.g. for KILL. */
  get threadId(): number {
    return this.#raw.threadId;
  }

  /**
   * Converts a processed value to what mysql2 sends. Numbers go as they are (safe integers are
   * exact as doubles, and typing each one costs mysql2 an encoder per value); bigints as BIGINT and
   * decimals as DECIMAL, so comparisons with BIGINT/DECIMAL columns stay exact beyond 2^53.
   */
  #wire(v: unknown): unknown {
    switch (typeof v) {
      case "number":
        return v;
      case "bigint":
        // Out of range: sent as text, so the server reports the overflow.
        return v >= INT64_MIN && v <= INT64_MAX ? this.#lib.TypedParameter.LONGLONG(v) : v.toString();
      case "boolean":
        return this.#lib.TypedParameter.LONGLONG(v ? 1n : 0n);
      case "string":
        return v;
      case "object":
        if (v === null || Buffer.isBuffer(v)) return v;
        if (v instanceof DecimalParam) return this.#lib.TypedParameter.NEWDECIMAL(v.text);
        break;
    }
    // Objects reaching this point would be JSON-encoded by mysql2; athanor never sends them.
    throw new TypeError(`internal: cannot send a ${typeof v} parameter to MySQL; values are converted by the dialect's bind processors`);
  }

  #params(params: readonly unknown[]): unknown[] {
    return params.map((p) => this.#wire(p));
  }

  /** Marks an error as a disconnect when the connection is (now) dead. */
  #mark(err: unknown): unknown {
    const e = err as RawError;
    if (e?.fatal) this.#dead ??= e;
    if (this.#dead && e && typeof e === "object") (e as unknown as Record<symbol, unknown>)[CONNECTION_DEAD] = true;
    return err;
  }

  #deadError(): Error {
    const cause = this.#dead!;
    const err = Object.assign(new Error(`the connection was closed earlier (${cause.message})`), {
      code: cause.code ?? "PROTOCOL_CONNECTION_LOST",
      fatal: true,
      cause,
    });
    (err as unknown as Record<symbol, unknown>)[CONNECTION_DEAD] = true;
    return err;
  }

  /** Reads the transaction state from an OK packet. */
  #status(header: RawHeader | undefined): void {
    if (header?.serverStatus === undefined) {
      this.#inTx = undefined;
      return;
    }
    this.#inTx = (header.serverStatus & SERVER_STATUS_IN_TRANS) !== 0;
    this.#autocommit = (header.serverStatus & SERVER_STATUS_AUTOCOMMIT) !== 0;
  }

  /** A result set leaves the state as it was, unless autocommit is off (then a SELECT opens a transaction). */
  #afterRows(): void {
    if (!this.#autocommit) this.#inTx = undefined;
  }

  #toResult(result: unknown, fields: unknown): DriverResult {
    if (!Array.isArray(result)) {
      const h = result as RawHeader;
      this.#status(h);
      // affectedRows counts matched rows (mysql2 sets CLIENT_FOUND_ROWS), as on the other databases;
      // insertId is the first id a multi-row INSERT generated.
      const id = typeof h.insertId === "string" ? BigInt(h.insertId) : h.insertId;
      return { rows: undefined, columns: undefined, rowCount: h.affectedRows, lastInsertId: id === 0 ? undefined : id };
    }
    const fieldList = fields as unknown[] | undefined;
    if (fieldList === undefined || fieldList.length === 0 || !Array.isArray(fieldList[0])) {
      this.#afterRows();
      const rows = result as unknown[][];
      return { rows, columns: toColumns((fieldList ?? []) as RawField[]), rowCount: rows.length };
    }
    // Several results (a CALL): the first result set is returned; the final OK packet has the status.
    const sets = result as unknown[];
    const i = fieldList.findIndex((f) => Array.isArray(f));
    const last = sets[sets.length - 1];
    this.#status(Array.isArray(last) ? undefined : (last as RawHeader));
    const rows = (i >= 0 ? sets[i] : []) as unknown[][];
    return { rows, columns: toColumns((i >= 0 ? fieldList[i] : []) as RawField[]), rowCount: rows.length };
  }

  execute(sql: string, params: readonly unknown[], hints: ExecuteHints): Promise<DriverResult> {
    if (this.#dead) return Promise.reject(this.#deadError());
    if (hints.onRow) return this.#executeRows(sql, params, hints.onRow);
    return new Promise<DriverResult>((resolve, reject) => {
      const done: Callback = (err, result, fields) => {
        if (err) {
          // A failed statement may have ended the transaction (deadlocks roll it back).
          this.#inTx = undefined;
          reject(this.#mark(err));
          return;
        }
        try {
          resolve(this.#toResult(result, fields));
        } catch (e) {
          reject(e);
        }
      };
      try {
        if (params.length === 0) this.#raw.query(sql, done);
        else this.#raw.execute(sql, this.#params(params), done);
      } catch (err) {
        reject(this.#mark(err));
      }
    });
  }

  /** Runs a statement handing each row to `onRow` as mysql2 parses it (without a callback, it keeps none). */
  #executeRows(sql: string, params: readonly unknown[], onRow: (row: unknown[]) => void): Promise<DriverResult> {
    return new Promise<DriverResult>((resolve, reject) => {
      let cmd: RawCommand;
      try {
        cmd = params.length === 0 ? this.#raw.query(sql) : this.#raw.execute(sql, this.#params(params));
      } catch (err) {
        reject(this.#mark(err));
        return;
      }
      let columns: DriverColumn[] = [];
      let header: RawHeader | undefined;
      let count = 0;
      let failure: unknown;
      let failed = false;
      cmd.on("fields", (fields: RawField[] | undefined) => {
        if (fields) columns = toColumns(fields);
      });
      cmd.on("result", (row: unknown) => {
        if (!Array.isArray(row)) {
          header = row as RawHeader; // a statement without rows: its OK packet
          return;
        }
        if (failure !== undefined) return;
        try {
          onRow(row);
          count++;
        } catch (err) {
          failure = err;
        }
      });
      cmd.on("error", (err: RawError) => {
        failed = true;
        this.#inTx = undefined;
        reject(this.#mark(err));
      });
      cmd.on("end", () => {
        if (failed) return;
        if (header) {
          this.#status(header);
          resolve({ rows: undefined, columns: undefined, rowCount: header.affectedRows ?? 0 });
          return;
        }
        this.#afterRows();
        if (failure !== undefined) reject(failure);
        else resolve({ rows: undefined, columns, rowCount: count });
      });
    });
  }

  async *stream(
    sql: string,
    params: readonly unknown[],
    _hints: ExecuteHints,
    batchSize: number,
  ): AsyncIterable<{ rows: unknown[][]; columns: readonly DriverColumn[] }> {
    if (this.#dead) throw this.#deadError();
    const cmd = params.length === 0 ? this.#raw.query(sql) : this.#raw.execute(sql, this.#params(params));
    let columns: DriverColumn[] = [];
    let failure: unknown;
    cmd.on("fields", (fields: RawField[] | undefined) => {
      if (fields) columns = toColumns(fields);
    });
    // Kept after the stream is gone: errors while the rest of an abandoned result drains must not go unhandled.
    cmd.on("error", (err: unknown) => {
      failure ??= err;
    });
    // The stream pauses the socket when its buffer is full: memory stays flat however many rows arrive.
    const stream = cmd.stream({ highWaterMark: Math.max(16, Math.min(batchSize, 1024)) });
    try {
      let batch: unknown[][] = [];
      for await (const row of stream as AsyncIterable<unknown>) {
        if (!Array.isArray(row)) continue; // the OK packet of a statement without rows
        batch.push(row);
        if (batch.length >= batchSize) {
          yield { rows: batch, columns };
          batch = [];
        }
      }
      if (failure) throw failure;
      if (batch.length) yield { rows: batch, columns };
      this.#afterRows();
    } catch (err) {
      this.#inTx = undefined;
      throw this.#mark(err);
    } finally {
      // Stopping early: mysql2 reads and drops the remaining rows, so the connection stays usable.
      if (!stream.destroyed) stream.destroy();
    }
  }

  inTransaction(): boolean | undefined {
    return this.#dead ? undefined : this.#inTx;
  }

  isAlive(): boolean {
    return this.#dead === undefined;
  }

  ping(): Promise<void> {
    if (this.#dead) return Promise.reject(this.#deadError());
    return new Promise<void>((resolve, reject) => this.#raw.ping((err) => (err ? reject(this.#mark(err)) : resolve())));
  }

  async close(): Promise<void> {
    if (this.#dead) {
      this.#raw.destroy();
      return;
    }
    this.#dead = Object.assign(new Error("the connection was closed by athanor"), { code: "PROTOCOL_CONNECTION_LOST", fatal: true });
    await new Promise<void>((resolve) => {
      // A server that does not answer COM_QUIT promptly gets its socket closed.
      const timer = setTimeout(() => {
        this.#raw.destroy();
        resolve();
      }, 2000);
      this.#raw.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/** Opens mysql2 connections for one database URL. */
export class Mysql2Driver implements Driver {
  constructor(readonly options: Mysql2DriverOptions) {}

  /** Where the server is, for messages. */
  get address(): string {
    const o = this.options;
    return o.socketPath ? `socket ${o.socketPath}` : `${o.host.includes(":") ? `[${o.host}]` : o.host}:${o.port}`;
  }

  async connect(): Promise<DriverConnection> {
    const mysql = loadDriver();
    const o = this.options;
    const config: Record<string, unknown> = {
      ...o.extra,
      host: o.host,
      port: o.port,
      socketPath: o.socketPath,
      user: o.user,
      password: o.password,
      database: o.database,
      charset: o.charset,
      connectTimeout: o.connectTimeoutMs,
      maxPreparedStatements: o.maxPreparedStatements,
      ...FIXED_OPTIONS,
    };
    if (o.ssl !== undefined) config.ssl = o.ssl;
    for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
    let raw: RawConnection;
    try {
      raw = mysql.createConnection(config);
    } catch (err) {
      throw new ConfigurationError(`mysql2 refused the connection settings: ${(err as Error).message}`, { cause: err });
    }
    // Attached before anything can fail and never removed: mysql2 emits connection errors as events,
    // and an 'error' event without a listener would crash the process.
    let early: RawError | undefined;
    raw.on("error", (err: RawError) => {
      early ??= err;
    });
    let serverVersion: string;
    try {
      serverVersion = await new Promise<string>((resolve, reject) => {
        const onError = (err: unknown): void => {
          raw.removeListener("connect", onConnect);
          reject(err);
        };
        const onConnect = (handshake: { serverVersion?: string } | undefined): void => {
          raw.removeListener("error", onError);
          resolve(String(handshake?.serverVersion ?? ""));
        };
        raw.once("error", onError);
        raw.once("connect", onConnect);
      });
    } catch (err) {
      raw.destroy();
      throw this.#connectError(err as RawError);
    }
    // MariaDB prefixes its version with "5.5.5-" in the handshake, for clients of the MySQL 5 era.
    return new Mysql2Connection(raw, mysql, serverVersion.replace(/^5\.5\.5-/, ""), early);
  }

  #connectError(err: RawError): ConnectionError {
    const code = err.code ?? (err.errno === undefined ? undefined : String(err.errno));
    let hint = "check that the server is running and that the URL's host and port are right";
    if (err.errno === 1045 || err.errno === 1698 || code?.startsWith("ER_ACCESS_DENIED"))
      hint = "check the user name and password in the URL";
    else if (err.errno === 1049 || code === "ER_BAD_DB_ERROR")
      hint = "create the database first (CREATE DATABASE …) or fix its name in the URL";
    else if (err.errno === 1040 || code === "ER_CON_COUNT_ERROR")
      hint = "the server has too many connections; lower pool.size or raise max_connections";
    else if (code === "ETIMEDOUT") hint = "the server did not answer in time; check the host, port and firewall, or raise connectTimeoutMs";
    else if (code === "ENOTFOUND" || code === "EAI_AGAIN") hint = "the host name does not resolve; check the URL";
    return new ConnectionError(`could not connect to the MySQL/MariaDB server at ${this.address}: ${err.message}; ${hint}`, {
      cause: err,
      code,
    });
  }
}
