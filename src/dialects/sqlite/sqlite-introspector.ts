/**
 * Reflection on SQLite: the PRAGMAs give columns, keys, foreign keys and indexes; constraint names
 * and CHECK conditions exist only in the CREATE statements kept in sqlite_master, which are split
 * into their clauses here. Declared types map back to the athanor types that render them, and
 * otherwise follow SQLite's type-affinity rules.
 */
import { SchemaError } from "../../util/errors.js";
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
import { catalogRows, comparableDefaultText, stripOuterParens } from "../../engine/introspection.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { IdentifierPreparer } from "../../sql/compiler/identifier-preparer.js";
import { BigInteger, Float, Integer, Numeric, SmallInteger } from "../../sql/types/numeric-types.js";
import { Enum, String as Str, Text, Uuid } from "../../sql/types/string-types.js";
import { DateOnly, DateTime, Time } from "../../sql/types/temporal-types.js";
import { Boolean as Bool, Json, LargeBinary } from "../../sql/types/misc-types.js";

type Row = unknown[];

/** Splits `text` at top-level commas (outside parentheses and quotes). */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") {
      const close = ch === "[" ? "]" : ch;
      i++;
      while (i < text.length && !(text[i] === close && text[i + 1] !== close)) i += text[i] === close ? 2 : 1;
    } else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/** The text inside the parentheses that open at or after `from`, and the index after them. */
function parenthesised(text: string, from: number): { inner: string; end: number } | undefined {
  const open = text.indexOf("(", from);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === "`") {
      i++;
      while (i < text.length && !(text[i] === ch && text[i + 1] !== ch)) i += text[i] === ch ? 2 : 1;
    } else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
  }
  return undefined;
}

/** An identifier as written (quoted or bare) at the start of `text`, unquoted. */
function leadingName(text: string): { name: string; rest: string } {
  const t = text.trimStart();
  const q = t[0];
  if (q === '"' || q === "`" || q === "[") {
    const close = q === "[" ? "]" : q;
    let i = 1;
    let name = "";
    while (i < t.length) {
      if (t[i] === close) {
        if (t[i + 1] === close && close !== "]") {
          name += close;
          i += 2;
          continue;
        }
        break;
      }
      name += t[i++];
    }
    return { name, rest: t.slice(i + 1) };
  }
  const m = /^[^\s(),]+/.exec(t);
  return { name: m ? m[0] : "", rest: t.slice(m ? m[0].length : 0) };
}

const names = (list: string): string[] => splitTopLevel(list).map((s) => leadingName(s).name);

interface Clauses {
  /** Named table- or column-level constraints, in the order written. */
  pk: { name: string | undefined } | undefined;
  fks: Array<{ name: string | undefined; columns: string[]; table: string }>;
  uniques: Array<{ name: string | undefined; columns: string[] }>;
  checks: Array<{ name: string | undefined; sql: string; column: string | undefined }>;
  /** Column collations (`name TEXT COLLATE NOCASE`), by column name. */
  collations: Map<string, string>;
}

