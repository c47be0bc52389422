/**
 * PostgreSQL type spellings and value conversions. The pg driver hands dates, times, timestamps,
 * intervals, BIGINT and NUMERIC over as raw text (drivers/pg.ts asks it to); the result processors
 * here turn that text into athanor's values. Used by postgres-dialect.ts and the DDL compiler.
 */
import { CompileError, DataError } from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { NumericType } from "../../sql/types/numeric-types.js";
import type { EnumType } from "../../sql/types/string-types.js";
import type { DateTimeType } from "../../sql/types/temporal-types.js";
import type { JsonType } from "../../sql/types/misc-types.js";
import { baseType } from "../../sql/types/type-decorator.js";
import { formatUtcTimestamp, normalizeTime, parseTimestamp } from "../../sql/types/temporal-types.js";
import { decimalResult } from "../../sql/types/value-formats.js";
import { TypeCompiler, type TypeContext } from "../../sql/compiler/type-compiler.js";
import type { BindProcessor, DriverColumn, ResultProcessor } from "../../engine/dialect.js";

/** Type OIDs the pg driver is told to leave as text (see drivers/pg.ts). */
export const PG_OID = Object.freeze({
  int8: 20,
  numeric: 1700,
  date: 1082,
  time: 1083,
  timetz: 1266,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
});

/** The native type name of an enum column: its own name, else `<table>_<column>`. */
export function enumTypeName(type: EnumType, ctx: TypeContext): string {
  if (type.name !== undefined) return type.name;
  if (ctx.tableName === undefined || ctx.columnName === undefined)
    throw new CompileError(
      `${type.describe()} has no name, and outside a table column PostgreSQL cannot tell which native enum type it is; give it one: Enum([...], { name: "my_enum" })`,
    );
  return type.nameOn(ctx.tableName, ctx.columnName);
}

