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

/** What a row builder reports besides the row. */
interface RowMeta {
  /** Which columns the row has: bit i (as a sum of powers of two) for column i. */
  sig: number;
  /** Some value is a SQL expression. */
  expr: boolean;
}

type RowBuilder = (obj: object, state: InstanceState, meta: RowMeta) => Record<string, unknown>;

const builders = new WeakMap<Mapper, Map<Table, RowBuilder>>();

/**
 * The function building one object's INSERT row for `table`: its present values under the column
 * keys, NULL written back for columns left out that get no default, an error for a missing required
 * value. Generated per mapper and table, so each field is read and each row key written at a site of
 * its own (rows then share hidden classes and nothing is looked up by a varying key).
 */
function rowBuilder(mapper: Mapper, table: Table, cols: ReadonlyArray<[ColumnProperty, Col]>): RowBuilder {
  let byTable = builders.get(mapper);
  if (!byTable) builders.set(mapper, (byTable = new Map()));
  let build = byTable.get(table);
  if (build) return build;
  const lines = cols.map(([p, c], i) => {
    const generated = serverGenerated(table, c) || c.spec.default !== undefined;
    const required = !c.spec.nullable && !generated;
    return `v = o[k${i}];
      if (v === undefined || v === NV) { ${required ? `missing(s, ${i});` : ""} ${generated ? "" : `o[k${i}] = null;`} }
      else { row[${JSON.stringify(c.key)}] = v; sig += ${2 ** i}; if (typeof v === "object" && v instanceof Expr) meta.expr = true; }`;
    void p;
  });
  const body = `return function build(o, s, meta) { const row = {}; let sig = 0; let v;\n${lines.join("\n")}\nmeta.sig = sig; return row; };`;
  const names = cols.map((_, i) => `k${i}`);
  build = new Function("NV", "Expr", "missing", ...names, body)(
    NO_VALUE,
    Expression,
    (state: InstanceState, i: number) => missingValue(state, cols[i]!),
    ...cols.map(([p]) => p.slot),
  ) as RowBuilder;
  byTable.set(table, build);
  return build;
}

/** Whether column `i` is present in a row signature. */
function present(sig: number, i: number): boolean {
  return Math.floor(sig / 2 ** i) % 2 === 1;
}

/** Rows per INSERT statement the engine will send (its batch size), so chunks match statements. */
function rowsPerStatement(conn: Connection, width: number): number {
  return Math.max(1, Math.min(1000, Math.floor(conn.dialect.caps.maxBindParams / Math.max(1, width))));
}

/**
 * Inserts rows of one mapper (one dependency level) into each of its tables, base table first,
 * a statement's worth of objects at a time (so the rows built for it are short-lived).
 * Returns whether some value was a SQL expression (evaluated by the database, so unknown here).
 */
export async function insertRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<boolean> {
  let expressions = false;
  for (const table of mapper.tables) {
    // The base table's generated key flows into the subclass tables through the shared attribute.
    const cols = tableColumns(mapper, table);
    // Signatures are sums of powers of two: exact for up to 52 columns (wider tables are split by key).
    if (cols.length > 52) throw new ArgumentError(`table ${table.name} has more than 52 mapped columns, which the ORM cannot insert`);
    const build = rowBuilder(mapper, table, cols);
    const meta: RowMeta = { sig: 0, expr: false };
    const chunk = rowsPerStatement(conn, cols.length);
    for (let start = 0; start < states.length; start += chunk) {
      const end = Math.min(states.length, start + chunk);
      // Rows with the same columns present go in one statement.
      const groups = new Map<number, { states: InstanceState[]; rows: Record<string, unknown>[] }>();
      for (let i = start; i < end; i++) {
        const s = states[i]!;
        const row = build(s.obj, s, meta);
        const g = groups.get(meta.sig);
        if (g) {
          g.states.push(s);
          g.rows.push(row);
        } else groups.set(meta.sig, { states: [s], rows: [row] });
      }
      for (const [sig, g] of groups) await insertGroup(conn, mapper, table, cols, sig, g.states, g.rows);
    }
    if (meta.expr) expressions = true;
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
  sig: number,
  group: InstanceState[],
  rows: Record<string, unknown>[],
): Promise<void> {
  const fetch = cols.filter((x, i) => !present(sig, i) && serverGenerated(table, x[1]));
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
