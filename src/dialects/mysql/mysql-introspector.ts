/**
 * Reflection of a MySQL/MariaDB database (the connection's current database, `DATABASE()`) from
 * information_schema, into the neutral records of engine/introspection.ts. Used through
 * MySqlDialect.introspector.
 *
 * Mapping decisions (each chosen so a table athanor created reflects back as its own model):
 * - Types map back to what MySqlTypeCompiler renders: `tinyint(1)` is Boolean, `char(36)` is Uuid,
 *   `longtext` with MariaDB's `json_valid(col)` CHECK (how MariaDB stores JSON) is Json, DATETIME
 *   and TIMESTAMP are DateTime (athanor renders both DateTime flavours as DATETIME(6): the timezone
 *   flag cannot be recovered and is reported false), ENUM(...) is Enum(values). Types athanor has
 *   no exact match for map to the nearest one (other `char(n)`: String(n); `tinyint`/`year`:
 *   SmallInteger; `mediumint`: Integer; single-precision `float`: Float; any TEXT: Text; any BLOB or
 *   (VAR)BINARY: LargeBinary; `bit(1)`: Boolean; SET: Text). Unsigned integers keep their signed
 *   athanor type (`typeText` says `unsigned`). Anything else (spatial types…) is a NativeType with its spelling.
 * - Defaults: "no default" is undefined, including MariaDB's `NULL` for a nullable column and an
 *   explicit DEFAULT NULL (they behave the same). MariaDB (10.2.7+) reports defaults as SQL text
 *   and is passed through; MySQL reports literals unquoted and expressions (EXTRA
 *   DEFAULT_GENERATED) bare, so literals of non-numeric columns are quoted and expressions other
 *   than CURRENT_TIMESTAMP are parenthesised, as MySqlDdlCompiler writes them.
 * - The primary key is always called PRIMARY: its name is reported undefined.
 * - Foreign key actions RESTRICT and NO ACTION are reported undefined: they are the server's
 *   default, InnoDB treats them the same, and a model without onDelete/onUpdate must compare equal.
 * - A unique index is a UNIQUE constraint for MySQL (TABLE_CONSTRAINTS lists both): plain-column
 *   unique indexes are reported in `uniques`, never in `indexes`, whether created by
 *   `CONSTRAINT … UNIQUE` or `CREATE UNIQUE INDEX`. Unique indexes with expression or prefix items
 *   go to `indexes` with unique: true.
 * - MySQL creates an index on a foreign key's columns when none exists, named like the constraint
 *   (or like its first column when the constraint was created without a name); that index (that
 *   name, exactly the key's columns) is left out, since a model never declares it.
 * - Index items: a column name, or `{ expression }` for MySQL 8 functional key parts, prefix parts
 *   (`` `col`(10) ``) and descending parts (`` `col` DESC ``). MariaDB has no functional indexes
 *   (it indexes virtual columns instead) and MySQL has no partial indexes, so `where` is never set.
 *   FULLTEXT and SPATIAL indexes are reported like ordinary ones.
 * - CHECK constraints come from CHECK_CONSTRAINTS (MariaDB 10.2+, MySQL 8.0.16+; earlier servers
 *   report none); MariaDB's json_valid checks on JSON columns are left out. athanor adds no checks of
 *   its own on MySQL (ENUM is native, Boolean is tinyint(1)).
 */
import type { DriverConnection } from "../../engine/dialect.js";
import type {
  Introspector,
  ReflectedAction,
  ReflectedColumn,
  ReflectedEnum,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedTable,
} from "../../engine/introspection.js";
import { catalogRows, comparableDefaultText } from "../../engine/introspection.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import { NativeType } from "../../sql/types/native-type.js";
import { BigInteger, Float, Integer, Numeric, SmallInteger } from "../../sql/types/numeric-types.js";
import { Enum, String as StringOf, Text, Uuid } from "../../sql/types/string-types.js";
import { DateOnly, DateTime, Time } from "../../sql/types/temporal-types.js";
import { Boolean, Json, LargeBinary } from "../../sql/types/misc-types.js";
import { mysqlStringLiteral } from "./mysql-types.js";

/** What the server is, for the catalog differences between MySQL and MariaDB. */
interface Server {
  readonly mariadb: boolean;
  /** STATISTICS.EXPRESSION exists (MySQL 8.0.13+). */
  readonly indexExpressions: boolean;
  /** information_schema.CHECK_CONSTRAINTS exists (MariaDB 10.2+, MySQL 8.0.16+). */
  readonly checks: boolean;
}

