/**
 * Migration operations: plain data shared by autogenerate (which produces them), rendering (which
 * writes them into revision files) and application (which turns them into DDL). Every operation
 * carries what its inverse needs: a drop holds the reflected object it removes, an alteration the
 * value it replaces, so downgrades are generated from the same records.
 */
import type { Column } from "../sql/schema/column.js";
import type { Index } from "../sql/schema/constraints.js";
import type { Table } from "../sql/schema/table.js";
import type { AlterableConstraint, ColumnAlteration, ColumnChange } from "../sql/compiler/ddl-compiler.js";
import type { Connection } from "../engine/connection.js";

type AnyColumn = Column<string, unknown, boolean>;

/** A change of one property, from the database's value to the model's. */
export type Change<T> = ColumnChange<T>;

export type MigrationOp =
  | { readonly kind: "createTable"; readonly table: Table }
  | { readonly kind: "dropTable"; readonly table: Table }
  | { readonly kind: "addColumn"; readonly table: string; readonly column: AnyColumn }
  | { readonly kind: "dropColumn"; readonly table: string; readonly column: AnyColumn }
  /** A column's type, nullability, default or comment: the shape the DDL compiler's alterColumn takes. */
  | ({ readonly kind: "alterColumn" } & ColumnAlteration)
  | { readonly kind: "createIndex"; readonly index: Index }
  | { readonly kind: "dropIndex"; readonly index: Index }
  | { readonly kind: "addConstraint"; readonly constraint: AlterableConstraint }
  | { readonly kind: "dropConstraint"; readonly constraint: AlterableConstraint }
  | { readonly kind: "renameTable"; readonly from: string; readonly to: string }
  | { readonly kind: "renameColumn"; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: "createEnum"; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: "dropEnum"; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: "alterEnum"; readonly name: string; readonly values: Change<readonly string[]> }
  /** SQL run as written (a Core statement is compiled with its values as literals when recorded). */
  | { readonly kind: "execute"; readonly sql: string }
  /** Rows inserted into a table; keys are the table's column keys. Compiled with literal values. */
  | { readonly kind: "bulkInsert"; readonly table: Table; readonly rows: readonly Readonly<Record<string, unknown>>[] }
  /** Code run against the live connection; there is no SQL to print for it offline. */
  | { readonly kind: "run"; readonly fn: (conn: Connection) => Promise<void> };

export type MigrationOpKind = MigrationOp["kind"];
