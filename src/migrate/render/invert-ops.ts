/**
 * The downgrade of a list of operations: each operation's inverse, in reverse order. Every
 * operation autogenerate produces carries what its inverse needs (a drop holds the reflected
 * object, an alteration the value it replaces). Called by render-revision.ts when no downgrade is
 * given, and by the runner.
 */
import { CompileError } from "../../util/errors.js";
import { sqlText } from "../../sql/elements/sql-template.js";
import { column, type Column, type ColumnDef } from "../../sql/schema/column.js";
import { MetaData } from "../../sql/schema/metadata.js";
import type { MigrationOp } from "../operations.js";
import { isPlaceholder, placeholderTable } from "../ops/placeholders.js";

type AnyColumn = Column<string, unknown, boolean>;
type AlterColumnOp = Extract<MigrationOp, { kind: "alterColumn" }>;

function cannot(op: MigrationOp, why: string): CompileError {
  return new CompileError(`the ${op.kind} operation cannot be inverted: ${why}; write the downgrade by hand`);
}

const swap = <T>(c: { from: T; to: T } | undefined) => (c ? { from: c.to, to: c.from } : undefined);

/** The column as it was before the alteration, for databases whose ALTER restates the whole column. */
function previousColumn(op: AlterColumnOp): AnyColumn | undefined {
  const t = op.target;
  if (!t) return undefined;
  const previousDefault = op.default ? op.default.from : undefined;
  const generated = (t.table as { autoincrementColumn?: unknown }).autoincrementColumn === t;
  const def = column(op.type ? op.type.from : t.type, {
    ...(generated ? { primaryKey: true, autoincrement: true } : { autoincrement: false }),
    nullable: op.nullable ? op.nullable.from : t.spec.nullable,
    serverDefault: op.default ? (previousDefault === undefined ? undefined : sqlText(previousDefault)) : t.spec.serverDefault,
    comment: op.comment ? op.comment.from : t.spec.comment,
  } as never) as ColumnDef;
  return placeholderTable(new MetaData(), op.table, [], { extra: { [op.column]: def } }).column(op.column);
}

function invert(op: MigrationOp): MigrationOp {
  switch (op.kind) {
    case "createTable":
      return { kind: "dropTable", table: op.table };
    case "dropTable":
      if (isPlaceholder(op.table)) throw cannot(op, `table ${op.table.name} was dropped by name, so its definition is unknown`);
      return { kind: "createTable", table: op.table };
    case "addColumn":
      return { kind: "dropColumn", table: op.table, column: op.column };
    case "dropColumn":
      if (isPlaceholder(op.column))
        throw cannot(op, `column ${op.table}.${op.column.name} was dropped by name, so its definition is unknown`);
      return { kind: "addColumn", table: op.table, column: op.column };
    case "alterColumn": {
      const back: { -readonly [K in keyof AlterColumnOp]: AlterColumnOp[K] } = { kind: "alterColumn", table: op.table, column: op.column };
      if (op.type) back.type = swap(op.type);
      if (op.nullable) back.nullable = swap(op.nullable);
      if (op.default) back.default = swap(op.default);
      if (op.comment) back.comment = swap(op.comment);
      const previous = previousColumn(op);
      if (previous) back.target = previous;
      return back;
    }
    case "createIndex":
      return { kind: "dropIndex", index: op.index };
    case "dropIndex":
      return { kind: "createIndex", index: op.index };
    case "addConstraint":
      return { kind: "dropConstraint", constraint: op.constraint };
    case "dropConstraint":
      return { kind: "addConstraint", constraint: op.constraint };
    case "renameTable":
      return { kind: "renameTable", from: op.to, to: op.from };
    case "renameColumn":
      return { kind: "renameColumn", table: op.table, from: op.to, to: op.from };
    case "createEnum":
      return { kind: "dropEnum", name: op.name, values: op.values };
    case "dropEnum":
      if (op.values.length === 0) throw cannot(op, `the values of enum type ${op.name} are unknown (pass them to dropEnum)`);
      return { kind: "createEnum", name: op.name, values: op.values };
    case "alterEnum":
      return { kind: "alterEnum", name: op.name, values: { from: op.values.to, to: op.values.from } };
    case "execute":
    case "bulkInsert":
    case "run":
      throw cannot(op, "it runs SQL or code whose effect is not known");
  }
}

/** The operations that undo `ops`: each one's inverse, last first. */
export function invertOps(ops: readonly MigrationOp[]): MigrationOp[] {
  return [...ops].reverse().map(invert);
}
