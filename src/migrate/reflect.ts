/**
 * Reflection: reads a live database's tables through its dialect's introspector and builds the
 * same MetaData, Table and Column objects a project declares, so autogenerate compares like with
 * like. Defaults, CHECK conditions and index expressions come back as SQL text fragments, and every
 * reflected constraint keeps the database's own name (no naming convention is applied again).
 */
import { ArgumentError } from "../util/errors.js";
import type { Engine } from "../engine/engine.js";
import type { Connection } from "../engine/connection.js";
import type { DriverConnection } from "../engine/dialect.js";
import type { ReflectedEnum, ReflectedTable } from "../engine/introspection.js";
import { MetaData } from "../sql/schema/metadata.js";
import { Table, type TableItem } from "../sql/schema/table.js";
import { column, type Column } from "../sql/schema/column.js";
import { CheckConstraint, Index, PrimaryKeyConstraint, UniqueConstraint } from "../sql/schema/constraints.js";
import { ForeignKeyConstraint } from "../sql/schema/foreign-key.js";
import { conv } from "../sql/schema/naming-convention.js";
import { sqlText } from "../sql/elements/sql-template.js";
import type { Expression } from "../sql/elements/expression.js";

/** Which tables to reflect. */
export interface ReflectOptions {
  /** Table names, or a test on each name (default: every table). */
  readonly only?: readonly string[] | ((name: string) => boolean);
}

/** A reflected database: its tables as MetaData, and its enum types (PostgreSQL). */
export interface Reflection {
  readonly metadata: MetaData;
  readonly enums: readonly ReflectedEnum[];
  /** The introspector's records, by table name (types as the database spells them, for messages). */
  readonly tables: ReadonlyMap<string, ReflectedTable>;
}

/** Reflects the database of `source` (its default schema). */
export async function reflect(source: Engine | Connection, options: ReflectOptions = {}): Promise<Reflection> {
  const conn = "connect" in source ? await source.connect() : source;
  try {
    const driver: DriverConnection = conn._driverConnection();
    const introspector = conn.dialect.introspector;
    let names = await introspector.tableNames(driver);
    const only = options.only;
    if (Array.isArray(only)) {
      const missing = only.filter((n) => !names.includes(n));
      if (missing.length) throw new ArgumentError(`reflect(): no table named ${missing.join(", ")} in the database`);
      names = names.filter((n) => only.includes(n));
    } else if (typeof only === "function") names = names.filter(only);
    const tables = new Map<string, ReflectedTable>();
    for (const name of names) {
      const t = await introspector.table(driver, name);
      if (t) tables.set(name, t);
    }
    const metadata = new MetaData();
    for (const t of tables.values()) tableFromReflection(metadata, t);
    return { metadata, enums: await introspector.enums(driver), tables };
  } finally {
    if (conn !== source) await conn.close();
  }
}

/** Table options reflection cannot see in a ReflectedTable, given by a caller that read them (batch mode). */
export interface ReflectedTableOptions {
  /** SQLite's AUTOINCREMENT keyword on the rowid key. */
  readonly sqliteAutoincrement?: boolean;
}

/** Builds the Table of a reflected table in `metadata` (foreign keys resolve by name, in any order). */
export function tableFromReflection(metadata: MetaData, t: ReflectedTable, options: ReflectedTableOptions = {}): Table {
  const pk = t.primaryKey?.columns ?? [];
  const defs: Record<string, ReturnType<typeof column>> = {};
  for (const c of t.columns) {
    defs[c.name] = column(c.type, {
      nullable: c.nullable,
      serverDefault: c.default === undefined ? undefined : sqlText(c.default),
      // The key's autoincrement is what the database does; other columns never generate values.
      autoincrement: c.autoincrement,
      identity: c.identity ? { always: c.identity.always, start: c.identity.start, increment: c.identity.increment } : undefined,
      comment: c.comment,
      collation: c.collation,
    } as never) as ReturnType<typeof column>;
  }
  const name = (n: string | undefined) => (n === undefined ? undefined : conv(n));
  return new Table(t.name, metadata, defs, {
    comment: t.comment,
    sqliteAutoincrement: options.sqliteAutoincrement,
    items: (cols) => {
      const c = cols as Record<string, Column<string, unknown, boolean>>;
      const pick = (names: readonly string[]) => names.map((n) => c[n]!);
      const items: TableItem[] = [];
      if (pk.length) items.push(new PrimaryKeyConstraint(pick(pk), name(t.primaryKey!.name)));
      for (const fk of t.foreignKeys)
        items.push(
          new ForeignKeyConstraint(
            pick(fk.columns),
            fk.referredColumns.map((rc) => `${fk.referredTable}.${rc}`),
            { name: name(fk.name), onDelete: fk.onDelete, onUpdate: fk.onUpdate },
          ),
        );
      for (const u of t.uniques) items.push(new UniqueConstraint(pick(u.columns), name(u.name)));
      for (const k of t.checks) items.push(new CheckConstraint(sqlText(k.sql), name(k.name)));
      for (const ix of t.indexes)
        items.push(
          new Index(
            ix.items.map((i) => (typeof i === "string" ? (c[i]! as Expression<unknown, any>) : sqlText(i.expression))),
            { name: conv(ix.name), unique: ix.unique, where: ix.where === undefined ? undefined : sqlText(ix.where) },
          ),
        );
      return items;
    },
  });
}
