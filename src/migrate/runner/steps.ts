/**
 * A run's steps: which revisions run in which direction, with the operations each one records.
 * Recording calls the revision's `upgrade(op)` / `downgrade(op)`; nothing touches the database yet,
 * so every step of a run is known (and, offline, printed) before the first one runs.
 */
import type { Dialect } from "../../engine/dialect.js";
import { MigrationError } from "../../util/errors.js";
import { Operations } from "../ops/operations-api.js";
import type { MigrationOp } from "../operations.js";
import type { Revision } from "../revisions/revision.js";
import type { RevisionScript, ScriptDirectory } from "./script-directory.js";

export type Direction = "upgrade" | "downgrade";

/** What a reporter is told about a step. */
export interface PlannedStep {
  readonly revision: Revision;
  readonly direction: Direction;
  /** The revision file, relative to the migrations folder. */
  readonly file: string;
  /** How many operations the step runs. */
  readonly ops: number;
  /** Operations already applied by an earlier run that stopped half way (MySQL), which this one skips. */
  readonly resumeFrom: number;
}

/** A step with its operations. */
export interface Step extends PlannedStep {
  readonly script: RevisionScript;
  readonly operations: readonly MigrationOp[];
}

/** The operations a revision records in one direction. */
export async function recordOps(script: RevisionScript, direction: Direction, dialect: Dialect): Promise<MigrationOp[]> {
  const op = new Operations(dialect);
  try {
    await script.definition[direction](op);
  } catch (err) {
    throw new MigrationError(
      `${direction}() of revision ${script.revision.id} (${script.file}) threw while recording its operations, before anything ran: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return [...op.recorded];
}

/** The steps for revisions in order, all in one direction. `resume` maps revisions stopped half way (in this direction) to their done count. */
export async function buildSteps(
  dir: ScriptDirectory,
  revisions: readonly Revision[],
  direction: Direction,
  dialect: Dialect,
  resume: ReadonlyMap<string, number> = new Map(),
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const revision of revisions) {
    const script = dir.scripts.get(revision.id)!;
    const operations = await recordOps(script, direction, dialect);
    const resumeFrom = resume.get(revision.id) ?? 0;
    steps.push({ revision, direction, file: script.file, ops: operations.length, resumeFrom, script, operations });
  }
  return steps;
}
