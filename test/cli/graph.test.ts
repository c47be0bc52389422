/**
 * The revision-graph commands through the spawned `athanor`: two heads, `upgrade heads`, `merge`,
 * `branches`, `show`, `stamp`, `revision --head/--rev-id/--branch-label`, and offline ranges. What
 * they print does not depend on the database, so this runs on a SQLite file only; workflow.test.ts
 * covers every database.
 */
import { describe, expect, it } from "vitest";
import { TempProject, type CliRun } from "../support/cli.js";

/** A hand-written revision file creating (and dropping) one table. */
const revisionFile = (id: string, revises: string | null, table: string, extra = "") => `import { column, Integer } from "athanor";
import { defineRevision } from "athanor/migrate";

export default defineRevision({
  id: "${id}",
  revises: ${JSON.stringify(revises)},
  message: "create ${table}",${extra}
  upgrade(op) {
    op.createTable("${table}", { id: column(Integer, { primaryKey: true }) });
  },
  downgrade(op) {
    op.dropTable("${table}");
  },
});
`;

const A = "a1a1a1a1a1a1";
const B = "b2b2b2b2b2b2";
const C = "c3c3c3c3c3c3";

describe("athanor on a branched history (SQLite)", () => {
  it("lists heads and branch points, upgrades both heads, merges them, stamps and shows", async () => {
    using p = new TempProject();
    p.write(
      "athanor.config.ts",
      `import { defineConfig } from "athanor/migrate";\nexport default defineConfig({ url: "sqlite:///app.db" });\n`,
    );
    p.write("migrations/a.ts", revisionFile(A, null, "accounts"));
    p.write("migrations/b.ts", revisionFile(B, A, "billing", `\n  branchLabels: ["billing"],`));
    p.write("migrations/c.ts", revisionFile(C, A, "catalog"));
    const run = async (args: string[], code = 0): Promise<CliRun> => {
      const r = await p.run(args);
      expect(r.code, `athanor ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(code);
      return r;
    };

    const [heads, branches, ambiguous, show] = await Promise.all([
      run(["heads", "-v"]),
      run(["branches"]),
      run(["revision", "-m", "next"], 1),
      run(["show", "a1a1"]),
    ]);
    expect(heads.stdout).toBe(
      `${B} (billing)  create billing\n  file: migrations/b.ts\n  revises: ${A}\n${C}  create catalog\n  file: migrations/c.ts\n  revises: ${A}\n`,
    );
    expect(branches.stdout).toBe(`${A}  create accounts\n`);
    expect(ambiguous.stderr).toContain("merge them first (`athanor merge`) or say which one the new revision follows (--head <rev>)");
    expect(show.stdout).toMatch(new RegExp(`^Revision: ${A}\\nRevises: \\(base\\)\\n[\\s\\S]*Upgrade:\\n {2}- create table accounts`));

    const up = await run(["upgrade", "heads"]);
    expect(up.stdout).toContain(`Will upgrade 3 revisions: ${A}, `);
    expect(up.stdout).toMatch(
      /the database is at (b2b2b2b2b2b2 \(head\), c3c3c3c3c3c3 \(head\)|c3c3c3c3c3c3 \(head\), b2b2b2b2b2b2 \(head\))\./,
    );

    const merged = await run(["merge", "-m", "join billing and catalog"]);
    const id = /\(merge revision ([0-9a-f]{12}) of /.exec(merged.stdout)?.[1];
    expect(merged.stdout).toMatch(
      /^Wrote migrations\/\S+_join_billing_and_catalog\.ts \(merge revision [0-9a-f]{12} of (b2b2b2b2b2b2, c3c3c3c3c3c3|c3c3c3c3c3c3, b2b2b2b2b2b2)\)\.\n$/,
    );

    const [afterMerge, stampSql] = await Promise.all([run(["heads"]), run(["stamp", "heads", "--sql"])]);
    expect(afterMerge.stdout).toBe(`${id}  join billing and catalog\n`);
    expect(stampSql.stdout).toContain(`'${id}'`);
    expect((await run(["stamp", id!])).stdout).toBe(`Stamped: the database is recorded at ${id} (head); no migration ran.\n`);

    const [offlineDown, noRange] = await Promise.all([run(["downgrade", "--sql", `${id}:base`]), run(["downgrade", "--sql", "base"], 2)]);
    expect(offlineDown.stdout).toMatch(/DROP TABLE "accounts"/);
    expect(offlineDown.stderr).not.toContain("error");
    expect(noRange.stderr).toContain(
      "downgrade --sql needs the revision the database is at, as a range <from>:<to>: e.g. `athanor downgrade --sql head:base`",
    );
    expect((await run(["current"])).stdout).toBe(`${id} (head)  join billing and catalog\n`);

    // A new branch off `billing` (a label): a second head again, with its own label.
    const next = await run(["revision", "-m", "billing v2", "--head", "billing", "--rev-id", "d4d4d4d4d4d4", "--branch-label", "v2"]);
    expect(next.stdout).toMatch(/^Wrote migrations\/\S+_billing_v2\.ts \(revision d4d4d4d4d4d4\)\.\n$/);
    expect((await run(["heads", "-v"])).stdout).toContain(`d4d4d4d4d4d4 (v2)  billing v2\n  file: migrations/`);
  });
});
