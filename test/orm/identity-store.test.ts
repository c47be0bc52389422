import { describe, expect, it } from "vitest";
import { IdentityStore } from "../../src/orm/session/identity-map.js";

const o = (n: unknown) => ({ n });

describe("IdentityStore", () => {
  it("stores serial integer keys, in any order near the first, and finds each", () => {
    const store = new IdentityStore();
    const keys = [100, 102, 101, 150, 103, 1200];
    const objs = keys.map((k) => o(k));
    keys.forEach((k, i) => store.set(k, objs[i]!));
    expect(store.size).toBe(keys.length);
    keys.forEach((k, i) => expect(store.get(k)).toBe(objs[i]));
    expect(store.get(104)).toBeUndefined();
    expect(store.get(99)).toBeUndefined();
    expect(new Set(store.keys())).toEqual(new Set(keys));
  });

  it("puts keys that do not fit in a Map: below the first, far past the end, strings, fractions, bigints, arrays", () => {
    const store = new IdentityStore();
    const keys: unknown[] = [500, 3, 500 + 5000, "abc", 2.5, 7n, -4, Number.MAX_SAFE_INTEGER + 2];
    const objs = keys.map((k) => o(k));
    keys.forEach((k, i) => store.set(k, objs[i]!));
    keys.forEach((k, i) => expect(store.get(k)).toBe(objs[i]));
    expect(store.size).toBe(keys.length);
    const all: object[] = [];
    store.collect(all);
    expect(all).toHaveLength(keys.length);
  });

  it("keeps a key where it was first stored when the array later grows past it", () => {
    const store = new IdentityStore();
    store.set(0, o(0));
    const far = o(2000);
    store.set(2000, far); // beyond the gap: Map
    for (let k = 1; k < 2100; k++) if (k !== 2000) store.set(k, o(k));
    expect(store.get(2000)).toBe(far);
    const replaced = o("again");
    store.set(2000, replaced);
    expect(store.get(2000)).toBe(replaced);
    expect(store.size).toBe(2100);
    expect(store.delete(2000)).toBe(true);
    expect(store.get(2000)).toBeUndefined();
    expect(store.size).toBe(2099);
  });

  it("replaces, deletes and reports deletes of absent keys", () => {
    const store = new IdentityStore();
    const a = o(1);
    const b = o(1);
    store.set(1, a);
    store.set(1, b);
    expect(store.size).toBe(1);
    expect(store.get(1)).toBe(b);
    expect(store.delete(1)).toBe(true);
    expect(store.delete(1)).toBe(false);
    expect(store.delete(99)).toBe(false);
    expect(store.delete("x")).toBe(false);
    expect(store.size).toBe(0);
    const all: object[] = [];
    store.collect(all);
    expect(all).toEqual([]);
  });
});
