/** The SQLite dialect: capabilities, error translation and introspection for embedded SQLite. */
import { ConnectionError, DatabaseError, IntegrityError, type AthanorError, type IntegrityViolation } from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { BindNode } from "../../sql/nodes/expression-nodes.js";
import type { Capabilities } from "../../sql/compiler/capabilities.js";
import { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { DialectBase } from "../../engine/dialect-base.js";
import type { BindProcessor, DialectOptions, DriverConnection, ExecuteHints, ResultProcessor } from "../../engine/dialect.js";
import { urlOptions, type ParsedUrl } from "../../engine/url.js";
import { SqliteCompiler } from "./sqlite-compiler.js";
import { SqliteDdlCompiler } from "./sqlite-ddl-compiler.js";
import { SqliteTypeCompiler, sqliteBind, sqliteHints, sqliteResult, sqliteUntyped } from "./sqlite-types.js";
import { BetterSqliteDriver } from "./drivers/better-sqlite3.js";
import { SqliteIntrospector } from "./sqlite-introspector.js";
import { SqliteMigrationLock } from "./sqlite-migration-lock.js";
import { SqliteTableRebuild } from "./sqlite-table-rebuild.js";

const BASE_CAPS: Capabilities = {
  insertReturning: true,
  updateReturning: true,
  deleteReturning: true,
  onConflict: true,
  onConflictConstraint: false,
  fullOuterJoin: true,
  rightJoin: true,
  lateral: false,
  distinctOn: false,
  intersectExceptAll: false,
  intersectExcept: true,
  nullsOrdering: true,
  aggregateFilter: true,
  windowFunctions: true,
  recursiveCte: true,
  rowLocking: false,
  skipLocked: false,
  partialIndexes: true,
  expressionIndexes: true,
  nativeEnum: false,
  enumTypes: false,
  nativeUuid: false,
  nativeBoolean: false,
  jsonb: false,
  transactionalDdl: true,
  alterAddConstraint: false,
  alterColumn: false,
  dropColumn: false,
  comments: false,
  savepoints: true,
  batchUpdate: "join",
  embedded: true,
  updateFrom: true,
  deleteUsing: false,
  maxExactDecimalDigits: 15,
  maxBindParams: 32766,
  maxIdentifierLength: 10000,
};

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split(".").map(Number);
  return a > major || (a === major && b >= minor);
}

export class SqliteDialect extends DialectBase {
  readonly name = "sqlite";
  readonly paramStyle = "qmark" as const;
  caps: Capabilities = { ...BASE_CAPS };
  readonly preparer = new IdentifierPreparer('"', BASE_CAPS.maxIdentifierLength, "sqlite");
  readonly typeCompiler = new SqliteTypeCompiler("sqlite", this.preparer);
  readonly introspector = new SqliteIntrospector(this.preparer);
  readonly migrationLock = new SqliteMigrationLock();
  override readonly tableRebuild = new SqliteTableRebuild(this.preparer);
  override readonly singleConnection: boolean;
  override serverFlavor = "sqlite";
  readonly #pragmas: string[] = [];

  constructor(readonly url: ParsedUrl) {
    super();
    this.singleConnection = url.database === ":memory:";
  }

  createCompiler(binds: readonly BindNode[]): SqliteCompiler {
    return new SqliteCompiler(this, binds);
  }

  createDdlCompiler(): SqliteDdlCompiler {
    return new SqliteDdlCompiler(this, () => this.createCompiler([]));
  }

  createDriver(url: ParsedUrl, options: DialectOptions): BetterSqliteDriver {
    const q = urlOptions(url, ["mode", "busy_timeout", "journal_mode", "synchronous"]);
    if (q.mode !== undefined && q.mode !== "ro" && q.mode !== "rw")
      throw new DatabaseError(`SQLite URL option mode must be "ro" or "rw", got ${JSON.stringify(q.mode)}`);
    if (q.journal_mode) {
      if (!/^(delete|truncate|persist|memory|wal|off)$/i.test(q.journal_mode))
        throw new DatabaseError(
          `SQLite journal_mode must be one of delete, truncate, persist, memory, wal, off; got ${JSON.stringify(q.journal_mode)}`,
        );
      this.#pragmas.push(`PRAGMA journal_mode = ${q.journal_mode.toUpperCase()}`);
    }
    if (q.synchronous) {
      if (!/^(off|normal|full|extra)$/i.test(q.synchronous))
        throw new DatabaseError(`SQLite synchronous must be one of off, normal, full, extra; got ${JSON.stringify(q.synchronous)}`);
      this.#pragmas.push(`PRAGMA synchronous = ${q.synchronous.toUpperCase()}`);
    }
    const busy = q.busy_timeout === undefined ? 5000 : Number(q.busy_timeout);
    if (!Number.isSafeInteger(busy) || busy < 0)
      throw new DatabaseError(`SQLite busy_timeout must be a number of milliseconds, got ${JSON.stringify(q.busy_timeout)}`);
    return new BetterSqliteDriver({
      path: url.database ?? ":memory:",
      readonly: q.mode === "ro",
      busyTimeoutMs: busy,
      extra: options.driverOptions ?? {},
    });
  }

