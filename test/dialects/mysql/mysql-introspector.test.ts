/**
 * Reflection of a live MySQL/MariaDB database: tables created by athanor's Core (and a few by hand,
 * for what athanor does not emit) read back through the dialect's introspector.
 */
import { describe, expect, it } from "vitest";
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
  foreignKey,
  ForeignKeyConstraint,
  index,
  Integer,
  Json,
  LargeBinary,
  MetaData,
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
import { forDialect } from "../../support/dialects.js";
import { mysqlColumnType, mysqlDefault, parseEnumValues } from "../../../src/dialects/mysql/mysql-introspector.js";

function introspector(conn: Connection) {
  return conn.dialect.introspector;
}

async function reflect(conn: Connection, name: string) {
  return introspector(conn).table(conn._driverConnection(), name);
}

function buildMetadata(): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  new Table(
    "ri_parent",
    md,
    { code: column(Str(10)), num: column(Integer, { autoincrement: false }) },
    // Key order differs from column order on purpose.
    (c) => [primaryKey([c.num, c.code])],
  );
  new Table("ri_other", md, { id: column(Integer, { primaryKey: true }) });
  new Table(
    "ri_items",
    md,
    {
      id: column(Integer, { primaryKey: true }),
      name: column(Str(40), { nullable: true, serverDefault: "it's", comment: "the item's name" }),
      qty: column(SmallInteger, { serverDefault: 0 }),
      big: column(BigInteger, { nullable: true }),
      price: column(Numeric(10, 2), { serverDefault: sql`1.5` }),
      ratio: column(Float, { nullable: true }),
      flag: column(Bool, { serverDefault: true }),
      born: column(DateOnly, { nullable: true }),
      created: column(DateTime, { serverDefault: sql`CURRENT_TIMESTAMP` }),
      at: column(Time, { nullable: true }),
      uid: column(Uuid, { nullable: true }),
      doc: column(Json(), { nullable: true }),
      body: column(Text, { nullable: true }),
      blob: column(LargeBinary, { nullable: true }),
      status: column(Enum(["draft", "it's", "done"]), { serverDefault: "draft" }),
      parentNum: column(Integer, { name: "parent_num", nullable: true }),
      parentCode: column(Str(10), { name: "parent_code", nullable: true }),
      otherId: column(Integer, {
        name: "other_id",
        nullable: true,
        index: true,
        foreignKey: foreignKey("ri_other.id", { onDelete: "SET NULL", onUpdate: "CASCADE" }),
      }),
      keptId: column(Integer, { name: "kept_id", nullable: true, foreignKey: foreignKey("ri_other.id", { onDelete: "RESTRICT" }) }),
    },
    {
      comment: "items, reflected",
      items: (c) => [
        new ForeignKeyConstraint([c.parentNum, c.parentCode], ["ri_parent.num", "ri_parent.code"], {
          onDelete: "CASCADE",
          onUpdate: "NO ACTION",
        }),
        unique([c.qty, c.name]),
        index([c.born, c.big]),
        index([c.uid], { unique: true }),
        check(c.qty.ge(0), { name: "qty_nonneg" }),
      ],
    },
  );
  return md;
}

