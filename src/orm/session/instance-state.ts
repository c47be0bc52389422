/**
 * Per-object ORM state. A mapped instance keeps its attribute values and relationship values in its
 * own (symbol-keyed) fields and its session under SESSION, so a loaded, unchanged row costs one
 * object, and loading its relationships costs field writes. Anything more (lifecycle other than
 * persistent, changes since load) lives in an InstanceState made on first need and kept under STATE. Read by attribute accessors, the Session and the unit of
 * work; knows no SQL.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { Session } from "./session.js";

/** Symbol under which a mapped instance keeps its {@link InstanceState}, once it has one. */
export const STATE: unique symbol = Symbol("athanor.instanceState");

/** Symbol under which a mapped instance keeps its session. */
export const SESSION: unique symbol = Symbol("athanor.session");

/** Symbol under which a mapped class's prototype names its mapper. */
export const PROTO_MAPPER: unique symbol = Symbol("athanor.protoMapper");

/** Marks an attribute that is not loaded (expired, or deferred). */
export const NO_VALUE: unique symbol = Symbol("athanor.noValue");

/** Lifecycle of a mapped object (SQLAlchemy's object states). */
export type ObjectStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

/**
 * The fields of a mapped instance: its session and attribute values (one field each, in a fixed
 * order); STATE is added when the object first needs an InstanceState.
 */
export interface Instance {
  [SESSION]: Session | undefined;
  [STATE]?: InstanceState;
  [slot: symbol]: unknown;
}

export class InstanceState {
  /** Identity key once the row exists (single primary key: the value itself). */
  key: unknown = undefined;
  /** Values of the originally loaded (or last flushed) attributes that have been changed since. */
  committed: Map<number, unknown> | undefined = undefined;
  /** A collection or reference changed (relationship work at the next flush). */
  relationsChanged = false;
  /** Position in the session's list of new objects, -1 when not listed (maintained by StateList only). */
  newAt = -1;
  /** Position in the session's list of changed objects, -1 when not listed (maintained by StateList only). */
  dirtyAt = -1;

  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
    public status: ObjectStatus,
  ) {}

  get session(): Session | undefined {
    return (this.obj as Instance)[SESSION];
  }
  set session(s: Session | undefined) {
    (this.obj as Instance)[SESSION] = s;
  }

  /** The value of attribute `index` (NO_VALUE when unloaded, undefined when never set). */
  get(index: number): unknown {
    return (this.obj as Instance)[this.mapper.slots[index]!];
  }

  set(index: number, value: unknown): void {
    (this.obj as Instance)[this.mapper.slots[index]!] = value;
  }

  /** Every attribute value, by index (a copy). */
  values(): unknown[] {
    const obj = this.obj as Instance;
    return this.mapper.slots.map((k) => obj[k]);
  }

  /** Whether attribute `index` differs from its committed value (changes since load or flush). */
  isModified(index: number): boolean {
    return this.committed !== undefined && this.committed.has(index);
  }
}

/**
 * The state of a mapped instance (made now if the object had none: a loaded, unchanged row), or
 * undefined for anything else. Copies of an instance (`{ ...obj }`) are not instances.
 */
export function stateOf(obj: unknown): InstanceState | undefined {
  if (typeof obj !== "object" || obj === null) return undefined;
  const s = (obj as Partial<Instance>)[STATE];
  if (s !== undefined) return s.obj === obj ? s : undefined;
  const mapper = (obj as { [PROTO_MAPPER]?: Mapper })[PROTO_MAPPER];
  if (mapper === undefined || !Object.prototype.hasOwnProperty.call(obj, SESSION)) return undefined;
  const state = new InstanceState(mapper, obj, (obj as Instance)[SESSION] ? "persistent" : "detached");
  state.key = mapper.identityKeyOf(obj);
  (obj as Instance)[STATE] = state;
  return state;
}

/** Where a relationship keeps its value on an instance (RelationshipProperty has one). */
export interface RelationshipSlot {
  readonly slot: symbol;
}

/** A relationship's value on an instance (a collection, an object or null), or undefined while it is neither loaded nor set. */
export function relatedOf(obj: object, rel: RelationshipSlot): unknown {
  return (obj as Instance)[rel.slot];
}

/** Whether a relationship's value is loaded or set on an instance. */
export function hasRelated(obj: object, rel: RelationshipSlot): boolean {
  return (obj as Instance)[rel.slot] !== undefined;
}

/** Stores a relationship's value on an instance (no change tracking: see setRelated for that). */
export function putRelated(obj: object, rel: RelationshipSlot, value: unknown): void {
  (obj as Instance)[rel.slot] = value;
}

/** Forgets a relationship's value (it is unloaded again). */
export function unsetRelated(obj: object, rel: RelationshipSlot): void {
  (obj as Instance)[rel.slot] = undefined;
}

/** Whether any relationship of the object is loaded or set. */
export function holdsRelated(s: InstanceState): boolean {
  return s.mapper.relationships.some((rel) => hasRelated(s.obj, rel));
}

/** The lifecycle status of a mapped instance, without making its state. */
export function statusOf(obj: object): ObjectStatus {
  const s = (obj as Partial<Instance>)[STATE];
  return s !== undefined ? s.status : (obj as Partial<Instance>)[SESSION] ? "persistent" : "detached";
}

/** The mapper of a mapped instance (from its class). */
export function mapperOfInstance(obj: object): Mapper {
  return (obj as { [PROTO_MAPPER]: Mapper })[PROTO_MAPPER];
}

/** The session of a mapped instance, without making its state. */
export function sessionOf(obj: object): Session | undefined {
  return (obj as Partial<Instance>)[SESSION];
}
