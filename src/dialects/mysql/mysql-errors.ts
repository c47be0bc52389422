/**
 * Translates mysql2 and server errors into athanor's hierarchy (integrity violations with their
 * constraint names, data errors from strict mode, connection errors) and tells disconnects apart.
 * Called by MySqlDialect only.
 */
import { ConnectionError, DatabaseError, IntegrityError, AthanorError, type IntegrityViolation } from "../../util/errors.js";
import { CONNECTION_DEAD } from "./drivers/mysql2.js";

/** MySQL/MariaDB error numbers athanor reports specially. */
const ER = {
  DUP_ENTRY: 1062,
  ROW_IS_REFERENCED: 1451,
  NO_REFERENCED_ROW: 1452,
  ROW_IS_REFERENCED_OLD: 1217,
  NO_REFERENCED_ROW_OLD: 1216,
  BAD_NULL: 1048,
  NO_DEFAULT_FOR_FIELD: 1364,
  CHECK_MYSQL: 3819,
  CHECK_MARIADB: 4025,
  OUT_OF_RANGE: 1264,
  DATA_TOO_LONG: 1406,
  TRUNCATED_WRONG_VALUE: 1292,
  TRUNCATED_WRONG_VALUE_FOR_FIELD: 1366,
  WARN_DATA_TRUNCATED: 1265,
  DATA_OUT_OF_RANGE: 1690,
  DIVISION_BY_ZERO: 1365,
  INVALID_JSON: 3140,
  NO_SUCH_TABLE: 1146,
  BAD_FIELD: 1054,
  PARSE_ERROR: 1064,
  LOCK_WAIT_TIMEOUT: 1205,
  LOCK_DEADLOCK: 1213,
  LOCK_NOWAIT: 3572,
  BLOB_KEY_WITHOUT_LENGTH: 1170,
  UNSUPPORTED_PS: 1295,
  CONNECTION_KILLED: 1927,
  SERVER_SHUTDOWN: 1053,
  SERVER_GONE: 2006,
  SERVER_LOST: 2013,
  CLIENT_INTERACTION_TIMEOUT: 4031,
  ACCESS_DENIED: 1045,
  ACCESS_DENIED_NO_PASSWORD: 1698,
  BAD_DB: 1049,
  CON_COUNT: 1040,
} as const;

const DISCONNECT_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CONNECTION_KILLED",
]);
const DISCONNECT_ERRNOS = new Set<number>([
  ER.SERVER_GONE,
  ER.SERVER_LOST,
  ER.CONNECTION_KILLED,
  ER.SERVER_SHUTDOWN,
  ER.CLIENT_INTERACTION_TIMEOUT,
]);
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
]);
const CONNECT_ERRNOS = new Set<number>([ER.ACCESS_DENIED, ER.ACCESS_DENIED_NO_PASSWORD, ER.BAD_DB, ER.CON_COUNT]);
const DATA_ERRNOS = new Set<number>([
  ER.OUT_OF_RANGE,
  ER.DATA_TOO_LONG,
  ER.TRUNCATED_WRONG_VALUE,
  ER.TRUNCATED_WRONG_VALUE_FOR_FIELD,
  ER.WARN_DATA_TRUNCATED,
  ER.DATA_OUT_OF_RANGE,
  ER.DIVISION_BY_ZERO,
  ER.INVALID_JSON,
]);

/** The fields of a mysql2 error that matter here. */
interface MysqlErrorShape {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
  fatal?: boolean;
}

/**
 * Wraps a mysql2/server error: IntegrityError (unique 1062, foreign key 1451/1452, not null
 * 1048/1364, check 3819/4025), DatabaseError for values strict mode refuses, ConnectionError for
 * unreachable or lost servers, DatabaseError with errno and SQL for the rest.
 */
