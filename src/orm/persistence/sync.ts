/**
 * Foreign key synchronisation: before a row is written, copy the primary key of the object each of
 * its relationships points at into its foreign key attributes (or NULL when the relationship was
 * emptied). Called by the unit of work between the writes of parents and children.
 */
import type { Column } from "../../sql/schema/column.js";
import type { ColumnProperty, Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { NO_VALUE, type InstanceState } from "../session/instance-state.js";

/** One pending assignment: `child`'s foreign key columns of `rel` take `parent`'s key (or NULL). */
export interface Sync {
  readonly child: InstanceState;
  readonly rel: RelationshipProperty;
  readonly parent: InstanceState | null;
}

/** Column properties on both sides of a relationship's foreign key. */
export interface SyncColumns {
  /** On the referenced ("one") side. */
  readonly one: readonly ColumnProperty[];
  /** On the referencing ("many") side. */
  readonly many: readonly ColumnProperty[];
}

const cache = new WeakMap<RelationshipProperty, SyncColumns>();

/** The attribute of `mapper` that holds `col` (its own column, or the same attribute in another table of joined inheritance). */
export function propFor(mapper: Mapper, col: Column<string, unknown, boolean>): ColumnProperty {
  return mapper.propertyOfColumn(col);
}

/** The column properties on both sides of a relationship's foreign key. */
export function columnsOf(rel: RelationshipProperty): SyncColumns {
  let c = cache.get(rel);
  if (!c) {
    const oneMapper = rel.direction === "manyToOne" ? rel.target : rel.parent;
    const manyMapper = rel.direction === "manyToOne" ? rel.parent : rel.target;
    c = { one: rel.pairs.map(([one]) => propFor(oneMapper, one)), many: rel.pairs.map(([, many]) => propFor(manyMapper, many)) };
    cache.set(rel, c);
  }
  return c;
}

/** A string key of some attribute values of an object (to match foreign keys with primary keys). */
export function valuesKey(s: InstanceState, props: readonly { index: number }[]): string {
  return JSON.stringify(
    props.map((p) => s.get(p.index)),
    (_k, x) => (typeof x === "bigint" ? `${x}n` : x),
  );
}

/** Whether the parent's key is known (it was inserted already, or its key was given). */
export function parentReady(sync: Sync): boolean {
  if (!sync.parent) return true;
  const parent = sync.parent;
  return columnsOf(sync.rel).one.every((p) => {
    const v = parent.get(p.index);
    return v !== undefined && v !== NO_VALUE;
  });
}

/**
 * Applies a sync to the child's values, tracking the change like an assignment would so that a
 * persistent child's UPDATE includes it.
 */
export function applySync(sync: Sync): void {
  const { one, many } = columnsOf(sync.rel);
  const child = sync.child;
  for (let i = 0; i < many.length; i++) {
    const p = many[i]!;
    const value = sync.parent ? sync.parent.get(one[i]!.index) : null;
    const old = child.get(p.index);
    if (old === value) continue;
    if (child.status === "persistent") {
      const committed = (child.committed ??= new Map());
      if (!committed.has(p.index)) committed.set(p.index, old);
    }
    child.set(p.index, value);
  }
}
