/**
 * The commands of `athanor`: their arguments and help text. Read by args.ts (parsing) and main.ts
 * (help and dispatch); the commands themselves are in commands/.
 */
import { GLOBAL_OPTIONS, optionLabel, type CommandSpec, type OptionSpec } from "./args.js";

const sql: OptionSpec = {
  name: "sql",
  kind: "flag",
  help: "print the SQL instead of running it (offline; use <from>:<to> to start elsewhere than base)",
};
const verbose: OptionSpec = { name: "verbose", short: "v", kind: "flag", help: "also show each revision's file, labels and dependencies" };
const message: OptionSpec = { name: "message", short: "m", kind: "value", valueName: "<text>", help: "what the revision does" };

/** Every command, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  { name: "init", summary: "create athanor.config.ts and the migrations folder", positionals: [], options: [] },
  {
    name: "revision",
    summary: "write a new revision file",
    positionals: [],
    options: [
      message,
      { name: "autogenerate", kind: "flag", help: "fill it with the differences between the models and the database" },
      {
        name: "rename",
        kind: "list",
        valueName: "<old>=<new>",
        help: "with --autogenerate: users.name=full_name (a column) or people=persons (a table) was renamed (repeatable)",
      },
      { name: "no-prompt", kind: "flag", help: "with --autogenerate: do not ask about likely renames on a terminal" },
      { name: "head", kind: "value", valueName: "<rev>", help: "the revision to build on when there are several heads" },
      { name: "rev-id", kind: "value", valueName: "<id>", help: "the new revision's id instead of a random one" },
      { name: "branch-label", kind: "list", valueName: "<label>", help: "name the branch this revision starts (repeatable)" },
      { name: "depends-on", kind: "list", valueName: "<rev>", help: "a revision that must be applied first (repeatable)" },
    ],
  },
  {
    name: "upgrade",
    summary: "apply revisions up to a target",
    positionals: [{ name: "target", required: false, help: "a revision id or prefix, head (default), heads, +N, <label>@head" }],
    options: [sql],
  },
  {
    name: "downgrade",
    summary: "undo revisions down to a target",
    positionals: [
      {
        name: "target",
        required: true,
        missing: "a target: -1 (one step back), a revision id, or base (undo everything)",
        help: "-N, a revision id or prefix, or base",
      },
    ],
    options: [sql],
  },
  { name: "current", summary: "show the revisions the database is at", positionals: [], options: [] },
  { name: "history", summary: "list the revisions, newest first", positionals: [], options: [] },
  { name: "heads", summary: "list the head revisions", positionals: [], options: [verbose] },
  { name: "branches", summary: "list the branch points", positionals: [], options: [verbose] },
  {
    name: "merge",
    summary: "write a revision that joins several heads",
    positionals: [{ name: "revisions", required: false, variadic: true, help: "the heads to join (default: all heads)" }],
    options: [message],
  },
  {
    name: "stamp",
    summary: "record a revision as applied without running it",
    positionals: [
      { name: "target", required: true, missing: "a target: a revision id, head, or base", help: "a revision id, head or base" },
    ],
    options: [sql, { name: "purge", kind: "flag", help: "empty the version table first" }],
  },
  {
    name: "show",
    summary: "show one revision",
    positionals: [
      { name: "rev", required: true, missing: "a revision: an id, a prefix, head or current", help: "an id, prefix, head or current" },
    ],
    options: [],
  },
  { name: "check", summary: "exit with code 1 if the models differ from the database", positionals: [], options: [] },
];

/** `athanor --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: athanor <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options for every command:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "`athanor <command> --help` shows a command's arguments. Exit codes: 0 done, 1 failed (or check found changes), 2 bad arguments.",
  ].join("\n");
}

/** `athanor <command> --help`. */
export function commandHelp(c: CommandSpec): string {
  const usage = c.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}${p.variadic ? "..." : ""}]`));
  const lines = [`Usage: athanor ${[c.name, ...usage, "[options]"].join(" ")}`, "", `${c.summary[0]!.toUpperCase()}${c.summary.slice(1)}.`];
  if (c.positionals.length > 0) {
    lines.push("", "Arguments:", ...c.positionals.map((p) => `  ${p.name}  ${p.help}`));
  }
  lines.push("", "Options:", ...optionLines([...c.options, ...GLOBAL_OPTIONS]));
  return lines.join("\n");
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const labels = options.map(optionLabel);
  const width = Math.max(...labels.map((l) => l.length));
  return options.map((o, i) => `  ${labels[i]!.padEnd(width)}  ${o.help}`);
}
