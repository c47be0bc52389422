/**
 * How `athanor revision --autogenerate` decides renames, which the comparison cannot see:
 * `--rename users.name=full_name` (a column) and `--rename people=persons` (a table) say so up
 * front; on a terminal, each likely rename left (a dropped and an added object of the same shape)
 * is asked about. Without a terminal nothing is asked, and likely renames stay flagged in the file.
 */
import { createInterface } from "node:readline/promises";
import type { LikelyRename } from "../migrate/compare/review.js";
import { UsageError } from "./args.js";
import type { CommandContext } from "./context.js";

/** `table.old=new` (a column) or `old=new` (a table). */
export function parseRename(text: string, ctx: CommandContext): LikelyRename {
  const m = /^([^=.\s]+)(?:\.([^=.\s]+))?=([^=.\s]+)$/.exec(text);
  if (!m)
    throw new UsageError(
      `--rename ${JSON.stringify(text)} is not a rename: write table.old_column=new_column for a column, or old_table=new_table for a table`,
      ctx.args.command,
    );
  const [, first, column, to] = m as unknown as [string, string, string | undefined, string];
  return column === undefined ? { kind: "table", from: first, to } : { kind: "column", table: first, from: column, to };
}

/** Asks about each likely rename on a terminal; undefined (nobody to ask) otherwise. */
export function renamePrompt(ctx: CommandContext): ((r: LikelyRename) => Promise<boolean>) | undefined {
  const input = ctx.io.stdin;
  if (!input?.isTTY || !ctx.io.stdout.isTTY || ctx.args.flags.has("no-prompt")) return undefined;
  return async (r) => {
    const what = r.kind === "column" ? `column ${r.table}.${r.from} renamed to ${r.to}` : `table ${r.from} renamed to ${r.to}`;
    const rl = createInterface({ input, output: ctx.io.stdout as NodeJS.WritableStream, terminal: false });
    try {
      const answer = await rl.question(`Was ${what}? A rename keeps the data; no drops and adds it [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}
