/**
 * Native enum types (PostgreSQL): created, dropped, or with changed values. Where enums are not
 * types of their own, their values are part of the column's type (see types.ts).
 */
import type { ReflectedEnum } from "../../engine/introspection.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import type { EnumType } from "../../sql/types/string-types.js";
import { baseType } from "../../sql/types/type-decorator.js";
import type { MigrationOp } from "../operations.js";
import { includer, type CompareContext } from "./context.js";

/** The enum types the model's columns use, by native name. */
export function modelEnums(metadata: MetaData): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  for (const table of metadata.tables.values())
    for (const col of table.columnList) {
      const t = baseType(col.type);
      if (t.kind === "Enum") out.set((t as unknown as EnumType).nameOn(table.name, col.name), (t as unknown as EnumType).values);
    }
  return out;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Enum operations: creations (before tables use them) and drops and changes (after). */
export function compareEnums(
  ctx: CompareContext,
  metadata: MetaData,
  reflected: readonly ReflectedEnum[],
): { before: MigrationOp[]; after: MigrationOp[] } {
  const before: MigrationOp[] = [];
  const after: MigrationOp[] = [];
  if (!ctx.dialect.caps.enumTypes) return { before, after };
  const want = modelEnums(metadata);
  const have = new Map(reflected.map((e) => [e.name, e.values]));
  const on = includer(ctx, "enum");
  for (const [name, values] of want) {
    const current = have.get(name);
    if (!on(name, current !== undefined)) continue;
    if (current === undefined) before.push({ kind: "createEnum", name, values });
    else if (!same(current, values)) before.push({ kind: "alterEnum", name, values: { from: current, to: values } });
  }
  for (const [name, values] of have) if (!want.has(name) && on(name, true)) after.push({ kind: "dropEnum", name, values });
  return { before, after };
}
