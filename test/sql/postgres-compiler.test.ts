/** Exact SQL of the PostgreSQL compiler and DDL compiler, without a database. */
import { describe, expect, it } from "vitest";
import {
  BigInteger,
  Boolean,
  column,
  CompileError,
  DateTime,
  defaultNamingConvention,
  Enum,
  Float,
  func,
  index,
  Integer,
  Json,
  Jsonb,
  LargeBinary,
  literal,
  MetaData,
  Numeric,
  select,
  String,
  Table,
  Text,
  Time,
  DateOnly,
  Uuid,
  bindParam,
  sql,
  type Executable,
} from "athanor";
import { insert, PostgresDialect } from "athanor/dialects/postgres";
import { parseUrl } from "../../src/engine/url.js";
import { compile as compileFor, ddl as ddlFor } from "../support/compile.js";

function pg(): PostgresDialect {
  return new PostgresDialect(parseUrl("postgresql://x/y"));
}

/** SQL text and the raw value behind each placeholder. */
function compile(stmt: Executable<any, any> | ReturnType<typeof sql>): { sql: string; params: unknown[] } {
  return compileFor(stmt, pg());
}

function ddl(table: Table<string, any>): string[] {
  return ddlFor([table], pg());
}

const md = new MetaData({ namingConvention: defaultNamingConvention });
const docs = new Table("docs", md, {
  id: column(Integer, { primaryKey: true }),
  title: column(String(200)),
  body: column(Jsonb<Record<string, unknown>>()),
  status: column(Enum(["draft", "published"], { name: "doc_status" }), { default: "draft" }),
  owner: column(Integer, { nullable: true }),
});

describe("PostgreSQL parameters", () => {
  it("numbers placeholders $1, $2 … in order of appearance", () => {
    expect(compile(select(docs.c.id).where(docs.c.title.eq("a"), docs.c.owner.gt(3)).limit(5).offset(10))).toEqual({
      sql: 'SELECT "docs"."id" FROM "docs" WHERE "docs"."title" = $1 AND "docs"."owner" > $2 LIMIT $3 OFFSET $4',
      params: ["a", 3, 5, 10],
    });
  });

  it("numbers raw sql`` values too", () => {
    expect(compile(sql`select * from ${docs} where ${docs.c.id} = ${1} or ${docs.c.id} = ${2}`)).toEqual({
      sql: 'select * from "docs" where "docs"."id" = $1 or "docs"."id" = $2',
      params: [1, 2],
    });
  });

  it("casts typed parameters that nothing else types: both sides of an operator, IS NULL, bare select items", () => {
    expect(compile(select(literal(5, Integer).add(2))).sql).toBe("SELECT CAST($1 AS INTEGER) + CAST($2 AS INTEGER)");
    expect(compile(select(docs.c.id).where(bindParam("owner", Integer).isNull())).sql).toBe(
      'SELECT "docs"."id" FROM "docs" WHERE CAST($1 AS INTEGER) IS NULL',
    );
    expect(compile(select(literal("abc", String(2)).as("s"), literal("1.005", Numeric(5, 2)).as("n"))).sql).toBe(
      'SELECT CAST($1 AS TEXT) AS "s", CAST($2 AS NUMERIC) AS "n"',
    );
    // A parameter next to a column takes the column's type: no cast.
    expect(compile(select(docs.c.id).where(docs.c.owner.add(1).eq(3))).sql).toBe(
      'SELECT "docs"."id" FROM "docs" WHERE "docs"."owner" + $1 = $2',
    );
  });
});

describe("PostgreSQL JSON paths", () => {
  it("chains -> per key, binding each key as its own parameter", () => {
    expect(compile(select(docs.c.body.get("a", "b")))).toEqual({
      sql: 'SELECT (("docs"."body" -> $1) -> $2) FROM "docs"',
      params: ["a", "b"],
    });
  });

  it("uses ->> for the last key of a text access and casts integer keys", () => {
    expect(compile(select(docs.c.id).where(docs.c.body.getText("tags", 0).eq("x")))).toEqual({
      sql: 'SELECT "docs"."id" FROM "docs" WHERE (("docs"."body" -> $1) ->> CAST($2 AS INTEGER)) = $3',
      params: ["tags", 0, "x"],
    });
  });

  it("never puts keys into the SQL text, whatever they contain", () => {
    const evil = "'); DROP TABLE docs; --";
    const r = compile(select(docs.c.body.getText(evil)));
    expect(r.sql).toBe('SELECT ("docs"."body" ->> $1) FROM "docs"');
    expect(r.params).toEqual([evil]);
  });

  it("renders keys as literals inside index expressions", () => {
    const t = new Table("events", new MetaData(), { id: column(Integer, { primaryKey: true }), data: column(Jsonb) }, (c) => [
      index([c.data.getText("kind", 0)], { name: "ix_events_kind" }),
    ]);
    expect(ddl(t).at(-1)).toBe(`CREATE INDEX "ix_events_kind" ON "events" (((("data" -> 'kind') ->> CAST(0 AS INTEGER))))`);
  });
});

