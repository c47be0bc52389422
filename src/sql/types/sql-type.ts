/**
 * The base of every SQL type. A type knows its TypeScript value type (phantom `__ts`), how to
 * validate an application value, and its cache key. How it is spelled in DDL and converted to and
 * from driver values is dialect knowledge (src/dialects/<db>/…-types.ts); this module knows no dialect.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";

/** Every built-in type kind. Custom types built with {@link TypeDecorator} report "Decorator". */
export type TypeKind =
  | "Integer"
  | "SmallInteger"
  | "BigInteger"
  | "String"
  | "Text"
  | "Boolean"
  | "Numeric"
  | "Float"
  | "Date"
  | "DateTime"
  | "Time"
  | "Json"
  | "Jsonb"
  | "Uuid"
  | "Enum"
  | "LargeBinary"
  | "Null"
  | "Native"
  | "Decorator";

/** Thrown by {@link SqlType.validate}; the executor adds which column or parameter the value was for. */
export class ValueTypeError extends ArgumentError {
  override name = "ValueTypeError";
  constructor(
    readonly type: SqlType<unknown>,
    readonly value: unknown,
    readonly hint: string,
  ) {
    super(`expected ${hint}, got ${describeValue(value)} (type ${type.describe()})`);
  }
}

/** A SQL type whose values are `T` in TypeScript. */
export abstract class SqlType<T = unknown> {
  /** Phantom: the TypeScript type of values. Never set at runtime. */
  declare readonly __ts: T;
  abstract readonly kind: TypeKind;

  #cacheKey: string | undefined;

  /** A stable description of the type's shape; part of compiled-statement cache keys. Computed once. */
  get cacheKey(): string {
    return (this.#cacheKey ??= this.computeCacheKey());
  }

  /** Builds {@link cacheKey}; types with parameters override this. */
  protected computeCacheKey(): string {
    return this.kind;
  }

  /** How the type reads in messages, e.g. `String(255)`. */
  describe(): string {
    return this.cacheKey;
  }

  /**
   * Checks an application value before it is bound and returns it (possibly normalised).
   * Called for non-null values only. Throws {@link ValueTypeError} for values of the wrong type.
   */
  validate(value: unknown): unknown {
    return value;
  }

  /** The type given to the other operand when this type is compared with a plain value. */
  comparedValueType(): SqlType<unknown> {
    return this;
  }
}

/** Values of a type, when handed a type object or a type factory (`Integer`, `String(50)`, `String`). */
export type TypeValue<T> = T extends SqlType<infer V> ? V : T extends () => SqlType<infer V> ? V : never;

/** What column() and cast() accept as a type: an instance, or a factory called with no arguments. */
export type TypeArg<V = any> = SqlType<V> | (() => SqlType<V>);

/** Resolves a {@link TypeArg} to a type instance. */
export function toType<V>(arg: TypeArg<V>): SqlType<V> {
  if (arg instanceof SqlType) return arg;
  if (typeof arg === "function") {
    const made = (arg as () => unknown)();
    if (made instanceof SqlType) return made as SqlType<V>;
  }
  throw new ArgumentError(`${describeValue(arg)} is not a SQL type; pass one such as Integer or String(255)`);
}

/** The type of expressions whose SQL type is unknown (raw SQL, untyped parameters). */
export class NullType extends SqlType<unknown> {
  readonly kind = "Null" as const;
  override validate(value: unknown): unknown {
    return checkPlainValue(this, value);
  }
}

/** Singleton {@link NullType}. */
export const UNTYPED = new NullType();

/**
 * Values that may be bound without a declared type. Objects and arrays are refused: binding them
 * untyped is how several Node ORMs turned values into SQL (operator objects, array expansion).
 */
export function checkPlainValue(type: SqlType<unknown>, value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "bigint":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new ValueTypeError(type, value, "a finite number");
      return value;
    case "object":
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new ValueTypeError(type, value, "a valid Date");
        return value;
      }
      if (value instanceof Uint8Array) return value;
      throw new ValueTypeError(
        type,
        value,
        "a string, number, bigint, boolean, Date or binary value (objects and arrays are never turned into SQL; give the column a Json type to store them)",
      );
    default:
      throw new ValueTypeError(type, value, "a string, number, bigint, boolean, Date or binary value");
  }
}
