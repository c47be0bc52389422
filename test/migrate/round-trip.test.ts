/**
 * The proof of the migration workflow on every database, with the shop and blog models:
 * autogenerate a revision from an empty database, upgrade, autogenerate again (nothing left), then
 * downgrade to base, which leaves an empty database (PostgreSQL: no enum types either).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { MetaData } from "athanor";
import { Base as Shop } from "../../examples/shop/models/index.js";
import { Base as Blog } from "../../examples/blog/models/index.js";
import { Migrator } from "../../src/migrate/runner/migrator.js";
import { reflect } from "../../src/migrate/reflect.js";
import { forEachDialect } from "../support/dialects.js";

const domains: Array<[string, MetaData]> = [
  ["shop", Shop.metadata],
  ["blog", Blog.metadata],
];

forEachDialect((db) => {
  for (const [name, metadata] of domains) {
    it(`${name}: autogenerate → upgrade → autogenerate finds nothing → downgrade to base leaves an empty database`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `athanor-${name}-`));
      writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
      try {
        const m = new Migrator({ engine: db.engine, directory: dir, metadata });
        const rev = await m.revision({ message: `create the ${name} schema`, autogenerate: true, now: new Date("2026-11-21T09:30:00Z") });
        expect(rev.path).toMatch(new RegExp(`20261121_0930_create_the_${name}_schema\\.ts$`));
        expect(rev.ops.filter((o) => o.kind === "createTable").length).toBe(metadata.tables.size);
        const text = readFileSync(rev.path, "utf8");
        expect(text).toContain(`id: "${rev.revision.id}"`);
        expect(text).toContain("revises: null");

        const up = await m.upgrade();
        expect(up.steps.map((s) => s.revision)).toEqual([rev.revision.id]);
        const after = await reflect(db.engine, { only: (n) => n !== "athanor_version" });
        expect([...after.tables.keys()].sort()).toEqual([...metadata.tables.keys()].sort());
        expect(await m.check()).toEqual([]);

        await m.downgrade("base");
        const empty = await reflect(db.engine);
        expect([...empty.tables.keys()]).toEqual(["athanor_version"]);
        expect(empty.enums).toEqual([]);
        expect(await m.current()).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        const conn = await db.engine.connect();
        await conn._runRaw("DROP TABLE IF EXISTS athanor_version");
        await conn.close();
      }
    });
  }
});
