/**
 * The flush side of write-only collections: queued additions and removals become foreign key syncs
 * (one-to-many) or association pairs handed to association-writer.ts (many-to-many). Called by
 * unit-of-work.ts; the queue is kept by loading/write-only-collection.ts.
 */
import type { Mapper } from "../mapping/mapper.js";
import { clearPendingWrites, pendingWrites } from "../loading/write-only-collection.js";
import { stateOf, type InstanceState } from "../session/instance-state.js";
import type { Sync } from "./sync.js";
import { recordPair, type AssociationChanges } from "./association-writer.js";

/**
 * The states among `lists` whose model has a write-only collection (usually none): only those can
 * hold queued writes, so the rest of a large flush is not looked up one by one.
 */
export function writeOnlyOwners(...lists: ReadonlyArray<readonly InstanceState[]>): InstanceState[] {
  const out: InstanceState[] = [];
  let last: Mapper | undefined;
  let has = false;
  for (const list of lists)
    for (const s of list) {
      if (s.mapper !== last) {
        last = s.mapper;
        has = last.relationships.some((r) => r.lazy === "writeOnly");
      }
      if (has) out.push(s);
    }
  return out;
}

/** Foreign key syncs for queued one-to-many changes: added members take the owner's key, removed ones NULL. */
export function writeOnlySyncs(owners: Iterable<InstanceState>, deleting: ReadonlySet<InstanceState>): { added: Sync[]; removed: Sync[] } {
  const added: Sync[] = [];
  const removed: Sync[] = [];
  for (const owner of owners) {
    const byRel = pendingWrites(owner);
    if (!byRel || deleting.has(owner)) continue;
    for (const [rel, w] of byRel) {
      if (rel.direction !== "oneToMany") continue;
      for (const m of w.added) {
        const ms = stateOf(m);
        if (ms && !deleting.has(ms)) added.push({ child: ms, rel, parent: owner });
      }
      for (const m of w.removed) {
        const ms = stateOf(m);
        if (ms && !deleting.has(ms)) removed.push({ child: ms, rel, parent: null });
      }
    }
  }
  return { added, removed };
}

/**
 * Adds the queued many-to-many changes of `owners` to the flush's association pairs, so they are
 * written with the collections' own changes (batched, each pair once).
 */
export function addWriteOnlyPairs(owners: Iterable<InstanceState>, deleting: ReadonlySet<InstanceState>, pairs: AssociationChanges): void {
  for (const owner of owners) {
    const byRel = pendingWrites(owner);
    if (!byRel || deleting.has(owner)) continue;
    for (const [rel, w] of byRel) {
      if (rel.direction !== "manyToMany") continue;
      for (const m of w.added) recordPair(pairs.added, rel, owner, stateOf(m)!);
      for (const m of w.removed) recordPair(pairs.removed, rel, owner, stateOf(m)!);
    }
  }
}

/** Forgets the flushed queues. */
export function settleWriteOnly(owners: Iterable<InstanceState>): void {
  for (const owner of owners) clearPendingWrites(owner);
}
