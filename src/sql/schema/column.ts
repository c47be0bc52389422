/**
 * Column definitions (`column(type, options)`) and bound columns (`table.c.name`). A definition is
 * inert until a Table binds it to a key; the bound Column is the typed expression users query with.
 */
import { ArgumentError } from "../../util/errors.js";
import { SqlType, toType, type TypeArg, type TypeValue } from "../types/sql-type.js";
import type { ColumnNode } from "../nodes/expression-nodes.js";
import type { NamedFrom } from "../nodes/from-nodes.js";
import { Expression } from "../elements/expression.js";
import type { ForeignKeyTarget, ForeignKeyOptions } from "./foreign-key.js";

/** ON DELETE / ON UPDATE actions. */
export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION";

/** Identity column options (`GENERATED … AS IDENTITY` on PostgreSQL; AUTO_INCREMENT elsewhere). */
export interface IdentityOptions {
  /** `GENERATED ALWAYS` instead of `BY DEFAULT` (PostgreSQL). */
  always?: boolean;
  start?: number;
  increment?: number;
}

/** A column's app-side default: a value, a function called per row, or a SQL expression. */
export type ColumnDefault<V> = V | (() => V) | Expression<any, any>;

/** Options of {@link column}. */
export interface ColumnOptions<V = unknown> {
  /** Database column name; defaults to the key in the table definition (or the base's naming rule). */
  name?: string;
  primaryKey?: boolean;
  /** Columns are NOT NULL unless `nullable: true` (primary keys never are). */
  nullable?: boolean;
  /** A UNIQUE constraint on this column alone (a unique index if `index` is also set). */
  unique?: boolean;
  /** An index on this column alone. */
  index?: boolean;
  /** App-side default applied when an INSERT leaves the column out. */
  default?: ColumnDefault<V>;
  /** Database-side default (`DEFAULT …` in DDL): a plain value (rendered as a literal) or `sql\`…\``. */
  serverDefault?: Expression<any, any> | string | number | boolean | bigint;
  /** App-side value applied when an UPDATE does not set the column. */
  onUpdate?: ColumnDefault<V>;
  comment?: string;
  /**
   * Whether the database generates values. Default "auto": a single-column integer primary key
   * without a foreign key autoincrements.
   */
  autoincrement?: boolean | "auto";
  /** Identity column settings; implies autoincrement. */
  identity?: IdentityOptions;
  /** References another column: `"users.id"`, a column, a thunk `() => users.c.id`, or `foreignKey(…)`. */
  foreignKey?: ForeignKeyTarget | ForeignKeyRef;
  /** Collation name for string columns. */
  collation?: string;
}

/** A column-level foreign key with options, made by `foreignKey(target, options)`. */
export interface ForeignKeyRef {
  readonly __foreignKeyRef: true;
  readonly target: ForeignKeyTarget;
  readonly options: ForeignKeyOptions;
}

/** Whether a definition's options make the column nullable. */
type IsNullable<O> = O extends { nullable: true } ? true : false;

/** Whether an INSERT may leave the column out: nullable, defaulted, or a generated integer key. */
type IsOptional<V, O> = O extends { nullable: true }
  ? true
  : O extends { default: {} } | { serverDefault: {} } | { identity: {} } | { autoincrement: true }
    ? true
    : O extends { primaryKey: true }
      ? O extends { autoincrement: false } | { foreignKey: {} }
        ? false
        : V extends number | bigint
          ? true
          : false
      : false;

/** Whether a definition's options declare a foreign key. */
type IsReference<O> = O extends { foreignKey: {} } ? true : false;

/** An unbound column definition: type and options, before a Table gives it a key. */
export class ColumnDef<V = unknown, TNull extends boolean = boolean, TOpt extends boolean = boolean, TRef extends boolean = boolean> {
  declare readonly __value: V;
  declare readonly __nullable: TNull;
  declare readonly __optional: TOpt;
  /** Phantom: the column references another table (the ORM may fill it from a relationship). */
  declare readonly __reference: TRef;
  constructor(
    readonly type: SqlType<V>,
    readonly options: Readonly<ColumnOptions<V>>,
  ) {}
}

/**
 * Defines a column.
 * @example
 * column(Integer, { primaryKey: true })            // id: number, generated
 * column(String(100), { nullable: true })          // name: string | null
 * column(Boolean, { default: true })               // optional on insert
 */
