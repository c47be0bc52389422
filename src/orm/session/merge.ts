/**
 * `session.merge(obj)`: copies the state of an object from outside the session onto the session's
 * object with the same primary key (loaded if needed), or onto a new pending one, following
 * relationships with the `merge` cascade. Called by session.ts.
 */
import { newCollection, setColumn, setRelated } from "../mapping/instrumentation.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { and } from "../../sql/elements/conjunctions.js";
import { select, type Select } from "../../sql/statements/select.js";
import { columnsOf } from "../persistence/sync.js";
import { identityOf } from "../loading/by-key.js";
import type { IdentityMap } from "./identity-map.js";
import { hasRelated, type Instance, InstanceState, NO_VALUE, putRelated, relatedOf, STATE, stateOf } from "./instance-state.js";

/** What merging needs from the session. */
export interface MergeHost {
  readonly identity: IdentityMap;
  /** The session itself (objects merged become its own). */
  readonly session: object;
  /** Loads the object with this key (identity map first). */
  load(mapper: Mapper, pk: unknown[]): Promise<object | undefined>;
  /** Adds a new object to the session (pending), with cascades. */
  attach(state: InstanceState): void;
  /** Runs an entity SELECT in the session (without autoflush), returning the instances. */
  query(stmt: Select<unknown, unknown>): Promise<object[]>;
}

/**
 * Loads a persistent object's one-to-many collection before a merge replaces it, so members that
 * are not in the merged collection are known (and detached, or deleted as orphans).
 */
async function loadCollection(host: MergeHost, target: InstanceState, rel: RelationshipProperty): Promise<void> {
  const { one, many } = columnsOf(rel);
  const conds = many.map((c, i) => c.column.eq(target.get(one[i]!.index)));
  const stmt = select(rel.target.mappedClass as never).where(conds.length === 1 ? conds[0]! : and(...conds));
  const items = await host.query(stmt as Select<unknown, unknown>);
  putRelated(target.obj, rel, rel.uselist ? newCollection(target.obj, rel, items) : (items[0] ?? null));
}

/** Merges `src` (and what its relationships hold) into the host session; returns the session's object. */
export async function mergeState(host: MergeHost, src: InstanceState, load: boolean, memo: Map<InstanceState, object>): Promise<object> {
  if (src.session === host.session) return src.obj;
  const done = memo.get(src);
  if (done) return done;
  const mapper = src.mapper;
  let target: InstanceState | undefined;
  if (mapper.hasIdentityOf(src.obj)) {
    const pk = mapper.pk.map((p) => src.get(p.index));
    const existing = host.identity.get(mapper, identityOf(mapper, pk));
    target = existing ? stateOf(existing) : undefined;
    if (!target && load) {
      const found = await host.load(mapper, pk);
      target = found ? stateOf(found) : undefined;
    }
  }
  let fresh = false;
  if (!target) {
    const o = Object.create(mapper.mappedClass.prototype) as Instance;
    mapper.initFields(o);
    target = new InstanceState(mapper, o, "transient");
    o[STATE] = target;
    fresh = true;
  }
  memo.set(src, target.obj);
  // Loaded attributes only; assignments onto an existing object are tracked like any other.
  for (const p of mapper.columns) {
    const v = src.get(p.index);
    if (v === undefined || v === NO_VALUE) continue;
    if (fresh || !load) target.set(p.index, v);
    else setColumn(target, p, v);
  }
  if (fresh) {
    if (!load && mapper.hasIdentityOf(target.obj)) {
      // load: false trusts the source: the object joins as persistent, without SQL.
      target.status = "persistent";
      target.session = host.session as never;
      target.key = mapper.identityKeyOf(target.obj);
      host.identity.set(target);
    } else host.attach(target);
  }
  for (const rel of mapper.relationships) {
    if (!rel.cascade?.has("merge") || !hasRelated(src.obj, rel)) continue;
    const v = relatedOf(src.obj, rel);
    if (!fresh && load && rel.direction === "oneToMany" && target.status === "persistent" && !hasRelated(target.obj, rel))
      await loadCollection(host, target, rel);
    if (Array.isArray(v)) {
      const items: object[] = [];
      for (const m of v) items.push(await mergeState(host, stateOf(m)!, load, memo));
      setRelated(target, rel, items);
    } else setRelated(target, rel, v ? await mergeState(host, stateOf(v)!, load, memo) : null);
  }
  return target.obj;
}
