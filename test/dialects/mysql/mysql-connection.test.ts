/**
 * MySQL/MariaDB connections on the real server: session settings, prepared statements for
 * parameters, transaction-state tracking, unreachable servers, and connections killed
 * mid-transaction or while idle in the pool.
 */
import { describe, expect, it } from "vitest";
import {
  column,
  ConnectionError,
  ConnectionLostError,
  createEngine,
  Integer,
  MetaData,
  select,
  sql,
  String as Str,
  Table,
  insert,
  type Connection,
  type Engine,
} from "athanor";
import type { MySqlDialect } from "athanor/dialects/mysql";
import { forDialect } from "../../support/dialects.js";

/** The server's id of an athanor connection. */
async function connectionId(conn: Connection): Promise<number> {
  return Number(await conn.scalar(sql`SELECT CONNECTION_ID()`));
}

/** Kills a connection from another one, then lets the victim's socket see the close. */
async function kill(engine: Engine, id: number): Promise<void> {
  await engine.execute(sql`KILL ${id}`);
  await new Promise((resolve) => setTimeout(resolve, 150));
}

/** A session status counter of this connection, read without parameters (so not counted itself). */
async function counter(conn: Connection, name: "Com_rollback" | "Com_stmt_execute"): Promise<number> {
  const query = name === "Com_rollback" ? sql`SHOW SESSION STATUS LIKE 'Com_rollback'` : sql`SHOW SESSION STATUS LIKE 'Com_stmt_execute'`;
  const r = await conn.execute(query);
  return Number(r.rows[0]!.Value);
}

async function scalar(engine: Engine, query: Parameters<Engine["execute"]>[0]): Promise<unknown> {
  return (await engine.execute(query)).scalar();
}

