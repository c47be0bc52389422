/**
 * Per-object ORM state: lifecycle status, attribute values, what changed since load, and the owning
 * session. Stored on each mapped instance under a private symbol. Read by attribute accessors,
 * the Session and the unit of work; knows no SQL.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { Session } from "./session.js";

/** Symbol under which every mapped instance keeps its {@link InstanceState}. */
export const STATE: unique symbol = Symbol("athanor.instanceState");

/** Marks an attribute that is not loaded (expired, or deferred). */
export const NO_VALUE: unique symbol = Symbol("athanor.noValue");

/** Lifecycle of a mapped object (SQLAlchemy's object states). */
export type ObjectStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

export class InstanceState {
  status: ObjectStatus;
  session: Session | undefined = undefined;
  /** Identity key once the row exists (single primary key: the value itself). */
  key: unknown = undefined;
  /** Values of the originally loaded (or last flushed) attributes that have been changed since. */
  committed: Map<number, unknown> | undefined = undefined;
  /** Relationship values by key (collections are InstrumentedLists). */
  related: Map<string, unknown> | undefined = undefined;
  /** A collection or reference changed (relationship work at the next flush). */
  relationsChanged = false;
  /** Listed in the session's dirty set. */
  inDirty = false;

  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
    /** Column attribute values, by the mapper's column index. */
    public values: unknown[],
    status: ObjectStatus,
  ) {
    this.status = status;
  }

  /** Whether attribute `index` differs from its committed value (changes since load or flush). */
  isModified(index: number): boolean {
    return this.committed !== undefined && this.committed.has(index);
  }
}

/** Gives an object its state: hidden (not enumerable), so spreading or serialising the object leaves it out. */
export function attachState(obj: object, state: InstanceState): void {
  Object.defineProperty(obj, STATE, { value: state, writable: false, enumerable: false, configurable: false });
}

/** The state of a mapped instance, or undefined for anything else. */
export function stateOf(obj: unknown): InstanceState | undefined {
  return typeof obj === "object" && obj !== null ? (obj as { [STATE]?: InstanceState })[STATE] : undefined;
}
