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
import { select } from "../../sql/statements/select.js";
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

/**
 * `UPDATE t SET c = v.c0, … FROM (SELECT :k0_0 AS k0, :v0_0 AS c0 UNION ALL SELECT :k1_0, :v1_0 …) AS v
 * WHERE t.pk = v.k0` for `n` rows (a multi-table UPDATE on MySQL).
 */
function joinStatement(table: Table, pk: readonly Col[], set: readonly Col[], n: number): Update<any> {
  const key = `join|${set.map((c) => c.key).join(",")}|${n}`;
  return cached(table, key, () => {
    const row = (i: number, labelled: boolean) => {
      const items = [
        ...pk.map((c, x) => [`k${x}`, bindParam(`k${i}_${x}`, c.type)] as const),
        ...set.map((c, j) => [`c${j}`, bindParam(`v${i}_${j}`, c.type)] as const),
      ];
      return labelled ? select(...items.map(([label, e]) => e.as(label))) : select(...items.map(([, e]) => e));
    };
    const rows = Array.from({ length: n - 1 }, (_, i) => row(i + 1, false));
    const v = (rows.length ? row(0, true).unionAll(...(rows as never[])) : row(0, true)).subquery("athanor_rows");
    const cols = v.c as Record<string, Expression<unknown, any>>;
    const values: Record<string, unknown> = {};
    set.forEach((c, j) => (values[c.key] = cols[`c${j}`]));
    return update(table)
      .set(values as never)
      .from(v)
      .where(...pk.map((c, x) => c.eq(cols[`k${x}`] as never)));
  });
}

const nameCache = new Map<string, string[]>();

/** Parameter names of a batch, in the order rows fill them: each row's keys, then its values. */
function paramNames(rows: number, keys: number, values: number, join: boolean): string[] {
  const cacheKey = `${rows}|${keys}|${values}|${join}`;
  let names = nameCache.get(cacheKey);
  if (!names) {
    names = [];
    for (let i = 0; i < rows; i++) {
      for (let x = 0; x < keys; x++) names.push(join ? `k${i}_${x}` : `k${i}`);
      for (let j = 0; j < values; j++) names.push(`v${i}_${j}`);
    }
    nameCache.set(cacheKey, names);
  }
  return names;
}

/** Parameter names of the one-row statement, in the order updateEach fills them. */
function rowParamNames(values: number, keys: number, versioned: boolean): string[] {
  const cacheKey = `row|${values}|${keys}|${versioned}`;
  let names = nameCache.get(cacheKey);
  if (!names) {
    names = [...Array.from({ length: values }, (_, j) => `v${j}`), ...Array.from({ length: keys }, (_, i) => `k${i}`)];
    if (versioned) names.push("ver", "nv");
    nameCache.set(cacheKey, names);
  }
  return names;
}

/** The value a versioned row had when loaded (the WHERE of its UPDATE) and the one it gets. */
function versionStep(s: InstanceState, version: ColumnProperty): [unknown, unknown] {
  const current = s.committed?.has(version.index) ? s.committed.get(version.index) : s.get(version.index);
  return [current, typeof current === "bigint" ? current + 1n : Number(current ?? 0) + 1];
}

function describeKey(pk: ReadonlyArray<[ColumnProperty, Col]>, s: InstanceState): string {
  return pk.map(([p]) => `${p.key}=${String(s.get(p.index))}`).join(", ");
}

/** The error for a one-row UPDATE that matched `count` rows instead of 1. */
function staleRow(
  mapper: Mapper,
  pk: ReadonlyArray<[ColumnProperty, Col]>,
  s: InstanceState,
  count: number,
  version: ColumnProperty | undefined,
): StaleDataError {
  return new StaleDataError(
    `UPDATE of ${mapper.name} (${describeKey(pk, s)}) matched ${count} rows, expected 1: ${
      version ? "another transaction changed or deleted it since it was loaded (version mismatch)" : "the row no longer exists"
    }; roll back and load it again`,
  );
}

/**
 * Updates rows of one mapper. `changes[i]` holds the changed attribute indexes of `rows[i]` (onUpdate
 * defaults and the version bump are added here).
 */
