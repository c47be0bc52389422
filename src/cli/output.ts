/**
 * What the CLI prints, and where: results (SQL, lists) on stdout; progress and warnings on stdout,
 * or on stderr under --sql so stdout stays pure SQL; errors on stderr. Colour only on a TTY.
 */
import type { MigrationReporter } from "../migrate/runner/online-run.js";
import type { PlannedStep } from "../migrate/runner/steps.js";

/** A stream the CLI writes to (process.stdout, or a buffer in tests). */
export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The process's streams and environment, passed in so main() stays testable. */
export interface CliIo {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Where answers to questions come from (`revision --autogenerate` asks about renames on a terminal). */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

const paint = (code: number) => (s: string) => `\x1b[${code}m${s}\x1b[39m`;
const yellow = paint(33);
const red = paint(31);

/** The CLI's printer. */
export class Output {
  readonly #io: CliIo;
  readonly #log: OutStream;
  /** A progress line was started (`→ upgrade … `) and awaits its `done`. */
  #open = false;

  constructor(io: CliIo, options: { sql?: boolean } = {}) {
    this.#io = io;
    this.#log = options.sql ? io.stderr : io.stdout;
  }

  /** Command results: SQL, lists, revision text. */
  result(text: string): void {
    this.#close();
    this.#io.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** Progress and summaries. */
  info(line: string): void {
    this.#close();
    this.#log.write(`${line}\n`);
  }

  /** Starts a line that {@link finish} completes. */
  begin(text: string): void {
    this.#close();
    this.#log.write(text);
    this.#open = true;
  }

  finish(text: string): void {
    this.#log.write(this.#open ? `${text}\n` : `  ${text}\n`);
    this.#open = false;
  }

  warn(message: string): void {
    this.#close();
    this.#log.write(`${this.#color(this.#log, yellow)("warning:")} ${message}\n`);
  }

  error(message: string): void {
    // A revision's progress line was open: it is the one that failed.
    if (this.#open) this.finish("failed");
    this.#io.stderr.write(`${this.#color(this.#io.stderr, red)("error:")} ${message}\n`);
  }

  #color(stream: OutStream, fn: (s: string) => string): (s: string) => string {
    return stream.isTTY && !this.#io.env.NO_COLOR ? fn : (s) => s;
  }

  #close(): void {
    if (this.#open) this.#log.write("\n");
    this.#open = false;
  }
}

/** `12 ms`, `1.4 s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The first line of a revision's message. */
export function title(message: string): string {
  return message.split("\n", 1)[0]!.trim();
}

/** Prints the runner's progress: the plan, one line per revision, warnings. */
export class ConsoleReporter implements MigrationReporter {
  constructor(readonly out: Output) {}

  plan(steps: readonly PlannedStep[]): void {
    if (steps.length === 0) return;
    const direction = steps[0]!.direction;
    const ids = steps.map((s) => s.revision.id).join(", ");
    this.out.info(`Will ${direction} ${steps.length} revision${steps.length === 1 ? "" : "s"}: ${ids}`);
  }

  start(step: PlannedStep): void {
    // A revision that stopped half way in an earlier run (DDL without transactions) continues where it stopped.
    const resume = step.resumeFrom > 0 ? ` (resuming after ${step.resumeFrom} of ${step.ops} operations)` : "";
    this.out.begin(`→ ${step.direction} ${step.revision.id}  ${title(step.revision.message)}${resume} ... `);
  }

  done(_step: PlannedStep, ms: number): void {
    this.out.finish(`done in ${formatMs(ms)}`);
  }

  warn(message: string): void {
    this.out.warn(message);
  }

  waiting(): void {
    this.out.info("Waiting for the migration lock: another athanor run is migrating this database ...");
  }
}
