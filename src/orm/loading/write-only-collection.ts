/**
 * Write-only collections (`lazy: "writeOnly"`): the attribute is a handle that never loads its
 * members. It builds the SELECT for them (to filter, order, page and run with session.scalars),
 * counts them, and queues additions and removals that the next flush applies
 * (persistence/write-only.ts). Returned by the relationship accessor (mapping/instrumentation.ts).
 */
import { ArgumentError, ObjectStateError, describeValue } from "../../util/errors.js";
import { and } from "../../sql/elements/conjunctions.js";
import type { Expression } from "../../sql/elements/expression.js";
import { func } from "../../sql/elements/functions.js";
import { select, type Select } from "../../sql/statements/select.js";
import type { RelationshipProperty } from "../mapping/mapper.js";
import { NO_VALUE, stateOf, type Instance, type InstanceState } from "../session/instance-state.js";

/** Additions and removals not flushed yet, per owner and relationship. */
export interface PendingWrites {
  readonly added: Set<object>;
  readonly removed: Set<object>;
}

const pending = new WeakMap<InstanceState, Map<RelationshipProperty, PendingWrites>>();
const handles = new WeakMap<InstanceState, Map<RelationshipProperty, WriteOnlyCollection<object>>>();

/** The queued changes of an owner's write-only collections (read and cleared by the flush). */
export function pendingWrites(owner: InstanceState): Map<RelationshipProperty, PendingWrites> | undefined {
  return pending.get(owner);
}

/** Forgets the queued changes of an owner (after they were flushed). */
export function clearPendingWrites(owner: InstanceState): void {
  pending.delete(owner);
}

/** Session hooks the collection needs (kept as an interface so this module does not import the Session). */
interface SessionLike {
  markDirty(state: InstanceState): void;
  add(obj: object): void;
  scalar(stmt: Select<unknown, unknown>): Promise<unknown>;
}

/**
 * A collection that is queried, never loaded.
 * @example
 * const recent = await session.scalars(user.posts.select().orderBy(Post.id.desc()).limit(10));
 * user.posts.add(new Post({ title: "hello" }));
 * await session.flush();
 */
export class WriteOnlyCollection<T extends object> {
  readonly #owner: InstanceState;
  readonly #rel: RelationshipProperty;

  constructor(owner: InstanceState, rel: RelationshipProperty) {
    this.#owner = owner;
    this.#rel = rel;
  }

  #where(): string {
    return `${this.#owner.mapper.name}.${this.#rel.key}`;
  }

  /** `WHERE` linking the target rows to the owner: the owner's key values against the child's foreign key. */
  #condition(): Expression<boolean, any> {
    const rel = this.#rel;
    const o = this.#owner.obj as Instance;
    const valueOf = (col: RelationshipProperty["pairs"][number][0]): unknown => {
      const v = o[rel.parent.propertyOfColumn(col).slot];
      if (v === undefined || v === NO_VALUE || v === null)
        throw new ObjectStateError(
          `${this.#where()}: the ${rel.parent.name} has no key yet; flush the session before querying its collection`,
        );
      return v;
    };
    const conds =
      rel.direction === "manyToMany"
        ? rel.secondaryParent.map(([p, a]) => a.eq(valueOf(p)))
        : rel.pairs.map(([one, many]) => many.eq(valueOf(one)));
    return conds.length === 1 ? conds[0]! : and(...conds);
  }

  /**
   * `select(Target)` restricted to this owner's members (with the relationship's order); add
   * where/orderBy/limit/offset and run it with session.scalars().
   */
  select(): Select<{ [k: string]: T }, T> {
    const rel = this.#rel;
    let stmt = select(rel.target.mappedClass as never) as unknown as Select<{ [k: string]: T }, T>;
    if (rel.direction === "manyToMany") {
      const on = rel.secondaryTarget.map(([t, a]) => t.eq(a));
      stmt = stmt.join(rel.secondary!, on.length === 1 ? on[0]! : and(...on));
    }
    return stmt.where(this.#condition());
  }

  /** The number of members in the database (changes not flushed yet are flushed first by the query). */
  async count(): Promise<number> {
    const session = this.#owner.session as unknown as SessionLike | undefined;
    if (!session) throw new ObjectStateError(`${this.#where()}.count(): the ${this.#owner.mapper.name} is not in a session`);
    const rel = this.#rel;
    let stmt = select(func.count()).from(rel.direction === "manyToMany" ? rel.secondary! : rel.target.table) as Select<unknown, unknown>;
    stmt = stmt.where(this.#condition());
    return Number(await session.scalar(stmt));
  }

  #queue(): PendingWrites {
    let byRel = pending.get(this.#owner);
    if (!byRel) pending.set(this.#owner, (byRel = new Map()));
    let w = byRel.get(this.#rel);
    if (!w) byRel.set(this.#rel, (w = { added: new Set(), removed: new Set() }));
    return w;
  }

  #check(obj: unknown, what: string): object {
    if (this.#rel.viewonly)
      throw new ArgumentError(
        `${this.#where()} is viewonly and never writes; ${what} the object through the relationship that owns the foreign key instead`,
      );
    const s = stateOf(obj);
    if (!s || !s.mapper.isA(this.#rel.target))
      throw new ArgumentError(`${this.#where()}.${what}() takes a ${this.#rel.target.name} object, got ${describeValue(obj)}`);
    return obj as object;
  }

  #changed(): void {
    const s = this.#owner;
    s.relationsChanged = true;
    const session = s.session as unknown as SessionLike | undefined;
    session?.markDirty(s);
  }

  /** Queues `obj` to join the collection at the next flush (sets its foreign key, or inserts the association row). */
  add(obj: T): void {
    const o = this.#check(obj, "add");
    const w = this.#queue();
    w.removed.delete(o);
    w.added.add(o);
    this.#changed();
    const session = this.#owner.session as unknown as SessionLike | undefined;
    if (session && stateOf(o)!.session !== (session as unknown)) session.add(o);
  }

  /** Queues several objects to join the collection. */
  addAll(objs: Iterable<T>): void {
    for (const o of objs) this.add(o);
  }

  /**
   * Queues `obj` to leave the collection at the next flush: clears its foreign key (deletes it instead
   * under a delete-orphan cascade), or deletes the association row.
   */
  remove(obj: T): void {
    const o = this.#check(obj, "remove");
    const w = this.#queue();
    w.added.delete(o);
    w.removed.add(o);
    this.#changed();
  }
}

/** The write-only handle of `rel` on an owner (one per owner and relationship). */
export function writeOnlyCollection(owner: InstanceState, rel: RelationshipProperty): WriteOnlyCollection<object> {
  let byRel = handles.get(owner);
  if (!byRel) handles.set(owner, (byRel = new Map()));
  let h = byRel.get(rel);
  if (!h) byRel.set(rel, (h = new WriteOnlyCollection(owner, rel)));
  return h;
}
