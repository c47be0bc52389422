/**
 * Writes rows for the unit of work: batched INSERTs (… RETURNING generated keys and server
 * defaults where the database can) and DELETEs; UPDATEs are in update-writer.ts. Called only by
 * unit-of-work.ts; knows nothing of sessions.
 */
import { ArgumentError, StaleDataError } from "../../util/errors.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import { Expression } from "../../sql/elements/expression.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import { deleteFrom, insert } from "../../sql/statements/dml.js";
import { select } from "../../sql/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { sameValue } from "../mapping/instrumentation.js";
import type { ColumnProperty, Mapper } from "../mapping/mapper.js";
import { NO_VALUE, type InstanceState } from "../session/instance-state.js";

/** Rows per batched UPDATE/DELETE statement. */
const BATCH = 500;

export type Col = Column<string, unknown, boolean>;

/** The columns of `table` that `mapper`'s attributes write, with their properties. */
export function tableColumns(mapper: Mapper, table: Table): Array<[ColumnProperty, Col]> {
  const out: Array<[ColumnProperty, Col]> = [];
  for (const p of mapper.columns) {
    if (p.column.table === table) out.push([p, p.column]);
    else for (const c of p.alsoColumns) if (c.table === table) out.push([p, c]);
  }
  return out;
}

/** Whether the database generates a value when the column is left out of an INSERT. */
function serverGenerated(table: Table, c: Col): boolean {
  return table.autoincrementColumn === c || c.spec.serverDefault !== undefined || c.spec.default instanceof Expression;
}

export function pkWhere(pairs: ReadonlyArray<[ColumnProperty, Col]>, s: InstanceState) {
  const conds = pairs.map(([p, c]) => c.eq(s.get(p.index)));
  return conds.length === 1 ? conds[0]! : and(...conds);
}

/** Primary key columns of `table`, with the properties holding their values. */
export function pkColumns(mapper: Mapper, table: Table): Array<[ColumnProperty, Col]> {
  const cols = tableColumns(mapper, table);
  return table.primaryKey.columns.map((pc) => cols.find(([, c]) => c === pc)!);
}

/**
 * Inserts rows of one mapper (one dependency level) into each of its tables, base table first.
 * Returns whether some value was a SQL expression (evaluated by the database, so unknown here).
 */
export async function insertRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<boolean> {
  let expressions = false;
  for (const table of mapper.tables) {
    // The base table's generated key flows into the subclass tables through the shared attribute.
    const cols = tableColumns(mapper, table);
    const indexes = cols.map(([p]) => p.index);
    const keys = cols.map(([, c]) => c.key);
    const generated = cols.map(([, c]) => serverGenerated(table, c) || c.spec.default !== undefined);
    const required = cols.map(([, c], i) => !c.spec.nullable && !generated[i]);
    // One pass per object: check required values, build its row, and group rows with the same
    // columns present (one statement each). A column left out without a default will be NULL.
    const groups = new Map<string, { states: InstanceState[]; rows: Record<string, unknown>[] }>();
    const read = mapper.readValues;
    for (const s of states) {
      const values = read(s.obj);
      const row: Record<string, unknown> = {};
      let sig = "";
      for (let i = 0; i < indexes.length; i++) {
        const v = values[indexes[i]!];
        if (v === undefined || v === NO_VALUE) {
          if (required[i]) missingValue(s, cols[i]!);
          if (!generated[i]) s.set(indexes[i]!, null);
          sig += "0";
        } else {
          row[keys[i]!] = v;
          if (typeof v === "object" && v instanceof Expression) expressions = true;
          sig += "1";
        }
      }
      const g = groups.get(sig);
      if (g) {
        g.states.push(s);
        g.rows.push(row);
      } else groups.set(sig, { states: [s], rows: [row] });
    }
    for (const [sig, g] of groups) await insertGroup(conn, mapper, table, cols, sig, g.states, g.rows);
  }
  return expressions;
}

function missingValue(s: InstanceState, [p, c]: [ColumnProperty, Col]): never {
  throw new ArgumentError(
    `${s.mapper.name}.${p.key} is required: it is NOT NULL and has no default; give it a value${
      s.mapper.relationships.some((r) => r.direction === "manyToOne" && r.pairs.some(([, local]) => local === c))
        ? ` or set the relationship that fills it`
        : ""
    } before flushing`,
  );
}

