/**
 * Loads the current rows of objects the session already holds, by primary key, in batches: used by
 * refresh, rollback (objects reload from the database) and polymorphic loading (the subclass
 * columns of objects a base-class query returned). Called by the Session.
 */
import { select } from "../../sql/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../session/instance-state.js";
import { KEY_BATCH, keysCondition } from "./by-key.js";

/**
 * Selects the rows of `states` (all of `mapper`) and hands each found row's values to `onRow`.
 * Returns the states whose row no longer exists.
 */
export async function fetchByKeys(
  conn: Connection,
  mapper: Mapper,
  states: readonly InstanceState[],
  onRow: (state: InstanceState, values: unknown[]) => void,
): Promise<InstanceState[]> {
  const missing: InstanceState[] = [];
  const cls = mapper.mappedClass as never;
  for (let i = 0; i < states.length; i += KEY_BATCH) {
    const chunk = states.slice(i, i + KEY_BATCH);
    const byKey = new Map<unknown, InstanceState>();
    for (const s of chunk) byKey.set(s.key, s);
    const keys = chunk.map((s) => mapper.pk.map((p) => s.values[p.index]));
    const res = await conn._executeArrays(select(cls).where(keysCondition(mapper, keys)));
    for (const row of res.rows) {
      const s = byKey.get(mapper.identityKey(row));
      if (!s) continue;
      byKey.delete(s.key);
      onRow(s, row);
    }
    missing.push(...byKey.values());
  }
  return missing;
}

/** Groups states by their exact mapper (subclass instances load with their own columns). */
export function groupByMapper(states: Iterable<InstanceState>): Map<Mapper, InstanceState[]> {
  const out = new Map<Mapper, InstanceState[]>();
  for (const s of states) {
    const list = out.get(s.mapper);
    if (list) list.push(s);
    else out.set(s.mapper, [s]);
  }
  return out;
}
