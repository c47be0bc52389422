import { describe, expect, it } from "vitest";
import { StateList } from "../../src/orm/session/state-list.js";
import type { InstanceState } from "../../src/orm/session/instance-state.js";

const state = (n: number) => ({ dirtyAt: -1, newAt: -1, n }) as unknown as InstanceState & { n: number };

describe("StateList", () => {
  it("adds once, removes, re-adds at the end, and keeps order", () => {
    const list = new StateList("dirtyAt");
    const [a, b, c] = [state(1), state(2), state(3)];
    list.add(a);
    list.add(b);
    list.add(a);
    list.add(c);
    expect(list.size).toBe(3);
    list.delete(a);
    expect(list.has(a)).toBe(false);
    expect(a.dirtyAt).toBe(-1);
    list.add(a);
    expect(list.toArray()).toEqual([b, c, a]);
    expect(list.size).toBe(3);
    list.delete(state(9)); // never listed: no effect
    expect(list.size).toBe(3);
  });

  it("compacts when most entries were removed, keeping members findable", () => {
    const list = new StateList("dirtyAt");
    const states = Array.from({ length: 200 }, (_, i) => state(i));
    for (const s of states) list.add(s);
    for (const s of states.slice(0, 150)) list.delete(s);
    expect(list.size).toBe(50);
    expect(list.toArray()).toEqual(states.slice(150));
    for (const s of states.slice(150)) expect(list.has(s)).toBe(true);
    list.delete(states[199]!);
    expect(list.toArray()).toEqual(states.slice(150, 199));
  });

  it("clear() unlists every member; iteration tolerates deletes while looping", () => {
    const list = new StateList("dirtyAt");
    const states = [state(1), state(2), state(3)];
    for (const s of states) list.add(s);
    for (const s of list) list.delete(s);
    expect(list.size).toBe(0);
    for (const s of states) list.add(s);
    list.clear();
    expect(list.size).toBe(0);
    expect(states.map((s) => s.dirtyAt)).toEqual([-1, -1, -1]);
  });

  it("keeps two lists apart: one state can be in both, each with its own position", () => {
    const fresh = new StateList("newAt");
    const dirty = new StateList("dirtyAt");
    const [a, b] = [state(1), state(2)];
    fresh.add(b);
    fresh.add(a);
    dirty.add(a);
    expect([a.newAt, a.dirtyAt]).toEqual([1, 0]);
    fresh.delete(a);
    expect(dirty.has(a)).toBe(true);
    expect(fresh.toArray()).toEqual([b]);
  });
});
