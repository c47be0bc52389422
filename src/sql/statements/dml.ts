/**
 * INSERT, UPDATE and DELETE builders. Values are checked against the table's columns when the
 * statement is built (unknown keys fail at once); they are bound, never rendered into SQL.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { bindNode, type ExprNode } from "../nodes/expression-nodes.js";
import {
  deleteNode,
  insertNode,
  updateNode,
  type CteLike,
  type DeleteNode,
  type FromItem,
  type InsertNode,
  type NamedFrom,
  type SelectItemNode,
  type SelectLike,
  type UpdateNode,
} from "../nodes/from-nodes.js";
import { BOOLEAN_TYPE } from "../elements/builtin-types.js";
import { Expression, isSubqueryLike, toOperandNode, type SubqueryLike } from "../elements/expression.js";
import { and, conditionNode, type Condition } from "../elements/conjunctions.js";
import type { Column } from "../schema/column.js";
import { TableAlias, type ColumnsRecord, type Table } from "../schema/table.js";
import type { Executable, StatementMemo } from "./executable.js";
import { ENTITY, isEntitySource, type EntityDescriptor, type EntityRange, type EntitySource } from "./entity.js";
import { isColumnSource, selectionFromArgs, type FirstOf, type RowOf, type SelectArg } from "./select-items.js";
import type { Cte } from "./derived-from.js";

/** Columns of a table type, or of a mapped class (its column attributes). */
export type ColumnsOf<T> = T extends { readonly c: infer C } ? C : T extends { readonly __columns: infer C } ? C : never;

/** What insert/update/deleteFrom target: a table, or a mapped class (its table, keys are attribute names). */
export type DmlTarget = Table<string, any> | (EntitySource & { readonly __columns: unknown });

/** A value for a column in INSERT or UPDATE: a plain value or a SQL expression. */
export type ColumnValue<C> = C extends Column<any, infer V, any> ? V | Expression<V | null, any> : never;

/** An INSERT row: required columns must be present, optional ones (nullable, defaulted, generated) may be left out. */
export type InsertRow<C> = {
  [K in keyof C as C[K] extends { readonly __optional: true } ? never : K]: ColumnValue<C[K]>;
} & {
  [K in keyof C as C[K] extends { readonly __optional: true } ? K : never]?: ColumnValue<C[K]>;
};

/** An UPDATE assignment: any subset of the columns. */
export type UpdateValues<C> = { [K in keyof C]?: ColumnValue<C[K]> };

function checkTable(t: unknown, where: string): Table {
  if (isEntitySource(t)) return entityOf(t as EntitySource, where).table;
  if (isColumnSource(t) && t.kind === "Table") return t as Table;
  throw new ArgumentError(`${where} takes a table or a mapped class, got ${describeValue(t)}`);
}

/** The descriptor of a mapped-class target, or undefined for a table. */
function entityOf(t: EntitySource, where: string): EntityDescriptor;
function entityOf(t: unknown, where: string): EntityDescriptor | undefined;
function entityOf(t: unknown, where: string): EntityDescriptor | undefined {
  if (!isEntitySource(t)) return undefined;
  const entity = t[ENTITY];
  if (entity.dmlRefusal) throw new ArgumentError(`${where}: ${entity.dmlRefusal}`);
  return entity;
}

function unknownColumn(table: Table, key: string, where: string): never {
  throw new ArgumentError(
    `${where}: table ${table.name} has no column '${key}'; its columns are ${table.columnList.map((c) => c.key).join(", ")}`,
  );
}

function notARow(row: unknown, where: string): never {
  throw new ArgumentError(`${where}: each row must be an object of column values, got ${describeValue(row)}`);
}

