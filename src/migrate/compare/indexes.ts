/**
 * Indexes, matched by name. One whose columns, uniqueness or condition changed is dropped and
 * created again (the databases cannot alter an index). Expression items compare by count only:
 * databases rewrite expressions, so their text does not compare.
 */
import type { ReflectedIndex, ReflectedTable } from "../../engine/introspection.js";
import type { Index } from "../../sql/schema/constraints.js";
import type { Table } from "../../sql/schema/table.js";
import type { MigrationOp } from "../operations.js";
import { dbName, includer, type CompareContext } from "./context.js";

/** A model index's items: column names, or null for an expression. */
function modelItems(index: Index): Array<string | null> {
  return index.items.map((n) => (n.kind === "Column" ? n.column.name : null));
}

function sameIndex(model: Index, r: ReflectedIndex): boolean {
  const a = modelItems(model);
  const b = r.items.map((i) => (typeof i === "string" ? i : null));
  return (
    model.unique === r.unique &&
    a.length === b.length &&
    a.every((x, i) => x === b[i]) &&
    (model.where === undefined) === (r.where === undefined)
  );
}

export function compareIndexes(
  ctx: CompareContext,
  model: Table,
  reflected: ReflectedTable,
  reflectedTable: Table,
  ops: MigrationOp[],
): void {
  const have = new Map(reflected.indexes.map((i) => [i.name, i]));
  const wanted = new Set<string>();
  const on = includer(ctx, "index", model.name);
  const reflectedIndex = (name: string) => reflectedTable.indexes.find((i) => i.name === name)!;
  for (const ix of model.indexes) {
    const name = dbName(ctx, ix);
    if (name === undefined) continue; // unnamed: nothing to match it by
    wanted.add(name);
    if (!on(name, false)) continue;
    const r = have.get(name);
    if (!r) ops.push({ kind: "createIndex", index: ix });
    else if (!sameIndex(ix, r)) ops.push({ kind: "dropIndex", index: reflectedIndex(name) }, { kind: "createIndex", index: ix });
  }
  for (const r of reflected.indexes)
    if (!wanted.has(r.name) && on(r.name, true)) ops.push({ kind: "dropIndex", index: reflectedIndex(r.name) });
}
