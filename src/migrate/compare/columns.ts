/**
 * Columns of a table present on both sides: added, dropped, and altered (type, nullability,
 * comment, and the server default when asked to compare it).
 */
import type { ReflectedTable } from "../../engine/introspection.js";
import type { Column } from "../../sql/schema/column.js";
import type { Table } from "../../sql/schema/table.js";
import type { MigrationOp } from "../operations.js";
import { includer, type CompareContext } from "./context.js";
import { sameType } from "./types.js";

type AnyColumn = Column<string, unknown, boolean>;

/** The SQL text of a model column's server default, as the dialect writes it in DDL. */
function modelDefault(ctx: CompareContext, col: AnyColumn): string | undefined {
  return ctx.dialect.createDdlCompiler().serverDefault(col);
}

export function compareColumns(
  ctx: CompareContext,
  model: Table,
  reflected: ReflectedTable,
  reflectedTable: Table,
  ops: MigrationOp[],
): void {
  const have = new Map(reflected.columns.map((c) => [c.name, c]));
  const want = new Map(model.columnList.map((c) => [c.name, c]));
  const on = includer(ctx, "column", model.name);
  for (const col of model.columnList)
    if (!have.has(col.name) && on(col.name, false)) ops.push({ kind: "addColumn", table: model.name, column: col });
  for (const col of model.columnList) {
    const r = have.get(col.name);
    if (!r || !on(col.name, true)) continue;
    const changes: { -readonly [K in "type" | "nullable" | "default" | "comment"]?: { from: never; to: never } } = {};
    if (!sameType(ctx, col.type, r.type, model.name, col.name)) changes.type = { from: r.type, to: col.type } as never;
    if (col.spec.nullable !== r.nullable) changes.nullable = { from: r.nullable, to: col.spec.nullable } as never;
    if (ctx.dialect.caps.comments && (col.spec.comment ?? undefined) !== (r.comment ?? undefined))
      changes.comment = { from: r.comment, to: col.spec.comment } as never;
    if (ctx.options.compareServerDefault && !r.autoincrement) {
      const to = modelDefault(ctx, col);
      const comparable = (sql: string | undefined) => (sql === undefined ? undefined : ctx.dialect.introspector.comparableDefault(sql));
      if (comparable(to) !== comparable(r.default)) changes.default = { from: r.default, to } as never;
    }
    if (Object.keys(changes).length) ops.push({ kind: "alterColumn", table: model.name, column: col.name, ...changes, target: col });
  }
  for (const r of reflected.columns)
    if (!want.has(r.name) && on(r.name, true))
      ops.push({ kind: "dropColumn", table: model.name, column: reflectedTable.columnList.find((c) => c.name === r.name)! });
}
