/**
 * The transaction frames of a Session: the outermost transaction and the savepoints opened with
 * `beginNested()`. Each frame remembers which objects its flushes inserted, updated and deleted, so
 * that rolling it back can put exactly those objects back as they were.
 */
import { StateError } from "../../util/errors.js";
import type { Transaction } from "../../engine/transaction.js";
import type { InstanceState } from "./instance-state.js";

/** @internal One transaction or savepoint of a session. */
export class Frame {
  /** Objects inserted by flushes in this frame (they did not exist before it). */
  readonly inserted: InstanceState[] = [];
  /** Objects deleted by flushes in this frame. */
  readonly deleted = new Set<InstanceState>();
  /** Objects updated by flushes in this frame. */
  readonly touched = new Set<InstanceState>();
  /** The flush failure that ended this frame's database work, if any. */
  failure: Error | undefined = undefined;

  constructor(
    readonly tx: Transaction,
    readonly parent: Frame | undefined,
  ) {}

  /** On release of a savepoint, its record joins the enclosing frame's. */
  mergeInto(parent: Frame): void {
    for (const s of this.inserted) parent.inserted.push(s);
    for (const s of this.deleted) parent.deleted.add(s);
    for (const s of this.touched) parent.touched.add(s);
  }
}

/**
 * A savepoint opened by `session.beginNested()`. Commit releases it (its changes stay in the
 * enclosing transaction); rollback undoes the database work since it was taken and restores the
 * objects it touched. `await using` rolls it back unless it was committed.
 */
export class SessionTransaction implements AsyncDisposable {
  readonly #end: (frame: Frame, action: "commit" | "rollback") => Promise<void>;

  constructor(
    /** @internal */
    readonly frame: Frame,
    end: (frame: Frame, action: "commit" | "rollback") => Promise<void>,
  ) {
    this.#end = end;
  }

  /** Whether commit() or rollback() may still be called. */
  get isActive(): boolean {
    return this.frame.tx.isActive || this.frame.failure !== undefined;
  }

  #check(action: string): void {
    if (!this.isActive)
      throw new StateError(
        `cannot ${action}: this savepoint has already ended (committed, rolled back, or ended with the session's transaction)`,
      );
  }

  /** Releases the savepoint, flushing first; its changes become part of the enclosing transaction. */
  async commit(): Promise<void> {
    this.#check("commit");
    await this.#end(this.frame, "commit");
  }

  /** Rolls back to the savepoint: objects it inserted become transient, deleted ones return, updated ones reload. */
  async rollback(): Promise<void> {
    this.#check("roll back");
    await this.#end(this.frame, "rollback");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.isActive) await this.rollback();
  }
}
