/**
 * Turns what users pass to select()/returning() into select-item nodes, and types the rows that
 * come back. Tables (and aliases, subqueries, CTEs) expand to their columns.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { SelectItemNode, NamedFrom } from "../nodes/from-nodes.js";
import type { ExprNode } from "../nodes/expression-nodes.js";
import { Expression } from "../elements/expression.js";
import type { Column } from "../schema/column.js";

/** A FROM item whose columns can be selected as a whole (`select(users)`). */
export interface ColumnSource<U = unknown> extends NamedFrom {
  readonly __columnUnion: U;
}

/** What select() and returning() accept positionally. */
export type SelectArg = Expression<any, any> | ColumnSource<any>;

/** Expands column sources to their columns' union; expressions stay as they are. */
type Flatten<I> = I extends { readonly __columnUnion: infer U } ? U : I;

/**
 * Row type of a positional selection: each named expression becomes a key. Mapping over the union
 * of items (instead of recursing through the tuple) keeps instantiation cost flat in the item count.
 */
export type RowOf<I extends readonly unknown[]> = {
  [E in Flatten<I[number]> as E extends Expression<any, infer N> ? N : never]: E extends Expression<infer T, any> ? T : never;
};

/** Row type of an object-form selection `select({ a: expr })`. */
export type RowOfRecord<O> = { [K in keyof O]: O[K] extends Expression<infer T, any> ? T : never };

/** Type of the first selected value (what `scalar()` returns). */
export type FirstOf<I extends readonly unknown[]> = I extends readonly [infer F, ...unknown[]]
  ? F extends Expression<infer T, any>
    ? T
    : F extends { readonly __columnUnion: infer U }
      ? U extends Expression<infer T, any>
        ? T
        : unknown
      : unknown
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

/** Builds items from positional arguments; refuses duplicate keys, which would hide a value. */
export function itemsFromArgs(args: readonly unknown[], where: string): SelectItemNode[] {
  const items: SelectItemNode[] = [];
  args.forEach((arg, i) => {
    if (arg instanceof Expression) {
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
        `${where} item ${i + 1} is ${describeValue(arg)}; pass columns, expressions or tables` +
          (arg === undefined ? " (is a column name misspelt?)" : ""),
      );
    }
  });
  checkDuplicateKeys(items, where);
  return items;
}

/** Builds items from an object `{ key: expression }`. */
export function itemsFromRecord(record: Record<string, unknown>, where: string): SelectItemNode[] {
  return Object.entries(record).map(([key, value]) => {
    if (!(value instanceof Expression))
      throw new ArgumentError(`${where} entry '${key}' is ${describeValue(value)}; values must be columns or expressions`);
    const node = value.node.kind === "Label" ? value.node.inner : value.node;
    return { expr: node, key, type: value.type, label: node.kind === "Column" && node.column.name === key ? undefined : key };
  });
}

function checkDuplicateKeys(items: readonly SelectItemNode[], where: string): void {
  const seen = new Map<string, SelectItemNode>();
  for (const item of items) {
    const prev = seen.get(item.key);
    if (prev) {
      throw new ArgumentError(
        `${where}: two selected values would both be named '${item.key}' in result rows (${describeItem(prev)} and ${describeItem(item)}); label one with .as("…") or use the object form select({ … })`,
      );
    }
    seen.set(item.key, item);
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
    typeof a === "object" && a !== null && !(a instanceof Expression) && !isColumnSource(a) && Object.getPrototypeOf(a) === Object.prototype
  );
}
