/**
 * Constraint naming conventions (SQLAlchemy's MetaData.naming_convention): `%(token)s` templates per
 * constraint kind, evaluated when a table is built, and the hash truncation dialects apply to long
 * generated names. See shared/reference/naming-conventions.md for the token semantics.
 */
import { createHash } from "node:crypto";
import { ArgumentError, SchemaError } from "../../util/errors.js";
import type { Column } from "./column.js";
import type { Constraint, ResolvedName } from "./constraints.js";
import type { Table } from "./table.js";

/** A custom token: computes text from the constraint and its table. */
export type ConventionToken = (constraint: Constraint, table: Table) => string;

/**
 * Templates per constraint kind (`pk`, `fk`, `uq`, `ck`, `ix`), plus custom tokens usable inside
 * them as `%(name)s`.
 */
export interface NamingConvention {
  readonly pk?: string;
  readonly fk?: string;
  readonly uq?: string;
  readonly ck?: string;
  readonly ix?: string;
  readonly [customToken: string]: string | ConventionToken | undefined;
}

/** The convention a MetaData gets when none is given (as in SQLAlchemy): indexes only. */
export const fallbackNamingConvention: NamingConvention = Object.freeze({ ix: "ix_%(column_0_label)s" });

/**
 * The recommended convention: every constraint gets a predictable name that migrations can refer
 * to; multi-column constraints use all their columns so names do not collide.
 */
export const defaultNamingConvention: NamingConvention = Object.freeze({
  ix: "ix_%(table_name)s_%(column_0_N_name)s",
  uq: "uq_%(table_name)s_%(column_0_N_name)s",
  ck: "ck_%(table_name)s_%(constraint_name)s",
  fk: "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
  pk: "pk_%(table_name)s",
});

/** A name used exactly as given, never passed through the convention (Alembic's `op.f()`). */
export class FinalName {
  constructor(readonly value: string) {
    if (typeof value !== "string" || value.length === 0) throw new ArgumentError("conv() needs a non-empty name");
  }
  toString(): string {
    return this.value;
  }
}

/** Marks a constraint name as final: the naming convention is not applied to it again. */
export function conv(name: string): FinalName {
  return new FinalName(name);
}

const KIND_KEY = { PrimaryKey: "pk", ForeignKey: "fk", Unique: "uq", Check: "ck", Index: "ix" } as const;
const TOKEN_RE = /%\(([A-Za-z0-9_]+)\)s/g;
const COLUMN_TOKEN = /^(referred_)?column_(\d+|0N|0_N)_(name|key|label)$/;

/** Validates a convention's templates up front, so a typo fails when the MetaData is made. */
export function checkConvention(conv: NamingConvention): void {
  for (const [key, value] of Object.entries(conv)) {
    if (value === undefined) continue;
    if (key in { pk: 1, fk: 1, uq: 1, ck: 1, ix: 1 }) {
      if (typeof value !== "string") throw new ArgumentError(`naming convention '${key}' must be a template string`);
      for (const m of value.matchAll(TOKEN_RE)) {
        const token = m[1]!;
        const known =
          token === "table_name" ||
          token === "referred_table_name" ||
          token === "constraint_name" ||
          COLUMN_TOKEN.test(token) ||
          typeof conv[token] === "function";
        if (!known)
          throw new ArgumentError(
            `naming convention '${key}' uses unknown token %(${token})s; known tokens are table_name, referred_table_name, constraint_name, column_<n>_name/key/label (and 0N / 0_N forms), referred_column_…, or a custom token function in the convention`,
          );
        if (token.startsWith("referred_") && key !== "fk")
          throw new ArgumentError(`naming convention '${key}' uses %(${token})s, which only foreign keys have`);
      }
    } else if (typeof value !== "function") {
      throw new ArgumentError(`naming convention key '${key}' is not pk/fk/uq/ck/ix, so it must be a custom token function`);
    }
  }
}

function columnPart(col: Column<string, unknown, boolean>, attr: "name" | "key" | "label", table: Table): string {
  if (attr === "name") return col.name;
  if (attr === "key") return col.key;
  const owner = col.table.kind === "Table" ? (col.table as Table) : table;
  return owner.schema ? `${owner.schema.replace(/\./g, "_")}_${owner.name}_${col.name}` : `${owner.name}_${col.name}`;
}

function columnToken(
  columns: readonly Column<string, unknown, boolean>[],
  which: string,
  attr: "name" | "key" | "label",
  table: Table,
): string {
  if (which === "0N") return columns.map((c) => columnPart(c, attr, table)).join("");
  if (which === "0_N") return columns.map((c) => columnPart(c, attr, table)).join("_");
  const c = columns[Number(which)];
  return c ? columnPart(c, attr, table) : "";
}

/**
 * The name a constraint gets: the explicit name, or the convention's template filled in.
 * Returns null when the constraint stays unnamed (no template applies).
 */
export function conventionName(constraint: Constraint, table: Table): ResolvedName | null {
  const explicit = constraint.explicitName;
  if (explicit instanceof FinalName) return { value: explicit.value, truncatable: true };
  const convention = table.metadata.namingConvention;
  const template = convention[KIND_KEY[constraint.kind]];
  if (typeof template !== "string") {
    if (explicit !== undefined) return { value: explicit, truncatable: false };
    if (constraint.kind === "Index")
      throw new SchemaError(
        `index on ${table.name}(${constraint.columns.map((c) => c.name).join(", ")}) has no name and the MetaData's naming convention has no 'ix' template; give the index a name or add an 'ix' template`,
      );
    return null;
  }
  const usesConstraintName = template.includes("%(constraint_name)s");
  if (explicit !== undefined && !usesConstraintName) return { value: explicit, truncatable: false };
  if (usesConstraintName && explicit === undefined)
    throw new SchemaError(
      `the naming convention for ${constraint.kind} constraints (${JSON.stringify(template)}) uses %(constraint_name)s, so the ${constraint.kind.toLowerCase()} constraint on table ${table.name} needs an explicit name: pass { name: "…" }`,
    );
  const value = template.replace(TOKEN_RE, (_m, token: string) => {
    if (token === "table_name") return table.name;
    if (token === "constraint_name") return explicit as string;
    if (token === "referred_table_name") {
      if (constraint.kind !== "ForeignKey") return "";
      return (constraint as unknown as { referredTableName: string }).referredTableName;
    }
    const m = COLUMN_TOKEN.exec(token);
    if (m) {
      const referred = m[1] !== undefined;
      const cols = referred
        ? constraint.kind === "ForeignKey"
          ? (constraint as unknown as { resolve(): { columns: Column<string, unknown, boolean>[] } }).resolve().columns
          : []
        : constraint.columns;
      return columnToken(cols, m[2]!, m[3] as "name" | "key" | "label", table);
    }
    const custom = convention[token];
    if (typeof custom === "function") return custom(constraint, table);
    throw new SchemaError(`naming convention token %(${token})s is not known`);
  });
  return { value, truncatable: true };
}

/**
 * Shortens a generated name to `max` characters the way SQLAlchemy does: keep the start and append
 * `_` plus the last four hex digits of the name's MD5, so the result is stable and distinct.
 */
export function truncateName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("md5").update(name, "utf8").digest("hex").slice(-4);
  return `${name.slice(0, max - 8)}_${hash}`;
}
