/** Orders tables by foreign-key dependency for DDL; cycles are reported as foreign keys to add later. */
import { topoSort } from "../../util/topo-sort.js";
import type { ForeignKeyConstraint } from "./foreign-key.js";
import type { Table } from "./table.js";

/** Tables in creation order, plus the foreign keys that close cycles (create them after the tables). */
export interface SortedTables {
  readonly order: Table[];
  readonly cycleForeignKeys: ForeignKeyConstraint[];
}

/** Sorts tables so each follows the tables it references; self-references never count. */
export function sortTables(tables: readonly Table[]): SortedTables {
  const set = new Set(tables);
  const referenced = (t: Table): Table[] =>
    t.foreignKeys
      .filter((fk) => fk.isResolvable())
      .map((fk) => fk.resolve().table)
      .filter((r) => r !== t && set.has(r));
  const { order, cutEdges } = topoSort(tables, referenced);
  const cycleForeignKeys: ForeignKeyConstraint[] = [];
  for (const [from, to] of cutEdges) {
    for (const fk of from.foreignKeys)
      if (fk.isResolvable() && fk.resolve().table === to && !cycleForeignKeys.includes(fk)) cycleForeignKeys.push(fk);
  }
  return { order, cycleForeignKeys };
}
