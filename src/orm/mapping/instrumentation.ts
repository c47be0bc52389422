/**
 * Instrumented attributes: the accessors the declarative base installs on each generated class's
 * prototype, the constructor logic, and collections that tell their owner when they change. Writes
 * go through here so the session learns what changed without scanning its objects.
 */
import { ArgumentError, ObjectStateError, describeValue } from "../../util/errors.js";
import { ValueTypeError, type SqlType } from "../../sql/types/sql-type.js";
import { Expression } from "../../sql/elements/expression.js";
import {
  InstanceState,
  NO_VALUE,
  PROTO_MAPPER,
  putRelated,
  relatedOf,
  SESSION,
  STATE,
  stateOf,
  type Instance,
} from "../session/instance-state.js";
import type { ColumnProperty, ExpressionProperty, Mapper, RelationshipProperty } from "./mapper.js";
import { writeOnlyCollection } from "../loading/write-only-collection.js";

/** Symbol under which a generated class records its mapper. */
export const MAPPER: unique symbol = Symbol("athanor.mapper");

/** The mapper of a mapped class (or of the class an object belongs to), or undefined. */
export function mapperOf(clsOrObj: unknown): Mapper | undefined {
  if (typeof clsOrObj === "function") return (clsOrObj as { [MAPPER]?: Mapper })[MAPPER];
  return stateOf(clsOrObj)?.mapper;
}

/** Equality used for change detection: value equality for dates and buffers, JSON text for objects. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    try {
      return JSON.stringify(a) === JSON.stringify(b);
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * Checks a value for a column type and returns what the attribute stores: the normalised value,
 * except for custom types, whose validate() yields the driver form while objects keep the application form.
 */
export function checkedValue(type: SqlType<unknown>, value: unknown): unknown {
  const checked = type.validate(value);
  return type.kind === "Decorator" ? value : checked;
}

/** Hook the session installs to learn about changes (kept here to avoid importing the session). */
export interface ChangeSink {
  markDirty(state: InstanceState): void;
  cascadeAdd(obj: object, rel: RelationshipProperty): void;
}

function notLoaded(obj: object, key: string): never {
  const mapper = (obj as { [PROTO_MAPPER]: Mapper })[PROTO_MAPPER];
  const where = `${mapper.name}.${key}`;
  if (!(obj as Instance)[SESSION])
    throw new ObjectStateError(`${where} is not loaded and the object is detached from its session; load the object again in a session`);
  throw new ObjectStateError(
    `${where} is not loaded (it was expired); await session.refresh(obj) to reload it, or fetch the object again with a query`,
  );
}

/** Writes a column attribute: validation, validators and listeners, then change tracking. */
export function setColumn(s: InstanceState, prop: ColumnProperty, value: unknown): void {
  const mapper = s.mapper;
  if (value === undefined) throw new ArgumentError(`${mapper.name}.${prop.key} cannot be set to undefined; use null for SQL NULL`);
  if (mapper.validators.size > 0) {
    const validator = mapper.validators.get(prop.key);
    if (validator) value = validator(value, s.obj);
  }
  const obj = s.obj as Instance;
  const old = obj[prop.slot];
  const listeners = mapper.setListeners(prop);
  for (let i = 0; i < listeners.length; i++) {
    const r = listeners[i]!(s.obj, value, old === NO_VALUE ? undefined : old);
    if (r !== undefined) value = r;
  }
  if (value !== null && !(value instanceof Expression)) {
    try {
      value = checkedValue(prop.column.type, value);
    } catch (err) {
      if (err instanceof ValueTypeError) throw new ArgumentError(`${mapper.name}.${prop.key}: ${err.message}`, { cause: err });
      throw err;
    }
  }
  if (s.status === "persistent" || s.status === "detached") {
    if (old !== NO_VALUE && sameValue(old, value)) {
      obj[prop.slot] = value;
      return;
    }
    const committed = (s.committed ??= new Map());
    if (!committed.has(prop.index)) committed.set(prop.index, old);
    obj[prop.slot] = value;
    const session = obj[SESSION];
    if (session) (session as unknown as ChangeSink).markDirty(s);
    return;
  }
  obj[prop.slot] = value;
}

/** Installs the accessor of a column attribute on a generated class's prototype. */
export function defineColumnAccessor(proto: object, prop: ColumnProperty): void {
  const slot = prop.slot;
  Object.defineProperty(proto, prop.key, {
    get(this: Instance) {
      const v = this[slot];
      return v === NO_VALUE ? notLoaded(this, prop.key) : v;
    },
    set(this: Instance, value: unknown) {
      setColumn(stateOf(this)!, prop, value);
    },
    enumerable: true,
    configurable: true,
  });
}

