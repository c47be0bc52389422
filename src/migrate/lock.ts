/**
 * Waiting for the database's migration lock: the dialect tries to take it without blocking, and
 * this retries until the timeout, so two runners started at once never migrate together. A lock
 * belongs to a connection: a runner that dies loses it with its connection. On SQLite the lock is
 * an exclusive transaction, during which other connections cannot even read the file.
 */
import { MigrationLockError } from "../util/errors.js";
import type { Connection } from "../engine/connection.js";

export interface LockOptions {
  /** How long to wait for another run to finish (default 60 s). */
  readonly timeoutMs?: number;
  /** Lock name (default "athanor_migrations"): runs with different names do not exclude each other. */
  readonly name?: string;
  /** Called once when the lock is busy, before waiting (e.g. to print "waiting for another migration run"). */
  readonly onWait?: () => void;
}

/** A held migration lock. */
export interface HeldLock {
  /** Whether the lock is the connection's open transaction (SQLite): the run's statements go inside it. */
  readonly isTransaction: boolean;
  /** Releases it (commits the run's transaction where the lock is one). */
  release(): Promise<void>;
}

const DEFAULT_NAME = "athanor_migrations";

export async function acquireMigrationLock(conn: Connection, options: LockOptions = {}): Promise<HeldLock> {
  const impl = conn.dialect.migrationLock;
  const driver = conn._driverConnection();
  const name = options.name ?? DEFAULT_NAME;
  const timeout = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let pause = 25;
  let told = false;
  while (!(await impl.tryAcquire(driver, name))) {
    if (!told) {
      options.onWait?.();
      told = true;
    }
    if (Date.now() - started >= timeout)
      throw new MigrationLockError(
        `another migration run holds the migration lock "${name}" on this database (waited ${Math.round((Date.now() - started) / 100) / 10} s); let it finish and run again. The lock goes with its connection, so a run that crashed does not keep it`,
      );
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 250);
  }
  // A lock that is a transaction becomes the connection's, so the run's work nests inside it.
  const tx = impl.isTransaction ? conn._adoptTransaction() : undefined;
  let released = false;
  return {
    isTransaction: impl.isTransaction,
    release: async () => {
      if (released) return;
      released = true;
      if (tx?.isActive) await tx.commit();
      await impl.release(driver, name);
    },
  };
}
