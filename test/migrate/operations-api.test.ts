/**
 * The `op` API on every database: each operation is recorded, applied with applyOps to a real
 * database, and the database is reflected to prove the change. Operations name tables, columns and
 * constraints the migration does not define (they exist in the database). Then the refusals: bad
 * arguments fail when the operation is recorded, naming the operation and what to do.
 */
import { describe, expect, it } from "vitest";
import {
  BigInteger,
  check,
  column,
  Enum,
  foreignKey,
  insert,
  Integer,
  MetaData,
  select,
  sql,
  String as Str,
  Table,
  Text,
  update,
} from "athanor";
import { Operations } from "athanor/migrate";
import { reflect } from "../../src/migrate/reflect.js";
import { applyOps, opsSql } from "../../src/migrate/apply.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import type { ReflectedTable } from "../../src/engine/introspection.js";
import { ArgumentError, CompileError } from "../../src/util/errors.js";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

async function migrate(db: DialectFixture, build: (op: Operations) => void): Promise<MigrationOp[]> {
  const op = new Operations(db.engine.dialect);
  build(op);
  await using conn = await db.engine.connect();
  await applyOps(conn, op.recorded);
  return [...op.recorded];
}

async function table(db: DialectFixture, name: string): Promise<ReflectedTable | undefined> {
  return (await reflect(db.engine)).tables.get(name);
}

const names = (t: ReflectedTable | undefined, key: "uniques" | "checks" | "foreignKeys" | "indexes") =>
  (t?.[key] ?? []).map((x) => x.name).sort();

