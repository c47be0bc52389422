/**
 * UPDATEs for the unit of work: only the changed columns, with onUpdate defaults and the version
 * check of optimistic locking. Rows changing the same columns share one prepared statement (built
 * once per table and column set with named parameters, so executing it again skips building and
 * compiling): one execution per row on embedded databases and for versioned rows, CASE batches of up
 * to 500 rows elsewhere. Called only by unit-of-work.ts.
 */
import { StaleDataError } from "../../util/errors.js";
import type { Table } from "../../sql/schema/table.js";
import { Expression, bindParam } from "../../sql/elements/expression.js";
import { CaseExpression } from "../../sql/elements/case-expression.js";
import { update, type Update } from "../../sql/statements/dml.js";
import type { Connection } from "../../engine/connection.js";
import type { ColumnProperty, Mapper } from "../mapping/mapper.js";
import { NO_VALUE, type InstanceState } from "../session/instance-state.js";
import { pkColumns, pkWhere, tableColumns, type Col } from "./writers.js";

/** Rows per batched UPDATE statement. */
const BATCH = 500;

/** Prepared UPDATE statements per table, by shape. */
const prepared = new WeakMap<Table, Map<string, Update<any>>>();

function cached(table: Table, key: string, build: () => Update<any>): Update<any> {
  let byShape = prepared.get(table);
  if (!byShape) prepared.set(table, (byShape = new Map()));
  let stmt = byShape.get(key);
  if (!stmt) byShape.set(key, (stmt = build()));
  return stmt;
}

/** `UPDATE t SET c0 = :v0, … WHERE pk = :k0 [AND version = :ver]`, the version set to :nv. */
function rowStatement(table: Table, pk: readonly Col[], set: readonly Col[], version: Col | undefined): Update<any> {
  const key = `row|${set.map((c) => c.key).join(",")}|${version?.key ?? ""}`;
  return cached(table, key, () => {
    const values: Record<string, unknown> = {};
    set.forEach((c, j) => (values[c.key] = bindParam(`v${j}`, c.type)));
    if (version) values[version.key] = bindParam("nv", version.type);
    const conds = pk.map((c, i) => c.eq(bindParam(`k${i}`, c.type)));
    if (version) conds.push(version.eq(bindParam("ver", version.type)));
    return update(table)
      .set(values as never)
      .where(...conds);
  });
}

/** `UPDATE t SET c = CAST(CASE WHEN pk = :k0 THEN :v0_0 … END AS type), … WHERE pk IN (:k0, …)` for `n` rows. */
function batchStatement(table: Table, pk: Col, set: readonly Col[], n: number): Update<any> {
  const key = `batch|${set.map((c) => c.key).join(",")}|${n}`;
  return cached(table, key, () => {
    const keys = Array.from({ length: n }, (_, i) => bindParam(`k${i}`, pk.type));
    const values: Record<string, unknown> = {};
    set.forEach((c, j) => {
      const whens = keys.map((k, i) => [pk.eq(k).node, bindParam(`v${i}_${j}`, c.type).node] as const);
      values[c.key] = new CaseExpression(whens, c.type).cast(c.type);
    });
    return update(table)
      .set(values as never)
      .where(pk.in(keys));
  });
}

/** The value a versioned row had when loaded (the WHERE of its UPDATE) and the one it gets. */
function versionStep(s: InstanceState, version: ColumnProperty): [unknown, unknown] {
  const current = s.committed?.has(version.index) ? s.committed.get(version.index) : s.get(version.index);
  return [current, typeof current === "bigint" ? current + 1n : Number(current ?? 0) + 1];
}

function describeKey(pk: ReadonlyArray<[ColumnProperty, Col]>, s: InstanceState): string {
  return pk.map(([p]) => `${p.key}=${String(s.get(p.index))}`).join(", ");
}

/**
 * Updates rows of one mapper. `changes` holds each row's changed attribute indexes (onUpdate
 * defaults and the version bump are added here).
 */
