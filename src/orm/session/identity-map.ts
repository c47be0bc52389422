/**
 * The identity map: one object per database row per session, keyed by the root mapper of its
 * inheritance hierarchy and its primary key. Owned by a Session; read by the loader.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "./instance-state.js";

export class IdentityMap {
  readonly #byRoot = new Map<Mapper, Map<unknown, object>>();

  /** The map of one hierarchy, identity key → object (created on first use). */
  of(root: Mapper): Map<unknown, object> {
    let m = this.#byRoot.get(root);
    if (!m) {
      m = new Map();
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

  *objects(): IterableIterator<object> {
    for (const m of this.#byRoot.values()) yield* m.values();
  }

  clear(): void {
    this.#byRoot.clear();
  }
}
