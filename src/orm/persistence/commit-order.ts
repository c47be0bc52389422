/**
 * The order a flush writes in: mappers sorted so that a row's foreign key can be filled from rows
 * written before it (relationships first, foreign keys between tables as a fallback), and, within a
 * self-referential mapper, rows grouped into levels that depend only on earlier levels.
 */
import { MappingError } from "../../util/errors.js";
import { topoSort } from "../../util/topo-sort.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../session/instance-state.js";
import { relatedOf, stateOf } from "../session/instance-state.js";
import type { InstrumentedList } from "../mapping/instrumentation.js";
import { columnsOf, valuesKey } from "./sync.js";

/** Mappers whose rows must be written before `m`'s (the "one" side of its foreign keys). */
function dependencies(m: Mapper, involved: ReadonlySet<Mapper>): Mapper[] {
  const out = new Set<Mapper>();
  for (const rel of m.relationships) {
    if (rel.viewonly || !rel.target) continue;
    if (rel.direction === "manyToOne") {
      for (const t of involved) if (t !== m && t.isA(rel.target)) out.add(t);
    }
  }
  for (const other of involved) {
    if (other === m) continue;
    for (const rel of other.relationships) {
      if (rel.viewonly || !rel.target || rel.direction !== "oneToMany") continue;
      if (m.isA(rel.target)) out.add(other);
    }
  }
  // Fallback: foreign keys between the tables, even without a relationship.
  for (const t of m.tables)
    for (const fk of t.foreignKeys) {
      if (!fk.isResolvable()) continue;
      const target = fk.resolve().table;
      for (const other of involved) if (other !== m && other.tables.includes(target) && !m.tables.includes(target)) out.add(other);
    }
  // Joined inheritance: a subclass's base rows come first through the same mapper, not another.
  return [...out].filter((d) => !m.isA(d) || d === m);
}

/** Mappers in write order (parents first). Mutual dependencies between mappers are kept in input order. */
export function mapperOrder(mappers: readonly Mapper[]): Mapper[] {
  const involved = new Set(mappers);
  return topoSort(mappers, (m) => dependencies(m, involved)).order;
}

/** The pending rows a row depends on through self-referential relationships (same hierarchy). */
function rowDeps(
  s: InstanceState,
  pending: ReadonlySet<InstanceState>,
  parentsOf: ReadonlyMap<InstanceState, InstanceState[]>,
): InstanceState[] {
  const out: InstanceState[] = [];
  for (const rel of s.mapper.relationships) {
    if (rel.viewonly || rel.direction !== "manyToOne" || rel.target.root !== s.mapper.root) continue;
    const v = relatedOf(s.obj, rel);
    const vs = v ? stateOf(v) : undefined;
    if (vs && pending.has(vs) && vs !== s) out.push(vs);
  }
  for (const p of parentsOf.get(s) ?? []) if (pending.has(p) && p !== s) out.push(p);
  return out;
}

/**
 * Splits pending rows of one mapper into levels: every row depends only on rows of earlier levels.
 * Rows that reference each other in a cycle cannot be inserted and are refused.
 */
export function rowLevels(states: readonly InstanceState[]): InstanceState[][] {
  if (states.length === 0) return [];
  const mapper = states[0]!.mapper;
  // The states of one call share their mapper (the unit of work groups them so).
  const selfRef = mapper.relationships.some((r) => !r.viewonly && r.target?.root === mapper.root);
  if (!selfRef) return [states as InstanceState[]];
  const pending = new Set(states);
  // One-to-many collections: a member depends on its owner.
  const parentsOf = new Map<InstanceState, InstanceState[]>();
  for (const s of states)
    for (const rel of s.mapper.relationships) {
      if (rel.viewonly || rel.direction !== "oneToMany" || rel.target.root !== mapper.root) continue;
      const list = relatedOf(s.obj, rel) as InstrumentedList | undefined;
      for (const child of list ?? []) {
        const cs = stateOf(child);
        if (cs && pending.has(cs)) parentsOf.set(cs, [...(parentsOf.get(cs) ?? []), s]);
      }
    }
  const level = new Map<InstanceState, number>();
  const visiting = new Set<InstanceState>();
  const visit = (s: InstanceState): number => {
    const known = level.get(s);
    if (known !== undefined) return known;
    if (visiting.has(s))
      throw new MappingError(
        `${mapper.name} objects reference each other in a cycle, so neither can be inserted first; set one of the references after flushing the others`,
      );
    visiting.add(s);
    let l = 0;
    for (const d of rowDeps(s, pending, parentsOf)) l = Math.max(l, visit(d) + 1);
    visiting.delete(s);
    level.set(s, l);
    return l;
  };
  const levels: InstanceState[][] = [];
  for (const s of states) {
    const l = visit(s);
    (levels[l] ??= []).push(s);
  }
  return levels.filter((x) => x !== undefined);
}

/**
 * Splits rows of one mapper that are deleted together into levels, rows referenced by others of the
 * set after those that reference them (databases that check foreign keys row by row, like MySQL,
 * refuse a parent deleted before its child even in one statement). Follows the foreign key values of
 * self-referential many-to-one relationships; rows in a reference cycle end up in the last level.
 */
export function deleteLevels(states: readonly InstanceState[]): InstanceState[][] {
  if (states.length < 2) return [states as InstanceState[]];
  const mapper = states[0]!.mapper;
  const rels = mapper.root.relationships
    .concat(mapper.relationships)
    .filter((r) => !r.viewonly && r.direction === "manyToOne" && r.target?.root === mapper.root);
  if (rels.length === 0) return [states as InstanceState[]];
  const keyOf = valuesKey;
  // How many rows of the set reference each row.
  const referencedBy = new Map<InstanceState, number>();
  const parentsOf = new Map<InstanceState, InstanceState[]>();
  for (const rel of new Set(rels)) {
    const cols = columnsOf(rel);
    const byKey = new Map(states.map((s) => [keyOf(s, cols.one), s] as const));
    for (const s of states) {
      const parent = byKey.get(keyOf(s, cols.many));
      if (!parent || parent === s) continue;
      referencedBy.set(parent, (referencedBy.get(parent) ?? 0) + 1);
      const list = parentsOf.get(s);
      if (list) list.push(parent);
      else parentsOf.set(s, [parent]);
    }
  }
  const levels: InstanceState[][] = [];
  let remaining = [...states];
  while (remaining.length > 0) {
    const level = remaining.filter((s) => !referencedBy.get(s));
    if (level.length === 0) {
      levels.push(remaining);
      break;
    }
    for (const s of level) for (const p of parentsOf.get(s) ?? []) referencedBy.set(p, referencedBy.get(p)! - 1);
    levels.push(level);
    const done = new Set(level);
    remaining = remaining.filter((s) => !done.has(s));
  }
  return levels;
}
