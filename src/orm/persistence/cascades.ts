/**
 * Deletes that reach unloaded collections: before a flush deletes objects, the children of their
 * one-to-many relationships that were never loaded are SELECTed (by foreign key, a batch of parents
 * per statement) and put in the parents' collections, so the unit of work deletes them (delete
 * cascade, recursively) or sets their foreign key to NULL like loaded ones; many-to-many objects
 * under a delete cascade are SELECTed through the association table. `passiveDeletes` leaves them
 * to the database's ON DELETE instead. Called only by unit-of-work.ts.
 */
import { and, or } from "../../sql/elements/conjunctions.js";
import { select } from "../../sql/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { newCollection, replacedUnloaded, type InstrumentedList } from "../mapping/instrumentation.js";
import type { RelationshipProperty } from "../mapping/mapper.js";
import { loadInstance, type LoadTarget } from "../loading/instance-loader.js";
import { hasRelated, type InstanceState, putRelated, relatedOf, stateOf } from "../session/instance-state.js";
import { columnsOf, propFor, valuesKey } from "./sync.js";

/** Parents per SELECT. */
const BATCH = 500;

/** Whether deleting an object must load this relationship's children first. */
function needsLoading(s: InstanceState, rel: RelationshipProperty): boolean {
  if (rel.viewonly || rel.passiveDeletes !== false || hasRelated(s.obj, rel)) return false;
  // Many-to-many association rows are deleted by the parent's key; only a delete cascade needs the objects.
  return rel.direction === "oneToMany" || (rel.direction === "manyToMany" && rel.cascade.has("delete"));
}

/**
 * Many-to-many: loads the related objects of `parents` through the association table
 * (`SELECT target.*, assoc.parent_col FROM target JOIN assoc ON … WHERE assoc.parent_col IN (…)`).
 */