export async function updateRows(conn: Connection, mapper: Mapper, changes: ReadonlyMap<InstanceState, number[]>): Promise<void> {
  const version = mapper.version;
  const expired = new Map<InstanceState, number[]>();
  for (const [s, changed] of changes) {
    // onUpdate defaults for columns the row does not change itself.
    for (const p of s.mapper.columns) {
      const d = p.column.spec.onUpdate;
      if (d === undefined || changed.includes(p.index)) continue;
      if (d instanceof Expression) {
        s.set(p.index, d);
        (expired.get(s) ?? expired.set(s, []).get(s)!).push(p.index);
      } else s.set(p.index, typeof d === "function" ? (d as () => unknown)() : d);
      changed.push(p.index);
    }
  }
  const embedded = conn.dialect.caps.embedded;
  for (const table of mapper.tables) {
    const cols = tableColumns(mapper, table);
    const pk = pkColumns(mapper, table);
    const versioned = version !== undefined && table === version.column.table ? version : undefined;
    // Rows changing the same columns go together; rows setting a SQL expression each get their own statement.
    const groups = new Map<string, Array<[InstanceState, Array<[ColumnProperty, Col]>]>>();
    for (const [s, changed] of changes) {
      const set = cols.filter(([p]) => changed.includes(p.index) && p !== version);
      if (set.length === 0 && !versioned) continue;
      const literal = set.some(([p]) => s.get(p.index) instanceof Expression);
      const sig = `${literal ? "expr" : "plain"}|${set.map(([, c]) => c.key).join(",")}`;
      (groups.get(sig) ?? groups.set(sig, []).get(sig)!).push([s, set]);
    }
    for (const [sig, entries] of groups) {
      if (sig.startsWith("expr|")) {
        for (const [s, set] of entries) await updateWithExpressions(conn, mapper, table, pk, s, set, versioned);
        continue;
      }
      const set = entries[0]![1];
      if (versioned || embedded || entries.length === 1 || pk.length > 1) {
        await updateEach(conn, mapper, table, pk, set, entries, versioned);
        continue;
      }
      for (let i = 0; i < entries.length; i += BATCH) await updateBatch(conn, table, pk[0]!, set, entries.slice(i, i + BATCH));
    }
  }
  // Values set by SQL expressions are not known here: load them again when next read.
  for (const [s, idxs] of expired) for (const i of idxs) s.set(i, NO_VALUE);
}

/** One execution of a prepared statement per row; versioned rows check and bump their version. */
async function updateEach(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  pk: ReadonlyArray<[ColumnProperty, Col]>,
  set: ReadonlyArray<[ColumnProperty, Col]>,
  entries: ReadonlyArray<[InstanceState, unknown]>,
  version: ColumnProperty | undefined,
): Promise<void> {
  const stmt = rowStatement(
    table,
    pk.map(([, c]) => c),
    set.map(([, c]) => c),
    version?.column,
  );
  for (const [s] of entries) {
    const params: Record<string, unknown> = {};
    for (let j = 0; j < set.length; j++) params[`v${j}`] = s.get(set[j]![0].index);
    for (let i = 0; i < pk.length; i++) params[`k${i}`] = s.get(pk[i]![0].index);
    let bumped: unknown;
    if (version) {
      const [current, next] = versionStep(s, version);
      params.ver = current;
      params.nv = bumped = next;
    }
    const res = await conn._executeArrays(stmt, params);
    if (res.rowCount !== 1)
      throw new StaleDataError(
        `UPDATE of ${mapper.name} (${describeKey(pk, s)}) matched ${res.rowCount} rows, expected 1: ${
          version ? "another transaction changed or deleted it since it was loaded (version mismatch)" : "the row no longer exists"
        }; roll back and load it again`,
      );
    if (version) s.set(version.index, bumped);
  }
}

/** Rows that set SQL expressions (`obj.n = Model.n.add(1)`): a statement of their own each. */
async function updateWithExpressions(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  pk: ReadonlyArray<[ColumnProperty, Col]>,
  s: InstanceState,
  set: ReadonlyArray<[ColumnProperty, Col]>,
  version: ColumnProperty | undefined,
): Promise<void> {
  const values: Record<string, unknown> = {};
  for (const [p, c] of set) values[c.key] = s.get(p.index);
  const conds = [pkWhere(pk as Array<[ColumnProperty, Col]>, s)];
  let bumped: unknown;
  if (version) {
    const [current, next] = versionStep(s, version);
    values[version.column.key] = bumped = next;
    conds.push(version.column.eq(current));
  }
  const res = await conn._executeArrays(
    update(table)
      .set(values as never)
      .where(...conds),
  );
  if (res.rowCount !== 1)
    throw new StaleDataError(
      `UPDATE of ${mapper.name} (${describeKey(pk, s)}) matched ${res.rowCount} rows, expected 1: ${
        version ? "another transaction changed or deleted it since it was loaded (version mismatch)" : "the row no longer exists"
      }; roll back and load it again`,
    );
  if (version) s.set(version.index, bumped);
}

/** Up to BATCH rows with one primary key column, in one CASE statement. */
async function updateBatch(
  conn: Connection,
  table: Table,
  pk: [ColumnProperty, Col],
  set: ReadonlyArray<[ColumnProperty, Col]>,
  entries: ReadonlyArray<[InstanceState, unknown]>,
): Promise<void> {
  const stmt = batchStatement(
    table,
    pk[1],
    set.map(([, c]) => c),
    entries.length,
  );
  const params: Record<string, unknown> = {};
  const pkIndex = pk[0].index;
  for (let i = 0; i < entries.length; i++) {
    const s = entries[i]![0];
    params[`k${i}`] = s.get(pkIndex);
    for (let j = 0; j < set.length; j++) params[`v${i}_${j}`] = s.get(set[j]![0].index);
  }
  const res = await conn._executeArrays(stmt, params);
  if (res.rowCount !== entries.length)
    throw new StaleDataError(
      `a batched UPDATE of ${table.name} matched ${res.rowCount} of ${entries.length} rows: some no longer exist; roll back and load them again`,
    );
}
