/** The migration lock on PostgreSQL: a session-level advisory lock, keyed by a hash of its name. */
import type { DriverConnection } from "../../engine/dialect.js";
import type { MigrationLockImpl } from "../../engine/migration-lock.js";

async function scalar(conn: DriverConnection, sql: string, params: unknown[]): Promise<unknown> {
  const r = await conn.execute(sql, params, {});
  return r.rows?.[0]?.[0];
}

export class PostgresMigrationLock implements MigrationLockImpl {
  readonly isTransaction = false;
  async tryAcquire(conn: DriverConnection, name: string): Promise<boolean> {
    return (await scalar(conn, "SELECT pg_try_advisory_lock(hashtext($1))", [name])) === true;
  }
  async release(conn: DriverConnection, name: string): Promise<void> {
    await scalar(conn, "SELECT pg_advisory_unlock(hashtext($1))", [name]);
  }
}