describe("PostgreSQL-only clauses", () => {
  it("ILIKE for case-insensitive matching", () => {
    expect(compile(select(docs.c.id).where(docs.c.title.ilike("%a%"), docs.c.title.notIlike("b%"))).sql).toBe(
      'SELECT "docs"."id" FROM "docs" WHERE "docs"."title" ILIKE $1 AND "docs"."title" NOT ILIKE $2',
    );
  });

  it("DISTINCT ON", () => {
    expect(compile(select(docs.c.owner, docs.c.title).distinctOn(docs.c.owner).orderBy(docs.c.owner, docs.c.id.desc())).sql).toBe(
      'SELECT DISTINCT ON ("docs"."owner") "docs"."owner", "docs"."title" FROM "docs" ORDER BY "docs"."owner", "docs"."id" DESC',
    );
  });

  it("MATERIALIZED and NOT MATERIALIZED CTEs", () => {
    const m = select(docs.c.id).cte("m", { materialized: true });
    const n = select(docs.c.id).cte("n", { materialized: false });
    expect(compile(select({ m: m.c.id, n: n.c.id }).from(m).join(n, m.c.id.eq(n.c.id))).sql).toBe(
      'WITH "m" AS MATERIALIZED (SELECT "docs"."id" FROM "docs"), "n" AS NOT MATERIALIZED (SELECT "docs"."id" FROM "docs") SELECT "m"."id" AS "m", "n"."id" AS "n" FROM "m" JOIN "n" ON "m"."id" = "n"."id"',
    );
  });

  it("FOR UPDATE OF names tables without their schema; SKIP LOCKED and NOWAIT", () => {
    const jobs = new Table("jobs", new MetaData({ schema: "queue" }), { id: column(Integer, { primaryKey: true }), done: column(Boolean) });
    expect(
      compile(
        select(jobs.c.id)
          .where(jobs.c.done.eq(false))
          .limit(1)
          .forUpdate({ skipLocked: true, of: [jobs] }),
      ).sql,
    ).toBe('SELECT "queue"."jobs"."id" FROM "queue"."jobs" WHERE "queue"."jobs"."done" = $1 LIMIT $2 FOR UPDATE OF "jobs" SKIP LOCKED');
    expect(compile(select(jobs.c.id).forShare({ key: true, nowait: true })).sql).toBe(
      'SELECT "queue"."jobs"."id" FROM "queue"."jobs" FOR KEY SHARE NOWAIT',
    );
  });

  it("ON CONFLICT with columns, a named constraint, DO NOTHING", () => {
    const ins = insert(docs).values({ id: 1, title: "t", body: {} });
    expect(compile(ins.onConflictDoUpdate({ target: docs.c.id, set: { title: ins.excluded.title } })).sql).toBe(
      'INSERT INTO "docs" ("id", "title", "body", "status") VALUES ($1, $2, $3, $4) ON CONFLICT ("id") DO UPDATE SET "title" = "excluded"."title"',
    );
    expect(compile(ins.onConflictDoNothing({ target: { constraint: "pk_docs" } })).sql).toMatch(
      / ON CONFLICT ON CONSTRAINT "pk_docs" DO NOTHING$/,
    );
  });

  it("keeps function names as written", () => {
    expect(compile(select(func.now(), func.count(), func.length(docs.c.title))).sql).toBe(
      'SELECT now(), count(*), length("docs"."title") FROM "docs"',
    );
  });

  it("casts to PostgreSQL type names; a named enum casts to its native type", () => {
    expect(compile(select(docs.c.title.cast(Text), docs.c.id.cast(BigInteger), docs.c.owner.cast(Uuid))).sql).toBe(
      'SELECT CAST("docs"."title" AS TEXT), CAST("docs"."id" AS BIGINT), CAST("docs"."owner" AS UUID) FROM "docs"',
    );
    expect(compile(select(docs.c.title.cast(Enum(["a"], { name: "kind" })))).sql).toBe('SELECT CAST("docs"."title" AS "kind") FROM "docs"');
  });
});

