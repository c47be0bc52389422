/**
 * Batch mode ("move and copy", Alembic's batch_alter_table): changes a table that ALTER TABLE
 * cannot change in place (SQLite: a column's type, nullability or default, constraints, and old
 * versions' DROP COLUMN) by copying it into a new table with the new definition.
 *
 * applyOps (apply.ts) calls it for each run of consecutive operations on one table that the
 * dialect's capabilities refuse. The rebuild reads the live table (reflection) and the schema's
 * views and triggers, and runs inside applyOps' transaction:
 *
 *   DROP TRIGGER … / DROP VIEW …            every trigger and view (RENAME checks them all against the schema)
 *   CREATE TABLE "_athanor_batch_<t>" (…)   the new definition
 *   INSERT INTO "_athanor_batch_<t>" (cols) SELECT cols FROM "<t>"   the columns both sides have
 *   DROP TABLE "<t>"
 *   ALTER TABLE "_athanor_batch_<t>" RENAME TO "<t>"
 *   CREATE INDEX …, CREATE VIEW …, CREATE TRIGGER …   as the database spelled them
 *   PRAGMA foreign_key_check                 any row reported fails the rebuild (and rolls it back)
 *
 * Foreign-key enforcement must be off while the old table is dropped (or ON DELETE CASCADE would
 * empty its children), and SQLite ignores `PRAGMA foreign_keys` inside a transaction: applyOps
 * turns it off before BEGIN and restores it after COMMIT or ROLLBACK (see {@link withForeignKeysOff}).
 * Children's foreign keys name the table, not the copy, so once the copy is renamed they point at
 * it again; the rename never rewrites them (their text names "<t>", the renamed table was "_athanor_batch_<t>").
 */
import { CompileError, IntegrityError } from "../util/errors.js";
import type { Connection } from "../engine/connection.js";
import type { Dialect } from "../engine/dialect.js";
import { stripOuterParens, type ReflectedColumn, type ReflectedTable } from "../engine/introspection.js";
import type { RebuildObjects, TableRebuildImpl } from "../engine/table-rebuild.js";
import { MetaData } from "../sql/schema/metadata.js";
import type { Column } from "../sql/schema/column.js";
import type { Table } from "../sql/schema/table.js";
import type { MigrationOp } from "./operations.js";
import { tableFromReflection } from "./reflect.js";

type AnyColumn = Column<string, unknown, boolean>;

/** The operations batch mode performs (those ALTER TABLE may be unable to do). */
export type BatchOp = Extract<MigrationOp, { kind: "alterColumn" | "addConstraint" | "dropConstraint" | "dropColumn" | "addColumn" }>;

/** What a rebuild starts from: the live table, the other tables (foreign keys), and the schema objects to keep. */
export interface BatchSource extends RebuildObjects {
  readonly table: ReflectedTable;
  /** The tables the table's foreign keys (before and after the operations) point at. */
  readonly others: readonly ReflectedTable[];
}

/** The prefix of the copy's name while a table is rebuilt. */
export const BATCH_PREFIX = "_athanor_batch_";

/** Whether the dialect cannot do this operation with ALTER TABLE (so batch mode does it). */
export function needsBatch(op: MigrationOp, dialect: Dialect): op is BatchOp {
  switch (op.kind) {
    case "alterColumn":
      return !dialect.caps.alterColumn;
    case "addConstraint":
    case "dropConstraint":
      return !dialect.caps.alterAddConstraint;
    case "dropColumn":
      return !dialect.caps.dropColumn;
    default:
      return false;
  }
}

/** The table a batch operation changes. */
export function batchTable(op: BatchOp): string {
  return op.kind === "addConstraint" || op.kind === "dropConstraint" ? op.constraint.table.name : op.table;
}

