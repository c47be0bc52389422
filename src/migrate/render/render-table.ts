/**
 * Renders a table as `op.createTable(name, { columns }, (c) => [items])` and a column as
 * `column(Type, { options })`. Columns are keyed by their database names; every named constraint
 * and index is written with its name (`conv("…")`: used exactly as written, whatever naming
 * convention the migration's `op` applies). Called by render-ops.ts.
 */
import type { Column } from "../../sql/schema/column.js";
import type { CheckConstraint, Index, UniqueConstraint } from "../../sql/schema/constraints.js";
import type { ForeignKeyConstraint } from "../../sql/schema/foreign-key.js";
import type { Table } from "../../sql/schema/table.js";
import { baseType } from "../../sql/types/type-decorator.js";
import { array, arrow, call, object, text, type Doc } from "./layout.js";
import type { RenderContext } from "./render-context.js";
import { tsKey, tsMember, tsString, tsValue } from "./ts-literals.js";

type AnyColumn = Column<string, unknown, boolean>;
type Entries = [string, Doc][];

const INTEGERS = new Set(["Integer", "SmallInteger", "BigInteger"]);
/** The name of the columns parameter of a table's item list. */
const C = "c";

/** `conv("name")`: a name used exactly as written. */
export function nameDoc(ctx: RenderContext, name: string): Doc {
  return call(ctx.use("conv"), text(tsString(name)));
}

/** The server default as a column option: a plain value as a literal, SQL as sql`…`. */
export function serverDefaultDoc(ctx: RenderContext, col: AnyColumn): Doc | undefined {
  const d = col.spec.serverDefault;
  if (d === undefined) return undefined;
  if (typeof d === "object") return ctx.sql(d.node, `the server default of ${col.toString()}`);
  return text(tsValue(d, `the server default of ${col.toString()}`));
}

/** Whether a table would make this column autoincrement on its own ("auto"): a lone integer key without default or key. */
function autoWould(table: Table, col: AnyColumn): boolean {
  const pk = table.primaryKey.columns;
  return (
    pk.length === 1 &&
    pk[0] === col &&
    INTEGERS.has(baseType(col.type).kind) &&
    col.spec.default === undefined &&
    col.spec.serverDefault === undefined &&
    !table.foreignKeys.some((fk) => fk.columns.includes(col))
  );
}

/** `column(Type, { … })`; constraints other than a column-level primary key and foreign key are left to the caller. */
export function columnDoc(ctx: RenderContext, col: AnyColumn, options: { primaryKey?: boolean; foreignKey?: Doc } = {}): Doc {
  const table = col.table as Table;
  const o: Entries = [];
  if (options.primaryKey) o.push(["primaryKey", text("true")]);
  if (col.spec.nullable && !options.primaryKey) o.push(["nullable", text("true")]);
  const def = serverDefaultDoc(ctx, col);
  if (def) o.push(["serverDefault", def]);
  if (col.spec.comment !== undefined) o.push(["comment", text(tsString(col.spec.comment))]);
  const generated = table.autoincrementColumn === col;
  const identity = col.spec.identity;
  if (identity) {
    const i: Entries = [];
    if (identity.always !== undefined) i.push(["always", text(String(identity.always))]);
    if (identity.start !== undefined) i.push(["start", text(String(identity.start))]);
    if (identity.increment !== undefined) i.push(["increment", text(String(identity.increment))]);
    o.push(["identity", object(i)]);
  } else if (generated !== autoWould(table, col)) o.push(["autoincrement", text(String(generated))]);
  if (col.spec.collation !== undefined) o.push(["collation", text(tsString(col.spec.collation))]);
  if (options.foreignKey) o.push(["foreignKey", options.foreignKey]);
  const type = ctx.type(col.type);
  ctx.use("column");
  return o.length ? call("column", type, object(o)) : call("column", type);
}

/** The options object of a foreign key (name, actions); empty entries when it has none. */
export function foreignKeyOptions(ctx: RenderContext, fk: ForeignKeyConstraint, withName: boolean): Entries {
  const o: Entries = [];
  if (withName && fk.resolvedName) o.push(["name", nameDoc(ctx, ctx.dbName(fk.resolvedName))]);
  if (fk.onDelete) o.push(["onDelete", text(tsString(fk.onDelete))]);
  if (fk.onUpdate) o.push(["onUpdate", text(tsString(fk.onUpdate))]);
  if (fk.deferrable) o.push(["deferrable", text("true")]);
  if (fk.initially) o.push(["initially", text(tsString(fk.initially))]);
  return o;
}