/** Installs the (read-only) accessor of a column property. */
export function defineExpressionAccessor(proto: object, prop: ExpressionProperty): void {
  const slot = prop.slot;
  Object.defineProperty(proto, prop.key, {
    get(this: Instance) {
      const v = this[slot];
      return v === NO_VALUE ? notLoaded(this, prop.key) : v;
    },
    enumerable: true,
    configurable: true,
  });
}

/** A relationship collection: an array that tells its owner when its membership changes. */
export class InstrumentedList<T extends object = object> extends Array<T> {
  /** Arrays made by map/filter/slice are plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  // Bookkeeping lives in private fields, so the list looks like a plain array (keys, equality,
  // printing) and making one costs no property definitions (loads make thousands).
  /** The instance holding the list (its state is made only when the list changes). */
  #owner: object | undefined;
  #rel: RelationshipProperty | undefined;
  #snapshot: T[] | undefined = undefined;
  #replaced = false;

  /** @internal Use newCollection(). */
  constructor(owner?: object, rel?: RelationshipProperty) {
    super();
    this.#owner = owner;
    this.#rel = rel;
  }

  /** @internal The state of the instance holding the list. */
  get owner(): InstanceState | undefined {
    return this.#owner === undefined ? undefined : stateOf(this.#owner);
  }
  /** @internal */
  get rel(): RelationshipProperty | undefined {
    return this.#rel;
  }
  /** @internal Members at load or last flush; taken on the first change. */
  get snapshot(): T[] | undefined {
    return this.#snapshot;
  }
  set snapshot(v: T[] | undefined) {
    this.#snapshot = v;
  }
  /**
   * @internal Assigned over a collection that was never loaded, so its old members are unknown: the
   * flush reads them (one-to-many) or deletes every association row of the owner (many-to-many).
   */
  get replaced(): boolean {
    return this.#replaced;
  }
  set replaced(v: boolean) {
    this.#replaced = v;
  }

  #changing(): void {
    const s = this.owner;
    if (!s) return;
    this.#snapshot ??= [...this];
    s.relationsChanged = true;
    if (s.session) (s.session as unknown as ChangeSink).markDirty(s);
  }
  #added(items: readonly T[]): void {
    const s = this.owner;
    const rel = this.#rel;
    if (!s || !rel) return;
    for (const item of items) {
      if (!stateOf(item))
        throw new ArgumentError(`${s.mapper.name}.${rel.key} holds ${rel.def.target} objects, got ${describeValue(item)}`);
      const back = rel.backPopulates;
      if (back && !back.uselist) setRelated(stateOf(item)!, back, s.obj, true);
      else if (back) joinBackCollection(stateOf(item)!, back, s.obj);
      if (s.session) (s.session as unknown as ChangeSink).cascadeAdd(item, rel);
    }
  }
  #removed(items: readonly T[]): void {
    const rel = this.#rel;
    const owner = this.owner;
    if (!rel || !owner) return;
    for (const item of items) detachBack(rel, item, owner);
  }
  /** @internal Adds without echoing to the other side (the other side is adding). */
  _syncAdd(item: T): void {
    this.#changing();
    super.push(item);
  }
  /** @internal Removes without echoing to the other side (the other side is removing). */
  _syncRemove(item: T): void {
    const i = this.indexOf(item);
    if (i < 0) return;
    this.#changing();
    super.splice(i, 1);
  }

  override push(...items: T[]): number {
    this.#changing();
    const n = super.push(...items);
    this.#added(items);
    return n;
  }
  override unshift(...items: T[]): number {
    this.#changing();
    const n = super.unshift(...items);
    this.#added(items);
    return n;
  }
  override pop(): T | undefined {
    this.#changing();
    const item = super.pop();
    if (item) this.#removed([item]);
    return item;
  }
  override shift(): T | undefined {
    this.#changing();
    const item = super.shift();
    if (item) this.#removed([item]);
    return item;
  }
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    this.#changing();
    const removed = deleteCount === undefined ? super.splice(start) : super.splice(start, deleteCount, ...items);
    this.#removed(removed);
    this.#added(items);
    return removed;
  }
  /** Removes `item` if present; returns whether it was. */
  remove(item: T): boolean {
    const i = this.indexOf(item);
    if (i < 0) return false;
    this.splice(i, 1);
    return true;
  }
  /** @internal Replaces the contents without change tracking (loading). */
  _load(items: readonly T[]): void {
    super.splice(0, this.length, ...items);
    this.#snapshot = undefined;
    this.#replaced = false;
  }
}

/**
 * One-to-one parents whose child was replaced before it was ever loaded: the flush reads the old
 * child from the database to detach it (or delete it as an orphan).
 */