async function loadRelated(
  conn: Connection,
  target: LoadTarget,
  rel: RelationshipProperty,
  parents: readonly InstanceState[],
): Promise<InstanceState[]> {
  const mapper = rel.target;
  const count = mapper.selectItems().length;
  const parentCols = rel.secondaryParent.map(([col, assoc]) => [propFor(rel.parent, col), assoc] as const);
  const on = rel.secondaryTarget.map(([col, assoc]) => col.eq(assoc));
  const keyOf = (values: readonly unknown[]) => JSON.stringify(values, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
  const found: InstanceState[] = [];
  const byParent = new Map<string, object[]>();
  for (let i = 0; i < parents.length; i += BATCH) {
    const chunk = parents.slice(i, i + BATCH);
    const where =
      parentCols.length === 1
        ? parentCols[0]![1].in(chunk.map((p) => p.get(parentCols[0]![0].index)))
        : or(...chunk.map((p) => and(...parentCols.map(([prop, assoc]) => assoc.eq(p.get(prop.index))))));
    const stmt = select(mapper.mappedClass as never, ...parentCols.map(([, assoc]) => assoc))
      .join(rel.secondary!, on.length === 1 ? on[0]! : and(...on))
      .where(where);
    const res = await conn._executeArrays(stmt);
    for (const row of res.rows) {
      const obj = loadInstance(target, mapper, row, 0, count);
      const cs = obj ? stateOf(obj) : undefined;
      if (!cs || cs.status === "deleted") continue;
      found.push(cs);
      const k = keyOf(row.slice(count));
      const list = byParent.get(k);
      if (list) list.push(cs.obj);
      else byParent.set(k, [cs.obj]);
    }
  }
  for (const p of parents) {
    const items = byParent.get(keyOf(parentCols.map(([prop]) => p.get(prop.index)))) ?? [];
    putRelated(p.obj, rel, rel.uselist ? newCollection(p.obj, rel, items) : (items[0] ?? null));
  }
  return found;
}

/** SELECTs `rel`'s children of `parents` by foreign key (as the database has them), per parent. */
async function selectChildren(
  conn: Connection,
  target: LoadTarget,
  rel: RelationshipProperty,
  parents: readonly InstanceState[],
): Promise<Map<InstanceState, object[]>> {
  const { one, many } = columnsOf(rel);
  const mapper = rel.target;
  const count = mapper.selectItems().length;
  const byKey = new Map<string, object[]>();
  for (let i = 0; i < parents.length; i += BATCH) {
    const chunk = parents.slice(i, i + BATCH);
    const where =
      many.length === 1
        ? many[0]!.column.in(chunk.map((p) => p.get(one[0]!.index)))
        : or(...chunk.map((p) => and(...many.map((c, j) => c.column.eq(p.get(one[j]!.index))))));
    const res = await conn._executeArrays(select(mapper.mappedClass as never).where(where));
    for (const row of res.rows) {
      const obj = loadInstance(target, mapper, row, 0, count);
      const cs = obj ? stateOf(obj) : undefined;
      if (!cs || cs.status === "deleted") continue;
      const k = valuesKey(cs, many);
      const list = byKey.get(k);
      if (list) list.push(cs.obj);
      else byKey.set(k, [cs.obj]);
    }
  }
  return new Map(parents.map((p) => [p, byKey.get(valuesKey(p, one)) ?? []]));
}

/** Loads `rel`'s children of `parents` into their collections; returns the children. */
async function loadChildren(
  conn: Connection,
  target: LoadTarget,
  rel: RelationshipProperty,
  parents: readonly InstanceState[],
): Promise<InstanceState[]> {
  const found: InstanceState[] = [];
  const back = rel.backPopulates;
  for (const [p, children] of await selectChildren(conn, target, rel, parents)) {
    // A child moved to another parent in memory (not flushed yet) no longer belongs here.
    const items = children.filter((o) => {
      const cs = stateOf(o)!;
      return !back || !hasRelated(cs.obj, back) || relatedOf(cs.obj, back) === p.obj;
    });
    for (const o of items) found.push(stateOf(o)!);
    putRelated(p.obj, rel, rel.uselist ? newCollection(p.obj, rel, items) : (items[0] ?? null));
  }
  return found;
}

/**
 * One-to-many collections assigned without being loaded: their members in the database become the
 * collection's previous members, so those left out are detached (or deleted as orphans) like
 * members removed from a loaded collection.
 */
export async function loadReplacedMembers(conn: Connection, target: LoadTarget, changed: readonly InstanceState[]): Promise<Released[]> {
  const groups = new Map<RelationshipProperty, InstanceState[]>();
  for (const s of changed) {
    if (!s.relationsChanged) continue;
    const scalars = replacedUnloaded.get(s);
    for (const rel of s.mapper.relationships) {
      if (rel.direction !== "oneToMany" || rel.viewonly) continue;
      const value = relatedOf(s.obj, rel);
      if (rel.uselist ? !(value as InstrumentedList | undefined)?.replaced : !scalars?.has(rel)) continue;
      const g = groups.get(rel);
      if (g) g.push(s);
      else groups.set(rel, [s]);
    }
  }
  const released: Released[] = [];
  for (const [rel, parents] of groups)
    for (const [p, children] of await selectChildren(conn, target, rel, parents)) {
      if (!rel.uselist) {
        // One-to-one: the child in the database that is no longer the value is let go of.
        const now = relatedOf(p.obj, rel);
        for (const c of children) if (c !== now) released.push({ child: stateOf(c)!, rel });
        replacedUnloaded.get(p)?.delete(rel);
        continue;
      }
      const list = relatedOf(p.obj, rel) as InstrumentedList;
      list.snapshot = children;
      list.replaced = false;
    }
  return released;
}

/** A child let go of by a one-to-one parent whose old value was never loaded. */
export interface Released {
  readonly child: InstanceState;
  readonly rel: RelationshipProperty;
}

/**
 * Loads the unloaded one-to-many children of the objects being deleted (and, through delete
 * cascades, of their children), adding cascaded children to `deleting`.
 */
export async function loadDeletedChildren(conn: Connection, target: LoadTarget, deleting: Set<InstanceState>): Promise<void> {
  let round = [...deleting];
  while (round.length > 0) {
    const groups = new Map<RelationshipProperty, InstanceState[]>();
    const next: InstanceState[] = [];
    for (const s of round)
      for (const rel of s.mapper.relationships) {
        if (!rel.viewonly && rel.cascade.has("delete") && hasRelated(s.obj, rel)) {
          // Loaded children deleted by cascade may have unloaded children of their own.
          const v = relatedOf(s.obj, rel);
          for (const m of (Array.isArray(v) ? v : v ? [v] : []) as object[]) {
            const ms = stateOf(m);
            if (ms && ms.status === "persistent" && !deleting.has(ms)) {
              deleting.add(ms);
              next.push(ms);
            }
          }
        }
        if (!needsLoading(s, rel)) continue;
        const g = groups.get(rel);
        if (g) g.push(s);
        else groups.set(rel, [s]);
      }
    for (const [rel, parents] of groups) {
      const children =
        rel.direction === "manyToMany" ? await loadRelated(conn, target, rel, parents) : await loadChildren(conn, target, rel, parents);
      if (!rel.cascade.has("delete")) continue;
      for (const c of children)
        if (!deleting.has(c)) {
          deleting.add(c);
          next.push(c);
        }
    }
    round = next;
  }
}