/** The constraint clauses of a CREATE TABLE statement (names and CHECK conditions live only there). */
function parseCreateTable(createSql: string): Clauses {
  const body = parenthesised(createSql, 0);
  const out: Clauses = { pk: undefined, fks: [], uniques: [], checks: [], collations: new Map() };
  if (!body) return out;
  for (const item of splitTopLevel(body.inner)) {
    const tableLevel = /^(CONSTRAINT\s|PRIMARY\s+KEY|UNIQUE\s*\(|CHECK\s*\(|FOREIGN\s+KEY)/i.test(item);
    let column: string | undefined;
    let rest = item;
    if (!tableLevel) {
      const lead = leadingName(item);
      column = lead.name;
      rest = lead.rest;
      const collate = /\bCOLLATE\s+("(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|[\w$]+)/gi;
      for (let c = collate.exec(rest); c; c = collate.exec(rest))
        if (!inQuotes(rest, c.index)) out.collations.set(column, leadingName(c[1]!).name);
    }
    // Each constraint in the item, with the name of a preceding CONSTRAINT keyword.
    const re = /\b(CONSTRAINT|PRIMARY\s+KEY|UNIQUE|CHECK|FOREIGN\s+KEY|REFERENCES)\b/gi;
    let name: string | undefined;
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest))) {
      const word = m[1]!.toUpperCase().replace(/\s+/g, " ");
      const after = m.index + m[0].length;
      if (inQuotes(rest, m.index)) continue;
      if (word === "CONSTRAINT") {
        const lead = leadingName(rest.slice(after));
        name = lead.name;
        re.lastIndex = rest.length - lead.rest.length;
        continue;
      }
      if (word === "PRIMARY KEY") out.pk = { name };
      else if (word === "UNIQUE") {
        const p = tableLevel ? parenthesised(rest, after) : undefined;
        out.uniques.push({ name, columns: p ? names(p.inner) : [column!] });
        if (p) re.lastIndex = p.end;
      } else if (word === "CHECK") {
        const p = parenthesised(rest, after);
        if (p) {
          out.checks.push({ name, sql: p.inner.trim(), column });
          re.lastIndex = p.end;
        }
      } else if (word === "FOREIGN KEY") {
        const p = parenthesised(rest, after);
        const ref = p ? /\s*REFERENCES\s+/i.exec(rest.slice(p.end)) : null;
        if (p && ref) {
          const target = leadingName(rest.slice(p.end + ref[0].length));
          out.fks.push({ name, columns: names(p.inner), table: target.name });
          re.lastIndex = rest.length - target.rest.length;
        }
      } else if (word === "REFERENCES" && !tableLevel) {
        const target = leadingName(rest.slice(after));
        out.fks.push({ name, columns: [column!], table: target.name });
        re.lastIndex = rest.length - target.rest.length;
      }
      name = undefined;
    }
  }
  return out;
}

/** Whether position `at` of `text` is inside a quoted literal or identifier. */
function inQuotes(text: string, at: number): boolean {
  let q: string | undefined;
  for (let i = 0; i < at; i++) {
    const ch = text[i]!;
    if (q) {
      if (ch === q) q = text[i + 1] === q ? (i++, q) : undefined;
    } else if (ch === "'" || ch === '"' || ch === "`") q = ch;
  }
  return q !== undefined;
}

const ACTIONS = new Set(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT"]);

/** SQLite's foreign-key action text; NO ACTION (the default) is reported as undefined. */
function action(text: unknown): ReflectedAction | undefined {
  const t = String(text ?? "").toUpperCase();
  return ACTIONS.has(t) ? (t as ReflectedAction) : undefined;
}

/** The athanor type of a declared SQLite type (athanor's own spellings first, then SQLite's affinity rules). */
export function sqliteType(declared: string): SqlType<unknown> {
  const t = declared.trim().toUpperCase();
  const args = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
  const n = args ? Number(args[1]) : undefined;
  const base = t.replace(/\(.*$/, "").trim();
  switch (base) {
    case "INTEGER":
    case "INT":
      return Integer;
    case "SMALLINT":
      return SmallInteger;
    case "BIGINT":
      return BigInteger;
    case "BOOLEAN":
      return Bool;
    case "TEXT":
      return Text();
    case "REAL":
    case "DOUBLE":
    case "DOUBLE PRECISION":
    case "FLOAT":
      return Float;
    case "DATETIME":
    case "TIMESTAMP":
      return DateTime();
    case "DATE":
      return DateOnly();
    case "TIME":
      return Time();
    case "JSON":
      return Json();
    case "BLOB":
    case "":
      return LargeBinary;
    case "NUMERIC":
    case "DECIMAL":
      return args ? Numeric(n, args[2] === undefined ? 0 : Number(args[2])) : Numeric();
  }
  // athanor renders Uuid as CHAR(36); other fixed-length text reads as String.
  if (base === "CHAR" && n === 36) return Uuid();
  if (t.includes("INT")) return Integer;
  if (t.includes("CHAR") || t.includes("CLOB") || t.includes("TEXT")) return n === undefined ? Text() : Str(n);
  if (t.includes("BLOB")) return LargeBinary;
  if (t.includes("REAL") || t.includes("FLOA") || t.includes("DOUB")) return Float;
  return args ? Numeric(n, args[2] === undefined ? 0 : Number(args[2])) : Numeric();
}

/** `"col" IN ('a', 'b')`: the CHECK athanor's Enum emulation adds; its values, or undefined. */
function enumValues(check: string, column: string): string[] | undefined {
  const m = /^\s*(?:"((?:[^"]|"")*)"|(\w+))\s+IN\s*\(([\s\S]*)\)\s*$/i.exec(check);
  if (!m || (m[1] ?? m[2])!.replace(/""/g, '"') !== column) return undefined;
  const values: string[] = [];
  for (const part of splitTopLevel(m[3]!)) {
    const lit = /^'((?:[^']|'')*)'$/.exec(part);
    if (!lit) return undefined;
    values.push(lit[1]!.replace(/''/g, "'"));
  }
  return values;
}