export function translateMysqlError(error: unknown, sql: string | undefined, mariadb: boolean): AthanorError {
  if (error instanceof AthanorError) return error;
  const e = (error ?? {}) as MysqlErrorShape;
  const errno = e.errno;
  const code = e.code ?? (errno === undefined ? undefined : String(errno));
  const message = e.sqlMessage ?? e.message ?? String(error);
  const tag =
    errno === undefined
      ? code
        ? ` (${code})`
        : ""
      : ` (${mariadb ? "MariaDB" : "MySQL"} error ${errno}${code && code !== String(errno) ? ` ${code}` : ""})`;
  const sqlPart = sql ? ` [SQL: ${sql.length > 300 ? `${sql.slice(0, 300)}…` : sql}]` : "";
  const violation = integrityViolation(errno);
  if (violation)
    return new IntegrityError(`${message}${tag} (${violation} violation)${sqlPart}`, {
      sql,
      code,
      cause: error,
      violation,
      constraint: constraintName(violation, message, mariadb),
    });
  if ((code && CONNECT_CODES.has(code)) || (errno !== undefined && (CONNECT_ERRNOS.has(errno) || DISCONNECT_ERRNOS.has(errno))) || e.fatal)
    return new ConnectionError(`${message}${tag}; check that the server is running and reachable at the URL's host and port${sqlPart}`, {
      sql,
      code,
      cause: error,
    });
  if (errno !== undefined && DATA_ERRNOS.has(errno))
    return new DatabaseError(
      `${message}${tag}: the value does not fit the column's type or range, and strict mode refuses to truncate it; check the value or widen the column${sqlPart}`,
      { sql, code, cause: error },
    );
  return new DatabaseError(`${message}${tag}${hintFor(errno)}${sqlPart}`, { sql, code, cause: error });
}

/**
 * Whether an error means the connection is gone: lost sockets, server gone/lost/shutdown/killed,
 * fatal mysql2 errors, and any error on a connection the driver already knew to be dead.
 */
export function isMysqlDisconnect(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ((error as Record<symbol, unknown>)[CONNECTION_DEAD] === true) return true;
  const e = error as MysqlErrorShape;
  if (e.fatal === true) return true;
  if (e.code && DISCONNECT_CODES.has(e.code)) return true;
  return e.errno !== undefined && DISCONNECT_ERRNOS.has(e.errno);
}

function integrityViolation(errno: number | undefined): IntegrityViolation | undefined {
  switch (errno) {
    case ER.DUP_ENTRY:
      return "unique";
    case ER.ROW_IS_REFERENCED:
    case ER.NO_REFERENCED_ROW:
    case ER.ROW_IS_REFERENCED_OLD:
    case ER.NO_REFERENCED_ROW_OLD:
      return "foreignKey";
    case ER.BAD_NULL:
    case ER.NO_DEFAULT_FOR_FIELD:
      return "notNull";
    case ER.CHECK_MYSQL:
    case ER.CHECK_MARIADB:
      return "check";
    default:
      return undefined;
  }
}

/** The constraint (or key) name in a violation message. */
function constraintName(violation: IntegrityViolation, message: string, mariadb: boolean): string | undefined {
  const unquote = (s: string | undefined): string | undefined => s?.replace(/``/g, "`");
  switch (violation) {
    case "unique": {
      const key = /for key '(.*)'$/.exec(message)?.[1];
      // MySQL 8.0.19+ writes `table.key`; MariaDB writes the key alone.
      if (key === undefined || mariadb) return key;
      const dot = key.indexOf(".");
      return dot >= 0 ? key.slice(dot + 1) : key;
    }
    case "foreignKey":
      return unquote(/CONSTRAINT `((?:[^`]|``)+)`/.exec(message)?.[1]);
    case "check":
      return unquote(/^CONSTRAINT `((?:[^`]|``)+)` failed/.exec(message)?.[1]) ?? /^Check constraint '(.+)' is violated/.exec(message)?.[1];
    default:
      return undefined;
  }
}

function hintFor(errno: number | undefined): string {
  switch (errno) {
    case ER.NO_SUCH_TABLE:
      return "; create it first (metadata.createAll(engine)) or check the table name";
    case ER.BAD_FIELD:
      return "; check the column name against the table definition";
    case ER.PARSE_ERROR:
      return "; the SQL is not valid for this server (check raw sql`…` fragments and the server version)";
    case ER.LOCK_DEADLOCK:
      return "; the transaction was rolled back by the server: run it again";
    case ER.LOCK_WAIT_TIMEOUT:
    case ER.LOCK_NOWAIT:
      return "; another transaction holds the rows: retry later, or use skipLocked";
    case ER.BLOB_KEY_WITHOUT_LENGTH:
      return "; Text, LargeBinary and Json columns cannot be keys or indexed on MySQL: use String(n)";
    case ER.UNSUPPORTED_PS:
      return "; this statement cannot run with bound parameters on MySQL (prepared statements); run it without parameters";
    default:
      return "";
  }
}
