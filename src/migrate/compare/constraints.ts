/**
 * Table constraints: unique constraints by name (unnamed model ones by their columns), foreign
 * keys by what they do (columns, target, actions; names do not count, as in Alembic), CHECK
 * constraints by name only (databases rewrite their conditions). A changed one is dropped and added.
 * Primary keys are not compared.
 */
import type { ReflectedTable } from "../../engine/introspection.js";
import type { CheckConstraint, UniqueConstraint } from "../../sql/schema/constraints.js";
import type { ForeignKeyConstraint } from "../../sql/schema/foreign-key.js";
import type { Table } from "../../sql/schema/table.js";
import type { MigrationOp } from "../operations.js";
import { dbName, includer, type CompareContext } from "./context.js";

const key = (cols: readonly string[]) => cols.join("\u0000");
/** NO ACTION is every database's default: an unset action means the same. */
const action = (a: string | undefined) => (a === undefined || a === "NO ACTION" ? "" : a);

function fkSignature(
  columns: readonly string[],
  table: string,
  refColumns: readonly string[],
  onDelete?: string,
  onUpdate?: string,
): string {
  return [key(columns), table, key(refColumns), action(onDelete), action(onUpdate)].join("|");
}

function modelFkSignature(fk: ForeignKeyConstraint): string {
  const target = fk.resolve();
  return fkSignature(
    fk.columns.map((c) => c.name),
    target.table.name,
    target.columns.map((c) => c.name),
    fk.onDelete,
    fk.onUpdate,
  );
}

export function compareConstraints(
  ctx: CompareContext,
  model: Table,
  reflected: ReflectedTable,
  reflectedTable: Table,
  ops: MigrationOp[],
): void {
  const drops: MigrationOp[] = [];
  const adds: MigrationOp[] = [];
  const onUnique = includer(ctx, "unique", model.name);
  const onForeignKey = includer(ctx, "foreignKey", model.name);
  const onCheck = includer(ctx, "check", model.name);

  // Unique constraints.
  const uniqueName = (u: UniqueConstraint) => dbName(ctx, u);
  const haveUnique = reflected.uniques.map((u, i) => ({ u, obj: reflectedTable.uniqueConstraints[i]! }));
  const matchedUnique = new Set<number>();
  for (const u of model.uniqueConstraints) {
    const name = uniqueName(u);
    const cols = key(u.columns.map((c) => c.name));
    const i = haveUnique.findIndex(
      (h, k) => !matchedUnique.has(k) && (name !== undefined && h.u.name !== undefined ? h.u.name === name : key(h.u.columns) === cols),
    );
    if (i >= 0) matchedUnique.add(i);
    if (!onUnique(name ?? cols, false)) continue;
    if (i < 0) adds.push({ kind: "addConstraint", constraint: u });
    else if (key(haveUnique[i]!.u.columns) !== cols) {
      drops.push({ kind: "dropConstraint", constraint: haveUnique[i]!.obj });
      adds.push({ kind: "addConstraint", constraint: u });
    }
  }
  haveUnique.forEach((h, k) => {
    if (!matchedUnique.has(k) && onUnique(h.u.name ?? key(h.u.columns), true)) drops.push({ kind: "dropConstraint", constraint: h.obj });
  });

  // Foreign keys, by signature.
  const haveFks = reflected.foreignKeys.map((f, i) => ({
    sig: fkSignature(f.columns, f.referredTable, f.referredColumns, f.onDelete, f.onUpdate),
    name: f.name,
    obj: reflectedTable.foreignKeys[i]! as ForeignKeyConstraint,
  }));
  const matchedFk = new Set<number>();
  for (const fk of model.foreignKeys) {
    const sig = modelFkSignature(fk);
    const i = haveFks.findIndex((h, k) => !matchedFk.has(k) && h.sig === sig);
    if (i >= 0) {
      matchedFk.add(i);
      continue;
    }
    if (onForeignKey(dbName(ctx, fk) ?? sig, false)) adds.push({ kind: "addConstraint", constraint: fk });
  }
  haveFks.forEach((h, k) => {
    if (!matchedFk.has(k) && onForeignKey(h.name ?? h.sig, true)) drops.push({ kind: "dropConstraint", constraint: h.obj });
  });

  // CHECK constraints, named ones only.
  const haveChecks = new Map<string, CheckConstraint>();
  reflected.checks.forEach((c, i) => {
    if (c.name !== undefined) haveChecks.set(c.name, reflectedTable.checkConstraints[i]!);
  });
  const wantedChecks = new Set<string>();
  for (const ck of model.checkConstraints) {
    const name = dbName(ctx, ck);
    if (name === undefined) continue;
    wantedChecks.add(name);
    if (!haveChecks.has(name) && onCheck(name, false)) adds.push({ kind: "addConstraint", constraint: ck });
  }
  for (const [name, obj] of haveChecks)
    if (!wantedChecks.has(name) && onCheck(name, true)) drops.push({ kind: "dropConstraint", constraint: obj });

  ops.push(...drops, ...adds);
}
