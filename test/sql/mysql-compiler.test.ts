/** Exact SQL of the MySQL/MariaDB compiler and DDL compiler, without a database. */
import { describe, expect, it } from "vitest";
import {
  BigInteger,
  Boolean,
  check,
  column,
  CompileError,
  DateOnly,
  DateTime,
  defaultNamingConvention,
  deleteFrom,
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
  sql,
  String,
  Table,
  Text,
  Time,
  update,
  Uuid,
  type Executable,
} from "athanor";
import { insert, MySqlDialect } from "athanor/dialects/mysql";
import { insert as sqliteInsert } from "athanor/dialects/sqlite";
import { parseUrl } from "../../src/engine/url.js";
import { compile as compileFor, ddl as ddlFor } from "../support/compile.js";

type Flavor = "mysql" | "mariadb";

function dialect(flavor: Flavor = "mysql"): MySqlDialect {
  return new MySqlDialect(parseUrl(`${flavor}://x/y`));
}

/** SQL text and the value behind each placeholder (JSON paths after their transform). */
function compile(stmt: Executable<any, any> | ReturnType<typeof sql>, flavor: Flavor = "mysql"): { sql: string; params: unknown[] } {
  return compileFor(stmt, dialect(flavor));
}

function ddl(table: Table<string, any>, flavor: Flavor = "mysql"): string[] {
  return ddlFor([table], dialect(flavor));
}

function tables() {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  const users = new Table("users", md, {
    id: column(Integer, { primaryKey: true }),
    email: column(String(255), { unique: true }),
    name: column(String(100), { nullable: true }),
    prefs: column(Json, { nullable: true }),
    visits: column(Integer, { default: 0 }),
  });
  const posts = new Table("posts", md, {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { name: "author_id", foreignKey: "users.id" }),
    title: column(String(200)),
  });
  return { md, users, posts };
}

describe("MySQL expressions", () => {
  const { users } = tables();

  it("quotes with backticks, doubling embedded ones", () => {
    const md = new MetaData();
    const t = new Table("we`ird", md, { id: column(Integer, { primaryKey: true }), "a`b": column(Integer) });
    expect(compile(select(t.c["a`b"]!)).sql).toBe("SELECT `we``ird`.`a``b` FROM `we``ird`");
  });

  it("concatenates with concat(), flattening chains (|| is OR on MySQL)", () => {
    expect(compile(select(users.c.email.concat(" <").concat(users.c.email))).sql).toBe(
      "SELECT concat(`users`.`email`, ?, `users`.`email`) FROM `users`",
    );
  });

  it("spells IS [NOT] DISTINCT FROM with the null-safe <=>", () => {
    expect(compile(select(users.c.id).where(users.c.name.isDistinctFrom("x"))).sql).toBe(
      "SELECT `users`.`id` FROM `users` WHERE NOT (`users`.`name` <=> ?)",
    );
    expect(compile(select(users.c.id).where(users.c.name.isNotDistinctFrom(null))).sql).toBe(
      "SELECT `users`.`id` FROM `users` WHERE `users`.`name` <=> NULL",
    );
  });

  it("renames length, random and now", () => {
    expect(compile(select(func.length(users.c.email), func.random(), func.now())).sql).toBe(
      "SELECT char_length(`users`.`email`), rand(), CURRENT_TIMESTAMP(6) FROM `users`",
    );
  });

  it("writes LIKE escapes as MySQL string literals", () => {
    expect(compile(select(users.c.id).where(users.c.email.contains("50%"))).sql).toBe(
      "SELECT `users`.`id` FROM `users` WHERE `users`.`email` LIKE ? ESCAPE '/'",
    );
  });

  it("binds JSON paths once, as path strings", () => {
    expect(compile(select(users.c.prefs.get("theme", 0))).sql).toBe("SELECT JSON_EXTRACT(`users`.`prefs`, ?) FROM `users`");
    const text = compile(select(users.c.prefs.getText("a b")));
    expect(text.sql).toBe(
      "SELECT (CASE JSON_TYPE(JSON_EXTRACT(`users`.`prefs`, ?)) WHEN 'NULL' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(`users`.`prefs`, ?)) END) FROM `users`",
    );
    expect(text.params).toEqual(['$."a b"', '$."a b"']);
    expect(compile(select(users.c.prefs.get('say "hi"\\', 2))).params).toEqual(['$."say \\"hi\\"\\\\"[2]']);
    expect(() => compile(select(users.c.prefs.get(-1)))).toThrow(/counts from the end/);
  });

  it("casts to MySQL's CAST targets", () => {
    const s = select({
      a: users.c.email.cast(Integer),
      b: users.c.id.cast(String(20)),
      c: users.c.id.cast(Numeric(10, 2)),
      d: users.c.id.cast(Float),
      e: users.c.email.cast(DateTime),
      f: users.c.email.cast(Text),
    });
    expect(compile(s).sql).toBe(
      "SELECT CAST(`users`.`email` AS SIGNED) AS `a`, CAST(`users`.`id` AS CHAR(20)) AS `b`, CAST(`users`.`id` AS DECIMAL(10, 2)) AS `c`, CAST(`users`.`id` AS DOUBLE) AS `d`, CAST(`users`.`email` AS DATETIME(6)) AS `e`, CAST(`users`.`email` AS CHAR) AS `f` FROM `users`",
    );
    expect(compile(select(users.c.email.cast(Json))).sql).toBe("SELECT CAST(`users`.`email` AS JSON) FROM `users`");
    expect(compile(select(users.c.email.cast(Json)), "mariadb").sql).toBe("SELECT CAST(`users`.`email` AS CHAR) FROM `users`");
  });

  it("emulates NULLS FIRST/LAST and aggregate FILTER", () => {
    expect(compile(select(users.c.id).orderBy(users.c.name.asc({ nulls: "last" }))).sql).toBe(
      "SELECT `users`.`id` FROM `users` ORDER BY `users`.`name` IS NULL ASC, `users`.`name` ASC",
    );
    expect(compile(select(func.count().filter(users.c.visits.gt(1)))).sql).toBe(
      "SELECT count(CASE WHEN `users`.`visits` > ? THEN 1 END) FROM `users`",
    );
  });
});

