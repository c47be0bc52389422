/**
 * `Expression<T, N>`: the typed handle over an expression node. `T` is the TypeScript type of the
 * value, `N` the key it takes in result rows (never for unlabelled expressions). Every operator
 * method builds new nodes; plain values always become bound parameters, never SQL text.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { SqlType, UNTYPED, toType, type TypeArg } from "../types/sql-type.js";
import { BOOLEAN_TYPE, TEXT_TYPE, STRING_TYPES, JSON_KINDS } from "./builtin-types.js";
import { binary, bindNode, keyword, NULL_NODE, type BinaryOp, type ExprNode, type OrderingNode } from "../nodes/expression-nodes.js";
import type { SelectLike } from "../nodes/from-nodes.js";

/** A value or expression acceptable where an expression of type `T` is expected. */
export type Operand<T> = T | Expression<T | null, string>;

/** Something that can be used as a subquery: a select or compound select statement. */
export interface SubqueryLike {
  readonly node: SelectLike;
}

/** Marker for objects whose `.node` is a select statement body. */
export function isSubqueryLike(value: unknown): value is SubqueryLike {
  if (typeof value !== "object" || value === null || !("node" in value)) return false;
  const kind = (value as { node: { kind?: unknown } }).node?.kind;
  return kind === "Select" || kind === "Compound";
}

/** A typed SQL expression. */
export class Expression<T = unknown, N extends string = never> {
  /** Phantom: the TypeScript type of the expression's value. */
  declare readonly __ts: T;
  /** Phantom: the key this expression takes in a result row. */
  declare readonly __name: N;

  constructor(
    readonly node: ExprNode,
    readonly type: SqlType<any>,
  ) {}

  /** What this expression is, for messages about values bound against it (`users.id`). */
  protected bindLabel(): string | undefined {
    return undefined;
  }

  /** Turns an operand into a node: expressions as they are, anything else a bound parameter typed like this expression. */
  protected operand(value: unknown, type: SqlType<unknown> = this.type.comparedValueType()): ExprNode {
    return toOperandNode(value, type, this.bindLabel());
  }

