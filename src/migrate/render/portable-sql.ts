/**
 * SQL text for the common expressions of checks, index items and defaults, written without a
 * dialect: comparisons, AND/OR/NOT, IS NULL, IN, BETWEEN, LIKE, arithmetic, function calls, keywords
 * and raw sql`…`. Columns and string values become template interpolations (`${c.price}`,
 * `${"x"}`), so the database's own dialect spells them when the migration runs. Returns undefined
 * for anything else (casts, subqueries, JSON paths): render-context.ts then asks the dialect.
 */
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import { templateText, tsString } from "./ts-literals.js";

/** How a column is written inside the template (`${c.name}`, or a name). */
export type ColumnWriter = (name: string) => string;

/** Nodes written as a single token, which need no parentheses around them. */
const ATOMS = new Set(["Column", "Bind", "Keyword", "Func", "Raw"]);

export function portableSql(node: ExprNode, column: ColumnWriter): string | undefined {
  const sub = (n: ExprNode): string | undefined => {
    const s = portableSql(n, column);
    return s === undefined ? undefined : ATOMS.has(n.kind) ? s : `(${s})`;
  };
  const all = (nodes: readonly ExprNode[], f: (n: ExprNode) => string | undefined = sub): string[] | undefined => {
    const out = nodes.map(f);
    return out.some((s) => s === undefined) ? undefined : (out as string[]);
  };
  switch (node.kind) {
    case "Column":
      return column(node.column.name);
    case "Bind": {
      if (node.name !== undefined || node.callable) return undefined;
      const v = node.value;
      if (v === null || v === undefined) return "NULL";
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
      if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
      if (typeof v === "string") return `\${${tsString(v)}}`;
      return undefined;
    }
    case "Keyword":
      return node.word;
    case "Raw": {
      if (node.args.length > 0) {
        const args = all(node.args as ExprNode[], (n) => portableSql(n, column));
        if (!args) return undefined;
        return node.parts.map((p, i) => templateText(p) + (args[i] ?? "")).join("");
      }
      return templateText(node.parts[0]!);
    }
    case "Binary": {
      const [l, r] = [sub(node.left), sub(node.right)];
      return l === undefined || r === undefined ? undefined : `${l} ${node.op} ${r}`;
    }
    case "BoolList": {
      const items = all(node.items);
      return items?.join(` ${node.op} `);
    }
    case "Unary": {
      const o = sub(node.operand);
      if (o === undefined || node.op === "DISTINCT") return undefined;
      return node.op === "NOT" ? `NOT ${o}` : `-${o}`;
    }
    case "IsNull": {
      const o = sub(node.operand);
      return o === undefined ? undefined : `${o} IS ${node.negate ? "NOT " : ""}NULL`;
    }
    case "In": {
      if (!Array.isArray(node.items)) return undefined;
      const o = sub(node.operand);
      const items = all(node.items as readonly ExprNode[]);
      return o === undefined || !items ? undefined : `${o} ${node.negate ? "NOT " : ""}IN (${items.join(", ")})`;
    }
    case "Between": {
      const parts = all([node.operand, node.low, node.high]);
      return parts && `${parts[0]} ${node.negate ? "NOT " : ""}BETWEEN ${parts[1]} AND ${parts[2]}`;
    }
    case "Like": {
      if (node.caseInsensitive || node.escape !== undefined) return undefined;
      const parts = all([node.operand, node.pattern]);
      return parts && `${parts[0]} ${node.negate ? "NOT " : ""}LIKE ${parts[1]}`;
    }
    case "Func": {
      if (node.distinct || node.filter) return undefined;
      const args = all(node.args, (n) => portableSql(n, column));
      return args && `${node.name}(${args.join(", ")})`;
    }
    default:
      return undefined;
  }
}