forDialect("mysql", (db) => {
  const md = new MetaData();
  const t = new Table("conn_items", md, { id: column(Integer, { primaryKey: true }), name: column(Str(50)) });

  describe("sessions", () => {
    it("runs every connection in UTC with a strict sql_mode that keeps backslash escapes", async () => {
      await using conn = await db.engine.connect();
      const row = (await conn.execute(sql`SELECT @@SESSION.time_zone AS tz, @@SESSION.sql_mode AS mode`)).one();
      expect(row.tz).toBe("+00:00");
      const modes = String(row.mode).split(",");
      expect(modes).toEqual(
        expect.arrayContaining([
          "STRICT_ALL_TABLES",
          "NO_ZERO_DATE",
          "NO_ZERO_IN_DATE",
          "ERROR_FOR_DIVISION_BY_ZERO",
          "NO_AUTO_VALUE_ON_ZERO",
        ]),
      );
      expect(modes).not.toContain("NO_BACKSLASH_ESCAPES");
      expect(modes).not.toContain("ANSI_QUOTES");
    });

    it("repairs a hostile server sql_mode (ANSI_QUOTES, NO_BACKSLASH_ESCAPES, ORACLE) and keeps the rest", async () => {
      await using conn = await db.engine.connect();
      const mariadb = (conn.dialect as MySqlDialect).isMariaDb;
      // ORACLE (MariaDB only) implies ANSI_QUOTES and PIPES_AS_CONCAT and switches the parser.
      const hostile = mariadb
        ? "ORACLE,NO_BACKSLASH_ESCAPES,ONLY_FULL_GROUP_BY,EMPTY_STRING_IS_NULL"
        : "ANSI,NO_BACKSLASH_ESCAPES,ONLY_FULL_GROUP_BY";
      await conn.execute(sql`SET SESSION sql_mode = ${hostile}`);
      for (const s of conn.dialect.connectStatements()) await conn._runRaw(s);
      const modes = String(await conn.scalar(sql`SELECT @@SESSION.sql_mode`)).split(",");
      expect(modes).toContain("ONLY_FULL_GROUP_BY");
      expect(modes).toContain("STRICT_ALL_TABLES");
      for (const m of ["ANSI_QUOTES", "NO_BACKSLASH_ESCAPES", "EMPTY_STRING_IS_NULL", "ORACLE", "ANSI", "PIPES_AS_CONCAT"])
        expect(modes).not.toContain(m);
      // The SQL text is 'a\\b': with backslash escapes on (as DDL literals assume) it reads a\b.
      expect(await conn.scalar(sql`SELECT 'a\\\\b'`)).toBe("a\\b");
    });

    it("reports the server flavour and version", async () => {
      const d = db.engine.dialect as unknown as { serverFlavor: string; serverVersion: string };
      expect(["mysql", "mariadb"]).toContain(d.serverFlavor);
      expect(d.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(d.serverVersion).not.toMatch(/^5\.5\.5-/);
    });
  });

  describe("statements", () => {
    it("sends parameters through server-side prepared statements, never interpolated", async () => {
      await md.createAll(db.engine, { checkFirst: true });
      await using conn = await db.engine.connect();
      const hostile = "x'); DROP TABLE conn_items; -- \\' ?";
      const before = await counter(conn, "Com_stmt_execute");
      await conn.execute(insert(t).values({ id: 1, name: hostile }));
      expect(await conn.scalar(select(t.c.name).where(t.c.name.eq(hostile)))).toBe(hostile);
      expect(await counter(conn, "Com_stmt_execute")).toBe(before + 2);
    });

    it("closes a connection without a needless ROLLBACK, but rolls back a transaction left open by raw SQL", async () => {
      await md.createAll(db.engine, { checkFirst: true });
      const engine = db.createEngine({ pool: { size: 1 } });
      let conn = await engine.connect();
      const rollbacks = await counter(conn, "Com_rollback");
      await conn.execute(select(t.c.id).where(t.c.id.eq(1)));
      await conn.close();
      conn = await engine.connect();
      expect(await counter(conn, "Com_rollback")).toBe(rollbacks);
      await conn.execute(sql`START TRANSACTION`);
      await conn.execute(insert(t).values({ id: 99, name: "uncommitted" }));
      await conn.close();
      conn = await engine.connect();
      expect(await counter(conn, "Com_rollback")).toBe(rollbacks + 1);
      expect(await conn.scalar(select(t.c.name).where(t.c.id.eq(99)))).toBeUndefined();
      await conn.close();
    });
  });

  describe("lost connections", () => {
    it("a connection killed mid-transaction raises ConnectionLostError with transactionLost and is discarded", async () => {
      await md.createAll(db.engine, { checkFirst: true });
      const engine = db.createEngine({ pool: { size: 2 } });
      const victim = await engine.connect();
      const tx = await victim.begin();
      await victim.execute(insert(t).values({ id: 500, name: "lost" }));
      await kill(db.engine, await connectionId(victim));
      const err = await victim.execute(select(t.c.id)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as ConnectionLostError).transactionLost).toBe(true);
      expect((err as Error).message).toMatch(/transaction was rolled back by the server/);
      expect(victim.closed).toBe(true);
      expect(tx.isActive).toBe(false);
      expect(engine.poolStatus.size).toBe(0);
      await victim.close();
      expect(await scalar(db.engine, select(t.c.id).where(t.c.id.eq(500)))).toBeUndefined();
    });

    it("a statement running when its connection is killed raises ConnectionLostError", async () => {
      const engine = db.createEngine({ pool: { size: 1 } });
      const victim = await engine.connect();
      await victim.begin();
      const id = await connectionId(victim);
      const running = victim.execute(sql`SELECT SLEEP(5)`).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await kill(db.engine, id);
      const err = await running;
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as ConnectionLostError).transactionLost).toBe(true);
      expect(engine.poolStatus.size).toBe(0);
      // The pool opens a fresh connection for the next caller.
      expect(await scalar(engine, sql`SELECT 1`)).toBe(1);
    });

    it("an idle pooled connection killed by the server does not crash the process", async () => {
      const engine = db.createEngine({ pool: { size: 1 } });
      const conn = await engine.connect();
      const id = await connectionId(conn);
      await conn.close();
      await kill(db.engine, id);
      // Once the client has seen the socket close, the pool discards the connection even without prePing.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await using next = await engine.connect();
      expect(await connectionId(next)).not.toBe(id);
      expect(await next.scalar(sql`SELECT 2`)).toBe(2);
    });

    it("with prePing, a killed idle connection is replaced before anyone sees it", async () => {
      const engine = db.createEngine({ pool: { size: 1, prePing: true } });
      const conn = await engine.connect();
      const id = await connectionId(conn);
      await conn.close();
      await kill(db.engine, id);
      await using next = await engine.connect();
      expect(await connectionId(next)).not.toBe(id);
    });
  });

  describe("unreachable servers", () => {
    it("names host:port and says what to check", async () => {
      const engine = createEngine("mysql://root@127.0.0.1:1/nothing", { connectTimeoutMs: 2000 });
      try {
        const err = await engine.connect().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ConnectionError);
        expect((err as Error).message).toMatch(/127\.0\.0\.1:1/);
        expect((err as Error).message).toMatch(/check that the server is running/);
      } finally {
        await engine.dispose();
      }
    });

    it("tells a missing database apart", async () => {
      const url = new URL(db.url);
      url.pathname = "/athanor_no_such_database";
      const engine = createEngine(url.toString());
      try {
        await expect(engine.connect()).rejects.toThrow(/create the database first/);
      } finally {
        await engine.dispose();
      }
    });
  });
});
