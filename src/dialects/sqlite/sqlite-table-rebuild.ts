/** SQLite's part of a table rebuild: sqlite_master, sqlite_sequence and the foreign-key PRAGMAs. */
import type { DriverConnection } from "../../engine/dialect.js";
import { catalogRows, catalogValue } from "../../engine/introspection.js";
import type { ForeignKeyViolation, RebuildObjects, TableRebuildImpl } from "../../engine/table-rebuild.js";
import type { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { quoteStringLiteral } from "../../sql/compiler/ddl-literals.js";

export class SqliteTableRebuild implements TableRebuildImpl {
  /** An empty in-memory database: offline mode replays revisions on it to write rebuilds. */
  readonly scratchUrl = "sqlite://:memory:";

  constructor(private readonly preparer: IdentifierPreparer) {}

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
    return {
      indexSql,
      views: of("view"),
      triggers: of("trigger"),
      autoincrement,
      unsupported: await this.#unsupported(conn, table, createSql),
    };
  }

  restoreSequence(table: string, seq: number): string[] {
    const name = quoteStringLiteral(table);
    return [
      `UPDATE sqlite_sequence SET seq = ${seq} WHERE name = ${name} AND seq < ${seq}`,
      `INSERT INTO sqlite_sequence (name, seq) SELECT ${name}, ${seq} WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ${name})`,
    ];
  }

  async foreignKeysEnforced(conn: DriverConnection): Promise<boolean> {
    return Number(await catalogValue(conn, "PRAGMA foreign_keys")) === 1;
  }

  async setForeignKeys(conn: DriverConnection, on: boolean): Promise<void> {
    await catalogRows(conn, this.foreignKeysSql(on));
  }

  foreignKeysSql(on: boolean): string {
    return `PRAGMA foreign_keys = ${on ? "ON" : "OFF"}`;
  }

  readonly foreignKeyCheckSql = "PRAGMA foreign_key_check";

  async foreignKeyViolations(conn: DriverConnection): Promise<ForeignKeyViolation[]> {
    // table, rowid, parent, foreign key id
    return (await catalogRows(conn, this.foreignKeyCheckSql)).map((r) => ({ table: String(r[0]), rowid: r[1], parent: String(r[2]) }));
  }

  /** Table features reflection does not carry, which a rebuild would silently drop. */
  async #unsupported(conn: DriverConnection, table: string, createSql: string): Promise<string[]> {
    const out: string[] = [];
    // Table options follow the column list's closing parenthesis: `) WITHOUT ROWID, STRICT`.
    const options = createSql.slice(createSql.lastIndexOf(")") + 1);
    if (/\bWITHOUT\s+ROWID\b/i.test(options)) out.push("it is a WITHOUT ROWID table");
    if (/\bSTRICT\b/i.test(options)) out.push("it is a STRICT table");
    // table_xinfo: cid, name, type, notnull, dflt_value, pk, hidden (2, 3: generated columns).
    const info = await catalogRows(conn, `PRAGMA table_xinfo(${this.preparer.quote(table)})`);
    for (const c of info) if (Number(c[6]) === 2 || Number(c[6]) === 3) out.push(`column ${String(c[1])} is a generated column`);
    return out;
  }
}
