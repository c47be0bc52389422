/**
 * The read-only commands: `current`, `history`, `heads`, `branches`, `show`. Results go to stdout.
 */
import { relative, resolve } from "node:path";
import type { LoadedConfig } from "../load-config.js";
import type { Revision } from "../../migrate/revisions/revision.js";
import { withMigrator, type CommandContext } from "../context.js";
import { title } from "../output.js";

/** `current`: the applied revisions, or that none is. */
export function current(ctx: CommandContext): Promise<number> {
  return withMigrator(ctx, async (m) => {
    const applied = await m.current();
    if (applied.length === 0) ctx.out.result("(base: no revision applied)");
    for (const c of applied) ctx.out.result(`${c.id}${c.isHead ? " (head)" : ""}  ${title(c.message)}`);
    return 0;
  });
}

/** `history`: the runner's lines, newest first. */
export function history(ctx: CommandContext): Promise<number> {
  return withMigrator(
    ctx,
    async (m) => {
      const lines = await m.history();
      ctx.out.result(lines.length === 0 ? '(no revisions yet: `athanor revision -m "..."` writes the first)' : lines.join("\n"));
      return 0;
    },
    undefined,
    true,
  );
}

/** `heads [-v]`. */
export function heads(ctx: CommandContext): Promise<number> {
  return withMigrator(ctx, async (m, config) => list(ctx, config, await m.heads(), "(no revisions yet)"), undefined, true);
}

/** `branches [-v]`: revisions with more than one child. */
export function branches(ctx: CommandContext): Promise<number> {
  return withMigrator(ctx, async (m, config) => list(ctx, config, await m.branches(), "(no branch points)"), undefined, true);
}

/** `show <rev>`. */
export function show(ctx: CommandContext): Promise<number> {
  return withMigrator(
    ctx,
    async (m) => {
      ctx.out.result(await m.show(ctx.args.positionals.get("rev")!));
      return 0;
    },
    undefined,
    true,
  );
}

function list(ctx: CommandContext, config: LoadedConfig, revisions: readonly Revision[], empty: string): number {
  if (revisions.length === 0) ctx.out.result(empty);
  for (const r of revisions) ctx.out.result(describe(ctx, config, r));
  return 0;
}

/** `3f2a9c1b7d4e (auth) create users table`, with -v also its file, dependencies and whole message. */
function describe(ctx: CommandContext, config: LoadedConfig, r: Revision): string {
  const labels = r.branchLabels?.length ? ` (${r.branchLabels.join(", ")})` : "";
  const line = `${r.id}${labels}  ${title(r.message)}`;
  if (!ctx.args.flags.has("verbose")) return line;
  const extra = [
    // Revision.file is relative to the migrations folder; shown relative to where the command runs.
    r.file && `  file: ${relative(ctx.io.cwd, resolve(config.migrations, r.file))}`,
    `  revises: ${r.downRevisions.length ? r.downRevisions.join(", ") : "(base)"}`,
    r.dependsOn?.length && `  depends on: ${r.dependsOn.join(", ")}`,
    r.message.includes("\n") && r.message.replace(/^/gm, "  | "),
  ];
  return [line, ...extra.filter((x): x is string => typeof x === "string")].join("\n");
}
