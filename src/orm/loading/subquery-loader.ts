/**
 * Subquery loading: one second SELECT of the related rows joined to the original query, re-run as a
 * subquery that selects only the parents' keys: `SELECT posts.* , anon.id FROM posts JOIN (SELECT
 * users.id FROM users WHERE …) AS anon ON posts.user_id = anon.id`. Called by eager-loader.ts.
 */
import type { Expression } from "../../sql/elements/expression.js";
import { and } from "../../sql/elements/conjunctions.js";
import type { SelectItemNode, SelectNode } from "../../sql/nodes/from-nodes.js";
import { Subquery } from "../../sql/statements/derived-from.js";
import { select, type Select } from "../../sql/statements/select.js";
import type { RelationshipProperty } from "../mapping/mapper.js";
import type { LoadContext } from "./load-context.js";
import type { Plan } from "./load-plan.js";
import { keysOf, orderOf, pendingParents, rowKey, storeBackReference, storeLoaded } from "./relationship-keys.js";

/** Loads `rel` for `parents`, which `source` loaded. */
export async function subqueryLoad(
  ctx: LoadContext,
  rel: RelationshipProperty,
  parents: readonly object[],
  plan: Plan,
  source: SelectNode,
): Promise<void> {
  const keys = keysOf(rel);
  const { byKey } = pendingParents(rel, parents);
  if (byKey.size === 0) return;
  // The original query, selecting only the parent key columns (its order matters only with a limit).
  const items: SelectItemNode[] = keys.parentProps.map((p, i) => ({
    expr: p.column.node,
    key: `k${i}`,
    type: p.column.type,
    label: undefined,
  }));
  const keep = source.limit !== undefined || source.offset !== undefined;
  const inner: SelectNode = {
    ...source,
    items,
    entities: [],
    loaderOptions: undefined,
    orderBy: keep ? source.orderBy : [],
    lock: undefined,
    correlate: "none",
  };
  const sq = new Subquery(inner);
  const on: Array<Expression<boolean, any>> = keys.matchColumns.map((c, i) => c.eq(sq.columnList[i]!));
  const cls = rel.target.mappedClass as never;
  let stmt = (select as (...a: unknown[]) => Select<unknown, unknown>)(cls, ...sq.columnList);
  if (rel.direction === "manyToMany") {
    const toTarget = rel.secondaryTarget.map(([t, a]) => t.eq(a));
    stmt = stmt.join(rel.secondary!, toTarget.length === 1 ? toTarget[0]! : and(...toTarget));
  }
  stmt = stmt.join(sq as never, on.length === 1 ? on[0]! : and(...on));
  const extra = rel.where;
  if (extra) stmt = stmt.where(extra);
  const order = orderOf(rel);
  if (order.length) stmt = stmt.orderBy(...order);
  const count = rel.target.selectItems().length;
  const indexes = keys.parentProps.map((_, i) => count + i);
  // A parent repeated by the original query's joins repeats its children: keep each once.
  const found = new Map<unknown, Set<object>>();
  await ctx.query(stmt.node as never, rel.target, plan, (obj, row) => {
    if (!obj) return;
    const k = rowKey(row, indexes);
    const set = found.get(k);
    if (set) set.add(obj);
    else found.set(k, new Set([obj]));
  });
  for (const [k, ps] of byKey) {
    const children = [...(found.get(k) ?? [])];
    for (const p of ps) {
      if (rel.uselist) {
        if (storeLoaded(p, rel, children)) storeBackReference(rel, p, children);
      } else storeLoaded(p, rel, children[0] ?? null);
    }
  }
}
