/** Type-level tests: inference of the public migration API (`athanor/migrate`). Checked by `tsc` (npm test runs it first). */
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";
import {
  AthanorError,
  Boolean,
  check,
  column,
  createEngine,
  DateTime,
  declarativeBase,
  index,
  Integer,
  Json,
  MetaData,
  sql,
  String,
  Table,
  update,
  type Column,
  type Connection,
} from "athanor";
import {
  defineConfig,
  defineRevision,
  describeOp,
  GENERATED_END,
  GENERATED_START,
  invertOps,
  MigrationCheckError,
  MigrationError,
  MigrationLockError,
  Migrator,
  Operations,
  renderRevision,
  reviewLines,
  RevisionError,
  type AthanorConfig,
  type ConstraintKind,
  type CurrentRevision,
  type Direction,
  type HasMetaData,
  type MetadataSource,
  type MigrationOp,
  type MigrationReporter,
  type MigratorOptions,
  type NewRevision,
  type PlannedStep,
  type RenderRevisionOptions,
  type Revision,
  type RevisionDefinition,
  type RunOptions,
  type RunResult,
  type StepResult,
} from "athanor/migrate";

const engine = createEngine("sqlite://:memory:");
const newOp = () => new Operations(engine.dialect);
afterAll(() => engine.dispose());

describe("defineRevision", () => {
  it("gives upgrade and downgrade an Operations without an annotation", () => {
    const rev = defineRevision({
      id: "a1b2c3d4e5f6",
      revises: null,
      message: "create users",
      upgrade(op) {
        expectTypeOf(op).toEqualTypeOf<Operations>();
        op.createTable("users", { id: column(Integer, { primaryKey: true }) });
      },
      downgrade: (op) => {
        expectTypeOf(op).toEqualTypeOf<Operations>();
        op.dropTable("users");
      },
    });
    expectTypeOf(rev).toEqualTypeOf<RevisionDefinition>();
    expectTypeOf(rev.upgrade).parameter(0).toEqualTypeOf<Operations>();
    expectTypeOf(rev.upgrade).returns.toEqualTypeOf<void | Promise<void>>();
    const op = newOp();
    void rev.upgrade(op);
    expect(op.recorded.length).toBe(1);
    expect(op.recorded[0]!.kind).toBe("createTable");
  });

  it("accepts void or async upgrade and downgrade", () => {
    const rev = defineRevision({
      id: "b1",
      revises: "a1b2c3d4e5f6",
      message: "async",
      async upgrade(op) {
        op.execute("UPDATE users SET id = id");
      },
      downgrade: async () => {},
    });
    expectTypeOf(rev.revises).toEqualTypeOf<string | readonly string[] | null>();
    expect(rev.revises).toBe("a1b2c3d4e5f6");
  });

  it("accepts null, one id, or several ids (a merge) as revises", () => {
    const base = { message: "m", upgrade() {}, downgrade() {} };
    const first = defineRevision({ ...base, id: "r1", revises: null });
    const next = defineRevision({ ...base, id: "r2", revises: "r1" });
    const merge = defineRevision({
      ...base,
      id: "r3",
      revises: ["r1", "r2"],
      dependsOn: ["r0"],
      branchLabels: ["feature"],
    });
    const parents: readonly string[] = ["r1", "r2"];
    const fromReadonly = defineRevision({ ...base, id: "r4", revises: parents });
    expect([first.revises, next.revises, merge.revises, fromReadonly.revises]).toEqual([null, "r1", ["r1", "r2"], ["r1", "r2"]]);
  });

  it("rejects a wrong shape", () => {
    // Type-checked, never run: each call must fail to compile.
    const rejected = () => {
      // @ts-expect-error revises is not a number
      defineRevision({ id: "x", revises: 1, message: "m", upgrade() {}, downgrade() {} });
      // @ts-expect-error downgrade is required
      defineRevision({ id: "x", revises: null, message: "m", upgrade() {} });
      // @ts-expect-error message is required
      defineRevision({ id: "x", revises: null, upgrade() {}, downgrade() {} });
      // @ts-expect-error upgrade returns void or a promise of void, not a value
      defineRevision({ id: "x", revises: null, message: "m", upgrade: () => 1, downgrade() {} });
      // @ts-expect-error the parameter is an Operations, not a Connection
      defineRevision({ id: "x", revises: null, message: "m", upgrade: (conn: Connection) => void conn, downgrade() {} });
      // @ts-expect-error branchLabels are strings
      defineRevision({ id: "x", revises: null, message: "m", branchLabels: [1], upgrade() {}, downgrade() {} });
      // @ts-expect-error unknown key
      defineRevision({ id: "x", revises: null, message: "m", upgrade() {}, downgrade() {}, down_revision: "y" });
    };
    expect(typeof rejected).toBe("function");
    expect(() => defineRevision({ id: "x", revises: 1 } as never)).toThrow(/revises/);
  });
});

