/**
 * Renders one migration operation as a call of the `op` API (the text of a revision file's
 * upgrade or downgrade). Called by render-revision.ts; the inverse of what operations-api.ts records.
 */
import { CompileError } from "../../util/errors.js";
import { sqlText } from "../../sql/elements/sql-template.js";
import type { AlterableConstraint } from "../../sql/compiler/ddl-compiler.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import type { MigrationOp } from "../operations.js";
import { isPlaceholder } from "../ops/placeholders.js";
import { array, call, object, text, type Doc } from "./layout.js";
import type { RenderContext } from "./render-context.js";
import { columnDoc, createTableDoc, foreignKeyOptions, foreignKeyTargets, serverDefaultDoc } from "./render-table.js";
import { tsKey, tsString, tsValue } from "./ts-literals.js";

type AnyColumn = Column<string, unknown, boolean>;
type Entries = [string, Doc][];

const str = (s: string) => text(tsString(s));
const strings = (list: readonly string[]) => array(list.map(str));

/** The name of a constraint for the op API: its own, or the one the default naming convention gives it. */
function constraintName(ctx: RenderContext, c: AlterableConstraint): string {
  if (c.resolvedName) return ctx.dbName(c.resolvedName);
  const table = c.table.name;
  const cols = c.columns.map((col) => col.name).join("_");
  if (c.kind === "Unique") return `uq_${table}_${cols}`;
  if (c.kind === "ForeignKey") return `fk_${table}_${cols}_${c.referredTableName}`;
  throw new CompileError(
    `a check constraint on table ${table} has no name, and the op API drops and adds constraints by name; name it in the model (a naming convention with %(constraint_name)s makes that required)`,
  );
}

function sqlDefault(ctx: RenderContext, sql: string | undefined, where: string): Doc {
  return sql === undefined ? text("null") : ctx.sql(sqlText(sql).node, where);
}

/** What the column is now, for databases whose ALTER restates the column: the `existing*` options. */
function existing(ctx: RenderContext, op: Extract<MigrationOp, { kind: "alterColumn" }>): Entries {
  const where = `alterColumn ${op.table}.${op.column}`;
  const target = op.target;
  const o: Entries = [];
  const type = op.type ? op.type.from : target?.type;
  if (type) o.push(["existingType", ctx.type(type)]);
  const nullable = op.nullable ? op.nullable.from : target?.spec.nullable;
  if (nullable !== undefined) o.push(["existingNullable", text(String(nullable))]);
  if (op.default) {
    if (op.default.from !== undefined) o.push(["existingServerDefault", sqlDefault(ctx, op.default.from, where)]);
  } else if (target) {
    const d = serverDefaultDoc(ctx, target);
    if (d) o.push(["existingServerDefault", d]);
  }
  // A database without comments has none to keep.
  const comment = op.comment ? op.comment.from : ctx.dialect?.caps.comments === false ? undefined : target?.spec.comment;
  if (comment !== undefined) o.push(["existingComment", text(tsString(comment))]);
  if (target && (target.table as Table).autoincrementColumn === target) o.push(["existingAutoincrement", text("true")]);
  return o;
}

function alterColumnDoc(ctx: RenderContext, op: Extract<MigrationOp, { kind: "alterColumn" }>): Doc {
  const o: Entries = [];
  if (op.type) o.push(["type", ctx.type(op.type.to)]);
  if (op.nullable) o.push(["nullable", text(String(op.nullable.to))]);
  if (op.default) o.push(["serverDefault", sqlDefault(ctx, op.default.to, `alterColumn ${op.table}.${op.column}`)]);
  if (op.comment) o.push(["comment", op.comment.to === undefined ? text("null") : str(op.comment.to)]);
  return call("op.alterColumn", str(op.table), str(op.column), object([...o, ...existing(ctx, op)]));
}

