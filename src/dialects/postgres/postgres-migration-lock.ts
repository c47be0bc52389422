/** The migration lock on PostgreSQL: a session-level advisory lock, keyed by a hash of its name. */
import type { DriverConnection } from "../../engine/dialect.js";
import type { MigrationLockImpl } from "../../engine/migration-lock.js";
import { catalogValue } from "../../engine/introspection.js";

export class PostgresMigrationLock implements MigrationLockImpl {
  readonly isTransaction = false;
  async tryAcquire(conn: DriverConnection, name: string): Promise<boolean> {
    return (await catalogValue(conn, "SELECT pg_try_advisory_lock(hashtext($1))", [name])) === true;
  }
  async release(conn: DriverConnection, name: string): Promise<void> {
    await catalogValue(conn, "SELECT pg_advisory_unlock(hashtext($1))", [name]);
  }
}
