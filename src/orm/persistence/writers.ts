/**
 * Writes rows for the unit of work: batched INSERTs (… RETURNING generated keys and server
 * defaults where the database can), UPDATEs of changed columns only (batched with CASE, or per row
 * with a version check), and DELETEs. Called only by unit-of-work.ts; knows nothing of sessions.
 */
import { ArgumentError, StaleDataError } from "../../util/errors.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import { Expression } from "../../sql/elements/expression.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import { caseWhen } from "../../sql/elements/case-expression.js";
import { deleteFrom, insert, update } from "../../sql/statements/dml.js";
import { select } from "../../sql/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { sameValue } from "../mapping/instrumentation.js";
import type { ColumnProperty, Mapper } from "../mapping/mapper.js";
import { NO_VALUE, type InstanceState } from "../session/instance-state.js";

/** Rows per batched UPDATE/DELETE statement. */
const BATCH = 500;

type Col = Column<string, unknown, boolean>;

/** The columns of `table` that `mapper`'s attributes write, with their properties. */
function tableColumns(mapper: Mapper, table: Table): Array<[ColumnProperty, Col]> {
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

function pkWhere(pairs: ReadonlyArray<[ColumnProperty, Col]>, s: InstanceState) {
  const conds = pairs.map(([p, c]) => c.eq(s.values[p.index]));
  return conds.length === 1 ? conds[0]! : and(...conds);
}

/** Primary key columns of `table`, with the properties holding their values. */
function pkColumns(mapper: Mapper, table: Table): Array<[ColumnProperty, Col]> {
  const cols = tableColumns(mapper, table);
  return table.primaryKey.columns.map((pc) => cols.find(([, c]) => c === pc)!);
}

/** Inserts rows of one mapper (one dependency level) into each of its tables, base table first. */
export async function insertRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  for (const table of mapper.tables) {
    const cols = tableColumns(mapper, table);
    // The base table's generated key flows into the subclass tables through the shared attribute.
    for (const s of states) {
      for (const [p, c] of cols) {
        const v = s.values[p.index];
        if ((v === undefined || v === NO_VALUE) && !c.spec.nullable && !serverGenerated(table, c) && c.spec.default === undefined)
          throw new ArgumentError(
            `${s.mapper.name}.${p.key} is required: it is NOT NULL and has no default; give it a value${
              s.mapper.relationships.some((r) => r.direction === "manyToOne" && r.pairs.some(([, local]) => local === c))
                ? ` or set the relationship that fills it`
                : ""
            } before flushing`,
          );
      }
    }
    // Rows with the same columns present go in one statement.
    const groups = new Map<string, InstanceState[]>();
    for (const s of states) {
      let sig = "";
      for (const [p] of cols) sig += s.values[p.index] === undefined ? "0" : "1";
      const g = groups.get(sig);
      if (g) g.push(s);
      else groups.set(sig, [s]);
    }
    for (const [sig, group] of groups) await insertGroup(conn, mapper, table, cols, sig, group);
  }
}

