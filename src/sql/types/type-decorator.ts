/**
 * Custom types built on a built-in one (SQLAlchemy's TypeDecorator): the database sees `impl`,
 * the application sees `T`, and two functions convert between them.
 */
import { ArgumentError } from "../../util/errors.js";
import { SqlType, type TypeArg, toType } from "./sql-type.js";

/**
 * Base class of custom types. Subclasses set `impl` and the two conversions; neither is called
 * with null (NULL stays NULL). Override `cacheKey` when instances differ by parameters.
 *
 * @example
 * class Money extends TypeDecorator<{ cents: bigint }, string> {
 *   readonly impl = Numeric(18, 2);
 *   toDriver(v) { return (v.cents / 100n).toString() + "." + (v.cents % 100n).toString().padStart(2, "0"); }
 *   fromDriver(s) { return { cents: BigInt(s.replace(".", "")) }; }
 * }
 */
export abstract class TypeDecorator<T, TImpl = unknown> extends SqlType<T> {
  readonly kind = "Decorator" as const;
  abstract readonly impl: SqlType<TImpl>;
  /** Application value → value of the `impl` type. */
  abstract toDriver(value: T): TImpl;
  /** Value of the `impl` type → application value. */
  abstract fromDriver(value: TImpl): T;

  protected override computeCacheKey(): string {
    return `${this.constructor.name}<${this.impl.cacheKey}>`;
  }
  override validate(value: unknown): unknown {
    return this.impl.validate(this.toDriver(value as T));
  }
}

/** Options of {@link customType}. */
export interface CustomTypeOptions<T, TImpl> {
  /** A name used in cache keys and messages; must be unique among your custom types. */
  name: string;
  impl: TypeArg<TImpl>;
  toDriver: (value: T) => TImpl;
  fromDriver: (value: TImpl) => T;
}

/**
 * Builds a custom type without writing a class.
 * @example
 * const CsvList = customType<string[], string>({
 *   name: "CsvList", impl: Text,
 *   toDriver: (v) => v.join(","), fromDriver: (s) => (s === "" ? [] : s.split(",")),
 * });
 */
export function customType<T, TImpl>(options: CustomTypeOptions<T, TImpl>): TypeDecorator<T, TImpl> {
  if (!options.name) throw new ArgumentError("customType() needs a name (used in cache keys and messages)");
  const impl = toType(options.impl);
  const { name, toDriver, fromDriver } = options;
  return new (class extends TypeDecorator<T, TImpl> {
    readonly impl = impl;
    toDriver(value: T): TImpl {
      return toDriver(value);
    }
    fromDriver(value: TImpl): T {
      return fromDriver(value);
    }
    protected override computeCacheKey(): string {
      return `${name}<${impl.cacheKey}>`;
    }
    override describe(): string {
      return name;
    }
  })();
}

/** The built-in type a type stands on: itself, or the implementation under (nested) decorators. */
export function baseType(type: SqlType<unknown>): SqlType<unknown> {
  let t = type;
  while (t instanceof TypeDecorator) t = t.impl as SqlType<unknown>;
  return t;
}
