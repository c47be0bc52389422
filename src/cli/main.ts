/**
 * The `athanor` command: parses argv, runs one command, turns errors into a message, a hint and an
 * exit code (0 done, 1 failed or `check` found changes, 2 bad arguments). Started by bin/athanor.mjs.
 */
import { readFileSync } from "node:fs";
import { AthanorError, ConnectionError } from "../util/errors.js";
import { parseArgs, UsageError } from "./args.js";
import { check } from "./commands/check.js";
import { init } from "./commands/init.js";
import { branches, current, heads, history, show } from "./commands/inspect.js";
import { downgrade, stamp, upgrade } from "./commands/run.js";
import { merge, revision } from "./commands/write.js";
import { COMMANDS, commandHelp, mainHelp } from "./command-table.js";
import type { CommandContext } from "./context.js";
import { Output, type CliIo } from "./output.js";

const HANDLERS: Record<string, (ctx: CommandContext) => Promise<number>> = {
  init,
  revision,
  upgrade,
  downgrade,
  current,
  history,
  heads,
  branches,
  merge,
  stamp,
  show,
  check,
};

/** Runs `athanor <argv>`; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const out = new Output(io, { sql: argv.includes("--sql") });
  const first = argv[0];
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    const topic = first === "help" ? COMMANDS.find((c) => c.name === argv[1]) : undefined;
    out.result(topic ? commandHelp(topic) : mainHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-V") {
    out.result(version());
    return 0;
  }
  try {
    const args = parseArgs(argv, COMMANDS);
    if (args.help) {
      out.result(commandHelp(args.command));
      return 0;
    }
    return await HANDLERS[args.command.name]!({ args, io, out });
  } catch (err) {
    return report(out, err);
  }
}

/** Prints an error with what to do; returns the exit code. */
function report(out: Output, err: unknown): number {
  if (err instanceof UsageError) {
    out.error(
      err.command
        ? `${err.message}\nRun \`athanor ${err.command.name} --help\` for its arguments.`
        : `${err.message}\nRun \`athanor --help\` for the commands.`,
    );
    return 2;
  }
  if (err instanceof ConnectionError) {
    out.error(`${err.message}\nThe URL comes from \`url\` in athanor.config.ts, else from DATABASE_URL.`);
  } else if (err instanceof AthanorError) {
    out.error(err.message);
  } else {
    // Not athanor's own: most likely thrown by the user's config, model or revision code, so the stack says where.
    out.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  }
  return 1;
}

function version(): string {
  // src/cli/main.ts and dist/cli/main.js are both two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return `athanor ${pkg.version}`;
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin };
}
