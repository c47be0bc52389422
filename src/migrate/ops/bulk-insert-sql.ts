/**
 * The INSERT statements of a bulkInsert operation, with the values written as literals so the
 * offline ("print the SQL") mode shows them. Called by opSql (apply.ts). Rows with the same keys
 * that follow each other share multi-row INSERTs of at most {@link BULK_INSERT_CHUNK} rows; a key a
 * row leaves out is left out of its INSERT, so the column's default applies.
 */
import { CompileError } from "../../util/errors.js";
import type { Dialect } from "../../engine/dialect.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";

/** Rows per INSERT statement: keeps statements readable and under every server's packet limits. */
export const BULK_INSERT_CHUNK = 100;

/** The table's column for a row key: its key in `table.c`, or its name in the database. */
export function bulkInsertColumn(table: Table, key: string): Column<string, unknown, boolean> | undefined {
  return (table.c as Record<string, Column<string, unknown, boolean> | undefined>)[key] ?? table.columnList.find((c) => c.name === key);
}

/** `INSERT INTO t (…) VALUES (…), (…)` statements with literal values; CompileError for a key the table lacks or a value its type refuses. */
export function bulkInsertSql(table: Table, rows: readonly Readonly<Record<string, unknown>>[], dialect: Dialect): string[] {
  const q = dialect.preparer;
  const target = q.quotePath(table.schema, table.name);
  const out: string[] = [];
  let i = 0;
  while (i < rows.length) {
    const first = i;
    const keys = Object.keys(rows[i]!);
    if (keys.length === 0)
      throw new CompileError(`bulkInsert into ${table.name}: row ${i + 1} has no values; give every row at least one column`);
    const signature = keys.join("\u0000");
    const chunk: Readonly<Record<string, unknown>>[] = [];
    while (i < rows.length && chunk.length < BULK_INSERT_CHUNK && Object.keys(rows[i]!).join("\u0000") === signature)
      chunk.push(rows[i++]!);
    const columns = keys.map((k) => {
      const col = bulkInsertColumn(table, k);
      if (!col) throw new CompileError(`bulkInsert into ${table.name}: the table has no column ${k}`);
      return col;
    });
    const values = chunk.map((row, r) => {
      const cells = columns.map((col, c) => {
        try {
          return dialect.renderLiteral(row[keys[c]!], col.type);
        } catch (err) {
          throw new CompileError(`bulkInsert into ${table.name}, row ${first + r + 1}, column ${col.name}: ${(err as Error).message}`);
        }
      });
      return `(${cells.join(", ")})`;
    });
    out.push(`INSERT INTO ${target} (${columns.map((c) => q.quote(c.name)).join(", ")}) VALUES ${values.join(", ")}`);
  }
  return out;
}
