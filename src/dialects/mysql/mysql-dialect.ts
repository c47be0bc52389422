/**
 * The MySQL/MariaDB dialect: capabilities per server flavour and version, strict UTC sessions,
 * URL options and introspection. Registered for `mysql://` and `mariadb://` URLs by index.ts.
 */
import { ConfigurationError, type AthanorError } from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { BindNode } from "../../sql/nodes/expression-nodes.js";
import type { Capabilities } from "../../sql/compiler/capabilities.js";
import { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { DialectBase } from "../../engine/dialect-base.js";
import type { BindProcessor, DialectOptions, DriverColumn, DriverConnection, ExecuteHints, ResultProcessor } from "../../engine/dialect.js";
import { urlOptions, type ParsedUrl } from "../../engine/url.js";
import { MySqlCompiler, type MySqlCompilerDialect } from "./mysql-compiler.js";
import { MySqlDdlCompiler } from "./mysql-ddl-compiler.js";
import { MySqlIntrospector } from "./mysql-introspector.js";
import { MySqlMigrationLock } from "./mysql-migration-lock.js";
import { DecimalParam, MySqlTypeCompiler, mysqlBind, mysqlResult, mysqlStringLiteral, mysqlUntyped } from "./mysql-types.js";
import { isMysqlDisconnect, translateMysqlError } from "./mysql-errors.js";
import { Mysql2Driver } from "./drivers/mysql2.js";

/** Capabilities every supported server shares; version-dependent ones are set by applyServerVersion. */
const COMMON_CAPS: Capabilities = {
  insertReturning: false,
  updateReturning: false,
  deleteReturning: false,
  onConflict: false,
  onConflictConstraint: false,
  fullOuterJoin: false,
  rightJoin: true,
  lateral: false,
  distinctOn: false,
  intersectExceptAll: false,
  intersectExcept: false,
  nullsOrdering: false,
  aggregateFilter: false,
  windowFunctions: true,
  recursiveCte: true,
  rowLocking: true,
  skipLocked: false,
  partialIndexes: false,
  expressionIndexes: false,
  nativeEnum: true,
  enumTypes: false,
  nativeUuid: false,
  nativeBoolean: false,
  jsonb: false,
  transactionalDdl: false,
  alterAddConstraint: true,
  alterColumn: true,
  dropColumn: true,
  comments: true,
  savepoints: true,
  batchUpdate: "join",
  embedded: false,
  updateFrom: true,
  deleteUsing: true,
  maxExactDecimalDigits: 65,
  maxBindParams: 65535,
  maxIdentifierLength: 64,
};

/** Versions assumed before the first connection reports the real one (compile-only use). */
const ASSUMED_VERSION = { mysql: "8.0.36", mariadb: "10.11.0-MariaDB" } as const;

/** Whether a dotted version string is at least major.minor.patch. */
function atLeast(version: string, major: number, minor = 0, patch = 0): boolean {
  const [a = 0, b = 0, c = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1) ?? ["0", "0", "0"]).map(Number);
  if (a !== major) return a > major;
  if (b !== minor) return b > minor;
  return c >= patch;
}

/**
 * Session settings: UTC for DATETIME values, and a strict sql_mode so bad values fail instead of
 * being truncated (NO_AUTO_VALUE_ON_ZERO: an explicit id 0 is stored, as elsewhere, not replaced).
 * The server's other modes are kept, except those that change how athanor's SQL reads (quotes,
 * backslash escapes, NOT precedence, '' as NULL) and the compound modes implying them.
 */
const SESSION_STATEMENTS: readonly string[] = [
  "SET SESSION time_zone = '+00:00'",
  (() => {
    let mode = "CONCAT(',', @@SESSION.sql_mode, ',')";
    const drop = [
      "NO_BACKSLASH_ESCAPES",
      "ANSI_QUOTES",
      "HIGH_NOT_PRECEDENCE",
      "PIPES_AS_CONCAT",
      "EMPTY_STRING_IS_NULL",
      "PAD_CHAR_TO_FULL_LENGTH",
      "ANSI",
      "ORACLE",
      "MSSQL",
      "DB2",
      "POSTGRESQL",
      "MAXDB",
    ];
    for (const m of drop) mode = `REPLACE(${mode}, ',${m},', ',')`;
    const add = "STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_VALUE_ON_ZERO";
    return `SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(${mode}, '${add}'))`;
  })(),
];

const URL_OPTIONS = ["ssl", "charset", "connectTimeout", "socketPath", "maxPreparedStatements"];

