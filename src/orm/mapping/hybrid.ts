/**
 * Hybrid attributes: one definition, built with the `h` operators, that computes a plain value on
 * an instance and a SQL expression on the class. The operators look at their operands: plain
 * values compute in JavaScript (with SQL's NULL rules), any expression operand builds SQL.
 */
import { ArgumentError } from "../../util/errors.js";
import type { ColumnDef } from "../../sql/schema/column.js";
import { Expression, literal } from "../../sql/elements/expression.js";
import { and as sqlAnd, not as sqlNot, or as sqlOr } from "../../sql/elements/conjunctions.js";
import { func } from "../../sql/elements/functions.js";
import { caseWhen } from "../../sql/elements/case-expression.js";
import { TEXT_TYPE } from "../../sql/elements/builtin-types.js";
import type { Mapper } from "./mapper.js";

/** A value or a SQL expression of it: what hybrid operators take and give. */
export type Dual<T> = T | Expression<T, any>;

type ColumnValue<D> = D extends ColumnDef<infer V, infer N, any, any> ? (N extends true ? V | null : V) : never;

/** The attributes as a hybrid sees them: values on instances, columns on the class. */
export type DualView<A> = { readonly [K in keyof A as A[K] extends ColumnDef<any, any, any, any> ? K : never]: Dual<ColumnValue<A[K]>> };

/** The `hybrids` option: a function of the attributes returning the hybrid attributes. */
export type HybridBuilder<A> = (self: DualView<A>) => Record<string, unknown>;

const isExpr = (v: unknown): v is Expression<unknown, any> => v instanceof Expression;
const asExpr = (v: unknown, like?: Expression<unknown, any>): Expression<any, any> => (isExpr(v) ? v : literal(v as never, like?.type));

function binaryOp<R>(
  a: unknown,
  b: unknown,
  sqlOp: (x: Expression<any, any>, y: unknown) => Expression<any, any>,
  js: (x: any, y: any) => R,
): Dual<R> {
  if (isExpr(a)) return sqlOp(a, b) as Expression<R>;
  if (isExpr(b)) return sqlOp(asExpr(a, b), b) as Expression<R>;
  if (a === null || b === null || a === undefined || b === undefined) return null as R;
  return js(a, b);
}

function plainEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/**
 * Operators for hybrid attributes. Each gives a value when its operands are values and a SQL
 * expression when any operand is one, so one definition serves instances and queries.
 * @example
 * hybrids: (u) => ({
 *   fullName: h.concat(u.firstName, " ", u.lastName),
 *   isAdult: h.ge(u.age, 18),
 * })
 */
