/**
 * ORM-enabled bulk statements run through a Session: UPDATE by primary key from a list of rows,
 * and the key lookups that let `update(Model).where(…)` / `deleteFrom(Model).where(…)` keep the
 * session's objects in step. No objects are created, no events run, no relationships cascade.
 */
import { ArgumentError, StaleDataError, describeValue } from "../../util/errors.js";
import { ValueTypeError } from "../../sql/types/sql-type.js";
import { Expression } from "../../sql/elements/expression.js";
import { BOOLEAN_TYPE } from "../../sql/elements/builtin-types.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import { select } from "../../sql/statements/select.js";
import { update } from "../../sql/statements/dml.js";
import type { Connection } from "../../engine/connection.js";
import type { ColumnProperty, Mapper } from "../mapping/mapper.js";
import { checkedValue } from "../mapping/instrumentation.js";

/** One row of a bulk update: its identity key and the values it set, by attribute index. */
export interface BulkUpdated {
  readonly key: unknown;
  readonly values: ReadonlyMap<number, unknown>;
}

function columnProp(mapper: Mapper, key: string, where: string): ColumnProperty {
  const p = mapper.byKey.get(key);
  if (!p)
    throw new ArgumentError(
      `${where}: ${mapper.name} has no attribute '${key}'; its columns are ${mapper.columns.map((c) => c.key).join(", ")}`,
    );
  if (p.kind !== "column")
    throw new ArgumentError(`${where}: ${mapper.name}.${key} is not a column attribute and cannot be set by a bulk update`);
  return p;
}

function checked(p: ColumnProperty, v: unknown, where: string): unknown {
  if (v === null || v instanceof Expression) return v;
  try {
    return checkedValue(p.column.type, v);
  } catch (err) {
    if (err instanceof ValueTypeError) throw new ArgumentError(`${where}: ${p.key}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * `session.execute(update(User), [{ id: 1, name: "x" }, …])`: one UPDATE per row, matched by primary
 * key (and version, for versioned models). A row that matches nothing raises StaleDataError.
 */
export async function bulkUpdateByKey(
  conn: Connection,
  mapper: Mapper,
  rows: readonly Record<string, unknown>[],
): Promise<{ rowCount: number; updated: BulkUpdated[] }> {
  const cls = mapper.mappedClass as never;
  const version = mapper.version;
  const updated: BulkUpdated[] = [];
  let rowCount = 0;
  const plans: Array<{
    where: string;
    set: Record<string, unknown>;
    conds: Expression<boolean, any>[];
    describeKey: string;
    key: unknown;
    values: Map<number, unknown>;
  }> = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const where = `bulk update of ${mapper.name}, row ${i + 1}`;
    if (typeof row !== "object" || row === null || Array.isArray(row))
      throw new ArgumentError(`${where}: each row must be an object of attribute values, got ${describeValue(row)}`);
    const keyValues: unknown[] = [];
    for (const p of mapper.pk) {
      const v = row[p.key];
      if (v === undefined || v === null)
        throw new ArgumentError(
          `${where}: the primary key ${p.key} is missing; a bulk update by key needs every row's key (use update(${mapper.name}).where(…) for criteria)`,
        );
      keyValues.push(checked(p, v, where));
    }
    const set: Record<string, unknown> = {};
    const values = new Map<number, unknown>();
    let expected: unknown;
    for (const [k, v] of Object.entries(row)) {
      if (v === undefined || mapper.pk.some((p) => p.key === k)) continue;
      const p = columnProp(mapper, k, where);
      if (p === version) {
        expected = checked(p, v, where);
        continue;
      }
      set[k] = checked(p, v, where);
      values.set(p.index, set[k]);
    }
    if (version) {
      if (expected === undefined)
        throw new ArgumentError(
          `${where}: ${mapper.name} is versioned (${version.key}); give each row its current ${version.key} so concurrent changes are detected`,
        );
      const bumped = typeof expected === "bigint" ? expected + 1n : Number(expected) + 1;
      set[version.key] = bumped;
      values.set(version.index, bumped);
    }
    if (Object.keys(set).length === 0) throw new ArgumentError(`${where}: no attributes to set besides the primary key`);
    const conds = mapper.pk.map((p, j) => p.column.eq(keyValues[j]));
    if (version) conds.push(version.column.eq(expected));
    const keyed: unknown[] = [];
    mapper.pk.forEach((p, j) => (keyed[p.index] = keyValues[j]));
    const describeKey = mapper.pk.map((p, j) => `${p.key}=${String(keyValues[j])}`).join(", ");
    plans.push({ where, set, conds, describeKey, key: mapper.identityKey(keyed), values });
  }
  // Every row was checked before any is written; the writes share a savepoint, so a stale row undoes them all.
  await conn.transaction(async () => {
    for (const plan of plans) {
      const res = await conn._executeArrays(
        update(cls)
          .set(plan.set as never)
          .where(...plan.conds),
      );
      if (res.rowCount !== 1)
        throw new StaleDataError(
          `${plan.where} matched ${res.rowCount} rows, expected 1 (${plan.describeKey}): ${
            version ? "the row is gone or its version changed" : "the row does not exist"
          }; none of the bulk update's rows were changed`,
        );
      rowCount += res.rowCount;
      updated.push({ key: plan.key, values: plan.values });
    }
  });
  return { rowCount, updated };
}

/** Identity keys of the rows a WHERE clause selects (read before an UPDATE/DELETE by criteria changes them). */
export async function keysMatching(conn: Connection, mapper: Mapper, where: ExprNode | undefined): Promise<unknown[]> {
  let stmt = select(...mapper.pk.map((p) => p.column));
  if (where) stmt = stmt.where(new Expression<boolean>(where, BOOLEAN_TYPE));
  const res = await conn._executeArrays(stmt);
  const values: unknown[] = [];
  return res.rows.map((row) => {
    mapper.pk.forEach((p, j) => (values[p.index] = row[j]));
    return mapper.identityKey(values);
  });
}