/** The reflected table with the operations applied, as plain data. */
export function batchTarget(source: ReflectedTable, ops: readonly BatchOp[], dialect: Dialect): ReflectedTable {
  const ddl = dialect.createDdlCompiler();
  const expr = (node: Parameters<ReturnType<Dialect["createCompiler"]>["ddlExpression"]>[0]) =>
    dialect.createCompiler([]).ddlExpression(node);
  const fromModel = (col: AnyColumn): ReflectedColumn => {
    const def = ddl.serverDefault(col);
    return {
      name: col.name,
      type: col.type,
      typeText: "",
      nullable: col.spec.nullable,
      default: def === undefined ? undefined : stripOuterParens(def),
      autoincrement: false,
      comment: col.spec.comment,
    };
  };
  let columns = [...source.columns];
  let { foreignKeys, uniques, checks, indexes } = source;
  const has = (name: string) => columns.some((c) => c.name === name);
  const missing = (op: BatchOp, what: string) =>
    new CompileError(`${op.kind} on table ${source.name}: ${what} does not exist in the database (batch mode rebuilds the table as it is)`);
  for (const op of ops) {
    switch (op.kind) {
      case "alterColumn": {
        const i = columns.findIndex((c) => c.name === op.column);
        if (i < 0) throw missing(op, `column ${op.column}`);
        const old = columns[i]!;
        const next: ReflectedColumn = op.target
          ? { ...fromModel(op.target), autoincrement: old.autoincrement }
          : {
              ...old,
              type: op.type ? op.type.to : old.type,
              nullable: op.nullable ? op.nullable.to : old.nullable,
              default: op.default ? (op.default.to === undefined ? undefined : stripOuterParens(op.default.to)) : old.default,
              comment: op.comment ? op.comment.to : old.comment,
            };
        columns[i] = next;
        break;
      }
      case "addColumn":
        if (has(op.column.name)) throw new CompileError(`addColumn on table ${source.name}: column ${op.column.name} exists already`);
        columns.push(fromModel(op.column));
        break;
      case "dropColumn": {
        const name = op.column.name;
        if (!has(name)) throw missing(op, `column ${name}`);
        columns = columns.filter((c) => c.name !== name);
        // What holds the column goes with it (SQLite's own DROP COLUMN refuses instead).
        uniques = uniques.filter((u) => !u.columns.includes(name));
        foreignKeys = foreignKeys.filter((f) => !f.columns.includes(name));
        indexes = indexes.filter((ix) => !ix.items.includes(name));
        break;
      }
      case "addConstraint": {
        const c = op.constraint;
        const name = c.resolvedName?.value;
        if (c.kind === "Unique") uniques = [...uniques, { name, columns: c.columns.map((col) => col.name) }];
        else if (c.kind === "Check") checks = [...checks, { name, sql: expr(c.condition) }];
        else {
          const { table, columns: referred } = c.resolve();
          foreignKeys = [
            ...foreignKeys,
            {
              name,
              columns: c.columns.map((col) => col.name),
              referredTable: table.name,
              referredColumns: referred.map((col) => col.name),
              onDelete: c.onDelete as ReflectedTable["foreignKeys"][number]["onDelete"],
              onUpdate: c.onUpdate as ReflectedTable["foreignKeys"][number]["onUpdate"],
            },
          ];
        }
        break;
      }
      case "dropConstraint": {
        const c = op.constraint;
        const name = c.resolvedName?.value;
        const cols = c.columns.map((col) => col.name).join("\u0000");
        // Named constraints match by name; unnamed ones (SQLite keeps no name unless declared) by columns.
        const same = (x: { name: string | undefined; columns?: readonly string[] }) =>
          name !== undefined && x.name !== undefined ? x.name === name : (x.columns ?? []).join("\u0000") === cols;
        const before = uniques.length + foreignKeys.length + checks.length;
        if (c.kind === "Unique") uniques = uniques.filter((u) => !same(u));
        else if (c.kind === "ForeignKey") foreignKeys = foreignKeys.filter((f) => !same(f));
        else {
          if (name === undefined) throw new CompileError(`dropConstraint on table ${source.name}: the check constraint has no name`);
          checks = checks.filter((k) => k.name !== name);
        }
        if (uniques.length + foreignKeys.length + checks.length === before) throw missing(op, `constraint ${name ?? cols}`);
        break;
      }
    }
  }
  return { ...source, columns, foreignKeys, uniques, checks, indexes };
}

/**
 * The statements that rebuild `source.table` with the operations applied, between the PRAGMA
 * that turns foreign keys off (before BEGIN) and the foreign-key check (before COMMIT), which
 * the caller runs. Pure: the same statements run online and could be printed.
 */
export function batchSql(source: BatchSource, ops: readonly BatchOp[], dialect: Dialect): string[] {
  const q = (name: string) => dialect.preparer.quote(name);
  const target = batchTarget(source.table, ops, dialect);
  const md = new MetaData();
  for (const t of source.others) if (t.name !== target.name) tableFromReflection(md, t);
  // Indexes are recreated from their own statements (exact spelling), not from the Table.
  const table: Table = tableFromReflection(md, { ...target, indexes: [] }, { sqliteAutoincrement: source.autoincrement !== undefined });
  const ddl = dialect.createDdlCompiler();
  const [create, ...rest] = ddl.createTable(table);
  const name = target.name;
  const copy = `${BATCH_PREFIX}${name}`;
  // The copy is created from the table's own definition with only the name in front changed: a
  // self-referencing foreign key inside must keep naming the table, which the copy becomes (with
  // legacy_alter_table on, RENAME would not rewrite a reference to the copy's name).
  const head = `CREATE TABLE ${q(name)} (`;
  if (!create!.startsWith(head)) throw new CompileError(`batch mode: unexpected CREATE TABLE statement for ${name}`);
  const kept = target.columns.filter((c) => source.table.columns.some((o) => o.name === c.name)).map((c) => q(c.name));
  const indexSql = target.indexes.map((ix) => {
    const sql = source.indexSql.get(ix.name);
    if (sql === undefined) throw new CompileError(`batch mode: no CREATE INDEX statement for index ${ix.name} on ${name}`);
    return sql;
  });
  const seq = source.autoincrement?.seq;
  const sequence = seq === undefined || !table.sqliteAutoincrement ? [] : rebuildImpl(dialect).restoreSequence(name, seq);
  return [
    ...source.triggers.map((t) => `DROP TRIGGER ${q(t.name)}`),
    ...[...source.views].reverse().map((v) => `DROP VIEW ${q(v.name)}`),
    `CREATE TABLE ${q(copy)} (${create!.slice(head.length)}`,
    ...rest,
    `INSERT INTO ${q(copy)} (${kept.join(", ")}) SELECT ${kept.join(", ")} FROM ${q(name)}`,
    `DROP TABLE ${q(name)}`,
    `ALTER TABLE ${q(copy)} RENAME TO ${q(name)}`,
    ...sequence,
    ...indexSql,
    ...source.views.map((v) => v.sql),
    ...source.triggers.map((t) => t.sql),
  ];
}

