/**
 * The database-wide lock a migration run holds, so two runs started at once never both migrate.
 * Each dialect takes it its own way (dialects/<db>/<db>-migration-lock.ts); migrate/lock.ts waits
 * for it. A lock dies with the connection holding it, so a killed runner never leaves it behind.
 */
import type { DriverConnection } from "./dialect.js";

export interface MigrationLockImpl {
  /**
   * Whether holding the lock is an open transaction on the connection (SQLite: `BEGIN EXCLUSIVE`):
   * the run's statements then execute inside it, and releasing commits it.
   */
  readonly isTransaction: boolean;
  /** Tries once, without waiting, to take the lock named `name`; true when it was taken. */
  tryAcquire(conn: DriverConnection, name: string): Promise<boolean>;
  /** Releases the lock (commits, when the lock is a transaction). */
  release(conn: DriverConnection, name: string): Promise<void>;
}
