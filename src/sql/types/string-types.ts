/** String, Text, Uuid and Enum: types whose values are JavaScript strings. */
import { ArgumentError } from "../../util/errors.js";
import { SqlType, ValueTypeError } from "./sql-type.js";

/** `VARCHAR(n)`. */
export class StringType extends SqlType<string> {
  readonly kind = "String" as const;
  constructor(readonly length?: number) {
    super();
    if (length !== undefined && typeof length !== "number")
      throw new ArgumentError(
        `String() is athanor's SQL type and takes a length, but got ${typeof length === "string" ? `the string ${JSON.stringify(length)}` : `a ${typeof length}`}; to convert a value to text in a file that imports it, use globalThis.String(value) or a template literal`,
      );
    if (length !== undefined && !(Number.isInteger(length) && length > 0))
      throw new ArgumentError(`String(${length}): the length must be a positive integer`);
  }
  protected override computeCacheKey(): string {
    return this.length === undefined ? "String" : `String(${this.length})`;
  }
  override validate(value: unknown): string {
    if (typeof value === "string") return value;
    throw new ValueTypeError(this, value, "a string");
  }
}

/** Unbounded text (`TEXT`). */
export class TextType extends SqlType<string> {
  readonly kind = "Text" as const;
  override validate(value: unknown): string {
    if (typeof value === "string") return value;
    throw new ValueTypeError(this, value, "a string");
  }
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * A UUID held as its canonical lower-case string with dashes. Native `UUID` on PostgreSQL,
 * `CHAR(36)` elsewhere, so stored values read the same on every database.
 */
export class UuidType extends SqlType<string> {
  readonly kind = "Uuid" as const;
  override validate(value: unknown): string {
    if (typeof value === "string" && UUID_RE.test(value)) return value.toLowerCase();
    throw new ValueTypeError(this, value, "a UUID string like 123e4567-e89b-12d3-a456-426614174000");
  }
}

/** Options of {@link Enum}. */
export interface EnumOptions {
  /**
   * The type's name: the native type name on PostgreSQL (`CREATE TYPE name AS ENUM`) and the CHECK
   * constraint name on SQLite. Defaults to `<table>_<column>` at DDL time.
   */
  name?: string;
}

/**
 * A closed set of string values: native `ENUM` type on PostgreSQL, inline `ENUM(...)` on MySQL,
 * `VARCHAR` plus a CHECK constraint on SQLite. Values outside the set are refused on write and read.
 */
export class EnumType<V extends string = string> extends SqlType<V> {
  readonly kind = "Enum" as const;
  readonly values: readonly V[];
  readonly #set: ReadonlySet<string>;
  readonly name: string | undefined;
  constructor(values: readonly V[], options: EnumOptions = {}) {
    super();
    if (values.length === 0) throw new ArgumentError("Enum() needs at least one value");
    for (const v of values) if (typeof v !== "string") throw new ArgumentError(`Enum values must be strings; got ${String(v)}`);
    if (new Set(values).size !== values.length) throw new ArgumentError(`Enum values must be distinct: ${values.join(", ")}`);
    this.values = Object.freeze([...values]);
    this.#set = new Set(values);
    this.name = options.name;
  }
  /** The native type name (PostgreSQL) of this enum on a column: its own name, else `<table>_<column>`. */
  nameOn(tableName: string, columnName: string): string {
    return this.name ?? `${tableName}_${columnName}`;
  }
  /** Length of the longest value: the VARCHAR length used where there is no native enum. */
  get maxLength(): number {
    return Math.max(...this.values.map((v) => v.length));
  }
  protected override computeCacheKey(): string {
    return `Enum(${this.name ?? ""}:${this.values.join("\u0001")})`;
  }
  override describe(): string {
    return `Enum(${this.values.map((v) => JSON.stringify(v)).join(", ")})`;
  }
  has(value: unknown): value is V {
    return typeof value === "string" && this.#set.has(value);
  }
  override validate(value: unknown): V {
    if (this.has(value)) return value;
    throw new ValueTypeError(this, value, `one of ${this.values.map((v) => JSON.stringify(v)).join(", ")}`);
  }
}

/** `VARCHAR(length)`. Call without a length where the dialect allows it (not MySQL). */
export function String(length?: number): StringType {
  return new StringType(length);
}

/** Unbounded text. Usable bare (`Text`) or called (`Text()`). */
export function Text(): TextType {
  return TEXT;
}
const TEXT = new TextType();

/** A UUID string. Usable bare (`Uuid`) or called (`Uuid()`). */
export function Uuid(): UuidType {
  return UUID;
}
const UUID = new UuidType();

/**
 * An enumerated string type, from a list of values or a TypeScript string enum.
 * @example column(Enum(["draft", "published"], { name: "post_status" }))
 */
export function Enum<const V extends string>(values: readonly V[], options?: EnumOptions): EnumType<V>;
export function Enum<E extends Record<string, string>>(tsEnum: E, options?: EnumOptions): EnumType<E[keyof E]>;
export function Enum(values: readonly string[] | Record<string, string>, options?: EnumOptions): EnumType<string> {
  const list = Array.isArray(values) ? values : Object.values(values as Record<string, string>);
  return new EnumType(list, options);
}
