/**
 * Inheritance and abstract bases for the declarative base. `Base.subclass(Parent, …)` maps a
 * subclass in its parent's table (single-table) or in its own table joined by primary key
 * (joined-table); `Base.abstract(…)` makes an unmapped base whose attributes, options and methods
 * every model built from it (`Entity.model(…)`) shares. Called by declarative-base.ts.
 */
import { ArgumentError, MappingError, describeValue } from "../../util/errors.js";
import { column, ColumnDef } from "../../sql/schema/column.js";
import { foreignKey } from "../../sql/schema/foreign-key.js";
import type { Expression } from "../../sql/elements/expression.js";
import type { ENTITY, EntityDescriptor } from "../../sql/statements/entity.js";
import type { TableItem } from "../../sql/schema/table.js";
import { MAPPER, defineObjectProtocol, initInstance } from "./instrumentation.js";
import type { Mapper } from "./mapper.js";
import type { HybridBuilder } from "./hybrid.js";
import type {
  AttrDefs,
  DmlColumns,
  ClassColumns,
  ClassRelationships,
  HybridExpressions,
  HybridValues,
  InitArgs,
  InstanceAttrs,
} from "./model-types.js";
import type { ModelOptions } from "./declarative-base.js";

/** What the declarative base offers this module. */
export interface ModelBuilder {
  buildModel(
    tableName: string,
    attrs: AttrDefs,
    options: ModelOptions<any>,
    inherit: { parent: Mapper; parentClass: abstract new (...args: any[]) => object; mode: "single" | "joined" } | undefined,
    abstractBase?: abstract new (...args: any[]) => object,
  ): Function;
}

/** Options of `Base.subclass()`. */
export interface SubclassOptions<A> {
  /** This class's value of the base's polymorphicOn attribute (required). */
  polymorphicIdentity: string;
  /** Joined-table only: constraints and indexes of the subclass table. */
  tableArgs?: (c: ClassColumns<A>) => readonly TableItem[];
  /** Joined-table only. */
  schema?: string;
  /** Joined-table only. */
  comment?: string;
  validates?: { readonly [K in keyof A]?: (value: InstanceAttrs<A>[K], obj: any) => InstanceAttrs<A>[K] };
  hybrids?: HybridBuilder<A>;
  columnProperties?: (c: ClassColumns<A>) => Record<string, Expression<any, any>>;
}

/** A mapped class, as a parent of subclass(). */
export interface MappedParent {
  readonly __attrs: AttrDefs;
  readonly __discriminator: PropertyKey;
  readonly __version: PropertyKey;
  readonly __entityKey: string;
  readonly prototype: object;
}

type DiscriminatorOf<O> = O extends { polymorphicOn: infer K extends string } ? K : never;
type VersionOf<O> = O extends { versionColumn: infer K extends string } ? K : never;
type HybridsOf<O> = O extends { hybrids: (...args: any[]) => infer H } ? H : {};
type ExpressionsOf<O> = O extends { columnProperties: (...args: any[]) => infer E }
  ? { readonly [K in keyof E]: E[K] extends Expression<infer V, any> ? V : never }
  : {};

/** What `Base.subclass()` returns: a class to extend, with the parent's attributes and its own. */
export type SubclassBase<P extends MappedParent, TKey extends string, A extends AttrDefs, O> = (abstract new (
  init: InitArgs<P["__attrs"] & A, P["__discriminator"] | P["__version"]>,
) => P["prototype"] & InstanceAttrs<A> & HybridValues<HybridsOf<O>> & ExpressionsOf<O>) &
  Omit<P, "prototype" | "__attrs" | "__columns" | "__entityKey" | "__discriminator" | "__version"> &
  ClassColumns<A> &
  ClassRelationships<A> &
  HybridExpressions<HybridsOf<O>> & {
    readonly __attrs: P["__attrs"] & A;
    readonly __columns: DmlColumns<P["__attrs"] & A, P["__discriminator"]>;
    readonly __entityKey: TKey;
    readonly __discriminator: P["__discriminator"];
    readonly __version: P["__version"];
  };