export async function updateRows(
  conn: Connection,
  mapper: Mapper,
  rows: readonly InstanceState[],
  changes: ReadonlyArray<number[]>,
): Promise<InstanceState[]> {
  const version = mapper.version;
  const expired = new Map<InstanceState, number[]>();
  const onUpdate = mapper.columns.filter((p) => p.column.spec.onUpdate !== undefined);
  // Rows setting a SQL expression: their values are unknown after the UPDATE.
  const withExpressions: InstanceState[] = [];
  const setsExpression = new Uint8Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const s = rows[r]!;
    const changed = changes[r]!;
    // onUpdate defaults for columns the row does not change itself.
    for (const p of onUpdate) {
      if (changed.includes(p.index)) continue;
      const d = p.column.spec.onUpdate;
      if (d instanceof Expression) {
        s.set(p.index, d);
        (expired.get(s) ?? expired.set(s, []).get(s)!).push(p.index);
      } else s.set(p.index, typeof d === "function" ? (d as () => unknown)() : d);
      changed.push(p.index);
    }
    for (let k = 0; k < changed.length; k++) {
      const v = s.get(changed[k]!);
      if (typeof v === "object" && v instanceof Expression) {
        withExpressions.push(s);
        setsExpression[r] = 1;
        break;
      }
    }
  }
  const caps = conn.dialect.caps;
  const join = caps.batchUpdate === "join" && caps.updateFrom;
  for (const table of mapper.tables) {
    const cols = tableColumns(mapper, table);
    const pk = pkColumns(mapper, table);
    const versioned = version !== undefined && table === version.column.table ? version : undefined;
    const colOf = new Map(cols.map((x) => [x[0].index, x] as const));
    // Rows changing the same columns go together (keyed by the changed indexes, sorted: a number
    // when there is one); rows setting a SQL expression each get their own statement.
    const groups = new Map<number | string, { set: Array<[ColumnProperty, Col]>; states: InstanceState[] }>();
    for (let r = 0; r < rows.length; r++) {
      const s = rows[r]!;
      const changed = changes[r]!;
      if (setsExpression[r]) {
        const set = cols.filter(([p]) => changed.includes(p.index) && p !== version);
        if (set.length > 0 || versioned) await updateWithExpressions(conn, mapper, table, pk, s, set, versioned);
        continue;
      }
      const sig = changed.length === 1 ? changed[0]! : [...changed].sort((x, y) => x - y).join(",");
      let group = groups.get(sig);
      if (!group) {
        const set: Array<[ColumnProperty, Col]> = [];
        for (const i of String(sig).split(",")) {
          const x = colOf.get(Number(i));
          if (x && x[0] !== version) set.push(x);
        }
        groups.set(sig, (group = { set, states: [] }));
      }
      if (group.set.length > 0 || versioned) group.states.push(s);
    }
    for (const { set, states } of groups.values()) {
      if (states.length === 0) continue;
      if (versioned || states.length === 1 || (!join && (caps.embedded || pk.length > 1))) {
        await updateEach(conn, mapper, table, pk, set, states, versioned);
        continue;
      }
      for (let i = 0; i < states.length; i += BATCH) await updateBatch(conn, table, pk, set, states.slice(i, i + BATCH));
    }
  }
  // Values set by SQL expressions are not known here: load them again when next read.
  for (const [s, idxs] of expired) for (const i of idxs) s.set(i, NO_VALUE);
  return withExpressions;
}

/** One execution of a prepared statement per row; versioned rows check and bump their version. */
async function updateEach(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  pk: ReadonlyArray<[ColumnProperty, Col]>,
  set: ReadonlyArray<[ColumnProperty, Col]>,
  states: readonly InstanceState[],
  version: ColumnProperty | undefined,
): Promise<void> {
  const stmt = rowStatement(
    table,
    pk.map(([, c]) => c),
    set.map(([, c]) => c),
    version?.column,
  );
  const names = rowParamNames(set.length, pk.length, version !== undefined);
  const values = new Array<unknown>(names.length);
  for (const s of states) {
    let n = 0;
    for (let j = 0; j < set.length; j++) values[n++] = s.get(set[j]![0].index);
    for (let i = 0; i < pk.length; i++) values[n++] = s.get(pk[i]![0].index);
    let bumped: unknown;
    if (version) {
      const [current, next] = versionStep(s, version);
      values[n++] = current;
      values[n++] = bumped = next;
    }
    const res = await conn._executeArraysByPosition(stmt, names, values);
    if (res.rowCount !== 1) throw staleRow(mapper, pk, s, res.rowCount, version);
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
  if (res.rowCount !== 1) throw staleRow(mapper, pk, s, res.rowCount, version);
  if (version) s.set(version.index, bumped);
}

/** Up to BATCH rows in one statement: joined to a derived table of their values, or with CASE. */
async function updateBatch(
  conn: Connection,
  table: Table,
  pk: ReadonlyArray<[ColumnProperty, Col]>,
  set: ReadonlyArray<[ColumnProperty, Col]>,
  states: readonly InstanceState[],
): Promise<void> {
  const join = conn.dialect.caps.batchUpdate === "join";
  const setCols = set.map(([, c]) => c);
  const stmt = join
    ? joinStatement(
        table,
        pk.map(([, c]) => c),
        setCols,
        states.length,
      )
    : batchStatement(table, pk[0]![1], setCols, states.length);
  const keys = join ? pk.length : 1;
  const names = paramNames(states.length, keys, set.length, join);
  const values = new Array<unknown>(names.length);
  let n = 0;
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    for (let x = 0; x < keys; x++) values[n++] = s.get(pk[x]![0].index);
    for (let j = 0; j < set.length; j++) values[n++] = s.get(set[j]![0].index);
  }
  const res = await conn._executeArraysByPosition(stmt, names, values);
  if (res.rowCount !== states.length)
    throw new StaleDataError(
      `a batched UPDATE of ${table.name} matched ${res.rowCount} of ${states.length} rows: some no longer exist; roll back and load them again`,
    );
}