  override connectStatements(): readonly string[] {
    // Foreign keys are off by default in SQLite; ON DELETE CASCADE and friends need them on.
    return ["PRAGMA foreign_keys = ON", ...this.#pragmas];
  }

  async initialize(conn: DriverConnection): Promise<void> {
    const v = conn.serverVersion;
    this.caps = {
      ...BASE_CAPS,
      insertReturning: versionAtLeast(v, 3, 35),
      updateReturning: versionAtLeast(v, 3, 35),
      deleteReturning: versionAtLeast(v, 3, 35),
      fullOuterJoin: versionAtLeast(v, 3, 39),
      rightJoin: versionAtLeast(v, 3, 39),
      nullsOrdering: versionAtLeast(v, 3, 30),
      aggregateFilter: versionAtLeast(v, 3, 30),
      updateFrom: versionAtLeast(v, 3, 33),
      dropColumn: versionAtLeast(v, 3, 35),
    };
    this.serverFlavor = `sqlite ${v}`;
  }

  protected bindFor(type: SqlType<unknown>): BindProcessor | undefined {
    return sqliteBind(type);
  }

  protected resultFor(type: SqlType<unknown>, hints: ExecuteHints): ResultProcessor | undefined {
    return sqliteResult(type, hints);
  }

  untypedResultProcessor(): ResultProcessor {
    return sqliteUntyped;
  }

  executeHints(types: readonly (SqlType<unknown> | undefined)[]): ExecuteHints {
    return sqliteHints(types);
  }

  protected override literalFor(v: unknown): string {
    if (typeof v === "boolean") return v ? "1" : "0";
    return super.literalFor(v);
  }

  translateError(error: unknown, sql: string | undefined): AthanorError {
    const code = (error as { code?: string })?.code ?? "";
    const message = (error as Error)?.message ?? String(error);
    if (code.startsWith("SQLITE_CONSTRAINT")) {
      const violation: IntegrityViolation =
        code.endsWith("UNIQUE") || code.endsWith("PRIMARYKEY")
          ? "unique"
          : code.endsWith("FOREIGNKEY")
            ? "foreignKey"
            : code.endsWith("NOTNULL")
              ? "notNull"
              : code.endsWith("CHECK")
                ? "check"
                : "unknown";
      const constraint = violation === "check" ? /CHECK constraint failed: (.+)$/.exec(message)?.[1] : /failed: (.+)$/.exec(message)?.[1];
      return new IntegrityError(`${message} (${violation} violation)`, { sql, code, cause: error, violation, constraint });
    }
    if (code === "SQLITE_CANTOPEN") return new ConnectionError(`${message}: the SQLite file cannot be opened`, { sql, code, cause: error });
    let hint = "";
    if (/no such table/.test(message)) hint = "; create it first (metadata.createAll(engine)) or check the table name";
    else if (/no such column/.test(message)) hint = "; check the column name against the table definition";
    return new DatabaseError(`${message}${hint}${sql ? ` [SQL: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}]` : ""}`, {
      sql,
      code,
      cause: error,
    });
  }

  isDisconnect(): boolean {
    return false;
  }

  async existingTables(conn: DriverConnection, schema: string | undefined): Promise<Set<string>> {
    const master = schema ? `${this.preparer.quote(schema)}.sqlite_master` : "sqlite_master";
    const r = await conn.execute(`SELECT name FROM ${master} WHERE type = 'table'`, [], {});
    return new Set((r.rows ?? []).map((row) => String(row[0])));
  }
}
