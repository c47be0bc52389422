/**
 * Mapper: how one mapped class relates to its table(s): column properties (with the index of each
 * attribute's value), relationship properties, primary key, version column, validators and event
 * listeners. Built by the declarative base; relationships are resolved by registry.configure().
 */
import { MappingError } from "../../util/errors.js";
import { nextObjectId, type Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import type { FromItem, SelectItemNode } from "../../sql/nodes/from-nodes.js";
import type { Expression } from "../../sql/elements/expression.js";
import { and } from "../../sql/elements/conjunctions.js";
import type { EntityDescriptor } from "../../sql/statements/entity.js";
import type { LoadStrategy, RelationshipDef } from "./relationship-def.js";
import type { Registry } from "./registry.js";
import type { Connection } from "../../engine/connection.js";
import { NO_VALUE, SESSION } from "../session/instance-state.js";

/** A column mapped to an attribute. */
export interface ColumnProperty {
  readonly kind: "column";
  readonly key: string;
  /** Position of the attribute among the mapper's attributes (and in the entity's select list). */
  readonly index: number;
  /** The instance field holding the value (shared with subclasses). */
  readonly slot: symbol;
  readonly column: Column<string, unknown, boolean>;
  /** Joined inheritance: the same attribute's column in the other tables (parent PK ↔ child FK). */
  readonly alsoColumns: readonly Column<string, unknown, boolean>[];
}

/** A read-only attribute loaded from a SQL expression with the entity. */
export interface ExpressionProperty {
  readonly kind: "expression";
  readonly key: string;
  readonly index: number;
  readonly slot: symbol;
  readonly expression: Expression<unknown, any>;
}

export type RelationshipDirection = "manyToOne" | "oneToMany" | "manyToMany";

type Col = Column<string, unknown, boolean>;

/** A relationship; the fields after `def` are filled in by configure(). */
export interface RelationshipProperty {
  readonly kind: "relationship";
  readonly key: string;
  /** The instance field holding the value (undefined while not loaded or set). */
  readonly slot: symbol;
  readonly parent: Mapper;
  readonly def: RelationshipDef;
  target: Mapper;
  direction: RelationshipDirection;
  uselist: boolean;
  /**
   * Column pairs of the foreign key: `[referenced column on the "one" side, referencing column on the
   * "many" side]`. For many-to-one the referencing column is the parent's; for one-to-many the target's.
   */
  pairs: Array<[Col, Col]>;
  backPopulates: RelationshipProperty | undefined;
  viewonly: boolean;
  cascade: ReadonlySet<string>;
  /**
   * Many-to-many: the association table, with `[parent column, association column]` pairs
   * (`secondaryParent`) and `[target column, association column]` pairs (`secondaryTarget`); `pairs`
   * is empty then.
   */
  secondary: Table | undefined;
  secondaryParent: Array<[Col, Col]>;
  secondaryTarget: Array<[Col, Col]>;
  /** Default loading strategy (the `lazy` option; "raise" when not given). */
  lazy: LoadStrategy;
  /** Collection order when loaded (from `orderBy`), target columns. */
  orderBy: Array<{ readonly column: Col; readonly desc: boolean }>;
  /** Extra criteria on the target when loading (from `where`, called with the target class at configure time). */
  where: Expression<boolean, any> | undefined;
  passiveDeletes: boolean | "all";
  innerJoin: boolean;
}

/** Any mapped property. */
export type Property = ColumnProperty | ExpressionProperty | RelationshipProperty;

/** Mapper events. */
export type MapperEvent = "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete" | "load";
/** What a mapper event listener receives besides the object. */
export interface MapperEventContext {
  readonly mapper: Mapper;
  /** The connection the flush writes on (write events only): run extra SQL in the same transaction. */
  readonly connection?: Connection;
}
/** A mapper event listener. Write events may be async; `load` listeners run synchronously. */
export type MapperListener = (target: any, context: MapperEventContext) => void | Promise<void>;
/** Attribute `set` listener: may return a replacement value. */
export type SetListener = (target: any, value: unknown, oldValue: unknown) => unknown;

/** Inheritance settings of a mapper. */
export interface InheritanceInfo {
  /** Attribute holding the discriminator, on the base mapper. */
  readonly polymorphicOn: string | undefined;
  /** This class's discriminator value. */
  readonly identity: string | undefined;
  /** "single": the subclass shares its parent's table; "joined": it has its own. */
  readonly mode: "none" | "single" | "joined";
}

const descriptors = new WeakMap<EntityDescriptor, Mapper>();

function compositeKey(values: readonly unknown[]): string {
  return JSON.stringify(values, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}

/**
 * Generates, for a list of attribute fields, either a function creating instances from rows (a
 * constructor whose prototype is the mapped class's, so instances are of that class without running
 * its constructor), or one giving a constructed object the same fields. Generated code assigns the
 * fields in one fixed order, which gives every instance one hidden class and in-object fields.
 */
function instanceFactory(slots: readonly symbol[], relSlots: readonly symbol[], proto: object | undefined, init: boolean): Function {
  const names = slots.map((_, i) => `k${i}`);
  const rels = relSlots.map((_, i) => `r${i}`);
  // Relationship fields exist from the start (undefined: not loaded), so loading one keeps the object's shape.
  const target = init ? "o" : "this";
  const assign = [
    ...names.map((k, i) => (init ? `o[${k}] = undefined;` : `this[${k}] = ${i} < n ? r[s + ${i}] : NV;`)),
    ...rels.map((k) => `${target}[${k}] = undefined;`),
  ].join("\n");
  const body = init
    ? `return function init(o) { o[SESSION] = undefined;\n${assign}\n};`
    : `function Instance(session, r, s, n) { this[SESSION] = session;\n${assign}\n}
       Instance.prototype = proto;
       return (session, r, s, n) => new Instance(session, r, s, n);`;
  return new Function("SESSION", "NV", "proto", ...names, ...rels, body)(SESSION, NO_VALUE, proto, ...slots, ...relSlots) as Function;
}
/** Bumped whenever any listener is added or removed, invalidating every mapper's listener cache. */
let listenerEpoch = 0;
const byTable = new WeakMap<Table, Mapper>();

/** The mapper whose rows live in `table` (the base of a single-table hierarchy), if any. */
export function mapperForTable(table: Table): Mapper | undefined {
  return byTable.get(table);
}

/** The mapper behind an entity descriptor found in a statement. */
export function mapperOfEntity(d: EntityDescriptor): Mapper {
  const m = descriptors.get(d);
  if (!m) throw new MappingError(`${d.displayName} is not mapped by athanor's ORM`);
  return m;
}

export class Mapper {
  readonly id = nextObjectId();
  /** The concrete mapped class, set when the class is registered with `@mapped`. */
  cls: (abstract new (...args: any[]) => object) | undefined = undefined;
  /** The class name once registered; the table name before. */
  name: string;
  readonly columns: ColumnProperty[] = [];
  readonly expressions: ExpressionProperty[] = [];
  readonly relationships: RelationshipProperty[] = [];
  readonly byKey = new Map<string, Property>();
  readonly validators = new Map<string, (value: unknown, obj: object) => unknown>();
  /** Event listeners registered on this mapper itself (use addListener). */
  readonly listeners = new Map<string, Array<MapperListener | SetListener>>();
  /** Hybrid attributes: the function evaluated on instances (values) and on the class (SQL). */
  readonly hybrids = new Map<string, (self: any) => unknown>();
  readonly subMappers: Mapper[] = [];
  /** Discriminator value → mapper, on the root of a polymorphic hierarchy. */
  readonly polymorphicMap = new Map<string, Mapper>();
  pk: ColumnProperty[] = [];
  version: ColumnProperty | undefined = undefined;
  #descriptor: EntityDescriptor | undefined;
  #slots: symbol[] | undefined;
  #newInstance: ((session: unknown, row: readonly unknown[], start: number, count: number) => object) | undefined;
  #initFields: ((obj: object) => void) | undefined;
  #readValues: ((obj: object) => unknown[]) | undefined;
  #listenerCache = new Map<string, Array<MapperListener | SetListener>>();
  #listenerEpoch = -1;
  #setListenerCache: SetListener[][] = [];
  #items: SelectItemNode[] | undefined;

  constructor(
    readonly registry: Registry,
    /** The class Base.model() generated (the one users extend). */
    readonly generated: abstract new (...args: any[]) => object,
    readonly table: Table,
    readonly parent: Mapper | undefined,
    readonly inheritance: InheritanceInfo,
    /** Tables whose rows make up one object (joined inheritance: base first). */
    readonly tables: readonly Table[],
  ) {
    this.name = table.name;
    if (!byTable.has(table)) byTable.set(table, this);
  }

  /** The base of the inheritance hierarchy (identity maps are kept per root). */
  get root(): Mapper {
    let m: Mapper = this;
    while (m.parent) m = m.parent;
    return m;
  }

  /** Whether this mapper is `other` or inherits from it. */
  /** The attribute stored in column `col` (its own column, or the same attribute's column in another table of the hierarchy). */
  propertyOfColumn(col: Col): ColumnProperty {
    for (const p of this.columns) if (p.column === col || p.alsoColumns.includes(col)) return p;
    // configure() only accepts foreign keys between mapped tables, so callers never miss.
    throw new MappingError(`internal: ${this.name} maps no attribute to column ${col.table.name}.${col.name}`);
  }

  isA(other: Mapper): boolean {
    for (let m: Mapper | undefined = this; m; m = m.parent) if (m === other) return true;
    return false;
  }

  /** The registered concrete class, or a clear error if `@mapped` was forgotten. */
  get mappedClass(): abstract new (...args: any[]) => object {
    if (this.cls) return this.cls;
    throw new MappingError(
      `the model for table ${this.table.name} has no registered class: decorate the class that extends Base.model("${this.table.name}", …) with @mapped (or call mapped(TheClass) after defining it)`,
    );
  }

  property(key: string): Property {
    const p = this.byKey.get(key);
    if (p) return p;
    throw new MappingError(`${this.name} has no attribute '${key}'; its attributes are ${[...this.byKey.keys()].join(", ")}`);
  }

  /**
   * Identity key from a row (the entity's values start at `start`): one primary key gives the value
   * itself; several, a stable string.
   */
  identityKey(values: readonly unknown[], start = 0): unknown {
    const pk = this.pk;
    if (pk.length === 1) return values[start + pk[0]!.index];
    return compositeKey(pk.map((p) => values[start + p.index]));
  }

  /** Identity key of an instance, from its fields. */
  identityKeyOf(obj: object): unknown {
    const pk = this.pk;
    const o = obj as Record<symbol, unknown>;
    if (pk.length === 1) return o[pk[0]!.slot];
    return compositeKey(pk.map((p) => o[p.slot]));
  }

  /** Whether every primary key value of an instance is known. */
  hasIdentityOf(obj: object): boolean {
    const o = obj as Record<symbol, unknown>;
    for (const p of this.pk) {
      const v = o[p.slot];
      if (v === null || v === undefined || typeof v === "symbol") return false;
    }
    return true;
  }

  /** The instance fields of every attribute, by index (columns, then expression properties). */
  get slots(): readonly symbol[] {
    if (!this.#slots) {
      const slots: symbol[] = [];
      for (const p of this.columns) slots[p.index] = p.slot;
      for (const p of this.expressions) slots[p.index] = p.slot;
      this.#slots = slots;
    }
    return this.#slots;
  }

  /**
   * Makes the instance for a row: an object of the mapped class (its constructor is not run) with
   * the row's values from `start`; attributes past `count` are unloaded. Generated once per mapper
   * so every instance gets the same shape, with the values in its own fields.
   */
  get newInstance(): (session: unknown, row: readonly unknown[], start: number, count: number) => object {
    return (this.#newInstance ??= instanceFactory(this.slots, this.relationshipSlots, this.mappedClass.prototype, false) as never);
  }

  /** The fields of this mapper's relationships (its own and inherited ones). */
  get relationshipSlots(): readonly symbol[] {
    return this.relationships.map((r) => r.slot);
  }

  /** Gives a constructed object the fields of an instance (all undefined), in the loaded shape. */
  get initFields(): (obj: object) => void {
    return (this.#initFields ??= instanceFactory(this.slots, this.relationshipSlots, undefined, true) as never);
  }

  /**
   * Every attribute value of an instance, by index. Generated so that each field is read at a site
   * of its own (one field, one hidden class: fast), which a loop over the fields cannot be.
   */
  get readValues(): (obj: object) => unknown[] {
    if (!this.#readValues) {
      const names = this.slots.map((_, i) => `k${i}`);
      this.#readValues = new Function(...names, `return (o) => [${names.map((k) => `o[${k}]`).join(", ")}];`)(...this.slots) as (
        obj: object,
      ) => unknown[];
    }
    return this.#readValues;
  }

  /** The select list that loads one object: its columns, then its expression properties. */
  selectItems(): readonly SelectItemNode[] {
    if (!this.#items) {
      const items: SelectItemNode[] = this.columns.map((p) => ({ expr: p.column.node, key: p.key, type: p.column.type, label: undefined }));
      for (const e of this.expressions) items.push({ expr: e.expression.node, key: e.key, type: e.expression.type, label: undefined });
      this.#items = items;
    }
    return this.#items;
  }

  /** FROM for loading: joined inheritance joins its tables (base first); otherwise undefined (derived from the columns). */
  fromItem(): FromItem | undefined {
    if (this.inheritance.mode !== "joined" || !this.parent) return undefined;
    const left = this.parent.fromItem() ?? this.parent.table;
    const conds = this.pk.map((p) => {
      const own = p.alsoColumns.find((c) => c.table === this.table);
      if (!own) throw new MappingError(`${this.name}: table ${this.table.name} has no column for the primary key attribute ${p.key}`);
      return own.eq(p.column);
    });
    const on = conds.length === 1 ? conds[0]!.node : and(...conds).node;
    return { kind: "Join", type: "INNER", left, right: this.table, on, lateral: false };
  }

  /** Rows of a single-table subclass: the discriminator is one of its (and its subclasses') identities. */
  criteria(): ExprNode | undefined {
    if (this.inheritance.mode !== "single") return undefined;
    const on = this.root.inheritance.polymorphicOn;
    const p = on === undefined ? undefined : this.byKey.get(on);
    if (!p || p.kind !== "column") return undefined;
    const identities: string[] = [];
    const visit = (m: Mapper): void => {
      if (m.inheritance.identity !== undefined) identities.push(m.inheritance.identity);
      m.subMappers.forEach(visit);
    };
    visit(this);
    return (identities.length === 1 ? p.column.eq(identities[0]) : p.column.in(identities)).node;
  }

  /** Forgets the cached descriptor (a subclass was added below this mapper). */
  invalidate(): void {
    this.#descriptor = undefined;
    this.#items = undefined;
  }

  /** What Core statements see of this mapped class. */
  get descriptor(): EntityDescriptor {
    this.registry.configure();
    if (this.#descriptor) return this.#descriptor;
    const d: EntityDescriptor = {
      id: this.id,
      key: this.table.name,
      table: this.table,
      selectItems: () => this.selectItems(),
      from: this.fromItem(),
      criteria: this.criteria(),
      displayName: this.name,
      insertValues: this.#discriminatorValues(),
      dmlRefusal:
        this.inheritance.mode === "joined"
          ? `${this.name} spans tables ${this.tables.map((t) => t.name).join(" and ")}, so one INSERT/UPDATE/DELETE cannot write it; add and change objects through a Session, or write to each table`
          : undefined,
    };
    descriptors.set(d, this);
    return (this.#descriptor = d);
  }

  /** The discriminator value rows of this class carry, keyed by its attribute. */
  #discriminatorValues(): Record<string, unknown> | undefined {
    const on = this.root.inheritance.polymorphicOn;
    const identity = this.inheritance.identity;
    return on === undefined || identity === undefined ? undefined : { [on]: identity };
  }

  /** Listeners for an event, this mapper's and its parents' (events apply to subclasses). Cached until a listener changes. */
  listenersFor(event: string): ReadonlyArray<MapperListener | SetListener> {
    if (this.#listenerEpoch !== listenerEpoch) {
      this.#listenerCache.clear();
      this.#setListenerCache = [];
      this.#listenerEpoch = listenerEpoch;
    }
    let out = this.#listenerCache.get(event);
    if (!out) {
      out = [];
      for (let m: Mapper | undefined = this; m; m = m.parent) {
        const l = m.listeners.get(event);
        if (l) out.push(...l);
      }
      this.#listenerCache.set(event, out);
    }
    return out;
  }

  /** The `set:` listeners of a column attribute (cached per attribute like listenersFor). */
  setListeners(prop: ColumnProperty): readonly SetListener[] {
    if (this.#listenerEpoch !== listenerEpoch) {
      this.#listenerCache.clear();
      this.#setListenerCache = [];
      this.#listenerEpoch = listenerEpoch;
    }
    return (this.#setListenerCache[prop.index] ??= this.listenersFor(`set:${prop.key}`) as SetListener[]);
  }

  /** Adds a listener; returns its remover. */
  addListener(event: string, fn: MapperListener | SetListener): () => void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn);
    this.listeners.set(event, list);
    listenerEpoch++;
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
      listenerEpoch++;
    };
  }

  toString(): string {
    return this.name;
  }
}
