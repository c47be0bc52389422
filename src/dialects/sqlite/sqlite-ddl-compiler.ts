/** SQLite DDL: the autoincrement key is an inline `INTEGER PRIMARY KEY` (a rowid alias); no comments. */
import type { Column } from "../../sql/schema/column.js";
import type { Index } from "../../sql/schema/constraints.js";
import type { Table } from "../../sql/schema/table.js";
import { DdlCompiler } from "../../sql/compiler/ddl-compiler.js";

export class SqliteDdlCompiler extends DdlCompiler {
  protected override inlinePrimaryKey(table: Table): boolean {
    return (
      table.autoincrementColumn !== undefined &&
      table.primaryKey.columns.length === 1 &&
      table.primaryKey.columns[0] === table.autoincrementColumn
    );
  }

  protected override columnType(col: Column<string, unknown, boolean>): string {
    // Only a column declared exactly INTEGER becomes the rowid alias that generates ids.
    if ((col.table as Table).autoincrementColumn === col) return "INTEGER";
    return super.columnType(col);
  }

  protected override autoincrementClause(col: Column<string, unknown, boolean>): string {
    const table = col.table as Table;
    if (!this.inlinePrimaryKey(table)) return "";
    const name = table.primaryKey.resolvedName;
    const constraint = name ? ` CONSTRAINT ${this.q.constraintName(name)}` : "";
    return `${constraint} PRIMARY KEY${table.sqliteAutoincrement ? " AUTOINCREMENT" : ""}`;
  }

  /**
   * SQLite cannot drop a foreign key, and DROP TABLE deletes rows that other tables may still
   * reference (cycles); deferring the checks to COMMIT lets a whole dropAll succeed.
   */
  override dropPrelude(): string[] {
    return ["PRAGMA defer_foreign_keys = ON"];
  }

  override dropIndex(index: Index): string {
    const name = this.q.constraintName(index.resolvedName!);
    return `DROP INDEX ${index.table.schema ? `${this.q.quote(index.table.schema)}.` : ""}${name}`;
  }

  override createIndex(index: Index): string {
    // SQLite puts the schema on the index name, not on the table.
    const sql = super.createIndex(index);
    const schema = index.table.schema;
    if (!schema) return sql;
    const qs = this.q.quote(schema);
    return sql.replace(`ON ${qs}.`, "ON ").replace(/INDEX /, `INDEX ${qs}.`);
  }
}
