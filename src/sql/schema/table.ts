/**
 * Table: a named set of columns with constraints and indexes, registered in a MetaData.
 * Also TableAlias (`users.alias("u2")`) for self-joins.
 */
import { ArgumentError, SchemaError, describeValue } from "../../util/errors.js";
import type { NamedFrom } from "../nodes/from-nodes.js";
import { Column, ColumnDef, nextObjectId, resolveSpec, type ForeignKeyRef } from "./column.js";
import { CheckConstraint, Index, PrimaryKeyConstraint, UniqueConstraint } from "./constraints.js";
import { ForeignKeyConstraint } from "./foreign-key.js";
import type { MetaData } from "./metadata.js";

/** Columns of a table as a record keyed by column key. */
export type ColumnsRecord = { readonly [key: string]: Column<string, any, boolean> };

/** Turns column definitions into bound columns keyed like the definitions. */
export type BoundColumns<D extends Record<string, ColumnDef<any, any, any>>> = {
  readonly [K in keyof D & string]: D[K] extends ColumnDef<infer V, infer N, infer O> ? Column<K, N extends true ? V | null : V, O> : never;
};

/** A table-level item: composite keys, unique/check constraints, composite foreign keys, indexes. */
export type TableItem = PrimaryKeyConstraint | UniqueConstraint | CheckConstraint | ForeignKeyConstraint | Index;

/** Options of a table beyond its columns. */
export interface TableOptions<C> {
  /** Database schema (PostgreSQL schema / MySQL database). */
  schema?: string;
  comment?: string;
  /** Table-level constraints and indexes, built from the bound columns. */
  items?: (c: C) => readonly TableItem[];
  /** SQLite: `AUTOINCREMENT` on the integer primary key (ids are never reused). */
  sqliteAutoincrement?: boolean;
}

/** Rejects names no database can hold. Quoting handles every other character. */
export function checkIdentifier(name: unknown, what: string): string {
  if (typeof name !== "string" || name.length === 0)
    throw new ArgumentError(`${what} must be a non-empty string, got ${describeValue(name)}`);
  if (name.includes("\u0000")) throw new ArgumentError(`${what} ${JSON.stringify(name)} contains a NUL character`);
  return name;
}

const INTEGER_KINDS = new Set(["Integer", "SmallInteger", "BigInteger"]);

/** A database table (the implementation behind the typed {@link Table} constructor). */
class TableClass<TName extends string = string, TCols extends ColumnsRecord = ColumnsRecord> implements NamedFrom {
  /** Phantom: union of this table's columns (select(table) expands to them). */
  declare readonly __columnUnion: TCols[keyof TCols];
  readonly kind = "Table" as const;
  readonly id = nextObjectId();
  readonly name: TName;
  readonly schema: string | undefined;
  readonly comment: string | undefined;
  readonly metadata: MetaData;
  /** Columns by key: `users.c.email`. */
  readonly c: TCols;
  readonly columnList: readonly Column<string, unknown, boolean>[];
  readonly primaryKey: PrimaryKeyConstraint;
  readonly foreignKeys: readonly ForeignKeyConstraint[];
  readonly uniqueConstraints: readonly UniqueConstraint[];
  readonly checkConstraints: readonly CheckConstraint[];
  readonly indexes: readonly Index[];
  /** The column the database generates values for, if any. */
  readonly autoincrementColumn: Column<string, unknown, boolean> | undefined;
  readonly sqliteAutoincrement: boolean;