function addConstraintDoc(ctx: RenderContext, c: AlterableConstraint): Doc {
  const name = str(constraintName(ctx, c));
  const table = str(c.table.name);
  const columns = strings(c.columns.map((col) => col.name));
  if (c.kind === "Unique") return call("op.createUniqueConstraint", name, table, columns);
  if (c.kind === "Check")
    return call("op.createCheckConstraint", name, table, ctx.sql(c.condition, `check constraint ${constraintName(ctx, c)}`));
  const referred = c.resolve().table.name;
  const referredColumns = strings(foreignKeyTargets(c).map((t) => t.slice(t.lastIndexOf(".") + 1)));
  const o = foreignKeyOptions(ctx, c, false);
  return call("op.createForeignKey", name, table, str(referred), columns, referredColumns, ...(o.length ? [object(o)] : []));
}

const KIND = { Unique: "unique", Check: "check", ForeignKey: "foreignKey" } as const;

function dropConstraintDoc(ctx: RenderContext, c: AlterableConstraint): Doc {
  const kind = str(KIND[c.kind]);
  // SQLite keeps no name for constraints declared without one: those are found by their columns.
  if (!c.resolvedName && c.kind !== "Check")
    return call(
      "op.dropConstraint",
      text("null"),
      str(c.table.name),
      kind,
      object([["columns", strings(c.columns.map((col) => col.name))]]),
    );
  return call("op.dropConstraint", str(constraintName(ctx, c)), str(c.table.name), kind);
}

function placeholderError(op: MigrationOp, what: string): CompileError {
  return new CompileError(
    `the ${op.kind} operation names ${what} only; a revision file cannot be written from it (it was recorded by name)`,
  );
}

/** `op.…(…)` for one operation. */
export function opDoc(ctx: RenderContext, op: MigrationOp): Doc {
  switch (op.kind) {
    case "createTable":
      if (isPlaceholder(op.table)) throw placeholderError(op, `table ${op.table.name}`);
      return createTableDoc(ctx, op.table);
    case "dropTable":
      return call("op.dropTable", str(op.table.name));
    case "addColumn":
      if (isPlaceholder(op.column)) throw placeholderError(op, `column ${op.table}.${op.column.name}`);
      return call("op.addColumn", str(op.table), str(op.column.name), columnDoc(ctx, op.column as AnyColumn));
    case "dropColumn":
      return call("op.dropColumn", str(op.table), str(op.column.name));
    case "alterColumn":
      return alterColumnDoc(ctx, op);
    case "createIndex": {
      const ix = op.index;
      const table = ix.table as Table;
      const items = ix.items.map((n) => (n.kind === "Column" ? str(n.column.name) : ctx.sql(n, `index ${ix.name ?? ""}`)));
      const o: Entries = [];
      if (ix.unique) o.push(["unique", text("true")]);
      if (ix.where) o.push(["where", ctx.sql(ix.where, `the condition of index ${ix.name ?? ""}`)]);
      const name = str(ctx.dbName(ix.resolvedName!));
      return call("op.createIndex", name, str(table.name), array(items), ...(o.length ? [object(o)] : []));
    }
    case "dropIndex":
      return call("op.dropIndex", str(ctx.dbName(op.index.resolvedName!)), str(op.index.table.name));
    case "addConstraint":
      return addConstraintDoc(ctx, op.constraint);
    case "dropConstraint":
      return dropConstraintDoc(ctx, op.constraint);
    case "renameTable":
      return call("op.renameTable", str(op.from), str(op.to));
    case "renameColumn":
      return call("op.renameColumn", str(op.table), str(op.from), str(op.to));
    case "createEnum":
      return call("op.createEnum", str(op.name), strings(op.values));
    case "dropEnum":
      return op.values.length ? call("op.dropEnum", str(op.name), strings(op.values)) : call("op.dropEnum", str(op.name));
    case "alterEnum":
      return call(
        "op.alterEnum",
        str(op.name),
        object([
          ["from", strings(op.values.from)],
          ["to", strings(op.values.to)],
        ]),
      );
    case "execute":
      return call("op.execute", str(op.sql));
    case "bulkInsert": {
      const where = `bulkInsert into ${op.table.name}`;
      const rows = op.rows.map((r) => object(Object.entries(r).map(([k, v]) => [tsKey(k), text(tsValue(v, where))])));
      return call("op.bulkInsert", str(op.table.name), array(rows));
    }
    case "run":
      throw new CompileError("an op.run() operation holds code, not data, so it cannot be written into a revision file; write it by hand");
  }
}
