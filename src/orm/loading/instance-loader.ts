/**
 * Turns result rows into mapped instances through the session's identity map: one object per row
 * per session. Existing objects keep their loaded (and changed) values; only expired ones are filled.
 * Called by the Session for entity selects; knows no SQL.
 */
import { DataError } from "../../util/errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { NO_VALUE, PROTO_MAPPER, STATE, type Instance, type InstanceState } from "../session/instance-state.js";
import type { IdentityStore } from "../session/identity-map.js";

/** What the loader needs from a session. */
export interface LoadTarget {
  /** The identity map of a hierarchy: identity key → object. */
  identityMap(root: Mapper): IdentityStore;
  /** @internal Called for objects newly loaded into the session. */
  loaded(obj: object, mapper: Mapper): void;
  /** The session objects are loaded into (kept by each instance). */
  readonly owner: object;
}

/** The mapper of a row's subclass (polymorphic loading), or `mapper` itself. */
function rowMapper(mapper: Mapper, row: readonly unknown[], start: number): Mapper {
  const root = mapper.root;
  if (root.polymorphicMap.size === 0) return mapper;
  const on = root.inheritance.polymorphicOn;
  const p = on === undefined ? undefined : root.byKey.get(on);
  if (!p || p.kind !== "column") return mapper;
  const identity = row[start + p.index];
  if (identity === null || identity === undefined) return mapper;
  const sub = root.polymorphicMap.get(String(identity));
  if (!sub)
    throw new DataError(
      `a ${root.name} row has ${on} = ${JSON.stringify(identity)}, which no mapped class declares as polymorphicIdentity (known: ${[...root.polymorphicMap.keys()].join(", ")})`,
    );
  return sub;
}

/**
 * The instance for one entity's span of a row (`count` values from `start`, in `mapper`'s attribute
 * order). Returns null when the span has no identity (an outer join that matched nothing).
 */
export function loadInstance(target: LoadTarget, mapper: Mapper, row: readonly unknown[], start: number, count: number): object | null {
  const m = rowMapper(mapper, row, start);
  const key = m.identityKey(row, start);
  if (key === null || key === undefined) return null;
  const map = target.identityMap(m.root);
  const existing = map.get(key);
  if (existing !== undefined) {
    const s = (existing as Instance)[STATE];
    if (s === undefined || s.status !== "deleted") refreshExpired(existing, s, row, start, count);
    return existing;
  }
  // The row was selected as `mapper`'s attributes; a subclass's extra ones stay unloaded. Column
  // properties come after the columns, so a subclass's would not line up: they stay unloaded too.
  const obj = m.newInstance(target.owner, row, start, m === mapper ? count : mapper.columns.length);
  map.set(key, obj);
  target.loaded(obj, m);
  return obj;
}

/**
 * Loads one entity span of many rows: what `loadInstance` looks up per row (the identity map, the
 * instance factory, the key position, whether anyone listens to `load`) is looked up once here.
 */
export class SpanLoader {
  readonly #target: LoadTarget;
  readonly #mapper: Mapper;
  readonly #start: number;
  readonly #count: number;
  readonly #general: boolean;
  readonly #map: IdentityStore;
  readonly #make: (session: unknown, row: readonly unknown[], start: number, count: number) => object;
  readonly #pk: number;
  readonly #listened: boolean;

  constructor(target: LoadTarget, mapper: Mapper, start: number, count: number) {
    this.#target = target;
    this.#mapper = mapper;
    this.#start = start;
    this.#count = count;
    // Polymorphic hierarchies and composite keys take the general path.
    this.#general = mapper.root.polymorphicMap.size > 0 || mapper.pk.length !== 1;
    this.#map = target.identityMap(mapper.root);
    this.#make = mapper.newInstance;
    this.#pk = start + mapper.pk[0]!.index;
    this.#listened = mapper.listenersFor("load").length > 0;
  }

  load(row: readonly unknown[]): object | null {
    if (this.#general) return loadInstance(this.#target, this.#mapper, row, this.#start, this.#count);
    const key = row[this.#pk];
    if (key === null || key === undefined) return null;
    const existing = this.#map.get(key);
    if (existing !== undefined) {
      const s = (existing as Instance)[STATE];
      if (s === undefined || s.status !== "deleted") refreshExpired(existing, s, row, this.#start, this.#count);
      return existing;
    }
    const obj = this.#make(this.#target.owner, row, this.#start, this.#count);
    this.#map.set(key, obj);
    if (this.#listened) this.#target.loaded(obj, this.#mapper);
    return obj;
  }
}

/** Fills attributes that were expired; attributes changed since the load are left alone. */
export function refreshExpired(obj: object, state: InstanceState | undefined, row: readonly unknown[], start: number, count: number): void {
  const o = obj as Instance;
  const slots = (state?.mapper ?? mapperOfObject(obj)).slots;
  const n = Math.min(slots.length, count);
  for (let i = 0; i < n; i++) {
    const k = slots[i]!;
    if (o[k] === NO_VALUE && !state?.isModified(i)) o[k] = row[start + i];
  }
}

/** Overwrites loaded attributes with fresh values (refresh): pending changes to them are discarded. */
export function overwrite(obj: object, row: readonly unknown[], only?: ReadonlySet<number>): void {
  const o = obj as Instance;
  const state = o[STATE];
  const slots = (state?.mapper ?? mapperOfObject(obj)).slots;
  const n = Math.min(slots.length, row.length);
  for (let i = 0; i < n; i++) {
    if (only && !only.has(i)) continue;
    o[slots[i]!] = row[i];
    state?.committed?.delete(i);
  }
  if (state?.committed?.size === 0) state.committed = undefined;
}

function mapperOfObject(obj: object): Mapper {
  return (obj as { [PROTO_MAPPER]: Mapper })[PROTO_MAPPER];
}
