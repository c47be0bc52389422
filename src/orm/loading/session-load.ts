/**
 * Explicit relationship loads: `await session.load(obj, "posts")` and `session.load(objs, "posts")`
 * (one select-IN query for all of them), and the relationship part of `session.refresh(obj, names)`.
 * Property reads never load; this is the awaitable lazy load. Called by the Session.
 */
import { ArgumentError, ObjectStateError, describeValue } from "../../util/errors.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { hasRelated, type Instance, type InstanceState, NO_VALUE, relatedOf, STATE, stateOf } from "../session/instance-state.js";
import type { LoadContext } from "./load-context.js";
import { loadRelated } from "./eager-loader.js";
import type { Plan } from "./load-plan.js";
import { keysOf, storeLoaded } from "./relationship-keys.js";
import { fetchByKeys, groupByMapper } from "./reload.js";
import { refreshExpired } from "./instance-loader.js";

/** The relationship `key` of `mapper`, or an error listing the relationships it has. */
export function relationshipNamed(mapper: Mapper, key: unknown, what: string): RelationshipProperty {
  const p = typeof key === "string" ? mapper.byKey.get(key) : undefined;
  const names = mapper.relationships.map((r) => r.key);
  const known = names.length ? `its relationships are ${names.join(", ")}` : `${mapper.name} has no relationships`;
  if (!p)
    throw new ArgumentError(
      `${what}: ${mapper.name} has no relationship ${typeof key === "string" ? JSON.stringify(key) : describeValue(key)}; ${known}`,
    );
  if (p.kind !== "relationship")
    throw new ArgumentError(`${what}: ${mapper.name}.${String(key)} is a column, not a relationship; ${known}`);
  if (p.lazy === "writeOnly")
    throw new ArgumentError(
      `${what}: ${mapper.name}.${p.key} is a write-only collection, which never loads; query it with obj.${p.key}.select() and session.scalars()`,
    );
  return p;
}

/** Checks that every object is in `session` (pending or persistent) and of one model; returns that model's relationship. */
export function checkLoadable(
  session: object,
  objs: readonly object[],
  key: unknown,
): { rel: RelationshipProperty; states: InstanceState[] } {
  const what = `session.load(…, ${typeof key === "string" ? JSON.stringify(key) : describeValue(key)})`;
  const states = objs.map((o) => {
    const s = stateOf(o);
    if (!s) throw new ArgumentError(`${what} takes mapped objects, got ${describeValue(o)}`);
    if (s.status === "detached" || (s.session !== session && s.status !== "transient"))
      throw new ObjectStateError(
        `${what}: the ${s.mapper.name} object is ${s.session ? "in another session" : "detached from its session"}, so its relationships cannot load; add it to this session (session.add(obj)) or fetch it again here`,
      );
    if (s.status === "deleted") throw new ObjectStateError(`${what}: the ${s.mapper.name} object was deleted`);
    return s;
  });
  const first = states[0]!.mapper;
  const rel = relationshipNamed(first, key, what);
  for (const s of states)
    if (!s.mapper.isA(rel.parent))
      throw new ArgumentError(`${what}: every object must be a ${rel.parent.name}; got a ${s.mapper.name} too`);
  return { rel, states };
}

/**
 * Loads `rel` on `states`' objects that do not hold it: new (transient or pending) objects get an
 * empty collection / null without SQL; the others load with one select-IN query per 5,000 (a
 * many-to-one target already in the identity map costs none). Returns each object's value.
 */
export async function loadRelationship(
  ctx: LoadContext | (() => Promise<LoadContext>),
  rel: RelationshipProperty,
  states: readonly InstanceState[],
): Promise<unknown[]> {
  const toLoad: object[] = [];
  for (const s of states) {
    if (hasRelated(s.obj, rel)) continue;
    if (s.status === "transient" || s.status === "pending") storeLoaded(s.obj, rel, rel.uselist ? [] : null);
    else toLoad.push(s.obj);
  }
  if (toLoad.length > 0) {
    const c = typeof ctx === "function" ? await ctx() : ctx;
    await reloadExpiredKeys(c, rel, toLoad);
    const plan: Plan = new Map([[rel, { strategy: "selectin", innerJoin: false, children: new Map() }]]);
    // Only `rel` is loaded here: the objects' other relationships keep their state.
    await loadRelated(c, rel.parent, toLoad, plan, undefined, false, rel);
  }
  return states.map((s) => relatedOf(s.obj, rel));
}

/** Objects whose key attributes for `rel` were expired read them again first (other expired attributes are filled too). */
async function reloadExpiredKeys(ctx: LoadContext, rel: RelationshipProperty, objs: readonly object[]): Promise<void> {
  const props = keysOf(rel).parentProps;
  const expired = objs.filter((o) => props.some((p) => (o as Instance)[p.slot] === NO_VALUE));
  for (const [mapper, group] of groupByMapper(expired))
    await fetchByKeys(ctx.conn, mapper, group, (o, values) => refreshExpired(o, (o as Instance)[STATE], values, 0, values.length));
}
