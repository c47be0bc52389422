/**
 * MySQL/MariaDB type spellings (DDL and CAST) and value conversions, used by mysql-dialect.ts.
 * The mysql2 driver is configured to hand back 64-bit integers, decimals, temporal values and JSON
 * as strings, so every conversion here is exact; both wire protocols (text and binary) are handled.
 */
import { CompileError } from "../../util/errors.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { NumericType } from "../../sql/types/numeric-types.js";
import type { EnumType, StringType } from "../../sql/types/string-types.js";
import type { JsonType } from "../../sql/types/misc-types.js";
import type { TypeDecorator } from "../../sql/types/type-decorator.js";
import { formatUtcTimestamp, normalizeTime, parseTimestamp } from "../../sql/types/temporal-types.js";
import { expandExponent, booleanToInt01, dateToUtcText, decimalResult } from "../../sql/types/value-formats.js";
import type { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { TypeCompiler, type TypeContext } from "../../sql/compiler/type-compiler.js";
import type { BindProcessor, DriverColumn, ResultProcessor } from "../../engine/dialect.js";

/**
 * A decimal value on its way to the driver. The driver sends it as a DECIMAL parameter: sent as a
 * string, MySQL would compare it with DECIMAL columns as a double and lose digits.
 */
export class DecimalParam {
  constructor(readonly text: string) {}
  /** The decimal text, as logs show it. */
  toJSON(): string {
    return this.text;
  }
}

/** A MySQL string literal: `\` and `'` escaped, NUL written as `\0`. */
export function mysqlStringLiteral(text: string): string {
  // Backslash escapes are on: session setup removes NO_BACKSLASH_ESCAPES from sql_mode.
  return `'${text.replace(/[\\'\u0000]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "'" ? "''" : "\\0"))}'`;
}

/**
 * DDL and CAST spellings for MySQL and MariaDB. DateTime is DATETIME(6) with or without
 * `timezone: true`: the session runs at +00:00 and values are written as UTC, so both hold instants
 * (MySQL has no column type that stores an offset; TIMESTAMP converts and ends in 2038).
 */
export class MySqlTypeCompiler extends TypeCompiler {
  constructor(
    dialectName: string,
    preparer: IdentifierPreparer,
    /** Whether the server is MariaDB (known once the first connection reports its version). */
    private readonly isMariaDb: () => boolean,
  ) {
    super(dialectName, preparer);
  }

  override ddl(type: SqlType<unknown>, ctx: TypeContext = {}): string {
    // Text is unbounded elsewhere; TEXT would refuse values over 64 KiB, LONGTEXT holds 4 GiB.
    if (type.kind === "Text") return "LONGTEXT";
    return super.ddl(type, ctx);
  }

  override cast(type: SqlType<unknown>): string {
    switch (type.kind) {
      case "Decorator":
        return this.cast((type as unknown as TypeDecorator<unknown>).impl);
      case "Integer":
      case "SmallInteger":
      case "BigInteger":
      case "Boolean":
        return "SIGNED";
      case "String": {
        const length = (type as unknown as StringType).length;
        return length === undefined ? "CHAR" : `CHAR(${length})`;
      }
      case "Text":
        return "CHAR";
      case "Uuid":
        return "CHAR(36)";
      case "Enum":
        return `CHAR(${(type as unknown as EnumType).maxLength})`;
      case "Numeric": {
        const t = type as unknown as NumericType;
        // CAST(x AS DECIMAL) alone means DECIMAL(10, 0), which rounds every fraction away.
        return t.precision === undefined ? "DECIMAL(65, 30)" : `DECIMAL(${t.precision}, ${t.scale ?? 0})`;
      }
      case "Float":
        return "DOUBLE";
      case "LargeBinary":
        return "BINARY";
      case "Json":
        // MariaDB's JSON is LONGTEXT and it has no CAST(… AS JSON): the text is the document.
        return this.isMariaDb() ? "CHAR" : "JSON";
      default:
        return this.ddl(type);
    }
  }

  protected override string(t: StringType): string {
    if (t.length === undefined) throw new CompileError("MySQL needs a length: String(255), or use Text");
    return `VARCHAR(${t.length})`;
  }
  protected override boolean(): string {
    return "BOOL";
  }
  protected override numeric(t: NumericType): string {
    if (t.precision === undefined)
      throw new CompileError(
        "MySQL's NUMERIC without a precision is NUMERIC(10, 0), which rounds every fraction away; give a precision and scale, e.g. Numeric(20, 6)",
      );
    return `NUMERIC(${t.precision}, ${t.scale ?? 0})`;
  }
  protected override float(): string {
    // FLOAT is single precision on MySQL: a JavaScript number would not read back as written.
    return "DOUBLE";
  }
  protected override dateTime(): string {
    // Naive or not, the column holds UTC: the session time zone is +00:00. TIMESTAMP would stop at 2038.
    return "DATETIME(6)";
  }
  protected override time(): string {
    return "TIME(6)";
  }
  protected override enum(t: EnumType): string {
    return `ENUM(${t.values.map(mysqlStringLiteral).join(", ")})`;
  }
  protected override largeBinary(): string {
    return "LONGBLOB";
  }
}

const toDecimal: BindProcessor = (v) => new DecimalParam(/e/i.test(v as string) ? expandExponent(v as string) : (v as string));

/** Bind processing of a built-in type, or undefined when values go to mysql2 as they are. */
export function mysqlBind(type: SqlType<unknown>): BindProcessor | undefined {
  switch (type.kind) {
    case "Boolean":
      return booleanToInt01;
    case "DateTime":
      return dateToUtcText;
    case "Numeric":
      return toDecimal;
    case "Json":
    case "Jsonb":
      return (v) => (type as unknown as JsonType).encode(v);
    case "Null":
      return untypedBind;
    default:
      return undefined;
  }
}

const untypedBind: BindProcessor = (v) => {
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return formatUtcTimestamp(v);
  if (v instanceof Uint8Array && !Buffer.isBuffer(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return v;
};

const toNumber: ResultProcessor = (v) => (typeof v === "number" ? v : Number(v));
const toBigInt: ResultProcessor = (v) =>
  typeof v === "bigint" ? v : BigInt(typeof v === "string" ? v.replace(/\.0*$/, "") : (v as number));
const toBoolean: ResultProcessor = (v) => (typeof v === "string" ? v !== "0" && v.toLowerCase() !== "false" : Number(v) !== 0);
const toDate: ResultProcessor = (v) => (v instanceof Date ? v : parseTimestamp(String(v)));
const toTime: ResultProcessor = (v) => normalizeTime(String(v));
const toText: ResultProcessor = (v) => (typeof v === "string" ? v : Buffer.isBuffer(v) ? v.toString("utf8") : String(v));
const toBuffer: ResultProcessor = (v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v), "utf8"));
const parseJson: ResultProcessor = (v) => JSON.parse(Buffer.isBuffer(v) ? v.toString("utf8") : String(v));

/**
 * Result processing of a built-in type. Integer-typed expressions such as count(*) come back as
 * BIGINT strings and SUM() as DECIMAL strings; both are turned into the type's JavaScript value.
 */
export function mysqlResult(type: SqlType<unknown>): ResultProcessor | undefined {
  switch (type.kind) {
    case "Integer":
    case "SmallInteger":
    case "Float":
      return toNumber;
    case "BigInteger":
      return toBigInt;
    case "Boolean":
      return toBoolean;
    case "Numeric":
      return decimalResult((type as unknown as NumericType).scale);
    case "DateTime":
      return toDate;
    case "Time":
      return toTime;
    case "Json":
    case "Jsonb":
      return parseJson;
    case "String":
    case "Text":
    case "Date":
    case "Uuid":
    case "Enum":
      return toText;
    case "LargeBinary":
      return toBuffer;
    default:
      return undefined;
  }
}

/** mysql2 column type codes (protocol `MYSQL_TYPE_*`) that raw-SQL results convert. */
export const MYSQL_TYPE = {
  DECIMAL: 0,
  TIMESTAMP: 7,
  LONGLONG: 8,
  DATETIME: 12,
  TIME: 11,
  JSON: 245,
  NEWDECIMAL: 246,
} as const;

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const untypedBigint: ResultProcessor = (v) => {
  if (typeof v !== "string") return v;
  const b = BigInt(v);
  return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;
};

/**
 * Raw-SQL results, by column type: BIGINT as a number when it fits (else bigint), DECIMAL as an
 * exact string, DATETIME/TIMESTAMP as a UTC Date, TIME normalised, JSON parsed.
 */
export function mysqlUntyped(column: DriverColumn): ResultProcessor | undefined {
  switch (column.typeId) {
    case MYSQL_TYPE.LONGLONG:
      return untypedBigint;
    case MYSQL_TYPE.DATETIME:
    case MYSQL_TYPE.TIMESTAMP:
      return toDate;
    case MYSQL_TYPE.TIME:
      return toTime;
    case MYSQL_TYPE.JSON:
      return parseJson;
    default:
      return undefined;
  }
}
