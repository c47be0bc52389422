/**
 * The PostgreSQL dialect: capabilities, URL options, session settings, error translation (SQLSTATE
 * to athanor's errors) and catalog lookups. Registered for postgresql:// and postgres:// URLs by
 * index.ts; the engine creates it and calls it, never naming it.
 */
import type { ConnectionOptions } from "node:tls";
import {
  ConfigurationError,
  ConnectionError,
  DatabaseError,
  IntegrityError,
  type AthanorError,
  type IntegrityViolation,
} from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { BindNode } from "../../sql/nodes/expression-nodes.js";
import type { Capabilities } from "../../sql/compiler/capabilities.js";
import { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { DialectBase } from "../../engine/dialect-base.js";
import type { BindProcessor, DialectOptions, DriverColumn, DriverConnection, ExecuteHints, ResultProcessor } from "../../engine/dialect.js";
import { urlOptions, type ParsedUrl } from "../../engine/url.js";
import { PostgresCompiler } from "./postgres-compiler.js";
import { PostgresDdlCompiler } from "./postgres-ddl-compiler.js";
import { PostgresIntrospector } from "./postgres-introspector.js";
import { PostgresMigrationLock } from "./postgres-migration-lock.js";
import { PostgresTypeCompiler, pgBind, pgResult, pgUntyped } from "./postgres-types.js";
import { PgDriver, connectFailure, isDeadConnectionError } from "./drivers/pg.js";

/** What PostgreSQL 15 can express. Every flag holds from PostgreSQL 12 on, so the version only matters to the compiler (MATERIALIZED). */
const PG15_CAPS: Capabilities = {
  insertReturning: true,
  updateReturning: true,
  deleteReturning: true,
  onConflict: true,
  onConflictConstraint: true,
  fullOuterJoin: true,
  rightJoin: true,
  lateral: true,
  distinctOn: true,
  intersectExceptAll: true,
  intersectExcept: true,
  nullsOrdering: true,
  aggregateFilter: true,
  windowFunctions: true,
  recursiveCte: true,
  rowLocking: true,
  skipLocked: true,
  partialIndexes: true,
  expressionIndexes: true,
  nativeEnum: true,
  enumTypes: true,
  nativeUuid: true,
  nativeBoolean: true,
  jsonb: true,
  transactionalDdl: true,
  alterAddConstraint: true,
  alterColumn: true,
  dropColumn: true,
  comments: true,
  savepoints: true,
  batchUpdate: "case",
  embedded: false,
  updateFrom: true,
  deleteUsing: true,
  // Unconstrained NUMERIC keeps up to 131072 digits before the point; declared precisions fail loudly on overflow.
  maxExactDecimalDigits: 131072,
  maxBindParams: 65535,
  maxIdentifierLength: 63,
};

const URL_OPTIONS = ["sslmode", "application_name", "options", "search_path", "host"] as const;

/** SQLSTATEs of constraint violations. */
const VIOLATIONS: Readonly<Record<string, IntegrityViolation>> = {
  "23505": "unique",
  "23503": "foreignKey",
  "23001": "foreignKey",
  "23502": "notNull",
  "23514": "check",
};

/** SQLSTATEs (and socket codes) meaning the connection is gone. */
const DISCONNECT_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006", "ECONNRESET", "EPIPE"]);
const DISCONNECT_MESSAGE = /Connection terminated|not queryable|Client was closed/;
/** Codes of failures to reach the server at all. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "28P01",
  "28000",
  "3D000",
]);

/** Extra advice for some SQLSTATEs. */
const HINTS: Readonly<Record<string, string>> = {
  "42P01": "create the table first (metadata.createAll(engine)) or check its name and schema",
  "42703": "check the column name against the table definition",
  "40001": "the transaction lost a serialization conflict; run it again",
  "40P01": "the transaction was chosen as a deadlock victim; run it again",
  "25P02": "an earlier statement of this transaction failed; roll back (or to a savepoint) before running more",
  "42P18":
    "PostgreSQL cannot tell a parameter's type here; give the value a type: literal(value, Integer), bindParam(name, Integer) or expr.cast(Integer)",
  "42725":
    "PostgreSQL cannot tell the parameters' types here; give the values a type: literal(value, Integer), bindParam(name, Integer) or expr.cast(Integer)",
};

/** pg's `ssl` setting for a libpq-style sslmode. */
function sslFor(mode: string | undefined, url: ParsedUrl): boolean | ConnectionOptions {
  switch (mode) {
    case undefined:
    case "disable":
      return false;
    // As in libpq: encrypted, but the certificate is not checked.
    case "require":
    case "no-verify":
      return { rejectUnauthorized: false };
    case "verify-ca":
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { rejectUnauthorized: true };
    default:
      throw new ConfigurationError(
        `database URL ${url.masked}: sslmode=${mode} is not supported; use disable, require, no-verify, verify-ca or verify-full (pg cannot fall back between TLS and plain connections, so allow/prefer are refused)`,
      );
  }
}

const SEARCH_PATH = /^[A-Za-z_][A-Za-z0-9_$]*(,[A-Za-z_][A-Za-z0-9_$]*)*$/;

/** The startup `options` string from the URL's `options` and `search_path`. */
function startupOptions(q: Record<string, string>, url: ParsedUrl): string | undefined {
  const parts: string[] = [];
  if (q.options !== undefined) parts.push(q.options);
  if (q.search_path !== undefined) {
    const path = q.search_path.replace(/\s+/g, "");
    if (!SEARCH_PATH.test(path))
      throw new ConfigurationError(
        `database URL ${url.masked}: search_path must be a comma-separated list of plain schema names (letters, digits, _ and $), got ${JSON.stringify(q.search_path)}; for anything else use options=-c%20search_path%3D…`,
      );
    parts.push(`-c search_path=${path}`);
  }
  return parts.length ? parts.join(" ") : undefined;
}

/** A plain-text excerpt of a statement for messages. */
function sqlExcerpt(sql: string | undefined): string {
  if (!sql) return "";
  return ` [SQL: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}]`;
}

/** Fields a pg server error carries. */
interface PgServerError {
  readonly message?: string;
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  readonly constraint?: string;
  readonly table?: string;
  readonly column?: string;
}

/**
 * The PostgreSQL dialect (PostgreSQL 12 and later; capabilities describe 15).
 * @example
 * const engine = createEngine("postgresql://app:secret@localhost:5432/app?application_name=api");
 */
export class PostgresDialect extends DialectBase {
  readonly name = "postgresql";
  readonly paramStyle = "numeric" as const;
  caps: Capabilities = { ...PG15_CAPS };
  readonly preparer = new IdentifierPreparer('"', PG15_CAPS.maxIdentifierLength, "PostgreSQL");
  readonly typeCompiler = new PostgresTypeCompiler("postgresql", this.preparer);
  /** Reads the live schema (current_schema()) for reflection. */
  readonly introspector = new PostgresIntrospector();
  readonly migrationLock = new PostgresMigrationLock();
  override serverFlavor = "postgresql";
  /** `server_version_num` of the server, once the first connection reported it. */
  serverVersionNum: number | undefined;

  constructor(readonly url: ParsedUrl) {
    super();
  }

  createCompiler(binds: readonly BindNode[]): PostgresCompiler {
    return new PostgresCompiler(this, binds);
  }

  createDdlCompiler(): PostgresDdlCompiler {
    return new PostgresDdlCompiler(this, () => this.createCompiler([]));
  }

  createDriver(url: ParsedUrl, options: DialectOptions): PgDriver {
    const q = urlOptions(url, URL_OPTIONS);
    return new PgDriver({
      host: q.host ?? url.host,
      port: url.port,
      user: url.username,
      password: url.password,
      database: url.database,
      ssl: sslFor(q.sslmode, url),
      applicationName: q.application_name,
      options: startupOptions(q, url),
      connectTimeoutMs: options.connectTimeoutMs,
      masked: url.masked,
      extra: options.driverOptions ?? {},
    });
  }

  /**
   * Session settings on every connection: naive TIMESTAMP columns hold UTC wall time, timestamps
   * are read in ISO format, and string literals in DDL are standard (backslashes are plain).
   */
  override connectStatements(): readonly string[] {
    return ["SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET standard_conforming_strings = on"];
  }

  async initialize(conn: DriverConnection): Promise<void> {
    const r = await conn.execute("SHOW server_version_num", [], {});
    const num = Number(r.rows?.[0]?.[0]);
    if (!Number.isSafeInteger(num)) return;
    this.serverVersionNum = num;
    this.serverFlavor = `postgresql ${Math.floor(num / 10000)}.${num % 10000}`;
  }

  protected bindFor(type: SqlType<unknown>): BindProcessor | undefined {
    return pgBind(type);
  }

  protected resultFor(type: SqlType<unknown>): ResultProcessor | undefined {
    return pgResult(type);
  }

  untypedResultProcessor(column: DriverColumn): ResultProcessor | undefined {
    return pgUntyped(column);
  }

  executeHints(): ExecuteHints {
    return NO_HINTS;
  }

  /** Binary literals in DDL: PostgreSQL's `X'…'` is a bit string, so spell bytea hex instead. */
  protected override literalFor(v: unknown): string {
    if (Buffer.isBuffer(v)) return `'\\x${v.toString("hex")}'::bytea`;
    if (v instanceof Uint8Array) return this.literalFor(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    return super.literalFor(v);
  }

  translateError(error: unknown, sql: string | undefined): AthanorError {
    const e = (error ?? {}) as PgServerError;
    const code = typeof e.code === "string" ? e.code : undefined;
    const message = e.message || String(error);
    const violation = code === undefined ? undefined : (VIOLATIONS[code] ?? (code === "23P01" ? "unknown" : undefined));
    if (violation !== undefined) {
      const on = e.constraint ? ` on constraint ${e.constraint}` : e.column ? ` on column ${e.table ? `${e.table}.` : ""}${e.column}` : "";
      const detail = e.detail ? `: ${e.detail}` : "";
      return new IntegrityError(`${message} (${violation} violation${on})${detail}${sqlExcerpt(sql)}`, {
        sql,
        code,
        cause: error,
        violation,
        constraint: e.constraint,
      });
    }
    if (code !== undefined && UNREACHABLE_CODES.has(code)) return connectFailure(error, this.#target());
    if (this.isDisconnect(error) || /timeout expired|connection timeout/i.test(message))
      return new ConnectionError(
        `the connection to PostgreSQL failed: ${message}; get a new connection and run the work again${sqlExcerpt(sql)}`,
        {
          sql,
          code,
          cause: error,
        },
      );
    const hint = (code !== undefined ? HINTS[code] : undefined) ?? e.hint;
    const detail = e.detail ? ` (${e.detail})` : "";
    return new DatabaseError(`${message}${detail}${code ? ` (SQLSTATE ${code})` : ""}${hint ? `; ${hint}` : ""}${sqlExcerpt(sql)}`, {
      sql,
      code,
      cause: error,
    });
  }

  #target(): Parameters<typeof connectFailure>[1] {
    const u = this.url;
    return {
      host: u.query.host ?? u.host,
      port: u.port,
      user: u.username,
      database: u.database,
      masked: u.masked,
      connectTimeoutMs: undefined,
    };
  }

  isDisconnect(error: unknown): boolean {
    if (isDeadConnectionError(error)) return true;
    const e = error as { code?: unknown; message?: unknown } | null | undefined;
    if (typeof e?.code === "string" && DISCONNECT_CODES.has(e.code)) return true;
    return typeof e?.message === "string" && DISCONNECT_MESSAGE.test(e.message);
  }

  async existingTables(conn: DriverConnection, schema: string | undefined): Promise<Set<string>> {
    const r = await conn.execute(
      "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname = COALESCE($1, current_schema())",
      [schema ?? null],
      {},
    );
    return new Set((r.rows ?? []).map((row) => String(row[0])));
  }

  override async existingEnumTypes(conn: DriverConnection, schema: string | undefined): Promise<Set<string>> {
    const r = await conn.execute(
      "SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
        "WHERE t.typtype = 'e' AND n.nspname = COALESCE($1, current_schema())",
      [schema ?? null],
      {},
    );
    return new Set((r.rows ?? []).map((row) => String(row[0])));
  }
}

const NO_HINTS: ExecuteHints = Object.freeze({});
