/** Integer, SmallInteger, BigInteger, Numeric and Float. Dialect-neutral: validation and cache keys only. */
import { SqlType, ValueTypeError } from "./sql-type.js";

/** 32-bit integer (`INTEGER`). Values are JavaScript numbers. */
export class IntegerType extends SqlType<number> {
  readonly kind: "Integer" | "SmallInteger" = "Integer";
  override validate(value: unknown): number {
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "bigint" && value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER))
      return Number(value);
    throw new ValueTypeError(this, value, "an integer number");
  }
}

/** 16-bit integer (`SMALLINT`). Values are JavaScript numbers. */
export class SmallIntegerType extends IntegerType {
  override readonly kind = "SmallInteger" as const;
}

/** 64-bit integer (`BIGINT`). Values are JavaScript bigints, so no precision is ever lost. */
export class BigIntegerType extends SqlType<bigint> {
  readonly kind = "BigInteger" as const;
  override validate(value: unknown): bigint {
    if (typeof value === "bigint") return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
    if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value);
    throw new ValueTypeError(this, value, "a bigint (or a safe integer number)");
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Exact decimal (`NUMERIC(p, s)`). Values are strings such as `"12.50"`: a JavaScript number would
 * round silently. Numbers are accepted on input when they are safe integers.
 */
export class NumericType extends SqlType<string> {
  readonly kind = "Numeric" as const;
  constructor(
    readonly precision?: number,
    readonly scale?: number,
  ) {
    super();
  }
  protected override computeCacheKey(): string {
    return this.precision === undefined ? "Numeric" : `Numeric(${this.precision},${this.scale ?? 0})`;
  }
  override validate(value: unknown): string {
    if (typeof value === "string" && DECIMAL.test(value)) return value;
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    if (typeof value === "bigint") return value.toString();
    throw new ValueTypeError(this, value, 'a decimal string such as "12.50" (numbers would lose precision)');
  }
}

/** Double-precision floating point. Values are JavaScript numbers and round-trip exactly. */
export class FloatType extends SqlType<number> {
  readonly kind = "Float" as const;
  override validate(value: unknown): number {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    throw new ValueTypeError(this, value, "a finite number");
  }
}

/** `INTEGER`: a 32-bit integer column holding JavaScript numbers. */
export const Integer = new IntegerType();
/** `SMALLINT`: a 16-bit integer column holding JavaScript numbers. */
export const SmallInteger = new SmallIntegerType();
/** `BIGINT`: a 64-bit integer column holding JavaScript bigints. */
export const BigInteger = new BigIntegerType();
/** `DOUBLE PRECISION` / `DOUBLE` / `REAL`: a 64-bit float holding JavaScript numbers. */
export const Float = new FloatType();

/**
 * `NUMERIC(precision, scale)`: an exact decimal held as a string.
 * @example column(Numeric(10, 2)) // "12.50"
 */
export function Numeric(precision?: number, scale?: number): NumericType {
  return new NumericType(precision, scale);
}
