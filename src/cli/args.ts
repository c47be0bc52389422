/**
 * A small argument parser for the `athanor` command: one command word, then its positionals and
 * options as declared in command-table.ts. Called only by main.ts; knows nothing of migrations.
 */
import { ArgumentError } from "../util/errors.js";

/** An option a command accepts. */
export interface OptionSpec {
  /** Long name without dashes: `message` for `--message`. */
  readonly name: string;
  /** One-letter alias: `m` for `-m`. */
  readonly short?: string;
  /** A flag takes no value; a value takes one; a list may be repeated. */
  readonly kind: "flag" | "value" | "list";
  /** Shown in help after the option: `<rev>`. */
  readonly valueName?: string;
  readonly help: string;
}

/** A positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly required: boolean;
  /** Takes every remaining positional. */
  readonly variadic?: boolean;
  /** Said when a required one is missing: what to pass. */
  readonly missing?: string;
  readonly help: string;
}

/** A command: its word, help and arguments. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly positionals: readonly PositionalSpec[];
  readonly options: readonly OptionSpec[];
}

/** A parsed command line. */
export interface ParsedArgs {
  readonly command: CommandSpec;
  /** The single positionals, by name. */
  readonly positionals: ReadonlyMap<string, string>;
  /** The values of a variadic positional. */
  readonly rest: readonly string[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly help: boolean;
}

/** A command-line mistake: shown with the command's usage; exit code 2. */
export class UsageError extends ArgumentError {
  override name = "UsageError";
  constructor(
    message: string,
    readonly command?: CommandSpec,
  ) {
    super(message);
  }
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: "config",
    short: "c",
    kind: "value",
    valueName: "<path>",
    help: "the config file (default: athanor.config.ts in the current folder)",
  },
  { name: "help", short: "h", kind: "flag", help: "show this command's help" },
];

/** `-m/--message`, as errors name an option. */
export function optionName(o: OptionSpec): string {
  return o.short ? `-${o.short}/--${o.name}` : `--${o.name}`;
}

/** `-m, --message <text>`, as help lists an option. */
export function optionLabel(o: OptionSpec): string {
  const long = `--${o.name}${o.valueName ? ` ${o.valueName}` : ""}`;
  return o.short ? `-${o.short}, ${long}` : long;
}

/** Parses `argv` (without node and the script) against the command table. */
export function parseArgs(argv: readonly string[], commands: readonly CommandSpec[]): ParsedArgs {
  const [word, ...tokens] = argv;
  const command = commands.find((c) => c.name === word);
  if (!command) {
    const list = commands.map((c) => c.name).join(", ");
    throw new UsageError(word === undefined ? `no command given; commands: ${list}` : `unknown command '${word}'; commands: ${list}`);
  }
  const options = [...command.options, ...GLOBAL_OPTIONS];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const given: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    // `-1`, `-2` are relative revision targets (`downgrade -1`), not options; `--` ends the options.
    if (token === "--") {
      given.push(...tokens.slice(i + 1));
      break;
    }
    if (!token.startsWith("-") || /^-\d+$/.test(token)) {
      given.push(token);
      continue;
    }
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const label = eq > 0 ? token.slice(0, eq) : token;
    const spec = options.find((o) => (label.startsWith("--") ? `--${o.name}` === label : o.short !== undefined && `-${o.short}` === label));
    if (!spec) {
      throw new UsageError(
        `unknown option ${label} for \`athanor ${command.name}\`; valid options: ${options.map(optionName).join(", ")}`,
        command,
      );
    }
    if (spec.kind === "flag") {
      if (eq > 0) throw new UsageError(`${label} takes no value; write ${label} alone`, command);
      flags.add(spec.name);
      continue;
    }
    const value = eq > 0 ? token.slice(eq + 1) : tokens[++i];
    if (value === undefined) throw new UsageError(`${label} needs a value: ${optionLabel(spec)}`, command);
    const list = values.get(spec.name) ?? [];
    if (spec.kind === "value" && list.length > 0) throw new UsageError(`${label} was given twice; give it once`, command);
    values.set(spec.name, [...list, value]);
  }
  const help = flags.has("help");
  return { command, help, flags, values, ...(help ? { positionals: new Map(), rest: [] } : bindPositionals(command, given)) };
}

function bindPositionals(command: CommandSpec, given: readonly string[]): { positionals: Map<string, string>; rest: string[] } {
  const positionals = new Map<string, string>();
  let rest: string[] = [];
  command.positionals.forEach((p, i) => {
    if (p.variadic) rest = given.slice(i);
    else if (given[i] !== undefined) positionals.set(p.name, given[i]!);
    else if (p.required) throw new UsageError(`\`athanor ${command.name}\` needs ${p.missing ?? `<${p.name}>`}`, command);
  });
  const max = command.positionals.some((p) => p.variadic) ? Infinity : command.positionals.length;
  if (given.length > max) {
    const what = max === 0 ? "no arguments" : `at most ${max} argument${max === 1 ? "" : "s"}`;
    throw new UsageError(`\`athanor ${command.name}\` takes ${what}, got: ${given.join(" ")}`, command);
  }
  return { positionals, rest };
}
