/**
 * Before anything runs: the applied revisions recorded in the version table checked against the
 * revision files. A file edited after it ran, a file deleted, a revision added below others that
 * already ran, and a revision that stopped halfway (without transactional DDL) are each reported,
 * saying what to do, instead of being silently skipped or run out of order.
 */
import type { RevisionGraph } from "../revisions/graph.js";
import type { AppliedRevision } from "./version-table.js";

export type HistoryProblem =
  | { readonly kind: "edited"; readonly revision: string; readonly file: string | undefined }
  | { readonly kind: "missing"; readonly revision: string }
  | { readonly kind: "outOfOrder"; readonly revision: string; readonly appliedAbove: readonly string[] }
  | { readonly kind: "incomplete"; readonly revision: string; readonly opsDone: number }
  | { readonly kind: "partlyUndone"; readonly revision: string; readonly undone: number };

/** Problems with the recorded history; `checksums` maps each revision id to its file's checksum. */
export function verifyHistory(
  graph: RevisionGraph,
  applied: readonly AppliedRevision[],
  checksums: ReadonlyMap<string, string>,
): HistoryProblem[] {
  const problems: HistoryProblem[] = [];
  const done = new Set(applied.map((a) => a.revision));
  for (const a of applied) {
    if (!graph.has(a.revision)) {
      problems.push({ kind: "missing", revision: a.revision });
      continue;
    }
    if (a.opsDone !== undefined) problems.push({ kind: "incomplete", revision: a.revision, opsDone: a.opsDone });
    if (a.undone !== undefined) problems.push({ kind: "partlyUndone", revision: a.revision, undone: a.undone });
    const sum = checksums.get(a.revision);
    if (sum !== undefined && sum !== a.checksum) problems.push({ kind: "edited", revision: a.revision, file: graph.get(a.revision).file });
  }
  // A revision not applied while something that needs it is: it was added (or re-parented) later.
  const needs = new Map<string, string[]>();
  for (const r of graph.revisions)
    for (const d of [...r.downRevisions, ...(r.dependsOn ?? [])]) (needs.get(d) ?? needs.set(d, []).get(d)!).push(r.id);
  for (const r of graph.revisions) {
    if (done.has(r.id)) continue;
    const above: string[] = [];
    const queue = [...(needs.get(r.id) ?? [])];
    const seen = new Set<string>();
    while (queue.length) {
      const id = queue.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      if (done.has(id)) above.push(id);
      queue.push(...(needs.get(id) ?? []));
    }
    if (above.length) problems.push({ kind: "outOfOrder", revision: r.id, appliedAbove: above.sort() });
  }
  return problems;
}

/** One line per problem, each saying what to do. */
export function describeProblem(p: HistoryProblem): string {
  switch (p.kind) {
    case "edited":
      return `revision ${p.revision}${p.file ? ` (${p.file})` : ""} was changed after it was applied; its changes will not run. Put the file back as it was and add a new revision for the change, or, if the database already matches the edit, record it with \`athanor stamp\``;
    case "missing":
      return `revision ${p.revision} is applied to the database but its file is gone; restore the file, or downgrade past it with the file restored before deleting it`;
    case "outOfOrder":
      return `revision ${p.revision} is not applied, but ${p.appliedAbove.join(", ")}, which come${p.appliedAbove.length === 1 ? "s" : ""} after it, ${p.appliedAbove.length === 1 ? "is" : "are"}: it was added below revisions that already ran. Make it revise the current head instead (change its down revision), so it runs next`;
    case "partlyUndone":
      return `the downgrade of revision ${p.revision} stopped after ${p.undone} of its operations (the database commits DDL as it goes, so those stay undone); fix the cause, then run downgrade again to continue from operation ${p.undone + 1}`;
    case "incomplete":
      return `revision ${p.revision} stopped after ${p.opsDone} of its operations (the database commits DDL as it goes, so those stay applied); fix the cause, then run upgrade again to continue from operation ${p.opsDone + 1}`;
  }
}
