/** Compile-only helpers: the SQL and raw parameter values a statement produces for a dialect, no database. */
import { statementKey } from "../../src/sql/compiler/cache-key.js";
import { dialectFor } from "../../src/engine/dialect-registry.js";
import { parseUrl } from "../../src/engine/url.js";
import { statementNode, type Statement } from "../../src/engine/connection.js";
import { batchSql, cellValue } from "../../src/engine/execution.js";
import type { Dialect } from "../../src/engine/dialect.js";
import type { Table } from "../../src/sql/schema/table.js";
import "athanor";

const URLS = { sqlite: "sqlite://:memory:", postgresql: "postgresql://u@localhost/db", mysql: "mysql://u@localhost/db" } as const;
export type CompileDialect = keyof typeof URLS;

export function dialect(name: CompileDialect): Dialect {
  return dialectFor(parseUrl(URLS[name]));
}

/** SQL text and parameter values (before type processing) of a statement, for a dialect name or instance. */
export function compile(stmt: Statement, target: CompileDialect | Dialect = "sqlite"): { sql: string; params: unknown[] } {
  const node = statementNode(stmt);
  const key = statementKey(node);
  const d = typeof target === "string" ? dialect(target) : target;
  const compiled = d.createCompiler(key.binds).compile(node);
  if (compiled.insert) {
    const rows = (node as unknown as { rows: Record<string, unknown>[] }).rows;
    const ins = {
      plan: compiled.insert,
      head: [],
      row: [],
      tail: [],
      cellKeys: [],
      cellPass: new Uint8Array(),
      rowsPerBatch: rows.length,
      sqlByRows: new Map<number, string>(),
    };
    const sql = batchSql(ins, rows.length, d.paramStyle === "numeric");
    const params: unknown[] = compiled.insert.head.slots.map((s) => key.binds[s.index]!.value);
    rows.forEach((row, r) => compiled.insert!.row.slots.forEach((s) => params.push(cellValue(compiled.insert!.columns, s, row, r))));
    params.push(...compiled.insert.tail.slots.map((s) => key.binds[s.index]!.value));
    return { sql, params };
  }
  const params = compiled.slots.map((s) => {
    if (s.name !== undefined) return `:${s.name}`;
    if (s.cell !== undefined)
      return cellValue(compiled.insertColumns!, s, (node as unknown as { rows: Record<string, unknown>[] }).rows[s.row!]!, s.row!);
    const v = key.binds[s.index]!.value;
    const e = s.element !== undefined ? (v as unknown[])[s.element] : v;
    return s.transform ? s.transform(e) : e;
  });
  return { sql: compiled.sql, params };
}

/** DDL statements createAll would run for these tables (no database). */
export function ddl(tables: readonly Table[], target: CompileDialect | Dialect = "sqlite"): string[] {
  const c = (typeof target === "string" ? dialect(target) : target).createDdlCompiler();
  const out: string[] = [];
  for (const t of tables) {
    out.push(...c.preCreate(t), ...c.createTable(t));
    for (const ix of t.indexes) out.push(c.createIndex(ix));
  }
  return out;
}
