/**
 * Reflection of a live PostgreSQL database: reads pg_catalog for the connection's
 * `current_schema()` and reports tables, columns, keys, indexes, checks and enum types as the
 * neutral records of engine/introspection.ts. Types map back to the athanor types whose DDL
 * (postgres-types.ts) produces them; a column whose type has no athanor counterpart is an error
 * naming the table, the column and the type, never a silent approximation.
 */
import { SchemaError } from "../../util/errors.js";
import { NativeType } from "../../sql/types/native-type.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import { BigInteger, Float, Integer, Numeric, SmallInteger } from "../../sql/types/numeric-types.js";
import { Enum, String as StringT, Text, Uuid } from "../../sql/types/string-types.js";
import { DateOnly, DateTime, Time } from "../../sql/types/temporal-types.js";
import { Boolean as BooleanT, Json, Jsonb, LargeBinary } from "../../sql/types/misc-types.js";
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

type Row = readonly unknown[];

const str = (v: unknown): string => String(v);
const optStr = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const bool = (v: unknown): boolean => v === true || v === "t" || v === "true";

/** ON DELETE / ON UPDATE codes of pg_constraint; NO ACTION (the default) reads as undefined, like a model without the option. */
const ACTIONS: Readonly<Record<string, ReflectedAction | undefined>> = {
  a: undefined,
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

/** Types whose modifier does not matter to athanor (no parameters, or a precision athanor does not model). */
const PLAIN_TYPES: Readonly<Record<string, SqlType<unknown>>> = {
  int2: SmallInteger,
  int4: Integer,
  int8: BigInteger as SqlType<unknown>,
  float8: Float,
  // REAL is a 32-bit float; athanor's Float is the one floating-point type (typeText keeps `real`).
  float4: Float,
  bool: BooleanT,
  text: Text(),
  // TIMESTAMP(p) / TIME(p) precisions are not modelled; typeText keeps them.
  timestamptz: DateTime({ timezone: true }) as SqlType<unknown>,
  timestamp: DateTime() as SqlType<unknown>,
  date: DateOnly(),
  time: Time(),
  uuid: Uuid(),
  json: Json(),
  jsonb: Jsonb(),
  bytea: LargeBinary as SqlType<unknown>,
};

/** NUMERIC's typmod: `((precision << 16) | scale) + 4`, the scale an 11-bit signed number (PostgreSQL 15 allows negative scales). */
function numericType(typmod: number): SqlType<unknown> {
  if (typmod < 0) return Numeric();
  const packed = typmod - 4;
  const precision = (packed >> 16) & 0xffff;
  let scale = packed & 0x7ff;
  if (scale & 0x400) scale -= 0x800;
  return Numeric(precision, scale);
}

/** What a column query row says about a type, for {@link columnType}. */
interface TypeInfo {
  readonly typname: string;
  readonly typtype: string;
  /** The type lives in pg_catalog (a user type of the same name elsewhere is not the built-in one). */
  readonly builtin: boolean;
  readonly typmod: number;
  readonly typeText: string;
  readonly enumValues: readonly string[] | undefined;
}

function columnType(table: string, column: string, t: TypeInfo): SqlType<unknown> {
  if (t.typtype === "e") {
    if (!t.enumValues?.length)
      throw new SchemaError(`table ${table}, column ${column}: enum type ${t.typeText} has no values, which athanor's Enum cannot express`);
    return Enum(t.enumValues, { name: t.typname }) as SqlType<unknown>;
  }
  if (t.typtype === "b" && t.builtin) {
    if (t.typname === "varchar") return StringT(t.typmod < 0 ? undefined : t.typmod - 4);
    if (t.typname === "numeric") return numericType(t.typmod);
    const plain = PLAIN_TYPES[t.typname];
    if (plain) return plain;
  }
  // char(n), arrays, domains, intervals, inet…: no athanor type matches; the column keeps the spelling.
  return new NativeType(t.typeText);
}

/** `CHECK (cond)` (optionally followed by NOT VALID / NO INHERIT) → `cond`. */
export function checkCondition(def: string): string {
  let s = def.trim();
  if (!/^CHECK\s*\(/i.test(s)) return s;
  s = s.replace(/^CHECK\s*\(/i, "");
  // Find the parenthesis closing `CHECK (`, skipping quoted text.
  let depth = 1;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) {
        if (s[i + 1] === quote) i++;
        else quote = undefined;
      }
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return s.slice(0, i).trim();
  }
  return s.trim();
}

const TABLE_KINDS = "('r', 'p')";

/**
 * Catalog reader of PostgreSQL (12 and later). Not reflected: DEFERRABLE foreign keys, index
 * sort order / operator classes / collations / access methods / INCLUDE columns, exclusion
 * constraints, generated-column expressions, column collations and TIMESTAMP/TIME precisions.
 */
export class PostgresIntrospector implements Introspector {
  async tableNames(conn: DriverConnection): Promise<string[]> {
    const rows = await catalogRows(
      conn,
      "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        // Partitions are part of their partitioned table, which the model declares; listing them
        // would make autogenerate propose dropping them.
        `WHERE c.relkind IN ${TABLE_KINDS} AND NOT c.relispartition AND n.nspname = current_schema()`,
    );
    return rows.map((r) => str(r[0])).sort();
  }

  /** PostgreSQL stores defaults with casts (`'x'::character varying`) and spells the current time `now()`. */
  comparableDefault(sql: string): string {
    let t = sql;
    for (let before = ""; before !== t;) {
      before = t;
      t = stripOuterParens(t).replace(/::[\w ]+(\[\])?$/, "");
    }
    t = comparableDefaultText(t);
    return t === "now()" ? "current_timestamp" : t;
  }

  async enums(conn: DriverConnection): Promise<ReflectedEnum[]> {
    const rows = await catalogRows(
      conn,
      "SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " +
        "LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid " +
        "WHERE t.typtype = 'e' AND n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder",
    );
    const byName = new Map<string, string[]>();
    for (const [name, label] of rows) {
      const values = byName.get(str(name)) ?? [];
      if (label !== null && label !== undefined) values.push(str(label));
      byName.set(str(name), values);
    }
    return [...byName.keys()].sort().map((name) => ({ name, values: byName.get(name)! }));
  }

  async table(conn: DriverConnection, name: string): Promise<ReflectedTable | undefined> {
    const found = await catalogRows(
      conn,
      "SELECT c.oid::text, pg_catalog.obj_description(c.oid, 'pg_class') FROM pg_catalog.pg_class c " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        `WHERE c.relname = $1 AND c.relkind IN ${TABLE_KINDS} AND n.nspname = current_schema()`,
      [name],
    );
    if (found.length === 0) return undefined;
    const oid = str(found[0]![0]);
    const comment = optStr(found[0]![1]);
    // One connection runs one query at a time, so these go one after another.
    const columns = await this.#columns(conn, name, oid);
    const constraints = await this.#constraints(conn, oid);
    const indexes = await this.#indexes(conn, oid);
    return { name, columns, ...constraints, indexes, ...(comment !== undefined ? { comment } : {}) };
  }

  async #columns(conn: DriverConnection, table: string, oid: string): Promise<ReflectedColumn[]> {
    const enumRows = await catalogRows(
      conn,
      "SELECT e.enumtypid::text, e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid IN " +
        "(SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped) " +
        "ORDER BY e.enumtypid, e.enumsortorder",
      [oid],
    );
    const enumValues = new Map<string, string[]>();
    for (const [typ, label] of enumRows) {
      const list = enumValues.get(str(typ)) ?? [];
      list.push(str(label));
      enumValues.set(str(typ), list);
    }
    // The sequence a column owns: SERIAL (dependency 'a') or identity (dependency 'i').
    const rows = await catalogRows(
      conn,
      "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, " +
        "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, " +
        "pg_catalog.col_description(a.attrelid, a.attnum), t.typname, t.typtype, a.atttypmod, a.atttypid::text, " +
        "t.typnamespace = 'pg_catalog'::regnamespace, " +
        "seq.seqname, seq.seqstart::text, seq.seqincrement::text " +
        "FROM pg_catalog.pg_attribute a " +
        "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid " +
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
        "LEFT JOIN LATERAL (SELECT s.oid::regclass::text AS seqname, ps.seqstart, ps.seqincrement " +
        "  FROM pg_catalog.pg_depend dep JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S' " +
        "  JOIN pg_catalog.pg_sequence ps ON ps.seqrelid = s.oid " +
        "  WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refclassid = 'pg_catalog.pg_class'::regclass " +
        "    AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i') LIMIT 1) seq ON true " +
        "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      [oid],
    );
    return rows.map((r): ReflectedColumn => {
      const name = str(r[0]);
      const typeText = str(r[1]);
      const identityCode = optStr(r[4]) ?? "";
      const generated = optStr(r[5]) ?? "";
      let def = optStr(r[3]);
      const comment = optStr(r[6]);
      const type = columnType(table, name, {
        typname: str(r[7]),
        typtype: str(r[8]),
        typmod: Number(r[9]),
        typeText,
        enumValues: enumValues.get(str(r[10])),
        builtin: bool(r[11]),
      });
      const seqName = optStr(r[12]);
      let autoincrement = false;
      let identity: ReflectedColumn["identity"];
      if (identityCode === "a" || identityCode === "d") {
        autoincrement = true;
        const start = Number(r[13]);
        const increment = Number(r[14]);
        // Only settings that differ from PostgreSQL's defaults, so a model saying nothing compares equal.
        identity = {
          always: identityCode === "a",
          ...(Number.isFinite(start) && start !== (increment < 0 ? -1 : 1) ? { start } : {}),
          ...(Number.isFinite(increment) && increment !== 1 ? { increment } : {}),
        };
      } else if (seqName !== undefined && def !== undefined && def === `nextval(${quoteLiteral(seqName)}::regclass)`) {
        // SERIAL: the default only feeds the column's own sequence.
        autoincrement = true;
        def = undefined;
      }
      // A generated column's expression is not a default (and the records have no place for it yet).
      if (generated !== "") def = undefined;
      return {
        name,
        type,
        typeText,
        nullable: !bool(r[2]),
        default: def,
        autoincrement,
        ...(identity ? { identity } : {}),
        ...(comment !== undefined ? { comment } : {}),
      };
    });
  }

  async #constraints(
    conn: DriverConnection,
    oid: string,
  ): Promise<Pick<ReflectedTable, "primaryKey" | "foreignKeys" | "uniques" | "checks">> {
    const rows = await catalogRows(
      conn,
      "SELECT con.conname, con.contype, la.attname, ra.attname, rc.relname, " +
        "CASE WHEN rn.nspname = current_schema() THEN NULL ELSE rn.nspname END, " +
        "con.confdeltype, con.confupdtype, " +
        "CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END " +
        "FROM pg_catalog.pg_constraint con " +
        "LEFT JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true " +
        "LEFT JOIN pg_catalog.pg_attribute la ON la.attrelid = con.conrelid AND la.attnum = k.attnum " +
        "LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[k.ord::int] " +
        "LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid " +
        "LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace " +
        "WHERE con.conrelid = $1::oid AND con.contype IN ('p', 'u', 'f', 'c') ORDER BY con.conname, k.ord",
      [oid],
    );
    interface Group {
      type: string;
      columns: string[];
      referred: string[];
      row: Row;
    }
    const groups = new Map<string, Group>();
    for (const r of rows) {
      const name = str(r[0]);
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { type: str(r[1]), columns: [], referred: [], row: r }));
      if (r[2] !== null && r[2] !== undefined) g.columns.push(str(r[2]));
      if (r[3] !== null && r[3] !== undefined) g.referred.push(str(r[3]));
    }
    let primaryKey: ReflectedTable["primaryKey"];
    const foreignKeys: ReflectedForeignKey[] = [];
    const uniques: { name: string; columns: string[] }[] = [];
    const checks: { name: string; sql: string }[] = [];
    for (const [name, g] of groups) {
      switch (g.type) {
        case "p":
          primaryKey = { name, columns: g.columns };
          break;
        case "u":
          uniques.push({ name, columns: g.columns });
          break;
        case "c":
          checks.push({ name, sql: checkCondition(str(g.row[8])) });
          break;
        case "f": {
          const schema = optStr(g.row[5]);
          const table = str(g.row[4]);
          foreignKeys.push({
            name,
            columns: g.columns,
            referredTable: schema === undefined ? table : `${schema}.${table}`,
            referredColumns: g.referred,
            onDelete: ACTIONS[str(g.row[6])],
            onUpdate: ACTIONS[str(g.row[7])],
          });
          break;
        }
      }
    }
    return { primaryKey, foreignKeys, uniques, checks };
  }

  /** Indexes that no PRIMARY KEY, UNIQUE or EXCLUDE constraint owns; key items only (INCLUDE columns are left out). */
  async #indexes(conn: DriverConnection, oid: string): Promise<ReflectedIndex[]> {
    const rows = await catalogRows(
      conn,
      "SELECT ic.relname, i.indisunique, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), " +
        "i.indkey[k.n - 1], a.attname, pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true) " +
        "FROM pg_catalog.pg_index i " +
        "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid " +
        "CROSS JOIN LATERAL generate_series(1, i.indnkeyatts) AS k(n) " +
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k.n - 1] AND i.indkey[k.n - 1] <> 0 " +
        "WHERE i.indrelid = $1::oid AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con " +
        "  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x')) " +
        "ORDER BY ic.relname, k.n",
      [oid],
    );
    const out = new Map<string, { name: string; items: Array<string | { expression: string }>; unique: boolean; where?: string }>();
    for (const r of rows) {
      const name = str(r[0]);
      let ix = out.get(name);
      if (!ix) {
        const where = optStr(r[2]);
        out.set(name, (ix = { name, items: [], unique: bool(r[1]), ...(where !== undefined ? { where } : {}) }));
      }
      const attnum = Number(r[3]);
      ix.items.push(attnum !== 0 && r[4] !== null && r[4] !== undefined ? str(r[4]) : { expression: str(r[5]) });
    }
    return [...out.values()];
  }
}

/** A SQL string literal as pg_get_expr writes a sequence name in `nextval('…'::regclass)` (names without backslashes). */
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
