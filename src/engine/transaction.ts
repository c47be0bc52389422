/**
 * Transactions and savepoints on a Connection. A Transaction is the handle returned by
 * `conn.begin()` (outermost) or `conn.beginNested()` (a savepoint); disposing an unfinished one
 * rolls it back.
 */
import { StateError } from "../util/errors.js";

/** What a Transaction needs from its connection. Implemented by Connection. */
export interface TransactionHost {
  /** @internal */
  _endTransaction(tx: Transaction, action: "commit" | "rollback"): Promise<void>;
}

/** An open transaction, or a savepoint inside one. */
export class Transaction implements AsyncDisposable {
  #active = true;
  constructor(
    readonly host: TransactionHost,
    /** The enclosing transaction; undefined for the outermost one. */
    readonly parent: Transaction | undefined,
    /** Savepoint name for nested transactions. */
    readonly savepoint: string | undefined,
  ) {}

  /** Whether commit() or rollback() may still be called. */
  get isActive(): boolean {
    return this.#active;
  }

  get isNested(): boolean {
    return this.parent !== undefined;
  }

  /** @internal Marks the transaction finished. */
  _deactivate(): void {
    this.#active = false;
  }

  #check(action: string): void {
    if (!this.#active)
      throw new StateError(
        `cannot ${action}: this ${this.savepoint ? "savepoint" : "transaction"} has already ended (committed, rolled back, or ended with an enclosing transaction)`,
      );
  }

  /** Commits the transaction (for a savepoint: releases it, keeping its changes in the enclosing transaction). */
  async commit(): Promise<void> {
    this.#check("commit");
    await this.host._endTransaction(this, "commit");
  }

  /** Rolls back everything done in this transaction (for a savepoint: since it was taken). */
  async rollback(): Promise<void> {
    this.#check("roll back");
    await this.host._endTransaction(this, "rollback");
  }

  /** `await using tx = await conn.begin()`: rolls back unless committed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#active) await this.rollback();
  }
}
