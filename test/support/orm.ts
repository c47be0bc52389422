/** Helpers for ORM tests: recording the statements an engine runs, and emptying a model's tables. */
import { deleteFrom, type Engine, type MetaData } from "athanor";

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION|SET\b)/i;

/** Records the SQL an engine runs (transaction control left out) until `stop()`. */
export function recordStatements(engine: Engine): { readonly sql: string[]; clear(): void; stop(): void; count(re: RegExp): number } {
  const all: string[] = [];
  const stop = engine.on("afterExecute", (e) => {
    if (!CONTROL.test(e.sql)) all.push(e.sql);
  });
  return {
    get sql() {
      return [...all];
    },
    clear: () => void (all.length = 0),
    stop,
    count: (re) => all.filter((s) => re.test(s)).length,
  };
}

/** Deletes every row of every table of `metadata`, children first. */
export async function emptyTables(engine: Engine, metadata: MetaData): Promise<void> {
  await using conn = await engine.connect();
  await conn.transaction(async () => {
    for (const t of [...metadata.sortedTables].reverse()) await conn.execute(deleteFrom(t));
  });
}
