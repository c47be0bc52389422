/** The migration lock on MySQL/MariaDB: a named user lock (GET_LOCK), held by the connection. */
import type { DriverConnection } from "../../engine/dialect.js";
import type { MigrationLockImpl } from "../../engine/migration-lock.js";
import { catalogValue } from "../../engine/introspection.js";

export class MySqlMigrationLock implements MigrationLockImpl {
  readonly isTransaction = false;
  async tryAcquire(conn: DriverConnection, name: string): Promise<boolean> {
    // The lock is per server: the database name keeps runs on different databases apart.
    return Number(await catalogValue(conn, "SELECT GET_LOCK(CONCAT(DATABASE(), '.', ?), 0)", [name])) === 1;
  }
  async release(conn: DriverConnection, name: string): Promise<void> {
    await catalogValue(conn, "SELECT RELEASE_LOCK(CONCAT(DATABASE(), '.', ?))", [name]);
  }
}
