/** The version table on every database: created once, revisions recorded with their checksums and progress, and forgotten. */
import { expect, it } from "vitest";
import { checksumOf, VersionStore, VERSION_TABLE } from "../../src/migrate/runner/version-table.js";
import { reflect } from "../../src/migrate/reflect.js";
import { forEachDialect } from "../support/dialects.js";

it("checksums ignore line-ending style but nothing else", () => {
  expect(checksumOf("a\r\nb\n")).toBe(checksumOf("a\nb\n"));
  expect(checksumOf("a\nb\n")).not.toBe(checksumOf("a\nb \n"));
  expect(checksumOf("x")).toMatch(/^[0-9a-f]{64}$/);
});

forEachDialect((db) => {
  it("creates the table once and records, completes and forgets revisions", async () => {
    await using conn = await db.engine.connect();
    const store = new VersionStore(conn);
    await store.ensure();
    await store.ensure(); // a second time is harmless
    const r = await reflect(conn, { only: [VERSION_TABLE] });
    expect(r.tables.get(VERSION_TABLE)!.columns.map((c) => c.name)).toEqual(["revision", "checksum", "ops_done", "applied_at"]);
    expect(await store.applied()).toEqual([]);

    await store.complete("a1", checksumOf("one"));
    await store.start("b2", checksumOf("two"));
    await store.progress("b2", 3);
    let rows = await store.applied();
    expect(rows.map((x) => [x.revision, x.opsDone ?? null])).toEqual([
      ["a1", null],
      ["b2", 3],
    ]);
    expect(rows[0]!.checksum).toBe(checksumOf("one"));
    expect(rows[0]!.appliedAt).toBeInstanceOf(Date);

    await store.complete("b2", checksumOf("two, edited"));
    rows = await store.applied();
    expect(rows.find((x) => x.revision === "b2")).toMatchObject({ opsDone: undefined, checksum: checksumOf("two, edited") });

    await store.remove("a1");
    expect((await store.applied()).map((x) => x.revision)).toEqual(["b2"]);
    await expect(store.start("b2", "x")).rejects.toThrow(); // one row per revision
  });
});
