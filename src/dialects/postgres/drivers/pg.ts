/**
 * The node-postgres driver: one `pg.Client` per pooled connection (the engine pools, not pg),
 * rows as arrays, temporal/BIGINT/NUMERIC values left as text for athanor's processors, and
 * streaming through pg-cursor. pg is loaded on first connect and pg-cursor on first stream, so
 * users of other databases never need them installed.
 */
import { createRequire } from "node:module";
import type { ConnectionOptions } from "node:tls";
import { ConfigurationError, ConnectionError } from "../../../util/errors.js";
import type { Driver, DriverColumn, DriverConnection, DriverResult, ExecuteHints } from "../../../engine/dialect.js";
import { PG_OID } from "../postgres-types.js";

type PgModule = typeof import("pg");
type PgClient = import("pg").Client;
type PgField = import("pg").FieldDef;
type CursorClass = typeof import("pg-cursor");
type PgCursor = InstanceType<CursorClass>;

/** Connection settings for PostgreSQL, resolved from the URL by the dialect. */
export interface PgDriverOptions {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string | undefined;
  /** pg's `ssl` option: false, or TLS settings. */
  readonly ssl: boolean | ConnectionOptions;
  readonly applicationName: string | undefined;
  /** Startup `options` (e.g. `-c search_path=app`). */
  readonly options: string | undefined;
  readonly connectTimeoutMs: number | undefined;
  /** The URL with its password masked, for messages. */
  readonly masked: string;
  /** Options handed to pg.Client as they are. */
  readonly extra: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
let pgModule: PgModule | undefined;
let cursorClass: CursorClass | undefined;

function loadPg(): PgModule {
  if (pgModule) return pgModule;
  try {
    pgModule = require("pg") as PgModule;
  } catch (err) {
    throw new ConfigurationError("PostgreSQL needs the pg package: npm install pg", { cause: err });
  }
  return pgModule;
}

function loadCursor(): CursorClass {
  if (cursorClass) return cursorClass;
  try {
    cursorClass = require("pg-cursor") as CursorClass;
  } catch (err) {
    throw new ConfigurationError("streaming from PostgreSQL needs the pg-cursor package: npm install pg-cursor", { cause: err });
  }
  return cursorClass;
}

const RAW_TEXT = new Set<number>(Object.values(PG_OID));
const asText = (value: string): string => value;

type TypeParsers = { getTypeParser: PgModule["types"]["getTypeParser"] };
let parsers: TypeParsers | undefined;

/** pg's type parsers, except that the types athanor converts itself stay text. */
function typeParsers(pg: PgModule): TypeParsers {
  if (parsers) return parsers;
  const fallback = pg.types.getTypeParser;
  const getTypeParser = ((oid: number, format?: "text" | "binary") =>
    RAW_TEXT.has(oid) ? asText : fallback(oid, format as "text")) as PgModule["types"]["getTypeParser"];
  return (parsers = { getTypeParser });
}

/** Errors raised by connections already known to be dead (see {@link isDeadConnectionError}). */
const deadErrors = new WeakSet<object>();

/** Whether an error came from a pg connection that had already died (the dialect's isDisconnect asks). */
export function isDeadConnectionError(err: unknown): boolean {
  return typeof err === "object" && err !== null && deadErrors.has(err);
}

function markDead(err: unknown): void {
  if (typeof err === "object" && err !== null) deadErrors.add(err);
}

function columnsOf(fields: readonly PgField[]): DriverColumn[] {
  return fields.map((f) => ({ name: f.name, typeId: f.dataTypeID }));
}

interface ArrayResult {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: unknown[][];
  readonly fields: PgField[];
}

class PgConnection implements DriverConnection {
  readonly #client: PgClient;
  readonly #types: TypeParsers;
  /** Why the connection died (socket error, server shutdown, backend terminated); undefined while alive. */
  #dead: Error | undefined;
  serverVersion = "";

