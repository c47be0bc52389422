/**
 * declarativeBase(): a project's one base for models. `Base.model(table, attributes, options)`
 * builds the Table, the Mapper and a generated class with instrumented attributes; the class that
 * extends it is registered with `@mapped`. Inheritance (`Base.subclass`) lives in inheritance.ts.
 */
import { ArgumentError, MappingError, SchemaError, describeValue } from "../../util/errors.js";
import { ColumnDef, type ColumnOptions } from "../../sql/schema/column.js";
import { MetaData } from "../../sql/schema/metadata.js";
import { Table, type TableItem } from "../../sql/schema/table.js";
import { Expression } from "../../sql/elements/expression.js";
import { ENTITY } from "../../sql/statements/entity.js";
import { Mapper, type ColumnProperty, type InheritanceInfo } from "./mapper.js";
import { Registry } from "./registry.js";
import { RelationshipDef } from "./relationship-def.js";
import { addRelationship } from "./relationship-property.js";
import { columnNamer, type ColumnNaming } from "./naming.js";
import { MAPPER, defineColumnAccessor, defineExpressionAccessor, defineObjectProtocol, initInstance } from "./instrumentation.js";
import { defineHybrids, type HybridBuilder } from "./hybrid.js";
import {
  defineAbstract,
  defineSubclass,
  type AbstractBase,
  type AbstractOptions,
  type MappedParent,
  type ModelBuilder,
  type SubclassBase,
  type SubclassOptions,
} from "./inheritance.js";
import { PROTO_MAPPER } from "../session/instance-state.js";
import type { AttrDefs, ClassColumns, HybridExpressions, HybridValues, InstanceAttrs, ModelClass } from "./model-types.js";

/** Options of {@link declarativeBase}. */
export interface DeclarativeBaseOptions {
  /** The MetaData every model's table joins (give it a naming convention). */
  metadata?: MetaData;
  /** How attribute keys become column names: "snake_case" (default), "preserve", or a function. */
  columnNaming?: ColumnNaming;
}

/** Options of `Base.model()`. */
export interface ModelOptions<A> {
  /** Database schema of the table. */
  schema?: string;
  /** Table comment. */
  comment?: string;
  /** Table-level constraints and indexes (composite unique, check, index), from the columns. */
  tableArgs?: (c: ClassColumns<A>) => readonly TableItem[];
  /** An integer column used for optimistic locking: set to 1 on insert, checked and bumped on update. */
  versionColumn?: keyof A & string;
  /** Per-attribute hooks run on every assignment (constructor included): return the value to store, or throw. */
  validates?: { readonly [K in keyof A]?: (value: InstanceAttrs<A>[K], obj: any) => InstanceAttrs<A>[K] };
  /**
   * Hybrid attributes: one function of the attributes that gives a value on instances and a SQL
   * expression on the class. Build them with the `h` operators.
   */
  hybrids?: HybridBuilder<A>;
  /** Read-only attributes loaded from SQL expressions along with the object. */
  columnProperties?: (c: ClassColumns<A>) => Record<string, Expression<any, any>>;
  /** The attribute whose value says which subclass a row is (polymorphic base). */
  polymorphicOn?: keyof A & string;
  /** This class's value of the polymorphic attribute. */
  polymorphicIdentity?: string;
  /** SQLite: AUTOINCREMENT on the integer primary key. */
  sqliteAutoincrement?: boolean;
}

const MODEL_OPTIONS = new Set([
  "schema",
  "comment",
  "tableArgs",
  "versionColumn",
  "validates",
  "hybrids",
  "columnProperties",
  "polymorphicOn",
  "polymorphicIdentity",
  "sqliteAutoincrement",
]);
const RESERVED = new Set(["prototype", "constructor", "__proto__", "length", "caller", "arguments"]);

