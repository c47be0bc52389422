/**
 * SQL functions: `func.count()`, `func.lower(x)`, window functions with `.over()`, and any other
 * function by name (`func.call("jsonb_build_object", …)` or `func.jsonb_build_object(…)`).
 * Dialect compilers rename the few functions spelled differently per database.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { SqlType } from "../types/sql-type.js";
import { UNTYPED } from "../types/sql-type.js";
import { STAR_NODE, bindNode, type ExprNode, type FrameBound, type FuncNode, type WindowSpec } from "../nodes/expression-nodes.js";
import { DateTimeType, DateOnlyType } from "../types/temporal-types.js";

import { FLOAT_TYPE, INTEGER_TYPE, TEXT_TYPE } from "./builtin-types.js";
import { Expression, toOperandNode, type Operand } from "./expression.js";
import { conditionNode, type Condition } from "./conjunctions.js";

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** One or several expressions, for window clauses. */
type ExprList = Expression<any, any> | readonly Expression<any, any>[];

/** Window specification for {@link FunctionExpression.over}. */
export interface OverOptions {
  partitionBy?: ExprList;
  orderBy?: ExprList;
  /** Frame in ROWS mode, e.g. `["unboundedPreceding", "currentRow"]` or `[{ preceding: 2 }, "currentRow"]`. */
  rows?: readonly [FrameBoundArg, FrameBoundArg?];
  /** Frame in RANGE mode. */
  range?: readonly [FrameBoundArg, FrameBoundArg?];
}

export type FrameBoundArg = "unboundedPreceding" | "currentRow" | "unboundedFollowing" | { preceding: number } | { following: number };

function frameBound(b: FrameBoundArg): FrameBound {
  if (b === "unboundedPreceding") return "UNBOUNDED PRECEDING";
  if (b === "currentRow") return "CURRENT ROW";
  if (b === "unboundedFollowing") return "UNBOUNDED FOLLOWING";
  const n = "preceding" in b ? b.preceding : b.following;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ArgumentError(`window frame offsets must be non-negative integers, got ${describeValue(n)}`);
  return b;
}

function exprList(list: ExprList | undefined): ExprNode[] {
  if (list === undefined) return [];
  const arr = Array.isArray(list) ? list : [list];
  return arr.map((e) => {
    if (!(e instanceof Expression)) throw new ArgumentError(`over(): expected an expression, got ${describeValue(e)}`);
    return e.node;
  });
}

/** A function call; aggregates and window functions accept `.filter()` and `.over()`. */
export class FunctionExpression<T> extends Expression<T> {
  declare readonly node: FuncNode;

  /** `fn(...) OVER (PARTITION BY … ORDER BY … frame)` */
  over(options: OverOptions = {}): Expression<T> {
    if (options.rows && options.range) throw new ArgumentError("over(): give either rows or range, not both");
    const frameArg = options.rows ?? options.range;
    const window: WindowSpec = {
      partitionBy: exprList(options.partitionBy),
      orderBy: exprList(options.orderBy),
      frame: frameArg
        ? {
            mode: options.rows ? "ROWS" : "RANGE",
            start: frameBound(frameArg[0]),
            end: frameArg[1] === undefined ? undefined : frameBound(frameArg[1]),
          }
        : undefined,
    };
    return new Expression({ kind: "Over", func: this.node, window }, this.type);
  }

  /** Aggregate `FILTER (WHERE cond)`; emulated with CASE where the database lacks FILTER. */
  filter(cond: Condition): FunctionExpression<T> {
    return new FunctionExpression({ ...this.node, filter: conditionNode(cond, "filter()") }, this.type);
  }

  /** `fn(DISTINCT args)`, e.g. `func.count(users.c.country).distinct()`. */
  distinct(): FunctionExpression<T> {
    return new FunctionExpression({ ...this.node, distinct: true }, this.type);
  }
}

/** Builds a call to `name`; plain-value arguments are bound, typed like the first expression argument. */
export function call<T = unknown>(name: string, args: readonly unknown[], type: SqlType<any> = UNTYPED): FunctionExpression<T> {
  if (typeof name !== "string" || !FUNCTION_NAME.test(name))
    throw new ArgumentError(`${describeValue(name)} is not a valid SQL function name (letters, digits, _ and one optional schema dot)`);
  const firstExpr = args.find((a): a is Expression<unknown> => a instanceof Expression);
  const argType = firstExpr?.type ?? UNTYPED;
  const nodes = args.map((a, i) => toOperandNode(a, argType, `argument ${i + 1} of ${name}()`));
  return new FunctionExpression({ kind: "Func", name, args: nodes, distinct: undefined, filter: undefined }, type);
}

type Nullable<E, R> = E extends Expression<infer V, any> ? (null extends V ? R | null : R) : R;

const DATETIME = new DateTimeType({ timezone: true });
const DATE = new DateOnlyType();

