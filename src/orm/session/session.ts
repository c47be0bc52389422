/**
 * Session: the unit of work over an engine. It holds one transaction at a time (begun on first use,
 * ended by commit/rollback), an identity map (one object per row), and the sets of new, changed and
 * deleted objects that the next flush writes. Public API; builds on the mapping, loading and
 * persistence modules.
 */
import { ArgumentError, ObjectStateError, PendingRollbackError, StateError, describeValue } from "../../util/errors.js";
import { Result } from "../../engine/result.js";
import {
  statementNode,
  type Connection,
  type Params,
  type RowOfStatement,
  type ScalarOfStatement,
  type Statement,
} from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import { select, type Select } from "../../sql/statements/select.js";
import type { ColumnsOf, DmlTarget, Insert, InsertRow, Update, UpdateValues } from "../../sql/statements/dml.js";
import { mapperOf, type ChangeSink, type InstrumentedList } from "../mapping/instrumentation.js";
import type { Mapper, MapperListener, RelationshipProperty } from "../mapping/mapper.js";
import type { LoadTarget } from "../loading/instance-loader.js";
import { overwrite, refreshExpired } from "../loading/instance-loader.js";
import { identityOf, keysCondition, pkValues } from "../loading/by-key.js";
import { firstEntityCollector, spansOf } from "../loading/rows.js";
import { fetchByKeys, groupByMapper } from "../loading/reload.js";
import { hasWork, planOf } from "../loading/load-plan.js";
import { loadContext, loadRelated, runEntityQuery } from "../loading/eager-loader.js";
import { checkLoadable, loadRelationship, relationshipNamed } from "../loading/session-load.js";
import { pendingWrites } from "../loading/write-only-collection.js";
import type { SelectNode } from "../../sql/nodes/from-nodes.js";
import { runFlush, settleNewRelationships, type FlushOutcome } from "../persistence/unit-of-work.js";
import { IdentityMap, type IdentityStore } from "./identity-map.js";
import { dmlMapper, entityRanges, entityResult, itemsOf, runBulk, runSynchronized, type StatementHost } from "./orm-statements.js";
import { mergeState, type MergeHost } from "./merge.js";
import { StateList } from "./state-list.js";
import {
  hasRelated,
  holdsRelated,
  type Instance,
  InstanceState,
  mapperOfInstance,
  NO_VALUE,
  relatedOf,
  SESSION,
  STATE,
  stateOf,
  statusOf,
  unsetRelated,
} from "./instance-state.js";
import { Frame, SessionTransaction } from "./session-transaction.js";

/** Options of a {@link Session}. */
export interface SessionOptions {
  /** Flush pending changes before running a query (default true). */
  autoflush?: boolean;
  /**
   * Expire every object at commit, so attributes must be reloaded (`refresh`, or a query) before
   * they are read again (default false: attribute reads are synchronous, so an expired attribute
   * cannot load itself on access; keep objects readable after commit).
   */
  expireOnCommit?: boolean;
}

/** What flush events see. */
export interface FlushEventInfo {
  readonly new: readonly object[];
  readonly dirty: readonly object[];
  readonly deleted: readonly object[];
}

/** Session events and their listener signatures. */
export interface SessionEventMap {
  /** A transaction began (first use after construction, commit or rollback). */
  afterBegin: (session: Session) => void | Promise<void>;
  /** Before a flush computes its work: the place to add, change or delete objects. */
  beforeFlush: (session: Session, info: FlushEventInfo) => void | Promise<void>;
  /** After the flush's SQL ran (inside the transaction). */
  afterFlush: (session: Session, info: FlushEventInfo) => void | Promise<void>;
  afterCommit: (session: Session) => void | Promise<void>;
  afterRollback: (session: Session) => void | Promise<void>;
}
export type SessionEvent = keyof SessionEventMap;

/** A mapped class, as Session methods take it. */
export type ModelType<I = object> = abstract new (...args: any[]) => I;

/** Options of {@link Session.get}. */
export interface GetOptions {
  /** Reload from the database even when the object is in the identity map, overwriting loaded values. */
  populateExisting?: boolean;
  /** `SELECT … FOR UPDATE` (always queries; implies populateExisting). */
  forUpdate?: boolean;
}

function describeObject(s: InstanceState): string {
  const key = s.mapper.pk.map((p) => s.get(p.index)).filter((v) => v !== undefined && v !== NO_VALUE);
  return key.length ? `${s.mapper.name}(${key.map((v) => String(v)).join(", ")})` : `a new ${s.mapper.name}`;
}

/** Whether some attribute of an instance is unloaded. */
function hasUnloaded(obj: object): boolean {
  const o = obj as Instance;
  for (const k of mapperOfInstance(obj).slots) if (o[k] === NO_VALUE) return true;
  return false;
}

/** Empties the change record of collections after a flush. */
function resetSnapshots(s: InstanceState): void {
  for (const rel of s.mapper.relationships) {
    const v = relatedOf(s.obj, rel);
    if (Array.isArray(v)) (v as InstrumentedList).snapshot = undefined;
  }
}

