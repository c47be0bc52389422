/**
 * Renames in autogenerate. The comparison cannot tell a rename from a drop and an add, so it stays
 * pure and someone decides: the CLI asks the user about each likely rename (review.ts finds them)
 * or takes `--rename` answers, tests pass them directly. A decided rename is applied to the
 * reflection, giving the database as it will be once the rename ran, and the comparison runs
 * again from there; indexes and constraints whose names follow the old name then show up as the
 * changes they are, instead of the table or column being dropped and created.
 */
import { ArgumentError } from "../../util/errors.js";
import type { ReflectedTable } from "../../engine/introspection.js";
import { MetaData } from "../../sql/schema/metadata.js";
import type { MigrationOp } from "../operations.js";
import { tableFromReflection, type Reflection } from "../reflect.js";
import type { LikelyRename } from "./review.js";

/** The operations that perform the renames, tables first (a column rename names its table's new name). */
export function renameOps(renames: readonly LikelyRename[]): MigrationOp[] {
  const tables = renames.filter((r) => r.kind === "table").map((r) => ({ kind: "renameTable" as const, from: r.from, to: r.to }));
  const columns = renames.flatMap((r) =>
    r.kind === "column" ? [{ kind: "renameColumn" as const, table: r.table, from: r.from, to: r.to }] : [],
  );
  return [...tables, ...columns];
}

/**
 * Checks that each rename names a table or column the database has and the models do not, and
 * the other way round for the new name; throws an ArgumentError naming the first that does not.
 */
export function checkRenames(renames: readonly LikelyRename[], reflection: Reflection, models: MetaData): void {
  const modelTables = models.tables;
  for (const r of renames) {
    const what = r.kind === "table" ? `rename of table ${r.from} to ${r.to}` : `rename of column ${r.table}.${r.from} to ${r.to}`;
    const fail = (why: string) => new ArgumentError(`${what}: ${why}`);
    if (r.kind === "table") {
      if (!reflection.tables.has(r.from)) throw fail(`the database has no table ${r.from}`);
      if (reflection.tables.has(r.to)) throw fail(`the database already has a table ${r.to}`);
      if (!modelTables.has(r.to)) throw fail(`the models have no table ${r.to}`);
      if (modelTables.has(r.from)) throw fail(`the models still have a table ${r.from}`);
    } else {
      const table = reflection.tables.get(r.table);
      const model = modelTables.get(r.table);
      if (!table || !model) throw fail(`the table ${r.table} must exist in both the database and the models`);
      if (!table.columns.some((c) => c.name === r.from)) throw fail(`the database's ${r.table} has no column ${r.from}`);
      if (table.columns.some((c) => c.name === r.to)) throw fail(`the database's ${r.table} already has a column ${r.to}`);
      if (!model.columnList.some((c) => c.name === r.to)) throw fail(`the model of ${r.table} has no column ${r.to}`);
      if (model.columnList.some((c) => c.name === r.from)) throw fail(`the model of ${r.table} still has a column ${r.from}`);
    }
  }
}

/** The reflection as the database will be after the renames (the database keeps constraint and index names). */
export function renamedReflection(reflection: Reflection, renames: readonly LikelyRename[]): Reflection {
  let records = [...reflection.tables.values()];
  for (const r of renames)
    records = records.map((t) => (r.kind === "table" ? renameTable(t, r.from, r.to) : renameColumn(t, r.table, r.from, r.to)));
  const metadata = new MetaData();
  for (const t of records) tableFromReflection(metadata, t);
  return { metadata, enums: reflection.enums, tables: new Map(records.map((t) => [t.name, t])) };
}

function renameTable(t: ReflectedTable, from: string, to: string): ReflectedTable {
  return {
    ...t,
    name: t.name === from ? to : t.name,
    foreignKeys: t.foreignKeys.map((fk) => (fk.referredTable === from ? { ...fk, referredTable: to } : fk)),
  };
}

function renameColumn(t: ReflectedTable, table: string, from: string, to: string): ReflectedTable {
  const swap = (names: readonly string[]) => names.map((n) => (n === from ? to : n));
  const foreignKeys = t.foreignKeys.map((fk) => ({
    ...fk,
    columns: t.name === table ? swap(fk.columns) : fk.columns,
    referredColumns: fk.referredTable === table ? swap(fk.referredColumns) : fk.referredColumns,
  }));
  if (t.name !== table) return { ...t, foreignKeys };
  return {
    ...t,
    columns: t.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
    primaryKey: t.primaryKey && { ...t.primaryKey, columns: swap(t.primaryKey.columns) },
    foreignKeys,
    uniques: t.uniques.map((u) => ({ ...u, columns: swap(u.columns) })),
    indexes: t.indexes.map((ix) => ({ ...ix, items: ix.items.map((i) => (i === from ? to : i)) })),
  };
}
