/**
 * Autogenerate's comparison: the project's MetaData against a reflected database, as a list of
 * operations in an order that can run: enum types first, then new tables (parents before children),
 * then the changes inside existing tables, then dropped tables (children first) and enum types.
 * Comparing a database with the metadata that created it gives no operations.
 */
import type { Dialect } from "../../engine/dialect.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import type { Table } from "../../sql/schema/table.js";
import type { Reflection } from "../reflect.js";
import type { MigrationOp } from "../operations.js";
import { includer, type CompareContext, type CompareOptions } from "./context.js";
import { compareColumns } from "./columns.js";
import { compareIndexes } from "./indexes.js";
import { compareConstraints } from "./constraints.js";
import { compareEnums } from "./enums.js";

export function compareMetadata(metadata: MetaData, reflection: Reflection, dialect: Dialect, options: CompareOptions = {}): MigrationOp[] {
  const ctx: CompareContext = { dialect, options };
  const tableOn = includer(ctx, "table");
  const enums = compareEnums(ctx, metadata, reflection.enums);
  const ops: MigrationOp[] = [...enums.before];
  const modelTables = metadata.sortedTables;
  for (const t of modelTables) if (!reflection.tables.has(t.name) && tableOn(t.name, false)) ops.push({ kind: "createTable", table: t });
  for (const t of modelTables) {
    const r = reflection.tables.get(t.name);
    if (!r || !tableOn(t.name, true)) continue;
    const reflectedTable = reflection.metadata.tables.get(t.name) as Table;
    // Constraints and indexes that go are removed before columns change, new ones added after.
    const constraintOps: MigrationOp[] = [];
    compareConstraints(ctx, t, r, reflectedTable, constraintOps);
    const indexOps: MigrationOp[] = [];
    compareIndexes(ctx, t, r, reflectedTable, indexOps);
    const columnOps: MigrationOp[] = [];
    compareColumns(ctx, t, r, reflectedTable, columnOps);
    const removing = (op: MigrationOp) => op.kind === "dropConstraint" || op.kind === "dropIndex";
    ops.push(...constraintOps.filter(removing), ...indexOps.filter(removing), ...columnOps);
    ops.push(...indexOps.filter((o) => !removing(o)), ...constraintOps.filter((o) => !removing(o)));
  }
  const dropped = [...reflection.metadata.sortedTables].reverse().filter((t) => !metadata.tables.has(t.name) && tableOn(t.name, true));
  for (const t of dropped) ops.push({ kind: "dropTable", table: t });
  ops.push(...enums.after);
  return ops;
}
