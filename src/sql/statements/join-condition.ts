/** Infers a join's ON clause from the foreign keys between its two sides (as SQLAlchemy does). */
import { ArgumentError } from "../../util/errors.js";
import { binary, boolList, type ExprNode } from "../nodes/expression-nodes.js";
import type { FromItem, NamedFrom } from "../nodes/from-nodes.js";
import { namedFromsOf } from "../nodes/node-walk.js";
import type { Column } from "../schema/column.js";
import type { ForeignKeyConstraint } from "../schema/foreign-key.js";
import type { Table } from "../schema/table.js";

/** The table a FROM item stands for: tables themselves, and the table behind an alias. */
function baseTable(f: NamedFrom): Table | undefined {
  if (f.kind === "Table") return f as unknown as Table;
  if (f.kind === "Alias") return (f as unknown as { table: Table }).table;
  return undefined;
}

/** The column of `f` standing for `col` of its base table. */
function columnOn(f: NamedFrom, col: Column<string, unknown, boolean>): Column<string, unknown, boolean> {
  if (f.kind === "Table") return col;
  const found = f.columnList.find((c) => c.proxyOf === col);
  if (!found) throw new ArgumentError(`${f.name} has no column standing for ${col.toString()}`);
  return found;
}

interface Candidate {
  fk: ForeignKeyConstraint;
  child: NamedFrom;
  parent: NamedFrom;
}

/** The ON condition for joining `right` to `left`, from exactly one foreign key between them. */
export function joinCondition(left: FromItem, right: NamedFrom): ExprNode {
  const rightTable = baseTable(right);
  const candidates: Candidate[] = [];
  if (rightTable) {
    for (const l of namedFromsOf(left)) {
      const lt = baseTable(l);
      if (!lt) continue;
      for (const fk of rightTable.foreignKeys)
        if (fk.isResolvable() && fk.resolve().table === lt) candidates.push({ fk, child: right, parent: l });
      if (lt !== rightTable)
        for (const fk of lt.foreignKeys)
          if (fk.isResolvable() && fk.resolve().table === rightTable) candidates.push({ fk, child: l, parent: right });
    }
  }
  const leftNames = namedFromsOf(left)
    .map((f) => f.name)
    .join(", ");
  if (candidates.length === 0)
    throw new ArgumentError(
      `cannot find a foreign key between ${leftNames} and ${right.name} to join on; pass the ON condition, e.g. .join(${right.name}, ${right.name}.c.x.eq(…))`,
    );
  if (candidates.length > 1)
    throw new ArgumentError(
      `more than one foreign key links ${leftNames} and ${right.name} (${candidates
        .map((c) => `${c.child.name}(${c.fk.columns.map((x) => x.name).join(", ")})`)
        .join("; ")}); pass the ON condition to say which one`,
    );
  const { fk, child, parent } = candidates[0]!;
  const targets = fk.resolve().columns;
  const eqs = fk.columns.map((col, i) => binary(columnOn(child, col).node, "=", columnOn(parent, targets[i]!).node));
  return eqs.length === 1 ? eqs[0]! : boolList("AND", eqs);
}
