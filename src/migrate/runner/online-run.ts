/**
 * Running steps on a live database, under the migration lock:
 *
 * - Where DDL is transactional (PostgreSQL, SQLite) each revision runs in its own transaction with
 *   its version-table row, so a failure leaves the database at the previous revision. (On SQLite
 *   the lock is itself the run's transaction: each revision is a savepoint inside it.)
 * - Where DDL commits as it goes (MySQL/MariaDB) each operation is applied and then counted in the
 *   version table, so a failed revision is recorded as "stopped after N operations" and the next
 *   upgrade continues from operation N + 1.
 * - SQLite table rebuilds need foreign-key enforcement off, which cannot change inside a
 *   transaction: when a run includes one, the lock is let go, enforcement turned off, and the run
 *   planned again; every revision is then followed by a foreign-key check.
 */
import type { Connection } from "../../engine/connection.js";
import { AthanorError, MigrationError } from "../../util/errors.js";
import { applyOps } from "../apply.js";
import { checkForeignKeys, needsBatch, withForeignKeysOff } from "../batch.js";
import { describeOp } from "../describe-op.js";
import { destructiveOps } from "../compare/review.js";
import { acquireMigrationLock } from "../lock.js";
import type { ScriptDirectory } from "./script-directory.js";
import type { RevisionGraph } from "../revisions/graph.js";
import type { PlannedStep, Step } from "./steps.js";
import { VersionStore, type AppliedRevision } from "./version-table.js";
import { describeProblem, verifyHistory } from "./verify.js";

/** Told about a run as it goes (the CLI prints it). */
export interface MigrationReporter {
  /** Before the first step: everything that will run. */
  plan?(steps: readonly PlannedStep[]): void;
  start?(step: PlannedStep): void;
  done?(step: PlannedStep, ms: number): void;
  /** Destructive operations, and MySQL's non-transactional DDL. */
  warn?(message: string): void;
  /** The lock is held by another run; this one waits. */
  waiting?(): void;
}

/** What the version table says, as the runner uses it. */
export interface DatabaseState {
  /** Fully applied revisions. */
  readonly applied: readonly AppliedRevision[];
  /** Heads of the applied revisions. */
  readonly heads: readonly string[];
  /** Revisions that stopped half way (MySQL), with how many operations are done. */
  readonly incomplete: ReadonlyMap<string, number>;
  /** Applied revisions whose downgrade stopped half way (MySQL), with how many downgrade operations ran. */
  readonly partlyUndone: ReadonlyMap<string, number>;
}

export interface OnlineRunOptions {
  readonly versionTable?: string;
  readonly lockTimeoutMs?: number;
  readonly reporter?: MigrationReporter;
}

/** A completed step and how long it took. */
export interface StepResult {
  readonly revision: string;
  readonly direction: PlannedStep["direction"];
  readonly ms: number;
}

/** Reads the version table as the runner sees it, refusing a history with problems unless only `reading`. */
export async function readState(store: VersionStore, dir: ScriptDirectory, reading = false): Promise<DatabaseState> {
  const rows = await store.applied();
  const checksums = new Map([...dir.scripts].map(([id, s]) => [id, s.checksum]));
  // A half-applied revision is resumed, and its file may have been fixed since: only its kind of problem is not one.
  const unfinished = new Set(rows.filter((r) => r.opsDone !== undefined || r.undone !== undefined).map((r) => r.revision));
  const problems = verifyHistory(dir.graph, rows, checksums).filter(
    (p) => p.kind !== "incomplete" && p.kind !== "partlyUndone" && !(p.kind === "edited" && unfinished.has(p.revision)),
  );
  if (problems.length > 0 && !reading)
    throw new MigrationError(
      `the database's migration history does not match the revision files, so nothing was run:\n${problems.map((p) => `  - ${describeProblem(p)}`).join("\n")}`,
    );
  const applied = rows.filter((r) => r.opsDone === undefined);
  const incomplete = new Map(rows.filter((r) => r.opsDone !== undefined).map((r) => [r.revision, r.opsDone!]));
  const partlyUndone = new Map(rows.filter((r) => r.undone !== undefined).map((r) => [r.revision, r.undone!]));
  return { applied, heads: dir.graph.headsOf(applied.map((a) => a.revision)), incomplete, partlyUndone };
}

/**
 * Takes the lock, reads the state, asks `plan` for the steps and runs them. `plan` may run twice
 * (after turning SQLite's foreign keys off), so it must only read.
 */
