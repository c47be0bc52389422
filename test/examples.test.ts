/** The examples run as the README says: `npm run demo` (the shop on SQLite) and the other example scripts. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const run = (script: string, env: Record<string, string> = {}): string =>
  execFileSync(process.execPath, ["--import", "tsx", script], { cwd: root, env: { ...process.env, ...env }, stdio: "pipe" }).toString();

describe("examples", () => {
  it("npm run demo builds the shop in a SQLite file and runs its queries, showing the statements", () => {
    const db = join(tmpdir(), `athanor-demo-test-${process.pid}.db`);
    try {
      const out = run("examples/shop/demo.ts", { ATHANOR_DEMO_DB: db });
      expect(out).toMatch(/6,\d{3} rows in \d+ ms: 400 users, \d+ addresses, 40 categories, 300 products/);
      // The graph is saved with batched INSERTs, parents first.
      const seed = out.slice(out.indexOf("== fill the shop"), out.indexOf("== a customer's"));
      expect(seed).toMatch(/-- 1\d statements:/);
      expect(seed.indexOf('INSERT INTO "categories"')).toBeLessThan(seed.indexOf('INSERT INTO "order_items"'));
      // A user's orders, items and products in 4 statements; the tree in one per level; best sellers in one.
      expect(out).toMatch(/Customer 65, \w+: 8 orders[\s\S]*?-- 4 statements:/);
      expect(out).toMatch(/three levels[\s\S]*?Electronics\n\s+Audio: Headphones, Speakers[\s\S]*?-- 3 statements:/);
      expect(out).toMatch(/best sellers[\s\S]*?\d+ sold[\s\S]*?-- 1 statement:/);
      expect(out).toMatch(/N\+1 made visible[\s\S]*?20 × SELECT "order_items"/);
      expect(out).toMatch(/Order\.user is not loaded/);
      expect(out).toMatch(/cart now has 0 items[\s\S]*?DELETE FROM "cart_items"/);
      expect(out).toMatch(/IntegrityError: CHECK constraint failed: ck_products_price_positive/);
    } finally {
      for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(db + s, { force: true });
    }
  });

  it("the README's migration commands run as written in examples/migrations: revision → upgrade → check → downgrade", () => {
    const cwd = join(root, "examples", "migrations");
    const versions = join(cwd, "versions");
    // Revision files a developer made there by following the README are set aside, then put back.
    const aside = mkdtempSync(join(tmpdir(), "athanor-versions-"));
    const mine = readdirSync(versions).filter((f) => f !== ".gitkeep");
    for (const f of mine) renameSync(join(versions, f), join(aside, f));
    const db = join(tmpdir(), `athanor-readme-migrations-${process.pid}.db`);
    const npx = (...args: string[]) =>
      execFileSync("npx", ["athanor", ...args], {
        cwd,
        env: { ...process.env, DATABASE_URL: `sqlite:///${db}` },
        stdio: "pipe",
      }).toString();
    try {
      expect(npx("revision", "--autogenerate", "-m", "create shop")).toMatch(
        /^Wrote versions\/\d{8}_\d{4}_create_shop\.ts \(revision [0-9a-f]{12}, 7 operations\)/,
      );
      expect(npx("upgrade")).toMatch(/→ upgrade [0-9a-f]{12} {2}create shop \.\.\. done in \d+ ms/);
      expect(npx("check")).toContain("No changes: the database matches the models.");
      expect(npx("downgrade", "base")).toContain("the database is at base");
    } finally {
      for (const f of readdirSync(versions)) if (f !== ".gitkeep") rmSync(join(versions, f));
      for (const f of mine) renameSync(join(aside, f), join(versions, f));
      rmSync(aside, { recursive: true, force: true });
      for (const s of ["", "-wal", "-shm", "-journal"]) rmSync(db + s, { force: true });
    }
  });

  it("the ORM quickstart and the repository example run", () => {
    expect(run("examples/orm-quickstart.ts")).toContain("same object: true");
    expect(run("examples/repository.ts").length).toBeGreaterThan(0);
  });
});
