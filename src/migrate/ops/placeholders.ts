/**
 * Stand-in schema objects for migration operations that name a table, column or constraint the
 * migration does not define (it exists in the database): the DDL compilers take Table, Column and
 * constraint objects, and only read names from these. Used by operations-api.ts; the renderer asks
 * isPlaceholder() so it never writes a stand-in out as if it were the real definition.
 */
import { column, type Column, type ColumnDef } from "../../sql/schema/column.js";
import { parseTarget, type ForeignKeyConstraint, type ForeignKeyTarget } from "../../sql/schema/foreign-key.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import { Table, type TableItem } from "../../sql/schema/table.js";
import { UNTYPED } from "../../sql/types/sql-type.js";

const placeholders = new WeakSet<object>();

/** Whether a table or column stands in for one known only by name. */
export function isPlaceholder(object: Table | Column<string, unknown, boolean>): boolean {
  return placeholders.has(object);
}

/** The column name a placeholder table gets when the operation names no column of it. */
export const FILLER_COLUMN = "_athanor_placeholder";

/**
 * A table known by name, with untyped columns of these names (plus `extra` real definitions), in
 * `metadata`. Its items (constraints, indexes) are built from its columns.
 */
export function placeholderTable(
  metadata: MetaData,
  name: string,
  columns: readonly string[],
  options: {
    schema?: string;
    extra?: Record<string, ColumnDef>;
    items?: (c: Record<string, Column<string, unknown, boolean>>) => TableItem[];
  } = {},
): Table {
  const defs: Record<string, ColumnDef> = {};
  for (const c of columns) defs[c] = column(UNTYPED) as ColumnDef;
  Object.assign(defs, options.extra);
  if (Object.keys(defs).length === 0) defs[FILLER_COLUMN] = column(UNTYPED) as ColumnDef;
  const table = new Table(name, metadata, defs, {
    schema: options.schema,
    items: options.items ? (c) => options.items!(c as Record<string, Column<string, unknown, boolean>>) : undefined,
  });
  // The table stands in for a real one only when every column does.
  if (!options.extra) placeholders.add(table);
  for (const c of table.columnList) if (!options.extra || !(c.key in options.extra)) placeholders.add(c);
  return table;
}

/** The table, schema and column a string foreign-key target names, or undefined for columns and thunks. */
function stringTarget(target: ForeignKeyTarget): ReturnType<typeof parseTarget> | undefined {
  return typeof target === "string" ? parseTarget(target) : undefined;
}

/**
 * Makes every string target of these foreign-key targets resolvable in `metadata`: a table the
 * metadata lacks becomes a placeholder holding the referred columns; a placeholder already there
 * gains the columns it lacks (it is rebuilt: foreign keys resolve lazily, by name). Returns a
 * message for a target that names a real table of the metadata without that column.
 */
export function ensureTargets(metadata: MetaData, targets: readonly ForeignKeyTarget[], skip?: string): string | undefined {
  const wanted = new Map<string, { schema?: string; table: string; columns: Set<string> }>();
  for (const t of targets) {
    const p = stringTarget(t);
    if (!p || p.table === skip) continue;
    const key = p.schema ? `${p.schema}.${p.table}` : p.table;
    const entry = wanted.get(key) ?? { schema: p.schema, table: p.table, columns: new Set<string>() };
    entry.columns.add(p.column);
    wanted.set(key, entry);
  }
  for (const [key, w] of wanted) {
    const existing = metadata.tables.get(key) ?? (w.schema ? undefined : metadata.findTable(w.table));
    const names = existing?.columnList.flatMap((c) => [c.name, c.key]) ?? [];
    const missing = [...w.columns].filter((c) => !names.includes(c));
    if (existing && missing.length === 0) continue;
    if (existing && !placeholders.has(existing))
      return `table ${w.table}, created in this migration, has no column ${missing.join(", ")} (its columns: ${existing.columnList.map((c) => c.name).join(", ")})`;
    const columns = new Set([...(existing?.columnList.map((c) => c.name) ?? []).filter((c) => c !== FILLER_COLUMN), ...w.columns]);
    if (existing) metadata.remove(existing);
    placeholderTable(metadata, w.table, [...columns], { schema: w.schema });
  }
  return undefined;
}

/** The string targets of a table's foreign keys (for {@link ensureTargets}). */
export function targetsOf(foreignKeys: readonly ForeignKeyConstraint[]): ForeignKeyTarget[] {
  return foreignKeys.flatMap((fk) => [...fk.targets]);
}
