/**
 * Writes rows for the unit of work: batched INSERTs (… RETURNING generated keys and server
 * defaults where the database can) and DELETEs; UPDATEs are in update-writer.ts. Called only by
 * unit-of-work.ts; knows nothing of sessions.
 */
import { ArgumentError, StaleDataError } from "../../util/errors.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import { Expression, bindParam } from "../../sql/elements/expression.js";
import { and, or } from "../../sql/elements/conjunctions.js";
import { deleteFrom, insert } from "../../sql/statements/dml.js";
import { select } from "../../sql/statements/select.js";
import type { Connection, Statement } from "../../engine/connection.js";
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

/** What a signature function reports besides the signature. */
interface RowMeta {
  /** Some value is a SQL expression. */
  expr: boolean;
}

/** Checks one object's values for `table`; returns which columns it has (bit i, as a sum of powers of two, for column i). */
type Signature = (obj: object, state: InstanceState, meta: RowMeta) => number;
/** Copies one object's values of the present columns into `out` from position `at`. */
type Extractor = (obj: object, out: unknown[], at: number) => void;

const signatures = new WeakMap<Mapper, Map<Table, Signature>>();
const extractors = new WeakMap<Mapper, Map<string, Extractor>>();

/**
 * The function checking one object's INSERT values for `table`: app-side defaults computed for
 * columns still unset (per object, so functions like randomUUID run for each), NULL written back for
 * columns left out that get no default, an error for a missing required value. Generated per mapper
 * and table, so each field is read at a site of its own.
 */
function signatureOf(mapper: Mapper, table: Table, cols: ReadonlyArray<[ColumnProperty, Col]>): Signature {
  let byTable = signatures.get(mapper);
  if (!byTable) signatures.set(mapper, (byTable = new Map()));
  let fn = byTable.get(table);
  if (fn) return fn;
  const defaults: unknown[] = [];
  const lines = cols.map(([, c], i) => {
    const d = c.spec.default;
    const appDefault = d !== undefined && !(d instanceof Expression);
    const generated = serverGenerated(table, c);
    const required = !c.spec.nullable && !generated && !appDefault;
    defaults[i] = d;
    const fill = appDefault ? `{ const d = defaults[${i}]; v = o[k${i}] = typeof d === "function" ? d() : d; sig += ${2 ** i}; }` : "";
    return `v = o[k${i}];
      if (v === undefined || v === NV) { ${fill || `${required ? `missing(s, ${i});` : ""} ${generated ? "" : `o[k${i}] = null;`}`} }
      else { sig += ${2 ** i}; if (typeof v === "object" && v instanceof Expr) meta.expr = true; }`;
  });
  const body = `return function signature(o, s, meta) { let sig = 0; let v;\n${lines.join("\n")}\nreturn sig; };`;
  const names = cols.map((_, i) => `k${i}`);
  fn = new Function("NV", "Expr", "missing", "defaults", ...names, body)(
    NO_VALUE,
    Expression,
    (state: InstanceState, i: number) => missingValue(state, cols[i]!),
    defaults,
    ...cols.map(([p]) => p.slot),
  ) as Signature;
  byTable.set(table, fn);
  return fn;
}

/** The function copying the present columns' values of an object (generated per column set). */
function extractorOf(mapper: Mapper, present: ReadonlyArray<[ColumnProperty, Col]>): Extractor {
  let byCols = extractors.get(mapper);
  if (!byCols) extractors.set(mapper, (byCols = new Map()));
  const key = present.map(([p]) => p.index).join(",");
  let fn = byCols.get(key);
  if (fn) return fn;
  const names = present.map((_, i) => `k${i}`);
  fn = new Function(...names, `return (o, out, at) => { ${names.map((k, i) => `out[at + ${i}] = o[${k}];`).join(" ")} };`)(
    ...present.map(([p]) => p.slot),
  ) as Extractor;
  byCols.set(key, fn);
  return fn;
}

/** A prepared INSERT of `n` rows of the present columns (named parameters r<i>_<j>), with its parameter names. */
interface PreparedInsert {
  readonly stmt: Statement;
  readonly names: readonly string[];
}
const preparedInserts = new WeakMap<Table, Map<string, PreparedInsert>>();