describe("MySQL SELECT clauses", () => {
  const { users, posts } = tables();

  it("writes OFFSET without LIMIT as the largest LIMIT", () => {
    expect(compile(select(users.c.id).offset(5)).sql).toBe("SELECT `users`.`id` FROM `users` LIMIT 18446744073709551615 OFFSET ?");
    expect(compile(select(users.c.id).limit(2).offset(5)).sql).toBe("SELECT `users`.`id` FROM `users` LIMIT ? OFFSET ?");
  });

  it("adds FROM DUAL when a table-less select has WHERE", () => {
    expect(compile(select(literal(1, Integer)).where(literal(1, Integer).eq(1))).sql).toBe("SELECT ? FROM DUAL WHERE ? = ?");
    expect(compile(select(literal(1, Integer))).sql).toBe("SELECT ?");
  });

  it("locks rows per server", () => {
    const q = select(users.c.id).where(users.c.id.eq(1));
    expect(compile(q.forUpdate()).sql).toMatch(/ FOR UPDATE$/);
    expect(compile(q.forShare()).sql).toMatch(/ FOR SHARE$/);
    expect(compile(q.forShare(), "mariadb").sql).toMatch(/ LOCK IN SHARE MODE$/);
    expect(compile(q.forUpdate({ skipLocked: true }), "mariadb").sql).toMatch(/ FOR UPDATE SKIP LOCKED$/);
    expect(compile(q.forShare({ nowait: true }), "mariadb").sql).toMatch(/ LOCK IN SHARE MODE NOWAIT$/);
    expect(compile(q.forUpdate({ of: [users] })).sql).toMatch(/ FOR UPDATE OF `users`$/);
    expect(() => compile(q.forUpdate({ of: [users] }), "mariadb")).toThrow(/MariaDB 10\.11 cannot lock only some tables/);
    expect(compile(q.forUpdate({ key: true })).sql).toMatch(/ FOR UPDATE$/);
  });

  it("parenthesises compound members with their own ORDER BY/LIMIT", () => {
    const a = select(users.c.id).orderBy(users.c.id).limit(1);
    const b = select(posts.c.id);
    expect(compile(a.unionAll(b)).sql).toBe(
      "(SELECT `users`.`id` FROM `users` ORDER BY `users`.`id` LIMIT ?) UNION ALL SELECT `posts`.`id` FROM `posts`",
    );
    expect(compile(select(users.c.id).intersect(b), "mariadb").sql).toBe(
      "SELECT `users`.`id` FROM `users` INTERSECT SELECT `posts`.`id` FROM `posts`",
    );
  });

  it("refuses what neither server has", () => {
    expect(() => compile(select(users.c.id).fullJoin(posts, posts.c.authorId.eq(users.c.id)))).toThrow(CompileError);
    expect(() => compile(select(users.c.id).distinctOn(users.c.email))).toThrow(CompileError);
  });
});