export function column<T extends TypeArg, const O extends ColumnOptions<TypeValue<T>> = {}>(
  type: T,
  options?: O,
): ColumnDef<TypeValue<T>, IsNullable<O>, IsOptional<TypeValue<T>, O>, IsReference<O>> {
  const opts = (options ?? {}) as ColumnOptions<TypeValue<T>>;
  if (typeof opts !== "object" || opts === null) throw new ArgumentError("column() options must be an object");
  return new ColumnDef(toType(type) as SqlType<TypeValue<T>>, opts);
}

let nextId = 1;
/** Process-unique ids for FROM items and columns, used in cache keys. */
export function nextObjectId(): number {
  return nextId++;
}

/** Resolved, validated column settings. */
export interface ColumnSpec {
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  readonly default: ColumnDefault<unknown> | undefined;
  readonly serverDefault: Expression<any, any> | string | number | boolean | bigint | undefined;
  readonly onUpdate: ColumnDefault<unknown> | undefined;
  readonly comment: string | undefined;
  readonly autoincrement: boolean | "auto";
  readonly identity: IdentityOptions | undefined;
  readonly collation: string | undefined;
}

const DERIVED_SPEC: ColumnSpec = Object.freeze({
  primaryKey: false,
  nullable: true,
  unique: false,
  index: false,
  default: undefined,
  serverDefault: undefined,
  onUpdate: undefined,
  comment: undefined,
  autoincrement: false,
  identity: undefined,
  collation: undefined,
});

/** A column bound to a table, alias, subquery or CTE: a typed expression. */
export class Column<K extends string = string, V = unknown, TOpt extends boolean = boolean> extends Expression<V, K> {
  /** Phantom: whether INSERT may omit the column. */
  declare readonly __optional: TOpt;
  declare readonly node: ColumnNode;
  readonly id: number;
  /** Key in `table.c` and in result rows. */
  readonly key: K;
  /** Name in SQL. */
  readonly name: string;
  readonly table: NamedFrom;
  readonly spec: ColumnSpec;
  /** For columns of aliases, subqueries and CTEs: the column they stand for. */
  readonly proxyOf: Column<string, unknown, boolean> | undefined;

  constructor(
    table: NamedFrom,
    key: K,
    name: string,
    type: SqlType<any>,
    spec: ColumnSpec = DERIVED_SPEC,
    proxyOf?: Column<string, unknown, boolean>,
  ) {
    const node: { kind: "Column"; column: Column<string, unknown, boolean> | undefined } = { kind: "Column", column: undefined };
    super(node as ColumnNode, type);
    node.column = this as Column<string, unknown, boolean>;
    this.id = nextObjectId();
    this.key = key;
    this.name = name;
    this.table = table;
    this.spec = spec;
    this.proxyOf = proxyOf;
  }

  #keyFragment: string | undefined;

  /** @internal This column's part of statement cache keys (table columns only; others depend on the statement). */
  get keyFragment(): string {
    return (this.#keyFragment ??= `cT${this.table.id}.${this.name}`);
  }

  protected override bindLabel(): string {
    return `${this.table.name}.${this.name}`;
  }

  /** `table.column`, for messages. */
  override toString(): string {
    return `${this.table.name}.${this.name}`;
  }

  /** The base table column this column ultimately stands for (itself for table columns). */
  get origin(): Column<string, unknown, boolean> {
    let c: Column<string, unknown, boolean> = this as Column<string, unknown, boolean>;
    while (c.proxyOf) c = c.proxyOf;
    return c;
  }
}

/** Builds the resolved spec of a definition, refusing contradictory options. */
export function resolveSpec(def: ColumnDef, where: string): ColumnSpec {
  const o = def.options;
  const known = new Set([
    "name",
    "primaryKey",
    "nullable",
    "unique",
    "index",
    "default",
    "serverDefault",
    "onUpdate",
    "comment",
    "autoincrement",
    "identity",
    "foreignKey",
    "collation",
  ]);
  for (const k of Object.keys(o))
    if (!known.has(k)) throw new ArgumentError(`${where}: unknown column option '${k}'; known options are ${[...known].join(", ")}`);
  const primaryKey = o.primaryKey === true;
  if (primaryKey && o.nullable === true) throw new ArgumentError(`${where}: a primary key column cannot be nullable; drop nullable: true`);
  if (o.default !== undefined && o.default === null && o.nullable !== true)
    throw new ArgumentError(`${where}: default is null but the column is NOT NULL; make it nullable or drop the default`);
  return {
    primaryKey,
    nullable: primaryKey ? false : o.nullable === true,
    unique: o.unique === true,
    index: o.index === true,
    default: o.default,
    serverDefault: o.serverDefault,
    onUpdate: o.onUpdate,
    comment: o.comment,
    autoincrement: o.identity ? true : (o.autoincrement ?? "auto"),
    identity: o.identity,
    collation: o.collation,
  };
}
