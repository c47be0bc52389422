/**
 * The migration lock on SQLite: an exclusive transaction on the database file. Taking it does not
 * wait (busy_timeout 0 while it tries), since better-sqlite3 would block the whole process while
 * waiting; the caller retries. Releasing it commits what the run did.
 */
import type { DriverConnection } from "../../engine/dialect.js";
import type { MigrationLockImpl } from "../../engine/migration-lock.js";
import { catalogRows } from "../../engine/introspection.js";

export class SqliteMigrationLock implements MigrationLockImpl {
  readonly isTransaction = true;
  async tryAcquire(conn: DriverConnection): Promise<boolean> {
    const previous = (await catalogRows(conn, "PRAGMA busy_timeout"))[0]?.[0] ?? 5000;
    await catalogRows(conn, "PRAGMA busy_timeout = 0");
    try {
      await catalogRows(conn, "BEGIN EXCLUSIVE");
      return true;
    } catch (err) {
      if (/SQLITE_BUSY|database is locked/i.test(`${(err as { code?: string }).code ?? ""} ${(err as Error).message}`)) return false;
      throw err;
    } finally {
      await catalogRows(conn, `PRAGMA busy_timeout = ${Number(previous)}`);
    }
  }
  async release(conn: DriverConnection): Promise<void> {
    if (conn.inTransaction()) await catalogRows(conn, "COMMIT");
  }
}