forDialect("mysql", (db) => {
  describe("MySqlIntrospector", () => {
    it("reflects columns: types, nullability, defaults, auto_increment and comments", async () => {
      const md = buildMetadata();
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      try {
        const t = await reflect(conn, "ri_items");
        expect(t).toBeDefined();
        expect(t!.name).toBe("ri_items");
        expect(t!.comment).toBe("items, reflected");
        const cols = t!.columns.map((c) => ({
          name: c.name,
          type: c.type.describe(),
          nullable: c.nullable,
          default: c.default,
          autoincrement: c.autoincrement,
          comment: c.comment,
        }));
        expect(cols).toEqual([
          { name: "id", type: "Integer", nullable: false, default: undefined, autoincrement: true, comment: undefined },
          { name: "name", type: "String(40)", nullable: true, default: "'it''s'", autoincrement: false, comment: "the item's name" },
          { name: "qty", type: "SmallInteger", nullable: false, default: "0", autoincrement: false, comment: undefined },
          { name: "big", type: "BigInteger", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "price", type: "Numeric(10,2)", nullable: false, default: "1.50", autoincrement: false, comment: undefined },
          { name: "ratio", type: "Float", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "flag", type: "Boolean", nullable: false, default: "1", autoincrement: false, comment: undefined },
          { name: "born", type: "Date", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          {
            name: "created",
            type: "DateTime",
            nullable: false,
            default: "current_timestamp(6)",
            autoincrement: false,
            comment: undefined,
          },
          { name: "at", type: "Time", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "uid", type: "Uuid", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "doc", type: "Json", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "body", type: "Text", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "blob", type: "LargeBinary", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          {
            name: "status",
            type: 'Enum("draft", "it\'s", "done")',
            nullable: false,
            default: "'draft'",
            autoincrement: false,
            comment: undefined,
          },
          { name: "parent_num", type: "Integer", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "parent_code", type: "String(10)", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "other_id", type: "Integer", nullable: true, default: undefined, autoincrement: false, comment: undefined },
          { name: "kept_id", type: "Integer", nullable: true, default: undefined, autoincrement: false, comment: undefined },
        ]);
        const byName = new Map(t!.columns.map((c) => [c.name, c]));
        expect(byName.get("status")!.type).toMatchObject({ kind: "Enum", values: ["draft", "it's", "done"] });
        expect(byName.get("price")!.type).toMatchObject({ kind: "Numeric", precision: 10, scale: 2 });
        expect(byName.get("name")!.type).toMatchObject({ kind: "String", length: 40 });
        expect(byName.get("price")!.typeText).toBe("decimal(10,2)");
        expect(byName.get("flag")!.typeText).toBe("tinyint(1)");
        expect(byName.get("created")!.typeText).toBe("datetime(6)");
        expect(byName.get("uid")!.typeText).toBe("char(36)");
        expect(byName.get("status")!.typeText).toBe("enum('draft','it''s','done')");
      } finally {
        await md.dropAll(conn);
      }
    });

    it("reflects keys, foreign keys, uniques, indexes and checks", async () => {
      const md = buildMetadata();
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      try {
        const parent = await reflect(conn, "ri_parent");
        expect(parent!.primaryKey).toEqual({ name: undefined, columns: ["num", "code"] });
        expect(parent!.columns.map((c) => c.autoincrement)).toEqual([false, false]);
        expect(parent!.foreignKeys).toEqual([]);
        expect(parent!.comment).toBeUndefined();

        const t = (await reflect(conn, "ri_items"))!;
        expect(t.primaryKey).toEqual({ name: undefined, columns: ["id"] });
        expect(t.foreignKeys).toEqual([
          {
            name: "fk_ri_items_kept_id_ri_other",
            columns: ["kept_id"],
            referredTable: "ri_other",
            referredColumns: ["id"],
            // RESTRICT is the default: reported as undefined.
            onDelete: undefined,
            onUpdate: undefined,
          },
          {
            name: "fk_ri_items_other_id_ri_other",
            columns: ["other_id"],
            referredTable: "ri_other",
            referredColumns: ["id"],
            onDelete: "SET NULL",
            onUpdate: "CASCADE",
          },
          {
            name: "fk_ri_items_parent_num_parent_code_ri_parent",
            columns: ["parent_num", "parent_code"],
            referredTable: "ri_parent",
            referredColumns: ["num", "code"],
            onDelete: "CASCADE",
            onUpdate: undefined,
          },
        ]);
        // A unique index is a UNIQUE constraint to MySQL.
        expect(t.uniques).toEqual([
          { name: "ix_ri_items_uid", columns: ["uid"] },
          { name: "uq_ri_items_qty_name", columns: ["qty", "name"] },
        ]);
        // The indexes MySQL added for kept_id's and the composite foreign key are left out.
        expect(t.indexes).toEqual([
          { name: "ix_ri_items_born_big", items: ["born", "big"], unique: false },
          { name: "ix_ri_items_other_id", items: ["other_id"], unique: false },
        ]);
        // MariaDB's json_valid check on `doc` is left out.
        expect(t.checks).toEqual([{ name: "ck_ri_items_qty_nonneg", sql: "`qty` >= 0" }]);
      } finally {
        await md.dropAll(conn);
      }
    });

    it("lists base tables sorted, and answers undefined for a missing table", async () => {
      const md = buildMetadata();
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      await conn.execute(sql`CREATE VIEW ri_view AS SELECT 1 AS one`);
      try {
        const names = await introspector(conn).tableNames(conn._driverConnection());
        expect(names).toEqual(["ri_items", "ri_other", "ri_parent"]);
        expect(await reflect(conn, "ri_missing")).toBeUndefined();
        expect(await reflect(conn, "ri_view")).toBeUndefined();
        expect(await introspector(conn).enums(conn._driverConnection())).toEqual([]);
      } finally {
        await conn.execute(sql`DROP VIEW ri_view`);
        await md.dropAll(conn);
      }
    });

    it("maps types and defaults athanor does not emit, prefix and descending index parts", async () => {
      await using conn = await db.engine.connect();
      await conn.execute(
        sql`CREATE TABLE ri_raw (
          id INT UNSIGNED NOT NULL AUTO_INCREMENT,
          tiny TINYINT NOT NULL DEFAULT 3,
          med MEDIUMINT NULL,
          code CHAR(5) NULL DEFAULT NULL,
          word VARCHAR(10) NULL DEFAULT 'NULL',
          stamp TIMESTAMP(3) NULL DEFAULT NULL,
          notes MEDIUMTEXT NULL,
          raw VARBINARY(16) NULL,
          single FLOAT NULL,
          total INT NULL DEFAULT (1 + 2),
          j JSON NULL,
          PRIMARY KEY (id),
          KEY ix_ri_raw_prefix (notes(10), word),
          KEY ix_ri_raw_desc (tiny DESC, med),
          CONSTRAINT named_check CHECK (tiny < 100)
        ) DEFAULT CHARSET=utf8mb4`,
      );
      try {
        const t = (await reflect(conn, "ri_raw"))!;
        expect(t.columns.map((c) => [c.name, c.type.describe(), c.typeText, c.nullable, c.default, c.autoincrement])).toEqual([
          ["id", "Integer", "int(10) unsigned", false, undefined, true],
          ["tiny", "SmallInteger", "tinyint(4)", false, "3", false],
          ["med", "Integer", "mediumint(9)", true, undefined, false],
          ["code", "String(5)", "char(5)", true, undefined, false],
          ["word", "String(10)", "varchar(10)", true, "'NULL'", false],
          ["stamp", "DateTime", "timestamp(3)", true, undefined, false],
          ["notes", "Text", "mediumtext", true, undefined, false],
          ["raw", "LargeBinary", "varbinary(16)", true, undefined, false],
          ["single", "Float", "float", true, undefined, false],
          ["total", "Integer", "int(11)", true, "(1 + 2)", false],
          ["j", "Json", "longtext", true, undefined, false],
        ]);
        expect(t.indexes).toEqual([
          { name: "ix_ri_raw_desc", items: [{ expression: "`tiny` DESC" }, "med"], unique: false },
          { name: "ix_ri_raw_prefix", items: [{ expression: "`notes`(10)" }, "word"], unique: false },
        ]);
        expect(t.uniques).toEqual([]);
        expect(t.checks).toEqual([{ name: "named_check", sql: "`tiny` < 100" }]);
        expect(t.comment).toBeUndefined();
      } finally {
        await conn.execute(sql`DROP TABLE ri_raw`);
      }
    });

    it("reads enum values with quotes, backslashes and commas, and JSON columns with odd names", async () => {
      const md = new MetaData({ namingConvention: defaultNamingConvention });
      new Table("ri_odd", md, {
        id: column(Integer, { primaryKey: true, autoincrement: false }),
        mood: column(Enum(["a\\b", "x,y)", "it's"]), { serverDefault: "a\\b" }),
        weird: column(Json(), { name: "we`ird", nullable: true }),
      });
      await using conn = await db.engine.connect();
      await md.createAll(conn);
      try {
        const t = (await reflect(conn, "ri_odd"))!;
        expect(t.columns.map((c) => [c.name, c.type.describe(), c.default, c.autoincrement])).toEqual([
          ["id", "Integer", undefined, false],
          ["mood", 'Enum("a\\\\b", "x,y)", "it\'s")', "'a\\\\b'", false],
          ["we`ird", "Json", undefined, false],
        ]);
        expect(t.columns[1]!.type).toMatchObject({ values: ["a\\b", "x,y)", "it's"] });
        expect(t.checks).toEqual([]);
      } finally {
        await md.dropAll(conn);
      }
    });
  });
});

describe("MySQL catalog text", () => {
  it("quotes MySQL's bare literal defaults and parenthesises its expressions", () => {
    expect(mysqlDefault(undefined, "", Integer, false)).toBeUndefined();
    expect(mysqlDefault("0", "", Integer, false)).toBe("0");
    expect(mysqlDefault("1.50", "", Numeric(10, 2), false)).toBe("1.50");
    expect(mysqlDefault("it's", "", Str(10), false)).toBe("'it''s'");
    expect(mysqlDefault("12", "", Str(10), false)).toBe("'12'");
    expect(mysqlDefault("CURRENT_TIMESTAMP(6)", "DEFAULT_GENERATED", DateTime(), false)).toBe("CURRENT_TIMESTAMP(6)");
    expect(mysqlDefault("(1 + 2)", "DEFAULT_GENERATED", Integer, false)).toBe("(1 + 2)");
    expect(mysqlDefault("(1) + (2)", "DEFAULT_GENERATED", Integer, false)).toBe("((1) + (2))");
    expect(mysqlDefault("1 + 2", "DEFAULT_GENERATED", Integer, false)).toBe("(1 + 2)");
    expect(mysqlDefault("uuid()", "DEFAULT_GENERATED", Uuid(), false)).toBe("(uuid())");
    expect(mysqlDefault("_utf8mb4\\'x\\'", "DEFAULT_GENERATED", Text(), false)).toBe("('x')");
    expect(mysqlDefault("concat(_utf8mb4\\'a\\',_utf8mb4\\'b\\')", "DEFAULT_GENERATED", Text(), false)).toBe("(concat('a','b'))");
    // MariaDB reports SQL text: passed through, its NULL is "no default".
    expect(mysqlDefault("NULL", "", Str(10), true)).toBeUndefined();
    expect(mysqlDefault("'NULL'", "", Str(10), true)).toBe("'NULL'");
    expect(mysqlDefault("current_timestamp(6)", "", DateTime(), true)).toBe("current_timestamp(6)");
  });

  it("maps MySQL 8 type names", () => {
    expect(mysqlColumnType("json", "json", false).describe()).toBe("Json");
    expect(mysqlColumnType("tinyint", "tinyint(1)", false).describe()).toBe("Boolean");
    expect(mysqlColumnType("int", "int", false).describe()).toBe("Integer");
    expect(mysqlColumnType("decimal", "decimal(65,30)", false).describe()).toBe("Numeric(65,30)");
    expect(mysqlColumnType("longtext", "longtext", false).describe()).toBe("Text");
    expect(mysqlColumnType("geometry", "geometry", false)).toMatchObject({ kind: "Native", spelling: "geometry" });
    expect(parseEnumValues("enum('','a''b','c\\\\d')")).toEqual(["", "a'b", "c\\d"]);
  });
});
