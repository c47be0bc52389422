/**
 * Spells SQL types for DDL and CAST. The base class holds the standard spellings; each dialect
 * overrides what its database spells differently.
 */
import { CompileError } from "../../util/errors.js";
import type { SqlType } from "../types/sql-type.js";
import type { NumericType } from "../types/numeric-types.js";
import type { StringType, EnumType } from "../types/string-types.js";
import type { DateTimeType } from "../types/temporal-types.js";
import type { TypeDecorator } from "../types/type-decorator.js";
import type { NativeType } from "../types/native-type.js";
import type { IdentifierPreparer } from "./identifier-preparer.js";

/** Where a type is being rendered, for types whose spelling depends on the column (enums). */
export interface TypeContext {
  /** The column's table name, used for default enum names. */
  readonly tableName?: string;
  readonly columnName?: string;
}

export class TypeCompiler {
  constructor(
    readonly dialectName: string,
    protected readonly preparer: IdentifierPreparer,
  ) {}

  /** The DDL spelling of a type. */
  ddl(type: SqlType<unknown>, ctx: TypeContext = {}): string {
    switch (type.kind) {
      case "Integer":
        return this.integer();
      case "SmallInteger":
        return "SMALLINT";
      case "BigInteger":
        return "BIGINT";
      case "String":
        return this.string(type as unknown as StringType);
      case "Text":
        return "TEXT";
      case "Boolean":
        return this.boolean();
      case "Numeric":
        return this.numeric(type as unknown as NumericType);
      case "Float":
        return this.float();
      case "Date":
        return "DATE";
      case "DateTime":
        return this.dateTime(type as unknown as DateTimeType);
      case "Time":
        return this.time();
      case "Json":
        return this.json();
      case "Jsonb":
        return this.jsonb();
      case "Uuid":
        return this.uuid();
      case "Enum":
        return this.enum(type as unknown as EnumType, ctx);
      case "LargeBinary":
        return this.largeBinary();
      case "Decorator":
        return this.ddl((type as unknown as TypeDecorator<unknown>).impl, ctx);
      case "Native":
        return (type as unknown as NativeType).spelling;
      case "Null":
        throw new CompileError("a column needs a SQL type; raw/untyped expressions have none");
    }
  }

  /** The spelling used inside CAST(… AS …). */
  cast(type: SqlType<unknown>): string {
    if (type.kind === "Decorator") return this.cast((type as unknown as TypeDecorator<unknown>).impl);
    if (type.kind === "Enum") return this.string({ length: (type as unknown as EnumType).maxLength } as StringType);
    return this.ddl(type);
  }

  protected integer(): string {
    return "INTEGER";
  }
  protected string(t: StringType): string {
    return t.length === undefined ? "VARCHAR" : `VARCHAR(${t.length})`;
  }
  protected boolean(): string {
    return "BOOLEAN";
  }
  protected numeric(t: NumericType): string {
    if (t.precision === undefined) return "NUMERIC";
    return `NUMERIC(${t.precision}, ${t.scale ?? 0})`;
  }
  protected float(): string {
    return "DOUBLE PRECISION";
  }
  protected dateTime(t: DateTimeType): string {
    return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  }
  protected time(): string {
    return "TIME";
  }
  protected json(): string {
    return "JSON";
  }
  protected jsonb(): string {
    throw new CompileError(`Jsonb is a PostgreSQL type; ${this.dialectName} has no JSONB, so use Json`);
  }
  protected uuid(): string {
    return "CHAR(36)";
  }
  protected enum(t: EnumType, _ctx: TypeContext): string {
    return `VARCHAR(${t.maxLength})`;
  }
  protected largeBinary(): string {
    return "BLOB";
  }
}
