/**
 * What every comparator works with: the dialect (type spellings, identifier limits), the filters,
 * and the name a model constraint has in the database (its convention name, truncated as the
 * dialect truncates it when creating it).
 */
import type { Dialect } from "../../engine/dialect.js";
import type { Constraint } from "../../sql/schema/constraints.js";

/** An object autogenerate may look at, for `include`. */
export interface CompareObject {
  readonly type: "table" | "column" | "index" | "unique" | "foreignKey" | "check" | "enum";
  readonly name: string;
  /** The table of a column, index or constraint. */
  readonly table?: string;
  /** Whether the object exists in the database (reflected) or only in the model. */
  readonly reflected: boolean;
}

export interface CompareOptions {
  /** Leaves objects out of the comparison (e.g. tables another tool manages). Default: all. */
  readonly include?: (object: CompareObject) => boolean;
  /**
   * Compares server defaults too. Off by default, as in Alembic: databases rewrite default
   * expressions (`'x'::character varying`, `current_timestamp()`), so only simple ones compare reliably.
   */
  readonly compareServerDefault?: boolean;
}

export interface CompareContext {
  readonly dialect: Dialect;
  readonly options: CompareOptions;
}

/** The `include` filter for objects of one type (and table): whether the one named takes part. */
export function includer(ctx: CompareContext, type: CompareObject["type"], table?: string): (name: string, reflected: boolean) => boolean {
  const include = ctx.options.include;
  return include ? (name, reflected) => include({ type, name, table, reflected }) : () => true;
}

/** The name a model constraint has in the database, or undefined when the database names it. */
export function dbName(ctx: CompareContext, constraint: Constraint): string | undefined {
  const n = constraint.resolvedName;
  return n ? ctx.dialect.preparer.fittedName(n) : undefined;
}