describe("Operations", () => {
  it("types the table createTable returns", () => {
    const op = newOp();
    const roles = op.createTable("roles", {
      id: column(Integer, { primaryKey: true }),
      name: column(String(50), { unique: true }),
      note: column(String(200), { nullable: true }),
      active: column(Boolean, { default: true }),
      createdAt: column(DateTime, { nullable: true }),
      perms: column(Json<string[]>(), { nullable: true }),
    });
    expectTypeOf(roles).toExtend<Table>();
    expectTypeOf(roles.c.id).toEqualTypeOf<Column<"id", number, true>>();
    expectTypeOf(roles.c.name).toEqualTypeOf<Column<"name", string, false>>();
    expectTypeOf(roles.c.id.__ts).toEqualTypeOf<number>();
    expectTypeOf(roles.c.name.__ts).toEqualTypeOf<string>();
    expectTypeOf(roles.c.note.__ts).toEqualTypeOf<string | null>();
    expectTypeOf(roles.c.active.__ts).toEqualTypeOf<boolean>();
    expectTypeOf(roles.c.createdAt.__ts).toEqualTypeOf<Date | null>();
    expectTypeOf(roles.c.perms.__ts).toEqualTypeOf<string[] | null>();
    expectTypeOf(roles.c).not.toHaveProperty("missing");
    op.bulkInsert(roles, [
      { id: 1, name: "admin", perms: ["all"] },
      { id: 2, name: "user", note: null },
    ]);
    op.bulkInsert("roles", [{ id: 3, name: "guest" }]);
    expect(roles.c.name.key).toBe("name");
    expect(op.recorded.map((o) => o.kind)).toEqual(["createTable", "bulkInsert", "bulkInsert"]);
    const rejected = () => {
      // @ts-expect-error no such column
      void roles.c.missing;
      // @ts-expect-error rows are objects
      op.bulkInsert(roles, [1]);
      // @ts-expect-error rows are a list
      op.bulkInsert(roles, { id: 1 });
    };
    expect(typeof rejected).toBe("function");
  });

  it("types the columns the items callback receives", () => {
    const op = newOp();
    const posts = op.createTable(
      "posts",
      {
        id: column(Integer, { primaryKey: true }),
        title: column(String(200)),
        price: column(Integer, { nullable: true }),
      },
      (c) => {
        expectTypeOf(c.title).toEqualTypeOf<Column<"title", string, false>>();
        expectTypeOf(c.price.__ts).toEqualTypeOf<number | null>();
        // @ts-expect-error no such column
        void c.body;
        return [index([c.title], { name: "ix_posts_title" }), check(c.price.gt(0), { name: "ck_posts_price" })];
      },
    );
    const tags = op.createTable(
      "tags",
      { id: column(Integer, { primaryKey: true }), label: column(String(30)) },
      {
        comment: "tags",
        items: (c) => {
          expectTypeOf(c.label.__ts).toEqualTypeOf<string>();
          return [index([c.label], { unique: true })];
        },
      },
    );
    expect(posts.indexes.length + tags.indexes.length).toBe(2);
    expect(op.recorded.length).toBe(2);
    const rejected = () => {
      // @ts-expect-error items are constraints and indexes
      op.createTable("bad", { id: column(Integer, { primaryKey: true }) }, () => ["id"]);
      // @ts-expect-error columns are column() definitions
      op.createTable("bad", { id: Integer });
      // @ts-expect-error unknown table option
      op.createTable("bad", { id: column(Integer, { primaryKey: true }) }, { engine: "InnoDB" });
    };
    expect(typeof rejected).toBe("function");
  });

  it("checks alterColumn options", () => {
    const op = newOp();
    op.alterColumn("users", "name", { type: String(200), existingNullable: false });
    op.alterColumn("users", "name", { nullable: true, serverDefault: sql`'x'`, comment: null });
    op.alterColumn("users", "age", { serverDefault: 0, existingType: Integer });
    op.alterColumn("users", "age", { serverDefault: null });
    expect(op.recorded.length).toBe(4);
    const rejected = () => {
      // @ts-expect-error unknown option
      op.alterColumn("users", "name", { nullable: true, default: "x" });
      // @ts-expect-error nullable is a boolean
      op.alterColumn("users", "name", { nullable: "yes" });
      // @ts-expect-error a server default is a value or sql``, not an object
      op.alterColumn("users", "name", { serverDefault: { now: true } });
      // @ts-expect-error the change is an object
      op.alterColumn("users", "name", true);
    };
    expect(typeof rejected).toBe("function");
  });

  it("accepts only the known constraint kinds in dropConstraint", () => {
    expectTypeOf<ConstraintKind>().toEqualTypeOf<"foreignKey" | "unique" | "check">();
    expectTypeOf<Operations["dropConstraint"]>().parameter(2).toEqualTypeOf<ConstraintKind>();
    const op = newOp();
    op.dropConstraint("fk_posts_author", "posts", "foreignKey");
    op.dropConstraint("uq_users_email", "users", "unique");
    op.dropConstraint("ck_price", "items", "check");
    op.dropConstraint(null, "users", "unique", { columns: ["email"] });
    expect(op.recorded.length).toBe(4);
    const rejected = () => {
      // @ts-expect-error not a constraint kind
      op.dropConstraint("pk_users", "users", "primaryKey");
      // @ts-expect-error the kind is required
      op.dropConstraint("uq_users_email", "users");
      // @ts-expect-error unknown option
      op.dropConstraint(null, "users", "unique", { cols: ["email"] });
    };
    expect(typeof rejected).toBe("function");
  });

  it("executes text, sql`` fragments and Core statements", () => {
    const op = newOp();
    const users = new Table("exec_users", new MetaData(), {
      id: column(Integer, { primaryKey: true }),
      active: column(Boolean, { nullable: true }),
    });
    op.execute("UPDATE users SET active = 1");
    op.execute(sql`UPDATE users SET active = ${1}`);
    op.execute(update(users).set({ active: true }).where(users.c.active.isNull()));
    expect(op.recorded.length).toBe(3);
    expectTypeOf(op.execute).returns.toEqualTypeOf<void>();
    const rejected = () => {
      // @ts-expect-error not SQL
      op.execute(42);
      // @ts-expect-error not a statement
      op.execute({ sql: "SELECT 1" });
    };
    expect(typeof rejected).toBe("function");
  });

  it("gives op.run a Connection", () => {
    const op = newOp();
    op.run(async (conn) => {
      expectTypeOf(conn).toEqualTypeOf<Connection>();
      await conn.execute(sql`SELECT 1`);
    });
    expect(op.recorded.length).toBe(1);
    expect(op.recorded[0]!.kind).toBe("run");
    const rejected = () => {
      // @ts-expect-error the function is async (returns a promise)
      op.run((conn: Connection) => void conn);
    };
    expect(typeof rejected).toBe("function");
  });

  it("types the recorded operations", () => {
    const op = newOp();
    op.addColumn("users", "nickname", column(String(50), { nullable: true }));
    op.createIndex("ix_users_nickname", "users", ["nickname"], { unique: true, where: "nickname IS NOT NULL" });
    op.createForeignKey("fk_posts_author", "posts", "users", ["author_id"], ["id"], { onDelete: "CASCADE" });
    expectTypeOf(op.recorded).toEqualTypeOf<readonly MigrationOp[]>();
    const kinds = op.recorded.map((o) => o.kind);
    expectTypeOf(kinds).toEqualTypeOf<MigrationOp["kind"][]>();
    expect(kinds).toEqual(["addColumn", "createIndex", "addConstraint"]);
    const rejected = () => {
      // @ts-expect-error the definition is a column(), not a type
      op.addColumn("users", "nickname", String(50));
      // @ts-expect-error unknown index option
      op.createIndex("ix", "users", ["a"], { concurrently: true });
      // @ts-expect-error the name is the first argument
      op.createForeignKey("fk", "posts", "users", ["author_id"], ["id"], { name: "fk" });
      // @ts-expect-error recorded operations are read-only
      op.recorded.push(op.recorded[0]!);
    };
    expect(typeof rejected).toBe("function");
  });
});

