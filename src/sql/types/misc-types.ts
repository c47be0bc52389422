/** Boolean, Json/Jsonb and LargeBinary. */
import { SqlType, ValueTypeError } from "./sql-type.js";

/** `BOOLEAN` (a 0/1 integer where the database has no native boolean). */
export class BooleanType extends SqlType<boolean> {
  readonly kind = "Boolean" as const;
  override validate(value: unknown): boolean {
    if (typeof value === "boolean") return value;
    if (value === 0 || value === 1) return value === 1;
    throw new ValueTypeError(this, value, "a boolean");
  }
}

/**
 * A JSON document. `null` stores SQL NULL; any other value is serialised with JSON.stringify, and
 * values JSON cannot represent (functions, undefined, bigint, cycles) are refused.
 */
export class JsonType<T = unknown> extends SqlType<T> {
  readonly kind: "Json" | "Jsonb" = "Json";
  /** Serialises a value, refusing what JSON cannot hold. Called by dialect bind processors. */
  encode(value: unknown): string {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (err) {
      throw new ValueTypeError(this, value, `a JSON-serialisable value (${(err as Error).message})`);
    }
    if (text === undefined) throw new ValueTypeError(this, value, "a JSON-serialisable value");
    return text;
  }
  override validate(value: unknown): unknown {
    return value;
  }
}

/** PostgreSQL `JSONB` (binary JSON, indexable). Other dialects refuse it at DDL time. */
export class JsonbType<T = unknown> extends JsonType<T> {
  override readonly kind = "Jsonb" as const;
}

/** Binary data held as a Node.js Buffer (`BYTEA` / `LONGBLOB` / `BLOB`). */
export class LargeBinaryType extends SqlType<Buffer> {
  readonly kind = "LargeBinary" as const;
  override validate(value: unknown): Buffer {
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new ValueTypeError(this, value, "a Buffer or Uint8Array");
  }
}

/** `BOOLEAN`. */
export const Boolean = new BooleanType();
/** Binary data as a Buffer. */
export const LargeBinary = new LargeBinaryType();

/**
 * A JSON column whose values have type `T` (unchecked at runtime beyond serialisability).
 * Usable bare (`Json`) or called with a type argument (`Json<Settings>()`).
 */
export function Json<T = unknown>(): JsonType<T> {
  return JSON_TYPE as JsonType<T>;
}
const JSON_TYPE = new JsonType<unknown>();

/** PostgreSQL `JSONB`. Usable bare or called with a type argument. */
export function Jsonb<T = unknown>(): JsonbType<T> {
  return JSONB_TYPE as JsonbType<T>;
}
const JSONB_TYPE = new JsonbType<unknown>();