/** Validates a row's keys against the table; returns it without undefined entries. */
function checkRow(table: Table, row: unknown, where: string): Record<string, unknown> {
  if (typeof row !== "object" || row === null || Array.isArray(row)) notARow(row, where);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (!Object.prototype.hasOwnProperty.call(table.c, key)) unknownColumn(table, key, where);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Checks insert rows in one pass without copying them (inserts of many thousands of rows are
 * common): every key must be a column; gathers which keys occur and whether any cell is SQL.
 */
function checkRows(table: Table, rows: readonly unknown[], counts: Map<string, number>): boolean {
  const columns = table.c as Record<string, unknown>;
  let plain = true;
  // Rows nearly always share one shape: a row whose keys match the previous row's (all with
  // values) is counted in bulk, so per-cell work is a key comparison and a value check.
  let shape: string[] = [];
  let sameShape = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    if (typeof row !== "object" || row === null || Array.isArray(row)) notARow(row, `insert into ${table.name}, row ${i + 1}`);
    let k = 0;
    let same = true;
    for (const key in row) {
      const v = row[key];
      if (v === undefined || key !== shape[k++]) {
        same = false;
        break;
      }
      if (plain && typeof v === "object" && v instanceof Expression) plain = false;
    }
    if (same && k === shape.length) {
      sameShape++;
      continue;
    }
    for (const key of shape) counts.set(key, (counts.get(key) ?? 0) + sameShape);
    sameShape = 0;
    shape = [];
    let complete = true;
    for (const key in row) {
      const v = row[key];
      if (v === undefined) {
        complete = false;
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(columns, key)) unknownColumn(table, key, `insert into ${table.name}, row ${i + 1}`);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      shape.push(key);
      if (plain && typeof v === "object" && v instanceof Expression) plain = false;
    }
    // A row with undefined values counts on its own; the next row starts a fresh comparison.
    if (!complete) shape = [];
  }
  for (const key of shape) counts.set(key, (counts.get(key) ?? 0) + sameShape);
  return plain;
}

/** RETURNING items; mapped classes among them make the statement load instances (through a Session). */
function returningItems(items: readonly unknown[]): { returning: SelectItemNode[]; returningEntities: EntityRange[] } {
  if (items.length === 0) throw new ArgumentError("returning() needs at least one column, expression, table or mapped class");
  const sel = selectionFromArgs(items, "returning()");
  return { returning: sel.items, returningEntities: sel.entities };
}

/** Rows with the target's fixed values (a subclass discriminator) filled in; contradicting rows are refused. */
function withFixed(
  rows: readonly Record<string, unknown>[],
  fixed: Readonly<Record<string, unknown>>,
  table: string,
): Record<string, unknown>[] {
  const entries = Object.entries(fixed);
  return rows.map((row) => {
    if (typeof row !== "object" || row === null) return row;
    for (const [k, v] of entries)
      if (row[k] !== undefined && row[k] !== v)
        throw new ArgumentError(
          `insert into ${table}: ${k} must be ${JSON.stringify(v)} for this mapped class, got ${describeValue(row[k])}`,
        );
    return { ...row, ...fixed };
  });
}

function combineWhere(existing: ExprNode | undefined, conds: readonly unknown[], where: string): ExprNode {
  if (conds.length === 0) throw new ArgumentError(`${where}() needs at least one condition`);
  const nodes = conds.map((c, i) => conditionNode(c, `${where}() argument ${i + 1}`));
  const all = existing ? [existing, ...nodes] : nodes;
  return all.length === 1 ? all[0]! : and(...all.map((n) => new Expression<boolean>(n, BOOLEAN_TYPE))).node;
}

/** An INSERT statement into table `T`, returning rows `R` when `.returning()` is used. */
export class Insert<T extends DmlTarget = Table, R = never, S = unknown> implements Executable<R, S>, StatementMemo {
  declare readonly __row: R;
  declare readonly __scalar: S;
  /** @internal */
  _memo?: unknown;
  constructor(readonly node: InsertNode) {}

  /** @internal Subclasses (dialect inserts) rebuild themselves through this. */
  protected derive(patch: Partial<InsertNode>): this {
    const Ctor = this.constructor as new (node: InsertNode) => this;
    return new Ctor({ ...this.node, ...patch });
  }

  /** The target table. */
  get table(): Table {
    return this.node.table;
  }