/** DDL and CAST spellings of PostgreSQL. */
export class PostgresTypeCompiler extends TypeCompiler {
  protected override dateTime(t: DateTimeType): string {
    return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
  }
  protected override jsonb(): string {
    return "JSONB";
  }
  protected override uuid(): string {
    return "UUID";
  }
  protected override largeBinary(): string {
    return "BYTEA";
  }
  protected override enum(t: EnumType, ctx: TypeContext): string {
    return this.preparer.quote(enumTypeName(t, ctx));
  }
  /** A named enum casts to its native type; an unnamed one (name known only per column) to VARCHAR. */
  override cast(type: SqlType<unknown>): string {
    const base = baseType(type);
    if (base.kind === "Enum" && (base as unknown as EnumType).name !== undefined) return this.enum(base as unknown as EnumType, {});
    return super.cast(type);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/**
 * A Date as PostgreSQL timestamp text in UTC. Years 1..9999 use the common format; others are
 * spelled out, with PostgreSQL's `BC` suffix for years before 1 AD (there is no year 0).
 */
export function formatPgTimestamp(d: Date): string {
  const year = d.getUTCFullYear();
  if (year >= 1 && year <= 9999) return formatUtcTimestamp(d);
  const shown = year <= 0 ? 1 - year : year;
  const text = `${pad(shown, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return year <= 0 ? `${text} BC` : text;
}

/** Parses PostgreSQL timestamp text (UTC session, ISO DateStyle), including `BC` years. */
export function parsePgTimestamp(text: string): Date {
  if (!text.endsWith(" BC")) {
    const d = parseTimestamp(text);
    if (Number.isNaN(d.getTime())) throw unreadableTimestamp(text);
    return d;
  }
  const d = parseTimestamp(text.slice(0, -3));
  if (Number.isNaN(d.getTime())) throw unreadableTimestamp(text);
  d.setUTCFullYear(1 - d.getUTCFullYear());
  return d;
}

function unreadableTimestamp(text: string): DataError {
  if (/infinity/i.test(text))
    return new DataError(
      `the database returned the timestamp ${text}, which a JavaScript Date cannot hold; filter it out, or select it cast to text`,
    );
  return new DataError(
    `cannot read ${JSON.stringify(text)} as a timestamp; athanor sets DateStyle to ISO on its connections, so check that nothing changed it`,
  );
}

const naiveTimestamp: BindProcessor = (v) => formatPgTimestamp(v as Date);
// The offset is explicit, so the session time zone never shifts the instant.
const tzTimestamp: BindProcessor = (v) => {
  const text = formatPgTimestamp(v as Date);
  return text.endsWith(" BC") ? `${text.slice(0, -3)}+00 BC` : `${text}+00`;
};
const bigintText: BindProcessor = (v) => (v as bigint).toString();
// pg sends numbers with toString(), which spells -0 as "0".
const floatText: BindProcessor = (v) => (Object.is(v, -0) ? "-0" : v);

/**
 * Untyped values: Dates go as UTC text with an explicit offset. A TIMESTAMP WITHOUT TIME ZONE
 * ignores the offset and keeps the UTC wall time, which is what athanor stores there.
 */
const untypedBind: BindProcessor = (v) => {
  if (v instanceof Date) return tzTimestamp(v);
  if (typeof v === "bigint") return v.toString();
  return v;
};

/** Bind processing per type kind. */
export function pgBind(type: SqlType<unknown>): BindProcessor | undefined {
  switch (type.kind) {
    case "BigInteger":
      return bigintText;
    case "Float":
      return floatText;
    case "DateTime":
      return (type as unknown as DateTimeType).timezone ? tzTimestamp : naiveTimestamp;
    case "Json":
    case "Jsonb":
      // Never hand pg an array or object: it would turn an array into a PostgreSQL array literal.
      return (v) => (type as unknown as JsonType).encode(v);
    case "Null":
      return untypedBind;
    default:
      // Numeric values are validated decimal strings already; the rest pass as they are.
      return undefined;
  }
}

/** Integer-typed expressions: INTEGER values arrive as numbers, BIGINT results (count, sum) as text. */
function integerResult(type: SqlType<unknown>): ResultProcessor {
  return (v) => {
    if (typeof v === "number") return v;
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    throw new DataError(
      `the database returned ${String(v)} for a ${type.describe()} expression, which a JavaScript number cannot hold exactly; cast the expression to BigInteger`,
    );
  };
}

const bigintResult: ResultProcessor = (v) =>
  typeof v === "bigint" ? v : BigInt(typeof v === "string" ? v.replace(/\.0*$/, "") : (v as number));
const floatResult: ResultProcessor = (v) => (typeof v === "number" ? v : Number(v));
const booleanResult: ResultProcessor = (v) => (typeof v === "boolean" ? v : v === "t" || v === "true" || v === 1);
const timestampResult: ResultProcessor = (v) => (v instanceof Date ? v : parsePgTimestamp(String(v)));
const timeResult: ResultProcessor = (v) => normalizeTime(String(v));
const stringResult: ResultProcessor = (v) => (typeof v === "string" ? v : String(v));

/** Result processing per type kind. */
export function pgResult(type: SqlType<unknown>): ResultProcessor | undefined {
  switch (type.kind) {
    case "Integer":
    case "SmallInteger":
      return integerResult(type);
    case "BigInteger":
      return bigintResult;
    case "Float":
      return floatResult;
    case "Boolean":
      return booleanResult;
    case "Numeric":
      return decimalResult((type as unknown as NumericType).scale);
    case "DateTime":
      return timestampResult;
    case "Time":
      return timeResult;
    case "Date":
    case "String":
    case "Text":
    case "Uuid":
    case "Enum":
      return stringResult;
    case "LargeBinary":
      return (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v as Uint8Array));
    default:
      // Json/Jsonb arrive parsed by the driver.
      return undefined;
  }
}

/** 64-bit integers of unknown meaning: numbers when exact, bigints otherwise. */
const int8Untyped: ResultProcessor = (v) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : BigInt(v as string);
};
/** Raw timestamps become Dates; the infinities (no Date can hold them) stay text. */
const timestampUntyped: ResultProcessor = (v) => (/infinity/i.test(String(v)) ? v : parsePgTimestamp(String(v)));

/** Result processing for raw-SQL columns, by type OID. NUMERIC, DATE, TIME and INTERVAL stay text. */
export function pgUntyped(column: DriverColumn): ResultProcessor | undefined {
  switch (column.typeId) {
    case PG_OID.int8:
      return int8Untyped;
    case PG_OID.timestamp:
    case PG_OID.timestamptz:
      return timestampUntyped;
    default:
      return undefined;
  }
}