export class SqliteIntrospector implements Introspector {
  constructor(private readonly preparer: IdentifierPreparer) {}

  async tableNames(conn: DriverConnection): Promise<string[]> {
    const r = await catalogRows(
      conn,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    );
    return r.map((x) => String(x[0]));
  }

  async enums(): Promise<ReflectedEnum[]> {
    return [];
  }

  comparableDefault(sql: string): string {
    return comparableDefaultText(sql);
  }

  async table(conn: DriverConnection, name: string): Promise<ReflectedTable | undefined> {
    const master = await catalogRows(conn, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]);
    if (master.length === 0) return undefined;
    const createSql = String(master[0]![0] ?? "");
    const clauses = parseCreateTable(createSql);
    const info = await catalogRows(conn, `PRAGMA table_xinfo(${this.preparer.quote(name)})`);
    // cid, name, type, notnull, dflt_value, pk, hidden
    const pkCols = info
      .filter((c) => Number(c[5]) > 0)
      .sort((a, b) => Number(a[5]) - Number(b[5]))
      .map((c) => String(c[1]));
    // A single INTEGER PRIMARY KEY column is the rowid: SQLite generates its values.
    const rowid = pkCols.length === 1 && info.some((c) => String(c[1]) === pkCols[0] && String(c[2]).toUpperCase() === "INTEGER");
    const enumChecks = new Set<(typeof clauses.checks)[number]>();
    const columns: ReflectedColumn[] = info
      .filter((c) => Number(c[6]) === 0)
      .map((c) => {
        const colName = String(c[1]);
        const typeText = String(c[2] ?? "");
        let type = sqliteType(typeText);
        if (type.kind === "String") {
          // Enum emulation: VARCHAR(n) and a CHECK that the value is one of a list.
          const ck = clauses.checks.find((k) => enumValues(k.sql, colName) !== undefined);
          if (ck) {
            type = Enum(enumValues(ck.sql, colName)!);
            enumChecks.add(ck);
          }
        }
        return {
          name: colName,
          type,
          typeText,
          nullable: Number(c[3]) === 0 && !(rowid && pkCols[0] === colName),
          default: c[4] === null || c[4] === undefined ? undefined : String(c[4]),
          autoincrement: rowid && pkCols[0] === colName,
          collation: clauses.collations.get(colName),
        };
      });
    if (columns.length === 0) throw new SchemaError(`SQLite reports no columns for table ${name}`);

