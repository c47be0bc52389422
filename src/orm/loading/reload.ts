/**
 * Loads the current rows of objects the session already holds, by primary key, in batches: used by
 * refresh, rollback (objects reload from the database) and polymorphic loading (the subclass
 * columns of objects a base-class query returned). Called by the Session.
 */
import { select } from "../../sql/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOfInstance, type Instance } from "../session/instance-state.js";
import { keyBatch, keysCondition } from "./by-key.js";

/**
 * Selects the rows of `objs` (all of `mapper`) and hands each found row's values to `onRow`.
 * Returns the objects whose row no longer exists.
 */
export async function fetchByKeys(
  conn: Connection,
  mapper: Mapper,
  objs: readonly object[],
  onRow: (obj: object, values: unknown[]) => void,
): Promise<object[]> {
  const missing: object[] = [];
  const cls = mapper.mappedClass as never;
  const batch = keyBatch(mapper.pk.length);
  for (let i = 0; i < objs.length; i += batch) {
    const chunk = objs.slice(i, i + batch);
    const byKey = new Map<unknown, object>();
    for (const o of chunk) byKey.set(mapper.identityKeyOf(o), o);
    const keys = chunk.map((o) => mapper.pk.map((p) => (o as Instance)[p.slot]));
    const res = await conn._executeArrays(select(cls).where(keysCondition(mapper, keys)));
    for (const row of res.rows) {
      const key = mapper.identityKey(row);
      const o = byKey.get(key);
      if (!o) continue;
      byKey.delete(key);
      onRow(o, row);
    }
    missing.push(...byKey.values());
  }
  return missing;
}

/** Groups objects by their exact mapper (subclass instances load with their own columns). */
export function groupByMapper<T extends object>(objs: Iterable<T>, mapperOf: (o: T) => Mapper = mapperOfInstance): Map<Mapper, T[]> {
  const out = new Map<Mapper, T[]>();
  for (const o of objs) {
    const m = mapperOf(o);
    const list = out.get(m);
    if (list) list.push(o);
    else out.set(m, [o]);
  }
  return out;
}
