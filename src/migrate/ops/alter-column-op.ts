/**
 * Builds the alterColumn operation of `op.alterColumn(table, column, change)`. Called only by
 * operations-api.ts. Server defaults become SQL text here (as the dialect writes them in DDL), and
 * where the dialect restates the whole column (MySQL's MODIFY COLUMN) the operation gets a target
 * column built from the change and the `existing*` options, or a clear error naming what is missing.
 */
import { ArgumentError, CompileError, describeValue } from "../../util/errors.js";
import type { Dialect } from "../../engine/dialect.js";
import { Expression } from "../../sql/elements/expression.js";
import { column, type Column, type ColumnDef } from "../../sql/schema/column.js";
import { MetaData } from "../../sql/schema/metadata.js";
import { toType, UNTYPED, type SqlType, type TypeArg } from "../../sql/types/sql-type.js";
import type { ColumnAlteration } from "../../sql/compiler/ddl-compiler.js";
import type { MigrationOp } from "../operations.js";
import { placeholderTable } from "./placeholders.js";

/** A server default: a plain value (written as a literal) or `sql\`…\`` (written as is). */
export type ServerDefault = string | number | boolean | bigint | Expression<any, any>;

/** What `op.alterColumn` changes, and what the column is now (needed where ALTER restates the column). */
export interface AlterColumnChange {
  /** The new type. */
  type?: TypeArg;
  /** The new nullability. */
  nullable?: boolean;
  /** The new server default; null removes it. */
  serverDefault?: ServerDefault | null;
  /** The new comment; null removes it. */
  comment?: string | null;
  /** The column's current type (MySQL needs it when the type does not change). */
  existingType?: TypeArg;
  /** The column's current nullability (MySQL needs it when the nullability does not change). */
  existingNullable?: boolean;
  /** The column's current server default, or null for none (MySQL's MODIFY COLUMN drops it unless given). */
  existingServerDefault?: ServerDefault | null;
  /** The column's current comment, or null for none (MySQL's MODIFY COLUMN drops it unless given). */
  existingComment?: string | null;
  /** The column is the table's generated key (MySQL's MODIFY COLUMN drops AUTO_INCREMENT unless given). */
  existingAutoincrement?: boolean;
}

const KEYS = new Set([
  "type",
  "nullable",
  "serverDefault",
  "comment",
  "existingType",
  "existingNullable",
  "existingServerDefault",
  "existingComment",
  "existingAutoincrement",
]);

