/**
 * Offline mode (`--sql`): the SQL of a range of revisions, written out instead of run, for a DBA
 * to review or run. Version-table changes are included with their values inlined. Where DDL is
 * transactional each revision is wrapped in BEGIN/COMMIT, as the online runner runs it.
 *
 * A table rebuild (SQLite) is written from the table as the earlier revisions leave it, which no
 * database holds offline: the revisions are replayed on the dialect's empty scratch database (from
 * base, the ones before the range unrecorded) and the statements each step runs there are recorded.
 */
import type { Connection } from "../../engine/connection.js";
import type { Dialect } from "../../engine/dialect.js";
import { createEngine } from "../../engine/engine.js";
import { applyOps, opsSql } from "../apply.js";
import { needsBatch } from "../batch.js";
import type { Step } from "./steps.js";
import { versionTableSql } from "./version-table.js";

export interface OfflineOptions {
  readonly versionTable?: string;
  /** Include the version table's CREATE TABLE (the range starts at base). */
  readonly createVersionTable: boolean;
  /** The upgrade steps from base to where the range starts (replayed first when a rebuild needs the tables). */
  readonly prelude?: readonly Step[];
}

/** The script of the steps, statements separated by blank lines, each ending with `;`. */
export async function offlineSql(steps: readonly Step[], dialect: Dialect, options: OfflineOptions): Promise<string> {
  const rebuilds = steps.map((s) => s.operations.some((op) => needsBatch(op, dialect)));
  const bodies =
    dialect.tableRebuild && rebuilds.some(Boolean)
      ? await replay(steps, options.prelude ?? [], dialect.tableRebuild.scratchUrl)
      : steps.map((s) => opsSql(s.operations, dialect));
  const out: string[] = [];
  const version = versionTableSql(dialect, options.versionTable);
  if (options.createVersionTable) out.push(...version.create().map(terminated));
  const rebuild = dialect.tableRebuild;
  steps.forEach((step, i) => {
    // A rebuild drops the old table: with foreign keys enforced that would fire ON DELETE actions.
    const framed = rebuilds[i] && rebuild;
    out.push(`-- ${step.direction} ${step.revision.id}: ${step.revision.message.split("\n")[0]}`);
    if (framed)
      out.push(
        "-- table rebuild: foreign keys off outside the transaction, checked before COMMIT (the check must return no rows)",
        terminated(rebuild.foreignKeysSql(false)),
      );
    if (dialect.caps.transactionalDdl) out.push(terminated(dialect.beginSql()));
    out.push(...bodies[i]!.map(terminated));
    const id = step.revision.id;
    out.push(terminated(step.direction === "upgrade" ? version.insert(id, step.script.checksum) : version.remove(id)));
    if (framed) out.push(terminated(rebuild.foreignKeyCheckSql));
    if (dialect.caps.transactionalDdl) out.push("COMMIT;");
    if (framed) out.push(terminated(rebuild.foreignKeysSql(true)));
  });

  return out.join("\n\n") + "\n";
}

/** The statements each step runs on a scratch database that first replays the prelude. */
async function replay(steps: readonly Step[], prelude: readonly Step[], scratchUrl: string): Promise<string[][]> {
  const engine = createEngine(scratchUrl);
  let recording: string[] | undefined;
  const stop = engine.on("beforeExecute", ({ sql }) => {
    if (recording && !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b/i.test(sql)) recording.push(sql);
  });
  const conn: Connection = await engine.connect();
  try {
    for (const step of prelude) await applyOps(conn, step.operations);
    const out: string[][] = [];
    for (const step of steps) {
      recording = [];
      await applyOps(conn, step.operations);
      out.push(recording);
    }
    return out;
  } finally {
    stop();
    await conn.close();
    await engine.dispose();
  }
}

/** A statement ending with `;`, as scripts separate them. */
export function terminated(sql: string): string {
  return sql.trimEnd().endsWith(";") ? sql : `${sql};`;
}
