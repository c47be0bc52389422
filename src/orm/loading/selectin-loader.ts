/**
 * Select-IN loading: one SELECT per 5,000 parents (500 with composite keys), `WHERE child.fk IN (parent keys)` (one-to-many,
 * from the child table only), `WHERE target.pk IN (fk values)` (many-to-one, skipping targets the
 * identity map already holds) or through the association table (many-to-many). Composite keys
 * compare column tuples. Called by eager-loader.ts and session-load.ts.
 */
import type { Expression } from "../../sql/elements/expression.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import type { Column } from "../../sql/schema/column.js";
import { select, type Select } from "../../sql/statements/select.js";
import type { RelationshipProperty } from "../mapping/mapper.js";
import { type Instance, STATE } from "../session/instance-state.js";
import { keyBatch } from "./by-key.js";
import type { LoadContext } from "./load-context.js";
import type { Plan } from "./load-plan.js";
import { keysOf, orderOf, pendingParents, rowKey, storeBackReference, storeLoaded } from "./relationship-keys.js";

type Col = Column<string, unknown, boolean>;

/** `col IN (…)`, or `(a = ? AND b = ?) OR …` for several columns. */
export function matchCondition(cols: readonly Col[], values: readonly (readonly unknown[])[]): Expression<boolean, any> {
  if (cols.length === 1) return cols[0]!.in(values.map((v) => v[0]));
  const each = values.map((v) => and(...cols.map((c, i) => c.eq(v[i]))));
  return each.length === 1 ? each[0]! : or(...each);
}

/** The query loading `rel`'s rows for some parent keys; for many-to-many the association's parent columns follow the entity. */
export function relatedQuery(rel: RelationshipProperty, match: Expression<boolean, any>): Select<unknown, unknown> {
  const cls = rel.target.mappedClass as never;
  let stmt: Select<unknown, unknown>;
  if (rel.direction === "manyToMany") {
    const assoc = rel.secondaryParent.map(([, a]) => a);
    const on = rel.secondaryTarget.map(([t, a]) => t.eq(a));
    stmt = (select as (...a: unknown[]) => Select<unknown, unknown>)(cls, ...assoc).join(
      rel.secondary!,
      on.length === 1 ? on[0]! : and(...on),
    );
  } else stmt = select(cls);
  stmt = stmt.where(match);
  const extra = rel.where;
  if (extra) stmt = stmt.where(extra);
  const order = orderOf(rel);
  return order.length ? stmt.orderBy(...order) : stmt;
}

/** Where a loaded row's key for `rel` sits: target attributes, or the association columns after the entity. */
export function rowKeyIndexes(rel: RelationshipProperty): number[] {
  if (rel.direction === "manyToMany") {
    const n = rel.target.selectItems().length;
    return rel.secondaryParent.map((_, i) => n + i);
  }
  return keysOf(rel).targetProps.map((p) => p.index);
}

/** Loads `rel` for every parent that does not hold it yet. */
export async function selectinLoad(ctx: LoadContext, rel: RelationshipProperty, parents: readonly object[], plan: Plan): Promise<void> {
  const keys = keysOf(rel);
  const { byKey, values } = pendingParents(rel, parents);
  if (byKey.size === 0) return;
  let pending = values;
  const hits: object[] = [];
  if (keys.byTargetPk && rel.direction === "manyToOne" && rel.where === undefined) {
    // Targets already in the session need no SQL.
    const map = ctx.target.identityMap(rel.target.root);
    pending = [];
    for (const v of values) {
      const k = v.length === 1 ? v[0] : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
      const hit = map.get(k);
      if (hit !== undefined && (hit as Instance)[STATE]?.status !== "deleted") {
        for (const p of byKey.get(k)!) storeLoaded(p, rel, hit);
        hits.push(hit);
        byKey.delete(k);
      } else pending.push(v);
    }
  }
  const indexes = rowKeyIndexes(rel);
  const single = indexes.length === 1 ? indexes[0]! : -1;
  const size = keyBatch(keys.matchColumns.length);
  for (let i = 0; i < pending.length; i += size) {
    const batch = pending.slice(i, i + size);
    const found = new Map<unknown, object[]>();
    const stmt = relatedQuery(rel, matchCondition(keys.matchColumns, batch));
    await ctx.query(stmt.node as never, rel.target, plan, (obj, row, repeat) => {
      if (!obj) return;
      const k = single >= 0 ? row[single] : rowKey(row, indexes);
      const list = found.get(k);
      if (!list) found.set(k, [obj]);
      else if (!repeat || !list.includes(obj)) list.push(obj);
    });
    for (const v of batch) {
      const k = v.length === 1 ? v[0] : JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : x));
      const children = found.get(k) ?? [];
      for (const p of byKey.get(k) ?? []) {
        if (rel.uselist) {
          if (storeLoaded(p, rel, children)) storeBackReference(rel, p, children);
        } else storeLoaded(p, rel, children[0] ?? null);
      }
    }
  }
  // Targets found in the session still get the options below this link.
  if (hits.length > 0) await ctx.related(rel.target, hits, plan);
}