type HybridsOf<O> = O extends { hybrids: (...args: any[]) => infer H } ? H : {};
type ExpressionsOf<O> = O extends { columnProperties: (...args: any[]) => infer E }
  ? { readonly [K in keyof E]: E[K] extends Expression<infer V, any> ? V : never }
  : {};
/** Column properties on the class: their SQL expressions. */
type ExpressionStatics<O> = O extends { columnProperties: (...args: any[]) => infer E } ? { readonly [K in keyof E]: E[K] } : {};

/** What `Base.model()` returns: the class to extend. */
/** The discriminator attribute named by `polymorphicOn`, if any. */
type DiscriminatorOf<O> = O extends { polymorphicOn: infer K extends string } ? K : never;
/** The version attribute named by `versionColumn`, if any. */
type VersionOf<O> = O extends { versionColumn: infer K extends string } ? K : never;

export type ModelBase<TName extends string, A extends AttrDefs, O> = ModelClass<
  TName,
  A,
  InstanceAttrs<A> & HybridValues<HybridsOf<O>> & ExpressionsOf<O>,
  DiscriminatorOf<O>,
  VersionOf<O>
> &
  HybridExpressions<HybridsOf<O>> &
  ExpressionStatics<O>;

/** Marks generated classes. */
const GENERATED: unique symbol = Symbol("athanor.generated");

function checkKey(key: string, where: string): void {
  if (RESERVED.has(key))
    throw new ArgumentError(
      `${where}: '${key}' cannot be an attribute name (it is reserved on classes); rename the attribute and set the column name with { name: "${key}" }`,
    );
}

/** The declarative base of a project: one registry, one MetaData, many models. */
export class DeclarativeBase implements ModelBuilder {
  readonly metadata: MetaData;
  readonly registry: Registry;
  readonly #columnName: (key: string) => string;

  constructor(options: DeclarativeBaseOptions = {}) {
    this.metadata = options.metadata ?? new MetaData();
    this.registry = new Registry(this.metadata);
    this.#columnName = columnNamer(options.columnNaming);
  }

  /** The column name an attribute gets. */
  columnName(key: string): string {
    return this.#columnName(key);
  }

  /** Resolves and validates every model now (it happens anyway at first use). */
  configure(): void {
    this.registry.configure();
  }

  /**
   * Defines a model backed by its own table. Extend the result and decorate the class with `@mapped`.
   * @example
   * @mapped
   * export class User extends Base.model("users", {
   *   id: column(Integer, { primaryKey: true }),
   *   email: column(String(255), { unique: true }),
   *   posts: relationship<Post[]>("Post", { backPopulates: "author" }),
   * }) {}
   */
  model<const TName extends string, A extends AttrDefs>(table: TName, attrs: A): ModelBase<TName, A, {}>;
  // Options are a separate overload: an optional generic parameter would lose the contextual typing of its callbacks.
  model<const TName extends string, A extends AttrDefs, const O extends ModelOptions<A>>(
    table: TName,
    attrs: A,
    options: O,
  ): ModelBase<TName, A, O>;
  model(table: string, attrs: AttrDefs, options?: ModelOptions<any>): unknown {
    return this.buildModel(table, attrs, options ?? {}, undefined);
  }

  /**
   * Maps a subclass of a mapped class. Without a table name it is single-table inheritance (its
   * columns are added to the parent's table and must be nullable or defaulted); with one, joined-table
   * inheritance (its own table, whose primary key references the parent's). The hierarchy's base
   * sets `polymorphicOn`; each class gives its `polymorphicIdentity`.
   * @example
   * @mapped export class Manager extends Base.subclass(Employee, { reports: column(Integer, { nullable: true }) }, { polymorphicIdentity: "manager" }) {}
   * @mapped export class Engineer extends Base.subclass(Employee, "engineers", { language: column(String(40)) }, { polymorphicIdentity: "engineer" }) {}
   */
  subclass<P extends MappedParent, A extends AttrDefs, const O extends SubclassOptions<P["__attrs"] & A>>(
    parent: P,
    attrs: A,
    options: O,
  ): SubclassBase<P, P["__entityKey"], A, O>;
  subclass<P extends MappedParent, const TName extends string, A extends AttrDefs, const O extends SubclassOptions<P["__attrs"] & A>>(
    parent: P,
    table: TName,
    attrs: A,
    options: O,
  ): SubclassBase<P, TName, A, O>;
  subclass(parent: unknown, tableOrAttrs: unknown, attrsOrOptions: unknown, options?: unknown): unknown {
    return defineSubclass(this, parent, tableOrAttrs, attrsOrOptions, options);
  }

