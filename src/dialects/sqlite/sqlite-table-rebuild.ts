/** SQLite's part of a table rebuild: sqlite_master, sqlite_sequence and the foreign-key PRAGMAs. */
import type { DriverConnection } from "../../engine/dialect.js";
import { catalogRows, catalogValue } from "../../engine/introspection.js";
import type { ForeignKeyViolation, RebuildObjects, TableRebuildImpl } from "../../engine/table-rebuild.js";

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export class SqliteTableRebuild implements TableRebuildImpl {
  async objects(conn: DriverConnection, table: string): Promise<RebuildObjects> {
    const master = await catalogRows(
      conn,
      "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
    );
    const createSql = String(master.find((r) => r[0] === "table" && r[1] === table)?.[3] ?? "");
    let autoincrement: RebuildObjects["autoincrement"];
    if (/\bAUTOINCREMENT\b/i.test(createSql)) {
      const seq = await catalogValue(conn, "SELECT seq FROM sqlite_sequence WHERE name = ?", [table]);
      autoincrement = { seq: seq === undefined || seq === null ? undefined : Number(seq) };
    }
    const of = (type: string) =>
      master.filter((r) => r[0] === type).map((r) => ({ name: String(r[1]), table: String(r[2]), sql: String(r[3]) }));
    const indexSql = new Map(
      of("index")
        .filter((r) => r.table === table)
        .map((r) => [r.name, r.sql] as const),
    );
    return { indexSql, views: of("view"), triggers: of("trigger"), autoincrement, unsupported: await unsupported(conn, table, createSql) };
  }

  restoreSequence(table: string, seq: number): string[] {
    const name = literal(table);
    return [
      `UPDATE sqlite_sequence SET seq = ${seq} WHERE name = ${name} AND seq < ${seq}`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${name}, ${seq} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${name})`,
    ];
  }

  async foreignKeysEnforced(conn: DriverConnection): Promise<boolean> {
    return Number(await catalogValue(conn, "PRAGMA foreign_keys")) === 1;
  }

  async setForeignKeys(conn: DriverConnection, on: boolean): Promise<void> {
    await catalogRows(conn, `PRAGMA foreign_keys = ${on ? "ON" : "OFF"}`);
  }

  async foreignKeyViolations(conn: DriverConnection): Promise<ForeignKeyViolation[]> {
    // table, rowid, parent, foreign key id
    return (await catalogRows(conn, "PRAGMA foreign_key_check")).map((r) => ({ table: String(r[0]), rowid: r[1], parent: String(r[2]) }));
  }
}

/** Table features reflection does not carry, which a rebuild would silently drop. */
async function unsupported(conn: DriverConnection, table: string, createSql: string): Promise<string[]> {
  const out: string[] = [];
  // Table options follow the column list's closing parenthesis: `) WITHOUT ROWID, STRICT`.
  const options = createSql.slice(createSql.lastIndexOf(")") + 1);
  if (/\bWITHOUT\s+ROWID\b/i.test(options)) out.push("it is a WITHOUT ROWID table");
  if (/\bSTRICT\b/i.test(options)) out.push("it is a STRICT table");
  // table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden (2, 3: generated columns).
  const generated = (await catalogRows(conn, `PRAGMA table_xinfo(${quoteName(table)})`)).filter(
    (c) => Number(c[6]) === 2 || Number(c[6]) === 3,
  );
  for (const c of generated) out.push(`column ${String(c[1])} is a generated column`);
  return out;
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
