/**
 * What every relationship loader needs to know about a relationship: which attributes of the parent
 * hold the key the related rows are matched on, which target columns it matches, the collection
 * order and extra criteria; and how a loaded value is stored without counting as a change.
 * Called by the strategy modules and session-load.ts.
 */
import { MappingError } from "../../util/errors.js";
import type { Column } from "../../sql/schema/column.js";
import type { Expression } from "../../sql/elements/expression.js";
import type { ColumnProperty, Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { newCollection } from "../mapping/instrumentation.js";
import { hasRelated, type Instance, NO_VALUE, putRelated, STATE } from "../session/instance-state.js";

type Col = Column<string, unknown, boolean>;

/** The attribute of `mapper` stored in column `col`. */
export function propertyFor(mapper: Mapper, col: Col): ColumnProperty {
  return mapper.propertyOfColumn(col);
}

/** How a relationship's rows are found from its parents. */
export interface RelationshipKeys {
  /** Parent attributes whose values identify the related rows. */
  readonly parentProps: readonly ColumnProperty[];
  /**
   * Columns the parent values are compared with: the target's (one-to-many, many-to-one) or the
   * association table's (many-to-many).
   */
  readonly matchColumns: readonly Col[];
  /** One-to-many / many-to-one: the target attributes holding the match columns (key of a loaded row). */
  readonly targetProps: readonly ColumnProperty[];
  /** Many-to-one whose match columns are the target's primary key, in key order: the identity map can answer. */
  readonly byTargetPk: boolean;
}

const cache = new WeakMap<RelationshipProperty, RelationshipKeys>();

export function keysOf(rel: RelationshipProperty): RelationshipKeys {
  let k = cache.get(rel);
  if (k) return k;
  if (rel.direction === "manyToMany") {
    if (!rel.secondary || rel.secondaryParent.length === 0)
      throw new MappingError(`${rel.parent.name}.${rel.key} is many-to-many but its association table is not resolved`);
    k = {
      parentProps: rel.secondaryParent.map(([p]) => propertyFor(rel.parent, p)),
      matchColumns: rel.secondaryParent.map(([, a]) => a),
      targetProps: [],
      byTargetPk: false,
    };
  } else if (rel.direction === "oneToMany") {
    k = {
      parentProps: rel.pairs.map(([one]) => propertyFor(rel.parent, one)),
      matchColumns: rel.pairs.map(([, many]) => many),
      targetProps: rel.pairs.map(([, many]) => propertyFor(rel.target, many)),
      byTargetPk: false,
    };
  } else {
    const targetProps = rel.pairs.map(([one]) => propertyFor(rel.target, one));
    const pk = rel.target.pk;
    k = {
      parentProps: rel.pairs.map(([, many]) => propertyFor(rel.parent, many)),
      matchColumns: rel.pairs.map(([one]) => one),
      targetProps,
      byTargetPk: pk.length === targetProps.length && pk.every((p, i) => p === targetProps[i]),
    };
  }
  cache.set(rel, k);
  return k;
}

function compositeKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}

/** A parent's key for `rel` (one value, or a string for composite keys); undefined when a part is NULL or unloaded. */
export function parentKey(keys: RelationshipKeys, obj: object): unknown {
  const props = keys.parentProps;
  const o = obj as Instance;
  if (props.length === 1) {
    const v = o[props[0]!.slot];
    return v === null || v === undefined || v === NO_VALUE ? undefined : v;
  }
  const values: unknown[] = [];
  for (const p of props) {
    const v = o[p.slot];
    if (v === null || v === undefined || v === NO_VALUE) return undefined;
    values.push(v);
  }
  return compositeKey(values);
}

/** The parent-side values behind a key (for building `IN (…)`): one array per key. */
export function parentValues(keys: RelationshipKeys, obj: object): unknown[] {
  const o = obj as Instance;
  return keys.parentProps.map((p) => o[p.slot]);
}

/** The key of a row for `rel`: the values at `indexes` (one value, or a string when composite). */
export function rowKey(row: readonly unknown[], indexes: readonly number[]): unknown {
  if (indexes.length === 1) return row[indexes[0]!];
  return compositeKey(indexes.map((i) => row[i]));
}

/**
 * The parents that do not hold `rel` yet (deleted ones left out), grouped by their key for it, with
 * each key's values once; parents without a key (a NULL foreign key) get an empty collection or
 * null at once. What select-IN and subquery loading start from.
 */
export function pendingParents(
  rel: RelationshipProperty,
  parents: readonly object[],
): { byKey: Map<unknown, object[]>; values: unknown[][] } {
  const keys = keysOf(rel);
  const byKey = new Map<unknown, object[]>();
  const values: unknown[][] = [];
  for (const p of parents) {
    if (hasRelated(p, rel) || (p as Instance)[STATE]?.status === "deleted") continue;
    const k = parentKey(keys, p);
    if (k === undefined) {
      storeLoaded(p, rel, rel.uselist ? [] : null);
      continue;
    }
    const list = byKey.get(k);
    if (list) list.push(p);
    else {
      byKey.set(k, [p]);
      values.push(parentValues(keys, p));
    }
  }
  return { byKey, values };
}

/**
 * Stores a loaded value as the relationship's unchanged state: collections become tracked lists
 * with no change record; nothing is marked dirty. A value already there is kept (loading never
 * overwrites what the object holds).
 */
export function storeLoaded(obj: object, rel: RelationshipProperty, value: readonly object[] | object | null): boolean {
  if (hasRelated(obj, rel)) return false;
  putRelated(obj, rel, rel.uselist ? newCollection(obj, rel, value as readonly object[]) : value);
  return true;
}

/**
 * After a one-to-many load, the children's many-to-one back-reference is the parent: set it where
 * it is not loaded yet, so reading `post.author` needs no further load.
 */
export function storeBackReference(rel: RelationshipProperty, parent: object, children: readonly object[]): void {
  const back = rel.backPopulates;
  if (!back || back.uselist || rel.direction !== "oneToMany") return;
  // The field is written here rather than through storeLoaded: this site sees one model's objects,
  // so the keyed access stays monomorphic (it runs once per loaded child).
  const slot = back.slot;
  for (let i = 0; i < children.length; i++) {
    const c = children[i] as Instance;
    if (c[slot] === undefined) c[slot] = parent;
  }
}

/** The order of `rel`'s collection when loaded (its `orderBy`, resolved by configure()). */
export function orderOf(rel: RelationshipProperty): Array<Expression<unknown, any>> {
  return rel.orderBy.map((o) => (o.desc ? o.column.desc() : o.column) as Expression<unknown, any>);
}
