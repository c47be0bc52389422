/** One line per migration operation, for `check`, plans and error messages: `add column users.age`. */
import type { MigrationOp } from "./operations.js";

export function describeOp(op: MigrationOp): string {
  switch (op.kind) {
    case "createTable":
      return `create table ${op.table.name}`;
    case "dropTable":
      return `drop table ${op.table.name}`;
    case "addColumn":
      return `add column ${op.table}.${op.column.name}`;
    case "dropColumn":
      return `drop column ${op.table}.${op.column.name}`;
    case "alterColumn": {
      const what = (["type", "nullable", "default", "comment"] as const).filter((k) => op[k] !== undefined);
      return `alter column ${op.table}.${op.column} (${what.join(", ")})`;
    }
    case "createIndex":
      return `create index ${op.index.name ?? "(unnamed)"} on ${op.index.table.name}`;
    case "dropIndex":
      return `drop index ${op.index.name ?? "(unnamed)"} on ${op.index.table.name}`;
    case "addConstraint":
      return `add ${constraintKind(op.constraint.kind)} ${op.constraint.name ?? "(unnamed)"} on ${op.constraint.table.name}`;
    case "dropConstraint":
      return `drop ${constraintKind(op.constraint.kind)} ${op.constraint.name ?? "(unnamed)"} on ${op.constraint.table.name}`;
    case "renameTable":
      return `rename table ${op.from} to ${op.to}`;
    case "renameColumn":
      return `rename column ${op.table}.${op.from} to ${op.to}`;
    case "createEnum":
      return `create enum ${op.name}`;
    case "dropEnum":
      return `drop enum ${op.name}`;
    case "alterEnum":
      return `alter enum ${op.name}`;
    case "execute":
      return `execute ${op.sql.length > 60 ? `${op.sql.slice(0, 57).replace(/\s+/g, " ")}...` : op.sql.replace(/\s+/g, " ")}`;
    case "bulkInsert":
      return `insert ${op.rows.length} row${op.rows.length === 1 ? "" : "s"} into ${op.table.name}`;
    case "run":
      return "run code";
  }
}

function constraintKind(kind: string): string {
  return kind === "ForeignKey" ? "foreign key" : kind === "Unique" ? "unique constraint" : "check constraint";
}