describe("MySQL INSERT, UPDATE, DELETE", () => {
  const { users, posts } = tables();

  it("inserts a row of defaults with () VALUES ()", () => {
    const md = new MetaData();
    const t = new Table("counters", md, { id: column(Integer, { primaryKey: true }) });
    expect(compile(insert(t)).sql).toBe("INSERT INTO `counters` () VALUES ()");
  });

  it("upserts with a row alias on MySQL 8 and VALUES() on MariaDB", () => {
    const ins = insert(users).values({ email: "a@x", name: "Ada" });
    const upsert = ins.onDuplicateKeyUpdate({ set: { name: ins.inserted.name, visits: users.c.visits.add(1) } });
    expect(compile(upsert).sql).toBe(
      "INSERT INTO `users` (`email`, `name`, `visits`) VALUES (?, ?, ?) AS `new` ON DUPLICATE KEY UPDATE `name` = `new`.`name`, `visits` = `users`.`visits` + ?",
    );
    expect(compile(upsert, "mariadb").sql).toBe(
      "INSERT INTO `users` (`email`, `name`, `visits`) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `visits` = `users`.`visits` + ?",
    );
    expect(compile(upsert.returning(users.c.id), "mariadb").sql).toMatch(/ON DUPLICATE KEY UPDATE .* RETURNING `users`\.`id`$/);
  });

  it("keeps the proposed row out of other clauses and other dialects", () => {
    const ins = insert(users).values({ email: "a@x" });
    expect(() => compile(select(ins.inserted.email))).toThrow(/only be used in onDuplicateKeyUpdate/);
    expect(() => ins.onDuplicateKeyUpdate({ set: {} })).toThrow(/at least one column/);
    const upsert = ins.onDuplicateKeyUpdate({ set: { name: "x" } });
    expect(() => compileFor(upsert, "sqlite")).toThrow(/mysql-only syntax/);
    expect(() => compileFor(sqliteInsert(users).values({ email: "a" }).onConflictDoNothing(), "mysql")).toThrow(/onDuplicateKeyUpdate/);
  });

  it("puts a CTE inside INSERT … SELECT, where MySQL takes it", () => {
    const src = select(users.c.id.as("author_id"), users.c.email.as("title")).cte("src");
    const stmt = insert(posts).fromSelect(["authorId", "title"], select(src.c.author_id, src.c.title).from(src));
    expect(compile(stmt).sql).toBe(
      "INSERT INTO `posts` (`author_id`, `title`) WITH `src` AS (SELECT `users`.`id` AS `author_id`, `users`.`email` AS `title` FROM `users`) SELECT `src`.`author_id`, `src`.`title` FROM `src`",
    );
  });

  it("uses multi-table UPDATE and DELETE for from() and using()", () => {
    expect(compile(update(users).set({ name: posts.c.title }).from(posts).where(posts.c.authorId.eq(users.c.id))).sql).toBe(
      "UPDATE `users`, `posts` SET `users`.`name` = `posts`.`title` WHERE `posts`.`author_id` = `users`.`id`",
    );
    expect(compile(deleteFrom(posts).using(users).where(posts.c.authorId.eq(users.c.id), users.c.email.eq("x"))).sql).toBe(
      "DELETE `posts` FROM `posts`, `users` WHERE `posts`.`author_id` = `users`.`id` AND `users`.`email` = ?",
    );
  });

  it("puts WITH before UPDATE on MySQL and refuses it on MariaDB", () => {
    const ids = select(users.c.id).where(users.c.visits.gt(10)).cte("busy");
    const stmt = update(users)
      .set({ visits: 0 })
      .where(users.c.id.in(select(ids.c.id).from(ids)));
    expect(compile(stmt).sql).toMatch(/^WITH `busy` AS \(SELECT .*\) UPDATE `users` SET/);
    expect(() => compile(stmt, "mariadb")).toThrow(/MariaDB 10\.11 cannot put a WITH clause before UPDATE/);
  });

  it("has RETURNING only where the server does", () => {
    expect(() => compile(insert(users).values({ email: "a" }).returning(users.c.id))).toThrow(CompileError);
    expect(compile(insert(users).values({ email: "a" }).returning(users.c.id), "mariadb").sql).toMatch(/ RETURNING `users`\.`id`$/);
    expect(compile(deleteFrom(users).where(users.c.id.eq(1)).returning(users.c.email), "mariadb").sql).toBe(
      "DELETE FROM `users` WHERE `users`.`id` = ? RETURNING `users`.`email`",
    );
    expect(() => compile(update(users).set({ name: "x" }).returning(users.c.id), "mariadb")).toThrow(/UPDATE … RETURNING/);
  });
});

