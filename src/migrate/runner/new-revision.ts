/**
 * Writing a new revision file: its parent (the single head unless told), a fresh id, the name from
 * the file template, and the text from the renderer. Never overwrites a file.
 */
import { existsSync, writeFileSync } from "node:fs";
import type { Dialect } from "../../engine/dialect.js";
import { join } from "node:path";
import { ArgumentError, MigrationError } from "../../util/errors.js";
import { reviewLines } from "../compare/review.js";
import type { MigrationOp } from "../operations.js";
import { renderRevision } from "../render/render-revision.js";
import { DEFAULT_FILE_TEMPLATE, revisionFileName, slugify } from "../revisions/file-name.js";
import { newRevisionId, type Revision } from "../revisions/revision.js";
import type { ScriptDirectory } from "./script-directory.js";

export interface NewRevisionOptions {
  readonly message: string;
  /** The parent revision (default: the single head). */
  readonly head?: string;
  /** Parents, for a merge (overrides `head`). */
  readonly revises?: readonly string[];
  /** The id (default: 12 random hex characters). */
  readonly id?: string;
  readonly branchLabels?: readonly string[];
  readonly dependsOn?: readonly string[];
  /** The creation time written into the file and its name (default: now). */
  readonly now?: Date;
  readonly fileTemplate?: string;
}

export interface NewRevision {
  /** The written file's path. */
  readonly path: string;
  readonly revision: Revision;
  /** The upgrade operations written into it. */
  readonly ops: readonly MigrationOp[];
  /** Findings to review (destructive operations, likely renames), also written into the file. */
  readonly review: readonly string[];
}

export function createRevisionFile(
  dir: ScriptDirectory,
  ops: readonly MigrationOp[],
  options: NewRevisionOptions,
  dialect: Dialect,
): NewRevision {
  if (typeof options.message !== "string" || options.message.trim() === "")
    throw new ArgumentError('a new revision needs a message saying what it does (-m "add users table")');
  const graph = dir.graph;
  let revises: string[];
  if (options.revises) revises = [...options.revises];
  else if (options.head) revises = [graph.get(options.head).id];
  else if (graph.heads.length > 1)
    throw new MigrationError(
      `the revisions have ${graph.heads.length} heads (${graph.heads.join(", ")}); merge them first (\`athanor merge\`) or say which one the new revision follows (--head <rev>)`,
    );
  else revises = [...graph.heads];
  const id = options.id ?? newRevisionId();
  if (graph.has(id))
    throw new MigrationError(`revision id ${id} is already used by ${graph.get(id).file ?? "another revision"}; choose another id`);
  const now = options.now ?? new Date();
  const review = reviewLines(ops);
  const text = renderRevision({
    id,
    revises: revises.length === 0 ? null : revises.length === 1 ? revises[0]! : revises,
    message: options.message.trim(),
    createdAt: now,
    upgrade: ops,
    dependsOn: options.dependsOn,
    branchLabels: options.branchLabels,
    review,
    dialect,
  });
  const name = revisionFileName(options.fileTemplate ?? DEFAULT_FILE_TEMPLATE, { rev: id, slug: slugify(options.message), date: now });
  const path = join(dir.directory, name);
  if (existsSync(path)) throw new MigrationError(`${path} already exists; use another message or wait a minute (the name has the time)`);
  writeFileSync(path, text);
  const revision: Revision = {
    id,
    downRevisions: revises,
    message: options.message.trim(),
    dependsOn: options.dependsOn,
    branchLabels: options.branchLabels,
    file: name,
  };
  return { path, revision, ops, review };
}
