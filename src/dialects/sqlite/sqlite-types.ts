/**
 * SQLite type spellings and value conversions. SQLite stores booleans as 0/1, timestamps as UTC
 * text, JSON as text, and NUMERIC values as 64-bit integers or doubles: decimals that a double
 * cannot hold exactly are refused rather than rounded.
 */
import { ArgumentError } from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { NumericType } from "../../sql/types/numeric-types.js";
import type { JsonType } from "../../sql/types/misc-types.js";
import { formatUtcTimestamp, parseTimestamp } from "../../sql/types/temporal-types.js";
import { fitsInt64, isIntegral, significantDigits, booleanToInt01, dateToUtcText, decimalResult } from "../../sql/types/value-formats.js";
import { TypeCompiler } from "../../sql/compiler/type-compiler.js";
import type { BindProcessor, ExecuteHints, ResultProcessor } from "../../engine/dialect.js";
import { baseType } from "../../sql/types/type-decorator.js";

export class SqliteTypeCompiler extends TypeCompiler {
  protected override float(): string {
    return "REAL";
  }
  protected override dateTime(): string {
    return "DATETIME";
  }
}

/** Decimals go in as text; SQLite keeps integers exactly and other values as doubles (15 digits). */
function numericBind(type: NumericType): BindProcessor {
  return (v) => {
    const text = v as string;
    // Integers go in as 64-bit integers (exact); SQLite would read "5.000" as a double.
    if (isIntegral(text) && fitsInt64(text)) return BigInt(text.replace(/\.0*$/, "").replace(/^\+/, ""));
    if (!isIntegral(text) && significantDigits(text) <= 15) return text;
    throw new ArgumentError(
      `value ${text} cannot be stored exactly in a ${type.describe()} column on SQLite, which keeps decimals as 64-bit floats (15 significant digits); use fewer digits, or store the value as a String`,
    );
  };
}

export function sqliteBind(type: SqlType<unknown>): BindProcessor | undefined {
  switch (type.kind) {
    case "Boolean":
      return booleanToInt01;
    case "DateTime":
      return dateToUtcText;
    case "Numeric":
      return numericBind(type as unknown as NumericType);
    case "Json":
    case "Jsonb":
      return (v) => (type as unknown as JsonType).encode(v);
    case "Null":
      return (v) => (typeof v === "boolean" ? (v ? 1 : 0) : v instanceof Date ? formatUtcTimestamp(v) : v);
    default:
      return undefined;
  }
}

const bigintToNumber: ResultProcessor = (v) => (typeof v === "bigint" ? Number(v) : v);

export function sqliteResult(type: SqlType<unknown>, hints: ExecuteHints): ResultProcessor | undefined {
  switch (type.kind) {
    case "Integer":
    case "SmallInteger":
    case "Float":
      return hints.exactIntegers ? bigintToNumber : undefined;
    case "BigInteger":
      return (v) => (typeof v === "bigint" ? v : BigInt(v as number));
    case "Boolean":
      return (v) => (typeof v === "string" ? v === "1" || v.toLowerCase() === "true" : Number(v) !== 0);
    case "Numeric":
      return decimalResult((type as unknown as NumericType).scale);
    case "DateTime":
      return (v) => parseTimestamp(String(v));
    case "Json":
    case "Jsonb":
      return (v) => (typeof v === "string" ? JSON.parse(v) : typeof v === "bigint" ? Number(v) : v);
    case "String":
    case "Text":
    case "Date":
    case "Time":
    case "Uuid":
    case "Enum":
      return (v) => (typeof v === "string" ? v : String(v));
    case "LargeBinary":
      return (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v as string));
    default:
      return undefined;
  }
}

/** Raw-SQL results: 64-bit integers come back exact; those that fit a number become numbers. */
export const sqliteUntyped: ResultProcessor = (v) =>
  typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;

const EXACT_KINDS = new Set(["BigInteger", "Numeric", "Null", "Json", "Jsonb"]);

/** Read integers as bigint when a column needs them exact (BIGINT, NUMERIC, unknown types). */
export function sqliteHints(types: readonly (SqlType<unknown> | undefined)[]): ExecuteHints {
  const exact = types.some((t) => t === undefined || EXACT_KINDS.has(baseType(t).kind));
  return exact ? EXACT : PLAIN;
}
const EXACT: ExecuteHints = Object.freeze({ exactIntegers: true });
const PLAIN: ExecuteHints = Object.freeze({});