describe("PostgreSQL DDL", () => {
  it("spells every type natively and creates the enum type first", () => {
    const t = new Table("all_types", new MetaData(), {
      id: column(Integer, { primaryKey: true }),
      small: column(Integer),
      big: column(BigInteger),
      name: column(String(20)),
      body: column(Text),
      flag: column(Boolean),
      amount: column(Numeric(12, 3)),
      ratio: column(Float),
      day: column(DateOnly),
      at: column(DateTime),
      atTz: column(DateTime({ timezone: true }), { name: "at_tz" }),
      clock: column(Time),
      doc: column(Json),
      docb: column(Jsonb),
      uid: column(Uuid),
      mood: column(Enum(["sad", "ok", "it's fine"])),
      blob: column(LargeBinary),
    });
    expect(ddl(t)).toEqual([
      `CREATE TYPE "all_types_mood" AS ENUM ('sad', 'ok', 'it''s fine')`,
      [
        'CREATE TABLE "all_types" (',
        '\t"id" INTEGER NOT NULL GENERATED BY DEFAULT AS IDENTITY,',
        '\t"small" INTEGER NOT NULL,',
        '\t"big" BIGINT NOT NULL,',
        '\t"name" VARCHAR(20) NOT NULL,',
        '\t"body" TEXT NOT NULL,',
        '\t"flag" BOOLEAN NOT NULL,',
        '\t"amount" NUMERIC(12, 3) NOT NULL,',
        '\t"ratio" DOUBLE PRECISION NOT NULL,',
        '\t"day" DATE NOT NULL,',
        '\t"at" TIMESTAMP WITHOUT TIME ZONE NOT NULL,',
        '\t"at_tz" TIMESTAMP WITH TIME ZONE NOT NULL,',
        '\t"clock" TIME NOT NULL,',
        '\t"doc" JSON NOT NULL,',
        '\t"docb" JSONB NOT NULL,',
        '\t"uid" UUID NOT NULL,',
        '\t"mood" "all_types_mood" NOT NULL,',
        '\t"blob" BYTEA NOT NULL,',
        '\tPRIMARY KEY ("id")',
        ")",
      ].join("\n"),
    ]);
  });

  it("identity options: ALWAYS, START WITH, INCREMENT BY", () => {
    const t = new Table("tickets", new MetaData(), {
      id: column(BigInteger, { primaryKey: true, identity: { always: true, start: 1000, increment: 10 } }),
    });
    expect(ddl(t)[0]).toContain('"id" BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10)');
    const bad = new Table("bad", new MetaData(), { id: column(Integer, { primaryKey: true, identity: { increment: 0 } }) });
    expect(() => ddl(bad)).toThrow(/identity increment cannot be 0/);
  });

  it("comments become COMMENT ON statements after CREATE TABLE", () => {
    const t = new Table(
      "notes",
      new MetaData({ schema: "app" }),
      { id: column(Integer, { primaryKey: true, comment: "the key's value" }) },
      { comment: "Notes" },
    );
    expect(ddl(t).slice(1)).toEqual([
      `COMMENT ON TABLE "app"."notes" IS 'Notes'`,
      `COMMENT ON COLUMN "app"."notes"."id" IS 'the key''s value'`,
    ]);
  });

  it("enum types live in the table's schema; postDrop drops those no remaining table uses", () => {
    const m = new MetaData({ schema: "app" });
    const kind = Enum(["a", "b"], { name: "kind" });
    const a = new Table("a", m, { id: column(Integer, { primaryKey: true }), k: column(kind) });
    const b = new Table("b", m, { id: column(Integer, { primaryKey: true }), k: column(kind), k2: column(kind, { nullable: true }) });
    const c = pg().createDdlCompiler();
    expect(c.preCreate(b)).toEqual([`CREATE TYPE "app"."kind" AS ENUM ('a', 'b')`]);
    expect(c.createTable(a)[0]).toContain('"k" "app"."kind" NOT NULL');
    expect(c.postDrop(a, [b])).toEqual([]);
    expect(c.postDrop(b, [])).toEqual(['DROP TYPE IF EXISTS "app"."kind"']);
  });

  it("drops indexes with their table's schema", () => {
    const t = new Table("t", new MetaData({ schema: "app", namingConvention: defaultNamingConvention }), {
      id: column(Integer, { primaryKey: true }),
      v: column(Integer, { index: true }),
    });
    const c = pg().createDdlCompiler();
    expect(c.dropIndex(t.indexes[0]!)).toBe('DROP INDEX "app"."ix_t_v"');
  });

  it("renders binary server defaults as bytea, not bit strings", () => {
    const t = new Table("bin", new MetaData(), {
      id: column(Integer, { primaryKey: true }),
      b: column(LargeBinary, { serverDefault: sql`${literal(Buffer.from([0, 255]), LargeBinary)}` }),
    });
    expect(ddl(t)[0]).toContain(`"b" BYTEA DEFAULT ('\\x00ff'::bytea) NOT NULL`);
  });

  it("refuses identifiers longer than 63 bytes", () => {
    const t = new Table("x".repeat(64), new MetaData(), { id: column(Integer, { primaryKey: true }) });
    expect(() => ddl(t)).toThrow(CompileError);
  });
});
