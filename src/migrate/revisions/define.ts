/**
 * The shape of a revision file's default export. `defineRevision` only checks and types it: the
 * runner loads files (script-directory.ts), and `upgrade`/`downgrade` record operations on the
 * `op` they are given, which the runner compiles and applies afterwards.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { Operations } from "../ops/operations-api.js";

export interface RevisionDefinition {
  /** The revision's id (generated files use 12 hex characters). */
  readonly id: string;
  /** The revision this one applies on top of: null for the first, several for a merge. */
  readonly revises: string | readonly string[] | null;
  readonly message: string;
  /** Revisions (ids or branch labels) that must be applied first, without merging the two branches. */
  readonly dependsOn?: readonly string[];
  /** Names for the branch starting at this revision, usable as `label@head`. */
  readonly branchLabels?: readonly string[];
  upgrade(op: Operations): void | Promise<void>;
  downgrade(op: Operations): void | Promise<void>;
}

/** Declares a revision (the default export of a revision file). */
export function defineRevision(def: RevisionDefinition): RevisionDefinition {
  const problem = definitionProblem(def);
  if (problem) throw new ArgumentError(`defineRevision(): ${problem}`);
  return def;
}

/** What is wrong with a would-be revision definition, or undefined when it is one. */
export function definitionProblem(def: unknown): string | undefined {
  if (!def || typeof def !== "object")
    return `expected an object with id, revises, message, upgrade and downgrade, got ${describeValue(def)}`;
  const d = def as Partial<Record<keyof RevisionDefinition, unknown>>;
  if (typeof d.id !== "string" || d.id.trim() === "") return `id must be a non-empty string, got ${describeValue(d.id)}`;
  const revises = d.revises;
  const okRevises =
    revises === null || typeof revises === "string" || (Array.isArray(revises) && revises.every((r) => typeof r === "string"));
  if (!okRevises) return `revision ${d.id}: revises must be null, a revision id or a list of ids, got ${describeValue(revises)}`;
  if (typeof d.message !== "string") return `revision ${d.id}: message must be a string`;
  for (const key of ["upgrade", "downgrade"] as const)
    if (typeof d[key] !== "function")
      return `revision ${d.id}: ${key}(op) must be a function (write an empty one if there is nothing to do)`;
  for (const key of ["dependsOn", "branchLabels"] as const) {
    const v = d[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === "string")))
      return `revision ${d.id}: ${key} must be a list of strings, got ${describeValue(v)}`;
  }
  return undefined;
}

/** The down revisions of a definition as a list. */
export function downRevisionsOf(def: RevisionDefinition): string[] {
  return def.revises === null ? [] : typeof def.revises === "string" ? [def.revises] : [...def.revises];
}
