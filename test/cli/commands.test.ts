/**
 * The `athanor` command as spawned by users (node bin/athanor.mjs) on what needs no migration
 * history: help, argument errors, `init`, and config errors. Each error names the wrong thing and
 * says what to do; exit codes are 0 done, 1 failed, 2 bad arguments.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TempProject } from "../support/cli.js";

describe("athanor (no database needed)", () => {
  it("--help lists the commands; a command's --help its arguments; no command is a usage error", async () => {
    using p = new TempProject();
    const [all, one, none] = await Promise.all([p.run(["--help"]), p.run(["downgrade", "--help"]), p.run([])]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/Usage: athanor <command> \[options\]/);
    expect(all.stdout).toMatch(/\n {2}check +exit with code 1 if the models differ from the database\n/);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("Usage: athanor downgrade <target> [options]");
    expect(one.stdout).toMatch(/--sql +print the SQL instead of running it/);
    expect(none.code).toBe(2);
  });

  it("argument errors name the argument, list what is valid and exit with 2", async () => {
    using p = new TempProject();
    const [flag, target, range] = await Promise.all([
      p.run(["upgrade", "--autogenerate"]),
      p.run(["downgrade"]),
      p.run(["upgrade", "a:b"]),
    ]);
    expect([flag.code, target.code, range.code]).toEqual([2, 2, 2]);
    expect(flag.stderr).toBe(
      "error: unknown option --autogenerate for `athanor upgrade`; valid options: --sql, -c/--config, -h/--help\nRun `athanor upgrade --help` for its arguments.\n",
    );
    expect(target.stderr).toContain("`athanor downgrade` needs a target: -1 (one step back), a revision id, or base (undo everything)");
    expect(range.stderr).toContain("the range a:b works only with --sql");
    expect(flag.stdout + target.stdout + range.stdout).toBe("");
  });

  it("init writes athanor.config.ts and migrations/, then refuses to overwrite them", async () => {
    using p = new TempProject();
    const first = await p.run(["init"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("Created athanor.config.ts and migrations/.");
    expect(first.stdout).not.toContain("warning");
    const config = readFileSync(join(p.dir, "athanor.config.ts"), "utf8");
    expect(config).toContain('import { defineConfig } from "athanor/migrate";');
    expect(config).toContain('migrations: "migrations"');
    expect(readFileSync(join(p.dir, "migrations/README.md"), "utf8")).toContain("athanor revision --autogenerate");

    const again = await p.run(["init"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`error: athanor.config.ts already exists in ${p.dir}; edit it, or delete it to start over\n`);
  });

  it("init warns when package.json would load the files as CommonJS", async () => {
    using p = new TempProject({ "package.json": "{}\n" });
    const r = await p.run(["init"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `warning: ${join(p.dir, "package.json")} has no "type": "module", so .ts and .js files load as CommonJS; add "type": "module" to it`,
    );
  });

  it("says to run init when there is no config, and names a missing -c file", async () => {
    using p = new TempProject();
    const [none, missing] = await Promise.all([p.run(["current"]), p.run(["current", "-c", "conf/athanor.config.ts"])]);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`error: no athanor.config.ts in ${p.dir}; run \`athanor init\` to create one, or pass -c <path>\n`);
    expect(missing.stderr).toBe("error: the config file conf/athanor.config.ts (given with -c) does not exist; check the path\n");
  });

  it("config errors: no URL, an unknown key, no or wrong metadata, a server that does not answer", async () => {
    using p = new TempProject();
    const config = (body: string) => `import { defineConfig } from "athanor/migrate";\nexport default defineConfig({ ${body} });\n`;
    p.write("athanor.config.ts", config(""));
    p.write("migrations/.keep", "");
    p.write("typo.config.ts", `export default { url: "sqlite://:memory:", migration: "db" };\n`);
    p.write("wrong.config.ts", config(`url: "sqlite://:memory:", metadata: async () => ({ tables: [] }) as never`));
    const [noUrl, typo, noMetadata, wrong, refused, headsOffline] = await Promise.all([
      p.run(["current"]),
      p.run(["heads", "-c", "typo.config.ts"]),
      p.run(["check"], { DATABASE_URL: "sqlite://:memory:" }),
      p.run(["check", "-c", "wrong.config.ts"]),
      p.run(["current"], { DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" }),
      p.run(["heads"]),
    ]);
    // Commands that read only the revision files need no database.
    expect(headsOffline.stdout).toBe("(no revisions yet)\n");
    expect(headsOffline.code).toBe(0);
    expect(noUrl.stderr).toBe("error: no database URL: set the DATABASE_URL environment variable, or `url` in athanor.config.ts\n");
    expect(typo.stderr).toBe(
      "error: typo.config.ts has an unknown key 'migration'; known keys: url, metadata, migrations, fileTemplate, versionTable, lockTimeoutMs, compare\n",
    );
    expect(noMetadata.stderr).toMatch(
      /^error: check compares the models with the database, but athanor.config.ts has no `metadata`; set it to your MetaData or declarative Base/,
    );
    expect(wrong.stderr).toBe(
      "error: wrong.config.ts: `metadata` must be a MetaData, a declarative Base, or a function returning one; got an object (Object)\n",
    );
    expect(refused.stderr).toMatch(
      /^error: could not connect to PostgreSQL at 127\.0\.0\.1:1 .*\nThe URL comes from `url` in athanor.config.ts, else from DATABASE_URL.\n$/,
    );
    expect([noUrl.code, typo.code, noMetadata.code, wrong.code, refused.code]).toEqual([1, 1, 1, 1, 1]);
  });

  it("a config that cannot load as an ES module says which package.json to fix", async () => {
    using p = new TempProject({ "package.json": "{}\n" });
    p.write("athanor.config.ts", `import { defineConfig } from "athanor/migrate";\nexport default defineConfig({});\n`);
    const r = await p.run(["heads"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: could not load athanor.config.ts: .*\(.*package.json has no "type": "module", so .ts and .js files load as CommonJS; add "type": "module" to it\)/s,
    );
    expect(existsSync(join(p.dir, "migrations"))).toBe(false);
  });
});