  /**
   * Rows to insert: one object or an array. Keys are column keys; missing optional columns get
   * their defaults. Large arrays are sent in batches that respect the dialect's parameter limit.
   */
  values(rows: InsertRow<ColumnsOf<T>> | readonly InsertRow<ColumnsOf<T>>[]): this {
    if (this.node.fromSelect) throw new ArgumentError("an insert has either values() or fromSelect(), not both");
    let list = (Array.isArray(rows) ? rows : [rows]) as readonly Record<string, unknown>[];
    if (list.length === 0)
      throw new ArgumentError(`insert into ${this.node.table.name}: values() got an empty array; skip the insert instead`);
    if (this.node.fixed) list = withFixed(list, this.node.fixed, this.node.table.name);
    const all = this.node.rows ? [...this.node.rows, ...list] : list;
    const counts = new Map<string, number>();
    const plain = checkRows(this.node.table, all, counts);
    return this.derive({ rows: all, rowShape: { counts, plain } });
  }

  /**
   * `INSERT INTO t (cols) SELECT …`. Columns left out that have an app-side default get it: values
   * and SQL expressions are added to the SELECT list; functions are called once per execution.
   */
  fromSelect(columns: readonly (keyof ColumnsOf<T> & string)[], query: SubqueryLike): this {
    if (this.node.rows) throw new ArgumentError("an insert has either values() or fromSelect(), not both");
    if (!isSubqueryLike(query)) throw new ArgumentError(`fromSelect() takes a select statement, got ${describeValue(query)}`);
    const table = this.node.table;
    for (const c of columns) table.column(c);
    const extraKeys: string[] = [];
    const extraItems: SelectItemNode[] = [];
    for (const col of table.columnList) {
      const d = col.spec.default;
      if (d === undefined || columns.includes(col.key)) continue;
      // A bare parameter in a SELECT list has no type on PostgreSQL, so the value is cast to the column's.
      const node: ExprNode =
        d instanceof Expression
          ? d.node
          : { kind: "Cast", to: col.type, operand: bindNode(d, col.type, col.toString(), undefined, typeof d === "function") };
      extraKeys.push(col.key);
      extraItems.push({ expr: node, key: `__default_${col.key}`, type: col.type });
    }
    const withDefaults = (n: SelectLike): SelectLike =>
      n.kind === "Select" ? { ...n, items: [...n.items, ...extraItems] } : { ...n, selects: n.selects.map(withDefaults) };
    const select = extraItems.length ? withDefaults(query.node) : query.node;
    return this.derive({ fromSelect: { columns: [...columns, ...extraKeys], select } });
  }

  /** `RETURNING …` (PostgreSQL, SQLite, MariaDB); the statement then yields these rows. */
  returning<const I extends readonly SelectArg[]>(...items: I): Insert<T, RowOf<I>, FirstOf<I>> {
    return this.derive(returningItems(items)) as unknown as Insert<T, RowOf<I>, FirstOf<I>>;
  }

  /** Attaches CTEs. */
  with(...ctes: Cte<any>[]): this {
    return this.derive({ ctes: [...this.node.ctes, ...(ctes as unknown as CteLike[])] });
  }
}

/**
 * Starts an INSERT.
 * @example insert(users).values({ email: "ada@example.com" }).returning(users.c.id)
 */
export function insert<T extends DmlTarget>(table: T): Insert<T> {
  return new Insert<T>(insertNode(checkTable(table, "insert()"), entityOf(table, "insert()")?.insertValues));
}

/** An UPDATE statement. */
export class Update<T extends DmlTarget = Table, R = never, S = unknown> implements Executable<R, S>, StatementMemo {
  declare readonly __row: R;
  declare readonly __scalar: S;
  /** @internal */
  _memo?: unknown;
  constructor(readonly node: UpdateNode) {}

