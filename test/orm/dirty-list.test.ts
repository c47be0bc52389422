import { describe, expect, it } from "vitest";
import { DirtyList } from "../../src/orm/session/dirty-list.js";
import type { InstanceState } from "../../src/orm/session/instance-state.js";

const state = (n: number) => ({ dirtyAt: -1, n }) as unknown as InstanceState & { n: number };

describe("DirtyList", () => {
  it("adds once, removes, re-adds at the end, and keeps order", () => {
    const list = new DirtyList();
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
    const list = new DirtyList();
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
    const list = new DirtyList();
    const states = [state(1), state(2), state(3)];
    for (const s of states) list.add(s);
    for (const s of list) list.delete(s);
    expect(list.size).toBe(0);
    for (const s of states) list.add(s);
    list.clear();
    expect(list.size).toBe(0);
    expect(states.map((s) => s.dirtyAt)).toEqual([-1, -1, -1]);
  });
});
