/**
 * What every command receives, and how the database commands get their Migrator: the config
 * loaded, an engine on its URL, the reporter wired to the output. Called by commands/.
 */
import { createEngine } from "../index.js";
import type { ParsedArgs } from "./args.js";
import { databaseUrl, loadConfig, resolveMetadata, type LoadedConfig } from "./load-config.js";
import type { Migrator } from "../migrate/runner/migrator.js";
import { ConsoleReporter, Output, type CliIo } from "./output.js";

/** One run of a command. */
export interface CommandContext {
  readonly args: ParsedArgs;
  readonly io: CliIo;
  readonly out: Output;
}

/** A string option's value, if given. */
export function option(ctx: CommandContext, name: string): string | undefined {
  return ctx.args.values.get(name)?.[0];
}

/**
 * Runs `fn` with a Migrator for the configured database, then closes the engine. `compare` names
 * the command when it needs the models (autogenerate, check), which are loaded only then;
 * `filesOnly` marks a command that never touches the database (history, heads, branches, show).
 */
export async function withMigrator<T>(
  ctx: CommandContext,
  fn: (m: Migrator, config: LoadedConfig) => Promise<T>,
  compare?: string,
  filesOnly = false,
): Promise<T> {
  const loaded = await loadConfig(ctx.io.cwd, option(ctx, "config"));
  // Commands that read only the revision files work without a database; the files are recorded
  // with SQLite's rules then (`show` lists operations, which do not depend on the database).
  const url = filesOnly && !(loaded.config.url ?? ctx.io.env.DATABASE_URL) ? "sqlite://:memory:" : databaseUrl(loaded, ctx.io.env);
  const metadata = compare ? await resolveMetadata(loaded, compare) : undefined;
  const { fileTemplate, versionTable, lockTimeoutMs, compare: compareOptions } = loaded.config;
  // Loaded here, not at the top, so `--help` and `init` start without the whole runner.
  const { Migrator } = await import("../migrate/runner/migrator.js");
  const engine = createEngine(url);
  try {
    const migrator = new Migrator({
      engine,
      directory: loaded.migrations,
      reporter: new ConsoleReporter(ctx.out),
      ...(metadata && { metadata }),
      ...(fileTemplate !== undefined && { fileTemplate }),
      ...(versionTable !== undefined && { versionTable }),
      ...(lockTimeoutMs !== undefined && { lockTimeoutMs }),
      ...(compareOptions !== undefined && { compare: compareOptions }),
    });
    return await fn(migrator, loaded);
  } finally {
    await engine.dispose();
  }
}
