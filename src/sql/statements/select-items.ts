/**
 * Turns what users pass to select()/returning() into select-item nodes, and types the rows that
 * come back. Tables (and aliases, subqueries, CTEs) expand to their columns.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { SelectItemNode, NamedFrom } from "../nodes/from-nodes.js";
import { ENTITY, isEntitySource, type EntityRange, type EntitySource } from "./entity.js";
import type { ExprNode } from "../nodes/expression-nodes.js";
import { Expression } from "../elements/expression.js";
import type { Column } from "../schema/column.js";

/** A FROM item whose columns can be selected as a whole (`select(users)`). */
export interface ColumnSource<U = unknown> extends NamedFrom {
  readonly __columnUnion: U;
}

/** A mapped class as select() sees it: its instances, keyed in rows by `__entityKey`. */
export interface EntityClass<K extends string = string, I = unknown> {
  /** Phantom: the key of the entity in result rows (its table name). */
  readonly __entityKey: K;
  readonly prototype: I;
}

/** What select() and returning() accept positionally. */
export type SelectArg = Expression<any, any> | ColumnSource<any> | EntityClass;

/** Expands column sources to their columns' union; expressions and entities stay as they are. */
type Flatten<I> = I extends { readonly __columnUnion: infer U } ? U : I;

/** The row key of a select item. */
type KeyOf<E> = E extends Expression<any, infer N> ? N : E extends { readonly __entityKey: infer K extends string } ? K : never;
/** The row value of a select item: an expression's value, or an entity's instance. */
type ValueOf<E> = E extends Expression<infer T, any> ? T : E extends { readonly prototype: infer I } ? I : never;

/**
 * Row type of a positional selection: each named expression (or entity) becomes a key. Mapping over
 * the union of items (instead of recursing through the tuple) keeps instantiation cost flat in the
 * item count.
 */
export type RowOf<I extends readonly unknown[]> = { [E in Flatten<I[number]> as KeyOf<E>]: ValueOf<E> };

/** Row type of an object-form selection `select({ a: expr, u: User })`. */
export type RowOfRecord<O> = { [K in keyof O]: ValueOf<O[K]> };

/** Type of the first selected value (what `scalar()` returns). */
export type FirstOf<I extends readonly unknown[]> = I extends readonly [infer F, ...unknown[]]
  ? F extends { readonly __columnUnion: infer U }
    ? U extends Expression<infer T, any>
      ? T
      : unknown
    : ValueOf<F>
  : unknown;

/** Whether a value is a FROM item with columns. */
export function isColumnSource(v: unknown): v is NamedFrom {
  if (typeof v !== "object" || v === null) return false;
  const k = (v as { kind?: unknown }).kind;
  return (k === "Table" || k === "Alias" || k === "Subquery" || k === "Cte") && Array.isArray((v as { columnList?: unknown }).columnList);
}

/** The row key an unlabelled expression gets: its column key, label or function name. */
export function naturalKey(node: ExprNode, position: number): string {
  switch (node.kind) {
    case "Column":
      return node.column.key;
    case "Label":
      return node.name;
    case "Func":
      return node.name.includes(".") ? node.name.slice(node.name.lastIndexOf(".") + 1) : node.name;
    case "Over":
      return node.func.name;
    case "Cast":
      return naturalKey(node.operand, position);
    default:
      return `expr_${position + 1}`;
  }
}

function columnItem(col: Column<string, unknown, boolean>): SelectItemNode {
  return { expr: col.node, key: col.key, type: col.type, label: undefined };
}

/** A selection: its items, and the spans of it that load entities. */
export interface Selection {
  readonly items: SelectItemNode[];
  readonly entities: EntityRange[];
}

/** Adds an entity's items under `key`; their own keys are prefixed so they never collide with others. */
function addEntity(sel: Selection, source: EntitySource, key: string): void {
  const entity = source[ENTITY];
  const start = sel.items.length;
  for (const item of entity.selectItems()) sel.items.push({ ...item, key: `${key}.${item.key}` });
  sel.entities.push({ key, entity, start, count: sel.items.length - start });
}

/** Builds a selection from positional arguments; refuses duplicate keys, which would hide a value. */
export function selectionFromArgs(args: readonly unknown[], where: string): Selection {
  const sel: Selection = { items: [], entities: [] };
  const items = sel.items;
  args.forEach((arg, i) => {
    if (isEntitySource(arg)) {
      addEntity(sel, arg, arg[ENTITY].key);
    } else if (arg instanceof Expression) {
      const node = arg.node;
      const key = naturalKey(node, items.length);
      items.push(
        node.kind === "Label"
          ? { expr: node.inner, key, type: arg.type, label: node.name }
          : { expr: node, key, type: arg.type, label: undefined },
      );
    } else if (isColumnSource(arg)) {
      for (const col of arg.columnList) items.push(columnItem(col));
    } else {
      throw new ArgumentError(
        `${where} item ${i + 1} is ${describeValue(arg)}; pass columns, expressions, tables or mapped classes` +
          (arg === undefined ? " (is a column name misspelt?)" : ""),
      );
    }
  });
  checkDuplicateKeys(sel, where);
  return sel;
}

/** Builds a selection from an object `{ key: expression or mapped class }`. */
export function selectionFromRecord(record: Record<string, unknown>, where: string): Selection {
  const sel: Selection = { items: [], entities: [] };
  for (const [key, value] of Object.entries(record)) {
    if (isEntitySource(value)) {
      addEntity(sel, value, key);
      continue;
    }
    if (!(value instanceof Expression))
      throw new ArgumentError(`${where} entry '${key}' is ${describeValue(value)}; values must be columns, expressions or mapped classes`);
    const node = value.node.kind === "Label" ? value.node.inner : value.node;
    sel.items.push({ expr: node, key, type: value.type, label: node.kind === "Column" && node.column.name === key ? undefined : key });
  }
  return sel;
}

function checkDuplicateKeys(sel: Selection, where: string): void {
  // Entity columns carry prefixed keys; what must be unique is each entity's key among the others.
  const inEntity = new Set<number>();
  for (const e of sel.entities) for (let i = e.start; i < e.start + e.count; i++) inEntity.add(i);
  const keyed: Array<[string, string]> = [];
  sel.items.forEach((item, i) => {
    if (!inEntity.has(i)) keyed.push([item.key, describeItem(item)]);
  });
  for (const e of sel.entities) keyed.push([e.key, e.entity.displayName]);
  const seen = new Map<string, string>();
  for (const [key, what] of keyed) {
    const prev = seen.get(key);
    if (prev !== undefined) {
      throw new ArgumentError(
        `${where}: two selected values would both be named '${key}' in result rows (${prev} and ${what}); label one with .as("…") or use the object form select({ … })`,
      );
    }
    seen.set(key, what);
  }
}

function describeItem(item: SelectItemNode): string {
  return item.expr.kind === "Column" ? item.expr.column.toString() : item.key;
}

/** Whether arguments are the object form `select({ … })`. */
export function isRecordForm(args: readonly unknown[]): args is [Record<string, unknown>] {
  if (args.length !== 1) return false;
  const a = args[0];
  return (
    typeof a === "object" &&
    a !== null &&
    !(a instanceof Expression) &&
    !isColumnSource(a) &&
    !isEntitySource(a) &&
    Object.getPrototypeOf(a) === Object.prototype
  );
}
