/** A size-bounded map used for compiled-statement and prepared-statement caches. Leaf module. */

/**
 * Map with a maximum size. Reads do not reorder entries (keeping hits cheap on the hot path);
 * when full, the oldest tenth of the entries is evicted at once.
 */
export class BoundedCache<K, V> {
  readonly #map = new Map<K, V>();
  readonly #max: number;

  constructor(maxSize: number) {
    this.#max = Math.max(1, maxSize);
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  set(key: K, value: V): void {
    if (this.#map.size >= this.#max && !this.#map.has(key)) {
      let drop = Math.max(1, Math.floor(this.#max / 10));
      for (const k of this.#map.keys()) {
        this.#map.delete(k);
        if (--drop === 0) break;
      }
    }
    this.#map.set(key, value);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }
}