/**
 * The dialect behind `mysql://` and `mariadb://` URLs. The scheme only sets what is assumed before
 * the first connection; the server's reported version decides flavour and capabilities.
 * @example
 * const engine = createEngine("mysql://app:secret@localhost:3306/app?ssl=true");
 * const offline = new MySqlDialect(parseUrl("mariadb://x/y")); // compile without a server
 */
export class MySqlDialect extends DialectBase implements MySqlCompilerDialect {
  readonly name = "mysql";
  readonly paramStyle = "qmark" as const;
  caps: Capabilities = COMMON_CAPS;
  readonly preparer = new IdentifierPreparer("`", COMMON_CAPS.maxIdentifierLength, "MySQL");
  readonly typeCompiler = new MySqlTypeCompiler("MySQL", this.preparer, () => this.isMariaDb);
  readonly introspector = new MySqlIntrospector();
  readonly migrationLock = new MySqlMigrationLock();
  override serverFlavor: "mysql" | "mariadb";
  /** MySQL reports the first AUTO_INCREMENT value a multi-row INSERT generated. */
  override readonly insertIdIsFirstRow = true;
  /** The server's version (assumed from the URL scheme until the first connection reports it). */
  serverVersion = "";
  /** The server is MariaDB rather than MySQL. */
  isMariaDb = false;
  /** ON DUPLICATE KEY UPDATE may name the proposed row with a row alias (MySQL 8.0.19+). */
  rowAliasUpsert = false;
  /** `FOR SHARE` exists (MySQL 8.0.1+); otherwise `LOCK IN SHARE MODE` is used. */
  forShare = false;
  /** `WITH …` may precede UPDATE and DELETE (MySQL 8). */
  cteBeforeDml = false;

  constructor(readonly url: ParsedUrl) {
    super();
    this.serverFlavor = url.scheme === "mariadb" ? "mariadb" : "mysql";
    this.applyServerVersion(ASSUMED_VERSION[this.serverFlavor]);
  }

  /** "MariaDB 10.11" / "MySQL 8.0", for messages. */
  get serverLabel(): string {
    const v = /^(\d+\.\d+)/.exec(this.serverVersion)?.[1] ?? "";
    return `${this.isMariaDb ? "MariaDB" : "MySQL"} ${v}`.trim();
  }

  /**
   * Sets flavour and capabilities from a server version string such as "8.0.36" or
   * "10.11.6-MariaDB". Called by initialize(); callable directly to compile for a given server
   * without connecting (offline SQL).
   */
  applyServerVersion(version: string): void {
    const mariadb = /mariadb/i.test(version);
    this.serverVersion = version;
    this.isMariaDb = mariadb;
    this.serverFlavor = mariadb ? "mariadb" : "mysql";
    if (mariadb) {
      this.caps = {
        ...COMMON_CAPS,
        insertReturning: atLeast(version, 10, 5),
        deleteReturning: atLeast(version, 10, 0, 5),
        intersectExcept: atLeast(version, 10, 3),
        intersectExceptAll: atLeast(version, 10, 5),
        windowFunctions: atLeast(version, 10, 2),
        recursiveCte: atLeast(version, 10, 2, 2),
        skipLocked: atLeast(version, 10, 6),
      };
      this.rowAliasUpsert = false;
      this.forShare = false;
      this.cteBeforeDml = false;
    } else {
      this.caps = {
        ...COMMON_CAPS,
        lateral: atLeast(version, 8, 0, 14),
        intersectExcept: atLeast(version, 8, 0, 31),
        intersectExceptAll: atLeast(version, 8, 0, 31),
        windowFunctions: atLeast(version, 8),
        recursiveCte: atLeast(version, 8),
        skipLocked: atLeast(version, 8, 0, 1),
        expressionIndexes: atLeast(version, 8, 0, 13),
      };
      this.rowAliasUpsert = atLeast(version, 8, 0, 19);
      this.forShare = atLeast(version, 8, 0, 1);
      this.cteBeforeDml = atLeast(version, 8);
    }
  }

  createCompiler(binds: readonly BindNode[]): MySqlCompiler {
    return new MySqlCompiler(this, binds);
  }

  createDdlCompiler(): MySqlDdlCompiler {
    return new MySqlDdlCompiler(this, () => this.createCompiler([]));
  }

