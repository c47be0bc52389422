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

/** A decimal as Numeric accepts it: "9.90", "-3", ".5", "1.5e3". */
const DECIMAL_STRING = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A Numeric value or an integer as an unscaled bigint and its scale ("9.90" → 990n, 2); else undefined. */
function scaled(v: unknown): [bigint, number] | undefined {
  if (typeof v === "bigint") return [v, 0];
  if (typeof v === "number") return Number.isSafeInteger(v) ? [BigInt(v), 0] : undefined;
  const m = typeof v === "string" ? DECIMAL_STRING.exec(v) : null;
  if (!m || (!m[2] && !m[3])) return undefined;
  const [, sign, whole = "", frac = "", exp = "0"] = m;
  const digits = BigInt(`${sign}${whole}${frac}`);
  const scale = frac.length - Number(exp);
  return scale >= 0 ? [digits, scale] : [digits * 10n ** BigInt(-scale), 0];
}

function formatScaled(value: bigint, scale: number): string {
  const digits = (value < 0n ? -value : value).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return value < 0n ? `-${body}` : body;
}

/**
 * Exact arithmetic when an operand is a Numeric value (a decimal string) and the other a decimal
 * string or an integer: JavaScript would coerce "9.90" * 3 to the float 29.700000000000003, while
 * the database computes 29.70. Gives the result as a decimal string, with SQL's scale rules (sum:
 * the larger scale; product: the sum of the scales). Undefined when this does not apply.
 */
function decimalOp(a: unknown, b: unknown, op: "+" | "-" | "*"): string | undefined {
  if (typeof a !== "string" && typeof b !== "string") return undefined;
  const x = scaled(a);
  const y = scaled(b);
  if (!x || !y) return undefined;
  if (op === "*") return formatScaled(x[0] * y[0], x[1] + y[1]);
  const scale = Math.max(x[1], y[1]);
  const xs = x[0] * 10n ** BigInt(scale - x[1]);
  const ys = y[0] * 10n ** BigInt(scale - y[1]);
  return formatScaled(op === "+" ? xs + ys : xs - ys, scale);
}

/** What else may stand next to a `T` in arithmetic: a decimal (string) combines with integers too. */
type DecimalPartner<T> = T extends string ? number | bigint : never;

function plainEqual(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/**
 * Operators for hybrid attributes. Each gives a value when its operands are values and a SQL
 * expression when any operand is one, so one definition serves instances and queries. `add`, `sub`
 * and `mul` on a Numeric value (a decimal string, first operand) compute exactly on instances and
 * give a decimal string, as the database does: `h.mul(i.unitPrice, i.quantity)` is "29.70".
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
  add<T extends number | bigint | string>(a: Dual<T | null>, b: Dual<T | DecimalPartner<T> | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.add(y),
      (x, y) => (decimalOp(x, y, "+") ?? x + y) as T,
    );
  },
  sub<T extends number | bigint | string>(a: Dual<T | null>, b: Dual<T | DecimalPartner<T> | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.sub(y),
      (x, y) => (decimalOp(x, y, "-") ?? x - y) as T,
    );
  },
  mul<T extends number | bigint | string>(a: Dual<T | null>, b: Dual<T | DecimalPartner<T> | null>): Dual<T> {
    return binaryOp<T>(
      a,
      b,
      (x, y) => x.mul(y),
      (x, y) => (decimalOp(x, y, "*") ?? x * y) as T,
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
