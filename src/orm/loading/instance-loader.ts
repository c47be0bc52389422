/**
 * Turns result rows into mapped instances through the session's identity map: one object per row
 * per session. Existing objects keep their loaded (and changed) values; only expired ones are filled.
 * Called by the Session for entity selects; knows no SQL.
 */
import { DataError } from "../../util/errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { InstanceState, NO_VALUE, attachState } from "../session/instance-state.js";

/** What the loader needs from a session. */
export interface LoadTarget {
  identityMap(root: Mapper): Map<unknown, InstanceState>;
  /** @internal Called for objects newly loaded into the session. */
  loaded(state: InstanceState): void;
}

/** The mapper of a row's subclass (polymorphic loading), or `mapper` itself. */
function rowMapper(mapper: Mapper, values: readonly unknown[]): Mapper {
  const root = mapper.root;
  if (root.polymorphicMap.size === 0) return mapper;
  const on = root.inheritance.polymorphicOn;
  const p = on === undefined ? undefined : root.byKey.get(on);
  if (!p || p.kind !== "column") return mapper;
  const identity = values[p.index];
  if (identity === null || identity === undefined) return mapper;
  const sub = root.polymorphicMap.get(String(identity));
  if (!sub)
    throw new DataError(
      `a ${root.name} row has ${on} = ${JSON.stringify(identity)}, which no mapped class declares as polymorphicIdentity (known: ${[...root.polymorphicMap.keys()].join(", ")})`,
    );
  return sub;
}

/**
 * The instance for one entity's span of a row. `values` is the span (reused as the object's value
 * array when new). Returns null when the row has no identity (an outer join that matched nothing).
 */
export function loadInstance(target: LoadTarget, mapper: Mapper, values: unknown[]): object | null {
  const m = rowMapper(mapper, values);
  const key = m.identityKey(values);
  if (key === null || key === undefined) return null;
  const map = target.identityMap(m.root);
  const existing = map.get(key);
  if (existing) {
    if (existing.status !== "deleted") refreshExpired(existing, values);
    return existing.obj;
  }
  // The row was selected as `mapper`'s columns; a subclass may have more attributes (left unloaded).
  let own = values;
  if (m !== mapper) {
    own = new Array<unknown>(m.columns.length + m.expressions.length).fill(NO_VALUE);
    for (let i = 0; i < values.length && i < own.length; i++) own[i] = values[i];
  }
  const cls = m.mappedClass;
  const obj = Object.create(cls.prototype) as object;
  const state = new InstanceState(m, obj, own, "persistent");
  state.key = key;
  attachState(obj, state);
  map.set(key, state);
  target.loaded(state);
  return obj;
}

/** Fills attributes that were expired; attributes changed since the load are left alone. */
export function refreshExpired(state: InstanceState, values: readonly unknown[]): void {
  const own = state.values;
  const n = Math.min(own.length, values.length);
  for (let i = 0; i < n; i++) if (own[i] === NO_VALUE && !state.isModified(i)) own[i] = values[i];
}

/** Overwrites every loaded attribute with fresh values (refresh): pending changes to them are discarded. */
export function overwrite(state: InstanceState, values: readonly unknown[], only?: ReadonlySet<number>): void {
  const own = state.values;
  const n = Math.min(own.length, values.length);
  for (let i = 0; i < n; i++) {
    if (only && !only.has(i)) continue;
    own[i] = values[i];
    state.committed?.delete(i);
  }
  if (state.committed?.size === 0) state.committed = undefined;
}
