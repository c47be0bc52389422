/**
 * Points an expression at an alias: a copy of an expression node tree in which columns of one table
 * are replaced by the alias's columns (a relationship's `where` criteria or order, joined to an
 * anonymous alias). Only plain node objects are copied; schema objects are kept as they are.
 */
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import type { Column } from "../../sql/schema/column.js";

type Col = Column<string, unknown, boolean>;

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `node` with every column `to` maps replaced (`to` returns undefined for columns to keep). */
export function remapColumns(node: ExprNode, to: (col: Col) => Col | undefined): ExprNode {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v !== "object" || v === null || !isPlain(v)) return v;
    const n = v as { kind?: unknown; column?: Col };
    if (n.kind === "Column" && n.column) {
      const c = to(n.column);
      return c ? c.node : v;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = visit(x);
    return out;
  };
  return visit(node) as ExprNode;
}