async function insertGroup(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  cols: Array<[ColumnProperty, Col]>,
  sig: string,
  group: InstanceState[],
): Promise<void> {
  const present = cols.filter((_, i) => sig[i] === "1");
  const fetch = cols.filter((x, i) => sig[i] === "0" && serverGenerated(table, x[1]));
  const pk = pkColumns(mapper, table);
  const generatedPk = pk.some(([p]) => group[0]!.values[p.index] === undefined);
  const rows = group.map((s) => {
    const row: Record<string, unknown> = {};
    for (const [p, c] of present) row[c.key] = s.values[p.index];
    return row;
  });
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
      if (auto) group[i]!.values[auto[0].index] = auto[1].type.kind === "BigInteger" ? BigInt(r.lastInsertId ?? 0) : Number(r.lastInsertId);
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
    // Generated keys increase in VALUES order, whatever order RETURNING lists them in.
    const sorted = [...rows].sort((a, b) => compareKeys(a, b, pkCount));
    sorted.forEach((row, i) => wanted.forEach(([p], j) => (group[i]!.values[p.index] = row[j])));
    return;
  }
  const keyOf = (vals: readonly unknown[]) => JSON.stringify(vals.slice(0, pkCount), (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  const byKey = new Map(rows.map((r) => [keyOf(r), r] as const));
  for (const s of group) {
    const row = byKey.get(keyOf(wanted.slice(0, pkCount).map(([p]) => s.values[p.index])));
    if (row) wanted.forEach(([p], j) => (s.values[p.index] = row[j]));
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
  for (const [i, old] of s.committed) if (!sameValue(old, s.values[i])) out.push(i);
  return out;
}

/**
 * Updates rows of one mapper. `changes` holds each row's changed property indexes (onUpdate defaults
 * and the version bump are added here). Rows changing the same columns are batched.
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
        s.values[p.index] = d;
        (expired.get(s) ?? expired.set(s, []).get(s)!).push(p.index);
      } else s.values[p.index] = typeof d === "function" ? (d as () => unknown)() : d;
      changed.push(p.index);
    }
  }
  for (const table of mapper.tables) {
    const cols = tableColumns(mapper, table);
    const pk = pkColumns(mapper, table);
    const groups = new Map<string, Array<[InstanceState, Array<[ColumnProperty, Col]>]>>();
    for (const [s, changed] of changes) {
      const set = cols.filter(([p]) => changed.includes(p.index) && p !== version);
      if (set.length === 0 && !(version && table === mapper.tables[0])) continue;
      const sig = set.map(([, c]) => c.key).join(",");
      (groups.get(sig) ?? groups.set(sig, []).get(sig)!).push([s, set]);
    }
    for (const entries of groups.values()) {
      const versioned = version !== undefined && table === version.column.table;
      if (versioned || entries.length === 1) {
        for (const [s, set] of entries) await updateOne(conn, mapper, table, pk, s, set, versioned ? version : undefined);
        continue;
      }
      for (let i = 0; i < entries.length; i += BATCH) await updateBatch(conn, table, pk, entries.slice(i, i + BATCH));
    }
  }
  // Values set by SQL expressions are not known here: load them again when next read.
  for (const [s, idxs] of expired) for (const i of idxs) s.values[i] = NO_VALUE;
}

async function updateOne(
  conn: Connection,
  mapper: Mapper,
  table: Table,
  pk: Array<[ColumnProperty, Col]>,
  s: InstanceState,
  set: Array<[ColumnProperty, Col]>,
  version: ColumnProperty | undefined,
): Promise<void> {
  const values: Record<string, unknown> = {};
  for (const [p, c] of set) values[c.key] = s.values[p.index];
  let where = pkWhere(pk, s);
  let bumped: unknown;
  if (version) {
    const current = s.committed?.has(version.index) ? s.committed.get(version.index) : s.values[version.index];
    bumped = typeof current === "bigint" ? current + 1n : Number(current ?? 0) + 1;
    values[version.column.key] = bumped;
    where = and(where, version.column.eq(current));
  }
  const res = await conn._executeArrays(
    update(table)
      .set(values as never)
      .where(where),
  );
  if (res.rowCount !== 1)
    throw new StaleDataError(
      `UPDATE of ${mapper.name} (${pk.map(([p]) => `${p.key}=${String(s.values[p.index])}`).join(", ")}) matched ${res.rowCount} rows, expected 1: ${
        version ? "another transaction changed or deleted it since it was loaded (version mismatch)" : "the row no longer exists"
      }; roll back and load it again`,
    );
  if (version) s.values[version.index] = bumped;
}

async function updateBatch(
  conn: Connection,
  table: Table,
  pk: Array<[ColumnProperty, Col]>,
  entries: Array<[InstanceState, Array<[ColumnProperty, Col]>]>,
): Promise<void> {
  const values: Record<string, unknown> = {};
  for (const [p, c] of entries[0]![1]) {
    let expr = caseWhen(pkWhere(pk, entries[0]![0]), entries[0]![0].values[p.index] as never);
    for (const [s] of entries.slice(1)) expr = expr.when(pkWhere(pk, s), s.values[p.index] as never);
    values[c.key] = expr.cast(c.type);
  }
  const where =
    pk.length === 1 ? pk[0]![1].in(entries.map(([s]) => s.values[pk[0]![0].index])) : or(...entries.map(([s]) => pkWhere(pk, s)));
  const res = await conn._executeArrays(
    update(table)
      .set(values as never)
      .where(where),
  );
  if (res.rowCount !== entries.length)
    throw new StaleDataError(
      `a batched UPDATE of ${table.name} matched ${res.rowCount} of ${entries.length} rows: some no longer exist; roll back and load them again`,
    );
}

/** Deletes rows of one mapper, subclass tables before the base table. */
export async function deleteRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<void> {
  const version = mapper.version;
  for (const table of [...mapper.tables].reverse()) {
    const pk = pkColumns(mapper, table);
    if (version && table === version.column.table) {
      for (const s of states) {
        const current = s.committed?.has(version.index) ? s.committed.get(version.index) : s.values[version.index];
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
      const where = pk.length === 1 ? pk[0]![1].in(chunk.map((s) => s.values[pk[0]![0].index])) : or(...chunk.map((s) => pkWhere(pk, s)));
      await conn._executeArrays(deleteFrom(table).where(where));
    }
  }
}
