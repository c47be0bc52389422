/**
 * Turns the array rows of an entity statement (`select(User)`, `select(User, func.count())`,
 * `insert(User).returning(User)`) into instances and row objects. Called by the Session.
 */
import type { SelectItemNode } from "../../sql/nodes/from-nodes.js";
import type { EntityRange } from "../../sql/statements/entity.js";
import { mapperOfEntity, type Mapper } from "../mapping/mapper.js";
import { SpanLoader, type LoadTarget } from "./instance-loader.js";

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
  const loader = new SpanLoader(target, span.mapper, span.start, span.count);
  return { objs, onRow: (row) => void objs.push(loader.load(row)) };
}

/** A row consumer collecting row objects: each entity under its key, other values under their select-list keys. */
export function rowObjectCollector(
  target: LoadTarget,
  spans: readonly EntitySpan[],
  items: readonly SelectItemNode[],
): { readonly rows: Record<string, unknown>[]; readonly keys: string[]; onRow(row: unknown[]): void } {
  // One slot per result key, in select-list order: an entity, or a plain column index.
  const slots: Array<{ key: string; loader: SpanLoader | undefined; index: number }> = [];
  for (let i = 0; i < items.length;) {
    const span = spans.find((s) => s.start === i);
    if (span) {
      slots.push({ key: span.key, loader: new SpanLoader(target, span.mapper, span.start, span.count), index: i });
      i += span.count;
    } else {
      slots.push({ key: items[i]!.key, loader: undefined, index: i });
      i++;
    }
  }
  const rows: Record<string, unknown>[] = [];
  const onRow = (row: unknown[]): void => {
    const obj: Record<string, unknown> = {};
    for (const slot of slots) obj[slot.key] = slot.loader ? slot.loader.load(row) : row[slot.index];
    rows.push(obj);
  };
  return { rows, keys: slots.map((s) => s.key), onRow };
}