/** Reads what a rebuild of `name` starts from on a live connection. */
export async function readBatchSource(conn: Connection, name: string, ops: readonly BatchOp[] = []): Promise<BatchSource> {
  const driver = conn._driverConnection();
  const introspector = conn.dialect.introspector;
  const table = await introspector.table(driver, name);
  if (!table) throw new CompileError(`batch mode: no table named ${name} in the database`);
  const referred = new Set(table.foreignKeys.map((f) => f.referredTable));
  for (const op of ops)
    if (op.kind === "addConstraint" && op.constraint.kind === "ForeignKey") referred.add(op.constraint.resolve().table.name);
  referred.delete(name);
  const others: ReflectedTable[] = [];
  for (const n of referred) {
    const t = await introspector.table(driver, n);
    if (t) others.push(t);
  }
  const objects = await rebuildImpl(conn.dialect).objects(driver, name);
  if (objects.unsupported.length > 0)
    throw new CompileError(
      `batch mode cannot rebuild table ${name} (${ops.map((o) => o.kind).join(", ")}) without losing part of its definition: ${objects.unsupported.join("; ")}. ` +
        "Nothing was changed. Write the rebuild by hand with op.execute(): create the new table as it should be, copy the rows, drop the old table, rename the new one",
    );
  return { table, others, ...objects };
}

/** The dialect's part of a rebuild; only dialects whose ALTER TABLE cannot make a change need one. */
function rebuildImpl(dialect: Dialect): TableRebuildImpl {
  const impl = dialect.tableRebuild;
  if (!impl)
    throw new CompileError(`batch mode: the ${dialect.name} dialect cannot rebuild tables, and its ALTER TABLE should not need it`);
  return impl;
}

/** Rebuilds one table with the operations applied, inside the caller's transaction (foreign keys off). */
export async function runBatch(conn: Connection, table: string, ops: readonly BatchOp[]): Promise<void> {
  const source = await readBatchSource(conn, table, ops);
  for (const sql of batchSql(source, ops, conn.dialect)) await conn._runRaw(sql);
  await checkForeignKeys(conn, `batch rebuild of table ${table} (${ops.map((o) => o.kind).join(", ")})`);
}

/**
 * Throws an IntegrityError naming the rows whose foreign keys point at no row (checked while
 * enforcement is off: after a rebuild, or after a revision the runner ran with it off).
 */
export async function checkForeignKeys(conn: Connection, what: string): Promise<void> {
  const impl = rebuildImpl(conn.dialect);
  const violations = await impl.foreignKeyViolations(conn._driverConnection());
  if (violations.length > 0) {
    const shown = violations
      .slice(0, 10)
      .map((v) => `${v.table} rowid ${String(v.rowid)} → ${v.parent}`)
      .join("; ");
    const more = violations.length > 10 ? ` (and ${violations.length - 10} more)` : "";
    throw new IntegrityError(
      `${what} leaves rows whose foreign keys point at no row: ${shown}${more}. ` +
        "Nothing was changed. Fix or delete those rows (or add the parent rows) first, then run the migration again",
      { violation: "foreignKey", sql: impl.foreignKeyCheckSql },
    );
  }
}

/**
 * Runs `fn` with foreign-key enforcement off, restoring the previous setting afterwards. The
 * PRAGMA is a no-op inside a transaction, so it refuses to run inside one while enforcement is on
 * (ON DELETE CASCADE would fire when the old table is dropped).
 */
export async function withForeignKeysOff<T>(conn: Connection, fn: () => Promise<T>): Promise<T> {
  const driver = conn._driverConnection();
  const impl = rebuildImpl(conn.dialect);
  if (!(await impl.foreignKeysEnforced(driver))) return fn();
  if (conn.inTransaction)
    throw new CompileError(
      "batch mode cannot rebuild a table inside an open transaction while foreign keys are enforced: " +
        "foreign-key enforcement cannot change inside a transaction, and dropping the old table would run ON DELETE actions. Apply the operations outside a transaction",
    );
  await impl.setForeignKeys(driver, false);
  try {
    return await fn();
  } finally {
    await impl.setForeignKeys(driver, true);
  }
}