const SUBCLASS_OPTIONS = new Set(["polymorphicIdentity", "tableArgs", "schema", "comment", "validates", "hybrids", "columnProperties"]);
const JOINED_ONLY = ["tableArgs", "schema", "comment"];

function parentMapper(parent: unknown, where: string): Mapper {
  const mapper = typeof parent === "function" ? (parent as { [MAPPER]?: Mapper })[MAPPER] : undefined;
  if (!mapper || mapper.cls !== parent)
    throw new MappingError(
      `${where}: the parent must be a mapped class (decorated with @mapped) defined before the subclass, got ${describeValue(parent)}`,
    );
  return mapper;
}

/**
 * Maps a subclass. With a table name it is joined-table inheritance (primary key columns that the
 * attributes leave out are added, referencing the parent's key with ON DELETE CASCADE); without, the
 * subclass's columns join the parent's table.
 */
export function defineSubclass(
  builder: ModelBuilder,
  parent: unknown,
  tableOrAttrs: unknown,
  attrsOrOptions: unknown,
  maybeOptions: unknown,
): Function {
  const joined = typeof tableOrAttrs === "string";
  const where = joined ? `subclass ${tableOrAttrs as string}` : "subclass";
  const mapper = parentMapper(parent, where);
  const attrs = (joined ? attrsOrOptions : tableOrAttrs) as AttrDefs;
  const options = (joined ? maybeOptions : attrsOrOptions) as SubclassOptions<any> | undefined;
  if (typeof attrs !== "object" || attrs === null) throw new ArgumentError(`${where} of ${mapper.name}: attributes must be an object`);
  if (typeof options !== "object" || options === null || typeof options.polymorphicIdentity !== "string")
    throw new MappingError(
      `${where} of ${mapper.name}: options must give polymorphicIdentity, the ${mapper.root.inheritance.polymorphicOn ?? "discriminator"} value of its rows`,
    );
  if ("polymorphicOn" in options)
    throw new MappingError(
      `${where} of ${mapper.name}: polymorphicOn belongs on the base of the hierarchy (${mapper.root.name}), not on a subclass`,
    );
  for (const k of Object.keys(options)) {
    if (!SUBCLASS_OPTIONS.has(k))
      throw new ArgumentError(`${where} of ${mapper.name}: unknown option '${k}'; known options are ${[...SUBCLASS_OPTIONS].join(", ")}`);
    if (!joined && JOINED_ONLY.includes(k))
      throw new ArgumentError(
        `${where} of ${mapper.name}: '${k}' applies to joined-table subclasses (give a table name); a single-table subclass shares ${mapper.table.name}`,
      );
  }
  let own = attrs;
  if (joined) {
    // The subclass table's key references the parent row, so deleting the parent row removes it.
    own = { ...attrs };
    for (const p of mapper.pk) {
      if (p.key in own) continue;
      // The key references the parent's own table (the base's for a first-level subclass).
      const target = p.alsoColumns.find((c) => c.table === mapper.table) ?? p.column;
      own[p.key] = column(target.type as never, {
        primaryKey: true,
        name: target.name,
        foreignKey: foreignKey(() => target, { onDelete: "CASCADE" }),
      }) as ColumnDef;
    }
  }
  const tableName = joined ? (tableOrAttrs as string) : `${mapper.table.name} (${options.polymorphicIdentity})`;
  return builder.buildModel(tableName, own, options as ModelOptions<any>, {
    parent: mapper,
    parentClass: parent as abstract new () => object,
    mode: joined ? "joined" : "single",
  });
}

/** Options an abstract base shares with every model built from it. */
export interface AbstractOptions<A> {
  tableArgs?: (c: ClassColumns<A>) => readonly TableItem[];
  versionColumn?: keyof A & string;
  validates?: { readonly [K in keyof A]?: (value: InstanceAttrs<A>[K], obj: any) => InstanceAttrs<A>[K] };
}

