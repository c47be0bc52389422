/**
 * PostgreSQL connections on the real server: URL options, session settings, error translation
 * with constraint names, unreachable servers, and backends killed mid-transaction or while idle.
 */
import { describe, expect, it } from "vitest";
import {
  check,
  column,
  ConfigurationError,
  ConnectionError,
  ConnectionLostError,
  createEngine,
  DatabaseError,
  defaultNamingConvention,
  foreignKey,
  Integer,
  IntegrityError,
  MetaData,
  select,
  sql,
  String as Str,
  Table,
  insert,
  type Engine,
} from "athanor";
import { forDialect } from "../../support/dialects.js";

/** Terminates a backend from another connection and waits until the server has let it go. */
async function terminate(admin: Engine, pid: unknown): Promise<void> {
  await admin.execute(sql`select pg_terminate_backend(${pid}::int, 5000)`);
}

/** Lets the killed client read the server's goodbye, as an idle application would. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

forDialect("postgresql", (db) => {
  describe("PostgreSQL sessions and URL options", () => {
    it("every connection runs in UTC with ISO dates", async () => {
      const r = await db.engine.execute(sql`select current_setting('TimeZone') as tz, current_setting('DateStyle') as ds`);
      expect(r.one()).toEqual({ tz: "UTC", ds: "ISO, YMD" });
    });

    it("application_name and search_path from the URL reach the server", async () => {
      await db.engine.execute(sql`create schema if not exists tenant_a`);
      const e = createEngine(`${db.url}?application_name=athanor-test&search_path=tenant_a,public`);
      try {
        const r = await e.execute(sql`select current_setting('application_name') as app, current_schema() as schema`);
        expect(r.one()).toEqual({ app: "athanor-test", schema: "tenant_a" });
      } finally {
        await e.dispose();
      }
    });

    it("refuses unknown options, unsupported sslmodes and unsafe search paths before connecting", () => {
      expect(() => createEngine(`${db.url}?sslmod=require`)).toThrow(
        /unknown option 'sslmod'; supported options are sslmode, application_name/,
      );
      expect(() => createEngine(`${db.url}?sslmode=prefer`)).toThrow(ConfigurationError);
      expect(() => createEngine(`${db.url}?search_path=a;drop`)).toThrow(/search_path must be a comma-separated list/);
    });

    it("sslmode=disable connects in plain text", async () => {
      const e = createEngine(`${db.url}?sslmode=disable`);
      try {
        expect(await e.execute(sql`select 1 as one`).then((r) => r.scalar())).toBe(1);
      } finally {
        await e.dispose();
      }
    });

    it("the postgres:// scheme is an alias", async () => {
      const e = createEngine(db.url.replace(/^postgresql:/, "postgres:"));
      try {
        expect(e.dialect.name).toBe("postgresql");
        expect(await e.execute(sql`select 2 as two`).then((r) => r.scalar())).toBe(2);
        expect(e.dialect.serverFlavor).toMatch(/^postgresql \d+/);
      } finally {
        await e.dispose();
      }
    });
  });

  describe("PostgreSQL error translation", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const parents = new Table("parents", md, { id: column(Integer, { primaryKey: true }), code: column(Str(10), { unique: true }) });
    const kids = new Table(
      "kids",
      md,
      {
        id: column(Integer, { primaryKey: true }),
        parentId: column(Integer, { name: "parent_id", foreignKey: foreignKey("parents.id") }),
        age: column(Integer),
      },
      (c) => [check(sql`${c.age} >= 0`, { name: "age_positive" })],
    );

    async function failure(stmt: Parameters<Engine["execute"]>[0]): Promise<unknown> {
      return db.engine.execute(stmt).then(
        () => undefined,
        (e: unknown) => e,
      );
    }

    it("constraint violations become IntegrityErrors carrying the constraint name", async () => {
      await md.createAll(db.engine);
      await db.engine.execute(insert(parents).values({ id: 1, code: "p1" }));
      expect(await failure(insert(parents).values({ id: 2, code: "p1" }))).toMatchObject({
        violation: "unique",
        constraint: "uq_parents_code",
        code: "23505",
      });
      expect(await failure(insert(kids).values({ parentId: 99, age: 1 }))).toMatchObject({
        violation: "foreignKey",
        constraint: "fk_kids_parent_id_parents",
        code: "23503",
      });
      expect(await failure(insert(kids).values({ parentId: 1, age: -1 }))).toMatchObject({
        violation: "check",
        constraint: "ck_kids_age_positive",
        code: "23514",
      });
      const nn = await failure(sql`insert into parents (id, code) values (3, null)`);
      expect(nn).toBeInstanceOf(IntegrityError);
      expect(nn).toMatchObject({ violation: "notNull", code: "23502" });
      expect((nn as Error).message).toMatch(/on column parents\.code.*\[SQL: insert into parents/);
    });

    it("other errors are DatabaseErrors with the SQLSTATE, a hint and the SQL", async () => {
      const err = await failure(sql`select * from no_such_table`);
      expect(err).toBeInstanceOf(DatabaseError);
      expect(err).not.toBeInstanceOf(IntegrityError);
      expect((err as DatabaseError).code).toBe("42P01");
      expect((err as Error).message).toMatch(
        /relation "no_such_table" does not exist \(SQLSTATE 42P01\); create the table first.*\[SQL: select \* from no_such_table\]/,
      );
    });

    it("a failed statement inside a transaction leaves it usable after rolling back to a savepoint", async () => {
      await using conn = await db.engine.connect();
      await conn.begin();
      const sp = await conn.beginNested();
      await expect(conn.execute(insert(parents).values({ id: 1, code: "dup" }))).rejects.toThrow(IntegrityError);
      await sp.rollback();
      expect(await conn.scalar(select(parents.c.code).where(parents.c.id.eq(1)))).toBe("p1");
    });
  });

  describe("PostgreSQL unreachable servers", () => {
    it("a closed port is a ConnectionError naming host:port and what to check", async () => {
      const e = createEngine("postgresql://nobody@127.0.0.1:1/none", { connectTimeoutMs: 2000 });
      try {
        const err = await e.connect().catch((x: unknown) => x);
        expect(err).toBeInstanceOf(ConnectionError);
        expect((err as Error).message).toMatch(
          /could not connect to PostgreSQL at 127\.0\.0\.1:1 .*check that the PostgreSQL server is running.*URL is right/,
        );
      } finally {
        await e.dispose();
      }
    });

    it("a missing database is a ConnectionError that says to create it", async () => {
      const e = createEngine(db.url.replace(/\/[^/?]+$/, "/athanor_no_such_db"));
      try {
        await expect(e.connect()).rejects.toThrow(/database "athanor_no_such_db" does not exist; create the database/);
      } finally {
        await e.dispose();
      }
    });
  });

  describe("PostgreSQL backends that die", () => {
    it("a backend killed mid-transaction gives ConnectionLostError (transactionLost) and the connection is discarded", async () => {
      const e = db.createEngine({ pool: { size: 2 } });
      const conn = await e.connect();
      const tx = await conn.begin();
      const pid = await conn.scalar(sql`select pg_backend_pid()`);
      expect(e.poolStatus.size).toBe(1);
      await terminate(db.engine, pid);
      const err = await conn.execute(sql`select 1`).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as ConnectionLostError).transactionLost).toBe(true);
      expect(tx.isActive).toBe(false);
      expect(e.poolStatus.size).toBe(0);
      await conn.close();
      expect(await e.execute(sql`select 3 as three`).then((r) => r.scalar())).toBe(3);
    });

    it("a backend killed while its statement runs is a lost connection too", async () => {
      const e = db.createEngine();
      const conn = await e.connect();
      await conn.begin();
      const pid = await conn.scalar(sql`select pg_backend_pid()`);
      const slow = conn.execute(sql`select pg_sleep(5)`).catch((x: unknown) => x);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await terminate(db.engine, pid);
      const err = await slow;
      expect(err).toBeInstanceOf(ConnectionLostError);
      expect((err as ConnectionLostError).transactionLost).toBe(true);
      await conn.close();
    });

    it("killing an idle pooled connection does not crash the process; pre-ping replaces it", async () => {
      const e = db.createEngine({ pool: { size: 1, prePing: true } });
      const pid = await e.execute(sql`select pg_backend_pid() as pid`).then((r) => r.scalar());
      await terminate(db.engine, pid);
      await settle();
      const again = await e.execute(sql`select pg_backend_pid() as pid`).then((r) => r.scalar());
      expect(again).not.toBe(pid);
    });

    it("without pre-ping, a connection the driver saw die is never handed out again", async () => {
      const e = db.createEngine({ pool: { size: 1 } });
      const pid = await e.execute(sql`select pg_backend_pid() as pid`).then((r) => r.scalar());
      await terminate(db.engine, pid);
      await settle();
      const again = await e.execute(sql`select pg_backend_pid() as pid`).then((r) => r.scalar());
      expect(again).not.toBe(pid);
      expect(e.poolStatus.size).toBe(1);
    });
  });
});
