/**
 * A connection pool: a bounded set of driver connections handed out one caller at a time, with an
 * acquire timeout, recycling of old connections and an optional liveness check on checkout.
 * Knows nothing of SQL; the engine supplies create/destroy/ping.
 */
import { PoolTimeoutError, StateError } from "../util/errors.js";

/** Pool settings. */
export interface PoolOptions {
  /** Most connections open at once. */
  readonly size: number;
  /** Milliseconds a caller waits for a free connection before PoolTimeoutError. */
  readonly acquireTimeoutMs: number;
  /** Connections older than this many milliseconds are closed and replaced on checkout (0: never). */
  readonly recycleMs: number;
  /** Check each connection with a round trip before handing it out. */
  readonly prePing: boolean;
}

/** What the pool manages. */
export interface PoolHooks<C> {
  create(): Promise<C>;
  destroy(conn: C): Promise<void>;
  ping(conn: C): Promise<void>;
  /** Known-dead check without I/O; connections reporting false are discarded, never handed out. */
  isAlive(conn: C): boolean;
}

/** A pooled connection and its bookkeeping. */
export interface PoolEntry<C> {
  readonly conn: C;
  readonly id: number;
  readonly createdAt: number;
}

interface Waiter<C> {
  resolve(e: PoolEntry<C>): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

export class Pool<C> {
  readonly #idle: PoolEntry<C>[] = [];
  readonly #waiters: Waiter<C>[] = [];
  readonly #all = new Set<PoolEntry<C>>();
  #opening = 0;
  #nextId = 1;
  #disposed = false;

  constructor(
    readonly options: PoolOptions,
    readonly hooks: PoolHooks<C>,
  ) {}

  /** Connections open or being opened. */
  get size(): number {
    return this.#all.size + this.#opening;
  }
  get idleCount(): number {
    return this.#idle.length;
  }
  get waitingCount(): number {
    return this.#waiters.length;
  }

  /** Hands out a connection, opening one if the pool has room, else waiting for a release. */
  async acquire(): Promise<PoolEntry<C>> {
    if (this.#disposed) throw new StateError("this engine has been disposed; create a new engine to keep working");
    for (;;) {
      const entry = this.#idle.pop();
      if (!entry) break;
      const usable = await this.#check(entry);
      if (usable) return entry;
    }
    if (this.size < this.options.size) return this.#open();
    return new Promise<PoolEntry<C>>((resolve, reject) => {
      const waiter: Waiter<C> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(
            new PoolTimeoutError(
              `timed out after ${this.options.acquireTimeoutMs} ms waiting for a pooled connection (pool size ${this.options.size}, all in use); release connections when done (await using, or close()) or raise pool.size`,
            ),
          );
        }, this.options.acquireTimeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Recycles or pings an idle connection; destroys it when it should not be used. */
  async #check(entry: PoolEntry<C>): Promise<boolean> {
    if (!this.hooks.isAlive(entry.conn) || (this.options.recycleMs > 0 && Date.now() - entry.createdAt > this.options.recycleMs)) {
      await this.#destroy(entry);
      return false;
    }
    if (this.options.prePing) {
      try {
        await this.hooks.ping(entry.conn);
      } catch {
        await this.#destroy(entry);
        return false;
      }
    }
    return true;
  }

  async #open(): Promise<PoolEntry<C>> {
    this.#opening++;
    try {
      const conn = await this.hooks.create();
      const entry: PoolEntry<C> = { conn, id: this.#nextId++, createdAt: Date.now() };
      this.#all.add(entry);
      return entry;
    } finally {
      this.#opening--;
    }
  }

  async #destroy(entry: PoolEntry<C>): Promise<void> {
    this.#all.delete(entry);
    try {
      await this.hooks.destroy(entry.conn);
    } catch {
      // A connection being discarded may already be dead; closing it is best effort.
    }
  }

  /** Returns a connection. With `discard`, it is closed instead (broken or in an unknown state). */
  async release(entry: PoolEntry<C>, discard = false): Promise<void> {
    if (!this.#all.has(entry)) return;
    if (discard || this.#disposed) {
      await this.#destroy(entry);
      this.#serveWaiterWithNew();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(entry);
      return;
    }
    this.#idle.push(entry);
  }

  /** After a connection was destroyed, a waiter gets a fresh one. */
  #serveWaiterWithNew(): void {
    if (this.#waiters.length === 0 || this.size >= this.options.size) return;
    const waiter = this.#waiters.shift()!;
    clearTimeout(waiter.timer);
    this.#open().then(waiter.resolve, waiter.reject);
  }

  /** Closes idle connections and refuses further use; checked-out connections close on release. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const w of this.#waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new StateError("the engine was disposed while waiting for a connection"));
    }
    const idle = this.#idle.splice(0);
    await Promise.all(idle.map((e) => this.#destroy(e)));
  }
}
