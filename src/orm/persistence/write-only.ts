/**
 * The flush side of write-only collections: queued additions and removals become foreign key syncs
 * (one-to-many) or association rows inserted and deleted (many-to-many). Called by
 * unit-of-work.ts; the queue is kept by loading/write-only-collection.ts.
 */
import type { Connection } from "../../engine/connection.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import { deleteFrom, insert } from "../../sql/statements/dml.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { clearPendingWrites, pendingWrites } from "../loading/write-only-collection.js";
import { stateOf, type InstanceState } from "../session/instance-state.js";
import type { Sync } from "./sync.js";

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

function assocRow(rel: RelationshipProperty, owner: InstanceState, member: InstanceState): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const valueOf = (s: InstanceState, col: RelationshipProperty["pairs"][number][0]): unknown => {
    const p = s.mapper.columns.find((x) => x.column === col || x.alsoColumns.includes(col))!;
    return s.get(p.index);
  };
  for (const [p, a] of rel.secondaryParent) row[a.key] = valueOf(owner, p);
  for (const [t, a] of rel.secondaryTarget) row[a.key] = valueOf(member, t);
  return row;
}

/** Inserts and deletes the association rows of queued many-to-many changes (after both sides are written). */
export async function writeOnlyAssociations(conn: Connection, owners: Iterable<InstanceState>): Promise<void> {
  for (const owner of owners) {
    const byRel = pendingWrites(owner);
    if (!byRel) continue;
    for (const [rel, w] of byRel) {
      if (rel.direction !== "manyToMany" || !rel.secondary) continue;
      const table = rel.secondary;
      const gone = [...w.removed].map((m) => assocRow(rel, owner, stateOf(m)!));
      if (gone.length) {
        const conds = gone.map((r) => and(...Object.entries(r).map(([k, v]) => (table.c as Record<string, any>)[k].eq(v))));
        await conn.execute(deleteFrom(table).where(conds.length === 1 ? conds[0]! : or(...conds)));
      }
      const rows = [...w.added].map((m) => assocRow(rel, owner, stateOf(m)!));
      if (rows.length) await conn.execute(insert(table).values(rows as never));
    }
  }
}

/** Forgets the flushed queues. */
export function settleWriteOnly(owners: Iterable<InstanceState>): void {
  for (const owner of owners) clearPendingWrites(owner);
}
