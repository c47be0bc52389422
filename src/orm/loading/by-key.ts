/**
 * Primary-key helpers for loading: normalising what `session.get()` is given, and the WHERE that
 * selects a batch of rows by key (get, refresh, reload after rollback, polymorphic follow-up loads).
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { ValueTypeError } from "../../sql/types/sql-type.js";
import type { Expression } from "../../sql/elements/expression.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import type { Mapper } from "../mapping/mapper.js";
import { checkedValue } from "../mapping/instrumentation.js";

/**
 * Keys per `WHERE key IN (…)` batch: large, since each batch is a round trip, and far below every
 * supported database's parameter limit (SQLite 32,766; PostgreSQL and MySQL 65,535). MariaDB joins
 * lists of 1,000 or more values as a table instead of probing an index per value (measured: 1,000
 * children's parents in one list took half the time of two 500-value lists on a non-unique index).
 */
export const KEY_BATCH = 5000;

/**
 * Keys per batch for a key of `columns` columns: composite keys are matched with `(a = ? AND b = ?)
 * OR …`, and SQLite parses an OR chain as one nested expression per key, up to a depth of 1,000.
 */
export function keyBatch(columns: number): number {
  return columns === 1 ? KEY_BATCH : 500;
}

/**
 * Primary key values in the mapper's key order, from a single value, an array (composite keys, in
 * key column order) or an object of attribute values.
 */
export function pkValues(mapper: Mapper, pk: unknown): unknown[] {
  const keys = mapper.pk;
  const where = `get(${mapper.name}, …)`;
  let raw: unknown[];
  if (Array.isArray(pk)) raw = pk;
  else if (typeof pk === "object" && pk !== null && !(pk instanceof Date) && !Buffer.isBuffer(pk)) {
    const record = pk as Record<string, unknown>;
    for (const k of Object.keys(record))
      if (!keys.some((p) => p.key === k))
        throw new ArgumentError(`${where}: '${k}' is not part of the primary key (${keys.map((p) => p.key).join(", ")})`);
    raw = keys.map((p) => record[p.key]);
  } else raw = [pk];
  if (raw.length !== keys.length)
    throw new ArgumentError(
      `${where}: the primary key has ${keys.length} column(s) (${keys.map((p) => p.key).join(", ")}), got ${raw.length} value(s); pass ${
        keys.length === 1 ? "one value" : "an array in that order, or an object"
      }`,
    );
  return raw.map((v, i) => {
    const p = keys[i]!;
    if (v === null || v === undefined) throw new ArgumentError(`${where}: primary key ${p.key} is ${describeValue(v)}; give a value`);
    try {
      return checkedValue(p.column.type, v);
    } catch (err) {
      if (err instanceof ValueTypeError) throw new ArgumentError(`${where}: primary key ${p.key}: ${err.message}`, { cause: err });
      throw err;
    }
  });
}

/** The identity key of primary key values (as Mapper.identityKey computes it from a value array). */
export function identityOf(mapper: Mapper, pk: readonly unknown[]): unknown {
  const values: unknown[] = [];
  mapper.pk.forEach((p, i) => (values[p.index] = pk[i]));
  return mapper.identityKey(values);
}

/** `WHERE pk IN (…)` for one key column, `(a = ? AND b = ?) OR …` for composite keys. */
export function keysCondition(mapper: Mapper, keys: readonly (readonly unknown[])[]): Expression<boolean, any> {
  const cols = mapper.pk.map((p) => p.column);
  if (cols.length === 1) return cols[0]!.in(keys.map((k) => k[0]));
  const each = keys.map((k) => and(...cols.map((c, i) => c.eq(k[i]))));
  return each.length === 1 ? each[0]! : or(...each);
}
