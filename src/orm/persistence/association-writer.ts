/**
 * Many-to-many persistence: the association rows a flush inserts for pairs added to collections,
 * deletes for pairs removed, and deletes for objects being deleted. Both sides of a back-populated
 * pair report the same change; each pair is written once. Called only by unit-of-work.ts.
 */
import { and, or } from "../../sql/elements/conjunctions.js";
import { deleteFrom, insert } from "../../sql/statements/dml.js";
import type { Connection } from "../../engine/connection.js";
import type { InstrumentedList } from "../mapping/instrumentation.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { hasRelated, type InstanceState, relatedOf, stateOf } from "../session/instance-state.js";
import { propFor } from "./sync.js";
import { rowsPerStatement } from "./writers.js";

/** Pairs per batched DELETE statement. */
const BATCH = 500;

/** Association pairs by relationship (in its canonical orientation): parent → targets. */
type Pairs = Map<RelationshipProperty, Map<InstanceState, Set<InstanceState>>>;

/** Association rows to insert and delete. */
export interface AssociationChanges {
  readonly added: Pairs;
  readonly removed: Pairs;
  /** Collections assigned without being loaded: every association row of their owner goes first. */
  readonly replaced: InstrumentedList[];
}

/** One of the two relationships of a back-populated pair stands for both, so a pair is recorded once. */
function canonical(rel: RelationshipProperty): RelationshipProperty {
  const back = rel.backPopulates;
  if (!back || back.viewonly) return rel;
  return `${back.parent.name}.${back.key}` < `${rel.parent.name}.${rel.key}` ? back : rel;
}

/** Records the pair (parent, target) of `rel` in `pairs`, once whichever side reports it. */
export function recordPair(pairs: Pairs, rel: RelationshipProperty, parent: InstanceState, target: InstanceState): void {
  const canon = canonical(rel);
  const [a, b] = canon === rel ? [parent, target] : [target, parent];
  let byParent = pairs.get(canon);
  if (!byParent) pairs.set(canon, (byParent = new Map()));
  let targets = byParent.get(a);
  if (!targets) byParent.set(a, (targets = new Set()));
  targets.add(b);
}

/** The pairs added to and removed from the many-to-many collections of changed objects. */
export function associationChanges(changed: readonly InstanceState[], deleting: ReadonlySet<InstanceState>): AssociationChanges {
  const out: AssociationChanges = { added: new Map(), removed: new Map(), replaced: [] };
  for (const s of changed) {
    if (deleting.has(s)) continue;
    for (const rel of s.mapper.relationships) {
      if (rel.direction !== "manyToMany" || rel.viewonly || !hasRelated(s.obj, rel)) continue;
      const value = relatedOf(s.obj, rel);
      const list = (Array.isArray(value) ? value : value ? [value] : []) as object[];
      // A new object's collection was empty before; an unchanged one has no snapshot.
      const before = (value as InstrumentedList | null)?.snapshot ?? (s.status === "pending" ? [] : undefined);
      if (!before) continue;
      if ((value as InstrumentedList).replaced) out.replaced.push(value as InstrumentedList);
      // Sets keep large collections linear.
      const was = new Set(before);
      const now = new Set(list);
      for (const m of list) {
        const ms = stateOf(m);
        if (ms && !was.has(m) && !deleting.has(ms)) recordPair(out.added, rel, s, ms);
      }
      for (const m of before) {
        const ms = stateOf(m);
        if (ms && !now.has(m)) recordPair(out.removed, rel, s, ms);
      }
    }
  }
  // A pair removed and added again in the same flush (through both sides) stays.
  for (const [rel, byParent] of out.removed)
    for (const [p, targets] of byParent) for (const t of targets) if (out.added.get(rel)?.get(p)?.delete(t)) targets.delete(t);
  return out;
}

/** The association row of a pair: the association columns' values from both objects. */
function rowOf(rel: RelationshipProperty, parent: InstanceState, target: InstanceState): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [col, assoc] of rel.secondaryParent) row[assoc.key] = parent.get(propFor(rel.parent, col).index);
  for (const [col, assoc] of rel.secondaryTarget) row[assoc.key] = target.get(propFor(rel.target, col).index);
  return row;
}

/** Deletes the association rows of removed pairs, a batch of pairs per statement. */
export async function deleteAssociations(conn: Connection, removed: Pairs): Promise<void> {
  for (const [rel, byParent] of removed) {
    const table = rel.secondary!;
    const conds = [];
    for (const [p, targets] of byParent)
      for (const t of targets) {
        const row = rowOf(rel, p, t);
        conds.push(and(...Object.entries(row).map(([k, v]) => table.column(k).eq(v))));
      }
    for (let i = 0; i < conds.length; i += BATCH) await conn._executeArrays(deleteFrom(table).where(or(...conds.slice(i, i + BATCH))));
  }
}

/** Inserts the association rows of added pairs, as many rows per statement as the database takes. */
export async function insertAssociations(conn: Connection, added: Pairs): Promise<void> {
  for (const [rel, byParent] of added) {
    const rows: Record<string, unknown>[] = [];
    for (const [p, targets] of byParent) for (const t of targets) rows.push(rowOf(rel, p, t));
    if (rows.length === 0) continue;
    const chunk = rowsPerStatement(conn, rel.secondaryParent.length + rel.secondaryTarget.length);
    for (let i = 0; i < rows.length; i += chunk)
      await conn._executeArrays(insert(rel.secondary!).values(rows.slice(i, i + chunk) as never));
  }
}

/** `DELETE FROM assoc WHERE parent_col IN (…)`: every association row of `owners` through `rel`. */
async function deleteRowsOf(conn: Connection, rel: RelationshipProperty, owners: readonly InstanceState[]): Promise<void> {
  const table = rel.secondary!;
  const cols = rel.secondaryParent.map(([col, assoc]) => [propFor(rel.parent, col), assoc] as const);
  for (let i = 0; i < owners.length; i += BATCH) {
    const chunk = owners.slice(i, i + BATCH);
    const where =
      cols.length === 1
        ? cols[0]![1].in(chunk.map((s) => s.get(cols[0]![0].index)))
        : or(...chunk.map((s) => and(...cols.map(([p, assoc]) => assoc.eq(s.get(p.index))))));
    await conn._executeArrays(deleteFrom(table).where(where));
  }
}

/**
 * Deletes every association row of objects being deleted, without loading their collections; runs
 * before the objects' own rows go.
 */
export async function deleteAssociationsOf(conn: Connection, deleting: ReadonlyMap<Mapper, readonly InstanceState[]>): Promise<void> {
  for (const [mapper, states] of deleting)
    for (const rel of mapper.relationships) if (rel.direction === "manyToMany" && !rel.viewonly) await deleteRowsOf(conn, rel, states);
}

/** Deletes every association row of the owners of collections assigned without being loaded. */
export async function clearReplaced(conn: Connection, replaced: readonly InstrumentedList[]): Promise<void> {
  for (const list of replaced) await deleteRowsOf(conn, list.rel!, [list.owner!]);
}

/** After a successful flush, replaced collections are ordinary again. */
export function settleReplaced(replaced: readonly InstrumentedList[]): void {
  for (const list of replaced) list.replaced = false;
}