async function insertGroup(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  cols: Array<[ColumnProperty, Col]>,
  sig: string,
  group: InstanceState[],
  rows: Record<string, unknown>[],
): Promise<void> {
  const fetch = cols.filter((x, i) => sig[i] === "0" && serverGenerated(table, x[1]));
  const pk = pkColumns(mapper, table);
  const generatedPk = pk.some(([p]) => group[0]!.get(p.index) === undefined);
  const stmt = insert(table).values(rows as never);
  const caps = conn.dialect.caps;
  if (fetch.length === 0) {
    await conn._executeArrays(stmt);
    return;
  }
  const wanted: Array<[ColumnProperty, Col]> = [...pk, ...fetch.filter((f) => !pk.some(([, c]) => c === f[1]))];
  if (caps.insertReturning) {
    const res = await conn._executeArrays(stmt.returning(...wanted.map(([, c]) => c)));
    assignReturned(group, wanted, pk.length, res.rows, generatedPk);
    return;
  }
  // No RETURNING (MySQL): generated keys come from lastInsertId, one row at a time so each is exact.
  if (generatedPk) {
    const auto = pk.find(([, c]) => table.autoincrementColumn === c);
    for (let i = 0; i < group.length; i++) {
      const r = await conn._executeArrays(insert(table).values(rows[i] as never));
      if (auto) group[i]!.set(auto[0].index, auto[1].type.kind === "BigInteger" ? BigInt(r.lastInsertId ?? 0) : Number(r.lastInsertId));
    }
  } else await conn._executeArrays(stmt);
  // Then the server defaults, read back by key.
  const rest = wanted.slice(pk.length);
  if (rest.length === 0) return;
  for (let i = 0; i < group.length; i += BATCH) {
    const chunk = group.slice(i, i + BATCH);
    const res = await conn._executeArrays(
      select(...pk.map(([, c]) => c), ...rest.map(([, c]) => c)).where(or(...chunk.map((s) => pkWhere(pk, s)))),
    );
    assignReturned(chunk, wanted, pk.length, res.rows, false);
  }
}

/** Puts returned values into the states: matched by key, or in insertion order when keys were generated. */
function assignReturned(
  group: InstanceState[],
  wanted: Array<[ColumnProperty, Col]>,
  pkCount: number,
  rows: unknown[][],
  generatedPk: boolean,
): void {
  if (generatedPk) {
    // Generated keys increase in VALUES order, whatever order RETURNING lists them in (usually that one).
    let ordered = true;
    for (let i = 1; i < rows.length && ordered; i++) ordered = compareKeys(rows[i - 1]!, rows[i]!, pkCount) < 0;
    const sorted = ordered ? rows : [...rows].sort((a, b) => compareKeys(a, b, pkCount));
    sorted.forEach((row, i) => wanted.forEach(([p], j) => group[i]!.set(p.index, row[j])));
    return;
  }
  const keyOf = (vals: readonly unknown[]) => JSON.stringify(vals.slice(0, pkCount), (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  const byKey = new Map(rows.map((r) => [keyOf(r), r] as const));
  for (const s of group) {
    const row = byKey.get(keyOf(wanted.slice(0, pkCount).map(([p]) => s.get(p.index))));
    if (row) wanted.forEach(([p], j) => s.set(p.index, row[j]));
  }
}

function compareKeys(a: readonly unknown[], b: readonly unknown[], n: number): number {
  for (let i = 0; i < n; i++) {
    const x = a[i] as number | bigint | string;
    const y = b[i] as number | bigint | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/** One row's pending column changes: property indexes whose value differs from the committed one. */
export function netChanges(s: InstanceState): number[] {
  const out: number[] = [];
  if (!s.committed) return out;
  for (const [i, old] of s.committed) if (!sameValue(old, s.get(i))) out.push(i);
  return out;
}

/** Deletes rows of one mapper, subclass tables before the base table. */
export async function deleteRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const version = mapper.version;
  for (const table of [...mapper.tables].reverse()) {
    const pk = pkColumns(mapper, table);
    if (version && table === version.column.table) {
      for (const s of states) {
        const current = s.committed?.has(version.index) ? s.committed.get(version.index) : s.get(version.index);
        const res = await conn._executeArrays(deleteFrom(table).where(and(pkWhere(pk, s), version.column.eq(current))));
        if (res.rowCount !== 1)
          throw new StaleDataError(
            `DELETE of ${mapper.name} matched ${res.rowCount} rows, expected 1: another transaction changed or deleted it (version mismatch); roll back and load it again`,
          );
      }
      continue;
    }
    for (let i = 0; i < states.length; i += BATCH) {
      const chunk = states.slice(i, i + BATCH);
      const where = pk.length === 1 ? pk[0]![1].in(chunk.map((s) => s.get(pk[0]![0].index))) : or(...chunk.map((s) => pkWhere(pk, s)));
      await conn._executeArrays(deleteFrom(table).where(where));
    }
  }
}
