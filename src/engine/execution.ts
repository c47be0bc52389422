/**
 * Turns compiled statements into driver calls: per-slot value conversion (validation, then the
 * dialect's bind processing), per-column result conversion, and batched multi-row inserts.
 * Called by Connection; knows nothing of pooling or transactions.
 */
import { ArgumentError } from "../util/errors.js";
import type { SqlType } from "../sql/types/sql-type.js";
import { UNTYPED, ValueTypeError } from "../sql/types/sql-type.js";
import type { BindNode } from "../sql/nodes/expression-nodes.js";
import type { InsertNode } from "../sql/nodes/from-nodes.js";
import type { CompiledStatement, InsertBatchPlan, InsertColumnPlan, ParamSlot, SqlPieces } from "../sql/compiler/compiled.js";
import type { Dialect, DriverColumn, ExecuteHints, ResultProcessor } from "./dialect.js";

/** Converts one slot's raw value into a driver parameter. */
type SlotConverter = (raw: unknown) => unknown;

/** A compiled statement prepared for execution on one dialect. Cached with the compiled form. */
export interface ExecutionPlan {
  readonly compiled: CompiledStatement;
  readonly converters: readonly SlotConverter[];
  readonly resultKeys: readonly string[] | undefined;
  readonly resultProcessors: readonly (ResultProcessor | undefined)[] | undefined;
  readonly hints: ExecuteHints;
  readonly insert: InsertExecution | undefined;
  /** The statement selects mapped entities (only a Session may run it). */
  readonly entities: boolean;
}

/** The batched-insert part of a plan. */
export interface InsertExecution {
  readonly plan: InsertBatchPlan;
  readonly head: readonly SlotConverter[];
  readonly row: readonly SlotConverter[];
  readonly tail: readonly SlotConverter[];
  /** Column key read for each row placeholder. */
  readonly cellKeys: readonly string[];
  /** Per row placeholder: values of this JavaScript kind need no conversion (see {@link passThroughKind}). */
  readonly cellPass: Uint8Array;
  /** Rows per statement, within the dialect's parameter limit. */
  readonly rowsPerBatch: number;
  /** SQL by row count. */
  readonly sqlByRows: Map<number, string>;
}

/** Most rows one INSERT carries, even when the parameter limit would allow more. */
export const MAX_ROWS_PER_INSERT = 1000;

function slotLabel(slot: ParamSlot, position: number): string {
  if (slot.name !== undefined) return `parameter '${slot.name}'`;
  return slot.label ?? `parameter ${position + 1}`;
}

/** Builds the converter of one slot: validate by type, then dialect bind processing, then any transform. */
function converterFor(dialect: Dialect, slot: ParamSlot, position: number): SlotConverter {
  const type: SqlType<unknown> = slot.type;
  const label = slotLabel(slot, position);
  const transform = slot.transform;
  if (transform) return (v) => (v === null ? null : transform(v));
  const bind = dialect.bindProcessor(type);
  const general: SlotConverter = (v) => {
    if (v === null) return null;
    if (v === undefined) throw new ArgumentError(`${label} is undefined; use null for SQL NULL`);
    try {
      const checked = type.validate(v);
      return bind === undefined ? checked : bind(checked);
    } catch (err) {
      if (err instanceof ValueTypeError) throw new ArgumentError(`${label}: ${err.message}`, { cause: err });
      if (err instanceof ArgumentError) throw new ArgumentError(`${label}: ${err.message}`, { cause: err });
      throw err;
    }
  };
  if (bind !== undefined) return general;
  // The commonest cells (integers, strings, floats the driver takes as they are) skip the
  // general path when the value is already right; anything else gets the full checks above.
  switch (type.kind) {
    case "Integer":
    case "SmallInteger":
      return (v) => (typeof v === "number" && Number.isSafeInteger(v) ? v : general(v));
    case "String":
    case "Text":
      return (v) => (typeof v === "string" ? v : general(v));
    case "Float":
      return (v) => (typeof v === "number" && Number.isFinite(v) ? v : general(v));
    default:
      return general;
  }
}

const PASS_NONE = 0;
const PASS_STRING = 1;
const PASS_INTEGER = 2;
const PASS_FLOAT = 3;

/**
 * Which values of `type` the dialect sends exactly as they are once validated: strings for string
 * types, safe integers for integer types, finite numbers for floats. Batched inserts check those
 * inline instead of calling the slot's converter, which matters at hundreds of thousands of cells.
 */
