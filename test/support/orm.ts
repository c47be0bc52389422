/** Helpers for ORM tests: recording the statements an engine runs, and emptying a model's tables. */
import { deleteFrom, trackStatements, type Engine, type MetaData } from "athanor";

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION|SET\b)/i;

/** Records the SQL an engine runs (transaction control left out) until `stop()`. */
export function recordStatements(engine: Engine): { readonly sql: string[]; clear(): void; stop(): void; count(re: RegExp): number } {
  // The public tracker; connection setup (SET …) is left out here too, and pattern counts added.
  const tracker = trackStatements(engine);
  const sql = () => tracker.statements.filter((s) => !CONTROL.test(s));
  return {
    get sql() {
      return sql();
    },
    clear: () => tracker.reset(),
    stop: () => tracker.stop(),
    count: (re) => sql().filter((s) => re.test(s)).length,
  };
}

/** Deletes every row of every table of `metadata`, children first. */
export async function emptyTables(engine: Engine, metadata: MetaData): Promise<void> {
  await using conn = await engine.connect();
  await conn.transaction(async () => {
    for (const t of [...metadata.sortedTables].reverse()) await conn.execute(deleteFrom(t));
  });
}

/** What a statement does, to which table: "INSERT orders", "DELETE order_items", "SELECT products". */
export function statementShape(sql: string): string {
  const m = /^(INSERT INTO|DELETE FROM|UPDATE|SELECT\b[\s\S]*?\bFROM)\s+[`"]?(\w+)/i.exec(sql);
  return m ? `${m[1]!.split(/\s/)[0]!.toUpperCase()} ${m[2]}` : sql;
}
