/**
 * `athanor check`: autogenerate's comparison without writing a file, for CI. The runner throws
 * MigrationCheckError listing the changes when there are some, which main.ts turns into exit code 1.
 */
import { withMigrator, type CommandContext } from "../context.js";

export function check(ctx: CommandContext): Promise<number> {
  return withMigrator(
    ctx,
    async (m) => {
      await m.check();
      ctx.out.info("No changes: the database matches the models.");
      return 0;
    },
    "check",
  );
}