describe("MySQL DDL", () => {
  it("spells every type, AUTO_INCREMENT, comments and utf8mb4", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table(
      "everything",
      md,
      {
        id: column(BigInteger, { primaryKey: true, comment: "the key's \\ comment" }),
        s: column(String(20)),
        tx: column(Text, { nullable: true }),
        b: column(Boolean, { serverDefault: true }),
        n: column(Numeric(30, 9), { serverDefault: "0.5" }),
        f: column(Float, { nullable: true }),
        d: column(DateOnly, { nullable: true }),
        dt: column(DateTime, { serverDefault: sql`CURRENT_TIMESTAMP` }),
        tm: column(Time, { nullable: true }),
        j: column(Json, { nullable: true }),
        u: column(Uuid, { nullable: true }),
        e: column(Enum(["it's", "b\\c"]), { serverDefault: "it's" }),
        bin: column(LargeBinary, { nullable: true }),
        lower: column(String(20), { serverDefault: sql`(lower('X'))` }),
      },
      { items: (c) => [check(c.n.gt("0"), { name: "n_positive" })] },
    );
    expect(ddl(t)).toEqual([
      [
        "CREATE TABLE `everything` (",
        "\t`id` BIGINT NOT NULL AUTO_INCREMENT COMMENT 'the key''s \\\\ comment',",
        "\t`s` VARCHAR(20) NOT NULL,",
        "\t`tx` LONGTEXT,",
        "\t`b` BOOL DEFAULT 1 NOT NULL,",
        "\t`n` NUMERIC(30, 9) DEFAULT '0.5' NOT NULL,",
        "\t`f` DOUBLE,",
        "\t`d` DATE,",
        "\t`dt` DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) NOT NULL,",
        "\t`tm` TIME(6),",
        "\t`j` JSON,",
        "\t`u` CHAR(36),",
        "\t`e` ENUM('it''s', 'b\\\\c') DEFAULT 'it''s' NOT NULL,",
        "\t`bin` LONGBLOB,",
        "\t`lower` VARCHAR(20) DEFAULT ((lower('X'))) NOT NULL,",
        "\tCONSTRAINT `pk_everything` PRIMARY KEY (`id`),",
        "\tCONSTRAINT `ck_everything_n_positive` CHECK (`n` > 0)",
        ") DEFAULT CHARSET=utf8mb4",
      ].join("\n"),
    ]);
  });

  it("writes table comments, identity start and parenthesised defaults for TEXT-like columns", () => {
    const md = new MetaData();
    const t = new Table(
      "notes",
      md,
      { id: column(Integer, { primaryKey: true, identity: { start: 100 } }), body: column(Text, { serverDefault: "none" }) },
      { comment: "Notes\nand more" },
    );
    expect(ddl(t)[0]).toBe(
      "CREATE TABLE `notes` (\n\t`id` INTEGER NOT NULL AUTO_INCREMENT,\n\t`body` LONGTEXT DEFAULT ('none') NOT NULL,\n\tPRIMARY KEY (`id`)\n) DEFAULT CHARSET=utf8mb4 AUTO_INCREMENT=100 COMMENT='Notes\nand more'",
    );
  });

  it("wraps expression index items in their own parentheses on MySQL and refuses them on MariaDB", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table("people", md, { id: column(Integer, { primaryKey: true }), email: column(String(100)) }, (c) => [
      index([func.lower(c.email)], { unique: true, name: "ix_people_lower_email" }),
    ]);
    expect(ddl(t)[1]).toBe("CREATE UNIQUE INDEX `ix_people_lower_email` ON `people` ((lower(`email`)))");
    expect(() => ddl(t, "mariadb")).toThrow(
      /MariaDB 10\.11 cannot index expressions \(index ix_people_lower_email\); add a generated \(virtual\) column/,
    );
  });

  it("refuses partial indexes and indexes on TEXT-like columns", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table("docs", md, { id: column(Integer, { primaryKey: true }), body: column(Text), live: column(Boolean) }, (c) => [
      index([c.id], { where: c.live.eq(true), name: "ix_live" }),
    ]);
    expect(() => ddl(t, "mariadb")).toThrow(/MariaDB 10\.11 cannot express partial indexes \(index ix_live has a where condition\)/);
    const u = new Table("docs2", md, { id: column(Integer, { primaryKey: true }), body: column(Text, { unique: true }) });
    expect(() => ddl(u)).toThrow(/cannot index docs2\.body .* use String\(n\)/);
  });

  it("drops indexes and foreign keys the MySQL way", () => {
    const { users, posts } = tables();
    const c = dialect().createDdlCompiler();
    const ix = new Table("tagged", new MetaData({ namingConvention: defaultNamingConvention }), {
      id: column(Integer, { primaryKey: true }),
      tag: column(String(10), { index: true }),
    }).indexes[0]!;
    expect(c.dropIndex(ix)).toBe("DROP INDEX `ix_tagged_tag` ON `tagged`");
    expect(c.dropForeignKey(posts.foreignKeys[0]!)).toBe("ALTER TABLE `posts` DROP FOREIGN KEY `fk_posts_author_id_users`");
    expect(c.addForeignKey(posts.foreignKeys[0]!)).toBe(
      "ALTER TABLE `posts` ADD CONSTRAINT `fk_posts_author_id_users` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`)",
    );
    expect(users.name).toBe("users");
  });

  it("refuses types MySQL cannot hold as written", () => {
    const md = new MetaData();
    const mk = (name: string, type: Parameters<typeof column>[0]) =>
      new Table(name, md, { id: column(Integer, { primaryKey: true }), x: column(type) });
    expect(() => ddl(mk("t1", String()))).toThrow("MySQL needs a length: String(255), or use Text");
    expect(() => ddl(mk("t2", Jsonb))).toThrow(/Jsonb is a PostgreSQL type/);
    expect(() => ddl(mk("t3", Numeric()))).toThrow(/give a precision and scale/);
  });

  it("escapes string literals for MySQL (backslashes, quotes, NUL)", () => {
    const d = dialect();
    expect(d.renderLiteral("a'b\\c\u0000d", String(10))).toBe("'a''b\\\\c\\0d'");
    expect(d.renderLiteral("12345678901234567890.123456789", Numeric(30, 9))).toBe("12345678901234567890.123456789");
    expect(d.renderLiteral(true, Boolean)).toBe("1");
  });
});

