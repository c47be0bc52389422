/**
 * Turns the array rows of an entity statement (`select(User)`, `select(User, func.count())`,
 * `insert(User).returning(User)`) into instances and row objects. Called by the Session.
 */
import type { SelectItemNode } from "../../sql/nodes/from-nodes.js";
import type { EntityRange } from "../../sql/statements/entity.js";
import { mapperOfEntity, type Mapper } from "../mapping/mapper.js";
import { loadInstance, type LoadTarget } from "./instance-loader.js";

/** Where one entity's values sit in a row. */
export interface EntitySpan {
  readonly key: string;
  readonly mapper: Mapper;
  readonly start: number;
  readonly count: number;
}

export function spansOf(ranges: readonly EntityRange[]): EntitySpan[] {
  return ranges.map((r) => ({ key: r.key, mapper: mapperOfEntity(r.entity), start: r.start, count: r.count }));
}

/** A row consumer collecting the instance of `span` of each row (what `scalars()` gives for `select(User)`). */
export function firstEntityCollector(
  target: LoadTarget,
  span: EntitySpan,
): { readonly objs: Array<object | null>; onRow(row: unknown[]): void } {
  const objs: Array<object | null> = [];
  const { mapper, start, count } = span;
  return { objs, onRow: (row) => void objs.push(loadInstance(target, mapper, row, start, count)) };
}

/** A row consumer collecting row objects: each entity under its key, other values under their select-list keys. */
export function rowObjectCollector(
  target: LoadTarget,
  spans: readonly EntitySpan[],
  items: readonly SelectItemNode[],
): { readonly rows: Record<string, unknown>[]; readonly keys: string[]; onRow(row: unknown[]): void } {
  // One slot per result key, in select-list order: an entity, or a plain column index.
  const slots: Array<{ key: string; span?: EntitySpan; index: number }> = [];
  for (let i = 0; i < items.length;) {
    const span = spans.find((s) => s.start === i);
    if (span) {
      slots.push({ key: span.key, span, index: i });
      i += span.count;
    } else {
      slots.push({ key: items[i]!.key, index: i });
      i++;
    }
  }
  const rows: Record<string, unknown>[] = [];
  const onRow = (row: unknown[]): void => {
    const obj: Record<string, unknown> = {};
    for (const slot of slots)
      obj[slot.key] = slot.span ? loadInstance(target, slot.span.mapper, row, slot.span.start, slot.span.count) : row[slot.index];
    rows.push(obj);
  };
  return { rows, keys: slots.map((s) => s.key), onRow };
}
