/** Engine events and the SQL log hook. Listeners run synchronously; their errors are not swallowed. */

/** One executed statement, as reported to log hooks and `afterExecute` listeners. */
export interface QueryLogEntry {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly durationMs: number;
  /** Rows returned or affected. */
  readonly rowCount: number;
  /** Pool id of the connection that ran it. */
  readonly connectionId: number;
}

/** Event payloads by event name. */
export interface EngineEventMap {
  /** A new database connection was opened (after athanor's session setup). */
  connect: { readonly connectionId: number; readonly serverVersion: string };
  /** A connection was taken from the pool. */
  checkout: { readonly connectionId: number };
  /** A connection went back to the pool (after any rollback). */
  checkin: { readonly connectionId: number; readonly discarded: boolean };
  beforeExecute: { readonly sql: string; readonly params: readonly unknown[]; readonly connectionId: number };
  afterExecute: QueryLogEntry;
  /** A statement failed; `error` is the athanor error that will be thrown. */
  error: { readonly sql: string | undefined; readonly params: readonly unknown[]; readonly error: Error; readonly connectionId: number };
  begin: { readonly connectionId: number };
  commit: { readonly connectionId: number };
  rollback: { readonly connectionId: number };
  savepoint: { readonly connectionId: number; readonly name: string };
  releaseSavepoint: { readonly connectionId: number; readonly name: string };
  rollbackToSavepoint: { readonly connectionId: number; readonly name: string };
}

export type EngineEventName = keyof EngineEventMap;
export type EngineListener<E extends EngineEventName> = (payload: EngineEventMap[E]) => void;

/** A small typed event emitter; `has()` lets hot paths skip building payloads nobody reads. */
export class EngineEvents {
  readonly #listeners = new Map<EngineEventName, Array<(payload: never) => void>>();
  /** True when statement events have listeners (checked on every execute). */
  executeObserved = false;

  on<E extends EngineEventName>(event: E, listener: EngineListener<E>): () => void {
    const list = this.#listeners.get(event) ?? [];
    list.push(listener as (payload: never) => void);
    this.#listeners.set(event, list);
    this.#update();
    return () => this.off(event, listener);
  }

  off<E extends EngineEventName>(event: E, listener: EngineListener<E>): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    const i = list.indexOf(listener as (payload: never) => void);
    if (i >= 0) list.splice(i, 1);
    this.#update();
  }

  has(event: EngineEventName): boolean {
    return (this.#listeners.get(event)?.length ?? 0) > 0;
  }

  emit<E extends EngineEventName>(event: E, payload: EngineEventMap[E]): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const l of [...list]) (l as (p: EngineEventMap[E]) => void)(payload);
  }

  #update(): void {
    this.executeObserved = this.has("beforeExecute") || this.has("afterExecute") || this.has("error");
  }
}
