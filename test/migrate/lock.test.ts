/**
 * The migration lock on every database: holders never overlap, a runner that cannot get it in time
 * fails with an error saying why, and a runner killed while holding it does not keep it.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";
import { column, insert, Integer, MetaData, select, Table, update, type Connection } from "athanor";
import { acquireMigrationLock } from "../../src/migrate/lock.js";
import { MigrationLockError } from "../../src/util/errors.js";
import { forEachDialect } from "../support/dialects.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const md = new MetaData();
const counter = new Table("lock_counter", md, { id: column(Integer, { primaryKey: true }), n: column(Integer) });

forEachDialect((db) => {
  beforeAll(async () => {
    await md.createAll(db.engine);
    await db.engine.begin((c) => c.execute(insert(counter).values({ id: 1, n: 0 })));
  });

  it("five runners started at once take turns: no two hold it together, no update is lost", async () => {
    const spans: Array<[number, number]> = [];
    const runner = async () => {
      const engine = db.createEngine();
      const conn: Connection = await engine.connect();
      try {
        const lock = await acquireMigrationLock(conn, { timeoutMs: 30_000 });
        const start = performance.now();
        // A read-modify-write with a pause: overlapping holders would lose increments.
        const n = Number((await conn.execute(select(counter.c.n).where(counter.c.id.eq(1)))).scalar());
        await new Promise((r) => setTimeout(r, 60));
        await conn.execute(
          update(counter)
            .set({ n: n + 1 })
            .where(counter.c.id.eq(1)),
        );
        spans.push([start, performance.now()]);
        await lock.release();
      } finally {
        await conn.close();
      }
    };
    await Promise.all(Array.from({ length: 5 }, runner));
    expect(Number((await db.engine.execute(select(counter.c.n))).scalar())).toBe(5);
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it("a runner that cannot get the lock in time fails, saying another run holds it", async () => {
    const a = await db.createEngine().connect();
    const b = await db.createEngine().connect();
    try {
      const held = await acquireMigrationLock(a);
      let waited = false;
      await expect(acquireMigrationLock(b, { timeoutMs: 300, onWait: () => (waited = true) })).rejects.toThrow(MigrationLockError);
      await expect(acquireMigrationLock(b, { timeoutMs: 100 })).rejects.toThrow(
        /another migration run holds the migration lock "athanor_migrations"/,
      );
      expect(waited).toBe(true);
      await held.release();
      const mine = await acquireMigrationLock(b, { timeoutMs: 1000 });
      await mine.release();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("a runner killed while holding the lock does not keep it", async () => {
    // Connected first: on SQLite no connection can even open the file during an exclusive transaction.
    const conn = await db.createEngine().connect();
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/lock-child.ts", db.url], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => d.toString().includes("locked") && resolve());
        child.on("exit", (code) => reject(new Error(`lock child exited with ${code}`)));
      });
      await expect(acquireMigrationLock(conn, { timeoutMs: 200 })).rejects.toThrow(MigrationLockError);
      child.kill("SIGKILL");
      const lock = await acquireMigrationLock(conn, { timeoutMs: 15_000 });
      await lock.release();
    } finally {
      child.kill("SIGKILL");
      await conn.close();
    }
  });
});
