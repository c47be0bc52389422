/**
 * MetaData: the registry of tables that share a naming convention, and the entry point of
 * createAll / dropAll. Executing DDL is delegated to a SchemaRunner (an engine or connection), so
 * this module never touches the engine layer.
 */
import { SchemaError } from "../../util/errors.js";
import { checkConvention, fallbackNamingConvention, type NamingConvention } from "./naming-convention.js";
import { sortTables } from "./sort-tables.js";
import type { Table } from "./table.js";

/** Options of createAll / dropAll. */
export interface SchemaOperationOptions {
  /** Skip tables (and types) that already exist on create, or do not exist on drop. Default true. */
  checkFirst?: boolean;
  /** Only these tables (default: all tables of the MetaData). */
  tables?: readonly Table[];
}

/** A schema operation handed to a runner. */
export interface SchemaOperation {
  readonly action: "create" | "drop";
  readonly metadata: MetaData;
  readonly tables: readonly Table[];
  readonly checkFirst: boolean;
}

/** Something that can run DDL for a MetaData: an Engine or a Connection. */
export interface SchemaRunner {
  runSchemaOperation(operation: SchemaOperation): Promise<void>;
}

/** Options of {@link MetaData}. */
export interface MetaDataOptions {
  /** Constraint naming convention; see `defaultNamingConvention`. Default: indexes only (`ix_<table>_<column>`). */
  namingConvention?: NamingConvention;
  /** Default schema for tables that do not name one. */
  schema?: string;
}

/** A collection of tables sharing a naming convention. */
export class MetaData {
  readonly namingConvention: NamingConvention;
  readonly schema: string | undefined;
  readonly #tables = new Map<string, Table>();

  constructor(options: MetaDataOptions = {}) {
    const conv = options.namingConvention ?? fallbackNamingConvention;
    checkConvention(conv);
    this.namingConvention = Object.freeze({ ...conv });
    this.schema = options.schema;
  }

  /** Tables by full name (`schema.name` or `name`). */
  get tables(): ReadonlyMap<string, Table> {
    return this.#tables;
  }

  /** @internal Called by the Table constructor. */
  register(table: Table): void {
    const key = table.fullName;
    if (this.#tables.has(key))
      throw new SchemaError(
        `table ${JSON.stringify(key)} is already defined in this MetaData; each table is declared once (import the existing one instead)`,
      );
    this.#tables.set(key, table);
  }

  /** Removes a table from the collection (the table object itself is unchanged). */
  remove(table: Table): void {
    if (this.#tables.get(table.fullName) === table) this.#tables.delete(table.fullName);
  }

  /** A table by bare name when exactly one schema has it. */
  findTable(name: string): Table | undefined {
    const direct = this.#tables.get(name);
    if (direct) return direct;
    const matches = [...this.#tables.values()].filter((t) => t.name === name);
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Tables ordered so that every table comes after the tables it references. */
  get sortedTables(): Table[] {
    return sortTables([...this.#tables.values()]).order;
  }

  /** Creates all tables (and PostgreSQL enum types, indexes) in dependency order. */
  async createAll(runner: SchemaRunner, options: SchemaOperationOptions = {}): Promise<void> {
    await runner.runSchemaOperation({
      action: "create",
      metadata: this,
      tables: options.tables ?? [...this.#tables.values()],
      checkFirst: options.checkFirst ?? true,
    });
  }

  /** Drops all tables in reverse dependency order. */
  async dropAll(runner: SchemaRunner, options: SchemaOperationOptions = {}): Promise<void> {
    await runner.runSchemaOperation({
      action: "drop",
      metadata: this,
      tables: options.tables ?? [...this.#tables.values()],
      checkFirst: options.checkFirst ?? true,
    });
  }
}