function preparedInsert(table: Table, present: readonly Col[], n: number, returning: readonly Col[]): PreparedInsert {
  let byShape = preparedInserts.get(table);
  if (!byShape) preparedInserts.set(table, (byShape = new Map()));
  const key = `${present.map((c) => c.key).join(",")}|${n}|${returning.map((c) => c.key).join(",")}`;
  let p = byShape.get(key);
  if (p) return p;
  const names: string[] = [];
  const rows = Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    present.forEach((c, j) => {
      const name = `r${i}_${j}`;
      names.push(name);
      row[c.key] = bindParam(name, c.type);
    });
    return row;
  });
  const base = insert(table).values(rows as never);
  p = { stmt: returning.length ? base.returning(...returning) : base, names };
  byShape.set(key, p);
  return p;
}

/** Whether column `i` is present in a row signature. */
function present(sig: number, i: number): boolean {
  return Math.floor(sig / 2 ** i) % 2 === 1;
}

/** Rows per INSERT statement: as many as the dialect's parameter limit allows, at most 1000. */
export function rowsPerStatement(conn: Connection, width: number): number {
  return Math.max(1, Math.min(1000, Math.floor(conn.dialect.caps.maxBindParams / Math.max(1, width))));
}

/**
 * Inserts rows of one mapper (one dependency level) into each of its tables, base table first,
 * a statement's worth of objects at a time, through prepared statements filled straight from the
 * objects' fields. Returns whether some value was a SQL expression (evaluated by the database, so
 * unknown here).
 */
export async function insertRows(conn: Connection, mapper: Mapper, states: readonly InstanceState[]): Promise<boolean> {
  const meta: RowMeta = { expr: false };
  for (const table of mapper.tables) {
    // The base table's generated key flows into the subclass tables through the shared attribute.
    const cols = tableColumns(mapper, table);
    // Signatures are sums of powers of two: exact for up to 52 columns.
    if (cols.length > 52) throw new ArgumentError(`table ${table.name} has more than 52 mapped columns, which the ORM cannot insert`);
    const signature = signatureOf(mapper, table, cols);
    const chunk = rowsPerStatement(conn, cols.length);
    for (let start = 0; start < states.length; start += chunk) {
      const end = Math.min(states.length, start + chunk);
      // Objects with the same columns present go in one statement.
      const groups = new Map<number, InstanceState[]>();
      for (let i = start; i < end; i++) {
        const s = states[i]!;
        const sig = signature(s.obj, s, meta);
        const g = groups.get(sig);
        if (g) g.push(s);
        else groups.set(sig, [s]);
      }
      for (const [sig, group] of groups) await insertGroup(conn, mapper, table, cols, sig, group, meta.expr);
    }
  }
  return meta.expr;
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
  expressions: boolean,
): Promise<void> {
  const presentCols = cols.filter((_, i) => present(sig, i));
  const fetch = cols.filter((x, i) => !present(sig, i) && serverGenerated(table, x[1]));
  const pk = pkColumns(mapper, table);
  const generatedPk = pk.some(([p]) => group[0]!.get(p.index) === undefined);
  const caps = conn.dialect.caps;
  const wanted: Array<[ColumnProperty, Col]> = fetch.length ? [...pk, ...fetch.filter((f) => !pk.some(([, c]) => c === f[1]))] : [];
  // One statement for the group: prepared, and filled from the objects (SQL expressions need their own).
  if (!expressions && (fetch.length === 0 || caps.insertReturning)) {
    const prepared = preparedInsert(
      table,
      presentCols.map(([, c]) => c),
      group.length,
      wanted.map(([, c]) => c),
    );
    const extract = extractorOf(mapper, presentCols);
    const width = presentCols.length;
    const values = new Array<unknown>(group.length * width);
    for (let i = 0; i < group.length; i++) extract(group[i]!.obj, values, i * width);
    const res = await conn._executeArraysByPosition(prepared.stmt, prepared.names, values);
    if (wanted.length) assignReturned(group, wanted, pk.length, res.rows, generatedPk);
    return;
  }
  const rows = group.map((s) => {
    const row: Record<string, unknown> = {};
    for (const [p, c] of presentCols) row[c.key] = s.get(p.index);
    return row;
  });
  const stmt = insert(table).values(rows as never);
  if (fetch.length === 0) {
    await conn._executeArrays(stmt);
    return;
  }
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
