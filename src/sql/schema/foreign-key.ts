/**
 * Foreign keys: column-level `foreignKey: "users.id"` and table-level composite constraints.
 * Targets may be strings resolved lazily through the MetaData (so tables can be declared in any
 * order), columns, or thunks returning columns.
 */
import { ArgumentError, SchemaError, describeValue } from "../../util/errors.js";
import type { Column, ForeignKeyRef, ReferentialAction } from "./column.js";
import { Constraint, type ConstraintNameOption } from "./constraints.js";
import type { Table } from "./table.js";

/** What a foreign key points at: `"table.column"`, `"schema.table.column"`, a column, or a thunk. */
export type ForeignKeyTarget = string | Column<string, any, boolean> | (() => Column<string, any, boolean>);

/** Options of a foreign key. */
export interface ForeignKeyOptions {
  name?: ConstraintNameOption;
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  /** `DEFERRABLE` (PostgreSQL, SQLite). */
  deferrable?: boolean;
  /** `INITIALLY DEFERRED` / `IMMEDIATE`. */
  initially?: "DEFERRED" | "IMMEDIATE";
}

const ACTIONS = new Set<string>(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]);

function checkOptions(o: ForeignKeyOptions, where: string): void {
  for (const key of ["onDelete", "onUpdate"] as const) {
    const v = o[key];
    if (v !== undefined && !ACTIONS.has(v))
      throw new ArgumentError(`${where}: ${key} must be one of ${[...ACTIONS].join(", ")}, got ${describeValue(v)}`);
  }
  if (o.initially !== undefined && o.initially !== "DEFERRED" && o.initially !== "IMMEDIATE")
    throw new ArgumentError(`${where}: initially must be "DEFERRED" or "IMMEDIATE"`);
}

/**
 * A column-level foreign key with options.
 * @example column(Integer, { foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }) })
 */
export function foreignKey(target: ForeignKeyTarget, options: ForeignKeyOptions = {}): ForeignKeyRef {
  checkOptions(options, "foreignKey()");
  return { __foreignKeyRef: true, target, options };
}

/** Splits `"schema.table.column"` / `"table.column"`. */
export function parseTarget(text: string): { schema?: string; table: string; column: string } {
  const parts = text.split(".");
  if (parts.length === 2 && parts[0] && parts[1]) return { table: parts[0], column: parts[1] };
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) return { schema: parts[0], table: parts[1], column: parts[2] };
  throw new ArgumentError(`foreign key target ${JSON.stringify(text)} must look like "table.column" or "schema.table.column"`);
}

/** A FOREIGN KEY constraint over one or more local columns. */
export class ForeignKeyConstraint extends Constraint {
  readonly kind = "ForeignKey" as const;
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;
  readonly deferrable: boolean | undefined;
  readonly initially: "DEFERRED" | "IMMEDIATE" | undefined;
  readonly #targets: readonly ForeignKeyTarget[];
  #resolved: { table: Table; columns: Column<string, unknown, boolean>[] } | undefined;

  constructor(columns: readonly Column<string, any, boolean>[], targets: readonly ForeignKeyTarget[], options: ForeignKeyOptions = {}) {
    super(columns, options.name);
    if (columns.length === 0) throw new ArgumentError("a foreign key needs at least one column");
    if (targets.length !== columns.length)
      throw new ArgumentError(`a foreign key over ${columns.length} column(s) needs as many targets, got ${targets.length}`);
    checkOptions(options, "foreign key");
    this.#targets = [...targets];
    this.onDelete = options.onDelete;
    this.onUpdate = options.onUpdate;
    this.deferrable = options.deferrable;
    this.initially = options.initially;
  }

  /** The targets as given: strings may name tables the MetaData does not hold yet (migrations build placeholders for them). */
  get targets(): readonly ForeignKeyTarget[] {
    return this.#targets;
  }

  /** True when the referred table's name is known without resolving thunks. */
  get nameableEarly(): boolean {
    return typeof this.#targets[0] !== "function";
  }

  /** The referenced table's name, for naming conventions. */
  get referredTableName(): string {
    const t = this.#targets[0]!;
    if (typeof t === "string") return parseTarget(t).table;
    return this.resolve().table.name;
  }

  /** The referenced table and columns; throws a SchemaError naming what cannot be found. */
  resolve(): { table: Table; columns: Column<string, unknown, boolean>[] } {
    if (this.#resolved) return this.#resolved;
    const local = this.describeLocal();
    const columns = this.#targets.map((target): Column<string, unknown, boolean> => {
      if (typeof target === "function") {
        const col = (target as () => Column<string, unknown, boolean>)();
        if (!col || typeof col !== "object" || !("table" in col))
          throw new SchemaError(`foreign key ${local}: the target thunk returned ${describeValue(col)}, not a column`);
        return col;
      }
      if (typeof target !== "string") return target as Column<string, unknown, boolean>;
      const { schema, table, column } = parseTarget(target);
      const md = this.table.metadata;
      const found = md.tables.get(schema ? `${schema}.${table}` : table) ?? (schema ? undefined : md.findTable(table));
      if (!found)
        throw new SchemaError(
          `foreign key ${local} references ${JSON.stringify(target)}, but the MetaData has no table ${JSON.stringify(schema ? `${schema}.${table}` : table)}; define that table on the same MetaData or fix the reference`,
        );
      const col = found.columnList.find((c) => c.name === column) ?? found.columnList.find((c) => c.key === column);
      if (!col)
        throw new SchemaError(
          `foreign key ${local} references ${JSON.stringify(target)}, but table ${found.name} has no column ${JSON.stringify(column)} (columns: ${found.columnList.map((c) => c.name).join(", ")})`,
        );
      return col;
    });
    const table = columns[0]!.table;
    if (table.kind !== "Table" || columns.some((c) => c.table !== table))
      throw new SchemaError(`foreign key ${local}: all target columns must belong to one table`);
    this.#resolved = { table: table as Table, columns };
    return this.#resolved;
  }

  private describeLocal(): string {
    return `${this.tableName()}(${this.columns.map((c) => c.name).join(", ")})`;
  }

  private tableName(): string {
    try {
      return this.table.name;
    } catch {
      return "?";
    }
  }

  /** Whether this key can be resolved (its target table exists). */
  isResolvable(): boolean {
    try {
      this.resolve();
      return true;
    } catch {
      return false;
    }
  }
}
