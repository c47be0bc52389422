/**
 * What a database whose ALTER TABLE cannot change columns or constraints (SQLite) provides so a
 * migration can rebuild a table instead (migrate/batch.ts, "move and copy"): the schema objects a
 * rebuild must keep, its autoincrement sequence, and foreign-key enforcement, which has to be off
 * while the old table is dropped and checked before the rebuild commits.
 */
import type { DriverConnection } from "./dialect.js";

/** Schema objects that go with a table through a rebuild. */
export interface RebuildObjects {
  /** The table's own CREATE INDEX statements, by index name (recreated as written). */
  readonly indexSql: ReadonlyMap<string, string>;
  /** Every view and trigger of the database, in creation order (dropping the table drops or breaks them). */
  readonly views: ReadonlyArray<{ readonly name: string; readonly sql: string }>;
  readonly triggers: ReadonlyArray<{ readonly name: string; readonly sql: string }>;
  /** Set when the key never reuses values (SQLite AUTOINCREMENT), with the highest value handed out. */
  readonly autoincrement?: { readonly seq: number | undefined };
  /** What the table's definition has that a rebuild from its reflection would lose (it is refused then). */
  readonly unsupported: readonly string[];
}

/** A row whose foreign key points at no row. */
export interface ForeignKeyViolation {
  readonly table: string;
  readonly rowid: unknown;
  readonly parent: string;
}

export interface TableRebuildImpl {
  /** The URL of an empty throwaway database of this dialect (offline mode replays revisions on it to write rebuilds). */
  readonly scratchUrl: string;
  objects(conn: DriverConnection, table: string): Promise<RebuildObjects>;
  /** Statements that give a recreated table back the highest autoincrement value the old one handed out. */
  restoreSequence(table: string, seq: number): string[];
  /** Whether foreign keys are enforced on the connection. */
  foreignKeysEnforced(conn: DriverConnection): Promise<boolean>;
  /** Turns enforcement on or off (outside a transaction: SQLite ignores it inside one). */
  setForeignKeys(conn: DriverConnection, on: boolean): Promise<void>;
  /** The statement setForeignKeys runs (offline scripts print it). */
  foreignKeysSql(on: boolean): string;
  /** Rows of the database whose foreign keys point at no row. */
  foreignKeyViolations(conn: DriverConnection): Promise<ForeignKeyViolation[]>;
  /** The statement foreignKeyViolations runs (offline scripts print it; it must return no rows). */
  readonly foreignKeyCheckSql: string;
}