function passThroughKind(dialect: Dialect, type: SqlType<unknown>): number {
  if (dialect.bindProcessor(type) !== undefined) return PASS_NONE;
  switch (type.kind) {
    case "String":
    case "Text":
      return PASS_STRING;
    case "Integer":
    case "SmallInteger":
      return PASS_INTEGER;
    case "Float":
      return PASS_FLOAT;
    default:
      return PASS_NONE;
  }
}

/** Prepares a compiled statement for a dialect. */
export function makePlan(dialect: Dialect, compiled: CompiledStatement): ExecutionPlan {
  const converters = compiled.slots.map((s, i) => converterFor(dialect, s, i));
  const cols = compiled.resultColumns;
  let insert: InsertExecution | undefined;
  if (compiled.insert) {
    const p = compiled.insert;
    const fixed = p.head.slots.length + p.tail.slots.length;
    const perRow = Math.max(1, p.row.slots.length);
    const byParams = Math.floor((dialect.caps.maxBindParams - fixed) / perRow);
    insert = {
      plan: p,
      head: p.head.slots.map((s, i) => converterFor(dialect, s, i)),
      row: p.row.slots.map((s, i) => converterFor(dialect, s, i)),
      tail: p.tail.slots.map((s, i) => converterFor(dialect, s, i)),
      cellKeys: p.row.slots.map((s) => p.columns[s.cell!]!.key),
      cellPass: Uint8Array.from(p.row.slots.map((s) => passThroughKind(dialect, s.type))),
      rowsPerBatch: Math.max(1, Math.min(MAX_ROWS_PER_INSERT, byParams)),
      sqlByRows: new Map(),
    };
  }
  const hints = dialect.executeHints(cols ? cols.map((c) => c.type) : [undefined]);
  return {
    compiled,
    converters,
    resultKeys: cols?.map((c) => c.key),
    resultProcessors: cols?.map((c) => (c.type && c.type !== UNTYPED ? dialect.resultProcessor(c.type, hints) : undefined)),
    hints,
    insert,
    entities: compiled.entities,
  };
}

/** The raw value a slot reads: a named parameter or a bound value (functions called for defaults). */
function rawSlotValue(slot: ParamSlot, binds: readonly BindNode[], named: Readonly<Record<string, unknown>> | undefined): unknown {
  if (slot.name !== undefined) {
    if (!named || !Object.prototype.hasOwnProperty.call(named, slot.name))
      throw new ArgumentError(`the statement needs a value for parameter '${slot.name}': pass it to execute(stmt, { ${slot.name}: … })`);
    return named[slot.name];
  }
  const b = binds[slot.index];
  if (!b) throw new ArgumentError(`internal: no bound value for parameter ${slot.index + 1}`);
  let v = b.value;
  if (b.callable) v = (v as () => unknown)();
  if (slot.element !== undefined) v = (v as unknown[])[slot.element];
  return v;
}

const positionsByPlan = new WeakMap<ExecutionPlan, WeakMap<readonly string[], Int32Array>>();

/**
 * Parameters for a statement whose placeholders are all named, from values given by position in
 * `names` (the caller's order). The slot-to-position map is computed once per plan and names list,
 * so a statement executed many times skips looking every parameter up by name.
 */
export function positionalParams(plan: ExecutionPlan, names: readonly string[], values: readonly unknown[]): unknown[] {
  let byNames = positionsByPlan.get(plan);
  if (!byNames) positionsByPlan.set(plan, (byNames = new WeakMap()));
  let positions = byNames.get(names);
  const slots = plan.compiled.slots;
  if (!positions) {
    const index = new Map(names.map((n, i) => [n, i] as const));
    positions = new Int32Array(slots.length);
    slots.forEach((slot, i) => {
      const at = slot.name === undefined ? undefined : index.get(slot.name);
      if (at === undefined) throw new ArgumentError(`internal: parameter ${slot.name ?? i + 1} is not among the names given`);
      positions![i] = at;
    });
    byNames.set(names, positions);
  }
  const out = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) out[i] = plan.converters[i]!(values[positions[i]!]);
  return out;
}