function versionAtLeast(version: string, major: number, minor: number, patch: number): boolean {
  const [a = 0, b = 0, c = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1) ?? []).map(Number);
  if (a !== major) return a > major;
  if (b !== minor) return b > minor;
  return c >= patch;
}

type Row = readonly unknown[];

function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Buffer.isBuffer(v)) return v.toString("utf8");
  return String(v);
}

function optionalText(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : text(v);
}

/** The values of `enum('a','b''c')` / `set(...)`, as COLUMN_TYPE spells them. */
export function parseEnumValues(columnType: string): string[] {
  const open = columnType.indexOf("(");
  const body = columnType.slice(open + 1, columnType.lastIndexOf(")"));
  const values: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] !== "'") {
      i++;
      continue;
    }
    let value = "";
    i++;
    while (i < body.length) {
      const ch = body[i]!;
      if (ch === "'") {
        if (body[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      if (ch === "\\" && i + 1 < body.length) {
        const next = body[i + 1]!;
        value += next === "0" ? "\u0000" : next === "n" ? "\n" : next === "t" ? "\t" : next === "r" ? "\r" : next;
        i += 2;
        continue;
      }
      value += ch;
      i++;
    }
    values.push(value);
  }
  return values;
}

/** The `(a, b)` numbers of a COLUMN_TYPE such as `decimal(10,2)`. */
function typeArgs(columnType: string): number[] {
  const m = /^\w+\s*\(([\d\s,]+)\)/.exec(columnType);
  return m ? m[1]!.split(",").map((s) => Number(s.trim())) : [];
}

/** The athanor type of a column, from DATA_TYPE and COLUMN_TYPE (json: MariaDB's JSON check seen). */
export function mysqlColumnType(dataType: string, columnType: string, json: boolean): SqlType<unknown> {
  const lower = columnType.toLowerCase();
  switch (dataType.toLowerCase()) {
    case "tinyint":
      return /^tinyint\(1\)/.test(lower) ? Boolean : SmallInteger;
    case "bool":
    case "boolean":
      return Boolean;
    case "smallint":
    case "year":
      return SmallInteger;
    case "mediumint":
    case "int":
    case "integer":
      return Integer;
    case "bigint":
      return BigInteger;
    case "decimal":
    case "numeric":
    case "fixed":
    case "dec": {
      const [p, s] = typeArgs(lower);
      return Numeric(p, s ?? 0);
    }
    case "double":
    case "real":
    case "float":
    case "double precision":
      return Float;
    case "varchar":
    case "char": {
      const [n] = typeArgs(lower);
      if (dataType.toLowerCase() === "char" && n === 36) return Uuid();
      return StringOf(n);
    }
    case "tinytext":
    case "text":
    case "mediumtext":
    case "longtext":
      return json ? Json() : Text();
    case "json":
      return Json();
    case "date":
      return DateOnly();
    case "datetime":
    case "timestamp":
      return DateTime();
    case "time":
      return Time();
    case "enum":
      return Enum(parseEnumValues(columnType));
    case "set":
      return Text();
    case "tinyblob":
    case "blob":
    case "mediumblob":
    case "longblob":
    case "binary":
    case "varbinary":
      return LargeBinary;
    case "bit":
      return typeArgs(lower)[0] === 1 ? Boolean : LargeBinary;
    default:
      // Spatial and other types athanor has no class for keep their spelling.
      return new NativeType(columnType);
  }
}

const NUMERIC_KINDS = new Set(["Integer", "SmallInteger", "BigInteger", "Numeric", "Float", "Boolean"]);
const CURRENT_TIMESTAMP_RE = /^(current_timestamp|now|localtime|localtimestamp)(\(\d*\))?$/i;

/**
 * The default as SQL text, or undefined for none. MariaDB reports SQL text already (`'x'`, `1.50`,
 * `current_timestamp(6)`, `NULL`); MySQL reports literal values unquoted and flags expressions.
 */
export function mysqlDefault(raw: string | undefined, extra: string, type: SqlType<unknown>, mariadb: boolean): string | undefined {
  if (raw === undefined) return undefined;
  if (mariadb) return /^null$/i.test(raw.trim()) ? undefined : raw;
  if (/\bDEFAULT_GENERATED\b/i.test(extra)) {
    // MySQL 8 writes string literals inside expressions with an introducer and escaped quotes:
    // _utf8mb4\'x\' for 'x'.
    const expr = raw.trim().replace(/_[a-z0-9]+\\'((?:[^\\]|\\.)*?)\\'/gi, (_m, body: string) => `'${body.replace(/\\'/g, "''")}'`);
    if (CURRENT_TIMESTAMP_RE.test(expr)) return expr;
    return wrapped(expr) ? expr : `(${expr})`;
  }
  if (NUMERIC_KINDS.has(type.kind) && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return raw;
  if (/^b'[01]*'$/.test(raw)) return raw;
  return mysqlStringLiteral(raw);
}

/** Whether the whole text is one parenthesised group: `(1 + 2)` but not `(1) + (2)`. */
function wrapped(expr: string): boolean {
  if (!expr.startsWith("(") || !expr.endsWith(")")) return false;
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"' || ch === "`") quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0 && i < expr.length - 1) return false;
  }
  return true;
}

/** RESTRICT and NO ACTION (the default, the same thing on InnoDB) are reported as undefined. */
function action(rule: unknown): ReflectedAction | undefined {
  const r = text(rule).toUpperCase();
  if (r === "CASCADE" || r === "SET NULL" || r === "SET DEFAULT") return r;
  return undefined;
}

function jsonCheckColumn(clause: string): string | undefined {
  return /^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$/i.exec(clause)?.[1]?.replace(/``/g, "`");
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export class MySqlIntrospector implements Introspector {
  async tableNames(conn: DriverConnection): Promise<string[]> {
    const r = await conn.execute(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
      [],
      {},
    );
    return (r.rows ?? []).map((row) => text(row[0])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async enums(_conn: DriverConnection): Promise<ReflectedEnum[]> {
    return [];
  }

  /** MariaDB reports the current time as `current_timestamp()`. */
  comparableDefault(sql: string): string {
    const t = comparableDefaultText(sql);
    return t === "current_timestamp()" ? "current_timestamp" : t;
  }

  async table(conn: DriverConnection, name: string): Promise<ReflectedTable | undefined> {
    // Every catalog query of a table takes its name.
    const query = (sql: string, params: readonly unknown[] = [name]): Promise<Row[]> => catalogRows(conn, sql, params);
    const tables = await query(
      "SELECT TABLE_NAME, TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED')",
    );
    const tableRow = tables.find((row) => text(row[0]) === name);
    if (!tableRow) return undefined;
    const server = await this.#server(conn);

    // CHECK constraints first: MariaDB's json_valid checks decide which LONGTEXT columns are JSON.
    let checkRows: Row[] = [];
    if (server.checks)
      checkRows = server.mariadb
        ? await query(
            "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME",
          )
        : await query(
            "SELECT cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = DATABASE() AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY cc.CONSTRAINT_NAME",
          );

    const columnRows = await query(
      "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
    );
    const textColumns = new Set(columnRows.filter((row) => /text$/i.test(text(row[1]))).map((row) => text(row[0])));
    const jsonColumns = new Set<string>();
    const checks: { name: string | undefined; sql: string }[] = [];
    for (const row of checkRows) {
      const clause = text(row[1]);
      const jsonColumn = jsonCheckColumn(clause);
      if (server.mariadb && jsonColumn !== undefined && textColumns.has(jsonColumn)) {
        jsonColumns.add(jsonColumn);
        continue;
      }
      checks.push({ name: text(row[0]), sql: clause });
    }

    const columns: ReflectedColumn[] = columnRows.map((row) => {
      const columnName = text(row[0]);
      const columnType = text(row[2]);
      const extra = text(row[5]);
      const type = mysqlColumnType(text(row[1]), columnType, jsonColumns.has(columnName));
      const comment = text(row[6]);
      return {
        name: columnName,
        type,
        typeText: columnType,
        nullable: text(row[3]).toUpperCase() === "YES",
        default: mysqlDefault(optionalText(row[4]), extra, type, server.mariadb),
        autoincrement: /\bauto_increment\b/i.test(extra),
        comment: comment === "" ? undefined : comment,
      };
    });

    const constraintRows = await query(
      "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    );
    const keyRows = await query(
      "SELECT CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION",
    );
    const ruleRows = await query(
      "SELECT CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
    );
    const statRows = await query(
      `SELECT INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, ${server.indexExpressions ? "EXPRESSION" : "NULL"} FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
    );

    const keyColumns = new Map<string, { columns: string[]; referredTable: string; referredColumns: string[] }>();
    for (const row of keyRows) {
      const constraint = text(row[0]);
      let entry = keyColumns.get(constraint);
      if (!entry) keyColumns.set(constraint, (entry = { columns: [], referredTable: text(row[2]), referredColumns: [] }));
      entry.columns.push(text(row[1]));
      if (row[3] !== null && row[3] !== undefined) entry.referredColumns.push(text(row[3]));
    }

    let primaryKey: ReflectedTable["primaryKey"];
    const foreignKeys: ReflectedForeignKey[] = [];
    const uniqueNames = new Set<string>();
    const rules = new Map(ruleRows.map((row) => [text(row[0]), row] as const));
    for (const row of constraintRows) {
      const constraint = text(row[0]);
      const kind = text(row[1]).toUpperCase();
      if (kind === "PRIMARY KEY") {
        primaryKey = { name: undefined, columns: keyColumns.get(constraint)?.columns ?? [] };
      } else if (kind === "FOREIGN KEY") {
        const key = keyColumns.get(constraint);
        const rule = rules.get(constraint);
        foreignKeys.push({
          name: constraint,
          columns: key?.columns ?? [],
          referredTable: key?.referredTable ?? "",
          referredColumns: key?.referredColumns ?? [],
          onDelete: action(rule?.[1]),
          onUpdate: action(rule?.[2]),
        });
      } else if (kind === "UNIQUE") uniqueNames.add(constraint);
    }
    foreignKeys.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));

    // Group STATISTICS rows into indexes (rows come ordered by index name, then key part).
    const grouped = new Map<string, { unique: boolean; items: (string | { expression: string })[]; plain: boolean }>();
    for (const row of statRows) {
      const indexName = text(row[0]);
      let entry = grouped.get(indexName);
      if (!entry) grouped.set(indexName, (entry = { unique: Number(row[1]) === 0, items: [], plain: true }));
      const column = optionalText(row[2]);
      const subPart = row[3] === null || row[3] === undefined ? undefined : Number(row[3]);
      const descending = text(row[4]).toUpperCase() === "D";
      const expression = optionalText(row[5]);
      if (column !== undefined && subPart === undefined && !descending) {
        entry.items.push(column);
        continue;
      }
      entry.plain = false;
      let item = column !== undefined ? `\`${column.replace(/`/g, "``")}\`` : `(${expression ?? ""})`;
      if (subPart !== undefined) item += `(${subPart})`;
      if (descending) item += " DESC";
      entry.items.push({ expression: item });
    }

    const uniques: { name: string | undefined; columns: string[] }[] = [];
    const indexes: ReflectedIndex[] = [];
    for (const [indexName, entry] of grouped) {
      if (indexName === "PRIMARY") continue;
      if (entry.unique && entry.plain && uniqueNames.has(indexName)) {
        uniques.push({ name: indexName, columns: entry.items as string[] });
        continue;
      }
      // The index MySQL adds for a foreign key that no other index serves.
      // InnoDB names the index it adds after the constraint, or after the first column when the constraint has no name given.
      if (
        !entry.unique &&
        entry.plain &&
        foreignKeys.some((fk) => (fk.name === indexName || fk.columns[0] === indexName) && sameList(fk.columns, entry.items))
      )
        continue;
      indexes.push({ name: indexName, items: entry.items, unique: entry.unique });
    }
    // UNIQUE constraints STATISTICS did not list (should not happen): columns from KEY_COLUMN_USAGE.
    for (const constraint of uniqueNames)
      if (!grouped.has(constraint)) uniques.push({ name: constraint, columns: keyColumns.get(constraint)?.columns ?? [] });
    uniques.sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
    indexes.sort((a, b) => (a.name < b.name ? -1 : 1));

    const tableComment = text(tableRow[1]);
    return {
      name,
      columns,
      primaryKey,
      foreignKeys,
      uniques,
      indexes,
      checks,
      comment: tableComment === "" ? undefined : tableComment,
    };
  }

  async #server(conn: DriverConnection): Promise<Server> {
    let version = conn.serverVersion;
    if (!version) {
      const r = await conn.execute("SELECT VERSION()", [], {});
      version = text(r.rows?.[0]?.[0]);
    }
    const mariadb = /mariadb/i.test(version);
    return {
      mariadb,
      indexExpressions: !mariadb && versionAtLeast(version, 8, 0, 13),
      checks: mariadb ? versionAtLeast(version, 10, 2, 1) : versionAtLeast(version, 8, 0, 16),
    };
  }
}