/** Instances of an abstract base: its attributes (subclasses add methods). */
export type AbstractBase<A extends AttrDefs> = (abstract new (init: InitArgs<A>) => InstanceAttrs<A>) & {
  /** Phantom: the shared attributes. */
  readonly __abstractAttrs: A;
  /**
   * Defines a model with this base's attributes, options and methods plus its own.
   * @example
   * export class Entity extends Base.abstract({ id: column(Integer, { primaryKey: true }), ...timestamps() }) {}
   * @mapped export class Tag extends Entity.model("tags", { name: column(String(50)) }) {}
   */
  model<C extends abstract new (...args: any) => any, const TName extends string, B extends AttrDefs>(
    this: C & { readonly __abstractAttrs: A },
    table: TName,
    attrs: B,
  ): AbstractModelBase<C, TName, A, B, {}>;
  model<C extends abstract new (...args: any) => any, const TName extends string, B extends AttrDefs, const O extends ModelOptions<A & B>>(
    this: C & { readonly __abstractAttrs: A },
    table: TName,
    attrs: B,
    options: O,
  ): AbstractModelBase<C, TName, A, B, O>;
};

/** What `Entity.model()` returns. */
export type AbstractModelBase<
  C extends abstract new (...args: any) => any,
  TName extends string,
  A extends AttrDefs,
  B extends AttrDefs,
  O,
> = (abstract new (
  init: InitArgs<A & B, DiscriminatorOf<O> | VersionOf<O>>,
) => InstanceType<C> & InstanceAttrs<B> & HybridValues<HybridsOf<O>> & ExpressionsOf<O>) &
  ClassColumns<A & B> &
  ClassRelationships<A & B> &
  HybridExpressions<HybridsOf<O>> & {
    readonly __entityKey: TName;
    readonly __columns: DmlColumns<A & B, DiscriminatorOf<O>>;
    readonly __attrs: A & B;
    readonly __discriminator: DiscriminatorOf<O>;
    readonly __version: VersionOf<O>;
    readonly [ENTITY]: EntityDescriptor;
  };

function combine<T>(
  a: ((c: any) => readonly T[]) | undefined,
  b: ((c: any) => readonly T[]) | undefined,
): ((c: any) => readonly T[]) | undefined {
  if (!a || !b) return a ?? b;
  return (c) => [...a(c), ...b(c)];
}

/** Creates an abstract base: not mapped, no table; its static model() builds mapped models that extend it. */
export function defineAbstract(builder: ModelBuilder, attrs: AttrDefs, shared: AbstractOptions<any> = {}): Function {
  if (typeof attrs !== "object" || attrs === null)
    throw new ArgumentError(`Base.abstract() takes an object of column() and relationship() definitions, got ${describeValue(attrs)}`);
  for (const k of Object.keys(shared))
    if (!["tableArgs", "versionColumn", "validates"].includes(k))
      throw new ArgumentError(`Base.abstract(): unknown option '${k}'; known options are tableArgs, versionColumn, validates`);
  class Abstract {
    constructor(init?: Record<string, unknown>) {
      initInstance(this, new.target, init);
    }
    static model(this: abstract new (...args: any[]) => object, table: string, own: AttrDefs, options: ModelOptions<any> = {}): Function {
      for (const k of Object.keys(own))
        if (k in attrs) throw new MappingError(`model ${table}: attribute '${k}' is already defined by its abstract base; rename it`);
      const merged: ModelOptions<any> = {
        ...options,
        tableArgs: combine(shared.tableArgs, options.tableArgs),
        versionColumn: options.versionColumn ?? shared.versionColumn,
        validates: shared.validates || options.validates ? { ...shared.validates, ...options.validates } : undefined,
      };
      for (const k of ["tableArgs", "versionColumn", "validates"] as const) if (merged[k] === undefined) delete merged[k];
      return builder.buildModel(table, { ...attrs, ...own }, merged, undefined, this);
    }
  }
  Object.defineProperty(Abstract, "name", { value: "AbstractModel", configurable: true });
  defineObjectProtocol(Abstract.prototype);
  return Abstract;
}