  /**
   * An abstract base: attributes, shared options and methods for several models, with no table of
   * its own. Extend it to add methods, then build models from it with `.model()`.
   * @example
   * export abstract class Entity extends Base.abstract({ id: column(Integer, { primaryKey: true }), ...timestamps() }) {
   *   get age() { return Date.now() - this.createdAt.getTime(); }
   * }
   * @mapped export class Tag extends Entity.model("tags", { name: column(String(50)) }) {}
   */
  abstract<A extends AttrDefs>(attrs: A, options?: AbstractOptions<A>): AbstractBase<A> {
    return defineAbstract(this, attrs, options) as unknown as AbstractBase<A>;
  }

  /** @internal Shared by model() and subclass(). */
  buildModel(
    tableName: string,
    attrs: AttrDefs,
    options: ModelOptions<any>,
    inherit: { parent: Mapper; parentClass: abstract new (...args: any[]) => object; mode: "single" | "joined" } | undefined,
    /** An abstract base (Base.abstract) whose class the generated one extends. */
    abstractBase?: abstract new (...args: any[]) => object,
  ): Function {
    const where = `model ${tableName}`;
    if (typeof attrs !== "object" || attrs === null)
      throw new ArgumentError(`${where}: attributes must be an object of column() and relationship() definitions`);
    for (const k of Object.keys(options))
      if (!MODEL_OPTIONS.has(k))
        throw new ArgumentError(`${where}: unknown option '${k}'; known options are ${[...MODEL_OPTIONS].join(", ")}`);
    const columnDefs: Record<string, ColumnDef> = {};
    const relDefs: Array<[string, RelationshipDef]> = [];
    for (const [key, def] of Object.entries(attrs)) {
      checkKey(key, where);
      if (def instanceof ColumnDef) {
        const name = (def.options as ColumnOptions).name ?? this.#columnName(key);
        columnDefs[key] = new ColumnDef(def.type, { ...def.options, name });
      } else if (def instanceof RelationshipDef) relDefs.push([key, def]);
      else throw new ArgumentError(`${where}: attribute '${key}' must be column(…) or relationship(…), got ${describeValue(def)}`);
    }

    const identity = options.polymorphicIdentity;
    const clash = identity === undefined || !inherit ? undefined : inherit.parent.root.polymorphicMap.get(identity);
    if (clash)
      throw new MappingError(`${where}: polymorphicIdentity "${identity}" is already used by ${clash.name}; give each class its own`);

    const { table, tables, inheritance } = this.#tableFor(tableName, columnDefs, options, inherit, where);
    try {
      return this.#mapClass(tableName, table, tables, inheritance, columnDefs, relDefs, options, inherit, abstractBase, where);
    } catch (err) {
      // A model that fails to map leaves no trace: its table (or, single-table, its columns) goes again.
      if (inheritance.mode === "single") for (const key of Object.keys(columnDefs)) table._removeColumn(key);
      else this.metadata.remove(table);
      throw err;
    }
  }