/** Parameters for a non-batched statement, in placeholder order. */
export function buildParams(
  plan: ExecutionPlan,
  binds: readonly BindNode[],
  named: Readonly<Record<string, unknown>> | undefined,
  rows?: InsertNode["rows"],
): unknown[] {
  const slots = plan.compiled.slots;
  const out = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    const raw =
      slot.cell !== undefined
        ? cellValue(plan.compiled.insertColumns!, slot, rows![slot.row!]!, slot.row!)
        : rawSlotValue(slot, binds, named);
    out[i] = plan.converters[i]!(raw);
  }
  return out;
}

/** An insert row's value for one column: the given value, or the column default, or NULL. */
export function cellValue(
  columns: readonly InsertColumnPlan[],
  slot: ParamSlot,
  row: Readonly<Record<string, unknown>>,
  rowIndex: number,
): unknown {
  const col = columns[slot.cell!]!;
  const v = row[col.key];
  if (v !== undefined) return v;
  if (col.default) return col.default.callable ? (col.default.value as () => unknown)() : col.default.value;
  if (col.required)
    throw new ArgumentError(
      `insert row ${rowIndex + 1} has no value for ${col.label}, which is NOT NULL and has no default; give it a value`,
    );
  return null;
}

/** SQL text for a batch of `rows` rows, cached per row count. */
export function batchSql(ins: InsertExecution, rows: number, numeric: boolean): string {
  let sql = ins.sqlByRows.get(rows);
  if (sql !== undefined) return sql;
  let n = 0;
  const emit = (p: SqlPieces): string => {
    let s = p.parts[0]!;
    for (let i = 1; i < p.parts.length; i++) s += (numeric ? `$${++n}` : "?") + p.parts[i]!;
    return s;
  };
  sql = emit(ins.plan.head);
  for (let r = 0; r < rows; r++) sql += (r === 0 ? "" : ", ") + emit(ins.plan.row);
  sql += emit(ins.plan.tail);
  if (ins.sqlByRows.size < 8) ins.sqlByRows.set(rows, sql);
  return sql;
}

/** Parameters for one batch of a batched insert. */
export function batchParams(
  ins: InsertExecution,
  binds: readonly BindNode[],
  named: Readonly<Record<string, unknown>> | undefined,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
  start: number,
  end: number,
): unknown[] {
  const p = ins.plan;
  const rowSlots = p.row.slots;
  const width = rowSlots.length;
  const out = new Array<unknown>(p.head.slots.length + (end - start) * width + p.tail.slots.length);
  let o = 0;
  p.head.slots.forEach((s, i) => (out[o++] = ins.head[i]!(rawSlotValue(s, binds, named))));
  const conv = ins.row;
  const keys = ins.cellKeys;
  const pass = ins.cellPass;
  for (let r = start; r < end; r++) {
    const row = rows[r]!;
    for (let i = 0; i < width; i++) {
      const v = row[keys[i]!];
      const kind = pass[i];
      if (
        (kind === PASS_STRING && typeof v === "string") ||
        (kind === PASS_INTEGER && typeof v === "number" && Number.isSafeInteger(v)) ||
        (kind === PASS_FLOAT && typeof v === "number" && Number.isFinite(v))
      ) {
        out[o++] = v;
        continue;
      }
      // Other types, and missing values (defaults, NULL, or an error for required columns), convert fully.
      out[o++] = conv[i]!(v === undefined ? cellValue(p.columns, rowSlots[i]!, row, r) : v);
    }
  }
  p.tail.slots.forEach((s, i) => (out[o++] = ins.tail[i]!(rawSlotValue(s, binds, named))));
  return out;
}

/** Row keys for raw SQL results: driver names, made unique so no value is hidden. */
export function driverKeys(columns: readonly DriverColumn[]): string[] {
  const seen = new Set<string>();
  return columns.map((c) => {
    let k = c.name;
    for (let n = 1; seen.has(k); n++) k = `${c.name}_${n}`;
    seen.add(k);
    return k;
  });
}

/** Turns array rows into objects keyed by `keys`, converting each value with its processor. */
export function materialize(
  rows: readonly unknown[][],
  keys: readonly string[],
  procs: readonly (ResultProcessor | undefined)[],
): Record<string, unknown>[] {
  const n = keys.length;
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r]!;
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const v = src[i];
      const p = procs[i];
      obj[keys[i]!] = v === null || v === undefined ? null : p === undefined ? v : p(v);
    }
    out[r] = obj;
  }
  return out;
}
