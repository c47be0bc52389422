/**
 * The version table: one row per applied revision with the checksum of its file when it ran, so
 * a file edited, deleted or inserted out of order afterwards is noticed before anything runs.
 * Where DDL commits as it goes (MySQL), a revision being applied also records how many of its
 * operations are done, so a failed run can be understood and resumed.
 */
import { createHash } from "node:crypto";
import type { Connection } from "../../engine/connection.js";
import { column } from "../../sql/schema/column.js";
import { MetaData } from "../../sql/schema/metadata.js";
import { Table } from "../../sql/schema/table.js";
import { DateTime } from "../../sql/types/temporal-types.js";
import { Integer } from "../../sql/types/numeric-types.js";
import { String as Str } from "../../sql/types/string-types.js";
import { deleteFrom, insert, update } from "../../sql/statements/dml.js";
import { select } from "../../sql/statements/select.js";
import { sql } from "../../sql/elements/sql-template.js";
import type { Dialect } from "../../engine/dialect.js";
import type { StatementNode } from "../../sql/nodes/from-nodes.js";
import { bulkInsertSql } from "../ops/bulk-insert-sql.js";

export const VERSION_TABLE = "athanor_version";

/** The version table's definition, in a MetaData of its own (it is never part of the project's models). */
function makeVersionTable(name: string) {
  const metadata = new MetaData();
  const table = new Table(name, metadata, {
    revision: column(Str(32), { primaryKey: true }),
    checksum: column(Str(64)),
    // Null once applied; while a revision runs without transactional DDL, how many operations are
    // done (negated while its downgrade runs).
    opsDone: column(Integer, { name: "ops_done", nullable: true }),
    // The default gives offline scripts the time they run, not the time they were written.
    appliedAt: column(DateTime({ timezone: true }), { name: "applied_at", serverDefault: sql`CURRENT_TIMESTAMP` }),
  });
  return { metadata, table };
}

export interface AppliedRevision {
  readonly revision: string;
  readonly checksum: string;
  /** Undefined when the revision completed; otherwise how many of its operations ran before it stopped. */
  readonly opsDone: number | undefined;
  /** Set while a downgrade of the revision stopped part way (MySQL): how many downgrade operations ran. */
  readonly undone?: number | undefined;
  readonly appliedAt: Date;
}

/** The checksum recorded for a revision file: sha256 of its text, line endings normalised. */
export function checksumOf(source: string): string {
  return createHash("sha256").update(source.replace(/\r\n?/g, "\n")).digest("hex");
}

/** Reads and writes the version table through one connection. */
export class VersionStore {
  readonly #conn: Connection;
  readonly #metadata: MetaData;
  readonly table: ReturnType<typeof makeVersionTable>["table"];

  constructor(conn: Connection, name = VERSION_TABLE) {
    this.#conn = conn;
    const made = makeVersionTable(name);
    this.#metadata = made.metadata;
    this.table = made.table;
  }

  /** Whether the database has the table (read-only commands do not create it). */
  async exists(): Promise<boolean> {
    const tables = await this.#conn.dialect.existingTables(this.#conn._driverConnection(), undefined);
    return tables.has(this.table.name);
  }

  /** Creates the table when the database has none. */
  async ensure(): Promise<void> {
    await this.#metadata.createAll(this.#conn, { checkFirst: true });
  }

  /** The applied revisions, oldest first. */
  async applied(): Promise<AppliedRevision[]> {
    const t = this.table.c;
    const rows = (await this.#conn.execute(select(this.table).orderBy(t.appliedAt, t.revision))).all();
    // A downgrade's progress is stored negated, so one column tells both directions apart.
    return rows.map((r) => ({
      revision: r.revision,
      checksum: r.checksum,
      opsDone: r.opsDone === null || r.opsDone < 0 ? undefined : r.opsDone,
      undone: r.opsDone !== null && r.opsDone < 0 ? -r.opsDone : undefined,
      appliedAt: r.appliedAt,
    }));
  }

  /** Records that a revision started, where its operations commit one by one (opsDone 0). */
  async start(revision: string, checksum: string): Promise<void> {
    await this.#conn.execute(insert(this.table).values({ revision, checksum, opsDone: 0, appliedAt: new Date() }));
  }

  /** Records how many operations of a started revision are done. */
  async progress(revision: string, opsDone: number): Promise<void> {
    await this.#conn.execute(update(this.table).set({ opsDone }).where(this.table.c.revision.eq(revision)));
  }

  /** Records how many downgrade operations of an applied revision are done (at least one). */
  async undoProgress(revision: string, undone: number): Promise<void> {
    await this.#conn.execute(update(this.table).set({ opsDone: -undone }).where(this.table.c.revision.eq(revision)));
  }

  /** Records a revision as applied: completes the row `start` wrote, or inserts one. */
  async complete(revision: string, checksum: string): Promise<void> {
    const r = await this.#conn.execute(
      update(this.table).set({ opsDone: null, checksum, appliedAt: new Date() }).where(this.table.c.revision.eq(revision)),
    );
    if (r.rowCount === 0) await this.#conn.execute(insert(this.table).values({ revision, checksum, opsDone: null, appliedAt: new Date() }));
  }

  /** Forgets a revision (downgraded, or stamped away). */
  async remove(revision: string): Promise<void> {
    await this.#conn.execute(deleteFrom(this.table).where(this.table.c.revision.eq(revision)));
  }
}

/** The version table's statements with their values inlined, for offline scripts. */
export function versionTableSql(dialect: Dialect, name = VERSION_TABLE) {
  const { table } = makeVersionTable(name);
  const literal = (stmt: { readonly node: StatementNode }) => dialect.createCompiler([]).compileLiteral(stmt.node);
  return {
    create: (): string[] => dialect.createDdlCompiler().createTable(table),
    insert: (revision: string, checksum: string): string => bulkInsertSql(table, [{ revision, checksum }], dialect)[0]!,
    remove: (revision: string): string => literal(deleteFrom(table).where(table.c.revision.eq(revision))),
    clear: (): string => literal(deleteFrom(table)),
  };
}
