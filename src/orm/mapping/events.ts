/**
 * Mapper and attribute events: `listen(User, "beforeInsert", fn)`, `listen(User, "set:email", fn)`.
 * Listeners on a class also fire for its mapped subclasses. Write events run inside the flush, with
 * the flush's connection; they may change the target's own column attributes, nothing else.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { MAPPER } from "./instrumentation.js";
import type { Mapper, MapperEventContext, MapperListener, SetListener } from "./mapper.js";

/** Events fired per object by the unit of work, and `load` when a row becomes an object. */
export type ModelEvent = "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete" | "load";

const MODEL_EVENTS: readonly string[] = [
  "beforeInsert",
  "afterInsert",
  "beforeUpdate",
  "afterUpdate",
  "beforeDelete",
  "afterDelete",
  "load",
];

type Instance<C> = C extends abstract new (...args: any) => infer I ? I : never;

function mapperOfModel(model: unknown): Mapper {
  const m = typeof model === "function" ? (model as { [MAPPER]?: Mapper })[MAPPER] : undefined;
  if (!m || m.cls !== model) throw new ArgumentError(`listen() takes a mapped class (decorated with @mapped), got ${describeValue(model)}`);
  return m;
}

/**
 * Registers a listener; returns a function that removes it.
 * - Write events get `(obj, { mapper, connection })` and may be async.
 * - `set:<attribute>` gets `(obj, value, oldValue)` on every assignment (constructor included); a
 *   returned value replaces the assigned one.
 */
export function listen<C extends abstract new (...args: any) => any>(
  model: C,
  event: ModelEvent,
  listener: (target: Instance<C>, context: MapperEventContext) => void | Promise<void>,
): () => void;
export function listen<C extends abstract new (...args: any) => any, K extends keyof Instance<C> & string>(
  model: C,
  event: `set:${K}`,
  listener: (target: Instance<C>, value: Instance<C>[K], oldValue: Instance<C>[K] | undefined) => Instance<C>[K] | void,
): () => void;
export function listen(model: unknown, event: string, listener: Function): () => void {
  const mapper = mapperOfModel(model);
  if (typeof listener !== "function") throw new ArgumentError(`listen(${mapper.name}, "${event}"): the listener must be a function`);
  if (event.startsWith("set:")) {
    const key = event.slice(4);
    const p = mapper.byKey.get(key);
    if (!p || p.kind !== "column")
      throw new ArgumentError(
        `listen(${mapper.name}, "${event}"): '${key}' is not a column attribute of ${mapper.name}; columns are ${mapper.columns.map((c) => c.key).join(", ")}`,
      );
    return mapper.addListener(event, listener as SetListener);
  }
  if (!MODEL_EVENTS.includes(event))
    throw new ArgumentError(
      `listen(${mapper.name}, "${event}"): unknown event; known events are ${MODEL_EVENTS.join(", ")} and set:<attribute>`,
    );
  return mapper.addListener(event, listener as MapperListener);
}
