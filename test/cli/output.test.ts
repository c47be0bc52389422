/** The CLI's printer in-process: which stream gets what, colour only on a TTY, progress lines. */
import { describe, expect, it } from "vitest";
import { ConsoleReporter, Output, type CliIo, type OutStream } from "../../src/cli/output.js";
import type { PlannedStep } from "../../src/migrate/runner/steps.js";

class Captured implements OutStream {
  text = "";
  constructor(readonly isTTY = false) {}
  write(s: string): void {
    this.text += s;
  }
}

const io = (tty = false, env: NodeJS.ProcessEnv = {}) => {
  const stdout = new Captured(tty);
  const stderr = new Captured(tty);
  return { stdout, stderr, io: { stdout, stderr, env, cwd: "/" } satisfies CliIo };
};

const step = (id: string, direction: PlannedStep["direction"] = "upgrade"): PlannedStep => ({
  revision: { id, downRevisions: [], message: "create users table\n\nlonger text" },
  direction,
  file: `${id}.ts`,
  ops: 1,
  resumeFrom: 0,
});

describe("Output and ConsoleReporter", () => {
  it("prints the plan, a line per revision and warnings between them, plain when not a TTY", () => {
    const { stdout, stderr, io: cli } = io();
    const r = new ConsoleReporter(new Output(cli));
    r.plan([step("aaa"), step("bbb")]);
    r.start(step("aaa"));
    r.warn("dropping column users.name loses its values");
    r.done(step("aaa"), 12.4);
    r.start(step("bbb"));
    r.done(step("bbb"), 1530);
    expect(stdout.text).toBe(
      [
        "Will upgrade 2 revisions: aaa, bbb",
        "→ upgrade aaa  create users table ... ",
        "warning: dropping column users.name loses its values",
        "  done in 12 ms",
        "→ upgrade bbb  create users table ... done in 1.5 s",
        "",
      ].join("\n"),
    );
    expect(stderr.text).toBe("");
  });

  it("an error ends the open progress line with `failed`, then goes to stderr", () => {
    const { stdout, stderr, io: cli } = io();
    const out = new Output(cli);
    new ConsoleReporter(out).start(step("aaa"));
    out.error('table "users" already exists');
    expect(stdout.text).toBe("→ upgrade aaa  create users table ... failed\n");
    expect(stderr.text).toBe('error: table "users" already exists\n');
  });

  it("colours warnings and errors on a TTY unless NO_COLOR is set", () => {
    const tty = io(true);
    new Output(tty.io).warn("w");
    new Output(tty.io).error("e");
    expect(tty.stdout.text).toBe("\x1b[33mwarning:\x1b[39m w\n");
    expect(tty.stderr.text).toBe("\x1b[31merror:\x1b[39m e\n");
    const plain = io(true, { NO_COLOR: "1" });
    new Output(plain.io).warn("w");
    expect(plain.stdout.text).toBe("warning: w\n");
  });

  it("under --sql keeps stdout for the SQL: progress and warnings go to stderr", () => {
    const { stdout, stderr, io: cli } = io();
    const out = new Output(cli, { sql: true });
    new ConsoleReporter(out).start(step("aaa", "downgrade"));
    out.warn("w");
    out.result("DROP TABLE users;");
    expect(stdout.text).toBe("DROP TABLE users;\n");
    expect(stderr.text).toBe("→ downgrade aaa  create users table ... \nwarning: w\n");
  });
});