export const replacedUnloaded = new WeakMap<InstanceState, Set<RelationshipProperty>>();

/** A new, tracked collection for `rel` on the instance `owner`. */
export function newCollection(owner: object, rel: RelationshipProperty, items: readonly object[] = []): InstrumentedList {
  const list = new InstrumentedList(owner, rel);
  if (items.length) Array.prototype.push.apply(list, items as object[]);
  return list;
}

/**
 * Sets a relationship value. `fromBackref` marks writes made to keep the other side in sync, which
 * must not echo back.
 */
export function setRelated(s: InstanceState, rel: RelationshipProperty, value: unknown, fromBackref = false): void {
  const obj = s.obj;
  if (rel.uselist) {
    if (!Array.isArray(value))
      throw new ArgumentError(`${s.mapper.name}.${rel.key} is a collection; assign an array of ${rel.def.target} objects`);
    const old = relatedOf(obj, rel) as InstrumentedList | undefined;
    const list = newCollection(obj, rel);
    list.snapshot = old ? (old.snapshot ?? [...old]) : [];
    list.replaced = old
      ? old.replaced
      : rel.direction !== "manyToOne" && !rel.viewonly && (s.status === "persistent" || s.status === "detached");
    putRelated(obj, rel, list);
    if (old && !fromBackref) for (const item of old) if (!value.includes(item)) detachBack(rel, item, s);
    list.push(...(value as object[]));
    return;
  }
  if (value !== null && !stateOf(value))
    throw new ArgumentError(`${s.mapper.name}.${rel.key} takes a ${rel.def.target} object or null, got ${describeValue(value)}`);
  const old = relatedOf(obj, rel);
  if (old === value) return;
  if (old === undefined && rel.direction === "oneToMany" && !rel.viewonly && (s.status === "persistent" || s.status === "detached")) {
    const set = replacedUnloaded.get(s);
    if (set) set.add(rel);
    else replacedUnloaded.set(s, new Set([rel]));
  }
  putRelated(obj, rel, value);
  s.relationsChanged = true;
  const session = s.session as unknown as ChangeSink | undefined;
  if (session) session.markDirty(s);
  if (fromBackref) return;
  const back = rel.backPopulates;
  if (back?.uselist) {
    // Keep loaded collections on the other side in sync: leave the old parent's, join the new one's.
    if (old) {
      const list = relatedOf(old as object, back) as InstrumentedList | undefined;
      if (list?.includes(s.obj)) list.remove(s.obj);
    }
    if (value) {
      const vs = stateOf(value)!;
      const list = relatedOf(vs.obj, back) as InstrumentedList | undefined;
      if (list && !list.includes(s.obj)) list.push(s.obj);
      else if (!list && (vs.status === "transient" || vs.status === "pending")) {
        putRelated(vs.obj, back, newCollection(vs.obj, back, [s.obj]));
        // As list.push() above would: the pending parent's session takes the child along.
        if (vs.session) (vs.session as unknown as ChangeSink).cascadeAdd(s.obj, back);
      }
    }
  } else if (back) {
    // A scalar on both sides (one-to-one): the objects left behind let go of each other.
    const os = old ? stateOf(old) : undefined;
    if (os && relatedOf(os.obj, back) === s.obj) setRelated(os, back, null, true);
    if (value) {
      const vs = stateOf(value)!;
      const prev = relatedOf(vs.obj, back);
      const ps = prev && prev !== s.obj ? stateOf(prev) : undefined;
      if (ps && relatedOf(ps.obj, rel) === value) setRelated(ps, rel, null, true);
      setRelated(vs, back, s.obj, true);
    }
  }
  if (value && session) session.cascadeAdd(value as object, rel);
}

/** Many-to-many: `owner` joins `item`'s collection on the other side, when that is loaded (or new). */
function joinBackCollection(item: InstanceState, back: RelationshipProperty, owner: object): void {
  const list = relatedOf(item.obj, back) as InstrumentedList | undefined;
  if (list) {
    if (!list.includes(owner)) list._syncAdd(owner);
  } else if (item.status === "transient" || item.status === "pending") {
    // A new object's collection is known to hold exactly what is added to it.
    putRelated(item.obj, back, newCollection(item.obj, back, [owner]));
    if (item.session) (item.session as unknown as ChangeSink).cascadeAdd(owner, back);
  }
}

/** `item` left `owner`'s collection of `rel`: the other side forgets `owner` too. */
function detachBack(rel: RelationshipProperty, item: object, owner: InstanceState): void {
  const back = rel.backPopulates;
  const cs = stateOf(item);
  if (!back || !cs) return;
  if (!back.uselist) {
    if (relatedOf(cs.obj, back) === owner.obj) setRelated(cs, back, null, true);
  } else (relatedOf(cs.obj, back) as InstrumentedList | undefined)?._syncRemove(owner.obj);
}