    const fkRows = await catalogRows(conn, `PRAGMA foreign_key_list(${this.preparer.quote(name)})`);
    // id, seq, table, from, to, on_update, on_delete, match
    const byId = new Map<number, Row[]>();
    for (const r of fkRows) {
      const id = Number(r[0]);
      (byId.get(id) ?? byId.set(id, []).get(id)!).push(r);
    }
    const unnamedFks = [...clauses.fks];
    const foreignKeys: ReflectedForeignKey[] = [...byId.keys()]
      .sort((a, b) => b - a) // SQLite numbers foreign keys from the last one declared
      .map((id) => {
        const parts = byId.get(id)!.sort((a, b) => Number(a[1]) - Number(b[1]));
        const cols = parts.map((p) => String(p[3]));
        const referredTable = String(parts[0]![2]);
        const i = unnamedFks.findIndex((f) => f.table === referredTable && f.columns.join("\u0000") === cols.join("\u0000"));
        const declared = i >= 0 ? unnamedFks.splice(i, 1)[0] : undefined;
        // A reference written without columns points at the primary key: PRAGMA gives null for "to".
        return {
          name: declared?.name,
          columns: cols,
          referredTable,
          referredColumns: parts.map((p) => (p[4] === null ? "" : String(p[4]))),
          onDelete: action(parts[0]![6]),
          onUpdate: action(parts[0]![5]),
        };
      });
    for (const fk of foreignKeys)
      if (fk.referredColumns.some((c) => c === "")) {
        const target = await catalogRows(conn, `PRAGMA table_info(${this.preparer.quote(fk.referredTable)})`);
        const pk = target
          .filter((c) => Number(c[5]) > 0)
          .sort((a, b) => Number(a[5]) - Number(b[5]))
          .map((c) => String(c[1]));
        (fk as { referredColumns: readonly string[] }).referredColumns = pk;
      }

    const uniques: Array<{ name: string | undefined; columns: string[] }> = [];
    const indexes: ReflectedIndex[] = [];
    for (const ix of await catalogRows(conn, `PRAGMA index_list(${this.preparer.quote(name)})`)) {
      // seq, name, unique, origin, partial
      const ixName = String(ix[1]);
      const origin = String(ix[3]);
      if (origin === "pk") continue;
      const cols = (await catalogRows(conn, `PRAGMA index_xinfo(${this.preparer.quote(ixName)})`))
        .filter((c) => Number(c[5]) === 1)
        .sort((a, b) => Number(a[0]) - Number(b[0]));
      if (origin === "u") {
        const columnNames = cols.map((c) => String(c[2]));
        const declared = clauses.uniques.find((u) => u.columns.join("\u0000") === columnNames.join("\u0000"));
        uniques.push({ name: declared?.name, columns: columnNames });
        continue;
      }
      const create = await catalogRows(conn, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [ixName]);
      const text = String(create[0]?.[0] ?? "");
      const on = /\bON\s+/i.exec(text);
      const list = on ? parenthesised(text, on.index) : undefined;
      const written = list ? splitTopLevel(list.inner) : [];
      const where = list ? /^\s*WHERE\s+([\s\S]+)$/i.exec(text.slice(list.end)) : null;
      indexes.push({
        name: ixName,
        // cid -2 marks an expression: its text comes from the CREATE INDEX statement.
        items: cols.map((c, k) =>
          Number(c[1]) === -2 ? { expression: stripOuterParens((written[k] ?? "").replace(/\s+(ASC|DESC)$/i, "")) } : String(c[2]),
        ),
        unique: Number(ix[2]) === 1,
        where: where ? where[1]!.trim() : undefined,
      });
    }
    indexes.sort((a, b) => (a.name < b.name ? -1 : 1));

    return {
      name,
      columns,
      primaryKey: pkCols.length ? { name: clauses.pk?.name, columns: pkCols } : undefined,
      foreignKeys,
      uniques,
      indexes,
      checks: clauses.checks.filter((k) => !enumChecks.has(k)).map((k) => ({ name: k.name, sql: k.sql })),
    };
  }
}