export async function runLocked(
  conn: Connection,
  dir: ScriptDirectory,
  options: OnlineRunOptions,
  plan: (state: DatabaseState, store: VersionStore) => Promise<Step[]>,
): Promise<StepResult[]> {
  const attempt = async (foreignKeysOff: boolean): Promise<StepResult[] | "needs foreign keys off"> => {
    const lock = await acquireMigrationLock(conn, { timeoutMs: options.lockTimeoutMs, onWait: options.reporter?.waiting });
    try {
      const store = new VersionStore(conn, options.versionTable);
      await store.ensure();
      const state = await readState(store, dir);
      const steps = await plan(state, store);
      const rebuilds = steps.some((s) => s.operations.some((op) => needsBatch(op, conn.dialect)));
      if (rebuilds && !foreignKeysOff && conn.dialect.tableRebuild) return "needs foreign keys off";
      return await runSteps(conn, store, dir.graph, steps, state, foreignKeysOff, options.reporter);
    } finally {
      await lock.release();
    }
  };
  const first = await attempt(false);
  if (first !== "needs foreign keys off") return first;
  const second = await withForeignKeysOff(conn, () => attempt(true));
  if (second === "needs foreign keys off") throw new Error("unreachable: foreign keys are already off");
  return second;
}

async function runSteps(
  conn: Connection,
  store: VersionStore,
  graph: RevisionGraph,
  steps: readonly Step[],
  state: DatabaseState,
  foreignKeysOff: boolean,
  reporter: MigrationReporter | undefined,
): Promise<StepResult[]> {
  const transactional = conn.dialect.caps.transactionalDdl;
  reporter?.plan?.(steps);
  for (const step of steps)
    for (const d of destructiveOps(step.operations)) reporter?.warn?.(`${step.direction} ${step.revision.id} ${d.reason}`);
  if (!transactional && steps.some((s) => s.ops > 0))
    reporter?.warn?.(
      `${conn.dialect.name} commits each DDL statement as it runs, so a revision that fails part way stays part-applied; ` +
        "progress is recorded per operation and the next upgrade continues where it stopped",
    );
  const results: StepResult[] = [];
  let heads = [...state.heads];
  for (const step of steps) {
    reporter?.start?.(step);
    const started = performance.now();
    try {
      if (transactional) {
        await conn.transaction(async () => {
          await applyOps(conn, step.operations);
          if (foreignKeysOff && conn.dialect.tableRebuild)
            await checkForeignKeys(conn, `${step.direction} of revision ${step.revision.id}`);
          await record(store, step);
        });
      } else await runCounted(conn, store, step);
    } catch (err) {
      throw failure(step, err, heads, transactional);
    }
    const id = step.revision.id;
    heads = step.direction === "upgrade" ? graph.headsAfterUpgrade(heads, id) : graph.headsAfterDowngrade(heads, id);
    const ms = performance.now() - started;
    reporter?.done?.(step, ms);
    results.push({ revision: step.revision.id, direction: step.direction, ms });
  }
  return results;
}

/** The version table after a step that ran in a transaction. */
async function record(store: VersionStore, step: Step): Promise<void> {
  if (step.direction === "upgrade") await store.complete(step.revision.id, step.script.checksum);
  else await store.remove(step.revision.id);
}

/** One step where DDL is not transactional: operation by operation, counting each one done. */
async function runCounted(conn: Connection, store: VersionStore, step: Step): Promise<void> {
  const id = step.revision.id;
  if (step.direction === "upgrade" && step.resumeFrom === 0) await store.start(id, step.script.checksum);
  for (let i = step.resumeFrom; i < step.operations.length; i++) {
    try {
      await applyOps(conn, [step.operations[i]!]);
    } catch (err) {
      throw Object.assign(err as Error, { operationIndex: i });
    }
    if (step.direction === "upgrade") await store.progress(id, i + 1);
    else await store.undoProgress(id, i + 1);
  }
  await record(store, step);
}

/** The error for a failed step: what failed, where the database stands, what to do. */
function failure(step: Step, err: unknown, heads: readonly string[], transactional: boolean): AthanorError {
  const id = step.revision.id;
  const cause = err instanceof Error ? err.message : String(err);
  const at = heads.length ? `revision ${heads.join(", ")}` : "base (no revision applied)";
  if (transactional)
    return new MigrationError(
      `${step.direction} of revision ${id} (${step.file}) failed: ${cause}\n` +
        `Nothing of ${id} was applied: the database is at ${at}. Fix the revision or the data, then run ${step.direction} again`,
      { cause: err },
    );
  const index = (err as { operationIndex?: number }).operationIndex ?? step.resumeFrom;
  const failed = step.operations[index];
  const done = index - step.resumeFrom;
  const ran = done === 1 ? `operation ${index} ran and stays` : `operations ${step.resumeFrom + 1}–${index} ran and stay`;
  const doneText = done > 0 ? `${ran} applied (this database commits DDL as it goes)` : "no operation of it ran";
  const next = `the progress is recorded: fix the cause, then run ${step.direction} again to continue from operation ${index + 1}`;
  return new MigrationError(
    `${step.direction} of revision ${id} (${step.file}) failed at operation ${index + 1} of ${step.operations.length}` +
      `${failed ? ` (${describeOp(failed)})` : ""}: ${cause}\n${doneText}; ${next}`,
    { cause: err },
  );
}