describe("Migrator", () => {
  it("requires engine and directory", () => {
    const m = new Migrator({ engine, directory: "migrations" });
    const full: MigratorOptions = {
      engine,
      directory: "migrations",
      metadata: new MetaData(),
      fileTemplate: "%(rev)s_%(slug)s",
      versionTable: "athanor_version",
      lockTimeoutMs: 5_000,
      compare: { include: (obj) => obj.name !== "legacy" },
      reporter: {},
    };
    expect(new Migrator(full)).toBeInstanceOf(Migrator);
    expect(m).toBeInstanceOf(Migrator);
    const rejected = () => {
      // @ts-expect-error engine is required
      new Migrator({ directory: "migrations" });
      // @ts-expect-error directory is required
      new Migrator({ engine });
      // @ts-expect-error the engine is an Engine, not a URL
      new Migrator({ engine: "sqlite://:memory:", directory: "migrations" });
      // @ts-expect-error unknown option
      new Migrator({ engine, directory: "migrations", dir: "x" });
    };
    expect(typeof rejected).toBe("function");
    expect(() => new Migrator({ engine, directory: "" })).toThrow(/directory/);
  });

  it("types what the methods resolve to", () => {
    const m = new Migrator({ engine, directory: "migrations" });
    expectTypeOf(m.upgrade).returns.toEqualTypeOf<Promise<RunResult>>();
    expectTypeOf(m.upgrade).parameters.toEqualTypeOf<[target?: string, options?: RunOptions]>();
    expectTypeOf<RunOptions>().toEqualTypeOf<{ readonly sql?: boolean; readonly from?: string }>();
    expectTypeOf(m.downgrade).returns.toEqualTypeOf<Promise<RunResult>>();
    expectTypeOf(m.stamp).returns.toEqualTypeOf<Promise<RunResult>>();
    expectTypeOf<RunResult["steps"]>().toEqualTypeOf<readonly StepResult[]>();
    expectTypeOf<RunResult["sql"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<StepResult["direction"]>().toEqualTypeOf<Direction>();
    expectTypeOf<StepResult["ms"]>().toEqualTypeOf<number>();
    expectTypeOf(m.current).returns.toEqualTypeOf<Promise<CurrentRevision[]>>();
    expectTypeOf<CurrentRevision>().toEqualTypeOf<{ readonly id: string; readonly message: string; readonly isHead: boolean }>();
    expectTypeOf(m.check).returns.toEqualTypeOf<Promise<MigrationOp[]>>();
    expectTypeOf(m.heads).returns.toEqualTypeOf<Promise<Revision[]>>();
    expectTypeOf(m.history).returns.toEqualTypeOf<Promise<string[]>>();
    expectTypeOf(m.show).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(m.revision).returns.toEqualTypeOf<Promise<NewRevision>>();
    expectTypeOf(m.merge).returns.toEqualTypeOf<Promise<NewRevision>>();
    expectTypeOf<NewRevision["path"]>().toEqualTypeOf<string>();
    expectTypeOf<NewRevision["revision"]["id"]>().toEqualTypeOf<string>();
    expectTypeOf<NewRevision["revision"]["downRevisions"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<NewRevision["review"]>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<NewRevision["ops"]>().toEqualTypeOf<readonly MigrationOp[]>();
    // Type-checked, never run: the calls would read the migrations folder.
    const calls = async () => {
      const up = await m.upgrade("head", { sql: true, from: "base" });
      expectTypeOf(up.steps[0]!.revision).toEqualTypeOf<string>();
      const sqlText: string = up.sql ?? "";
      const created = await m.revision({ message: "add users", autogenerate: true, head: "abc" });
      const review: readonly string[] = created.review;
      await m.merge({ message: "merge heads" });
      // @ts-expect-error a revision needs a message
      await m.revision({ autogenerate: true });
      // @ts-expect-error downgrade needs a target
      await m.downgrade();
      // @ts-expect-error options are an object
      await m.upgrade("head", true);
      return [sqlText, review, created.path];
    };
    expect(typeof calls).toBe("function");
  });
});

describe("renderRevision", () => {
  it("types the options and the text it writes", () => {
    const op = newOp();
    op.createTable("users", { id: column(Integer, { primaryKey: true }), email: column(String(255)) });
    op.renameColumn("posts", "legacy", "archived");
    const downgrade = invertOps(op.recorded);
    expectTypeOf(downgrade).toEqualTypeOf<MigrationOp[]>();
    const review = reviewLines(op.recorded);
    expectTypeOf(review).toEqualTypeOf<string[]>();
    expectTypeOf(describeOp).parameter(0).toEqualTypeOf<MigrationOp>();
    expectTypeOf<RenderRevisionOptions["revises"]>().toEqualTypeOf<RevisionDefinition["revises"]>();
    const text = renderRevision({
      id: "a1b2c3d4e5f6",
      revises: ["r1", "r2"],
      message: "add users",
      createdAt: new Date(0),
      upgrade: op.recorded,
      downgrade,
      review,
      dialect: engine.dialect,
    });
    expectTypeOf(text).toEqualTypeOf<string>();
    expectTypeOf(GENERATED_START).toEqualTypeOf<string>();
    expect(text).toContain("defineRevision(");
    expect(text).toContain(GENERATED_START);
    expect(text).toContain(GENERATED_END);
    expect(op.recorded.map(describeOp)).toEqual(["create table users", expect.stringContaining("legacy")]);
    const rejected = () => {
      // @ts-expect-error createdAt is required
      renderRevision({ id: "x", revises: null, message: "m", upgrade: [] });
      // @ts-expect-error createdAt is a Date
      renderRevision({ id: "x", revises: null, message: "m", createdAt: "2026-11-21", upgrade: [] });
      // @ts-expect-error the operations are recorded MigrationOps, not strings
      renderRevision({ id: "x", revises: null, message: "m", createdAt: new Date(), upgrade: ["createTable users"] });
    };
    expect(typeof rejected).toBe("function");
  });
});

describe("defineConfig", () => {
  it("accepts each form of metadata", async () => {
    const metadata = new MetaData();
    const Base = declarativeBase({ metadata });
    const configs = [
      defineConfig({ url: "sqlite://dev.db", metadata }),
      defineConfig({ metadata: Base }),
      defineConfig({ metadata: () => metadata }),
      defineConfig({ metadata: () => Base }),
      defineConfig({ metadata: async () => Base }),
      defineConfig({ metadata: async () => (await Promise.resolve({ Base })).Base }),
      defineConfig({
        migrations: "db/migrations",
        fileTemplate: "%(rev)s_%(slug)s",
        versionTable: "versions",
        lockTimeoutMs: 1_000,
        compare: { include: (obj) => obj.type !== "index" },
      }),
      defineConfig({}),
    ];
    expectTypeOf(configs[0]!).toEqualTypeOf<AthanorConfig>();
    expect(configs).toHaveLength(8);
    expect(configs[1]!.metadata).toBe(Base);
    const source = configs[4]!.metadata;
    expectTypeOf(source).toEqualTypeOf<MetadataSource | undefined>();
    if (typeof source !== "function") throw new Error("expected the function form");
    const loaded = await source();
    expectTypeOf(loaded).toEqualTypeOf<MetaData | HasMetaData>();
    expect("metadata" in loaded ? loaded.metadata : loaded).toBe(metadata);
  });

  it("rejects unknown keys and wrong types", () => {
    const rejected = () => {
      // @ts-expect-error unknown key
      defineConfig({ url: "sqlite://dev.db", migrationsDir: "db" });
      // @ts-expect-error the url is a string
      defineConfig({ url: new URL("sqlite://dev.db") });
      // @ts-expect-error the url is a string
      defineConfig({ url: 5432 });
      // @ts-expect-error metadata is a MetaData, a Base, or a function returning one, not a module path
      defineConfig({ metadata: "./src/models.ts" });
      // @ts-expect-error a Base's metadata is a MetaData
      defineConfig({ metadata: { metadata: "models" } });
      // @ts-expect-error the function returns a MetaData or a Base
      defineConfig({ metadata: async () => "models" });
      // @ts-expect-error lockTimeoutMs is a number of milliseconds
      defineConfig({ lockTimeoutMs: "5s" });
    };
    expect(typeof rejected).toBe("function");
  });
});

describe("MigrationReporter", () => {
  it("types the callbacks' parameters", () => {
    const seen: string[] = [];
    const reporter: MigrationReporter = {
      plan(steps) {
        expectTypeOf(steps).toEqualTypeOf<readonly PlannedStep[]>();
        seen.push(`plan ${steps.length}`);
      },
      start(step) {
        expectTypeOf(step).toEqualTypeOf<PlannedStep>();
        expectTypeOf(step.direction).toEqualTypeOf<Direction>();
        expectTypeOf(step.revision).toEqualTypeOf<Revision>();
        seen.push(`start ${step.revision.id}`);
      },
      done(step, ms) {
        expectTypeOf(step).toEqualTypeOf<PlannedStep>();
        expectTypeOf(ms).toEqualTypeOf<number>();
        seen.push(`done ${step.file} ${ms}`);
      },
      warn(message) {
        expectTypeOf(message).toEqualTypeOf<string>();
        seen.push(message);
      },
      waiting() {
        seen.push("waiting");
      },
    };
    const step: PlannedStep = {
      revision: { id: "r1", downRevisions: [], message: "first" },
      direction: "upgrade",
      file: "r1_first.ts",
      ops: 2,
      resumeFrom: 0,
    };
    reporter.plan?.([step]);
    reporter.start?.(step);
    reporter.done?.(step, 12);
    reporter.warn?.("drops table users");
    reporter.waiting?.();
    expect(seen).toEqual(["plan 1", "start r1", "done r1_first.ts 12", "drops table users", "waiting"]);
    const wrongMs: MigrationReporter = {
      // @ts-expect-error ms is a number
      done(step: PlannedStep, ms: string) {
        void [step, ms];
      },
    };
    // @ts-expect-error not a reporter callback
    const unknownCallback: MigrationReporter = { finished() {} };
    expect([wrongMs, unknownCallback]).toHaveLength(2);
  });
});

describe("errors", () => {
  it("extends AthanorError", () => {
    expectTypeOf<MigrationError>().toExtend<AthanorError>();
    expectTypeOf<MigrationCheckError>().toExtend<AthanorError>();
    expectTypeOf<MigrationLockError>().toExtend<AthanorError>();
    expectTypeOf<RevisionError>().toExtend<AthanorError>();
    const errors = [new MigrationError("m"), new MigrationCheckError("c"), new MigrationLockError("l"), new RevisionError("r")];
    for (const err of errors) {
      expect(err).toBeInstanceOf(AthanorError);
      expect(err).toBeInstanceOf(Error);
    }
    expect(errors.map((e) => e.name)).toEqual(["MigrationError", "MigrationCheckError", "MigrationLockError", "RevisionError"]);
    const caught: unknown = errors[1];
    if (caught instanceof MigrationCheckError) expectTypeOf(caught).toEqualTypeOf<MigrationCheckError>();
    expect(caught instanceof MigrationCheckError).toBe(true);
  });
});
