/**
 * The unit of work: turns what a session recorded (new, changed and deleted objects) into SQL, in
 * an order the foreign keys accept. Parents are inserted before children and foreign keys copied
 * from them; updates send changed columns only; deletes run last, children first. Called by
 * Session.flush() inside its transaction; it touches only the objects it is given.
 */
import { MappingError } from "../../util/errors.js";
import { Expression } from "../../sql/elements/expression.js";
import type { Connection } from "../../engine/connection.js";
import { newCollection, type InstrumentedList } from "../mapping/instrumentation.js";
import type { Mapper, MapperEvent, MapperListener, RelationshipProperty } from "../mapping/mapper.js";
import { hasRelated, type Instance, type InstanceState, NO_VALUE, putRelated, relatedOf, stateOf } from "../session/instance-state.js";
import { deleteLevels, mapperOrder, rowLevels } from "./commit-order.js";
import { applySync, columnsOf, parentReady, valuesKey, type Sync } from "./sync.js";
import { deleteRows, insertRows, netChanges } from "./writers.js";
import {
  associationChanges,
  clearReplaced,
  deleteAssociations,
  deleteAssociationsOf,
  insertAssociations,
  settleReplaced,
} from "./association-writer.js";
import { loadDeletedChildren, loadReplacedMembers, type Released } from "./cascades.js";
import type { LoadTarget } from "../loading/instance-loader.js";
import { updateRows } from "./update-writer.js";
import { addWriteOnlyPairs, settleWriteOnly, writeOnlyOwners, writeOnlySyncs } from "./write-only.js";

/** What a flush must write, as the session recorded it. */
export interface FlushWork {
  /** New objects, in the order they were added (the outcome reports this same array as inserted). */
  readonly pending: InstanceState[];
  readonly dirty: readonly InstanceState[];
  readonly deleted: readonly InstanceState[];
  /** The session, which objects loaded by the flush (children of deleted objects) join. */
  readonly loader?: LoadTarget;
}

