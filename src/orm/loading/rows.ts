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

function valuesOf(row: unknown[], span: EntitySpan): unknown[] {
  return span.start === 0 && span.count === row.length ? row : row.slice(span.start, span.start + span.count);
}

/** The instance of `span` in each row (what `scalars()` gives for `select(User)`). */
export function loadFirstEntity(target: LoadTarget, span: EntitySpan, rows: unknown[][]): Array<object | null> {
  const out = new Array<object | null>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = loadInstance(target, span.mapper, valuesOf(rows[i]!, span));
  return out;
}

/** Row objects: each entity under its key, other values under their select-list keys. */
export function loadRowObjects(
  target: LoadTarget,
  spans: readonly EntitySpan[],
  items: readonly SelectItemNode[],
  rows: unknown[][],
): { rows: Record<string, unknown>[]; keys: string[] } {
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
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const obj: Record<string, unknown> = {};
    for (const slot of slots)
      obj[slot.key] = slot.span ? loadInstance(target, slot.span.mapper, valuesOf(row, slot.span)) : row[slot.index];
    out[r] = obj;
  }
  return { rows: out, keys: slots.map((s) => s.key) };
}
