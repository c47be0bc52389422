/** Checking the recorded history against the revision files: edited, missing, out-of-order and incomplete revisions. */
import { describe, expect, it } from "vitest";
import { RevisionGraph } from "../../src/migrate/revisions/graph.js";
import { describeProblem, verifyHistory } from "../../src/migrate/runner/verify.js";
import type { AppliedRevision } from "../../src/migrate/runner/version-table.js";

const rev = (id: string, down: string[] = [], file = `${id}.ts`) => ({ id, downRevisions: down, message: id, file });
const applied = (revision: string, checksum = `sum-${revision}`, opsDone?: number): AppliedRevision => ({
  revision,
  checksum,
  opsDone,
  appliedAt: new Date(),
});
const sums = (ids: string[]) => new Map(ids.map((id) => [id, `sum-${id}`]));

describe("verifyHistory", () => {
  const graph = new RevisionGraph([rev("a1"), rev("b2", ["a1"]), rev("c3", ["b2"])]);

  it("finds nothing when the applied revisions match their files", () => {
    expect(verifyHistory(graph, [applied("a1"), applied("b2")], sums(["a1", "b2", "c3"]))).toEqual([]);
  });

  it("reports a file changed after it ran", () => {
    const problems = verifyHistory(graph, [applied("a1"), applied("b2", "old")], sums(["a1", "b2", "c3"]));
    expect(problems).toEqual([{ kind: "edited", revision: "b2", file: "b2.ts" }]);
    expect(describeProblem(problems[0]!)).toMatch(/revision b2 \(b2\.ts\) was changed after it was applied; .*add a new revision/);
  });

  it("reports an applied revision whose file is gone", () => {
    const problems = verifyHistory(graph, [applied("a1"), applied("zz9")], sums(["a1", "b2", "c3"]));
    expect(problems).toEqual([{ kind: "missing", revision: "zz9" }]);
    expect(describeProblem(problems[0]!)).toMatch(/zz9 is applied to the database but its file is gone/);
  });

  it("reports a revision inserted below revisions that already ran", () => {
    // x0 was added later as the new parent of b2, after b2 and c3 had run.
    const later = new RevisionGraph([rev("a1"), rev("x0", ["a1"]), rev("b2", ["x0"]), rev("c3", ["b2"])]);
    const problems = verifyHistory(later, [applied("a1"), applied("b2"), applied("c3")], sums(["a1", "x0", "b2", "c3"]));
    expect(problems).toEqual([{ kind: "outOfOrder", revision: "x0", appliedAbove: ["b2", "c3"] }]);
    expect(describeProblem(problems[0]!)).toMatch(/x0 is not applied, but b2, c3, which come after it, are/);
  });

  it("reports a revision that stopped halfway", () => {
    const problems = verifyHistory(graph, [applied("a1"), applied("b2", "sum-b2", 2)], sums(["a1", "b2", "c3"]));
    expect(problems).toEqual([{ kind: "incomplete", revision: "b2", opsDone: 2 }]);
    expect(describeProblem(problems[0]!)).toMatch(/stopped after 2 of its operations.*continue from operation 3/);
  });

  it("reports a downgrade that stopped halfway", () => {
    const problems = verifyHistory(graph, [applied("a1"), { ...applied("b2"), undone: 1 }], sums(["a1", "b2", "c3"]));
    expect(problems).toEqual([{ kind: "partlyUndone", revision: "b2", undone: 1 }]);
    expect(describeProblem(problems[0]!)).toMatch(
      /the downgrade of revision b2 stopped after 1 of its operations.*run downgrade again to continue from operation 2/,
    );
  });
});