/** Installs the accessor of a relationship attribute. */
export function defineRelationshipAccessor(proto: object, rel: RelationshipProperty): void {
  const slot = rel.slot;
  Object.defineProperty(proto, rel.key, {
    get(this: Instance) {
      const v = this[slot];
      if (v !== undefined) return v;
      const s = stateOf(this)!;
      if (rel.lazy === "writeOnly") return writeOnlyCollection(s, rel);
      if (s.status === "transient" || s.status === "pending") {
        const initial = rel.uselist ? newCollection(this, rel) : null;
        putRelated(this, rel, initial);
        return initial;
      }
      throw new ObjectStateError(
        `${s.mapper.name}.${rel.key} is not loaded (relationships never load on access); load it with the query, e.g. select(${s.mapper.name}).options(selectinload(${s.mapper.name}.${rel.key})), or explicitly with await session.load(obj, "${rel.key}")`,
      );
    },
    set(this: Instance, value: unknown) {
      if (rel.lazy === "writeOnly")
        throw new ArgumentError(`${rel.parent.name}.${rel.key} is a write-only collection; change it with .add(obj) / .remove(obj)`);
      setRelated(stateOf(this)!, rel, value);
    },
    enumerable: true,
    configurable: true,
  });
}

/** Runs when a mapped class is constructed: transient state, defaults, then the given attributes. */
export function initInstance(obj: object, newTarget: Function, init: Record<string, unknown> | undefined): void {
  const mapper = (newTarget as { [MAPPER]?: Mapper })[MAPPER];
  if (!mapper) throw new ObjectStateError(`${newTarget.name} is not a mapped class`);
  mapper.registry.configure();
  if (mapper.cls !== newTarget)
    throw new ObjectStateError(
      mapper.cls
        ? `${newTarget.name} extends the mapped class ${mapper.name} but is not mapped itself; map subclasses with Base.subclass(${mapper.name}, …) and @mapped`
        : `${newTarget.name} is not registered: decorate it with @mapped`,
    );
  const o = obj as Instance;
  mapper.initFields(obj);
  o[STATE] = new InstanceState(mapper, obj, "transient");
  for (const p of mapper.columns) {
    const d = p.column.spec.default;
    if (d !== undefined && !(d instanceof Expression) && (init === undefined || init[p.key] === undefined))
      o[p.slot] = typeof d === "function" ? (d as () => unknown)() : d;
  }
  if (mapper.inheritance.identity !== undefined) {
    const on = mapper.root.inheritance.polymorphicOn;
    const p = on === undefined ? undefined : mapper.byKey.get(on);
    if (p?.kind === "column") o[p.slot] = mapper.inheritance.identity;
  }
  if (init === undefined) return;
  if (typeof init !== "object" || init === null)
    throw new ArgumentError(`new ${mapper.name}() takes an object of attributes, got ${describeValue(init)}`);
  for (const key in init) {
    const v = init[key];
    if (v === undefined) continue;
    const p = mapper.byKey.get(key);
    if (!p) throw new ArgumentError(`${mapper.name} has no attribute '${key}'; its attributes are ${[...mapper.byKey.keys()].join(", ")}`);
    if (p.kind === "expression") throw new ArgumentError(`${mapper.name}.${key} is computed by the database and cannot be set`);
    (obj as Record<string, unknown>)[key] = v;
  }
}

/** The loaded column and expression attributes of an object, as a plain object. */
export function attributeValues(obj: object): Record<string, unknown> {
  const mapper = (obj as { [PROTO_MAPPER]: Mapper })[PROTO_MAPPER];
  const o = obj as Instance;
  const out: Record<string, unknown> = {};
  for (const p of mapper.columns) {
    const v = o[p.slot];
    if (v !== NO_VALUE && v !== undefined) out[p.key] = v;
  }
  for (const p of mapper.expressions) {
    const v = o[p.slot];
    if (v !== NO_VALUE && v !== undefined) out[p.key] = v;
  }
  return out;
}

/** Installs toJSON() and a console representation (`User { id: 1, email: '…' }`) on a generated root class. */
export function defineObjectProtocol(proto: object): void {
  Object.defineProperty(proto, "toJSON", {
    value(this: object) {
      return attributeValues(this);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, Symbol.for("nodejs.util.inspect.custom"), {
    value(this: { [PROTO_MAPPER]: Mapper }, _depth: number, options: object, inspect: (v: unknown, o: object) => string) {
      return `${this[PROTO_MAPPER].name} ${inspect(attributeValues(this), options)}`;
    },
    writable: true,
    configurable: true,
  });
}
