/**
 * The whole migration workflow through the spawned `athanor` command, on every database: init,
 * autogenerate, upgrade, check, a model change, downgrade, history, offline SQL, back to base.
 */
import { expect, it } from "vitest";
import { sql } from "athanor";
import { reflect } from "../../src/migrate/reflect.js";
import { TempProject, type CliRun } from "../support/cli.js";
import { forEachDialect } from "../support/dialects.js";

const CONFIG = `import { defineConfig } from "athanor/migrate";
// The models load only for autogenerate and check.
export default defineConfig({ metadata: async () => (await import("./models.js")).Base });
`;

/** The project's models: a declarative Base with one model, and `extra` columns for the second version. */
const models = (
  extra = "",
) => `import { column, declarativeBase, defaultNamingConvention, Integer, mapped, MetaData, String } from "athanor";

export const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
export class User extends Base.model("cli_users", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(100)),${extra}
}) {}
`;

/** The id in `Wrote migrations/... (revision <id>, ...)`. */
function writtenId(r: CliRun): string {
  const m = /^Wrote migrations\/\S+\.ts \(revision ([0-9a-f]{12})/m.exec(r.stdout);
  if (!m) throw new Error(`no revision written:\n${r.stdout}\n${r.stderr}`);
  return m[1]!;
}

forEachDialect((db) => {
  it("init → autogenerate → upgrade → check → change → downgrade → history → --sql → base", async () => {
    using p = new TempProject();
    const env = { DATABASE_URL: db.url };
    const run = async (args: string[], code = 0): Promise<CliRun> => {
      const r = await p.run(args, env);
      expect(r.code, `athanor ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(code);
      return r;
    };
    const versions = async () => (await db.engine.execute(sql`SELECT revision FROM athanor_version`)).rows.map((r) => r.revision);

    await run(["init"]);
    p.write("athanor.config.ts", CONFIG);
    p.write("models.ts", models());

    const first = writtenId(await run(["revision", "--autogenerate", "-m", "create users table"]));
    const up = await run(["upgrade"]);
    expect(up.stdout).toContain(`Will upgrade 1 revision: ${first}\n`);
    expect(up.stdout).toMatch(new RegExp(`→ upgrade ${first}  create users table \\.\\.\\. done in \\d+ ms\\n`));
    expect(up.stdout).toMatch(new RegExp(`Upgraded 1 revision in \\d+ ms; the database is at ${first} \\(head\\)\\.`));
    expect((await run(["current"])).stdout).toBe(`${first} (head)  create users table\n`);
    expect((await run(["check"])).stdout).toContain("No changes: the database matches the models.");

    p.write("models.ts", models(`\n  email: column(String(255), { nullable: true }),`));
    const drift = await run(["check"], 1);
    expect(drift.stderr).toMatch(
      /^error: the models differ from the database: 1 change needs a revision:\n {2}- .*email.*\nRun `athanor revision --autogenerate/,
    );
    const second = writtenId(await run(["revision", "--autogenerate", "-m", "add email"]));
    expect((await run(["upgrade"])).stdout).toMatch(new RegExp(`→ upgrade ${second}  add email \\.\\.\\. done in`));
    const back = await run(["downgrade", "-1"]);
    expect(back.stdout).toMatch(new RegExp(`→ downgrade ${second}  add email \\.\\.\\. done in \\d+ ms\\n`));
    expect(back.stdout).toContain(`the database is at ${first}.`);

    const [history, heads] = await Promise.all([run(["history"]), run(["heads"])]);
    expect(history.stdout).toBe(`${first} -> ${second} (head), add email\n<base> -> ${first}, create users table\n`);
    expect(heads.stdout).toBe(`${second}  add email\n`);

    // Offline: SQL on stdout from base to head, progress on stderr, the database untouched.
    const offline = await run(["upgrade", "--sql"]);
    expect(offline.stdout).toMatch(/CREATE TABLE [`"]?cli_users/);
    expect(offline.stdout).toMatch(/ADD (COLUMN )?[`"]?email/);
    expect(offline.stdout).not.toContain("→");
    expect(await versions()).toEqual([first]);

    expect((await run(["downgrade", "base"])).stdout).toContain("the database is at base (no revision applied).");
    expect([...(await reflect(db.engine)).tables.keys()].filter((t) => t === "cli_users")).toEqual([]);
    expect(await versions()).toEqual([]);
  });
});