/**
 * A unit of work over an engine.
 * @example
 * await using session = new Session(engine);
 * session.add(new User({ email: "ada@example.com" }));
 * await session.commit();
 */
export class Session implements AsyncDisposable, ChangeSink, LoadTarget {
  /** Flush before queries; may be changed at any time. */
  autoflush: boolean;
  readonly expireOnCommit: boolean;
  readonly #identity = new IdentityMap();
  readonly #new = new StateList("newAt");
  readonly #dirty = new StateList("dirtyAt");
  readonly #deleted = new Set<InstanceState>();
  readonly #listeners = new Map<SessionEvent, Function[]>();
  #conn: Connection | undefined;
  /** The innermost open transaction frame. */
  #frame: Frame | undefined;
  #beginning: Promise<Connection> | undefined;
  #flushing: Promise<void> | undefined;
  #noAutoflush = 0;
  /** Objects loaded since the last `load` event dispatch, with their mapper (only when it has listeners). */
  #loadedQueue: Array<[object, Mapper]> = [];
  /** @internal LoadTarget: what loaded instances name as their session. */
  readonly owner: object = this;

  constructor(
    readonly engine: Engine,
    options: SessionOptions = {},
  ) {
    if (typeof engine !== "object" || engine === null || typeof (engine as Engine).connect !== "function")
      throw new ArgumentError(`new Session() takes an engine (createEngine(url)), got ${describeValue(engine)}`);
    this.autoflush = options.autoflush ?? true;
    this.expireOnCommit = options.expireOnCommit ?? false;
  }

  // ---- events -------------------------------------------------------------------------------

  /** Adds a session event listener; returns a function that removes it. */
  on<E extends SessionEvent>(event: E, listener: SessionEventMap[E]): () => void {
    const known: SessionEvent[] = ["afterBegin", "beforeFlush", "afterFlush", "afterCommit", "afterRollback"];
    if (!known.includes(event)) throw new ArgumentError(`unknown session event '${String(event)}'; known events are ${known.join(", ")}`);
    const list = this.#listeners.get(event) ?? [];
    list.push(listener);
    this.#listeners.set(event, list);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async #emit(event: SessionEvent, ...args: unknown[]): Promise<void> {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const l of [...list]) await l(this, ...args);
  }

