/**
 * Generic traversal of expression nodes: the children of each kind, and the FROM items an
 * expression references directly (not inside nested subqueries, which have their own FROM).
 */
import type { ExprNode } from "./expression-nodes.js";
import type { FromItem, NamedFrom, SelectNode } from "./from-nodes.js";

/** Calls `fn` on each direct child expression of `node`. Subqueries are not entered. */
export function forEachChild(node: ExprNode, fn: (child: ExprNode) => void): void {
  switch (node.kind) {
    case "Binary":
      fn(node.left);
      fn(node.right);
      return;
    case "Like":
      fn(node.operand);
      fn(node.pattern);
      return;
    case "BoolList":
    case "Tuple":
      node.items.forEach(fn);
      return;
    case "Unary":
    case "IsNull":
    case "Cast":
    case "Collate":
    case "JsonPath":
      fn(node.operand);
      return;
    case "In":
      fn(node.operand);
      if (Array.isArray(node.items)) (node.items as ExprNode[]).forEach(fn);
      return;
    case "Between":
      fn(node.operand);
      fn(node.low);
      fn(node.high);
      return;
    case "Func":
      node.args.forEach(fn);
      if (node.filter) fn(node.filter);
      return;
    case "Over":
      node.func.args.forEach(fn);
      if (node.func.filter) fn(node.func.filter);
      node.window.partitionBy.forEach(fn);
      node.window.orderBy.forEach(fn);
      return;
    case "Case":
      if (node.value) fn(node.value);
      for (const [w, t] of node.whens) {
        fn(w);
        fn(t);
      }
      if (node.else) fn(node.else);
      return;
    case "Label":
    case "Ordering":
      fn(node.inner);
      return;
    case "Raw":
      for (const a of node.args) if (isExprNode(a)) fn(a);
      return;
    default:
      return;
  }
}

const EXPR_KINDS = new Set([
  "Column",
  "Bind",
  "Keyword",
  "Binary",
  "Like",
  "BoolList",
  "Unary",
  "IsNull",
  "In",
  "Between",
  "Func",
  "Over",
  "Cast",
  "Case",
  "Label",
  "Ordering",
  "ScalarSubquery",
  "Exists",
  "Identifier",
  "Raw",
  "JsonPath",
  "Collate",
  "Tuple",
  "Star",
]);

/** Whether a raw-template argument is an expression node (rather than a FROM item or statement). */
export function isExprNode(v: unknown): v is ExprNode {
  return typeof v === "object" && v !== null && EXPR_KINDS.has((v as { kind: string }).kind);
}

/** Adds to `out` the FROM items that columns in `node` belong to. */
export function collectFroms(node: ExprNode, out: Set<NamedFrom>): void {
  if (node.kind === "Column") {
    out.add(node.column.table);
    return;
  }
  if (node.kind === "Star" && node.from && node.from.kind !== "Join") {
    out.add(node.from);
    return;
  }
  if (node.kind === "Raw") {
    // Tables interpolated into raw SQL are rendered where they appear; they add no FROM entry.
    for (const a of node.args) if (isExprNode(a)) collectFroms(a, out);
    return;
  }
  forEachChild(node, (c) => collectFroms(c, out));
}

/** Named FROM items inside a FROM item (the item itself, or every table of a join tree). */
export function namedFromsOf(item: FromItem, out: NamedFrom[] = []): NamedFrom[] {
  if (item.kind === "Join") {
    namedFromsOf(item.left, out);
    namedFromsOf(item.right, out);
  } else out.push(item);
  return out;
}

/**
 * The FROM list of a select: explicit FROM items first, then every other item referenced by the
 * select list, WHERE, GROUP BY, HAVING and ORDER BY, in order of first reference.
 */
export function selectFroms(node: SelectNode): FromItem[] {
  const covered = new Set<NamedFrom>();
  for (const f of node.from) for (const n of namedFromsOf(f)) covered.add(n);
  const referenced = new Set<NamedFrom>();
  for (const item of node.items) collectFroms(item.expr, referenced);
  if (node.where) collectFroms(node.where, referenced);
  for (const g of node.groupBy) collectFroms(g, referenced);
  if (node.having) collectFroms(node.having, referenced);
  for (const o of node.orderBy) collectFroms(o, referenced);
  const result: FromItem[] = [...node.from];
  for (const r of referenced) if (!covered.has(r)) result.push(r);
  return result;
}