export function alterColumnOp(dialect: Dialect, table: string, name: string, change: AlterColumnChange): MigrationOp {
  const where = `op.alterColumn(${JSON.stringify(table)}, ${JSON.stringify(name)})`;
  const fail = (what: string) => new ArgumentError(`${where}: ${what}`);
  if (!change || typeof change !== "object")
    throw fail(`the change must be an object such as { nullable: false }, got ${describeValue(change)}`);
  for (const k of Object.keys(change)) if (!KEYS.has(k)) throw fail(`unknown option '${k}'; the options are ${[...KEYS].join(", ")}`);
  if (change.type === undefined && change.nullable === undefined && change.serverDefault === undefined && change.comment === undefined)
    throw fail("nothing to change; give at least one of type, nullable, serverDefault, comment");
  const type = (arg: TypeArg | undefined, option: string): SqlType<unknown> | undefined => {
    if (arg === undefined) return undefined;
    try {
      return toType(arg) as SqlType<unknown>;
    } catch (err) {
      throw fail(`${option}: ${(err as Error).message}`);
    }
  };
  for (const k of ["nullable", "existingNullable", "existingAutoincrement"] as const)
    if (change[k] !== undefined && typeof change[k] !== "boolean")
      throw fail(`${k} must be true or false, got ${describeValue(change[k])}`);
  for (const k of ["comment", "existingComment"] as const)
    if (change[k] !== undefined && change[k] !== null && typeof change[k] !== "string")
      throw fail(`${k} must be a string, or null for none, got ${describeValue(change[k])}`);
  for (const k of ["serverDefault", "existingServerDefault"] as const) {
    const v = change[k];
    if (v !== undefined && v !== null && !(v instanceof Expression) && !["string", "number", "boolean", "bigint"].includes(typeof v))
      throw fail(`${k} must be a value, sql\`…\`, or null for none, got ${describeValue(v)}`);
  }
  const newType = type(change.type, "type");
  const oldType = type(change.existingType, "existingType");
  const ddl = dialect.createDdlCompiler();
  // Defaults are carried as the SQL text DDL writes, which depends on the column's type (booleans, JSON).
  const defaultSql = (d: ServerDefault | null | undefined): string | undefined => {
    if (d === undefined || d === null) return undefined;
    return ddl.serverDefault(scratchColumn(table, name, newType ?? oldType ?? UNTYPED, { serverDefault: d }));
  };
  const alteration: { -readonly [K in keyof ColumnAlteration]: ColumnAlteration[K] } = { table, column: name };
  if (newType) alteration.type = { from: oldType ?? newType, to: newType };
  if (change.nullable !== undefined) alteration.nullable = { from: change.existingNullable ?? !change.nullable, to: change.nullable };
  if (change.serverDefault !== undefined)
    alteration.default = { from: defaultSql(change.existingServerDefault), to: defaultSql(change.serverDefault) };
  if (change.comment !== undefined) alteration.comment = { from: change.existingComment ?? undefined, to: change.comment ?? undefined };
  if (dialect.caps.alterColumn && !compiles(dialect, alteration)) {
    alteration.target = targetColumn(table, name, change, newType ?? oldType, fail);
    try {
      dialect.createDdlCompiler().alterColumn(alteration);
    } catch (err) {
      throw fail((err as Error).message);
    }
  }
  return { kind: "alterColumn", ...alteration };
}

/** Whether the dialect can write the alteration without the column's whole definition. */
function compiles(dialect: Dialect, alteration: ColumnAlteration): boolean {
  try {
    dialect.createDdlCompiler().alterColumn(alteration);
    return true;
  } catch (err) {
    if (err instanceof CompileError) return false;
    throw err;
  }
}

/** The column as it will be, for dialects whose ALTER restates it: every property must be known. */
function targetColumn(
  table: string,
  name: string,
  change: AlterColumnChange,
  type: SqlType<unknown> | undefined,
  fail: (what: string) => ArgumentError,
): Column<string, unknown, boolean> {
  const restates = "this database restates the whole column when it alters it (MySQL's MODIFY COLUMN)";
  if (!type) throw fail(`${restates}, so it needs the column's type: pass existingType (the current type), e.g. existingType: String(100)`);
  const nullable = change.nullable ?? change.existingNullable;
  if (nullable === undefined)
    throw fail(`${restates}, so it needs the column's nullability: pass existingNullable (true if the column accepts NULL)`);
  const serverDefault = change.serverDefault !== undefined ? change.serverDefault : change.existingServerDefault;
  const comment = change.comment !== undefined ? change.comment : change.existingComment;
  return scratchColumn(
    table,
    name,
    type,
    { nullable, serverDefault: serverDefault ?? undefined, comment: comment ?? undefined },
    change.existingAutoincrement === true,
  );
}

/** A column of a stand-in table, for the DDL compiler to write. */
function scratchColumn(
  table: string,
  name: string,
  type: SqlType<unknown>,
  options: { nullable?: boolean; serverDefault?: ServerDefault; comment?: string },
  generated = false,
): Column<string, unknown, boolean> {
  // A generated key is written as the stand-in table's autoincrementing primary key (AUTO_INCREMENT).
  const def = column(
    type,
    generated ? { ...options, primaryKey: true, autoincrement: true } : { ...options, autoincrement: false },
  ) as ColumnDef;
  return placeholderTable(new MetaData(), table, [], { extra: { [name]: def } }).column(name);
}
