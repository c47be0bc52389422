/**
 * The published package: builds dist/ and imports it by name (`athanor`, `athanor/dialects/sqlite`)
 * in a fresh Node process, through package.json's exports, as users will.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
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
});