  constructor(
    name: TName,
    metadata: MetaData,
    columns: Record<string, ColumnDef<any, any, any>>,
    options: TableOptions<TCols> | ((c: TCols) => readonly TableItem[]) = {},
  ) {
    const opts: TableOptions<TCols> = typeof options === "function" ? { items: options } : options;
    this.name = checkIdentifier(name, "table name") as TName;
    this.schema = opts.schema === undefined ? metadata.schema : checkIdentifier(opts.schema, `schema of table ${name}`);
    this.comment = opts.comment;
    this.metadata = metadata;
    this.sqliteAutoincrement = opts.sqliteAutoincrement === true;
    if (!columns || typeof columns !== "object")
      throw new ArgumentError(`table ${name}: columns must be an object of column() definitions`);

    const c: Record<string, Column<string, unknown, boolean>> = {};
    const list: Column<string, unknown, boolean>[] = [];
    const fks: ForeignKeyConstraint[] = [];
    const uniques: UniqueConstraint[] = [];
    const indexes: Index[] = [];
    const pkCols: Column<string, unknown, boolean>[] = [];
    for (const [key, def] of Object.entries(columns)) {
      const col = this.#makeColumn(key, def, list, { fks, uniques, indexes });
      c[key] = col;
      list.push(col);
      if (col.spec.primaryKey) pkCols.push(col);
    }
    if (list.length === 0) throw new SchemaError(`table ${name} has no columns`);
    this.c = c as unknown as TCols;
    this.columnList = list;

    let pk: PrimaryKeyConstraint | undefined;
    const checks: CheckConstraint[] = [];
    for (const item of opts.items?.(this.c) ?? []) {
      if (item instanceof PrimaryKeyConstraint) {
        if (pk) throw new SchemaError(`table ${name} lists primaryKey() twice`);
        if (pkCols.length > 0)
          throw new SchemaError(
            `table ${name}: declare the primary key either with primaryKey: true on columns or with a primaryKey() item, not both`,
          );
        pk = item;
      } else if (item instanceof ForeignKeyConstraint) fks.push(item);
      else if (item instanceof UniqueConstraint) uniques.push(item);
      else if (item instanceof CheckConstraint) checks.push(item);
      else if (item instanceof Index) indexes.push(item);
      else
        throw new ArgumentError(
          `table ${name}: ${describeValue(item)} is not a table item (primaryKey, unique, check, foreignKeyConstraint, index)`,
        );
    }
    this.primaryKey = pk ?? new PrimaryKeyConstraint(pkCols, undefined);
    this.foreignKeys = fks;
    this.uniqueConstraints = uniques;
    this.checkConstraints = checks;
    this.indexes = indexes;
    for (const k of [this.primaryKey, ...fks, ...uniques, ...checks, ...indexes]) k.attach(this as unknown as Table);
    this.autoincrementColumn = this.#findAutoincrement();
    metadata.register(this as unknown as Table);
    // Name everything now so convention errors surface at definition time; foreign keys whose
    // target is a thunk are named on first use, once the target exists.
    if (this.primaryKey.columns.length > 0) void this.primaryKey.name;
    for (const k of [...uniques, ...checks, ...indexes]) void k.name;
    for (const fk of fks) if (fk.nameableEarly) void fk.name;
  }

