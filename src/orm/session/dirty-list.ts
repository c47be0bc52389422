/**
 * The session's set of changed objects, kept without hashing: each state records its own position
 * in the list (`dirtyAt`), so adding, removing and testing are a few field accesses. A flush of N
 * changed objects then costs N of those, not N insertions and deletions in a hash set. Removal leaves
 * a hole that iteration skips; the list is compacted when holes outnumber members.
 */
import type { InstanceState } from "./instance-state.js";

export class DirtyList {
  #items: InstanceState[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  has(s: InstanceState): boolean {
    return s.dirtyAt >= 0 && this.#items[s.dirtyAt] === s;
  }

  add(s: InstanceState): void {
    if (this.has(s)) return;
    s.dirtyAt = this.#items.length;
    this.#items.push(s);
    this.#size++;
  }

  delete(s: InstanceState): void {
    if (!this.has(s)) return;
    s.dirtyAt = -1;
    this.#size--;
    if (this.#size === 0) this.#items = [];
    else if (this.#items.length > 64 && this.#size * 2 < this.#items.length) this.#compact();
  }

  clear(): void {
    for (const s of this) s.dirtyAt = -1;
    this.#items = [];
    this.#size = 0;
  }

  /** The members, in the order they became dirty (a new array). */
  toArray(): InstanceState[] {
    const items = this.#items;
    const out: InstanceState[] = [];
    for (let i = 0; i < items.length; i++) {
      const s = items[i]!;
      if (s.dirtyAt === i) out.push(s);
    }
    return out;
  }

  [Symbol.iterator](): IterableIterator<InstanceState> {
    return this.toArray()[Symbol.iterator]();
  }

  #compact(): void {
    const live = this.toArray();
    for (let i = 0; i < live.length; i++) live[i]!.dirtyAt = i;
    this.#items = live;
  }
}
