/**
 * Whether a model column's type and the reflected one are the same in the database: both are
 * spelled as this dialect's DDL would spell them (so VARCHAR(50) ≡ String(50), CHAR(36) ≡ Uuid on
 * SQLite, BOOLEAN ≡ TINYINT(1) on MySQL), and enums compare their values unless they are types of
 * their own (PostgreSQL, compared in enums.ts): SQLite keeps the values in a CHECK, MySQL in the type.
 */
import type { SqlType } from "../../sql/types/sql-type.js";
import type { EnumType } from "../../sql/types/string-types.js";
import { baseType } from "../../sql/types/type-decorator.js";
import type { CompareContext } from "./context.js";

export function sameType(
  ctx: CompareContext,
  model: SqlType<unknown>,
  reflected: SqlType<unknown>,
  table: string,
  column: string,
): boolean {
  const where = { tableName: table, columnName: column };
  const compiler = ctx.dialect.typeCompiler;
  if (compiler.ddl(model, where) !== compiler.ddl(reflected, where)) return false;
  const m = baseType(model);
  const r = baseType(reflected);
  if (m.kind === "Enum" && r.kind === "Enum" && !ctx.dialect.caps.enumTypes) {
    const a = (m as unknown as EnumType).values;
    const b = (r as unknown as EnumType).values;
    return a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return true;
}
