/**
 * Application of migration operations: each operation becomes the dialect's DDL statements
 * (opSql), which run on a connection (applyOps) or are printed (opsSql, the offline mode: the same
 * statements, collected instead of run). Nothing here knows a database: the dialect's DDL compiler
 * spells each statement and refuses what its database cannot do in place (SQLite's ALTER TABLE
 * cannot change a column or a constraint: that needs a table rebuild, batch mode, which applyOps
 * runs through batch.ts; offline, opSql still refuses it, as the rebuild reads the live table).
 */
import type { Connection } from "../engine/connection.js";
import type { Dialect } from "../engine/dialect.js";
import type { DdlCompiler } from "../sql/compiler/ddl-compiler.js";
import type { MigrationOp } from "./operations.js";
import { batchTable, needsBatch, runBatch, withForeignKeysOff, type BatchOp } from "./batch.js";
import { bulkInsertSql } from "./ops/bulk-insert-sql.js";
import { CompileError } from "../util/errors.js";

/** The statements that perform one operation, in order. Throws CompileError for what the database cannot do. */
export function opSql(op: MigrationOp, dialect: Dialect, ddl: DdlCompiler = dialect.createDdlCompiler()): string[] {
  switch (op.kind) {
    case "createTable":
      // Enum types the table uses come from their own createEnum operations.
      return [...ddl.createTable(op.table), ...op.table.indexes.map((ix) => ddl.createIndex(ix))];
    case "dropTable":
      return [ddl.dropTable(op.table)];
    case "addColumn":
      return ddl.addColumn(op.column);
    case "dropColumn":
      return [ddl.dropColumn(op.column)];
    case "alterColumn":
      return ddl.alterColumn(op);
    case "createIndex":
      return [ddl.createIndex(op.index)];
    case "dropIndex":
      return [ddl.dropIndex(op.index)];
    case "addConstraint":
      return [ddl.addConstraint(op.constraint)];
    case "dropConstraint":
      return [ddl.dropConstraint(op.constraint)];
    case "renameTable":
      return [ddl.renameTable(op.from, op.to)];
    case "renameColumn":
      return [ddl.renameColumn(op.table, op.from, op.to)];
    case "createEnum":
      return ddl.createEnum(op.name, op.values);
    case "dropEnum":
      return ddl.dropEnum(op.name);
    case "alterEnum":
      return ddl.alterEnum(op.name, op.values.from, op.values.to);
    case "execute":
      return [op.sql];
    case "bulkInsert":
      return bulkInsertSql(op.table, op.rows, dialect);
    case "run":
      throw new CompileError(
        "op.run() runs code against a live connection, so it has no SQL to print in offline (--sql) mode; " +
          "write what must appear in offline scripts with op.execute(sql), or run this migration online",
      );
  }
}

/** The statements of a list of operations, in order: the offline ("print the SQL") mode. */
export function opsSql(ops: readonly MigrationOp[], dialect: Dialect): string[] {
  const ddl = dialect.createDdlCompiler();
  return ops.flatMap((op) => opSql(op, dialect, ddl));
}

/** One step of applyOps: statements compiled beforehand, a table rebuilt in batch mode, or a revision's own code. */
type Step =
  | { readonly kind: "sql"; readonly statements: string[] }
  | { readonly kind: "batch"; readonly table: string; readonly ops: BatchOp[] }
  | { readonly kind: "run"; readonly fn: (conn: Connection) => Promise<void> };

/** The steps of a list of operations: consecutive operations on one table that ALTER cannot do become one batch. */
function plan(ops: readonly MigrationOp[], dialect: Dialect): Step[] {
  const ddl = dialect.createDdlCompiler();
  const steps: Step[] = [];
  for (const op of ops) {
    const last = steps[steps.length - 1];
    if (op.kind === "run") steps.push({ kind: "run", fn: op.fn });
    else if (needsBatch(op, dialect)) {
      const table = batchTable(op);
      if (last?.kind === "batch" && last.table === table) last.ops.push(op);
      else steps.push({ kind: "batch", table, ops: [op] });
    } else if (last?.kind === "sql") last.statements.push(...opSql(op, dialect, ddl));
    else steps.push({ kind: "sql", statements: opSql(op, dialect, ddl) });
  }
  return steps;
}

/**
 * Runs the operations on a connection. Every statement is compiled before the first runs, so an
 * operation the database cannot do fails before anything changes. Where DDL is transactional
 * (`caps.transactionalDdl`) all of it runs in one transaction (a savepoint inside an open one) and
 * a failure leaves the schema as it was; elsewhere (MySQL) statements run and commit one by one,
 * and a failure leaves the ones before it done.
 *
 * Operations ALTER TABLE cannot do (SQLite: alterColumn, add/drop constraint, DROP COLUMN before
 * 3.35) rebuild their table in batch mode (batch.ts), one rebuild per run of consecutive
 * operations on one table, compiled when its turn comes (it reads the table as the earlier
 * operations left it). Foreign-key enforcement is turned off before the transaction opens and
 * restored after it ends, as the rebuild drops the old table.
 */
export async function applyOps(conn: Connection, ops: readonly MigrationOp[]): Promise<void> {
  const steps = plan(ops, conn.dialect);
  const run = async () => {
    for (const step of steps) {
      if (step.kind === "sql") for (const sql of step.statements) await conn._runRaw(sql);
      else if (step.kind === "run") await step.fn(conn);
      // A rebuild is always one transaction, even where other DDL is not.
      else if (conn.inTransaction) await runBatch(conn, step.table, step.ops);
      else await conn.transaction(() => runBatch(conn, step.table, step.ops));
    }
  };
  const transactional = async () => {
    if (conn.dialect.caps.transactionalDdl) await conn.transaction(run);
    else await run();
  };
  if (steps.some((s) => s.kind === "batch")) await withForeignKeysOff(conn, transactional);
  else await transactional();
}
