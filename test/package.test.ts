/**
 * The published package: builds dist/ and imports it by name (`athanor`, `athanor/dialects/sqlite`)
 * in a fresh Node process, through package.json's exports, as users will; runs the installed
 * `athanor` bin from dist/ on a project of TypeScript files.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the built package", () => {
  beforeAll(() => {
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "pipe" });
  }, 120_000);

  it("has declarations and bundles for every export", () => {
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/migrate/index.js",
      "dist/migrate/index.d.ts",
      "dist/cli/main.js",
      "dist/dialects/sqlite/index.js",
      "dist/dialects/postgres/index.d.ts",
      "dist/dialects/mysql/index.js",
    ])
      expect(existsSync(`${root}/${f}`), f).toBe(true);
  });

  it("imports by name and runs a statement", () => {
    const script = `
      const { MetaData, Table, column, Integer, String, createEngine, insert, select, func } = await import("athanor");
      const { insert: upsert } = await import("athanor/dialects/sqlite");
      await import("athanor/dialects/postgres");
      await import("athanor/dialects/mysql");
      const md = new MetaData();
      const t = new Table("t", md, { id: column(Integer, { primaryKey: true }), name: column(String(20), { unique: true }) });
      const e = createEngine("sqlite://:memory:");
      createEngine("postgresql://u@localhost/db");
      createEngine("mysql://u@localhost/db");
      await md.createAll(e);
      await e.execute(insert(t).values([{ name: "a" }, { name: "b" }]));
      await e.execute(upsert(t).values({ name: "a" }).onConflictDoNothing());
      console.log(JSON.stringify((await e.execute(select(func.count().as("n")).from(t))).rows));
      await e.dispose();`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root }).toString().trim();
    expect(out).toBe('[{"n":2}]');
  });

  it("the installed bin runs from dist/: loads the project's TypeScript config and models, migrates", () => {
    // An install as npm lays it out: the package's files (copied, so the bin cannot see src/) and its dependencies.
    const project = mkdtempSync(join(tmpdir(), "athanor-installed-"));
    try {
      const installed = join(project, "node_modules/athanor");
      mkdirSync(installed, { recursive: true });
      mkdirSync(join(project, "migrations"));
      for (const f of ["package.json", "bin", "dist"]) cpSync(join(root, f), join(installed, f), { recursive: true });
      for (const dep of ["tsx", "better-sqlite3"]) symlinkSync(join(root, "node_modules", dep), join(project, "node_modules", dep));
      writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
      writeFileSync(
        join(project, "athanor.config.ts"),
        'import { defineConfig } from "athanor/migrate";\nexport default defineConfig({ url: "sqlite:///app.db", metadata: async () => (await import("./models.js")).metadata });\n',
      );
      writeFileSync(
        join(project, "models.ts"),
        'import { column, Integer, MetaData, Table } from "athanor";\nexport const metadata = new MetaData();\nnew Table("things", metadata, { id: column(Integer, { primaryKey: true }) });\n',
      );
      const athanor = (...args: string[]) => {
        const r = spawnSync(process.execPath, ["node_modules/athanor/bin/athanor.mjs", ...args], { cwd: project, encoding: "utf8" });
        expect(r.status, `athanor ${args.join(" ")}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      expect(athanor("revision", "--autogenerate", "-m", "things")).toMatch(/^Wrote migrations\/\S+_things\.ts/);
      expect(athanor("upgrade")).toMatch(/→ upgrade [0-9a-f]{12} {2}things \.\.\. done in/);
      expect(athanor("check")).toContain("No changes");
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