  constructor(client: PgClient, types: TypeParsers) {
    this.#client = client;
    this.#types = types;
    // Without a listener, an idle client whose backend is killed would crash the process.
    client.on("error", (err) => {
      this.#dead ??= err;
    });
    client.on("end", () => {
      this.#dead ??= new Error("Connection terminated");
    });
    const wire = (
      client as unknown as {
        connection?: { on(event: string, fn: (msg: { parameterName: string; parameterValue: string }) => void): void };
      }
    ).connection;
    wire?.on("parameterStatus", (msg) => {
      if (msg.parameterName === "server_version") this.serverVersion = msg.parameterValue;
    });
  }

  /** Refuses work on a dead connection with an error the dialect recognises as a disconnect. */
  #checkAlive(): void {
    if (this.#dead === undefined) return;
    const err = new Error(`the PostgreSQL connection is closed (${this.#dead.message})`, { cause: this.#dead });
    markDead(err);
    throw err;
  }

  #failed(err: unknown): unknown {
    if (this.#dead !== undefined) markDead(err);
    return err;
  }

  async execute(sql: string, params: readonly unknown[], hints: ExecuteHints): Promise<DriverResult> {
    this.#checkAlive();
    if (hints.onRow) return this.#executeRows(sql, params, hints.onRow);
    let res: ArrayResult | ArrayResult[];
    try {
      res = (await this.#client.query({ text: sql, values: params as unknown[], rowMode: "array", types: this.#types })) as unknown as
        ArrayResult | ArrayResult[];
    } catch (err) {
      throw this.#failed(err);
    }
    // Several statements in one text (no parameters) give one result each; the last one counts.
    const r = Array.isArray(res) ? res[res.length - 1]! : res;
    const hasRows = r.fields.length > 0 || r.command === "SELECT";
    return {
      rows: hasRows ? r.rows : undefined,
      columns: hasRows ? columnsOf(r.fields) : undefined,
      rowCount: r.rowCount ?? r.rows.length,
    };
  }

  /** Runs a statement handing each row to `onRow` as pg parses it (pg then keeps no rows). */
  #executeRows(sql: string, params: readonly unknown[], onRow: (row: unknown[]) => void): Promise<DriverResult> {
    const pg = loadPg();
    return new Promise<DriverResult>((resolve, reject) => {
      // @types/pg leaves rowMode out of Query's config; pg reads it there as in client.query().
      const config = { text: sql, values: params as unknown[], rowMode: "array", types: this.#types };
      const query = new pg.Query(config as ConstructorParameters<PgModule["Query"]>[0]);
      let count = 0;
      let failure: unknown;
      query.on("row", (row: unknown[]) => {
        if (failure !== undefined) return;
        try {
          onRow(row);
          count++;
        } catch (err) {
          failure = err;
        }
      });
      query.on("error", (err: unknown) => reject(this.#failed(err)));
      query.on("end", (res: ArrayResult) => {
        if (failure !== undefined) reject(failure);
        else resolve({ rows: undefined, columns: columnsOf(res.fields), rowCount: count });
      });
      this.#client.query(query);
    });
  }

  async *stream(
    sql: string,
    params: readonly unknown[],
    _hints: ExecuteHints,
    batchSize: number,
  ): AsyncIterable<{ rows: unknown[][]; columns: readonly DriverColumn[] }> {
    const Cursor = loadCursor();
    this.#checkAlive();
    const cursor: PgCursor = this.#client.query(new Cursor(sql, params as unknown[], { rowMode: "array", types: this.#types }));
    let failed = false;
    try {
      for (;;) {
        let batch: { rows: unknown[][]; fields: PgField[] };
        try {
          batch = await readBatch(cursor, batchSize);
        } catch (err) {
          failed = true;
          throw this.#failed(err);
        }
        if (batch.rows.length > 0) yield { rows: batch.rows, columns: columnsOf(batch.fields) };
        // A short batch means the portal is exhausted.
        if (batch.rows.length < batchSize) break;
      }
    } finally {
      // After an error pg-cursor has already synced; a dead connection has nothing to close.
      if (!failed && this.#dead === undefined) await cursor.close();
    }
  }

  inTransaction(): boolean | undefined {
    if (this.#dead !== undefined) return undefined;
    const status = this.#client.getTransactionStatus();
    if (status === null) return undefined;
    return status !== "I";
  }

  isAlive(): boolean {
    return this.#dead === undefined;
  }

  async ping(): Promise<void> {
    await this.execute("SELECT 1", [], {});
  }

  async close(): Promise<void> {
    try {
      await this.#client.end();
    } catch {
      // Closing a connection that already died is best effort.
    }
  }
}

function readBatch(cursor: PgCursor, n: number): Promise<{ rows: unknown[][]; fields: PgField[] }> {
  return new Promise((resolve, reject) => {
    cursor.read(n, (err, rows, result) => (err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] })));
  });
}

/** The node error code of a connect failure (Node reports several addresses as an AggregateError). */
function socketCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; errors?: Array<{ code?: unknown }> };
  if (typeof e?.code === "string") return e.code;
  const inner = e?.errors?.find((x) => typeof x?.code === "string")?.code;
  return typeof inner === "string" ? inner : undefined;
}

/** A ConnectionError naming where athanor tried to connect and what to check. */
export function connectFailure(
  err: unknown,
  o: Pick<PgDriverOptions, "host" | "port" | "user" | "database" | "masked" | "connectTimeoutMs">,
): ConnectionError {
  const code = socketCode(err);
  const where = `${o.host ?? "localhost"}:${o.port ?? 5432}`;
  const message = (err as Error)?.message || (err as { errors?: Error[] })?.errors?.[0]?.message || String(err);
  let advice: string;
  switch (code) {
    case "28P01":
    case "28000":
      advice = `check the user name${o.user ? ` (${o.user})` : ""} and password in the URL, and the server's pg_hba.conf`;
      break;
    case "3D000":
      advice = `create the database ${JSON.stringify(o.database ?? "")} or fix its name in the URL`;
      break;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      advice = `the host name ${JSON.stringify(o.host ?? "localhost")} does not resolve; check the host in the URL`;
      break;
    default:
      advice = /timeout/i.test(message)
        ? `no answer within ${o.connectTimeoutMs ?? "the"} ms; check that the server is running and reachable, that the URL is right, or raise connectTimeoutMs`
        : "check that the PostgreSQL server is running and accepting connections there, and that the URL is right";
  }
  return new ConnectionError(`could not connect to PostgreSQL at ${where} (${o.masked}): ${message}; ${advice}`, { cause: err, code });
}

/** Opens one pg.Client per connection the engine's pool asks for. */
export class PgDriver implements Driver {
  constructor(readonly options: PgDriverOptions) {}

  async connect(): Promise<DriverConnection> {
    const pg = loadPg();
    const o = this.options;
    const client = new pg.Client({
      host: o.host,
      port: o.port,
      user: o.user,
      password: o.password,
      database: o.database,
      ssl: o.ssl,
      application_name: o.applicationName,
      options: o.options,
      connectionTimeoutMillis: o.connectTimeoutMs,
      ...o.extra,
    });
    const conn = new PgConnection(client, typeParsers(pg));
    try {
      await client.connect();
    } catch (err) {
      await conn.close();
      throw connectFailure(err, o);
    }
    // The server reports its version while the connection starts; ask only if it did not.
    if (conn.serverVersion === "") {
      try {
        const r = await conn.execute("SHOW server_version", [], {});
        conn.serverVersion = String(r.rows?.[0]?.[0] ?? "");
      } catch (err) {
        await conn.close();
        throw err;
      }
    }
    return conn;
  }
}
