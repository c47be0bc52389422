/** The argument parser against the real command table, in-process (no spawn needed). */
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../src/cli/args.js";
import { COMMANDS, commandHelp } from "../../src/cli/command-table.js";

const parse = (...argv: string[]) => parseArgs(argv, COMMANDS);
const usageError = (argv: string[]): string => {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

describe("parseArgs", () => {
  it("reads options in every spelling, and -N as a relative target", () => {
    const r = parse(
      "revision",
      "-m",
      "create users",
      "--autogenerate",
      "--rev-id=abc123",
      "--branch-label",
      "a",
      "--branch-label",
      "b",
      "-c",
      "x.ts",
    );
    expect(r.values.get("message")).toEqual(["create users"]);
    expect(r.values.get("rev-id")).toEqual(["abc123"]);
    expect(r.values.get("branch-label")).toEqual(["a", "b"]);
    expect(r.values.get("config")).toEqual(["x.ts"]);
    expect(r.flags.has("autogenerate")).toBe(true);
    expect(parse("downgrade", "-1", "--sql").positionals.get("target")).toBe("-1");
    expect(parse("merge", "a1", "b2", "-m", "join").rest).toEqual(["a1", "b2"]);
    expect(parse("upgrade", "--", "-weird").positionals.get("target")).toBe("-weird");
  });

  it("names the wrong thing and what is valid", () => {
    expect(usageError(["upgrad"])).toBe(
      "unknown command 'upgrad'; commands: init, revision, upgrade, downgrade, current, history, heads, branches, merge, stamp, show, check",
    );
    expect(usageError(["upgrade", "--purge"])).toBe(
      "unknown option --purge for `athanor upgrade`; valid options: --sql, -c/--config, -h/--help",
    );
    expect(usageError(["stamp", "-x", "head"])).toContain("unknown option -x for `athanor stamp`; valid options: --sql, --purge,");
    expect(usageError(["downgrade"])).toBe(
      "`athanor downgrade` needs a target: -1 (one step back), a revision id, or base (undo everything)",
    );
    expect(usageError(["upgrade", "a", "b"])).toBe("`athanor upgrade` takes at most 1 argument, got: a b");
    expect(usageError(["current", "x"])).toBe("`athanor current` takes no arguments, got: x");
    expect(usageError(["revision", "-m"])).toBe("-m needs a value: -m, --message <text>");
    expect(usageError(["revision", "-m", "a", "--message", "b"])).toBe("--message was given twice; give it once");
    expect(usageError(["upgrade", "--sql=yes"])).toBe("--sql takes no value; write --sql alone");
  });

  it("--help skips the argument checks, and help lists every option", () => {
    expect(parse("downgrade", "--help").help).toBe(true);
    const help = commandHelp(COMMANDS.find((c) => c.name === "stamp")!);
    expect(help).toContain("Usage: athanor stamp <target> [options]");
    expect(help).toMatch(/--purge +empty the version table first/);
    expect(help).toMatch(/-c, --config <path>/);
  });
});