/** The known functions; any other name is reachable as `func.<name>(…)` or `func.call(name, …)`. */
export interface KnownFunctions {
  /** `count(*)` or `count(expr)`: a number. */
  count(expr?: Expression<any, any>): FunctionExpression<number>;
  /** `sum(expr)`: same type as the argument; NULL over no rows. */
  sum<V>(expr: Expression<V, any>): FunctionExpression<V | null>;
  /** `avg(expr)` as a JavaScript number. */
  avg(expr: Expression<any, any>): FunctionExpression<number | null>;
  min<V>(expr: Expression<V, any>): FunctionExpression<V | null>;
  max<V>(expr: Expression<V, any>): FunctionExpression<V | null>;
  /** First non-null argument. */
  coalesce<V>(first: Expression<V, any>, ...rest: Operand<NonNullable<V>>[]): FunctionExpression<V>;
  lower<E extends Expression<string | null, any>>(expr: E): FunctionExpression<Nullable<E, string>>;
  upper<E extends Expression<string | null, any>>(expr: E): FunctionExpression<Nullable<E, string>>;
  trim<E extends Expression<string | null, any>>(expr: E): FunctionExpression<Nullable<E, string>>;
  /** Length in characters (`char_length` on MySQL, where `length` counts bytes). */
  length<E extends Expression<string | null, any>>(expr: E): FunctionExpression<Nullable<E, number>>;
  abs<V extends number | string | bigint | null>(expr: Expression<V, any>): FunctionExpression<V>;
  round<V extends number | string | null>(expr: Expression<V, any>, digits?: number): FunctionExpression<V>;
  /** Current timestamp of the transaction, as a Date. */
  now(): FunctionExpression<Date>;
  /** Current date as `"YYYY-MM-DD"`. */
  currentDate(): FunctionExpression<string>;
  /** Random float in [0, 1) (`random()`, `RAND()`). */
  random(): FunctionExpression<number>;
  rowNumber(): FunctionExpression<number>;
  rank(): FunctionExpression<number>;
  denseRank(): FunctionExpression<number>;
  ntile(buckets: number): FunctionExpression<number>;
  lag<V>(expr: Expression<V, any>, offset?: number, fallback?: Operand<V>): FunctionExpression<V | null>;
  lead<V>(expr: Expression<V, any>, offset?: number, fallback?: Operand<V>): FunctionExpression<V | null>;
  firstValue<V>(expr: Expression<V, any>): FunctionExpression<V>;
  lastValue<V>(expr: Expression<V, any>): FunctionExpression<V>;
  /** Any function by name; the result is untyped unless a type is given through `callTyped`. */
  call<V = unknown>(name: string, ...args: unknown[]): FunctionExpression<V>;
  /** Any function by name with a declared result type, so results are converted as that type. */
  callTyped<V>(name: string, type: SqlType<V>, ...args: unknown[]): FunctionExpression<V>;
}

/** The function namespace: known functions typed, any other name callable. */
export type FuncNamespace = KnownFunctions & { readonly [name: string]: (...args: any[]) => FunctionExpression<unknown> };

function typeOf(e: unknown): SqlType<any> {
  return e instanceof Expression ? e.type : UNTYPED;
}

const known: KnownFunctions = {
  count: (expr) =>
    expr === undefined
      ? new FunctionExpression({ kind: "Func", name: "count", args: [STAR_NODE], distinct: undefined, filter: undefined }, INTEGER_TYPE)
      : call("count", [expr], INTEGER_TYPE),
  // sum over integers is a bigint in PostgreSQL/MySQL; typing by the argument converts it back.
  sum: (expr) => call("sum", [expr], typeOf(expr)),
  avg: (expr) => call("avg", [expr], FLOAT_TYPE),
  min: (expr) => call("min", [expr], typeOf(expr)),
  max: (expr) => call("max", [expr], typeOf(expr)),
  coalesce: (first, ...rest) => call("coalesce", [first, ...rest], typeOf(first)),
  lower: (expr) => call("lower", [expr], TEXT_TYPE),
  upper: (expr) => call("upper", [expr], TEXT_TYPE),
  trim: (expr) => call("trim", [expr], TEXT_TYPE),
  length: (expr) => call("length", [expr], INTEGER_TYPE),
  abs: (expr) => call("abs", [expr], typeOf(expr)),
  round: (expr, digits) => call("round", digits === undefined ? [expr] : [expr, intArg(digits, "round")], typeOf(expr)),
  now: () => call("now", [], DATETIME),
  currentDate: () => call("current_date", [], DATE),
  random: () => call("random", [], FLOAT_TYPE),
  rowNumber: () => call("row_number", [], INTEGER_TYPE),
  rank: () => call("rank", [], INTEGER_TYPE),
  denseRank: () => call("dense_rank", [], INTEGER_TYPE),
  ntile: (buckets) => call("ntile", [intArg(buckets, "ntile")], INTEGER_TYPE),
  lag: (expr, offset, fallback) => call("lag", windowArgs(expr, offset, fallback), typeOf(expr)),
  lead: (expr, offset, fallback) => call("lead", windowArgs(expr, offset, fallback), typeOf(expr)),
  firstValue: (expr) => call("first_value", [expr], typeOf(expr)),
  lastValue: (expr) => call("last_value", [expr], typeOf(expr)),
  call: (name, ...args) => call(name, args),
  callTyped: (name, type, ...args) => call(name, args, type),
};

function intArg(n: number, fn: string): Expression<number> {
  if (!Number.isSafeInteger(n)) throw new ArgumentError(`${fn}(): expected an integer, got ${describeValue(n)}`);
  return new Expression(bindNode(n, INTEGER_TYPE), INTEGER_TYPE);
}

function windowArgs(expr: unknown, offset: number | undefined, fallback: unknown): unknown[] {
  const args: unknown[] = [expr];
  if (offset !== undefined || fallback !== undefined) args.push(intArg(offset ?? 1, "lag/lead"));
  if (fallback !== undefined) args.push(fallback);
  return args;
}

/** The SQL function namespace. */
export const func: FuncNamespace = new Proxy(known as FuncNamespace, {
  get(target, prop, receiver) {
    if (typeof prop !== "string" || prop in target) return Reflect.get(target, prop, receiver);
    return (...args: unknown[]) => call(prop, args);
  },
});

/** `count(DISTINCT expr)` and friends: marks an argument as DISTINCT. */
export function distinct<T>(expr: Expression<T, any>): Expression<T> {
  return new Expression({ kind: "Unary", op: "DISTINCT", operand: expr.node }, expr.type);
}