export const h = {
  /** String concatenation; NULL if any part is NULL (as in SQL). */
  concat(...parts: Dual<string | number | null>[]): Dual<string> {
    if (parts.length === 0) throw new ArgumentError("h.concat() needs at least one part");
    if (parts.some(isExpr)) {
      let e = asExpr(parts[0], TEXT_TYPE as never);
      for (const p of parts.slice(1)) e = e.concat(p as never);
      return e as Expression<string>;
    }
    if (parts.some((p) => p === null || p === undefined)) return null as unknown as string;
    return parts.join("");
  },
  add<T extends number | bigint>(a: Dual<T | null>, b: Dual<T | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.add(y),
      (x, y) => (x + y) as T,
    );
  },
  sub<T extends number | bigint>(a: Dual<T | null>, b: Dual<T | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.sub(y),
      (x, y) => (x - y) as T,
    );
  },
  mul<T extends number | bigint>(a: Dual<T | null>, b: Dual<T | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.mul(y),
      (x, y) => (x * y) as T,
    );
  },
  div<T extends number | bigint>(a: Dual<T | null>, b: Dual<T | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.div(y),
      (x, y) => (x / y) as T,
    );
  },
  eq<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(a, b, (x, y) => x.eq(y), plainEqual);
  },
  ne<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(
      a,
      b,
      (x, y) => x.ne(y),
      (x, y) => !plainEqual(x, y),
    );
  },
  lt<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(
      a,
      b,
      (x, y) => x.lt(y),
      (x, y) => x < y,
    );
  },
  le<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(
      a,
      b,
      (x, y) => x.le(y),
      (x, y) => x <= y,
    );
  },
  gt<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(
      a,
      b,
      (x, y) => x.gt(y),
      (x, y) => x > y,
    );
  },
  ge<T>(a: Dual<T>, b: Dual<T>): Dual<boolean> {
    return binaryOp(
      a,
      b,
      (x, y) => x.ge(y),
      (x, y) => x >= y,
    );
  },
  and(...conds: Dual<boolean | null>[]): Dual<boolean> {
    if (conds.some(isExpr)) return sqlAnd(...conds.map((c) => asExpr(c))) as Expression<boolean>;
    return conds.every(Boolean);
  },
  or(...conds: Dual<boolean | null>[]): Dual<boolean> {
    if (conds.some(isExpr)) return sqlOr(...conds.map((c) => asExpr(c))) as Expression<boolean>;
    return conds.some(Boolean);
  },
  not(cond: Dual<boolean | null>): Dual<boolean> {
    return isExpr(cond) ? sqlNot(cond as Expression<boolean>) : !cond;
  },
  isNull(v: Dual<unknown>): Dual<boolean> {
    return isExpr(v) ? v.isNull() : v === null || v === undefined;
  },
  /** The first non-null value (`coalesce`). */
  coalesce<T>(...values: Dual<T | null>[]): Dual<T> {
    if (values.some(isExpr)) {
      const first = values.find((v): v is Expression<T | null, any> => isExpr(v))!;
      return func.coalesce(asExpr(values[0], first as Expression<unknown, any>), ...(values.slice(1) as never[])) as Expression<T>;
    }
    return (values.find((v) => v !== null && v !== undefined) ?? null) as T;
  },
  lower(v: Dual<string | null>): Dual<string> {
    return isExpr(v)
      ? (func.lower(v as Expression<string>) as Expression<string>)
      : v === null
        ? (null as unknown as string)
        : v.toLowerCase();
  },
  upper(v: Dual<string | null>): Dual<string> {
    return isExpr(v)
      ? (func.upper(v as Expression<string>) as Expression<string>)
      : v === null
        ? (null as unknown as string)
        : v.toUpperCase();
  },
  /** `cond ? a : b` (a CASE expression in SQL). */
  cond<T>(cond: Dual<boolean | null>, a: Dual<T>, b: Dual<T>): Dual<T> {
    if (isExpr(cond) || isExpr(a) || isExpr(b)) return caseWhen(asExpr(cond), a as never).else(b as never) as unknown as Expression<T>;
    return cond ? a : b;
  },
};

/** Installs hybrid attributes: an instance getter computing values, a class property holding SQL. */
export function defineHybrids(mapper: Mapper, generated: Function, build: HybridBuilder<any>, where: string): void {
  const columns: Record<string, unknown> = {};
  for (const p of mapper.columns) columns[p.key] = p.column;
  const exprs = build(columns as never);
  for (const [key, value] of Object.entries(exprs)) {
    if (mapper.byKey.has(key)) throw new ArgumentError(`${where}: hybrid '${key}' has the name of an attribute`);
    if (!isExpr(value))
      throw new ArgumentError(
        `${where}: hybrid '${key}' did not produce a SQL expression on the class; build it from the attributes with the h operators`,
      );
    mapper.hybrids.set(key, (self) => build(self)[key]);
    Object.defineProperty(generated, key, { value: value.as(key), enumerable: true, configurable: true });
    Object.defineProperty(generated.prototype, key, {
      get(this: object) {
        return build(this as never)[key];
      },
      enumerable: false,
      configurable: true,
    });
  }
}
