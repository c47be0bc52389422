/**
 * The error hierarchy shared by every layer. Leaf module: imports nothing.
 * Every message names the thing that is wrong and says what to do about it.
 */

/** Base class of every error athanor raises itself. */
export class AthanorError extends Error {
  override name = "AthanorError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The model layer is mis-configured: an unregistered model, a relationship whose target, foreign
 * key path or back-reference cannot be resolved, two declarative bases mixed. Raised when the
 * mappers are configured (first use, or an explicit `configure()`).
 */
export class MappingError extends AthanorError {
  override name = "MappingError";
}

/** An UPDATE or DELETE matched fewer rows than expected: another transaction changed them (optimistic locking). */
export class StaleDataError extends AthanorError {
  override name = "StaleDataError";
}

/** A value or argument handed to the API is invalid (unknown column, wrong value type, bad option). */
export class ArgumentError extends AthanorError {
  override name = "ArgumentError";
}

/** The schema objects are mis-configured (missing names, unresolvable foreign keys, duplicate tables). */
export class SchemaError extends AthanorError {
  override name = "SchemaError";
}

/** A statement cannot be rendered as SQL for the target dialect. */
export class CompileError extends AthanorError {
  override name = "CompileError";
}

/** Engine configuration is invalid: malformed URL, unknown scheme, missing driver package. */
export class ConfigurationError extends AthanorError {
  override name = "ConfigurationError";
}

/** `one()` found no row. */
export class NoResultError extends AthanorError {
  override name = "NoResultError";
}

/** `one()` / `oneOrNone()` found more than one row. */
export class MultipleResultsError extends AthanorError {
  override name = "MultipleResultsError";
}

/**
 * The migration revisions are inconsistent (duplicate ids, missing down revisions, cycles) or a
 * revision identifier cannot be resolved (unknown, ambiguous prefix, several heads for `head`,
 * an ambiguous relative walk).
 */
export class RevisionError extends AthanorError {
  override name = "RevisionError";
}

/** A connection or transaction was used in a state that does not allow the call. */
export class StateError extends AthanorError {
  override name = "StateError";
}

/** A value read from the database cannot be converted to the column's type (e.g. an unknown enum value). */
export class DataError extends AthanorError {
  override name = "DataError";
}

/** A flush failed; the session refuses work until `rollback()` is called. */
export class PendingRollbackError extends StateError {
  override name = "PendingRollbackError";
}

/** An object is in the wrong state for the operation (not persisted, attached elsewhere, expired, detached). */
export class ObjectStateError extends StateError {
  override name = "ObjectStateError";
}

/** No pooled connection became free within the acquire timeout. */
export class PoolTimeoutError extends AthanorError {
  override name = "PoolTimeoutError";
}

/** Fields shared by errors that wrap a failure reported by the database or its driver. */
export interface DatabaseErrorDetails {
  /** The SQL that failed, when a statement was being executed. */
  sql?: string | undefined;
  /** The driver or server error code (SQLSTATE on PostgreSQL, errno/code on MySQL, SQLITE_* on SQLite). */
  code?: string | undefined;
  /** The original driver error. */
  cause?: unknown;
}

/** The database or its driver reported an error. */
export class DatabaseError extends AthanorError {
  override name = "DatabaseError";
  readonly sql: string | undefined;
  readonly code: string | undefined;
  constructor(message: string, details: DatabaseErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.sql = details.sql;
    this.code = details.code;
  }
}

/** Which kind of constraint an {@link IntegrityError} violated. */
export type IntegrityViolation = "unique" | "foreignKey" | "notNull" | "check" | "unknown";

/** A constraint was violated (unique, foreign key, not null, check). */
export class IntegrityError extends DatabaseError {
  override name = "IntegrityError";
  readonly violation: IntegrityViolation;
  /** The constraint's name when the database reports it. */
  readonly constraint: string | undefined;
  constructor(message: string, details: DatabaseErrorDetails & { violation: IntegrityViolation; constraint?: string | undefined }) {
    super(message, details);
    this.violation = details.violation;
    this.constraint = details.constraint;
  }
}

/** The server could not be reached, or refused the connection. */
export class ConnectionError extends DatabaseError {
  override name = "ConnectionError";
}

/**
 * An established connection died. When it happened inside a transaction the transaction is lost:
 * the server rolled it back, and athanor does not retry anything on its own.
 */
export class ConnectionLostError extends ConnectionError {
  override name = "ConnectionLostError";
  /** True when a transaction was open on the connection, so its work was rolled back by the server. */
  readonly transactionLost: boolean;
  constructor(message: string, details: DatabaseErrorDetails & { transactionLost: boolean }) {
    super(message, details);
    this.transactionLost = details.transactionLost;
  }
}

/** Describes any value for an error message without dumping large or secret data. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  switch (typeof value) {
    case "string": {
      const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `string ${JSON.stringify(shown)}`;
    }
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "bigint":
      return `bigint ${value}n`;
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default:
      if (Array.isArray(value)) return `an array of length ${value.length}`;
      if (value instanceof Date) return `Date ${Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString()}`;
      if (value instanceof Uint8Array) return `binary data of ${value.byteLength} bytes`;
      return `an object (${(value as object).constructor?.name ?? "Object"})`;
  }
}

/** Another migration run holds the database's migration lock and did not release it in time. */
export class MigrationLockError extends AthanorError {
  override name = "MigrationLockError";
}

/** A migration run cannot start or did not finish: the message says where the database stands and what to do. */
export class MigrationError extends AthanorError {
  override name = "MigrationError";
}

/** `check` found differences between the models and the database (autogenerate would write operations). */
export class MigrationCheckError extends AthanorError {
  override name = "MigrationCheckError";
}
