/**
 * createAll / dropAll: runs DDL for a MetaData in foreign-key order on a connection. Cycles are
 * broken by adding their foreign keys with ALTER TABLE after the tables exist (and dropping them
 * first on drop). On databases with transactional DDL everything runs in one transaction; on the
 * others, a failure drops whatever this run created, so the database is left as it was.
 */
import { CompileError } from "../util/errors.js";
import type { SchemaOperation } from "../sql/schema/metadata.js";
import { sortTables } from "../sql/schema/sort-tables.js";
import type { Table } from "../sql/schema/table.js";
import type { ForeignKeyConstraint } from "../sql/schema/foreign-key.js";
import type { Connection } from "./connection.js";

async function existing(conn: Connection, tables: readonly Table[]): Promise<Set<Table>> {
  const bySchema = new Map<string | undefined, Table[]>();
  for (const t of tables) bySchema.set(t.schema, [...(bySchema.get(t.schema) ?? []), t]);
  const found = new Set<Table>();
  for (const [schema, ts] of bySchema) {
    const names = await conn.dialect.existingTables(conn._driverConnection(), schema);
    for (const t of ts) if (names.has(t.name)) found.add(t);
  }
  return found;
}

/** Runs a schema operation on a connection. */
export async function runSchemaOperation(conn: Connection, op: SchemaOperation): Promise<void> {
  for (const t of op.tables) for (const fk of t.foreignKeys) fk.resolve();
  if (op.action === "create") await createTables(conn, op);
  else await dropTables(conn, op);
}

async function inDdlTransaction(conn: Connection, work: (undo: Array<() => Promise<void>>) => Promise<void>): Promise<void> {
  if (conn.dialect.caps.transactionalDdl) {
    await conn.transaction(async () => work([]));
    return;
  }
  // No transactional DDL (MySQL): remember how to undo each step and unwind on failure.
  const undo: Array<() => Promise<void>> = [];
  try {
    await work(undo);
  } catch (err) {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // Best effort: keep unwinding the rest.
      }
    }
    throw err;
  }
}

async function createTables(conn: Connection, op: SchemaOperation): Promise<void> {
  const dialect = conn.dialect;
  const ddl = dialect.createDdlCompiler();
  const present = op.checkFirst ? await existing(conn, op.tables) : new Set<Table>();
  const todo = op.tables.filter((t) => !present.has(t));
  const { order, cycleForeignKeys } = sortTables(todo);
  const deferred = new Set<ForeignKeyConstraint>(dialect.caps.alterAddConstraint ? cycleForeignKeys : []);
  // Foreign keys into tables that already exist or are created in this run need no deferral;
  // keys into tables that are neither cannot be created at all.
  const known = new Set<Table>([...present, ...todo]);
  for (const t of todo)
    for (const fk of t.foreignKeys) {
      const target = fk.resolve().table;
      if (!known.has(target) && !op.tables.includes(target) && op.checkFirst) {
        const there = await existing(conn, [target]);
        if (!there.has(target))
          throw new CompileError(
            `table ${t.name} references ${target.name}, which neither exists nor is being created; include it in createAll`,
          );
      }
    }
  await inDdlTransaction(conn, async (undo) => {
    const typesSeen = new Set<string>();
    for (const table of order) {
      for (const stmt of await preCreateStatements(conn, table, typesSeen, op.checkFirst)) {
        await conn._runRaw(stmt.sql);
        if (stmt.undo) undo.push(() => conn._runRaw(stmt.undo!).then(() => undefined));
      }
      const [create, ...rest] = ddl.createTable(table, { deferredForeignKeys: deferred });
      await conn._runRaw(create!);
      undo.push(() => conn._runRaw(ddl.dropTable(table)).then(() => undefined));
      for (const s of rest) await conn._runRaw(s);
      for (const ix of table.indexes) await conn._runRaw(ddl.createIndex(ix));
    }
    for (const fk of deferred) {
      await conn._runRaw(ddl.addForeignKey(fk));
      undo.push(() => conn._runRaw(ddl.dropForeignKey(fk)).then(() => undefined));
    }
  });
}

interface UndoableStatement {
  sql: string;
  undo?: string;
}

/** Enum types (PostgreSQL) a table needs that do not exist yet. */
async function preCreateStatements(conn: Connection, table: Table, seen: Set<string>, checkFirst: boolean): Promise<UndoableStatement[]> {
  const ddl = conn.dialect.createDdlCompiler();
  const stmts = ddl.preCreate(table);
  if (stmts.length === 0) return [];
  const existingTypes = checkFirst ? await conn.dialect.existingEnumTypes(conn._driverConnection(), table.schema) : new Set<string>();
  const out: UndoableStatement[] = [];
  for (const s of stmts) {
    const name = /^CREATE TYPE (.+?) AS ENUM/.exec(s)?.[1] ?? s;
    const bare = name.replace(/^.*\./, "").replace(/^"|"$/g, "").replace(/""/g, '"');
    if (seen.has(name) || existingTypes.has(bare)) continue;
    seen.add(name);
    out.push({ sql: s, undo: `DROP TYPE ${name}` });
  }
  return out;
}

async function dropTables(conn: Connection, op: SchemaOperation): Promise<void> {
  const dialect = conn.dialect;
  const ddl = dialect.createDdlCompiler();
  const present = op.checkFirst ? await existing(conn, op.tables) : new Set<Table>(op.tables);
  const todo = op.tables.filter((t) => present.has(t));
  const { order, cycleForeignKeys } = sortTables(todo);
  await inDdlTransaction(conn, async () => {
    for (const s of ddl.dropPrelude()) await conn._runRaw(s);
    if (dialect.caps.alterAddConstraint) for (const fk of cycleForeignKeys) await conn._runRaw(ddl.dropForeignKey(fk));
    const remaining = [...order];
    for (const table of [...order].reverse()) {
      await conn._runRaw(ddl.dropTable(table));
      remaining.splice(remaining.indexOf(table), 1);
      for (const s of ddl.postDrop(table, remaining)) await conn._runRaw(s);
    }
  });
}
