/** The engine: pool limits and timeouts, recycle and pre-ping, events and the SQL log hook, the compile cache. */
import { expect, it } from "vitest";
import {
  bindParam,
  column,
  ConfigurationError,
  Integer,
  MetaData,
  PoolTimeoutError,
  select,
  sql,
  String,
  Table,
  insert,
  type QueryLogEntry,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";

forEachDialect((db) => {
  it("a full pool makes callers wait, then time out with a clear error", async () => {
    const engine = db.createEngine({ pool: { size: 1, acquireTimeoutMs: 150 } });
    const first = await engine.connect();
    const waiting = engine.connect();
    await expect(waiting).rejects.toBeInstanceOf(PoolTimeoutError);
    await expect(engine.connect()).rejects.toThrow(/timed out after 150 ms waiting for a pooled connection \(pool size 1, all in use\)/);
    await first.close();
    const again = await engine.connect();
    expect(again.id).toBe(first.id);
    await again.close();
  });

  it("a released connection goes to the next waiter", async () => {
    const engine = db.createEngine({ pool: { size: 1, acquireTimeoutMs: 5000 } });
    const first = await engine.connect();
    const second = engine.connect();
    setTimeout(() => void first.close(), 30);
    const c = await second;
    expect(c.id).toBe(first.id);
    expect(engine.poolStatus).toMatchObject({ size: 1, waiting: 0, max: 1 });
    await c.close();
  });

  it("recycles connections older than recycleMs", async () => {
    const engine = db.createEngine({ pool: { size: 1, recycleMs: 1 } });
    const a = await engine.connect();
    const idA = a.id;
    await a.close();
    await new Promise((r) => setTimeout(r, 10));
    const b = await engine.connect();
    expect(b.id).not.toBe(idA);
    await b.close();
  });

  it("pre-ping checks connections before handing them out", async () => {
    const engine = db.createEngine({ pool: { size: 1, prePing: true } });
    const first = await engine.connect();
    const id = first.id;
    await first.close();
    const c = await engine.connect();
    expect(c.id).toBe(id);
    expect(await c.scalar(sql<number>`SELECT 1`)).toBeTruthy();
    await c.close();
  });

  it("the log hook sees each statement with parameters and duration; events fire in order", async () => {
    const entries: QueryLogEntry[] = [];
    const events: string[] = [];
    const engine = db.createEngine({ log: (e) => entries.push(e) });
    engine.on("checkout", () => events.push("checkout"));
    engine.on("checkin", () => events.push("checkin"));
    engine.on("begin", () => events.push("begin"));
    engine.on("commit", () => events.push("commit"));
    engine.on("beforeExecute", () => events.push("before"));
    const off = engine.on("afterExecute", () => events.push("after"));
    await engine.begin(async (conn) => {
      await conn.execute(select(sql<number>`${41} + 1`.as("x")));
    });
    off();
    expect(events).toEqual(["checkout", "before", "after", "begin", "before", "after", "before", "after", "commit", "checkin"]);
    const stmt = entries.find((e) => e.params.length === 1)!;
    expect(stmt.params).toEqual([41]);
    expect(stmt.sql).toMatch(/^SELECT /);
    expect(stmt.durationMs).toBeGreaterThanOrEqual(0);
    expect(stmt.rowCount).toBe(1);
  });

  it("error events carry the translated error", async () => {
    const engine = db.createEngine();
    const seen: Error[] = [];
    engine.on("error", (e) => seen.push(e.error));
    await expect(engine.execute(sql`SELECT * FROM no_such_table_here`)).rejects.toThrow(/no_such_table_here/);
    expect(seen).toHaveLength(1);
  });

  it("compiles a statement shape once, however often it is rebuilt", async () => {
    const engine = db.createEngine();
    const md = new MetaData();
    const t = new Table("cache_probe", md, { id: column(Integer, { primaryKey: true }), name: column(String(20)) });
    await using conn = await engine.connect();
    await md.createAll(conn);
    await conn.execute(insert(t).values({ id: 1, name: "x" }));
    const before = engine.compiledCacheSize;
    for (let i = 0; i < 50; i++) {
      const r = await conn.execute(select(t.c.name).where(t.c.id.eq(i % 3)));
      expect(r.rows.length).toBe(i % 3 === 1 ? 1 : 0);
    }
    expect(engine.compiledCacheSize).toBe(before + 1);
    const prebuilt = select(t.c.name).where(t.c.id.eq(bindParam("id")));
    await conn.execute(prebuilt, { id: 1 });
    await conn.execute(prebuilt, { id: 2 });
    expect(engine.compiledCacheSize).toBe(before + 2);
    await md.dropAll(conn);
  });

  it("refuses unknown options", () => {
    expect(() => db.createEngine({ pool: { sizes: 3 } as never })).toThrow(/unknown pool option 'sizes'/);
    expect(() => db.createEngine({ poolSize: 3 } as never)).toThrow(ConfigurationError);
  });
});
