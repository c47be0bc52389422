/**
 * `athanor init`: writes athanor.config.ts and an empty migrations folder with a README, refusing
 * to overwrite either.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../../util/errors.js";
import type { CommandContext } from "../context.js";
import { moduleScopeProblem } from "../../migrate/runner/module-scope.js";
import { CONFIG_FILES } from "../load-config.js";

const CONFIG = `/**
 * athanor's migration settings, read by the \`athanor\` command (\`npx athanor --help\`).
 */
import { defineConfig } from "athanor/migrate";

export default defineConfig({
  // The database. Default: the DATABASE_URL environment variable.
  // url: "postgresql://app@localhost:5432/app",

  // The models that \`athanor revision --autogenerate\` and \`athanor check\` compare with the database:
  // a MetaData, a declarative Base, or a function returning either. A function imports the models
  // only for those two commands.
  // metadata: async () => (await import("./src/db/base.js")).Base,

  // The folder of revision files, relative to this file.
  migrations: "migrations",
});
`;

const README = `# Migrations

Revision files written by \`athanor revision\` (and by hand). Each one says which revision it
revises; together they form the history that \`athanor history\` lists.

    npx athanor revision --autogenerate -m "create users table"   # review the file it writes
    npx athanor upgrade                                           # apply everything up to head
    npx athanor downgrade -1                                      # undo the last one
    npx athanor upgrade --sql > upgrade.sql                       # the SQL, for a DBA to run

Commit these files; never edit one that has been applied somewhere: write a new revision.
`;

export async function init(ctx: CommandContext): Promise<number> {
  const dir = ctx.io.cwd;
  const existing = CONFIG_FILES.find((n) => existsSync(join(dir, n)));
  if (existing) throw new ConfigurationError(`${existing} already exists in ${dir}; edit it, or delete it to start over`);
  const migrations = join(dir, "migrations");
  if (existsSync(migrations) && readdirSync(migrations).length > 0)
    throw new ConfigurationError(`${migrations} already exists and is not empty; move it away, or write athanor.config.ts by hand`);
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(migrations, "README.md"), README);
  writeFileSync(join(dir, "athanor.config.ts"), CONFIG);
  ctx.out.info("Created athanor.config.ts and migrations/.");
  const problem = moduleScopeProblem(dir);
  if (problem) ctx.out.warn(problem);
  ctx.out.info(
    'Next: set DATABASE_URL (or `url`) and `metadata` in athanor.config.ts, then run `athanor revision --autogenerate -m "..."`.',
  );
  return 0;
}