/** What a flush wrote; the session finalises these states. */
export interface FlushOutcome {
  readonly inserted: readonly InstanceState[];
  /** Objects given as dirty, and those whose foreign keys the flush changed. */
  readonly updated: InstanceState[];
  /** Objects deleted, including those reached by delete cascades. */
  readonly deleted: InstanceState[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Members of a relationship value: the collection's items, or the one object. */
function members(value: unknown): readonly object[] {
  if (Array.isArray(value)) return value as object[];
  return value ? [value as object] : [];
}

/** Members removed from a collection since load or the last flush. */
function removedMembers(value: unknown): object[] {
  const list = value as InstrumentedList | undefined;
  if (!list?.snapshot) return [];
  return list.snapshot.filter((x) => !list.includes(x));
}

/**
 * Expands deletes along `delete` cascades of loaded relationships, and lists the syncs the flush
 * must apply: foreign keys set from the objects relationships point at, or cleared.
 */
function planRelationships(
  work: FlushWork,
  deleting: Set<InstanceState>,
  synced: Set<InstanceState>,
  released: readonly Released[],
): Map<InstanceState, Sync[]> {
  const clears: Sync[] = [];
  const viaCollections: Sync[] = [];
  const viaReferences: Sync[] = [];
  const orphans: InstanceState[] = [];
  for (const { child, rel } of released) {
    if (deleting.has(child)) continue;
    if (rel.cascade.has("delete-orphan")) orphans.push(child);
    else clears.push({ child, rel, parent: null });
  }

  // Deleted parents: loaded children are deleted too (cascade "delete") or let go of them.
  const queue = [...deleting];
  for (let i = 0; i < queue.length; i++) {
    const s = queue[i]!;
    for (const rel of s.mapper.relationships) {
      if (rel.viewonly || rel.direction === "manyToOne" || !hasRelated(s.obj, rel)) continue;
      for (const m of [...members(relatedOf(s.obj, rel)), ...removedMembers(relatedOf(s.obj, rel))]) {
        const ms = stateOf(m);
        if (!ms || deleting.has(ms)) continue;
        if (rel.cascade.has("delete") && ms.status === "persistent") {
          deleting.add(ms);
          queue.push(ms);
        } else if (rel.direction === "oneToMany" && rel.passiveDeletes !== "all") {
          // Children let go of the parent, unless "all" leaves their key to the database's ON DELETE.
          clears.push({ child: ms, rel, parent: null });
        }
      }
    }
  }

  const changed = (s: InstanceState): boolean => s.status === "pending" || s.relationsChanged;
  const visit = (s: InstanceState): void => {
    if (!changed(s) || deleting.has(s)) return;
    for (const rel of s.mapper.relationships) {
      if (rel.viewonly || !hasRelated(s.obj, rel)) continue;
      const value = relatedOf(s.obj, rel);
      if (rel.direction === "manyToOne") {
        const ps = value ? stateOf(value) : undefined;
        viaReferences.push({ child: s, rel, parent: ps && !deleting.has(ps) ? ps : null });
        // De-assigned from a parent whose collection deletes orphans.
        if (!value && rel.backPopulates?.cascade.has("delete-orphan")) orphans.push(s);
        continue;
      }
      if (rel.direction === "manyToMany") continue;
      for (const m of members(value)) {
        const ms = stateOf(m);
        if (ms && !deleting.has(ms)) viaCollections.push({ child: ms, rel, parent: s });
      }
      for (const m of removedMembers(value)) {
        const ms = stateOf(m);
        if (!ms || deleting.has(ms)) continue;
        if (rel.cascade.has("delete-orphan")) orphans.push(ms);
        else clears.push({ child: ms, rel, parent: null });
      }
    }
  };
  for (const s of work.pending) visit(s);
  for (const s of work.dirty) visit(s);
  const writeOnly = writeOnlySyncs(writeOnlyOwners(work.pending, work.dirty), deleting);
  // Removed from a write-only collection: deleted as an orphan under delete-orphan, else let go.
  for (const sync of writeOnly.removed) {
    if (sync.rel.cascade.has("delete-orphan")) orphans.push(sync.child);
    else clears.push(sync);
  }
  viaCollections.push(...writeOnly.added);

  // An orphan survives only if a delete-orphan parent still holds it (moved to another collection or
  // reassigned); its references to anything else (an order line's product) do not own it.
  for (const o of orphans) {
    const stillOwned =
      viaCollections.some((x) => x.child === o && x.rel.cascade.has("delete-orphan")) ||
      viaReferences.some((x) => x.child === o && x.parent && x.rel.backPopulates?.cascade.has("delete-orphan"));
    if (!stillOwned && o.status === "persistent") deleting.add(o);
  }

  const byChild = new Map<InstanceState, Sync[]>();
  // Later entries win: a child moved between collections ends with its new parent's key, and its
  // own reference (child.author = x) has the last word.
  for (const sync of [...clears, ...viaCollections, ...viaReferences]) {
    if (deleting.has(sync.child)) continue;
    push(byChild, sync.child, sync);
    if (sync.child.status === "persistent") synced.add(sync.child);
  }
  return byChild;
}

/** Runs a mapper event's listeners for each object (all of one mapper). */
async function fire(event: MapperEvent, states: readonly InstanceState[], conn: Connection): Promise<void> {
  if (states.length === 0) return;
  const mapper = states[0]!.mapper;
  const listeners = mapper.listenersFor(event) as MapperListener[];
  if (listeners.length === 0) return;
  for (const s of states) for (const l of listeners) await l(s.obj, { mapper, connection: conn });
}

function describeRel(rel: RelationshipProperty): string {
  return `${rel.parent.name}.${rel.key}`;
}

function runSyncs(states: readonly InstanceState[], syncs: Map<InstanceState, Sync[]>): void {
  if (syncs.size === 0) return;
  for (const s of states) {
    const list = syncs.get(s);
    if (!list) continue;
    for (const sync of list) {
      if (!parentReady(sync))
        throw new MappingError(
          `cannot flush: ${s.mapper.name} needs the key of a new ${sync.parent!.mapper.name} (through ${describeRel(sync.rel)}), which is written after it because the two models depend on each other; flush the ${sync.parent!.mapper.name} first, then set the reference`,
        );
      applySync(sync);
    }
  }
}

/**
 * After an INSERT: columns left out without a default hold NULL; SQL expressions are unloaded to be
 * read back, and so are column properties (computed by the database from the new row).
 */
function settleInsertedValues(states: readonly InstanceState[], expressions: boolean): void {
  if (states.length === 0) return;
  const mapper = states[0]!.mapper;
  // NULLs for left-out columns were set while building the rows; only SQL values remain to unload.
  if (!expressions && mapper.expressions.length === 0) return;
  const read = mapper.readValues;
  const columns = mapper.columns.length;
  const width = mapper.slots.length;
  for (const s of states) {
    const values = read(s.obj);
    for (let i = 0; i < columns; i++) {
      const x = values[i];
      if (x === undefined) s.set(i, null);
      else if (x instanceof Expression) s.set(i, NO_VALUE);
    }
    for (let i = columns; i < width; i++) s.set(i, NO_VALUE);
  }
}

/**
 * Relationships of objects just inserted are known without a query: a collection holds the objects
 * of this flush whose foreign key points at the new row (nothing else can yet), and a reference with a
 * NULL foreign key is null. Other references stay unloaded.
 */
export function settleNewRelationships(inserted: readonly InstanceState[]): void {
  const parents = new Map<RelationshipProperty, Map<string, InstanceState[]>>();
  const keyOf = valuesKey;
  for (const s of inserted) {
    const rels = s.mapper.relationships;
    if (rels.length === 0) continue;
    for (const rel of rels) {
      // A write-only collection is never held in memory: it stays a query.
      if (rel.lazy === "writeOnly" || hasRelated(s.obj, rel)) continue;
      if (rel.direction === "manyToMany") {
        // Pairs with a new object come from collections, and the other side fills this one as it adds.
        putRelated(s.obj, rel, rel.uselist ? newCollection(s.obj, rel) : null);
        continue;
      }
      const cols = columnsOf(rel);
      if (rel.direction === "manyToOne") {
        if (cols.many.every((p) => s.get(p.index) === null)) putRelated(s.obj, rel, null);
        continue;
      }
      let byKey = parents.get(rel);
      if (!byKey) parents.set(rel, (byKey = new Map()));
      const k = keyOf(s, cols.one);
      const list = byKey.get(k);
      if (list) list.push(s);
      else byKey.set(k, [s]);
    }
  }
  if (parents.size === 0) return;
  for (const [rel, byKey] of parents) {
    const cols = columnsOf(rel);
    const members = new Map<InstanceState, object[]>();
    for (const child of inserted) {
      if (!child.mapper.isA(rel.target)) continue;
      for (const parent of byKey.get(keyOf(child, cols.many)) ?? []) {
        const list = members.get(parent);
        if (list) list.push(child.obj);
        else members.set(parent, [child.obj]);
      }
    }
    for (const ps of byKey.values())
      for (const p of ps) {
        const items = members.get(p) ?? [];
        putRelated(p.obj, rel, rel.uselist ? newCollection(p.obj, rel, items) : (items[0] ?? null));
      }
  }
}

/** SQL expressions assigned to attributes were evaluated by the database: unload them so they are read back. */
function unloadExpressions(states: readonly InstanceState[]): void {
  for (const s of states) {
    const o = s.obj as Instance;
    for (const k of s.mapper.slots) if (o[k] instanceof Expression) o[k] = NO_VALUE;
  }
}

function byMapper(states: Iterable<InstanceState>): Map<Mapper, InstanceState[]> {
  const out = new Map<Mapper, InstanceState[]>();
  // Runs of one mapper (the usual case) are appended without a map lookup each.
  let last: Mapper | undefined;
  let list: InstanceState[] | undefined;
  for (const s of states) {
    if (s.mapper !== last) {
      last = s.mapper;
      list = out.get(last);
      if (!list) out.set(last, (list = []));
    }
    list!.push(s);
  }
  return out;
}

/** Objects to UPDATE: the dirty ones not being deleted, and those whose foreign keys the flush changes. */
function toSave(work: FlushWork, deleting: ReadonlySet<InstanceState>, synced: ReadonlySet<InstanceState>): InstanceState[] {
  const out = deleting.size > 0 ? work.dirty.filter((s) => !deleting.has(s)) : [...work.dirty];
  if (synced.size === 0) return out;
  const listed = new Set(work.dirty);
  for (const s of synced) if (!listed.has(s) && !deleting.has(s)) out.push(s);
  return out;
}

/** Whether some updated row's foreign key is to be filled from a new row of the same model. */
function needsNewRow(changed: readonly InstanceState[], syncs: Map<InstanceState, Sync[]>, mapper: Mapper): boolean {
  if (syncs.size === 0) return false;
  for (const s of changed)
    for (const x of syncs.get(s) ?? []) if (x.parent?.status === "pending" && x.parent.mapper.root === mapper.root) return true;
  return false;
}

/** UPDATEs the changed rows of one mapper (changed columns only), with their events. */
async function writeUpdates(
  conn: Connection,
  mapper: Mapper,
  changed: readonly InstanceState[],
  syncs: Map<InstanceState, Sync[]>,
): Promise<void> {
  runSyncs(changed, syncs);
  await fire("beforeUpdate", changed, conn);
  const rows: InstanceState[] = [];
  const indexes: number[][] = [];
  for (const s of changed) {
    const idx = netChanges(s);
    if (idx.length === 0) continue;
    rows.push(s);
    indexes.push(idx);
  }
  const withExpressions = rows.length > 0 ? await updateRows(conn, mapper, rows, indexes) : [];
  // Column properties may depend on what changed: read them again.
  if (mapper.expressions.length > 0) for (const s of rows) for (const p of s.mapper.expressions) s.set(p.index, NO_VALUE);
  unloadExpressions(withExpressions);
  await fire("afterUpdate", changed, conn);
}

/** Writes the recorded changes on `conn`. Throws on the first failure; the caller rolls the transaction back. */
export async function runFlush(conn: Connection, work: FlushWork): Promise<FlushOutcome> {
  const deleting = new Set(work.deleted);
  const released = work.loader && work.dirty.length > 0 ? await loadReplacedMembers(conn, work.loader, work.dirty) : [];
  if (deleting.size > 0 && work.loader) await loadDeletedChildren(conn, work.loader, deleting);
  let synced = new Set<InstanceState>();
  let syncs = planRelationships(work, deleting, synced, released);
  // Orphans found by planning may have unloaded children of their own: load them and plan again.
  for (let size = work.deleted.length; work.loader && deleting.size > size;) {
    size = deleting.size;
    await loadDeletedChildren(conn, work.loader, deleting);
    synced = new Set<InstanceState>();
    syncs = planRelationships(work, deleting, synced, released);
  }
  const pairs = associationChanges(work.pending.concat(work.dirty), deleting);
  const queued = writeOnlyOwners(work.pending, work.dirty);
  addWriteOnlyPairs(queued, deleting, pairs);
  const saving = toSave(work, deleting, synced);

  const inserts = byMapper(work.pending);
  const updates = byMapper(saving);
  const deletes = byMapper(deleting);
  const order = mapperOrder([...new Set([...inserts.keys(), ...updates.keys(), ...deletes.keys()])]);

  for (const mapper of order) {
    const news = inserts.get(mapper);
    const changed = updates.get(mapper);
    // UPDATEs first (as SQLAlchemy does), so a child let go of frees a unique key a new row takes;
    // unless an updated row now points at a new row of the same model, which must exist first.
    const updateFirst = changed !== undefined && news !== undefined && !needsNewRow(changed, syncs, mapper);
    if (changed && updateFirst) await writeUpdates(conn, mapper, changed, syncs);
    if (news) {
      for (const level of rowLevels(news)) {
        runSyncs(level, syncs);
        if (mapper.version) for (const s of level) if (s.get(mapper.version.index) === undefined) s.set(mapper.version.index, 1);
        await fire("beforeInsert", level, conn);
        const expressions = await insertRows(conn, mapper, level);
        settleInsertedValues(level, expressions);
        await fire("afterInsert", level, conn);
      }
    }
    if (changed && !updateFirst) await writeUpdates(conn, mapper, changed, syncs);
  }
  // Association rows: removed pairs and those of deleted objects go first, then added pairs (both objects exist now).
  await clearReplaced(conn, pairs.replaced);
  await deleteAssociations(conn, pairs.removed);
  if (deletes.size > 0) await deleteAssociationsOf(conn, deletes);
  await insertAssociations(conn, pairs.added);
  for (const mapper of [...order].reverse()) {
    const gone = deletes.get(mapper);
    if (!gone) continue;
    await fire("beforeDelete", gone, conn);
    for (const level of deleteLevels(gone)) await deleteRows(conn, mapper, level);
    await fire("afterDelete", gone, conn);
  }
  settleReplaced(pairs.replaced);
  settleWriteOnly(queued);
  return { inserted: work.pending, updated: saving, deleted: [...deleting] };
}