describe("MySQL session and URL", () => {
  it("sets UTC and a strict sql_mode that keeps backslash escapes and backtick quoting", () => {
    const [tz, mode] = dialect().connectStatements();
    expect(tz).toBe("SET SESSION time_zone = '+00:00'");
    expect(mode).toContain("STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_VALUE_ON_ZERO");
    for (const removed of ["NO_BACKSLASH_ESCAPES", "ANSI_QUOTES", "EMPTY_STRING_IS_NULL"]) expect(mode).toContain(`',${removed},', ','`);
  });

  it("refuses unknown URL options and charsets other than utf8mb4", () => {
    const d = dialect();
    expect(() => d.createDriver(parseUrl("mysql://u@h/db?sslmode=on"), {})).toThrow(
      /unknown option 'sslmode'; supported options are ssl, charset/,
    );
    expect(() => d.createDriver(parseUrl("mysql://u@h/db?charset=latin1"), {})).toThrow(/charset must be utf8mb4/);
    expect(() => d.createDriver(parseUrl("mysql://u@h/db?ssl=maybe"), {})).toThrow(/ssl must be true/);
    expect(() => d.createDriver(parseUrl("mysql://u@h/db"), { driverOptions: { rowsAsArray: false } })).toThrow(
      /driverOptions\.rowsAsArray cannot be changed/,
    );
    expect(d.createDriver(parseUrl("mysql://u@h:3307/db?charset=utf8mb4_bin&ssl=skip-verify"), {}).options).toMatchObject({
      host: "h",
      port: 3307,
      charset: "utf8mb4_bin",
      ssl: { rejectUnauthorized: false },
    });
  });

  it("decides capabilities from the server version", () => {
    const d = dialect();
    d.applyServerVersion("10.11.6-MariaDB-0+deb12u1");
    expect(d.serverFlavor).toBe("mariadb");
    expect(d.caps).toMatchObject({
      insertReturning: true,
      deleteReturning: true,
      updateReturning: false,
      skipLocked: true,
      expressionIndexes: false,
      intersectExceptAll: true,
    });
    d.applyServerVersion("10.4.30-MariaDB");
    expect(d.caps).toMatchObject({ insertReturning: false, skipLocked: false, intersectExceptAll: false, intersectExcept: true });
    d.applyServerVersion("8.0.36");
    expect(d.serverFlavor).toBe("mysql");
    expect(d.caps).toMatchObject({
      insertReturning: false,
      lateral: true,
      expressionIndexes: true,
      skipLocked: true,
      intersectExcept: true,
    });
    expect(d.rowAliasUpsert).toBe(true);
    d.applyServerVersion("8.0.18");
    expect(d.rowAliasUpsert).toBe(false);
    expect(d.caps.intersectExcept).toBe(false);
  });
});
