/**
 * The identity map: one object per database row per session, keyed by the root mapper of its
 * inheritance hierarchy and its primary key. Owned by a Session; read by the loader.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "./instance-state.js";

/** How far past the end of the array an integer key may land and still be stored there. */
const MAX_GAP = 1024;

/**
 * The objects of one hierarchy by identity key. Serial integer keys, the common case, are stored in
 * an array indexed from the first such key: 8 bytes per object and no hashing, where a Map entry
 * costs about 36 bytes and each time the Map grows its old table stays in memory until the next
 * full GC (for 100,000 loaded rows: about 4 MB less at the peak, and faster loads). A key that does
 * not fit (not an integer, below the first one, or far past the end) goes to a Map.
 */
export class IdentityStore {
  /** The key stored at index 0 of #dense (-1 until the first integer key). */
  #base = -1;
  #dense: Array<object | undefined> = [];
  #denseCount = 0;
  readonly #other = new Map<unknown, object>();

  get size(): number {
    return this.#denseCount + this.#other.size;
  }

  /** Index of `key` in #dense, or -1 when it belongs in the Map. */
  #slot(key: unknown, adding: boolean): number {
    if (typeof key !== "number" || !Number.isSafeInteger(key) || key < 0) return -1;
    if (this.#base < 0) {
      if (!adding) return -1;
      this.#base = key;
    }
    const i = key - this.#base;
    if (i < 0 || i > this.#dense.length + (adding ? MAX_GAP : -1)) return -1;
    // A key placed in the Map before the array reached it stays there.
    if (this.#other.size > 0 && this.#dense[i] === undefined && this.#other.has(key)) return -1;
    return i;
  }

  get(key: unknown): object | undefined {
    if (typeof key === "number") {
      const i = key - this.#base;
      const hit = this.#base >= 0 && i >= 0 ? this.#dense[i] : undefined;
      if (hit !== undefined || this.#other.size === 0) return hit;
    }
    return this.#other.get(key);
  }

  set(key: unknown, obj: object): this {
    const i = this.#slot(key, true);
    if (i < 0) this.#other.set(key, obj);
    else {
      if (this.#dense[i] === undefined) this.#denseCount++;
      this.#dense[i] = obj;
    }
    return this;
  }

  delete(key: unknown): boolean {
    const i = this.#slot(key, false);
    if (i < 0) return this.#other.delete(key);
    if (this.#dense[i] === undefined) return false;
    this.#dense[i] = undefined;
    this.#denseCount--;
    return true;
  }

  *keys(): IterableIterator<unknown> {
    const dense = this.#dense;
    for (let i = 0; i < dense.length; i++) if (dense[i] !== undefined) yield this.#base + i;
    yield* this.#other.keys();
  }

  /** Appends every object to `out`. */
  collect(out: object[]): void {
    const dense = this.#dense;
    for (let i = 0; i < dense.length; i++) {
      const o = dense[i];
      if (o !== undefined) out.push(o);
    }
    for (const o of this.#other.values()) out.push(o);
  }
}

export class IdentityMap {
  readonly #byRoot = new Map<Mapper, IdentityStore>();

  /** The store of one hierarchy, identity key → object (created on first use). */
  of(root: Mapper): IdentityStore {
    let m = this.#byRoot.get(root);
    if (!m) {
      m = new IdentityStore();
      this.#byRoot.set(root, m);
    }
    return m;
  }

  get(mapper: Mapper, key: unknown): object | undefined {
    return this.#byRoot.get(mapper.root)?.get(key);
  }

  set(state: InstanceState): void {
    this.of(state.mapper.root).set(state.key, state.obj);
  }

  /** Removes `state`'s object if it is the one mapped under its key. */
  remove(state: InstanceState): void {
    const m = this.#byRoot.get(state.mapper.root);
    if (m?.get(state.key) === state.obj) m.delete(state.key);
  }

  /** Whether any object of `root`'s hierarchy is present. */
  has(root: Mapper): boolean {
    return (this.#byRoot.get(root)?.size ?? 0) > 0;
  }

  get size(): number {
    let n = 0;
    for (const m of this.#byRoot.values()) n += m.size;
    return n;
  }

  /** Every object held (a new array, built with plain loops: no generators on this path). */
  objects(): object[] {
    const out: object[] = [];
    for (const store of this.#byRoot.values()) store.collect(out);
    return out;
  }

  clear(): void {
    this.#byRoot.clear();
  }
}