  #with(patch: Partial<UpdateNode>): Update<T, R, S> {
    return new Update<T, R, S>({ ...this.node, ...patch });
  }

  /** Columns to assign: `set({ name: "x", visits: users.c.visits.add(1) })`. */
  set(values: UpdateValues<ColumnsOf<T>>): Update<T, R, S> {
    const table = this.node.table as unknown as Table;
    const row = checkRow(table, values, `update ${table.name}`);
    const entries = Object.entries(row);
    if (entries.length === 0) throw new ArgumentError(`update ${table.name}: set() got no values`);
    const assigned = new Map(this.node.set.map(([c, n]) => [c, n] as const));
    for (const [key, value] of entries) {
      const col = table.column(key);
      assigned.set(col, toOperandNode(value, col.type, col.toString()));
    }
    // Columns with an onUpdate default that no set() call assigns get it: functions are called
    // at each execution, SQL expressions are rendered.
    for (const col of table.columnList) {
      const d = col.spec.onUpdate;
      if (d === undefined || assigned.has(col)) continue;
      assigned.set(col, d instanceof Expression ? d.node : bindNode(d, col.type, col.toString(), undefined, typeof d === "function"));
    }
    return this.#with({ set: [...assigned.entries()] });
  }

  /** Adds WHERE conditions (combined with AND). An UPDATE without where() changes every row. */
  where(...conds: Condition[]): Update<T, R, S> {
    return this.#with({ where: combineWhere(this.node.where, conds, "where") });
  }

  /** `UPDATE … FROM other` (PostgreSQL, SQLite; a multi-table UPDATE on MySQL). */
  from(...froms: NamedFrom[]): Update<T, R, S> {
    return this.#with({ from: [...this.node.from, ...froms.map((f) => checkFrom(f))] });
  }

  /** `RETURNING …` (PostgreSQL, SQLite). */
  returning<const I extends readonly SelectArg[]>(...items: I): Update<T, RowOf<I>, FirstOf<I>> {
    return new Update<T, RowOf<I>, FirstOf<I>>({ ...this.node, ...returningItems(items) });
  }

  with(...ctes: Cte<any>[]): Update<T, R, S> {
    return this.#with({ ctes: [...this.node.ctes, ...(ctes as unknown as CteLike[])] });
  }
}

function checkFrom(f: unknown): FromItem {
  if (isColumnSource(f)) return f;
  throw new ArgumentError(`from() takes a table, alias, subquery or CTE, got ${describeValue(f)}`);
}

/**
 * Starts an UPDATE.
 * @example update(users).set({ name: "Ada" }).where(users.c.id.eq(1))
 */
export function update<T extends DmlTarget>(table: T): Update<T> {
  return new Update<T>(updateNode(checkTable(table, "update()"), entityOf(table, "update()")?.criteria));
}

/** A DELETE statement. */
export class Delete<T extends DmlTarget = Table, R = never, S = unknown> implements Executable<R, S>, StatementMemo {
  declare readonly __row: R;
  declare readonly __scalar: S;
  /** @internal */
  _memo?: unknown;
  constructor(readonly node: DeleteNode) {}

  #with(patch: Partial<DeleteNode>): Delete<T, R, S> {
    return new Delete<T, R, S>({ ...this.node, ...patch });
  }

  /** Adds WHERE conditions. A DELETE without where() removes every row. */
  where(...conds: Condition[]): Delete<T, R, S> {
    return this.#with({ where: combineWhere(this.node.where, conds, "where") });
  }

  /** `DELETE … USING other` (PostgreSQL; a multi-table DELETE on MySQL). */
  using(...froms: NamedFrom[]): Delete<T, R, S> {
    return this.#with({ using: [...this.node.using, ...froms.map((f) => checkFrom(f))] });
  }

  /** `RETURNING …` (PostgreSQL, SQLite, MariaDB). */
  returning<const I extends readonly SelectArg[]>(...items: I): Delete<T, RowOf<I>, FirstOf<I>> {
    return new Delete<T, RowOf<I>, FirstOf<I>>({ ...this.node, ...returningItems(items) });
  }

  with(...ctes: Cte<any>[]): Delete<T, R, S> {
    return this.#with({ ctes: [...this.node.ctes, ...(ctes as unknown as CteLike[])] });
  }
}

/**
 * Starts a DELETE (`delete` is a reserved word in JavaScript, hence the name).
 * @example deleteFrom(users).where(users.c.id.eq(1))
 */
export function deleteFrom<T extends DmlTarget>(table: T): Delete<T> {
  return new Delete<T>(deleteNode(checkTable(table, "deleteFrom()"), entityOf(table, "deleteFrom()")?.criteria));
}

/** The pseudo-table of proposed values in an upsert (`excluded.col` / `VALUES(col)`). */
export function excludedOf<C extends ColumnsRecord>(table: Table<string, C>): C {
  return new TableAlias(table, "excluded").c;
}
