/** CASE expressions: `caseWhen(cond, value).when(cond2, value2).else(fallback)`. */
import { UNTYPED, type SqlType } from "../types/sql-type.js";
import type { ExprNode } from "../nodes/expression-nodes.js";
import { Expression, toOperandNode, type Operand } from "./expression.js";
import { conditionNode, type Condition } from "./conjunctions.js";

/** A CASE expression; without `.else()` unmatched rows give NULL. */
export class CaseExpression<T> extends Expression<T> {
  readonly #whens: ReadonlyArray<readonly [ExprNode, ExprNode]>;
  constructor(whens: ReadonlyArray<readonly [ExprNode, ExprNode]>, type: SqlType<any>, elseNode?: ExprNode) {
    super({ kind: "Case", whens, else: elseNode }, type);
    this.#whens = whens;
  }
  /** Adds a `WHEN cond THEN value` branch. */
  when<V>(cond: Condition, value: Operand<V>): CaseExpression<T | V> {
    return new CaseExpression<T | V>([...this.#whens, [conditionNode(cond, "when()"), toOperandNode(value, this.type)]], this.type);
  }
  /** The `ELSE` branch. */
  else<V>(value: Operand<V>): Expression<Exclude<T, null> | V> {
    return new CaseExpression<Exclude<T, null> | V>(this.#whens, this.type, toOperandNode(value, this.type));
  }
}

/**
 * Starts a searched CASE expression.
 * @example caseWhen(users.c.age.lt(18), "minor").else("adult").as("bracket")
 * // CASE WHEN users.age < ? THEN ? ELSE ? END AS bracket
 */
export function caseWhen<V>(cond: Condition, value: Operand<V>): CaseExpression<V | null> {
  const type = value instanceof Expression ? value.type : UNTYPED;
  return new CaseExpression<V | null>([[conditionNode(cond, "caseWhen()"), toOperandNode(value, type)]], type);
}