  /** Builds a column from its definition, with the constraints its options declare. */
  #makeColumn(
    key: string,
    def: unknown,
    existing: readonly Column<string, unknown, boolean>[],
    out: { fks: ForeignKeyConstraint[]; uniques: UniqueConstraint[]; indexes: Index[] },
  ): Column<string, unknown, boolean> {
    const name = this.name;
    if (!(def instanceof ColumnDef))
      throw new ArgumentError(`table ${name}: column '${key}' must be made with column(type, options), got ${describeValue(def)}`);
    const where = `column ${name}.${key}`;
    const colName = checkIdentifier(def.options.name ?? key, `name of ${where}`);
    const other = existing.find((x) => x.name === colName);
    if (other !== undefined)
      throw new SchemaError(`table ${name}: columns '${other.key}' and '${key}' are both named ${JSON.stringify(colName)} in the database`);
    if (existing.some((x) => x.key === key)) throw new SchemaError(`table ${name} already has a column '${key}'`);
    const col = new Column(this, key, colName, def.type, resolveSpec(def, where));
    const fk = def.options.foreignKey;
    if (fk !== undefined) {
      const ref = typeof fk === "object" && fk !== null && "__foreignKeyRef" in fk ? (fk as ForeignKeyRef) : { target: fk, options: {} };
      out.fks.push(new ForeignKeyConstraint([col], [ref.target as never], ref.options));
    }
    if (col.spec.unique && col.spec.index) out.indexes.push(new Index([col], { unique: true }));
    else if (col.spec.unique) out.uniques.push(new UniqueConstraint([col]));
    else if (col.spec.index) out.indexes.push(new Index([col]));
    return col;
  }

  /**
   * @internal Adds a column after construction. Used only by the ORM for single-table inheritance,
   * where a subclass's columns live in its base's table; never call it on a table in use.
   */
  _addColumn(key: string, def: ColumnDef<any, any, any, any>): Column<string, unknown, boolean> {
    const out = { fks: [] as ForeignKeyConstraint[], uniques: [] as UniqueConstraint[], indexes: [] as Index[] };
    const col = this.#makeColumn(key, def, this.columnList, out);
    if (col.spec.primaryKey) throw new SchemaError(`table ${this.name}: a column added later cannot be part of the primary key`);
    (this.c as Record<string, Column<string, unknown, boolean>>)[key] = col;
    (this.columnList as Column<string, unknown, boolean>[]).push(col);
    for (const k of [...out.fks, ...out.uniques, ...out.indexes]) k.attach(this as unknown as Table);
    (this.foreignKeys as ForeignKeyConstraint[]).push(...out.fks);
    (this.uniqueConstraints as UniqueConstraint[]).push(...out.uniques);
    (this.indexes as Index[]).push(...out.indexes);
    for (const k of [...out.uniques, ...out.indexes]) void k.name;
    return col;
  }

  /** @internal Undoes `_addColumn` (a model definition failed half way): the column and the constraints it brought. */
  _removeColumn(key: string): void {
    const col = (this.c as Record<string, Column<string, unknown, boolean>>)[key];
    if (!col) return;
    delete (this.c as Record<string, Column<string, unknown, boolean>>)[key];
    const list = this.columnList as Column<string, unknown, boolean>[];
    list.splice(list.indexOf(col), 1);
    const keep = <T extends { columns: readonly Column<string, any, boolean>[] }>(items: T[]): void => {
      for (let i = items.length - 1; i >= 0; i--) if (items[i]!.columns.includes(col)) items.splice(i, 1);
    };
    keep(this.foreignKeys as ForeignKeyConstraint[]);
    keep(this.uniqueConstraints as UniqueConstraint[]);
    keep(this.indexes as Index[]);
  }

  #findAutoincrement(): Column<string, unknown, boolean> | undefined {
    const explicit = this.columnList.filter((col) => col.spec.autoincrement === true);
    if (explicit.length > 1)
      throw new SchemaError(`table ${this.name}: only one column may be autoincrement, found ${explicit.map((c) => c.name).join(" and ")}`);
    const pkCols = this.primaryKey.columns;
    if (explicit.length === 1) {
      const col = explicit[0]!;
      if (!INTEGER_KINDS.has(col.type.kind))
        throw new SchemaError(
          `column ${col.toString()}: type ${col.type.describe()} cannot autoincrement; use an integer type or drop autoincrement`,
        );
      if (!pkCols.includes(col) && !col.spec.identity)
        throw new SchemaError(`column ${col.toString()}: autoincrement is only supported on primary key columns (or use identity)`);
      return col;
    }
    if (pkCols.length !== 1) return undefined;
    const col = pkCols[0]!;
    if (col.spec.autoincrement !== "auto" || !INTEGER_KINDS.has(col.type.kind)) return undefined;
    if (col.spec.default !== undefined || col.spec.serverDefault !== undefined) return undefined;
    if (this.foreignKeys.some((fk) => fk.columns.includes(col))) return undefined;
    return col;
  }

  /** The table name qualified with its schema, for messages and lookups. */
  get fullName(): string {
    return this.schema ? `${this.schema}.${this.name}` : this.name;
  }

  /** The column with this key, or a clear error listing the table's columns. */
  column(key: string): Column<string, unknown, boolean> {
    const col = (this.c as ColumnsRecord)[key];
    if (col) return col;
    throw new ArgumentError(`table ${this.name} has no column '${key}'; its columns are ${this.columnList.map((c) => c.key).join(", ")}`);
  }

  /** An alias of this table, for self-joins: `FROM users AS u2`. */
  alias(name: string): TableAlias<TName, TCols> {
    return new TableAlias(this, checkIdentifier(name, "alias name"));
  }

  toString(): string {
    return this.fullName;
  }
}

/** A database table: `users.c.email` is a typed column. */
export type Table<TName extends string = string, TCols extends ColumnsRecord = any> = TableClass<TName, TCols>;

/**
 * The Table constructor, typed so that the columns record is inferred from the definitions
 * (a class's own type parameters could not be derived from a differently shaped argument).
 */
export interface TableConstructor {
  new <const TName extends string, D extends Record<string, ColumnDef<any, any, any>>>(
    name: TName,
    metadata: MetaData,
    columns: D,
    options?: TableOptions<BoundColumns<D>> | ((c: BoundColumns<D>) => readonly TableItem[]),
  ): Table<TName, BoundColumns<D>>;
  readonly prototype: Table;
}

/**
 * Defines a table in a MetaData.
 * @example
 * const users = new Table("users", metadata, {
 *   id: column(Integer, { primaryKey: true }),
 *   email: column(String(255), { unique: true }),
 * });
 */
export const Table = TableClass as unknown as TableConstructor;

/** A table under another name (`users AS u2`), with its own columns. */
export class TableAlias<TName extends string = string, TCols extends ColumnsRecord = any> implements NamedFrom {
  declare readonly __columnUnion: TCols[keyof TCols];
  readonly kind = "Alias" as const;
  readonly id = nextObjectId();
  readonly c: TCols;
  readonly columnList: readonly Column<string, unknown, boolean>[];
  constructor(
    readonly table: Table<TName, TCols>,
    readonly name: string,
  ) {
    const c: Record<string, Column<string, unknown, boolean>> = {};
    this.columnList = table.columnList.map((col) => (c[col.key] = new Column(this, col.key, col.name, col.type, col.spec, col)));
    this.c = c as unknown as TCols;
  }
  toString(): string {
    return `${this.table.fullName} AS ${this.name}`;
  }
}