  #flushInfo(): FlushEventInfo {
    return { new: this.new, dirty: this.dirty, deleted: this.deleted };
  }

  #listens(event: SessionEvent): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  // ---- object bookkeeping -------------------------------------------------------------------

  /** Objects added and not yet flushed. */
  get new(): object[] {
    return this.#new.toArray().map((s) => s.obj);
  }
  /** Persistent objects with attribute changes not yet flushed. */
  get dirty(): object[] {
    return this.#dirty
      .toArray()
      .filter((s) => s.status === "persistent")
      .map((s) => s.obj);
  }
  /** Objects marked for deletion and not yet flushed. */
  get deleted(): object[] {
    return [...this.#deleted].map((s) => s.obj);
  }
  /** Number of objects in the identity map. */
  get size(): number {
    return this.#identity.size + this.#new.size;
  }
  /** Whether a transaction is open. */
  get inTransaction(): boolean {
    return this.#frame !== undefined;
  }

  /** Whether `obj` belongs to this session (pending or persistent; not once its deletion was flushed). */
  contains(obj: object): boolean {
    return stateOf(obj) !== undefined && (obj as Instance)[SESSION] === this && statusOf(obj) !== "deleted";
  }

  #stateFor(obj: unknown, what: string): InstanceState {
    const s = stateOf(obj);
    if (!s) throw new ArgumentError(`session.${what}() takes an instance of a mapped class, got ${describeValue(obj)}`);
    return s;
  }

  #otherSession(s: InstanceState): never {
    throw new ObjectStateError(
      `${describeObject(s)} belongs to another session; expunge it there first, or use session.merge(obj) to copy it into this one`,
    );
  }

  /** Adds objects to the session: new ones become pending (inserted at the next flush), detached ones persistent again. */
  add(obj: object): void {
    const s = this.#stateFor(obj, "add");
    // The common case: a new object holding no other objects.
    if (s.status === "transient" && !holdsRelated(s) && s.session === undefined && pendingWrites(s) === undefined) {
      s.status = "pending";
      s.session = this;
      this.#new.add(s);
      return;
    }
    this.#attach(s);
  }

  addAll(objs: Iterable<object>): void {
    for (const o of objs) this.add(o);
  }

  /** Attaches a state and, through save-update cascades, everything its relationships hold. */
  #attach(first: InstanceState): void {
    const queue = [first];
    for (let i = 0; i < queue.length; i++) {
      const s = queue[i]!;
      if (s.session === this) {
        if (i > 0) continue;
      } else {
        if (s.session) this.#otherSession(s);
        if (s.status === "transient") {
          s.status = "pending";
          s.session = this;
          this.#new.add(s);
        } else if (s.status === "detached" || s.status === "deleted") {
          if (s.status === "deleted") throw new ObjectStateError(`${describeObject(s)} was deleted; it cannot be added back`);
          const existing = this.#identity.get(s.mapper, s.key);
          if (existing && existing !== s.obj)
            throw new ObjectStateError(
              `another object with the identity ${describeObject(s)} is already in this session; use session.merge(obj) to copy the detached one's values onto it`,
            );
          s.status = "persistent";
          s.session = this;
          this.#identity.set(s);
          if (s.committed?.size || s.relationsChanged) this.markDirty(s);
        }
      }
      for (const rel of s.mapper.relationships) {
        if (rel.viewonly || !rel.cascade?.has("save-update") || !hasRelated(s.obj, rel)) continue;
        const v = relatedOf(s.obj, rel);
        for (const m of Array.isArray(v) ? v : v ? [v] : []) {
          const ms = stateOf(m);
          if (ms && ms.session !== this) queue.push(ms);
        }
      }
      // Objects queued on a write-only collection before its owner joined a session come along too.
      const queued = pendingWrites(s);
      if (queued)
        for (const [rel, w] of queued) {
          if (!rel.cascade?.has("save-update")) continue;
          for (const m of w.added) {
            const ms = stateOf(m);
            if (ms && ms.session !== this) queue.push(ms);
          }
        }
    }
  }

  /** @internal ChangeSink: an attribute of a persistent object changed. */
  markDirty(s: InstanceState): void {
    if (s.dirtyAt < 0 && s.session === this && s.status === "persistent") this.#dirty.add(s);
  }

  /** @internal ChangeSink: an object in this session now refers to `obj` through `rel`. */
  cascadeAdd(obj: object, rel: RelationshipProperty): void {
    const s = stateOf(obj);
    if (!s || s.session === this || rel.viewonly || !rel.cascade?.has("save-update")) return;
    if (s.status === "deleted") return;
    this.#attach(s);
  }

  /** @internal LoadTarget. */
  identityMap(root: Mapper): IdentityStore {
    return this.#identity.of(root);
  }

  /** @internal LoadTarget: an object was created from a row. */
  loaded(obj: object, mapper: Mapper): void {
    // `load` listeners run once the whole result is in (subclass columns included).
    if (mapper.listenersFor("load").length > 0) this.#loadedQueue.push([obj, mapper]);
  }

  #fireLoad(): void {
    const queue = this.#loadedQueue;
    if (queue.length === 0) return;
    this.#loadedQueue = [];
    for (const [obj, mapper] of queue) for (const l of mapper.listenersFor("load") as MapperListener[]) void l(obj, { mapper });
  }

  /** Marks a persistent object for deletion at the next flush. */
  delete(obj: object): void {
    const s = this.#stateFor(obj, "delete");
    if (s.session && s.session !== this) this.#otherSession(s);
    if (s.status === "transient") throw new ObjectStateError(`${describeObject(s)} is not persisted, so there is nothing to delete`);
    if (s.status === "pending")
      throw new ObjectStateError(
        `${describeObject(s)} is pending (added but never flushed); use session.expunge(obj) to drop it instead of deleting it`,
      );
    if (s.status === "deleted") return;
    if (s.status === "detached") this.#attach(s);
    this.#deleted.add(s);
  }

  /** Removes an object from the session: pending ones become transient, persistent ones detached. */
  expunge(obj: object): void {
    const s = this.#stateFor(obj, "expunge");
    if (s.session !== this) throw new ObjectStateError(`${describeObject(s)} is not in this session`);
    const queue = [s];
    for (let i = 0; i < queue.length; i++) {
      const x = queue[i]!;
      this.#detach(x);
      for (const rel of x.mapper.relationships) {
        if (!rel.cascade?.has("expunge") || !hasRelated(x.obj, rel)) continue;
        const v = relatedOf(x.obj, rel);
        for (const m of Array.isArray(v) ? v : v ? [v] : []) {
          const ms = stateOf(m);
          if (ms?.session === this) queue.push(ms);
        }
      }
    }
  }

  /** Removes every object from the session (no SQL). */
  expungeAll(): void {
    const objs = this.#identity.objects();
    for (let i = 0; i < objs.length; i++) {
      const obj = objs[i] as Instance;
      obj[SESSION] = undefined;
      // Unchanged loaded objects have no state: dropping their session detaches them.
      const s = obj[STATE];
      if (s === undefined) continue;
      s.status = s.status === "pending" ? "transient" : "detached";
    }
    for (const s of [...this.#new.toArray(), ...this.#deleted]) this.#detach(s);
    this.#identity.clear();
    this.#dirty.clear();
  }

  #detach(s: InstanceState): void {
    this.#new.delete(s);
    this.#dirty.delete(s);
    this.#deleted.delete(s);
    this.#identity.remove(s);
    s.session = undefined;
    s.status = s.status === "pending" ? "transient" : "detached";
  }

  #toTransient(s: InstanceState): void {
    this.#detach(s);
    s.status = "transient";
    s.key = undefined;
    s.committed = undefined;
  }

  /** Whether an object has changes the next flush would write. */
  isModified(obj: object): boolean {
    const s = this.#stateFor(obj, "isModified");
    if (s.status === "pending") return true;
    if (s.relationsChanged) return true;
    if (!s.committed) return false;
    for (const [i, old] of s.committed) if (old !== s.get(i)) return true;
    return false;
  }

  // ---- transactions -------------------------------------------------------------------------

  #failedFrame(): Frame | undefined {
    for (let f = this.#frame; f; f = f.parent) if (f.failure) return f;
    return undefined;
  }

  #usable(): void {
    const f = this.#failedFrame();
    if (!f) return;
    const how = f.parent ? "roll back the savepoint (or call session.rollback())" : "call session.rollback()";
    throw new PendingRollbackError(
      `this session's ${f.parent ? "savepoint" : "transaction"} was rolled back because a flush failed (${f.failure!.message}); ${how} before using the session again`,
      { cause: f.failure },
    );
  }

  /** The connection of the session's transaction, beginning one if needed (run Core statements in the same transaction). */
  async connection(): Promise<Connection> {
    this.#usable();
    if (this.#conn) return this.#conn;
    this.#beginning ??= (async () => {
      const conn = await this.engine.connect();
      try {
        const tx = await conn.begin();
        this.#conn = conn;
        this.#frame = new Frame(tx, undefined);
      } catch (err) {
        await conn.close();
        throw err;
      }
      await this.#emit("afterBegin");
      return conn;
    })().finally(() => (this.#beginning = undefined));
    return this.#beginning;
  }

  async #release(): Promise<void> {
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn) await conn.close();
  }

  /** Runs `fn` with autoflush off (queries in it do not flush pending changes first). */
  async noAutoflush<T>(fn: () => Promise<T>): Promise<T> {
    this.#noAutoflush++;
    try {
      return await fn();
    } finally {
      this.#noAutoflush--;
    }
  }

  async #autoflush(): Promise<void> {
    if (this.autoflush && this.#noAutoflush === 0 && this.#hasChanges()) await this.flush();
  }

  #hasChanges(): boolean {
    return this.#new.size > 0 || this.#dirty.size > 0 || this.#deleted.size > 0;
  }

  /**
   * Writes pending changes to the database (inside the session's transaction). All or nothing: if
   * any statement fails, the transaction is rolled back and the session refuses work until
   * `rollback()`.
   */
  async flush(): Promise<void> {
    this.#usable();
    while (this.#flushing) {
      await this.#flushing.catch(() => undefined);
      this.#usable();
    }
    if (!this.#hasChanges()) return;
    const run = this.#flush();
    this.#flushing = run;
    try {
      await run;
    } finally {
      this.#flushing = undefined;
    }
  }

  async #flush(): Promise<void> {
    if (this.#listens("beforeFlush")) await this.#emit("beforeFlush", this.#flushInfo());
    if (!this.#hasChanges()) return;
    const conn = await this.connection();
    const frame = this.#frame!;
    const info = this.#listens("afterFlush") ? this.#flushInfo() : undefined;
    const work = {
      pending: this.#new.toArray(),
      dirty: this.#dirty.toArray().filter((s) => s.status === "persistent"),
      deleted: [...this.#deleted],
      loader: this as LoadTarget,
    };
    let outcome: FlushOutcome;
    try {
      outcome = await runFlush(conn, work);
    } catch (err) {
      frame.failure = err instanceof Error ? err : new Error(String(err));
      // The database forgets the frame's work now (locks released); objects are restored by rollback().
      try {
        if (frame.tx.isActive) await frame.tx.rollback();
      } catch {
        // The connection is unusable; closing it below discards it.
      }
      // A failed outermost transaction gives its connection back now; rollback() restores the objects.
      if (!frame.parent) await this.#release().catch(() => undefined);
      throw err;
    }
    this.#finalize(outcome, frame);
    if (info) await this.#emit("afterFlush", info);
  }

  #finalize(outcome: FlushOutcome, frame: Frame): void {
    const inserted = outcome.inserted;
    settleNewRelationships(inserted);
    // Usually every pending object was inserted (listeners may have added more during the flush).
    const all = inserted.length === this.#new.size;
    if (all) this.#new.clear();
    if (inserted.length > 0) {
      // Objects of one model share one identity map; look it up once per run of them.
      let mapper = inserted[0]!.mapper;
      let map = this.#identity.of(mapper.root);
      for (const s of inserted) {
        if (s.mapper !== mapper) {
          mapper = s.mapper;
          map = this.#identity.of(mapper.root);
        }
        if (!all) this.#new.delete(s);
        s.status = "persistent";
        const key = mapper.identityKeyOf(s.obj);
        s.key = key;
        map.set(key, s.obj);
        // New objects record no changes (pending attribute writes are not tracked); only relationships.
        if (s.relationsChanged) {
          s.relationsChanged = false;
          resetSnapshots(s);
        }
        frame.inserted.push(s);
      }
    }
    // Only a savepoint needs to know what it updated (rolling back the whole transaction reloads everything).
    const touched = frame.parent ? frame.touched : undefined;
    for (const s of outcome.updated) {
      this.#dirty.delete(s);
      s.committed = undefined;
      if (s.relationsChanged) {
        s.relationsChanged = false;
        resetSnapshots(s);
      }
      touched?.add(s);
    }
    for (const s of outcome.deleted) {
      this.#deleted.delete(s);
      this.#dirty.delete(s);
      this.#identity.remove(s);
      s.status = "deleted";
      frame.deleted.add(s);
    }
    // States flushed as dirty without net changes are clean now too.
    for (const s of this.#dirty) {
      if (s.status !== "persistent" || s.committed?.size || s.relationsChanged) continue;
      this.#dirty.delete(s);
    }
  }

  /** Flushes, then commits the transaction. Deleted objects become detached. */
  async commit(): Promise<void> {
    this.#usable();
    await this.flush();
    let root = this.#frame;
    while (root?.parent) root = root.parent;
    if (root) {
      try {
        await root.tx.commit();
      } catch (err) {
        root.failure = err instanceof Error ? err : new Error(String(err));
        await this.#release().catch(() => undefined);
        throw err;
      }
      await this.#release();
      for (let f: Frame | undefined = this.#frame; f; f = f.parent)
        for (const s of f.deleted) {
          s.session = undefined;
          s.status = "detached";
        }
      this.#frame = undefined;
    }
    if (this.expireOnCommit) this.expireAll();
    await this.#emit("afterCommit");
  }

  /**
   * Rolls back the transaction. Pending objects and objects inserted in it become transient,
   * objects deleted in it come back, and every other object reloads its attributes from the database.
   */
  async rollback(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    const frames: Frame[] = [];
    for (let f = this.#frame; f; f = f.parent) frames.push(f);
    const root = frames[frames.length - 1];
    if (root?.tx.isActive) {
      try {
        await root.tx.rollback();
      } catch {
        // A dead connection: the server discarded the transaction anyway; close() discards the connection.
      }
    }
    await this.#release().catch(() => undefined);
    this.#frame = undefined;
    this.#restore(frames);
    // The rest reload now, outside any transaction (attribute reads cannot load lazily).
    await this.#reload(this.#identity.objects(), undefined);
    await this.#emit("afterRollback");
  }

  /**
   * Undoes the object side of rolled-back frames (innermost first). Pending objects were all added
   * inside them (a savepoint flushes when it opens), so they become transient too.
   */
  #restore(frames: readonly Frame[]): void {
    for (const f of frames) for (const s of f.inserted) if (s.session === this) this.#toTransient(s);
    for (const s of this.#new) this.#toTransient(s);
    for (const f of frames)
      for (const s of f.deleted)
        if (s.status === "deleted" && s.session === this) {
          s.status = "persistent";
          this.#identity.set(s);
        }
    this.#deleted.clear();
  }

  /** Expires `objs` and loads them again on `conn` (or a short-lived connection); rows gone are detached. */
  async #reload(objs: object[], conn: Connection | undefined): Promise<void> {
    for (const o of objs) this.#expireObject(o, undefined);
    if (objs.length === 0) return;
    const own = conn ?? (await this.engine.connect().catch(() => undefined));
    if (!own) return; // The database is unreachable: the objects stay expired; refresh() reloads them later.
    try {
      for (const [mapper, group] of groupByMapper(objs)) {
        const missing = await fetchByKeys(own, mapper, group, (o, values) => overwrite(o, values));
        for (const o of missing) this.#detach(stateOf(o)!);
      }
    } catch (err) {
      if (conn) throw err;
    } finally {
      if (!conn) await own.close();
    }
  }

  /**
   * Opens a savepoint (flushing first). Commit it to keep its changes in the transaction, roll it
   * back to undo them; `await using` rolls back unless committed.
   */
  async beginNested(): Promise<SessionTransaction> {
    this.#usable();
    await this.flush();
    const conn = await this.connection();
    const tx = await conn.beginNested();
    const frame = new Frame(tx, this.#frame);
    this.#frame = frame;
    return new SessionTransaction(frame, (f, action) => this.#endNested(f, action));
  }

  /** Runs `fn` in a savepoint: released when it resolves, rolled back (and the error rethrown) when it throws. */
  async nested<T>(fn: (savepoint: SessionTransaction) => Promise<T>): Promise<T> {
    const sp = await this.beginNested();
    let result: T;
    try {
      result = await fn(sp);
    } catch (err) {
      if (sp.isActive) await sp.rollback();
      throw err;
    }
    if (sp.isActive) await sp.commit();
    return result;
  }

  async #endNested(frame: Frame, action: "commit" | "rollback"): Promise<void> {
    const chain: Frame[] = [];
    let f = this.#frame;
    while (f && f !== frame) {
      chain.push(f);
      f = f.parent;
    }
    if (!f) throw new StateError("this savepoint is no longer open in the session");
    chain.push(frame);
    if (action === "commit") {
      this.#usable();
      await this.flush();
      await frame.tx.commit();
      for (const x of chain) x.mergeInto(x.parent!);
      this.#frame = frame.parent;
      return;
    }
    if (frame.tx.isActive) await frame.tx.rollback();
    this.#frame = frame.parent;
    const touched = new Set<InstanceState>();
    for (const x of chain) for (const s of x.touched) touched.add(s);
    for (const s of this.#dirty) touched.add(s);
    this.#restore(chain);
    const reload = [...touched].filter((s) => s.session === this && s.status === "persistent").map((s) => s.obj);
    await this.#reload(reload, this.#conn);
  }

  /** Rolls back any open transaction and detaches every object. The session may be used again. */
  async close(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => undefined);
    let root = this.#frame;
    while (root?.parent) root = root.parent;
    if (root?.tx.isActive) await root.tx.rollback().catch(() => undefined);
    await this.#release().catch(() => undefined);
    const deletedInTx: InstanceState[] = [];
    for (let f = this.#frame; f; f = f.parent) deletedInTx.push(...f.deleted);
    this.#frame = undefined;
    this.expungeAll();
    for (const s of deletedInTx) {
      s.session = undefined;
      s.status = "detached";
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- loading ------------------------------------------------------------------------------

  /**
   * The object with this primary key: from the identity map without SQL when it is loaded there,
   * otherwise by a SELECT. Composite keys: an array in key order, or an object of attribute values.
   */
  async get<I extends object>(model: ModelType<I>, pk: unknown, options: GetOptions = {}): Promise<I | undefined> {
    const mapper = this.#mapperOf(model, "get");
    this.#usable();
    const values = pkValues(mapper, pk);
    const existing = this.#identity.get(mapper, identityOf(mapper, values));
    if (existing && !mapperOfInstance(existing).isA(mapper)) return undefined;
    if (existing && !options.populateExisting && !options.forUpdate && !hasUnloaded(existing)) return existing as I;
    await this.#autoflush();
    const conn = await this.connection();
    let stmt: Select<unknown, unknown> = select(mapper.mappedClass as never).where(keysCondition(mapper, [values]));
    if (options.forUpdate) stmt = stmt.forUpdate();
    const res = await conn._executeArrays(stmt);
    const row = res.rows[0];
    if (!row) return undefined;
    if (existing && (options.populateExisting || options.forUpdate)) {
      overwrite(existing, row);
      const s = (existing as Instance)[STATE];
      if (s && !s.committed && !s.relationsChanged) {
        this.#dirty.delete(s);
      }
      return existing as I;
    }
    const collect = firstEntityCollector(this, spansOf(stmt.node.entities)[0]!);
    collect.onRow(row);
    const obj = collect.objs[0];
    await this.#completeSubclasses(mapper, [obj ?? null]);
    const none = new Map();
    if (obj && hasWork(mapper, none)) await loadRelated(loadContext(conn, this), mapper, [obj], none, undefined, false);
    this.#fireLoad();
    return (obj ?? undefined) as I | undefined;
  }

  /** Like get(), but a missing row is an error. */
  async getOne<I extends object>(model: ModelType<I>, pk: unknown, options?: GetOptions): Promise<I> {
    const obj = await this.get(model, pk, options);
    if (obj === undefined) {
      const mapper = this.#mapperOf(model, "getOne");
      throw new ObjectStateError(
        `no ${mapper.name} has the primary key ${JSON.stringify(pk, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`,
      );
    }
    return obj;
  }

  #mapperOf(model: unknown, what: string): Mapper {
    const mapper = typeof model === "function" ? mapperOf(model) : undefined;
    if (!mapper || (mapper.cls !== model && mapper.generated !== model))
      throw new ArgumentError(`session.${what}() takes a mapped class (decorated with @mapped), got ${describeValue(model)}`);
    mapper.registry.configure();
    return mapper;
  }

  /** Objects a base-class query returned as subclass instances get their subclass columns (one query per subclass). */
  async #completeSubclasses(mapper: Mapper, objs: Iterable<object | null>): Promise<void> {
    if (mapper.subMappers.length === 0) return;
    const incomplete: object[] = [];
    for (const o of objs) if (o && mapperOfInstance(o) !== mapper && hasUnloaded(o)) incomplete.push(o);
    if (incomplete.length === 0) return;
    const conn = await this.connection();
    for (const [sub, group] of groupByMapper(incomplete))
      await fetchByKeys(conn, sub, group, (o, values) => refreshExpired(o, (o as Instance)[STATE], values, 0, values.length));
  }

  /**
   * Reloads an object's attributes from the database (flushing first), discarding unflushed changes
   * to them. `attributes` limits the reload to those names; relationship names among them are
   * loaded again too (`await session.refresh(user, ["posts"])`).
   */
  async refresh(obj: object, attributes?: readonly string[]): Promise<void> {
    const s = this.#stateFor(obj, "refresh");
    if (s.session !== this || s.status !== "persistent")
      throw new ObjectStateError(
        `${describeObject(s)} is not a persistent object of this session (it is ${s.status}); only loaded objects can be refreshed`,
      );
    const relNames = attributes?.filter((n) => s.mapper.byKey.get(n)?.kind === "relationship") ?? [];
    const rels = relNames.map((n) => relationshipNamed(s.mapper, n, "session.refresh()"));
    const columns = attributes?.filter((n) => !relNames.includes(n));
    const only = columns ? new Set(this.#attributeIndexes(s, columns, "refresh")) : undefined;
    this.#usable();
    await this.#autoflush();
    const conn = await this.connection();
    if (!only || only.size > 0 || rels.length === 0) {
      const missing = await fetchByKeys(conn, s.mapper, [s.obj], (o, values) => overwrite(o, values, only));
      if (missing.length > 0) {
        this.#detach(s);
        throw new ObjectStateError(
          `${describeObject(s)} no longer exists in the database (deleted by another transaction); it was removed from the session`,
        );
      }
    }
    for (const rel of rels) {
      // Refreshing a relationship replaces what the object held (unflushed changes to it are discarded).
      unsetRelated(s.obj, rel);
      await loadRelationship(loadContext(conn, this), rel, [s]);
    }
    if (!s.committed && !s.relationsChanged) {
      this.#dirty.delete(s);
    }
  }

  #attributeIndexes(s: InstanceState, names: readonly string[], what: string): number[] {
    return names.map((n) => {
      const p = s.mapper.byKey.get(n);
      if (!p) throw new ArgumentError(`session.${what}(): ${s.mapper.name} has no attribute '${n}'`);
      if (p.kind === "relationship")
        throw new ArgumentError(`session.${what}(): ${s.mapper.name}.${n} is a relationship; name column attributes`);
      return p.index;
    });
  }

  /**
   * Marks attributes unloaded (all but the primary key by default), discarding unflushed changes to
   * them. Reading one then fails until the object is refreshed or returned by a query again.
   */
  expire(obj: object, attributes?: readonly string[]): void {
    const s = this.#stateFor(obj, "expire");
    if (s.session !== this || s.status !== "persistent")
      throw new ObjectStateError(`${describeObject(s)} is not a persistent object of this session`);
    this.#expireObject(obj, attributes ? this.#attributeIndexes(s, attributes, "expire") : undefined);
  }

  /** Expires every object in the identity map. */
  expireAll(): void {
    for (const o of this.#identity.objects()) this.#expireObject(o, undefined);
  }

  /** Marks attributes unloaded (all but the primary key by default) and forgets changes to them. */
  #expireObject(obj: object, only: readonly number[] | undefined): void {
    const o = obj as Instance;
    const s = o[STATE];
    const mapper = s?.mapper ?? mapperOfInstance(obj);
    const slots = mapper.slots;
    if (only) for (const i of only) o[slots[i]!] = NO_VALUE;
    else {
      const pk = mapper.pk;
      for (let i = 0; i < slots.length; i++) if (!pk.some((p) => p.index === i)) o[slots[i]!] = NO_VALUE;
    }
    if (!s) return;
    if (s.committed) {
      if (only) for (const i of only) s.committed.delete(i);
      else s.committed.clear();
      if (s.committed.size === 0) s.committed = undefined;
    }
    if (!only) {
      for (const rel of s.mapper.relationships) unsetRelated(s.obj, rel);
      s.relationsChanged = false;
    }
    if (!s.committed && !s.relationsChanged && this.#dirty.has(s)) {
      this.#dirty.delete(s);
    }
  }

  /**
   * Loads a relationship of an object, or of many objects of one model at once (one
   * `SELECT … WHERE key IN (…)` per 5,000 of them), stores it on them and returns it (for an array,
   * one value per object). Already loaded values are kept and returned without SQL; a many-to-one
   * whose target is in the identity map needs no SQL; new objects get an empty collection or null.
   * @example
   * const posts = await session.load(user, "posts");
   * await session.load(users, "posts"); // every user's posts in one query
   */
  async load<O extends object, K extends keyof O & string>(obj: O, key: K): Promise<O[K]>;
  async load<O extends object, K extends keyof O & string>(objs: readonly O[], key: K): Promise<Array<O[K]>>;
  async load(target: object | readonly object[], key: string): Promise<unknown> {
    const many = Array.isArray(target);
    const objs = many ? (target as readonly object[]) : [target];
    if (objs.length === 0) return [];
    const { rel, states } = checkLoadable(this, objs, key);
    this.#usable();
    const values = await loadRelationship(
      async () => {
        await this.#autoflush();
        return loadContext(await this.connection(), this);
      },
      rel,
      states,
    );
    this.#fireLoad();
    return many ? values : values[0];
  }

  /**
   * Copies the state of `obj` (typically detached, or from elsewhere) onto the session's object with
   * the same primary key, loading it if needed, or onto a new pending object; returns that object.
   * `obj` itself is not attached. `load: false` trusts `obj` and issues no SQL.
   */
  async merge<T extends object>(obj: T, options: { load?: boolean } = {}): Promise<T> {
    this.#usable();
    return (await mergeState(this.#mergeHost, this.#stateFor(obj, "merge"), options.load ?? true, new Map())) as T;
  }

  readonly #mergeHost: MergeHost = {
    identity: this.#identity,
    session: this,
    // Without autoflush, like query: objects merged so far may be pending with their relationships
    // not set yet (a new child whose parent is being merged), and must not be flushed half-merged.
    load: (mapper, pk) => this.noAutoflush(() => this.get(mapper.mappedClass, pk)),
    attach: (state) => this.#attach(state),
    query: (stmt) => this.noAutoflush(() => this.scalars(stmt)) as Promise<object[]>,
  };

  // ---- statements ---------------------------------------------------------------------------

  /**
   * Executes a statement in the session's transaction (flushing first). Mapped classes selected
   * come back as instances from the identity map; `select(User)` rows are `{ users: User }`.
   * A second argument that is an array makes an INSERT or UPDATE on a mapped class a bulk statement.
   */
  execute<T extends DmlTarget, R, S>(stmt: Insert<T, R, S>, rows: readonly InsertRow<ColumnsOf<T>>[]): Promise<Result<R, S>>;
  execute<T extends DmlTarget, R, S>(stmt: Update<T, R, S>, rows: readonly UpdateValues<ColumnsOf<T>>[]): Promise<Result<R, S>>;
  execute<T extends Statement>(stmt: T, params?: Params): Promise<Result<RowOfStatement<T>, ScalarOfStatement<T>>>;
  async execute<T extends Statement>(
    stmt: T,
    params?: Params | readonly Record<string, unknown>[],
  ): Promise<Result<RowOfStatement<T>, ScalarOfStatement<T>>> {
    this.#usable();
    await this.#autoflush();
    const conn = await this.connection();
    const node = statementNode(stmt);
    if (Array.isArray(params)) return (await runBulk(this.#statementHost, conn, stmt, node, params)) as never;
    const named = params as Params | undefined;
    if (node.kind === "Update" || node.kind === "Delete") {
      const mapper = dmlMapper(node);
      if (mapper && this.#identity.has(mapper.root))
        return (await runSynchronized(this.#statementHost, conn, stmt, node, mapper, named)) as never;
    }
    const ranges = entityRanges(node);
    if (ranges.length === 0) return conn.execute(stmt, named);
    return (await entityResult(this.#statementHost, conn, stmt, named, ranges, itemsOf(node))) as never;
  }

  /** The first column of every row; for `select(User)`, the User instances. */
  scalars<T extends DmlTarget, R, S>(stmt: Insert<T, R, S>, rows: readonly InsertRow<ColumnsOf<T>>[]): Promise<S[]>;
  scalars<T extends Statement>(stmt: T, params?: Params): Promise<ScalarOfStatement<T>[]>;
  async scalars<T extends Statement>(stmt: T, params?: Params | readonly Record<string, unknown>[]): Promise<ScalarOfStatement<T>[]> {
    const node = statementNode(stmt);
    const first = entityRanges(node)[0];
    if (!first || first.start !== 0 || Array.isArray(params) || node.kind === "Update" || node.kind === "Delete")
      return (await this.execute(stmt as Statement, params as Params)).scalars() as ScalarOfStatement<T>[];
    // The common case, select(User): instances straight from the rows, no row objects.
    this.#usable();
    await this.#autoflush();
    const conn = await this.connection();
    const span = spansOf([first])[0]!;
    const plan = node.kind === "Select" ? planOf(node.loaderOptions, span.mapper) : undefined;
    if (plan && hasWork(span.mapper, plan)) {
      // Relationship loading: joined ones in this statement, the others by their own queries.
      const ctx = loadContext(conn, this, (m, objs) => this.#completeSubclasses(m, objs as Iterable<object | null>));
      const objs = await runEntityQuery(ctx, node as SelectNode, span.mapper, 0, span.count, plan, params as Params | undefined);
      await this.#completeSubclasses(span.mapper, objs);
      this.#fireLoad();
      return objs as ScalarOfStatement<T>[];
    }
    const { objs, onRow } = firstEntityCollector(this, span);
    await conn._executeArrays(stmt, params as Params | undefined, onRow);
    await this.#completeSubclasses(span.mapper, objs);
    this.#fireLoad();
    return objs as ScalarOfStatement<T>[];
  }

  /** The first column of the first row (the first instance for `select(User)`), or undefined. */
  async scalar<T extends Statement>(stmt: T, params?: Params): Promise<ScalarOfStatement<T> | undefined> {
    return (await this.scalars(stmt, params))[0];
  }

  readonly #statementHost: StatementHost = {
    identity: this.#identity,
    owner: this,
    identityMap: (root) => this.identityMap(root),
    loaded: (obj, mapper) => this.loaded(obj, mapper),
    frame: () => this.#frame!,
    completeSubclasses: (mapper, objs) => this.#completeSubclasses(mapper, objs),
    fireLoad: () => this.#fireLoad(),
    clean: (state) => {
      this.#dirty.delete(state);
    },
  };
}