  #mapClass(
    tableName: string,
    table: Table,
    tables: readonly Table[],
    inheritance: InheritanceInfo,
    columnDefs: Record<string, ColumnDef>,
    relDefs: Array<[string, RelationshipDef]>,
    options: ModelOptions<any>,
    inherit: { parent: Mapper; parentClass: abstract new (...args: any[]) => object; mode: "single" | "joined" } | undefined,
    abstractBase: (abstract new (...args: any[]) => object) | undefined,
    where: string,
  ): Function {
    const parentClass = inherit?.parentClass ?? abstractBase;
    const Generated = (parentClass
      ? class extends (parentClass as unknown as new (init?: Record<string, unknown>) => object) {}
      : class Model {
          constructor(init?: Record<string, unknown>) {
            initInstance(this, new.target, init);
          }
        }) as unknown as abstract new (...args: any[]) => object;
    Object.defineProperty(Generated, "name", { value: `${tableName}_model`, configurable: true });
    (Generated as unknown as Record<symbol, unknown>)[GENERATED] = true;

    const mapper = new Mapper(this.registry, Generated, table, inherit?.parent, inheritance, tables);
    (Generated as unknown as Record<symbol, unknown>)[MAPPER] = mapper;
    const proto = Generated.prototype as object;
    if (!parentClass) defineObjectProtocol(proto);
    // Instances find their mapper through the prototype (a subclass's prototype names its own).
    Object.defineProperty(proto, PROTO_MAPPER, { value: mapper, configurable: true });

    // Inherited attributes first (same indexes as the parent), then this model's own.
    if (inherit) {
      for (const p of inherit.parent.columns) {
        const own = inheritance.mode === "joined" ? table.columnList.find((c) => c.key === p.key) : undefined;
        const prop: ColumnProperty = own ? { ...p, alsoColumns: [...p.alsoColumns, own] } : p;
        mapper.columns.push(prop);
        mapper.byKey.set(p.key, prop);
      }
      for (const r of inherit.parent.relationships) mapper.byKey.set(r.key, r);
      for (const [k, v] of inherit.parent.validators) mapper.validators.set(k, v);
    }
    const ownColumns =
      inheritance.mode === "joined"
        ? table.columnList.filter((c) => !mapper.byKey.has(c.key))
        : Object.keys(columnDefs).map((k) => table.column(k));
    for (const column of ownColumns) {
      if (mapper.byKey.has(column.key))
        throw new MappingError(`${where}: attribute '${column.key}' is already defined by ${inherit?.parent.name}`);
      const prop: ColumnProperty = {
        kind: "column",
        key: column.key,
        index: mapper.columns.length,
        slot: Symbol(column.key),
        column,
        alsoColumns: [],
      };
      mapper.columns.push(prop);
      mapper.byKey.set(column.key, prop);
      defineColumnAccessor(proto, prop);
      Object.defineProperty(Generated, column.key, { value: column, enumerable: true, configurable: true });
    }
    mapper.pk = inherit
      ? inherit.parent.pk.map((p) => mapper.byKey.get(p.key) as ColumnProperty)
      : table.primaryKey.columns.map((c) => mapper.byKey.get(c.key) as ColumnProperty);
    if (mapper.pk.length === 0)
      throw new MappingError(
        `${where}: the table has no primary key, so its rows cannot be identified; mark a column primaryKey: true (or list several)`,
      );

    for (const [key, def] of relDefs) {
      if (mapper.byKey.has(key)) throw new MappingError(`${where}: attribute '${key}' is defined twice`);
      addRelationship(mapper, key, def);
    }
    if (inherit) mapper.relationships.unshift(...inherit.parent.relationships);

    const versionKey = options.versionColumn ?? inherit?.parent.version?.key;
    if (versionKey !== undefined) {
      const p = mapper.byKey.get(versionKey);
      if (p?.kind !== "column" || !["Integer", "SmallInteger", "BigInteger"].includes(p.column.type.kind))
        throw new MappingError(`${where}: versionColumn '${versionKey}' must name an integer column of the model`);
      mapper.version = p;
    }
    if (options.validates) {
      for (const [key, fn] of Object.entries(options.validates as Record<string, unknown>)) {
        const p = mapper.byKey.get(key);
        if (!p || p.kind !== "column")
          throw new MappingError(`${where}: validates names '${key}', which is not a column attribute of the model`);
        if (typeof fn !== "function") throw new ArgumentError(`${where}: validates.${key} must be a function`);
        mapper.validators.set(key, fn as (value: unknown, obj: object) => unknown);
      }
    }
    // Expression properties come after every column: the parent's (re-indexed, same fields), then own.
    for (const e of inherit?.parent.expressions ?? []) {
      const prop = { ...e, index: mapper.columns.length + mapper.expressions.length };
      mapper.expressions.push(prop);
      mapper.byKey.set(e.key, prop);
    }
    if (options.columnProperties) {
      const exprs = options.columnProperties(table.c as never);
      for (const [key, expr] of Object.entries(exprs)) {
        checkKey(key, where);
        if (!(expr instanceof Expression)) throw new ArgumentError(`${where}: column property '${key}' must be a SQL expression`);
        if (mapper.byKey.has(key)) throw new MappingError(`${where}: attribute '${key}' is defined twice`);
        const prop = {
          kind: "expression",
          key,
          index: mapper.columns.length + mapper.expressions.length,
          slot: Symbol(key),
          expression: expr,
        } as const;
        mapper.expressions.push(prop);
        mapper.byKey.set(key, prop);
        const labelled = expr.as(key);
        Object.defineProperty(Generated, key, { value: labelled, enumerable: true, configurable: true });
        defineExpressionAccessor(proto, prop);
      }
    }
    if (options.hybrids) defineHybrids(mapper, Generated, options.hybrids as HybridBuilder<any>, where);
    // An inherited `name` attribute must not be hidden by this class's own name.
    if (mapper.byKey.has("name") && typeof (Generated as { name: unknown }).name === "string")
      delete (Generated as { name?: unknown }).name;

    // The Core sees the mapped (concrete) class through this protocol getter.
    Object.defineProperty(Generated, ENTITY, {
      get(this: { [MAPPER]: Mapper }) {
        return this[MAPPER].descriptor;
      },
      configurable: true,
    });
    this.registry.add(mapper);
    if (inherit) {
      inherit.parent.subMappers.push(mapper);
      for (let m: Mapper | undefined = inherit.parent; m; m = m.parent) m.invalidate();
    }
    if (inheritance.identity !== undefined) {
      const root = mapper.root;
      if (root.polymorphicMap.has(inheritance.identity))
        throw new MappingError(
          `${where}: polymorphicIdentity "${inheritance.identity}" is already used by ${root.polymorphicMap.get(inheritance.identity)!.name}`,
        );
      root.polymorphicMap.set(inheritance.identity, mapper);
    }
    return Generated;
  }

  #tableFor(
    tableName: string,
    columnDefs: Record<string, ColumnDef>,
    options: ModelOptions<any>,
    inherit: { parent: Mapper; mode: "single" | "joined" } | undefined,
    where: string,
  ): { table: Table; tables: readonly Table[]; inheritance: InheritanceInfo } {
    if (options.polymorphicOn !== undefined && inherit)
      throw new MappingError(`${where}: polymorphicOn belongs on the base of the hierarchy (${inherit.parent.root.name})`);
    const polymorphicOn = options.polymorphicOn ?? inherit?.parent.root.inheritance.polymorphicOn;
    if (inherit && options.polymorphicIdentity === undefined)
      throw new MappingError(
        `${where}: a subclass needs polymorphicIdentity, the value of ${polymorphicOn ?? "the discriminator"} for its rows`,
      );
    if (inherit && polymorphicOn === undefined)
      throw new MappingError(
        `${where}: ${inherit.parent.root.name} has no polymorphicOn; give the base model polymorphicOn: "<discriminator attribute>"`,
      );
    if (inherit?.mode === "single") {
      const table = inherit.parent.table;
      // Every column is checked before any is added, so a rejected subclass leaves the table as it was.
      const names = new Set(table.columnList.map((c) => c.name));
      for (const [key, def] of Object.entries(columnDefs)) {
        if (def.options.primaryKey) throw new MappingError(`${where}: a single-table subclass cannot add primary key columns`);
        if (!def.options.nullable && def.options.default === undefined && def.options.serverDefault === undefined)
          throw new MappingError(
            `${where}: column '${key}' is added to ${table.name}, which also holds other classes' rows, so it must be nullable (or have a default)`,
          );
        if (table.columnList.some((c) => c.key === key))
          throw new MappingError(`${where}: attribute '${key}' is already defined on ${table.name}`);
        if (names.has(def.options.name!))
          throw new MappingError(`${where}: ${table.name} already has a column named "${def.options.name}"; name '${key}' differently`);
        names.add(def.options.name!);
      }
      const added: string[] = [];
      try {
        for (const [key, def] of Object.entries(columnDefs)) {
          table._addColumn(key, def);
          added.push(key);
        }
      } catch (err) {
        for (const key of added) table._removeColumn(key);
        throw err;
      }
      return {
        table,
        tables: inherit.parent.tables,
        inheritance: { polymorphicOn, identity: options.polymorphicIdentity, mode: "single" },
      };
    }
    let table: Table;
    try {
      table = new Table(tableName, this.metadata, columnDefs, {
        schema: options.schema,
        comment: options.comment,
        sqliteAutoincrement: options.sqliteAutoincrement,
        items: options.tableArgs as never,
      });
    } catch (err) {
      if (err instanceof SchemaError && /already defined in this MetaData/.test(err.message)) {
        const other = this.registry.mappers.find((m) => m.table.name === tableName);
        throw new MappingError(
          `${where}: table ${tableName} is already mapped${other ? ` by ${other.name}` : ""}; each table is mapped by one model (use Base.subclass for inheritance)`,
          { cause: err },
        );
      }
      throw err;
    }
    const tables = inherit ? [...inherit.parent.tables, table] : [table];
    return { table, tables, inheritance: { polymorphicOn, identity: options.polymorphicIdentity, mode: inherit ? "joined" : "none" } };
  }
}

