/** Streaming large results: correct rows, early exit, and flat memory over 1,000,000 rows. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { column, insert, Integer, MetaData, select, sql, StateError, String, Table } from "athanor";
import { forEachDialect } from "../support/dialects.js";

const run = promisify(execFile);
const child = fileURLToPath(new URL("../support/stream-child.ts", import.meta.url));

forEachDialect((db) => {
  const md = new MetaData();
  const t = new Table("stream_rows", md, { id: column(Integer, { primaryKey: true }), name: column(String(30)) });

  beforeAll(async () => {
    await md.createAll(db.engine);
    await db.engine.execute(insert(t).values(Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }))));
  });

  it("yields every row, typed and in order, in batches", async () => {
    await using conn = await db.engine.connect();
    let expected = 1;
    for await (const row of conn.stream(select(t.c.id, t.c.name).orderBy(t.c.id), undefined, { batchSize: 100 })) {
      expect(row).toEqual({ id: expected, name: `n${expected}` });
      expected++;
    }
    expect(expected).toBe(2501);
  });

  it("breaking out of the loop ends the query and frees the connection", async () => {
    await using conn = await db.engine.connect();
    let seen = 0;
    for await (const _row of conn.stream(select(t.c.id).orderBy(t.c.id), undefined, { batchSize: 50 })) {
      if (++seen === 120) break;
    }
    expect(seen).toBe(120);
    expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(7)))).toBe("n7");
  });

  it("refuses other statements on the connection while a stream is open", async () => {
    await using conn = await db.engine.connect();
    const it = conn.stream(select(t.c.id), undefined, { batchSize: 10 })[Symbol.asyncIterator]();
    await it.next();
    await expect(conn.execute(select(t.c.id))).rejects.toBeInstanceOf(StateError);
    await it.return?.();
    expect((await conn.execute(select(t.c.id).where(t.c.id.eq(1)))).rows).toHaveLength(1);
  });

  it("streams raw SQL too, with driver column names", async () => {
    await using conn = await db.engine.connect();
    const names: string[] = [];
    for await (const row of conn.stream(sql`SELECT ${t.c.name} AS label FROM ${t} WHERE ${t.c.id} <= ${3} ORDER BY ${t.c.id}`))
      names.push(`${(row as { label: string }).label}`);
    expect(names).toEqual(["n1", "n2", "n3"]);
  });

  it("streams 1,000,000 rows in under 150 MB of RSS", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", child, db.url, "1000000"], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      maxBuffer: 1 << 20,
      timeout: 240_000,
    });
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as { count: number; checksum: number; peakMb: number };
    expect(result.count).toBe(1_000_000);
    expect(result.checksum).toBe((2 * 1000 * (999 * 1000)) / 2);
    expect(result.peakMb).toBeLessThan(150);
  }, 300_000);
});