  createDriver(url: ParsedUrl, options: DialectOptions): Mysql2Driver {
    const q = urlOptions(url, URL_OPTIONS);
    const charset = q.charset ?? "utf8mb4";
    if (!/^utf8mb4(_[a-z0-9_]+)?$/i.test(charset))
      throw new ConfigurationError(
        `database URL ${url.masked}: charset must be utf8mb4 or a utf8mb4 collation (e.g. utf8mb4_unicode_ci), got ${JSON.stringify(charset)}; other character sets cannot hold every string athanor accepts`,
      );
    let ssl: Record<string, unknown> | undefined;
    switch ((q.ssl ?? "false").toLowerCase()) {
      case "false":
      case "disabled":
        ssl = undefined;
        break;
      case "true":
      case "required":
        ssl = {};
        break;
      case "skip-verify":
        ssl = { rejectUnauthorized: false };
        break;
      default:
        throw new ConfigurationError(
          `database URL ${url.masked}: ssl must be true (verify the server certificate), skip-verify or false; got ${JSON.stringify(q.ssl)}`,
        );
    }
    const timeout = q.connectTimeout === undefined ? (options.connectTimeoutMs ?? 10_000) : Number(q.connectTimeout);
    if (!Number.isSafeInteger(timeout) || timeout <= 0)
      throw new ConfigurationError(
        `database URL ${url.masked}: connectTimeout must be a positive number of milliseconds, got ${JSON.stringify(q.connectTimeout)}`,
      );
    const maxPrepared = q.maxPreparedStatements === undefined ? 256 : Number(q.maxPreparedStatements);
    if (!Number.isSafeInteger(maxPrepared) || maxPrepared < 1)
      throw new ConfigurationError(
        `database URL ${url.masked}: maxPreparedStatements must be a positive integer (prepared statements kept open per connection), got ${JSON.stringify(q.maxPreparedStatements)}`,
      );
    const extra = { ...(options.driverOptions ?? {}) };
    for (const fixed of [
      "supportBigNumbers",
      "bigNumberStrings",
      "dateStrings",
      "jsonStrings",
      "decimalNumbers",
      "timezone",
      "rowsAsArray",
      "multipleStatements",
      "namedPlaceholders",
      "typeCast",
      "queryFormat",
    ])
      if (fixed in extra)
        throw new ConfigurationError(
          `driverOptions.${fixed} cannot be changed for MySQL: athanor's value conversions rely on its own setting; remove it`,
        );
    return new Mysql2Driver({
      host: url.host ?? "localhost",
      port: url.port ?? 3306,
      socketPath: q.socketPath,
      user: url.username,
      password: url.password,
      database: url.database,
      ssl,
      charset,
      connectTimeoutMs: timeout,
      maxPreparedStatements: maxPrepared,
      extra,
    });
  }

  override connectStatements(): readonly string[] {
    return SESSION_STATEMENTS;
  }

  async initialize(conn: DriverConnection): Promise<void> {
    let version = conn.serverVersion;
    if (!version) {
      const r = await conn.execute("SELECT VERSION()", [], {});
      version = String(r.rows?.[0]?.[0] ?? "");
    }
    this.applyServerVersion(version);
  }

  override beginSql(): string {
    return "START TRANSACTION";
  }

  protected bindFor(type: SqlType<unknown>): BindProcessor | undefined {
    return mysqlBind(type);
  }

  protected resultFor(type: SqlType<unknown>, _hints: ExecuteHints): ResultProcessor | undefined {
    return mysqlResult(type);
  }

  untypedResultProcessor(column: DriverColumn): ResultProcessor | undefined {
    return mysqlUntyped(column);
  }

  executeHints(_types: readonly (SqlType<unknown> | undefined)[]): ExecuteHints {
    // mysql2 always returns BIGINT and DECIMAL as strings: no per-statement switch is needed.
    return NO_HINTS;
  }

  protected override stringLiteral(text: string): string {
    return mysqlStringLiteral(text);
  }

  protected override literalFor(v: unknown): string {
    if (v instanceof DecimalParam) return /^[+-]?\d+(\.\d+)?$/.test(v.text) ? v.text : mysqlStringLiteral(v.text);
    if (typeof v === "boolean") return v ? "1" : "0";
    return super.literalFor(v);
  }

  translateError(error: unknown, sql: string | undefined): AthanorError {
    return translateMysqlError(error, sql, this.isMariaDb);
  }

  isDisconnect(error: unknown): boolean {
    return isMysqlDisconnect(error);
  }

  async existingTables(conn: DriverConnection, schema: string | undefined): Promise<Set<string>> {
    const r = await conn.execute(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_type IN ('BASE TABLE', 'SYSTEM VERSIONED')",
      [schema ?? null],
      {},
    );
    return new Set((r.rows ?? []).map((row) => String(row[0])));
  }
}

const NO_HINTS: ExecuteHints = Object.freeze({});
