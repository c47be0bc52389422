/** PostgreSQL reflection: the introspector reads back what athanor's DDL (and some hand-written DDL) created. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BigInteger,
  Boolean as Bool,
  check,
  column,
  DateOnly,
  DateTime,
  defaultNamingConvention,
  Enum,
  Float,
  ForeignKeyConstraint,
  foreignKey,
  func,
  index,
  Integer,
  Json,
  Jsonb,
  LargeBinary,
  MetaData,
  nativeType,
  Numeric,
  primaryKey,
  SmallInteger,
  sql,
  String as Str,
  Table,
  Text,
  Time,
  unique,
  Uuid,
  type Connection,
} from "athanor";
import type { ReflectedColumn, ReflectedTable } from "../../../src/engine/introspection.js";
import { reflect as reflectDatabase } from "../../../src/migrate/reflect.js";
import { compareMetadata } from "../../../src/migrate/compare/compare.js";
import { forDialect } from "../../support/dialects.js";

forDialect("postgresql", (db) => {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  const users = new Table(
    "users",
    md,
    {
      id: column(Integer, { primaryKey: true }),
      email: column(Str(120), { unique: true }),
      name: column(Str(50), { nullable: true, comment: "display name" }),
      status: column(Enum(["active", "banned", "it's odd"], { name: "user_status" }), { serverDefault: sql`'active'` }),
      createdAt: column(DateTime({ timezone: true }), { name: "created_at", serverDefault: sql`now()` }),
      seenAt: column(DateTime(), { name: "seen_at", nullable: true }),
      born: column(DateOnly(), { nullable: true }),
      wakes: column(Time(), { nullable: true }),
      ratio: column(Float, { nullable: true }),
      price: column(Numeric(10, 2), { serverDefault: sql`0` }),
      loose: column(Numeric(), { nullable: true }),
      flag: column(Bool, { serverDefault: true }),
      data: column(Json(), { nullable: true }),
      doc: column(Jsonb(), { nullable: true }),
      blob: column(LargeBinary, { nullable: true }),
      uid: column(Uuid(), { nullable: true }),
      small: column(SmallInteger, { nullable: true }),
      big: column(BigInteger, { nullable: true }),
      body: column(Text(), { nullable: true }),
      code: column(Str(10), { serverDefault: "x" }),
      anyLength: column(Str(), { name: "any_length", nullable: true }),
    },
    {
      comment: "people who sign in",
      items: (c) => [
        check(sql`${c.price} >= 0`, { name: "price_nonneg" }),
        check(sql`${c.small} between 1 and 9 or ${c.code} <> 'y'`, { name: "small_or_code" }),
        index([c.name, c.born], { name: "ix_users_name_born" }),
        index([func.lower(c.email), c.code], { name: "ix_users_lower_email", unique: true }),
        index([c.big], { name: "ix_users_big_flagged", where: sql`${c.flag} and ${c.big} > 10` }),
        unique([c.code, c.name], { name: "uq_users_code_name" }),
      ],
    },
  );
  const groups = new Table("groups", md, {
    id: column(Integer, { primaryKey: true, identity: { always: true, start: 100, increment: 5 } }),
    title: column(Text()),
  });
  const memberships = new Table(
    "memberships",
    md,
    {
      userId: column(Integer, { name: "user_id", foreignKey: foreignKey("users.id", { onDelete: "CASCADE", onUpdate: "RESTRICT" }) }),
      groupId: column(Integer, { name: "group_id", foreignKey: "groups.id" }),
      role: column(Str(20), { nullable: true }),
    },
    // Key order differs from column order on purpose.
    { items: (c) => [primaryKey([c.groupId, c.userId])] },
  );
  const grants = new Table(
    "grants",
    md,
    {
      id: column(Integer, { primaryKey: true, identity: {} }),
      groupId: column(Integer, { name: "group_id", nullable: true }),
      userId: column(Integer, { name: "user_id", nullable: true }),
      grantorId: column(Integer, {
        name: "grantor_id",
        nullable: true,
        foreignKey: foreignKey("users.id", { onDelete: "SET NULL", onUpdate: "CASCADE" }),
      }),
      fallbackId: column(Integer, {
        name: "fallback_id",
        nullable: true,
        serverDefault: 1,
        foreignKey: foreignKey("users.id", { onDelete: "SET DEFAULT", onUpdate: "NO ACTION" }),
      }),
    },
    {
      items: (c) => [
        new ForeignKeyConstraint([c.groupId, c.userId], ["memberships.group_id", "memberships.user_id"], {
          name: "fk_grants_membership",
          onDelete: "CASCADE",
        }),
      ],
    },
  );

  let conn: Connection;
  const introspector = () => db.engine.dialect.introspector;
  const reflect = async (name: string): Promise<ReflectedTable | undefined> => introspector().table(conn._driverConnection(), name);
  const col = (t: ReflectedTable | undefined, name: string): ReflectedColumn => {
    const c = t?.columns.find((x) => x.name === name);
    if (!c) throw new Error(`no column ${name}`);
    return c;
  };

  beforeAll(async () => {
    await md.createAll(db.engine);
    await db.engine.execute(sql`create sequence shared_seq`);
    await db.engine.execute(
      sql`create table legacy (id serial primary key, n integer default nextval('shared_seq'), big bigserial, "Odd Name" varchar(5), coarse numeric(5, -2))`,
    );
    await db.engine.execute(sql`create table odd (id integer, addr inet)`);
    await db.engine.execute(sql`create table nokey (id integer)`);
    await db.engine.execute(
      sql`create table measures (id integer generated by default as identity (increment by -1), n integer, twice integer generated always as (n * 2) stored)`,
    );
    await db.engine.execute(sql`create table events (at date not null, kind text, primary key (at, kind)) partition by range (at)`);
    await db.engine.execute(sql`create table events_2026 partition of events for values from ('2026-01-01') to ('2027-01-01')`);
    await db.engine.execute(sql`create domain short_text as varchar(3)`);
    await db.engine.execute(sql`create view user_view as select id from users`);
    await db.engine.execute(sql`create schema other`);
    await db.engine.execute(sql`create table other.hidden (id integer)`);
    await db.engine.execute(sql`create table other.refs (id integer primary key)`);
    await db.engine.execute(
      sql`create table crossref (ref integer constraint crossref_ref_fkey references other.refs (id) on delete restrict)`,
    );
    await db.engine.execute(sql`create type other.hidden_enum as enum ('a')`);
    await db.engine.execute(sql`create type mood as enum ('sad', 'ok', 'happy')`);
    await db.engine.execute(sql`alter type mood add value 'meh' before 'ok'`);
    conn = await db.engine.connect();
  });
  afterAll(async () => {
    await conn?.close();
  });

  it("lists the ordinary and partitioned tables of the current schema, sorted; partitions, views and other schemas are left out", async () => {
    expect(await introspector().tableNames(conn._driverConnection())).toEqual([
      "crossref",
      "events",
      "grants",
      "groups",
      "legacy",
      "measures",
      "memberships",
      "nokey",
      "odd",
      "users",
    ]);
  });

  it("reports no table for a missing name, a view or a table of another schema", async () => {
    expect(await reflect("nope")).toBeUndefined();
    expect(await reflect("user_view")).toBeUndefined();
    expect(await reflect("hidden")).toBeUndefined();
    expect(await reflect("shared_seq")).toBeUndefined();
    expect(await reflect("pk_users")).toBeUndefined();
  });

  it("reflects columns in order with their athanor types and database spellings", async () => {
    const t = await reflect("users");
    expect(t?.name).toBe("users");
    expect(t?.columns.map((c) => c.name)).toEqual(users.columnList.map((c) => c.name));
    const types = Object.fromEntries(t!.columns.map((c) => [c.name, [c.type.cacheKey, c.typeText]]));
    expect(types).toEqual({
      id: [Integer.cacheKey, "integer"],
      email: [Str(120).cacheKey, "character varying(120)"],
      name: [Str(50).cacheKey, "character varying(50)"],
      status: [Enum(["active", "banned", "it's odd"], { name: "user_status" }).cacheKey, "user_status"],
      created_at: [DateTime({ timezone: true }).cacheKey, "timestamp with time zone"],
      seen_at: [DateTime().cacheKey, "timestamp without time zone"],
      born: [DateOnly().cacheKey, "date"],
      wakes: [Time().cacheKey, "time without time zone"],
      ratio: [Float.cacheKey, "double precision"],
      price: [Numeric(10, 2).cacheKey, "numeric(10,2)"],
      loose: [Numeric().cacheKey, "numeric"],
      flag: [Bool.cacheKey, "boolean"],
      data: [Json().cacheKey, "json"],
      doc: [Jsonb().cacheKey, "jsonb"],
      blob: [LargeBinary.cacheKey, "bytea"],
      uid: [Uuid().cacheKey, "uuid"],
      small: [SmallInteger.cacheKey, "smallint"],
      big: [BigInteger.cacheKey, "bigint"],
      body: [Text().cacheKey, "text"],
      code: [Str(10).cacheKey, "character varying(10)"],
      any_length: [Str().cacheKey, "character varying"],
    });
    // The objects themselves, not only their keys.
    expect(col(t, "price").type).toMatchObject({ kind: "Numeric", precision: 10, scale: 2 });
    expect(col(t, "email").type).toMatchObject({ kind: "String", length: 120 });
    expect(col(t, "any_length").type).toMatchObject({ kind: "String", length: undefined });
    expect(col(t, "created_at").type).toMatchObject({ kind: "DateTime", timezone: true });
    expect(col(t, "seen_at").type).toMatchObject({ kind: "DateTime", timezone: false });
    expect(col(t, "status").type).toMatchObject({ kind: "Enum", name: "user_status", values: ["active", "banned", "it's odd"] });
  });

  it("reflects nullability, server defaults as SQL text and comments", async () => {
    const t = await reflect("users");
    expect(t?.comment).toBe("people who sign in");
    expect(t!.columns.filter((c) => !c.nullable).map((c) => c.name)).toEqual([
      "id",
      "email",
      "status",
      "created_at",
      "price",
      "flag",
      "code",
    ]);
    expect(Object.fromEntries(t!.columns.filter((c) => c.default !== undefined).map((c) => [c.name, c.default]))).toEqual({
      status: "'active'::user_status",
      created_at: "now()",
      price: "0",
      flag: "true",
      code: "'x'::character varying",
    });
    expect(col(t, "name").comment).toBe("display name");
    expect(col(t, "email").comment).toBeUndefined();
    expect((await reflect("groups"))?.comment).toBeUndefined();
  });

  it("reports identity columns as autoincrement with their non-default settings", async () => {
    const u = await reflect("users");
    expect(col(u, "id")).toMatchObject({ autoincrement: true, identity: { always: false }, default: undefined });
    expect(col(u, "id").identity).toEqual({ always: false });
    expect(col(u, "email").autoincrement).toBe(false);
    expect(col(u, "email").identity).toBeUndefined();
    const g = await reflect("groups");
    expect(col(g, "id")).toMatchObject({ autoincrement: true, default: undefined, nullable: false });
    expect(col(g, "id").identity).toEqual({ always: true, start: 100, increment: 5 });
    expect(groups.c.id.spec.identity).toEqual({ always: true, start: 100, increment: 5 });
  });

  it("reports SERIAL columns as autoincrement without a default; a shared sequence stays a default", async () => {
    const t = await reflect("legacy");
    expect(col(t, "id")).toMatchObject({ type: Integer, typeText: "integer", autoincrement: true, default: undefined, nullable: false });
    expect(col(t, "id").identity).toBeUndefined();
    expect(col(t, "big")).toMatchObject({ type: BigInteger, autoincrement: true, default: undefined });
    expect(col(t, "n")).toMatchObject({ autoincrement: false, default: "nextval('shared_seq'::regclass)", nullable: true });
    expect(col(t, "Odd Name").type).toMatchObject({ kind: "String", length: 5 });
    expect(col(t, "coarse").type).toMatchObject({ kind: "Numeric", precision: 5, scale: -2 });
    expect(t?.primaryKey).toEqual({ name: "legacy_pkey", columns: ["id"] });
  });

  it("keeps the spelling of a type athanor has no class for", async () => {
    const t = await reflect("odd");
    expect(col(t, "addr").type).toMatchObject({ kind: "Native", spelling: "inet" });
  });

  it("gives char(n), arrays, domains, intervals and time with time zone their own spelling rather than guessing", async () => {
    const raw = conn._driverConnection();
    for (const [type, shown] of [
      ["char(3)", "character(3)"],
      ["integer[]", "integer[]"],
      ["short_text", "short_text"],
      ["interval", "interval"],
      ["timetz", "time with time zone"],
    ] as const) {
      await raw.execute(`create table weird (id integer, x ${type})`, [], {});
      try {
        const t = await reflect("weird");
        expect(col(t, "x").type, type).toMatchObject({ kind: "Native", spelling: shown });
        expect(col(t, "x").typeText).toBe(shown);
      } finally {
        await raw.execute("drop table weird", [], {});
      }
    }
  });

  it("reflects a descending identity without its default start, a generated column without a default", async () => {
    const t = await reflect("measures");
    expect(col(t, "id").identity).toEqual({ always: false, increment: -1 });
    expect(col(t, "twice")).toMatchObject({ type: Integer, default: undefined, autoincrement: false, nullable: true });
  });

  it("reflects partitioned tables and foreign keys into other schemas", async () => {
    const p = await reflect("events");
    expect(p?.columns.map((c) => [c.name, c.type.cacheKey, c.nullable])).toEqual([
      ["at", DateOnly().cacheKey, false],
      ["kind", Text().cacheKey, false],
    ]);
    expect(p?.primaryKey).toEqual({ name: "events_pkey", columns: ["at", "kind"] });
    expect((await reflect("crossref"))?.foreignKeys).toEqual([
      {
        name: "crossref_ref_fkey",
        columns: ["ref"],
        referredTable: "other.refs",
        referredColumns: ["id"],
        onDelete: "RESTRICT",
        onUpdate: undefined,
      },
    ]);
  });

  it("reflects primary keys in key order", async () => {
    expect((await reflect("users"))?.primaryKey).toEqual({ name: "pk_users", columns: ["id"] });
    expect((await reflect("memberships"))?.primaryKey).toEqual({ name: "pk_memberships", columns: ["group_id", "user_id"] });
    expect(memberships.c.userId.name).toBe("user_id");
    expect((await reflect("nokey"))?.primaryKey).toBeUndefined();
  });

  it("reflects foreign keys with referred columns in order and their actions (NO ACTION reads as undefined)", async () => {
    const m = await reflect("memberships");
    expect(m?.foreignKeys).toEqual([
      {
        name: "fk_memberships_group_id_groups",
        columns: ["group_id"],
        referredTable: "groups",
        referredColumns: ["id"],
        onDelete: undefined,
        onUpdate: undefined,
      },
      {
        name: "fk_memberships_user_id_users",
        columns: ["user_id"],
        referredTable: "users",
        referredColumns: ["id"],
        onDelete: "CASCADE",
        onUpdate: "RESTRICT",
      },
    ]);
    const g = await reflect("grants");
    expect(g?.foreignKeys).toEqual([
      {
        name: "fk_grants_fallback_id_users",
        columns: ["fallback_id"],
        referredTable: "users",
        referredColumns: ["id"],
        onDelete: "SET DEFAULT",
        onUpdate: undefined,
      },
      {
        name: "fk_grants_grantor_id_users",
        columns: ["grantor_id"],
        referredTable: "users",
        referredColumns: ["id"],
        onDelete: "SET NULL",
        onUpdate: "CASCADE",
      },
      {
        name: "fk_grants_membership",
        columns: ["group_id", "user_id"],
        referredTable: "memberships",
        referredColumns: ["group_id", "user_id"],
        onDelete: "CASCADE",
        onUpdate: undefined,
      },
    ]);
    expect(grants.name).toBe("grants");
    expect((await reflect("users"))?.foreignKeys).toEqual([]);
  });

  it("reflects unique constraints apart from indexes", async () => {
    const t = await reflect("users");
    expect(t?.uniques).toEqual([
      { name: "uq_users_code_name", columns: ["code", "name"] },
      { name: "uq_users_email", columns: ["email"] },
    ]);
    expect((await reflect("groups"))?.uniques).toEqual([]);
  });

  it("reflects composite, expression, unique and partial indexes, leaving out those of constraints", async () => {
    const t = await reflect("users");
    expect(t?.indexes).toEqual([
      { name: "ix_users_big_flagged", items: ["big"], unique: false, where: "flag AND big > 10" },
      { name: "ix_users_lower_email", items: [{ expression: "lower(email::text)" }, "code"], unique: true },
      { name: "ix_users_name_born", items: ["name", "born"], unique: false },
    ]);
    expect(t?.indexes[1]).not.toHaveProperty("where");
    expect((await reflect("memberships"))?.indexes).toEqual([]);
  });

  it("reflects named CHECK constraints as bare conditions", async () => {
    const t = await reflect("users");
    expect(t?.checks).toEqual([
      { name: "ck_users_price_nonneg", sql: "price >= 0::numeric" },
      { name: "ck_users_small_or_code", sql: "small >= 1 AND small <= 9 OR code::text <> 'y'::text" },
    ]);
    expect((await reflect("groups"))?.checks).toEqual([]);
  });

  it("lists the enum types of the current schema with values in their sort order", async () => {
    expect(await introspector().enums(conn._driverConnection())).toEqual([
      { name: "mood", values: ["sad", "meh", "ok", "happy"] },
      { name: "user_status", values: ["active", "banned", "it's odd"] },
    ]);
  });
});

describe("checkCondition", () => {
  it("strips CHECK ( … ) and trailing options, keeping parentheses and quotes inside", async () => {
    const { checkCondition } = await import("../../../src/dialects/postgres/postgres-introspector.js");
    expect(checkCondition("CHECK (a > 0)")).toBe("a > 0");
    expect(checkCondition("CHECK ((a > 0) OR (b = ')'::text)) NOT VALID")).toBe("(a > 0) OR (b = ')'::text)");
    expect(checkCondition("CHECK (a > 0) NO INHERIT")).toBe("a > 0");
  });
});

forDialect("postgresql", (db) => {
  it("a nativeType column compares equal to its reflection (autogenerate sees no change)", async () => {
    const md = new MetaData();
    new Table("native_cols", md, { id: column(Integer, { primaryKey: true }), addr: column(nativeType("inet"), { nullable: true }) });
    await md.createAll(db.engine);
    const r = await reflectDatabase(db.engine, { only: ["native_cols"] });
    expect(r.tables.get("native_cols")!.columns[1]!.type).toMatchObject({ kind: "Native", spelling: "inet" });
    expect(compareMetadata(md, r, db.engine.dialect)).toEqual([]);
    await db.engine.execute(sql`insert into native_cols (id, addr) values (1, '10.0.0.1')`);
    expect((await db.engine.execute(sql`select addr from native_cols`)).rows[0]).toEqual({ addr: "10.0.0.1" });
  });
});
