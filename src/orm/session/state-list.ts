/**
 * The session's sets of new and of changed objects, kept without hashing: each state records its
 * own position in the list (in `newAt` or `dirtyAt`), so adding, removing and testing are a few field
 * accesses. Flushing N objects then costs N of those, not N insertions and deletions in a hash set.
 * Removal leaves a hole that iteration skips; the list is compacted when holes outnumber members.
 */
import type { InstanceState } from "./instance-state.js";

/** The InstanceState field a list keeps its positions in. */
export type PositionField = "newAt" | "dirtyAt";

export class StateList {
  #items: InstanceState[] = [];
  #size = 0;

  constructor(readonly field: PositionField) {}

  get size(): number {
    return this.#size;
  }

  has(s: InstanceState): boolean {
    return s[this.field] >= 0 && this.#items[s[this.field]] === s;
  }

  add(s: InstanceState): void {
    if (this.has(s)) return;
    s[this.field] = this.#items.length;
    this.#items.push(s);
    this.#size++;
  }

  delete(s: InstanceState): void {
    if (!this.has(s)) return;
    s[this.field] = -1;
    this.#size--;
    if (this.#size === 0) this.#items = [];
    else if (this.#items.length > 64 && this.#size * 2 < this.#items.length) this.#compact();
  }

  clear(): void {
    for (const s of this) s[this.field] = -1;
    this.#items = [];
    this.#size = 0;
  }

  /** The members, in the order they became dirty (a new array). */
  toArray(): InstanceState[] {
    const items = this.#items;
    // No holes (nothing was removed since the list was last emptied or compacted): a plain copy.
    if (items.length === this.#size) return items.slice();
    const field = this.field;
    const out: InstanceState[] = [];
    for (let i = 0; i < items.length; i++) {
      const s = items[i]!;
      if (s[field] === i) out.push(s);
    }
    return out;
  }

  [Symbol.iterator](): IterableIterator<InstanceState> {
    return this.toArray()[Symbol.iterator]();
  }

  #compact(): void {
    const live = this.toArray();
    for (let i = 0; i < live.length; i++) live[i]![this.field] = i;
    this.#items = live;
  }
}
