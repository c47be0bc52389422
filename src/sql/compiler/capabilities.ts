/**
 * What a dialect (and the server version behind it) can express. Compilers and tests branch on
 * these flags, never on dialect names.
 */
export interface Capabilities {
  /** INSERT … RETURNING */
  readonly insertReturning: boolean;
  /** UPDATE … RETURNING */
  readonly updateReturning: boolean;
  /** DELETE … RETURNING */
  readonly deleteReturning: boolean;
  /** INSERT … ON CONFLICT (PostgreSQL, SQLite). */
  readonly onConflict: boolean;
  /** ON CONFLICT ON CONSTRAINT name (PostgreSQL). */
  readonly onConflictConstraint: boolean;
  readonly fullOuterJoin: boolean;
  readonly rightJoin: boolean;
  readonly lateral: boolean;
  /** SELECT DISTINCT ON (PostgreSQL). */
  readonly distinctOn: boolean;
  readonly intersectExceptAll: boolean;
  readonly intersectExcept: boolean;
  /** NULLS FIRST / LAST in ORDER BY (emulated where false). */
  readonly nullsOrdering: boolean;
  /** Aggregate FILTER (WHERE …) (emulated with CASE where false). */
  readonly aggregateFilter: boolean;
  readonly windowFunctions: boolean;
  readonly recursiveCte: boolean;
  /** FOR UPDATE / FOR SHARE row locks. */
  readonly rowLocking: boolean;
  readonly skipLocked: boolean;
  readonly partialIndexes: boolean;
  readonly expressionIndexes: boolean;
  readonly nativeEnum: boolean;
  /** Enums are named types of their own, created and dropped apart from tables (PostgreSQL). */
  readonly enumTypes: boolean;
  readonly nativeUuid: boolean;
  readonly nativeBoolean: boolean;
  readonly jsonb: boolean;
  /** DDL runs inside transactions and rolls back with them. */
  readonly transactionalDdl: boolean;
  /** ALTER TABLE … ADD CONSTRAINT (SQLite cannot). */
  readonly alterAddConstraint: boolean;
  /** ALTER TABLE … ALTER/MODIFY COLUMN: type, nullability, default in place (SQLite cannot). */
  readonly alterColumn: boolean;
  /** ALTER TABLE … DROP COLUMN (SQLite 3.35+). */
  readonly dropColumn: boolean;
  readonly comments: boolean;
  readonly savepoints: boolean;
  /**
   * The database runs inside this process (SQLite): a statement costs no round trip, so many small
   * prepared statements beat one large one.
   */
  readonly embedded: boolean;
  /**
   * How many rows with different values are best updated in one statement: "join" (UPDATE … FROM a
   * derived table of the rows, joined on the key), or "case" (SET col = CASE key WHEN … END: the
   * planner of some databases, PostgreSQL's, spends long on a derived table of hundreds of rows).
   */
  readonly batchUpdate: "join" | "case";
  /** UPDATE … FROM / multi-table UPDATE. */
  readonly updateFrom: boolean;
  /** DELETE … USING / multi-table DELETE. */
  readonly deleteUsing: boolean;
  /**
   * Significant digits a NUMERIC value can hold exactly (SQLite: 15, as its decimals are doubles).
   * Values beyond it are refused, never rounded.
   */
  readonly maxExactDecimalDigits: number;
  /** Bound parameters allowed in one statement. */
  readonly maxBindParams: number;
  /** Longest identifier the server keeps intact. */
  readonly maxIdentifierLength: number;
}
