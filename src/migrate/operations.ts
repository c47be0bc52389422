/**
 * Migration operations: plain data shared by autogenerate (which produces them), rendering (which
 * writes them into revision files) and application (which turns them into DDL). Every operation
 * carries what its inverse needs: a drop holds the reflected object it removes, an alteration the
 * value it replaces, so downgrades are generated from the same records.
 */
import type { Column } from "../sql/schema/column.js";
import type { CheckConstraint, Index, UniqueConstraint } from "../sql/schema/constraints.js";
import type { ForeignKeyConstraint } from "../sql/schema/foreign-key.js";
import type { Table } from "../sql/schema/table.js";
import type { SqlType } from "../sql/types/sql-type.js";

type AnyColumn = Column<string, unknown, boolean>;

/** A change of one property, from the database's value to the model's. */
export interface Change<T> {
  readonly from: T;
  readonly to: T;
}

export type MigrationOp =
  | { readonly kind: "createTable"; readonly table: Table }
  | { readonly kind: "dropTable"; readonly table: Table }
  | { readonly kind: "addColumn"; readonly table: string; readonly column: AnyColumn }
  | { readonly kind: "dropColumn"; readonly table: string; readonly column: AnyColumn }
  | {
      readonly kind: "alterColumn";
      readonly table: string;
      readonly column: string;
      readonly type?: Change<SqlType<unknown>>;
      readonly nullable?: Change<boolean>;
      readonly default?: Change<string | undefined>;
      readonly comment?: Change<string | undefined>;
      /**
       * The column as the model wants it, in its table: the statements of databases that restate
       * a whole column to change one property (MySQL's MODIFY COLUMN) take the rest from it.
       */
      readonly target?: AnyColumn;
    }
  | { readonly kind: "createIndex"; readonly index: Index }
  | { readonly kind: "dropIndex"; readonly index: Index }
  | { readonly kind: "addConstraint"; readonly constraint: UniqueConstraint | ForeignKeyConstraint | CheckConstraint }
  | { readonly kind: "dropConstraint"; readonly constraint: UniqueConstraint | ForeignKeyConstraint | CheckConstraint }
  | { readonly kind: "renameTable"; readonly from: string; readonly to: string }
  | { readonly kind: "renameColumn"; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: "createEnum"; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: "dropEnum"; readonly name: string; readonly values: readonly string[] }
  | { readonly kind: "alterEnum"; readonly name: string; readonly values: Change<readonly string[]> };

export type MigrationOpKind = MigrationOp["kind"];