forEachDialect((db) => {
  const dialect = () => db.engine.dialect;

  describe("tables", () => {
    it("createTable with keys to a table of the database and to one of the same migration, then renameTable and dropTable", async () => {
      await migrate(db, (op) => op.createTable("t1_people", { id: column(Integer, { primaryKey: true }), name: column(Str(50)) }));
      await migrate(db, (op) => {
        op.createTable(
          "t1_teams",
          {
            id: column(Integer, { primaryKey: true }),
            code: column(Str(10), { unique: true }),
            size: column(Integer, { serverDefault: sql`3` }),
            leaderId: column(Integer, {
              name: "leader_id",
              nullable: true,
              foreignKey: foreignKey("t1_people.id", { onDelete: "SET NULL" }),
            }),
          },
          (c) => [],
        );
        op.createTable("t1_members", {
          id: column(Integer, { primaryKey: true }),
          teamId: column(Integer, { name: "team_id", foreignKey: foreignKey("t1_teams.id", { onDelete: "CASCADE" }) }),
          personId: column(Integer, { name: "person_id", foreignKey: "t1_people.id" }),
        });
      });
      const teams = await table(db, "t1_teams");
      expect(teams?.columns.map((c) => c.name)).toEqual(["id", "code", "size", "leader_id"]);
      expect(names(teams, "uniques")).toEqual(["uq_t1_teams_code"]);
      expect(teams?.foreignKeys.map((f) => [f.referredTable, f.onDelete])).toEqual([["t1_people", "SET NULL"]]);
      const members = await table(db, "t1_members");
      expect(members?.foreignKeys.map((f) => f.referredTable).sort()).toEqual(["t1_people", "t1_teams"]);

      await migrate(db, (op) => op.renameTable("t1_members", "t1_memberships"));
      expect(await table(db, "t1_members")).toBeUndefined();
      expect((await table(db, "t1_memberships"))?.columns.map((c) => c.name)).toEqual(["id", "team_id", "person_id"]);

      await migrate(db, (op) => {
        op.dropTable("t1_memberships");
        op.dropTable("t1_teams");
      });
      expect(await table(db, "t1_teams")).toBeUndefined();
      expect(await table(db, "t1_memberships")).toBeUndefined();
    });
  });

  describe("columns", () => {
    it("addColumn (with a default, and with a key to another table), renameColumn, dropColumn", async () => {
      await migrate(db, (op) => {
        op.createTable("t2_owners", { id: column(Integer, { primaryKey: true }) });
        op.createTable("t2_pets", { id: column(Integer, { primaryKey: true }), name: column(Str(30)) });
      });
      await migrate(db, (op) => {
        op.addColumn("t2_pets", "legs", column(Integer, { serverDefault: sql`4` }));
        op.addColumn(
          "t2_pets",
          "owner_id",
          column(Integer, { nullable: true, foreignKey: foreignKey("t2_owners.id", { onDelete: "CASCADE" }) }),
        );
        op.addColumn("t2_pets", "tag", column(Str(20), { nullable: true, unique: true }));
      });
      let pets = await table(db, "t2_pets");
      expect(pets?.columns.map((c) => c.name)).toEqual(["id", "name", "legs", "owner_id", "tag"]);
      expect(pets?.columns.find((c) => c.name === "legs")?.default).toMatch(/4/);
      expect(pets?.foreignKeys.map((f) => [f.name, f.referredTable, f.onDelete])).toEqual([
        [db.caps.alterAddConstraint || pets?.foreignKeys[0]?.name ? "fk_t2_pets_owner_id_t2_owners" : undefined, "t2_owners", "CASCADE"],
      ]);
      expect(names(pets, "uniques")).toEqual(["uq_t2_pets_tag"]);

      await migrate(db, (op) => op.renameColumn("t2_pets", "name", "nickname"));
      await migrate(db, (op) => op.dropColumn("t2_pets", "legs"));
      pets = await table(db, "t2_pets");
      expect(pets?.columns.map((c) => c.name)).toEqual(["id", "nickname", "owner_id", "tag"]);
    });

    it("alterColumn: type, nullability, server default and comment, the unchanged properties given as existing*", async () => {
      await migrate(db, (op) =>
        op.createTable("t3_notes", {
          id: column(Integer, { primaryKey: true }),
          title: column(Str(20), { nullable: true }),
          rank: column(Integer, { serverDefault: sql`1` }),
        }),
      );
      await migrate(db, (op) => {
        op.alterColumn("t3_notes", "title", { type: Str(200), nullable: false, existingType: Str(20), existingNullable: true });
        op.alterColumn("t3_notes", "rank", {
          serverDefault: sql`7`,
          existingType: Integer,
          existingNullable: false,
          existingServerDefault: sql`1`,
        });
      });
      let notes = await table(db, "t3_notes");
      const title = notes?.columns.find((c) => c.name === "title");
      expect(title?.type.cacheKey).toBe("String(200)");
      expect(title?.nullable).toBe(false);
      expect(notes?.columns.find((c) => c.name === "rank")?.default).toMatch(/7/);

      await migrate(db, (op) =>
        op.alterColumn("t3_notes", "rank", { serverDefault: null, existingType: Integer, existingNullable: false }),
      );
      notes = await table(db, "t3_notes");
      expect(notes?.columns.find((c) => c.name === "rank")?.default).toBeUndefined();
    });

    it("alterColumn of the type keeps the default and comment stated as existing*", async () => {
      await migrate(db, (op) =>
        op.createTable("t15_kv", {
          id: column(Integer, { primaryKey: true }),
          v: column(Str(20), { serverDefault: "x", comment: "value" }),
        }),
      );
      await migrate(db, (op) =>
        op.alterColumn("t15_kv", "v", { type: Str(40), existingNullable: false, existingServerDefault: "x", existingComment: "value" }),
      );
      const v = (await table(db, "t15_kv"))?.columns.find((c) => c.name === "v");
      expect(v?.type.cacheKey).toBe("String(40)");
      expect(v?.default).toMatch(/'x'/);
      expect(v?.comment).toBe(db.caps.comments ? "value" : undefined);
    });

    it("alterColumn of a generated key keeps it generated with existingAutoincrement", async () => {
      await migrate(db, (op) => op.createTable("t16_seq", { id: column(Integer, { primaryKey: true }), v: column(Str(5)) }));
      await migrate(db, (op) =>
        op.alterColumn("t16_seq", "id", { type: BigInteger, existingNullable: false, existingAutoincrement: true }),
      );
      expect((await table(db, "t16_seq"))?.columns[0]?.autoincrement).toBe(true);
      const seq = new Table("t16_seq", new MetaData(), { id: column(BigInteger, { primaryKey: true }), v: column(Str(5)) });
      await using conn = await db.engine.connect();
      await conn.execute(insert(seq).values([{ v: "a" }, { v: "b" }]));
      expect((await conn.execute(select(seq.c.id).orderBy(seq.c.id))).scalars().map(Number)).toEqual([1, 2]);
    });

    it("alterColumn sets and removes a comment (where the database keeps comments)", async () => {
      await migrate(db, (op) =>
        op.createTable("t4_c", { id: column(Integer, { primaryKey: true }), v: column(Str(10), { nullable: true }) }),
      );
      await migrate(db, (op) => op.alterColumn("t4_c", "v", { comment: "the value", existingType: Str(10), existingNullable: true }));
      expect((await table(db, "t4_c"))?.columns.find((c) => c.name === "v")?.comment).toBe(db.caps.comments ? "the value" : undefined);
      await migrate(db, (op) =>
        op.alterColumn("t4_c", "v", { comment: null, existingType: Str(10), existingNullable: true, existingComment: "the value" }),
      );
      expect((await table(db, "t4_c"))?.columns.find((c) => c.name === "v")?.comment).toBeUndefined();
    });
  });

  describe("indexes and constraints by name", () => {
    it("createIndex (plain and unique) and dropIndex", async () => {
      await migrate(db, (op) =>
        op.createTable("t5_items", { id: column(Integer, { primaryKey: true }), sku: column(Str(20)), kind: column(Str(10)) }),
      );
      await migrate(db, (op) => {
        op.createIndex("ix_t5_kind", "t5_items", ["kind"]);
        op.createIndex("ux_t5_sku_kind", "t5_items", ["sku", "kind"], { unique: true });
      });
      let items = await table(db, "t5_items");
      expect(items?.indexes.find((i) => i.name === "ix_t5_kind")).toMatchObject({ items: ["kind"], unique: false });
      // MySQL reports a unique index as a unique constraint: they are the same thing there.
      const unique = [...(items?.indexes ?? []), ...(items?.uniques ?? [])].find((i) => i.name === "ux_t5_sku_kind");
      expect("items" in unique! ? [unique.items, unique.unique] : [unique?.columns, true]).toEqual([["sku", "kind"], true]);
      await migrate(db, (op) => op.dropIndex("ix_t5_kind", "t5_items"));
      items = await table(db, "t5_items");
      expect(items?.indexes.find((i) => i.name === "ix_t5_kind")).toBeUndefined();
    });

    it("createIndex with a where condition (partial index; refused before anything runs where unsupported)", async () => {
      await migrate(db, (op) => op.createTable("t6_jobs", { id: column(Integer, { primaryKey: true }), done: column(Integer) }));
      if (!db.caps.partialIndexes) {
        await expect(migrate(db, (op) => op.createIndex("ix_t6_open", "t6_jobs", ["id"], { where: "done = 0" }))).rejects.toThrow(
          /partial indexes/,
        );
        return;
      }
      await migrate(db, (op) => op.createIndex("ix_t6_open", "t6_jobs", ["id"], { where: "done = 0" }));
      const ix = (await table(db, "t6_jobs"))?.indexes.find((i) => i.name === "ix_t6_open");
      expect(ix?.where).toMatch(/done/);
    });

    it("createIndex on an expression (refused where unsupported)", async () => {
      await migrate(db, (op) => op.createTable("t7_users", { id: column(Integer, { primaryKey: true }), email: column(Str(100)) }));
      if (!db.caps.expressionIndexes) {
        await expect(migrate(db, (op) => op.createIndex("ix_t7_email_lower", "t7_users", [sql`lower(email)`]))).rejects.toThrow(
          /cannot index expressions/,
        );
        return;
      }
      await migrate(db, (op) => op.createIndex("ix_t7_email_lower", "t7_users", [sql`lower(email)`]));
      const ix = (await table(db, "t7_users"))?.indexes.find((i) => i.name === "ix_t7_email_lower");
      expect(ix?.items).toHaveLength(1);
      expect(typeof ix?.items[0]).toBe("object");
    });

    it("unique, check and foreign-key constraints added and dropped by name (SQLite: the table is rebuilt)", async () => {
      await migrate(db, (op) => {
        op.createTable("t8_shops", { id: column(Integer, { primaryKey: true }) });
        op.createTable("t8_stock", {
          id: column(Integer, { primaryKey: true }),
          shop: column(Integer),
          sku: column(Str(20)),
          qty: column(Integer),
        });
      });
      await migrate(db, (op) => {
        op.createUniqueConstraint("uq_t8_shop_sku", "t8_stock", ["shop", "sku"]);
        op.createCheckConstraint("ck_t8_qty", "t8_stock", "qty >= 0");
        op.createForeignKey("fk_t8_shop", "t8_stock", "t8_shops", ["shop"], ["id"], { onDelete: "CASCADE" });
      });
      let stock = await table(db, "t8_stock");
      expect(names(stock, "uniques")).toEqual(["uq_t8_shop_sku"]);
      expect(names(stock, "checks")).toEqual(["ck_t8_qty"]);
      expect(stock?.foreignKeys.map((f) => [f.name, f.columns, f.referredTable, f.referredColumns, f.onDelete])).toEqual([
        ["fk_t8_shop", ["shop"], "t8_shops", ["id"], "CASCADE"],
      ]);
      await migrate(db, (op) => {
        // The key first: MySQL uses the unique index for it while it exists.
        op.dropConstraint("fk_t8_shop", "t8_stock", "foreignKey");
        op.dropConstraint("uq_t8_shop_sku", "t8_stock", "unique");
        op.dropConstraint("ck_t8_qty", "t8_stock", "check");
      });
      stock = await table(db, "t8_stock");
      expect(stock?.uniques).toEqual([]);
      expect(stock?.checks).toEqual([]);
      expect(stock?.foreignKeys).toEqual([]);
    });

    it("check constraints in createTable keep the name given, or none; other constraints are named by the convention", async () => {
      await migrate(db, (op) =>
        op.createTable(
          "t13_rates",
          { id: column(Integer, { primaryKey: true }), pct: column(Integer), code: column(Str(5), { unique: true }) },
          (c) => [check(sql`${c.pct} <= 100`, { name: "pct_max" }), check(sql`${c.pct} >= 0`)],
        ),
      );
      const t = await table(db, "t13_rates");
      expect(names(t, "checks")).toContain("pct_max");
      expect(t?.checks).toHaveLength(2);
      expect(names(t, "uniques")).toEqual(["uq_t13_rates_code"]);
    });

    it("a self-referencing foreign key by name", async () => {
      await migrate(db, (op) =>
        op.createTable("t9_nodes", { id: column(Integer, { primaryKey: true }), parent: column(Integer, { nullable: true }) }),
      );
      await migrate(db, (op) => op.createForeignKey("fk_t9_parent", "t9_nodes", "t9_nodes", ["parent"], ["id"]));
      expect((await table(db, "t9_nodes"))?.foreignKeys.map((f) => [f.columns, f.referredTable])).toEqual([[["parent"], "t9_nodes"]]);
    });
  });

  describe("enum types", () => {
    it("createEnum, a table using it, alterEnum adds a value, dropEnum after the table (refused where enums belong to columns)", async () => {
      if (!db.caps.enumTypes) {
        expect(() => new Operations(dialect()).createEnum("m", ["a"])).toThrow(
          /op\.createEnum\("m"\): .*no enum types of their own.*caps\.enumTypes/,
        );
        return;
      }
      await migrate(db, (op) => {
        op.createEnum("t10_mood", ["calm", "busy"]);
        op.createTable("t10_days", {
          id: column(Integer, { primaryKey: true }),
          mood: column(Enum(["calm", "busy"], { name: "t10_mood" })),
        });
      });
      const enums = async () => (await reflect(db.engine)).enums.filter((e) => e.name === "t10_mood");
      expect(await enums()).toEqual([{ name: "t10_mood", values: ["calm", "busy"] }]);
      await migrate(db, (op) => op.alterEnum("t10_mood", { from: ["calm", "busy"], to: ["calm", "busy", "tired"] }));
      expect((await enums())[0]?.values).toEqual(["calm", "busy", "tired"]);
      await migrate(db, (op) => {
        op.dropTable("t10_days");
        op.dropEnum("t10_mood");
      });
      expect(await enums()).toEqual([]);
    });
  });

  describe("data", () => {
    it("execute: SQL text, a sql`…` fragment and a Core statement with its values as literals", async () => {
      const md = new MetaData();
      const flags = new Table("t11_flags", md, { id: column(Integer, { primaryKey: true }), name: column(Str(20)), on: column(Integer) });
      await migrate(db, (op) => {
        op.createTable("t11_flags", { id: column(Integer, { primaryKey: true }), name: column(Str(20)), on: column(Integer) });
        op.execute("INSERT INTO t11_flags (id, name, on_) VALUES (1, 'a', 0)".replace("on_", dialect().preparer.quote("on")));
        op.execute(sql`DELETE FROM t11_flags WHERE id = ${99}`);
        op.execute(update(flags).set({ on: 1, name: "it's" }).where(flags.c.id.eq(1)));
      });
      await using conn = await db.engine.connect();
      expect((await conn.execute(select(flags.c.name, flags.c.on))).all()).toEqual([{ name: "it's", on: 1 }]);
      const op = new Operations(dialect());
      op.execute(update(flags).set({ on: 2 }).where(flags.c.name.eq("x")));
      expect(opsSql(op.recorded, dialect())[0]).toMatch(/= 2 WHERE .*= 'x'/);
    });

    it("bulkInsert by table name and by Table, chunked, with literal values offline", async () => {
      const md = new MetaData();
      const words = new Table("t12_words", md, {
        id: column(Integer, { primaryKey: true }),
        word: column(Text),
        n: column(Integer, { nullable: true }),
      });
      const many = Array.from({ length: 230 }, (_, i) => ({ id: i + 10, word: `w${i}`, n: i }));
      const recorded = await migrate(db, (op) => {
        op.createTable("t12_words", {
          id: column(Integer, { primaryKey: true }),
          word: column(Text),
          n: column(Integer, { nullable: true }),
        });
        op.bulkInsert("t12_words", [
          { id: 1, word: "o'clock", n: null },
          { id: 2, word: "two", n: 2 },
        ]);
        op.bulkInsert(words, many);
      });
      const inserts = opsSql(recorded, dialect()).filter((s) => s.startsWith("INSERT"));
      expect(inserts).toHaveLength(1 + 3);
      expect(inserts[0]).toContain("'o''clock'");
      await using conn = await db.engine.connect();
      expect((await conn.execute(select(words.c.word).where(words.c.id.le(2)).orderBy(words.c.id))).scalars()).toEqual(["o'clock", "two"]);
      expect((await conn.execute(select(words.c.id))).all()).toHaveLength(232);
    });

    it("bulkInsert into the table createTable returns (keys are its column keys)", async () => {
      await migrate(db, (op) => {
        const tags = op.createTable("t14_tags", {
          id: column(Integer, { primaryKey: true }),
          label: column(Str(20), { name: "tag_label" }),
        });
        op.bulkInsert(tags, [
          { id: 1, label: "red" },
          { id: 2, label: "blue" },
        ]);
      });
      await using conn = await db.engine.connect();
      const tags = new Table("t14_tags", new MetaData(), {
        id: column(Integer, { primaryKey: true }),
        label: column(Str(20), { name: "tag_label" }),
      });
      expect((await conn.execute(select(tags.c.label).orderBy(tags.c.id))).scalars()).toEqual(["red", "blue"]);
    });

    it("run is refused offline, naming op.execute", () => {
      const op = new Operations(dialect());
      op.run(async () => undefined);
      expect(() => opsSql(op.recorded, dialect())).toThrow(CompileError);
      expect(() => opsSql(op.recorded, dialect())).toThrow(/op\.execute/);
    });
  });

  describe("bad arguments fail when recorded, naming the operation and what to do", () => {
    const op = () => new Operations(dialect());
    const cases: [string, (o: Operations) => void, RegExp][] = [
      ["createTable without columns", (o) => o.createTable("x", null as never), /op\.createTable\("x"\): columns must be an object/],
      [
        "createTable with a non-column",
        (o) => o.createTable("x", { id: 1 as never }),
        /op\.createTable\("x"\): .*column 'id' must be made with column/,
      ],
      [
        "createTable twice",
        (o) => (o.createTable("x", { id: column(Integer) }), o.createTable("x", { id: column(Integer) })),
        /already creates table x/,
      ],
      [
        "createTable with a key to a missing column of a table it creates",
        (o) => (o.createTable("a", { id: column(Integer) }), o.createTable("b", { a: column(Integer, { foreignKey: "a.nope" }) })),
        /table a, created in this migration, has no column nope/,
      ],
      ["dropTable with an empty name", (o) => o.dropTable(""), /op\.dropTable\(""\): the table name must be a non-empty string/],
      ["renameTable to itself", (o) => o.renameTable("a", "a"), /the new name is the current one/],
      [
        "addColumn with a primary key",
        (o) => o.addColumn("t", "id", column(Integer, { primaryKey: true })),
        /op\.addColumn\("t", "id"\): .*drop primaryKey: true/,
      ],
      ["addColumn without column()", (o) => o.addColumn("t", "c", Integer as never), /must be made with column\(type, options\)/],
      [
        "alterColumn with nothing to change",
        (o) => o.alterColumn("t", "c", { existingType: Integer }),
        /op\.alterColumn\("t", "c"\): nothing to change/,
      ],
      ["alterColumn with an unknown option", (o) => o.alterColumn("t", "c", { nulable: true } as never), /unknown option 'nulable'/],
      [
        "alterColumn with a non-type",
        (o) => o.alterColumn("t", "c", { type: "int" as never }),
        /op\.alterColumn\("t", "c"\): type: .*not a SQL type/,
      ],
      [
        "createIndex without columns",
        (o) => o.createIndex("ix", "t", []),
        /op\.createIndex\("ix", "t"\): columns must be a non-empty array/,
      ],
      ["createIndex with an unknown option", (o) => o.createIndex("ix", "t", ["a"], { uniq: true } as never), /unknown option 'uniq'/],
      [
        "createUniqueConstraint with a bad column",
        (o) => o.createUniqueConstraint("uq", "t", [""]),
        /a column name must be a non-empty string/,
      ],
      ["createCheckConstraint without a condition", (o) => o.createCheckConstraint("ck", "t", ""), /the condition must be SQL text/],
      [
        "createForeignKey with mismatched columns",
        (o) => o.createForeignKey("fk", "t", "u", ["a", "b"], ["id"]),
        /2 column\(s\) refer to 1 referred column/,
      ],
      [
        "createForeignKey with a bad action",
        (o) => o.createForeignKey("fk", "t", "u", ["a"], ["id"], { onDelete: "BOOM" as never }),
        /onDelete must be one of/,
      ],
      [
        "dropConstraint with an unknown kind",
        (o) => o.dropConstraint("x", "t", "primary" as never),
        /kind must be "foreignKey", "unique" or "check"/,
      ],
      ["execute with nothing", (o) => o.execute(42 as never), /op\.execute\(\): pass SQL text/],
      [
        "execute with an INSERT … VALUES statement",
        (o) => o.execute(insert(new Table("it", new MetaData(), { id: column(Integer) })).values({ id: 1 })),
        /op\.execute\(\): .*use op\.bulkInsert/,
      ],
      [
        "execute with something that is no statement",
        (o) => o.execute({ node: { kind: "Nope" } } as never),
        /op\.execute\(\): pass SQL text/,
      ],
      ["bulkInsert with a non-array", (o) => o.bulkInsert("t", {} as never), /rows must be an array/],
      [
        "bulkInsert with an unknown key",
        (o) => o.bulkInsert(new Table("bt", new MetaData(), { id: column(Integer) }), [{ idd: 1 }]),
        /row 1 has the key "idd", but table bt has no such column; its columns are id/,
      ],
      ["bulkInsert with an empty row", (o) => o.bulkInsert("t", [{}]), /row 1 has no values/],
      ["run with a non-function", (o) => o.run("x" as never), /op\.run\(\): pass an async function/],
    ];
    for (const [name, call, message] of cases)
      it(name, () => {
        const o = op();
        expect(() => call(o)).toThrow(ArgumentError);
        expect(() => call(op())).toThrow(message);
      });

    it("a database that restates columns on ALTER names the existing* option it lacks; others need none", () => {
      const o = op();
      const call = () => o.alterColumn("t", "c", { nullable: false });
      if (dialect().createDdlCompiler().constructor.name === "MySqlDdlCompiler") {
        expect(call).toThrow(/existingType \(the current type\)/);
        expect(() => o.alterColumn("t", "c", { nullable: false, existingType: Integer })).not.toThrow();
        expect(() => o.alterColumn("t", "c", { type: Integer })).toThrow(/existingNullable/);
      } else expect(call).not.toThrow();
    });
  });
});
