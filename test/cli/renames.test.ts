/**
 * Renames from the command line: `--rename` says up front that a column or table was renamed, and
 * on a terminal `revision --autogenerate` asks about each likely rename (answered here through a
 * stream standing in for the keyboard). Without a terminal nothing is asked. The runner's rename
 * handling itself is tested on every database in test/migrate/renames.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { CliIo, OutStream } from "../../src/cli/output.js";
import { TempProject } from "../support/cli.js";

const CONFIG = `import { defineConfig } from "athanor/migrate";
export default defineConfig({ url: \`sqlite:///\${new URL("./people.db", import.meta.url).pathname}\`, metadata: async () => (await import(new URL(process.env.MODELS ?? "./v1.ts", import.meta.url).href)).metadata });
`;
const models = (name: string) => `import { column, Integer, MetaData, String, Table } from "athanor";
export const metadata = new MetaData();
new Table("people", metadata, { id: column(Integer, { primaryKey: true }), ${name}: column(String(100)) });
`;

class Captured implements OutStream {
  text = "";
  constructor(readonly isTTY: boolean) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

/** A project at revision v1 (people.name), with v2 (people.full_name) written next to it. */
async function project(): Promise<TempProject> {
  const p = new TempProject();
  p.write("athanor.config.ts", CONFIG);
  p.write("v1.ts", models("name"));
  p.write("v2.ts", models("full_name"));
  p.write("migrations/.keep", "");
  for (const args of [["revision", "--autogenerate", "-m", "people"], ["upgrade"]]) expect((await p.run(args)).code).toBe(0);
  return p;
}

/** The revision file whose slug is `slug`. */
const written = (p: TempProject, slug: string) => {
  const file = readdirSync(join(p.dir, "migrations")).find((f) => f.endsWith(`_${slug}.ts`));
  if (!file) throw new Error(`no revision file *_${slug}.ts`);
  return readFileSync(join(p.dir, "migrations", file), "utf8");
};

it("--rename writes a rename instead of a drop and an add; a malformed one is an argument error", async () => {
  using p = await project();
  const r = await p.run(["revision", "--autogenerate", "-m", "rename", "--rename", "people.name=full_name"], { MODELS: "./v2.ts" });
  expect(r.code, r.stderr).toBe(0);
  expect(written(p, "rename")).toContain('op.renameColumn("people", "name", "full_name");');
  expect(written(p, "rename")).not.toContain("dropColumn");
  const bad = await p.run(["revision", "--autogenerate", "-m", "x", "--rename", "people.name"], { MODELS: "./v2.ts" });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--rename "people.name" is not a rename: write table.old_column=new_column');
  const wrong = await p.run(["revision", "--autogenerate", "-m", "x", "--rename", "people.nick=full_name"], { MODELS: "./v2.ts" });
  expect(wrong.code).toBe(1);
});

it("on a terminal, each likely rename is asked about; 'y' makes it a rename", async () => {
  using p = await project();
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end("y\n");
  const stdout = new Captured(true);
  const stderr = new Captured(true);
  const io: CliIo = { stdout, stderr, env: { ...process.env, MODELS: "./v2.ts" }, cwd: p.dir, stdin };
  const saved = process.env.MODELS;
  process.env.MODELS = "./v2.ts";
  try {
    expect(await main(["revision", "--autogenerate", "-m", "asked"], io), stderr.text).toBe(0);
  } finally {
    if (saved === undefined) delete process.env.MODELS;
    else process.env.MODELS = saved;
  }
  expect(stdout.text).toContain("Was column people.name renamed to full_name?");
  expect(written(p, "asked")).toContain('op.renameColumn("people", "name", "full_name");');
});

it("without a terminal nothing is asked: the likely rename stays a drop and an add, flagged", async () => {
  using p = await project();
  const r = await p.run(["revision", "--autogenerate", "-m", "not asked"], { MODELS: "./v2.ts" });
  expect(r.code).toBe(0);
  expect(r.stdout + r.stderr).toContain("LIKELY RENAME: people.name → people.full_name");
  expect(written(p, "not_asked")).toContain('op.dropColumn("people", "name");');
});
