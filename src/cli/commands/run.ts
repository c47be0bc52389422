/**
 * The commands that move the database: `upgrade`, `downgrade`, `stamp`. Online they run and print
 * a summary; with --sql they print the SQL on stdout and touch nothing.
 */
import { UsageError } from "../args.js";
import { withMigrator, type CommandContext } from "../context.js";
import type { Migrator, RunResult } from "../../migrate/runner/migrator.js";
import { formatMs } from "../output.js";

/** `upgrade [target]`: target defaults to head. */
export function upgrade(ctx: CommandContext): Promise<number> {
  return move(ctx, ctx.args.positionals.get("target") ?? "head", (m, target, o) => m.upgrade(target, o));
}

/** `downgrade <target>`. */
export function downgrade(ctx: CommandContext): Promise<number> {
  return move(ctx, ctx.args.positionals.get("target")!, (m, target, o) => m.downgrade(target, o));
}

/** `stamp <target> [--purge]`. */
export function stamp(ctx: CommandContext): Promise<number> {
  const purge = ctx.args.flags.has("purge");
  return move(ctx, ctx.args.positionals.get("target")!, (m, target, o) => m.stamp(target, { purge, ...(o.sql && { sql: true }) }));
}

type Runner = (m: Migrator, target: string, options: { sql?: boolean; from?: string }) => Promise<RunResult>;

async function move(ctx: CommandContext, given: string, run: Runner): Promise<number> {
  const sql = ctx.args.flags.has("sql");
  const { target, from } = splitRange(ctx, given, sql);
  const verb = ctx.args.command.name;
  const started = performance.now();
  return withMigrator(ctx, async (m) => {
    const result = await run(m, target, { ...(sql && { sql }), ...(from !== undefined && { from }) });
    if (sql) {
      ctx.out.result(result.sql ?? "");
      return 0;
    }
    const at = await whereIs(m);
    const n = result.steps.length;
    ctx.out.info(
      verb === "stamp"
        ? `Stamped: the database is recorded at ${at}; no migration ran.`
        : n === 0
          ? `Nothing to ${verb}: the database is at ${at}.`
          : `${verb === "upgrade" ? "Upgraded" : "Downgraded"} ${n} revision${n === 1 ? "" : "s"} in ${formatMs(performance.now() - started)}; the database is at ${at}.`,
    );
    return 0;
  });
}

/** `from:to` is a range, only meaningful offline (the online start is the database's own version). */
function splitRange(ctx: CommandContext, given: string, sql: boolean): { target: string; from?: string } {
  const colon = given.indexOf(":");
  // Offline there is no database to read the start from: a downgrade must say where it starts.
  if (colon < 0 && sql && ctx.args.command.name === "downgrade")
    throw new UsageError(
      `downgrade --sql needs the revision the database is at, as a range <from>:<to>: e.g. \`athanor downgrade --sql head:${given}\``,
      ctx.args.command,
    );
  if (colon < 0) return { target: given };
  if (!sql)
    throw new UsageError(
      `the range ${given} works only with --sql (online, the start is the database's current revision); pass the target alone`,
      ctx.args.command,
    );
  return { from: given.slice(0, colon), target: given.slice(colon + 1) };
}

/** `3f2a9c1b7d4e (head)`, or `base` when nothing is applied. */
export async function whereIs(m: Migrator): Promise<string> {
  const current = await m.current();
  return current.length === 0 ? "base (no revision applied)" : current.map((c) => `${c.id}${c.isHead ? " (head)" : ""}`).join(", ");
}