  #compare(op: BinaryOp, value: unknown): Expression<boolean> {
    return new Expression(binary(this.node, op, this.operand(value)), BOOLEAN_TYPE);
  }

  /** `a = b`; `eq(null)` renders `IS NULL`. */
  eq(value: Operand<T>): Expression<boolean> {
    if (value === null) return this.isNull();
    return this.#compare("=", value);
  }
  /** `a <> b`; `ne(null)` renders `IS NOT NULL`. */
  ne(value: Operand<T>): Expression<boolean> {
    if (value === null) return this.isNotNull();
    return this.#compare("<>", value);
  }
  /** `a < b` */
  lt(value: Operand<T>): Expression<boolean> {
    return this.#compare("<", value);
  }
  /** `a <= b` */
  le(value: Operand<T>): Expression<boolean> {
    return this.#compare("<=", value);
  }
  /** `a > b` */
  gt(value: Operand<T>): Expression<boolean> {
    return this.#compare(">", value);
  }
  /** `a >= b` */
  ge(value: Operand<T>): Expression<boolean> {
    return this.#compare(">=", value);
  }
  /** `a IS DISTINCT FROM b` (NULL-safe inequality; `NOT (a <=> b)` on MySQL). */
  isDistinctFrom(value: Operand<T>): Expression<boolean> {
    return this.#compare("IS DISTINCT FROM", value);
  }
  /** `a IS NOT DISTINCT FROM b` (NULL-safe equality; `a <=> b` on MySQL). */
  isNotDistinctFrom(value: Operand<T>): Expression<boolean> {
    return this.#compare("IS NOT DISTINCT FROM", value);
  }
  /** `a IS NULL` */
  isNull(): Expression<boolean> {
    return new Expression({ kind: "IsNull", operand: this.node, negate: false }, BOOLEAN_TYPE);
  }
  /** `a IS NOT NULL` */
  isNotNull(): Expression<boolean> {
    return new Expression({ kind: "IsNull", operand: this.node, negate: true }, BOOLEAN_TYPE);
  }

  #in(values: readonly Operand<T>[] | SubqueryLike, negate: boolean): Expression<boolean> {
    if (isSubqueryLike(values)) {
      return new Expression({ kind: "In", operand: this.node, items: values.node, negate }, BOOLEAN_TYPE);
    }
    if (!Array.isArray(values)) {
      throw new ArgumentError(`in() takes an array of values or a select statement, got ${describeValue(values)}`);
    }
    const items = values.map((v) => this.operand(v));
    return new Expression({ kind: "In", operand: this.node, items, negate }, BOOLEAN_TYPE);
  }
  /** `a IN (…)` over a list (each value bound) or a subquery. An empty list is always false. */
  in(values: readonly Operand<T>[] | SubqueryLike): Expression<boolean> {
    return this.#in(values, false);
  }
  /** `a NOT IN (…)`. An empty list is always true. */
  notIn(values: readonly Operand<T>[] | SubqueryLike): Expression<boolean> {
    return this.#in(values, true);
  }
  /** `a BETWEEN low AND high` */
  between(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    const node: ExprNode = { kind: "Between", operand: this.node, low: this.operand(low), high: this.operand(high), negate: false };
    return new Expression(node, BOOLEAN_TYPE);
  }
  /** `a NOT BETWEEN low AND high` */
  notBetween(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    const node: ExprNode = { kind: "Between", operand: this.node, low: this.operand(low), high: this.operand(high), negate: true };
    return new Expression(node, BOOLEAN_TYPE);
  }

  #like(pattern: unknown, negate: boolean, caseInsensitive: boolean, escape?: string): Expression<boolean> {
    const node: ExprNode = {
      kind: "Like",
      operand: this.node,
      pattern: this.operand(pattern, TEXT_TYPE),
      negate,
      caseInsensitive,
      escape,
    };
    return new Expression(node, BOOLEAN_TYPE);
  }
  /** `a LIKE pattern` (`%` and `_` in the pattern are wildcards). */
  like(pattern: Operand<string>): Expression<boolean> {
    return this.#like(pattern, false, false);
  }
  /** `a NOT LIKE pattern` */
  notLike(pattern: Operand<string>): Expression<boolean> {
    return this.#like(pattern, true, false);
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(a) LIKE lower(pattern)` elsewhere. */
  ilike(pattern: Operand<string>): Expression<boolean> {
    return this.#like(pattern, false, true);
  }
  /** Case-insensitive NOT LIKE. */
  notIlike(pattern: Operand<string>): Expression<boolean> {
    return this.#like(pattern, true, true);
  }
  /** Starts with `prefix`, taken literally: `%` and `_` in it are escaped. */
  startsWith(prefix: string): Expression<boolean> {
    return this.#like(`${escapeLike(checkString(prefix, "startsWith"))}%`, false, false, LIKE_ESCAPE);
  }
  /** Ends with `suffix`, taken literally. */
  endsWith(suffix: string): Expression<boolean> {
    return this.#like(`%${escapeLike(checkString(suffix, "endsWith"))}`, false, false, LIKE_ESCAPE);
  }
  /** Contains `part`, taken literally. */
  contains(part: string): Expression<boolean> {
    return this.#like(`%${escapeLike(checkString(part, "contains"))}%`, false, false, LIKE_ESCAPE);
  }

  #arith(op: BinaryOp, value: unknown): Expression<T> {
    return new Expression(binary(this.node, op, this.operand(value)), this.type);
  }
  /** `a + b` */
  add(value: Operand<T>): Expression<T> {
    return this.#arith("+", value);
  }
  /** `a - b` */
  sub(value: Operand<T>): Expression<T> {
    return this.#arith("-", value);
  }
  /** `a * b` */
  mul(value: Operand<T>): Expression<T> {
    return this.#arith("*", value);
  }
  /** `a / b` (integer division on integer operands, as the database does it). */
  div(value: Operand<T>): Expression<T> {
    return this.#arith("/", value);
  }
  /** `a % b` */
  mod(value: Operand<T>): Expression<T> {
    return this.#arith("%", value);
  }
  /** `-a` */
  neg(): Expression<T> {
    return new Expression({ kind: "Unary", op: "-", operand: this.node }, this.type);
  }
  /** String concatenation: `a || b` (`concat(a, b)` on MySQL). */
  concat(value: Operand<string>): Expression<string> {
    const type = STRING_TYPES.has(this.type.kind) ? this.type : TEXT_TYPE;
    return new Expression(binary(this.node, "||", this.operand(value, TEXT_TYPE)), type);
  }

  /** Names the expression in a SELECT list: `expr AS name`; rows carry it under `name`. */
  as<L extends string>(name: L): Expression<T, L> {
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError("as() needs a non-empty label");
    return new Expression({ kind: "Label", inner: this.node, name }, this.type);
  }
  /** `CAST(a AS type)`; result values are converted as that type. */
  cast<V>(type: TypeArg<V>): Expression<V | (null extends T ? null : never)> {
    const to = toType(type);
    return new Expression({ kind: "Cast", operand: this.node, to }, to);
  }
  /** `a COLLATE name` */
  collate(collation: string): Expression<T> {
    if (typeof collation !== "string" || !/^[A-Za-z0-9_.\-]+$/.test(collation))
      throw new ArgumentError(`collate(): ${describeValue(collation)} is not a valid collation name`);
    return new Expression({ kind: "Collate", operand: this.node, collation }, this.type);
  }

  #order(direction: "ASC" | "DESC" | undefined, nulls?: "first" | "last"): Expression<T> {
    const node: OrderingNode = {
      kind: "Ordering",
      inner: this.node,
      direction,
      nulls: nulls === undefined ? undefined : nulls === "first" ? "FIRST" : "LAST",
    };
    return new Expression(node, this.type);
  }
  /** Ascending order; `{ nulls: "first" | "last" }` places NULLs (emulated on MySQL). */
  asc(options?: { nulls?: "first" | "last" }): Expression<T> {
    return this.#order("ASC", options?.nulls);
  }
  /** Descending order. */
  desc(options?: { nulls?: "first" | "last" }): Expression<T> {
    return this.#order("DESC", options?.nulls);
  }

  #jsonPath(path: readonly (string | number)[], asText: boolean): ExprNode {
    if (!JSON_KINDS.has(this.type.kind))
      throw new ArgumentError(`JSON path access needs a Json or Jsonb expression; this one is ${this.type.describe()}`);
    if (path.length === 0) throw new ArgumentError("JSON path access needs at least one key or index");
    let shape = "";
    for (const key of path) {
      if (typeof key === "string") shape += "s";
      else if (typeof key === "number" && Number.isSafeInteger(key)) shape += "i";
      else throw new ArgumentError(`JSON path keys must be strings or integers, got ${describeValue(key)}`);
    }
    return { kind: "JsonPath", operand: this.node, path: bindNode([...path], UNTYPED), shape, asText };
  }
  /** The JSON value at a path of keys and array indexes (`data -> 'a' -> 0`). */
  get(...path: (string | number)[]): Expression<unknown> {
    return new Expression(this.#jsonPath(path, false), this.type);
  }
  /** The value at a JSON path as text (`data ->> 'a'`); NULL when absent. */
  getText(...path: (string | number)[]): Expression<string | null> {
    return new Expression(this.#jsonPath(path, true), TEXT_TYPE);
  }
}

/** Escape character used for literal LIKE matching. */
export const LIKE_ESCAPE = "/";

function escapeLike(text: string): string {
  return text.replace(/[/%_]/g, (ch) => `/${ch}`);
}

function checkString(value: unknown, method: string): string {
  if (typeof value !== "string") throw new ArgumentError(`${method}() takes a string, got ${describeValue(value)}`);
  return value;
}

/** Converts an operand to a node: expressions unchanged (untyped named binds adopt `type`), values bound. */
export function toOperandNode(value: unknown, type: SqlType<unknown>, label?: string): ExprNode {
  if (value instanceof Expression) {
    const n = value.node;
    if (n.kind === "Bind" && n.type === UNTYPED && n.name !== undefined)
      return bindNode(n.value, type, n.label ?? label, n.name, n.callable);
    return n;
  }
  if (value === undefined) {
    throw new ArgumentError(
      `${label ? `the value compared with ${label}` : "a value"} is undefined; use null for SQL NULL, or leave the condition out`,
    );
  }
  if (value === null) return NULL_NODE;
  if (isSubqueryLike(value)) return { kind: "ScalarSubquery", select: value.node };
  return bindNode(value, type, label);
}

/** Wraps a value as a bound parameter expression (`literal(5)`), typed when a type is given. */
export function literal<V>(value: V, type?: TypeArg<V>): Expression<V> {
  const t = type === undefined ? UNTYPED : toType(type);
  if (value === undefined) throw new ArgumentError("literal() got undefined; use null for SQL NULL");
  return new Expression(value === null ? NULL_NODE : bindNode(value, t), t);
}

/**
 * A named parameter whose value is supplied at execution: `conn.execute(stmt, { id: 5 })`.
 * Compared with a column, it takes the column's type.
 */
export function bindParam<V = unknown>(name: string, type?: TypeArg<V>): Expression<V> {
  if (typeof name !== "string" || name.length === 0) throw new ArgumentError("bindParam() needs a non-empty name");
  const t = type === undefined ? UNTYPED : toType(type);
  return new Expression(bindNode(undefined, t, undefined, name), t);
}

/** SQL `TRUE` */
export const TRUE: Expression<boolean> = new Expression(keyword("TRUE"), BOOLEAN_TYPE);
/** SQL `FALSE` */
export const FALSE: Expression<boolean> = new Expression(keyword("FALSE"), BOOLEAN_TYPE);
/** SQL `NULL` as an expression (for select lists and values). */
export const NULL: Expression<null> = new Expression(NULL_NODE, UNTYPED);
