/**
 * The `sql` tagged template: the one way raw SQL text enters a statement. Only the template's
 * literal text is SQL; every interpolated value becomes a bound parameter, while interpolated
 * expressions, tables and statements are rendered by the compiler (identifiers quoted).
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { UNTYPED, type SqlType } from "../types/sql-type.js";
import { bindNode, type RawArg } from "../nodes/expression-nodes.js";
import type { NamedFrom } from "../nodes/from-nodes.js";
import { Expression, isSubqueryLike } from "./expression.js";

/** A raw SQL fragment; usable as an expression and, on its own, as a statement. */
export class SqlFragment<T = unknown> extends Expression<T> {
  /** Declares the fragment's SQL type so result values are converted (`sql\`…\`.typed(Integer)`). */
  typed<V>(type: SqlType<V>): SqlFragment<V> {
    return new SqlFragment<V>(this.node, type);
  }
}

function isNamedFrom(v: unknown): v is NamedFrom {
  if (typeof v !== "object" || v === null) return false;
  const k = (v as { kind?: unknown }).kind;
  return (k === "Table" || k === "Alias" || k === "Subquery" || k === "Cte") && "columnList" in v;
}

function toRawArg(value: unknown, index: number): RawArg {
  if (value instanceof Expression) return value.node;
  if (isNamedFrom(value)) return value;
  if (isSubqueryLike(value)) return value.node;
  if (value === undefined) throw new ArgumentError(`sql template value ${index + 1} is undefined; use null for SQL NULL`);
  return bindNode(value, UNTYPED, `sql template value ${index + 1}`);
}

function checkText(part: string): string {
  if (part.includes("\u0000")) throw new ArgumentError("SQL text may not contain NUL characters");
  return part;
}

/**
 * Raw SQL with bound values.
 * @example sql`lower(${users.c.email}) = ${input}` // lower("users"."email") = $1
 */
export function sql<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment<T> {
  if (!Array.isArray(strings) || !("raw" in strings))
    throw new ArgumentError("sql must be used as a tagged template: sql`SELECT ...`, never called with a string");
  const parts = strings.map(checkText);
  return new SqlFragment<T>({ kind: "Raw", parts, args: values.map(toRawArg) }, UNTYPED);
}

/** A quoted identifier, optionally qualified: `sql.identifier("audit", "events")` → `"audit"."events"`. */
sql.identifier = function identifier(...names: string[]): Expression<unknown> {
  if (names.length === 0) throw new ArgumentError("sql.identifier() needs at least one name");
  for (const n of names) {
    if (typeof n !== "string" || n.length === 0 || n.includes("\u0000"))
      throw new ArgumentError(`sql.identifier(): ${describeValue(n)} is not a valid identifier`);
  }
  return new Expression({ kind: "Identifier", names }, UNTYPED);
};

/** Joins fragments with a separator fragment (default `, `). */
sql.join = function join(items: readonly unknown[], separator: SqlFragment = sql`, `): SqlFragment {
  const parts: string[] = [""];
  const args: RawArg[] = [];
  items.forEach((item, i) => {
    if (i > 0) {
      args.push(separator.node);
      parts.push("");
    }
    args.push(toRawArg(item, i));
    parts.push("");
  });
  return new SqlFragment({ kind: "Raw", parts, args }, UNTYPED);
};

/**
 * @internal SQL text taken as it is, for text that comes from the database itself (reflected
 * defaults, CHECK conditions, index expressions). Never for values: those go through `sql`.
 */
export function sqlText<T = unknown>(text: string): SqlFragment<T> {
  return new SqlFragment<T>({ kind: "Raw", parts: [checkText(text)], args: [] }, UNTYPED);
}