/**
 * Creates a project's declarative base: one MetaData, one registry of models.
 * @example
 * export const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });
 */
export function declarativeBase(options?: DeclarativeBaseOptions): DeclarativeBase {
  return new DeclarativeBase(options);
}

/**
 * Registers a model class (the class that extends `Base.model(…)`): as a decorator, `@mapped`, or
 * called after the class, `mapped(User)`. Registration makes the class name usable in
 * relationship("User") and lets the ORM create instances of it.
 */
export function mapped<C extends abstract new (...args: any[]) => object>(cls: C, context?: ClassDecoratorContext<C>): C {
  const generated = Object.getPrototypeOf(cls) as Record<symbol, unknown> | null;
  const mapper = generated?.[MAPPER] as Mapper | undefined;
  if (!generated?.[GENERATED] || !mapper)
    throw new MappingError(`${cls.name} must extend Base.model(…) (or Base.subclass(…)) directly to be @mapped`);
  if (mapper.cls && mapper.cls !== cls)
    throw new MappingError(`${cls.name} and ${mapper.cls.name} both extend the model for table ${mapper.table.name}; map each model once`);
  const name = typeof context?.name === "string" ? context.name : String(cls.name);
  const clash = mapper.registry.mappers.find((m) => m !== mapper && m.cls && m.name === name);
  if (clash) throw new MappingError(`two models are named ${name} (tables ${clash.table.name} and ${mapper.table.name}); rename one class`);
  mapper.cls = cls;
  mapper.name = name;
  mapper.registry.invalidate();
  (cls as unknown as Record<symbol, unknown>)[MAPPER] = mapper;
  // Every class has its own `name`; a `name` attribute must win so `User.name` is the column.
  if (mapper.byKey.has("name")) Object.defineProperty(cls, "name", { value: Reflect.get(generated, "name"), configurable: true });
  return cls;
}