/** `"table.column"` targets of a foreign key. */
export function foreignKeyTargets(fk: ForeignKeyConstraint): string[] {
  const { table, columns } = fk.resolve();
  return columns.map((c) => `${table.schema ? `${table.schema}.` : ""}${table.name}.${c.name}`);
}

/** `{ name: conv("…") }` when named. */
function named(ctx: RenderContext, c: { resolvedName: { value: string; truncatable: boolean } | null }): Entries {
  return c.resolvedName ? [["name", nameDoc(ctx, ctx.dbName(c.resolvedName))]] : [];
}

function columnsDoc(cols: readonly AnyColumn[]): Doc {
  return array(cols.map((col) => text(tsMember(C, col.name))));
}

function withOptions(callee: string, first: Doc, entries: Entries): Doc {
  return entries.length ? call(callee, first, object(entries)) : call(callee, first);
}

function uniqueDoc(ctx: RenderContext, u: UniqueConstraint): Doc {
  return withOptions(ctx.use("unique"), columnsDoc(u.columns), named(ctx, u));
}

function checkDoc(ctx: RenderContext, ck: CheckConstraint, table: Table): Doc {
  return withOptions(ctx.use("check"), ctx.sql(ck.condition, `a check constraint of table ${table.name}`, C), named(ctx, ck));
}

function indexDoc(ctx: RenderContext, ix: Index, table: Table): Doc {
  const items = ix.items.map((n) =>
    n.kind === "Column" ? text(tsMember(C, n.column.name)) : ctx.sql(n, `index ${ix.name ?? ""} of ${table.name}`, C),
  );
  const o = named(ctx, ix);
  if (ix.unique) o.push(["unique", text("true")]);
  if (ix.where) o.push(["where", ctx.sql(ix.where, `the condition of index ${ix.name ?? ""}`, C)]);
  return withOptions(ctx.use("index"), array(items), o);
}

/** `op.createTable("t", { … }, (c) => [ … ])` */
export function createTableDoc(ctx: RenderContext, table: Table): Doc {
  const pk = table.primaryKey;
  const pkName = pk.resolvedName ? ctx.dbName(pk.resolvedName) : undefined;
  // A one-column key is written on its column unless its name is not the usual pk_<table>.
  const inlinePk = pk.columns.length === 1 && (pkName === undefined || pkName === `pk_${table.name}`);
  const singleFks = new Map<AnyColumn, ForeignKeyConstraint>();
  for (const fk of table.foreignKeys) if (fk.columns.length === 1 && !singleFks.has(fk.columns[0]!)) singleFks.set(fk.columns[0]!, fk);
  const columns: Entries = table.columnList.map((col) => {
    const fk = singleFks.get(col);
    let fkDoc: Doc | undefined;
    if (fk) {
      const target = text(tsString(foreignKeyTargets(fk)[0]!));
      const o = foreignKeyOptions(ctx, fk, true);
      fkDoc = o.length ? call(ctx.use("foreignKey"), target, object(o)) : target;
    }
    return [tsKey(col.name), columnDoc(ctx, col, { primaryKey: inlinePk && pk.columns[0] === col, foreignKey: fkDoc })];
  });
  const items: Doc[] = [];
  if (pk.columns.length > 0 && !inlinePk) items.push(withOptions(ctx.use("primaryKey"), columnsDoc(pk.columns), named(ctx, pk)));
  for (const u of table.uniqueConstraints) items.push(uniqueDoc(ctx, u));
  for (const ck of table.checkConstraints) items.push(checkDoc(ctx, ck, table));
  for (const fk of table.foreignKeys) {
    if (singleFks.get(fk.columns[0]!) === fk) continue;
    const targets = array(foreignKeyTargets(fk).map((t) => text(tsString(t))));
    const o = foreignKeyOptions(ctx, fk, true);
    ctx.use("ForeignKeyConstraint");
    items.push(call("new ForeignKeyConstraint", columnsDoc(fk.columns), targets, ...(o.length ? [object(o)] : [])));
  }
  for (const ix of table.indexes) items.push(indexDoc(ctx, ix, table));
  const itemsDoc = items.length ? arrow(`(${C})`, array(items)) : undefined;
  const options: Entries = [];
  if (table.schema !== undefined) options.push(["schema", text(tsString(table.schema))]);
  if (table.comment !== undefined) options.push(["comment", text(tsString(table.comment))]);
  const args: Doc[] = [text(tsString(table.name)), object(columns)];
  if (options.length) args.push(object(itemsDoc ? [...options, ["items", itemsDoc]] : options));
  else if (itemsDoc) args.push(itemsDoc);
  return call("op.createTable", ...args);
}
