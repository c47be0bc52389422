/** and / or / not / exists / distinct: combinators over boolean and other expressions. */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { boolList, keyword, type ExprNode } from "../nodes/expression-nodes.js";
import { BOOLEAN_TYPE } from "./builtin-types.js";
import { Expression, isSubqueryLike, type SubqueryLike } from "./expression.js";

/** Condition types accepted by and/or/not/where. */
export type Condition = Expression<boolean | null, string>;

/** Unwraps a condition to its node, refusing anything that is not an expression (including undefined). */
export function conditionNode(cond: unknown, where: string): ExprNode {
  if (cond instanceof Expression) return cond.node;
  throw new ArgumentError(
    `${where} got ${describeValue(cond)}; conditions are expressions such as users.c.id.eq(5)` +
      (cond === undefined ? " (drop the argument instead of passing undefined)" : ""),
  );
}

function combine(op: "AND" | "OR", conds: readonly unknown[]): Expression<boolean> {
  const items = conds.map((c, i) => conditionNode(c, `${op.toLowerCase()}() argument ${i + 1}`));
  if (items.length === 0) return new Expression(keyword(op === "AND" ? "TRUE" : "FALSE"), BOOLEAN_TYPE);
  if (items.length === 1) return new Expression(items[0]!, BOOLEAN_TYPE);
  return new Expression(boolList(op, items), BOOLEAN_TYPE);
}

/** `a AND b AND …`. With no arguments: TRUE. */
export function and(...conds: Condition[]): Expression<boolean> {
  return combine("AND", conds);
}

/** `a OR b OR …`. With no arguments: FALSE. */
export function or(...conds: Condition[]): Expression<boolean> {
  return combine("OR", conds);
}

/** `NOT a` */
export function not(cond: Condition): Expression<boolean> {
  return new Expression({ kind: "Unary", op: "NOT", operand: conditionNode(cond, "not()") }, BOOLEAN_TYPE);
}

/** `EXISTS (subquery)` */
export function exists(query: SubqueryLike): Expression<boolean> {
  if (!isSubqueryLike(query)) throw new ArgumentError(`exists() takes a select statement, got ${describeValue(query)}`);
  return new Expression({ kind: "Exists", select: query.node }, BOOLEAN_TYPE);
}
