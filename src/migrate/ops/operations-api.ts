/**
 * The `op` object a revision's upgrade and downgrade receive. Each method checks its arguments and
 * records a MigrationOp (operations.ts); nothing runs during the call, so migration files need no
 * `await`. The runner compiles every recorded operation (apply.ts) before the first one runs.
 * Tables, columns and constraints known only by name (they exist in the database) are built as
 * stand-ins (placeholders.ts), so the DDL compilers get the schema objects they take.
 * Knows nothing of the runner or of revision files.
 */
import { ArgumentError, AthanorError, describeValue } from "../../util/errors.js";
import type { Connection } from "../../engine/connection.js";
import type { Dialect } from "../../engine/dialect.js";
import { Expression } from "../../sql/elements/expression.js";
import { sqlText } from "../../sql/elements/sql-template.js";
import { ColumnDef, type Column, type ForeignKeyRef } from "../../sql/schema/column.js";
import { CheckConstraint, Index, UniqueConstraint } from "../../sql/schema/constraints.js";
import { ForeignKeyConstraint, type ForeignKeyOptions, type ForeignKeyTarget } from "../../sql/schema/foreign-key.js";
import { MetaData } from "../../sql/schema/metadata.js";
import { conv, defaultNamingConvention, type NamingConvention } from "../../sql/schema/naming-convention.js";
import { checkIdentifier, Table, type BoundColumns, type TableItem, type TableOptions } from "../../sql/schema/table.js";
import type { StatementNode } from "../../sql/nodes/from-nodes.js";
import type { MigrationOp } from "../operations.js";
import { alterColumnOp, type AlterColumnChange } from "./alter-column-op.js";
import { bulkInsertColumn } from "./bulk-insert-sql.js";
import { ensureTargets, FILLER_COLUMN, placeholderTable, targetsOf } from "./placeholders.js";

type AnyColumn = Column<string, unknown, boolean>;

/** Options of {@link Operations}. */
export interface OperationsOptions {
  /**
   * Names constraints and indexes that `createTable` and `addColumn` define without a name.
   * Default: {@link OPERATIONS_NAMING_CONVENTION}.
   */
  readonly namingConvention?: NamingConvention;
}

/**
 * The default naming convention of migrations: `defaultNamingConvention` for indexes, unique
 * constraints, foreign keys and primary keys (so later migrations can drop them by name), while a
 * check constraint keeps exactly the name it is given, or none (migration files name what they mean).
 */
export const OPERATIONS_NAMING_CONVENTION: NamingConvention = Object.freeze({
  ix: defaultNamingConvention.ix!,
  uq: defaultNamingConvention.uq!,
  fk: defaultNamingConvention.fk!,
  pk: defaultNamingConvention.pk!,
});

/** Options of {@link Operations.createIndex}. */
export interface CreateIndexOptions {
  unique?: boolean;
  /** Partial index condition (PostgreSQL, SQLite): SQL text or `sql\`…\``. */
  where?: Expression<any, any> | string;
}

/** Options of {@link Operations.createForeignKey}. */
export type CreateForeignKeyOptions = Omit<ForeignKeyOptions, "name">;

/** The kinds of constraint {@link Operations.dropConstraint} drops. */
export type ConstraintKind = "foreignKey" | "unique" | "check";

/**
 * Records the operations of one migration direction.
 * @example
 * upgrade(op) {
 *   op.createTable("users", { id: column(Integer, { primaryKey: true }), email: column(String(255)) });
 *   op.addColumn("posts", "author_id", column(Integer, { nullable: true, foreignKey: "users.id" }));
 *   op.createIndex("ix_posts_title", "posts", ["title"]);
 * }
 */
export class Operations {
  readonly dialect: Dialect;
  readonly #ops: MigrationOp[] = [];
  /** The tables this migration creates, and placeholders for the tables their foreign keys name. */
  readonly #metadata: MetaData;
  /** Tables created by this migration (the others in #metadata are placeholders). */
  readonly #created = new Set<Table>();

  constructor(dialect: Dialect, options: OperationsOptions = {}) {
    if (!dialect || typeof dialect !== "object" || typeof dialect.createDdlCompiler !== "function")
      throw new ArgumentError(`new Operations(dialect): pass the engine's dialect (engine.dialect), got ${describeValue(dialect)}`);
    this.dialect = dialect;
    this.#metadata = new MetaData({ namingConvention: options.namingConvention ?? OPERATIONS_NAMING_CONVENTION });
  }

  /** The operations recorded so far, in call order. */
  get recorded(): readonly MigrationOp[] {
    return this.#ops;
  }

  /**
   * `CREATE TABLE`. Foreign keys may name tables this migration does not create ("users.id"):
   * they must exist in the database when it runs. On PostgreSQL, enum types come from createEnum.
   * @example op.createTable("posts", { id: column(Integer, { primaryKey: true }), title: column(String(200)) }, (c) => [index([c.title], { name: "ix_posts_title" })])
   */
  createTable<D extends Record<string, ColumnDef<any, any, any>>>(
    name: string,
    columns: D,
    options?: TableOptions<BoundColumns<D>> | ((c: BoundColumns<D>) => readonly TableItem[]),
  ): Table<string, BoundColumns<D>> {
    const where = `op.createTable(${JSON.stringify(name)})`;
    identifier(where, name, "the table name");
    if (!columns || typeof columns !== "object" || Array.isArray(columns))
      throw new ArgumentError(
        `${where}: columns must be an object of column() definitions, e.g. { id: column(Integer, { primaryKey: true }) }`,
      );
    const existing = this.#metadata.tables.get(name);
    if (existing && this.#created.has(existing))
      throw new ArgumentError(
        `${where}: this migration already creates table ${name}; drop it first (op.dropTable) or choose another name`,
      );
    // A placeholder (a foreign-key target named earlier) gives way to the real table; it comes back if this call fails.
    if (existing) this.#metadata.remove(existing);
    let table: Table<string, BoundColumns<D>> | undefined;
    try {
      table = wrap(where, () => {
        // Targets named by column options get their placeholders first: a convention may name keys at once.
        const early = Object.values(columns).flatMap((d) => (d instanceof ColumnDef ? columnTargets(d) : []));
        const missing = ensureTargets(this.#metadata, early, name);
        if (missing) throw new ArgumentError(`a foreign key names ${missing}`);
        return new Table(name, this.#metadata, columns, options) as Table<string, BoundColumns<D>>;
      });
      const missing = ensureTargets(this.#metadata, targetsOf(table.foreignKeys), name);
      if (missing) throw new ArgumentError(`${where}: a foreign key names ${missing}`);
    } catch (err) {
      if (table) this.#metadata.remove(table);
      if (existing) this.#metadata.register(existing);
      throw err;
    }
    this.#created.add(table);
    this.#ops.push({ kind: "createTable", table });
    return table;
  }

  /** `DROP TABLE name` */
  dropTable(name: string): void {
    const where = `op.dropTable(${JSON.stringify(name)})`;
    identifier(where, name, "the table name");
    const created = this.#metadata.tables.get(name);
    if (created && this.#created.has(created)) {
      this.#metadata.remove(created);
      this.#created.delete(created);
    }
    this.#ops.push({ kind: "dropTable", table: placeholderTable(new MetaData(), name, []) });
  }

  /** `ALTER TABLE from RENAME TO to` */
  renameTable(from: string, to: string): void {
    const where = `op.renameTable(${JSON.stringify(from)}, ${JSON.stringify(to)})`;
    identifier(where, from, "the current table name");
    identifier(where, to, "the new table name");
    if (from === to) throw new ArgumentError(`${where}: the new name is the current one; give a different name`);
    this.#ops.push({ kind: "renameTable", from, to });
  }

  /**
   * `ALTER TABLE t ADD COLUMN …`. A foreignKey, unique or index option of the column is recorded as
   * its own operation after it (named by the naming convention unless named).
   */
  addColumn(table: string, name: string, def: ColumnDef<any, any, any, any>): void {
    const where = `op.addColumn(${JSON.stringify(table)}, ${JSON.stringify(name)})`;
    identifier(where, table, "the table name");
    identifier(where, name, "the column name");
    if (!(def instanceof ColumnDef))
      throw new ArgumentError(`${where}: the definition must be made with column(type, options), got ${describeValue(def)}`);
    if (def.options.primaryKey)
      throw new ArgumentError(`${where}: a column added to an existing table cannot join its primary key; drop primaryKey: true`);
    const scratch = new MetaData({ namingConvention: this.#metadata.namingConvention });
    const selfColumns: string[] = [];
    const targets = columnTargets(def);
    for (const t of targets) {
      if (typeof t !== "string") continue;
      const target = t.split(".");
      if (target.length === 2 && target[0] === table && target[1] !== name) selfColumns.push(target[1]!);
    }
    const host = wrap(where, () => {
      ensureTargets(scratch, targets, table);
      return placeholderTable(scratch, table, selfColumns, { extra: { [name]: def } });
    });
    const column = host.column(name);
    this.#ops.push({ kind: "addColumn", table, column });
    for (const fk of host.foreignKeys) this.#ops.push({ kind: "addConstraint", constraint: fk });
    for (const u of host.uniqueConstraints) this.#ops.push({ kind: "addConstraint", constraint: u });
    for (const ix of host.indexes) this.#ops.push({ kind: "createIndex", index: ix });
  }

  /** `ALTER TABLE t DROP COLUMN name` (SQLite before 3.35: the table is rebuilt). */
  dropColumn(table: string, name: string): void {
    const where = `op.dropColumn(${JSON.stringify(table)}, ${JSON.stringify(name)})`;
    identifier(where, table, "the table name");
    identifier(where, name, "the column name");
    this.#ops.push({ kind: "dropColumn", table, column: placeholderTable(new MetaData(), table, [name]).column(name) });
  }

  /**
   * Changes a column's type, nullability, server default or comment. PostgreSQL: `ALTER COLUMN …`
   * per property; MySQL: `MODIFY COLUMN` with the whole column, so state what does not change with
   * existingType / existingNullable / existingServerDefault / existingComment; SQLite: the table is
   * rebuilt (batch mode) from the database's definition.
   * @example op.alterColumn("users", "name", { type: String(200), existingNullable: false })
   */
  alterColumn(table: string, name: string, change: AlterColumnChange): void {
    const where = `op.alterColumn(${JSON.stringify(table)}, ${JSON.stringify(name)})`;
    identifier(where, table, "the table name");
    identifier(where, name, "the column name");
    this.#ops.push(alterColumnOp(this.dialect, table, name, change));
  }

  /** `ALTER TABLE t RENAME COLUMN from TO to` */
  renameColumn(table: string, from: string, to: string): void {
    const where = `op.renameColumn(${JSON.stringify(table)}, ${JSON.stringify(from)}, ${JSON.stringify(to)})`;
    identifier(where, table, "the table name");
    identifier(where, from, "the current column name");
    identifier(where, to, "the new column name");
    if (from === to) throw new ArgumentError(`${where}: the new name is the current one; give a different name`);
    this.#ops.push({ kind: "renameColumn", table, from, to });
  }

  /**
   * `CREATE [UNIQUE] INDEX name ON table (…) [WHERE …]`. Items are column names or expressions
   * (`sql\`lower(email)\``, where the database indexes expressions).
   */
  createIndex(name: string, table: string, columns: readonly (string | Expression<any, any>)[], options: CreateIndexOptions = {}): void {
    const where = `op.createIndex(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    identifier(where, name, "the index name");
    identifier(where, table, "the table name");
    nonEmptyList(where, columns, "columns", `["email"] or [sql\`lower(email)\`]`);
    for (const c of columns)
      if (typeof c !== "string" && !(c instanceof Expression))
        throw new ArgumentError(`${where}: index items are column names or sql\`…\` expressions, got ${describeValue(c)}`);
    const { unique, where: condition, ...rest } = options ?? {};
    unknownOptions(where, rest);
    const names = columns.filter((c): c is string => typeof c === "string");
    const index = wrap(where, () => {
      let made: Index | undefined;
      placeholderTable(new MetaData(), table, names, {
        items: (c) => {
          const items = columns.map((i) => (typeof i === "string" ? c[i]! : i));
          made = new Index(items, { name: conv(name), unique: unique === true, where: expressionOf(condition) });
          return [made];
        },
      });
      return made!;
    });
    this.#ops.push({ kind: "createIndex", index });
  }

  /** `DROP INDEX name` (MySQL: `DROP INDEX name ON table`). */
  dropIndex(name: string, table: string): void {
    const where = `op.dropIndex(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    identifier(where, name, "the index name");
    identifier(where, table, "the table name");
    this.#ops.push({ kind: "dropIndex", index: this.#constraintOn(table, [], (c) => new Index([filler(c)], { name: conv(name) })) });
  }

  /** `ALTER TABLE t ADD CONSTRAINT name UNIQUE (…)` (SQLite: the table is rebuilt). */
  createUniqueConstraint(name: string, table: string, columns: readonly string[]): void {
    const where = `op.createUniqueConstraint(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    identifier(where, name, "the constraint name");
    identifier(where, table, "the table name");
    nonEmptyList(where, columns, "columns", `["email"]`);
    for (const c of columns) identifier(where, c, "a column name");
    const constraint = wrap(where, () =>
      this.#constraintOn(
        table,
        columns,
        (c) =>
          new UniqueConstraint(
            columns.map((n) => c[n]!),
            conv(name),
          ),
      ),
    );
    this.#ops.push({ kind: "addConstraint", constraint });
  }

  /** `ALTER TABLE t ADD CONSTRAINT name CHECK (condition)`; the condition is SQL text or `sql\`…\``. */
  createCheckConstraint(name: string, table: string, condition: Expression<any, any> | string): void {
    const where = `op.createCheckConstraint(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    identifier(where, name, "the constraint name");
    identifier(where, table, "the table name");
    if (!(condition instanceof Expression) && (typeof condition !== "string" || condition.trim() === ""))
      throw new ArgumentError(
        `${where}: the condition must be SQL text such as "price > 0" or sql\`price > 0\`, got ${describeValue(condition)}`,
      );
    const constraint = wrap(where, () => this.#constraintOn(table, [], () => new CheckConstraint(expressionOf(condition)!, conv(name))));
    this.#ops.push({ kind: "addConstraint", constraint });
  }

  /**
   * `ALTER TABLE t ADD CONSTRAINT name FOREIGN KEY (…) REFERENCES referred (…)`. The referred table
   * may be one this migration does not create.
   */
  createForeignKey(
    name: string,
    table: string,
    referredTable: string,
    columns: readonly string[],
    referredColumns: readonly string[],
    options: CreateForeignKeyOptions = {},
  ): void {
    const where = `op.createForeignKey(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    identifier(where, name, "the constraint name");
    identifier(where, table, "the table name");
    identifier(where, referredTable, "the referred table name");
    nonEmptyList(where, columns, "columns", `["author_id"]`);
    nonEmptyList(where, referredColumns, "referredColumns", `["id"]`);
    for (const c of [...columns, ...referredColumns]) identifier(where, c, "a column name");
    if (columns.length !== referredColumns.length)
      throw new ArgumentError(
        `${where}: ${columns.length} column(s) refer to ${referredColumns.length} referred column(s); give one referred column per column`,
      );
    if (options && typeof options === "object" && "name" in options)
      throw new ArgumentError(`${where}: the name is the first argument; drop the name option`);
    const targets = referredColumns.map((c) => `${referredTable}.${c}`);
    const constraint = wrap(where, () => {
      const scratch = new MetaData();
      ensureTargets(scratch, targets, table);
      const own = referredTable === table ? [...new Set([...columns, ...referredColumns])] : columns;
      let fk: ForeignKeyConstraint | undefined;
      placeholderTable(scratch, table, own, {
        items: (c) => [
          (fk = new ForeignKeyConstraint(
            columns.map((n) => c[n]!),
            targets,
            { ...options, name: conv(name) },
          )),
        ],
      });
      fk!.resolve();
      return fk!;
    });
    this.#ops.push({ kind: "addConstraint", constraint });
  }

  /**
   * `ALTER TABLE t DROP CONSTRAINT name` (MySQL: DROP FOREIGN KEY / INDEX / CHECK; SQLite: the table
   * is rebuilt). SQLite keeps no name for a unique or foreign key declared without one: pass null
   * and `columns` to find it by its columns there.
   */
  dropConstraint(name: string | null, table: string, kind: ConstraintKind, options: { columns?: readonly string[] } = {}): void {
    const where = `op.dropConstraint(${JSON.stringify(name)}, ${JSON.stringify(table)})`;
    if (name !== null) identifier(where, name, "the constraint name");
    identifier(where, table, "the table name");
    const { columns, ...rest } = options ?? {};
    if (Object.keys(rest).length)
      throw new ArgumentError(
        `${where}: unknown option ${Object.keys(rest)
          .map((k) => `'${k}'`)
          .join(", ")}; the option is columns`,
      );
    if (columns !== undefined) {
      nonEmptyList(where, columns, "columns", `["email"]`);
      for (const c of columns) identifier(where, c, "a column name");
    }
    if (name === null && (columns === undefined || kind === "check"))
      throw new ArgumentError(
        `${where}: without a name, give the unique or foreign key's columns ({ columns: ["a"] }); a check constraint needs its name`,
      );
    const n = name === null ? undefined : conv(name);
    const cols = columns ?? [FILLER_COLUMN];
    const build: Record<ConstraintKind, (c: Record<string, AnyColumn>) => UniqueConstraint | CheckConstraint | ForeignKeyConstraint> = {
      unique: (c) =>
        new UniqueConstraint(
          cols.map((k) => c[k]!),
          n,
        ),
      check: () => new CheckConstraint(sqlText("1 = 1"), n),
      foreignKey: (c) =>
        new ForeignKeyConstraint(
          cols.map((k) => c[k]!),
          cols.map((k) => `${table}.${k}`),
          { name: n },
        ),
    };
    if (typeof kind !== "string" || !Object.hasOwn(build, kind))
      throw new ArgumentError(
        `${where}: kind must be "foreignKey", "unique" or "check" (what the constraint is), got ${describeValue(kind)}`,
      );
    this.#ops.push({ kind: "dropConstraint", constraint: this.#constraintOn(table, cols, build[kind]) });
  }

  /** `CREATE TYPE name AS ENUM (…)` where enums are types of their own (PostgreSQL). */
  createEnum(name: string, values: readonly string[]): void {
    const where = `op.createEnum(${JSON.stringify(name)})`;
    this.#enumTypes(where, name);
    this.#ops.push({ kind: "createEnum", name, values: enumValues(where, values, "values") });
  }

  /** `DROP TYPE name`; `values` (what the type holds) lets the downgrade create it again. */
  dropEnum(name: string, values: readonly string[] = []): void {
    const where = `op.dropEnum(${JSON.stringify(name)})`;
    this.#enumTypes(where, name);
    this.#ops.push({ kind: "dropEnum", name, values: values.length === 0 ? [] : enumValues(where, values, "values") });
  }

  /** Adds values to an enum type (PostgreSQL adds values only: it can neither remove nor reorder them). */
  alterEnum(name: string, values: { from: readonly string[]; to: readonly string[] }): void {
    const where = `op.alterEnum(${JSON.stringify(name)})`;
    this.#enumTypes(where, name);
    if (!values || typeof values !== "object")
      throw new ArgumentError(`${where}: values must be { from: [current values], to: [new values] }, got ${describeValue(values)}`);
    this.#ops.push({
      kind: "alterEnum",
      name,
      values: { from: enumValues(where, values.from, "from"), to: enumValues(where, values.to, "to") },
    });
  }

  /**
   * Runs SQL as written: text, a `sql\`…\`` fragment or a Core statement (update, deleteFrom, select),
   * whose values are written into it as literals.
   * @example op.execute(update(users).set({ active: true }).where(users.c.active.isNull()))
   */
  execute(statement: string | Expression<any, any> | { readonly node: StatementNode }): void {
    const where = "op.execute()";
    let sql: string;
    if (typeof statement === "string") sql = statement;
    else if (statement instanceof Expression) sql = wrap(where, () => this.dialect.createCompiler([]).literal(statement.node));
    else if (isStatement(statement)) sql = wrap(where, () => this.dialect.createCompiler([]).compileLiteral(statement.node));
    else
      throw new ArgumentError(
        `${where}: pass SQL text, sql\`…\` or a statement (update, deleteFrom, select), got ${describeValue(statement)}`,
      );
    if (sql.trim() === "") throw new ArgumentError(`${where}: the SQL is empty; pass the statement to run`);
    this.#ops.push({ kind: "execute", sql });
  }

  /**
   * Inserts rows, written as literal values (offline scripts show them). Keys are the table's
   * column keys (a Table) or column names (a table name: values are written as plain literals).
   * @example op.bulkInsert("roles", [{ id: 1, name: "admin" }, { id: 2, name: "user" }])
   */
  bulkInsert(table: Table | string, rows: readonly Record<string, unknown>[]): void {
    const label = typeof table === "string" ? table : (table as Table | undefined)?.name;
    const where = `op.bulkInsert(${JSON.stringify(label)})`;
    if (!Array.isArray(rows)) throw new ArgumentError(`${where}: rows must be an array of objects, got ${describeValue(rows)}`);
    rows.forEach((row, i) => {
      if (!row || typeof row !== "object" || Array.isArray(row))
        throw new ArgumentError(`${where}: row ${i + 1} must be an object of column values, got ${describeValue(row)}`);
      if (Object.keys(row).length === 0) throw new ArgumentError(`${where}: row ${i + 1} has no values; give it at least one column`);
    });
    let target: Table;
    if (typeof table === "string") {
      identifier(where, table, "the table name");
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      target = wrap(where, () => placeholderTable(new MetaData(), table, keys));
    } else if (table instanceof Table) {
      target = table;
      for (const [i, row] of rows.entries())
        for (const k of Object.keys(row))
          if (!bulkInsertColumn(table, k))
            throw new ArgumentError(
              `${where}: row ${i + 1} has the key ${JSON.stringify(k)}, but table ${table.name} has no such column; its columns are ${table.columnList.map((c) => c.key).join(", ")}`,
            );
    } else throw new ArgumentError(`${where}: the table must be a table name or a Table, got ${describeValue(table)}`);
    this.#ops.push({ kind: "bulkInsert", table: target, rows: rows.map((r) => ({ ...r })) });
  }

  /** Runs code against the live connection, in the migration's order. Offline (--sql) mode refuses it: use execute there. */
  run(fn: (conn: Connection) => Promise<void>): void {
    if (typeof fn !== "function") throw new ArgumentError(`op.run(): pass an async function (conn) => { … }, got ${describeValue(fn)}`);
    this.#ops.push({ kind: "run", fn });
  }

  /** A constraint built on a stand-in of `table` holding these columns. */
  #constraintOn<C extends TableItem>(table: string, columns: readonly string[], make: (c: Record<string, AnyColumn>) => C): C {
    let made: C | undefined;
    placeholderTable(new MetaData(), table, columns.length ? columns : [FILLER_COLUMN], { items: (c) => [(made = make(c))] });
    return made!;
  }

  #enumTypes(where: string, name: string): void {
    identifier(where, name, "the enum type name");
    if (!this.dialect.caps.enumTypes)
      throw new ArgumentError(
        `${where}: ${this.dialect.name} has no enum types of their own; an Enum([...]) column carries its values there. ` +
          "Guard dialect-specific operations with op.dialect.caps.enumTypes",
      );
  }
}

const STATEMENT_KINDS = new Set(["Select", "Compound", "Insert", "Update", "Delete", "Text"]);

function isStatement(value: unknown): value is { readonly node: StatementNode } {
  const node = (value as { node?: { kind?: unknown } } | null)?.node;
  return typeof value === "object" && node !== null && typeof node === "object" && STATEMENT_KINDS.has(node.kind as string);
}

/** Checks a name argument. */
function identifier(where: string, value: unknown, what: string): void {
  wrap(where, () => checkIdentifier(value, what));
}

function nonEmptyList(where: string, value: unknown, what: string, example: string): void {
  if (!Array.isArray(value) || value.length === 0)
    throw new ArgumentError(`${where}: ${what} must be a non-empty array such as ${example}, got ${describeValue(value)}`);
}

function unknownOptions(where: string, rest: object): void {
  const keys = Object.keys(rest);
  if (keys.length)
    throw new ArgumentError(`${where}: unknown option ${keys.map((k) => `'${k}'`).join(", ")}; the options are unique, where`);
}

function enumValues(where: string, values: unknown, what: string): readonly string[] {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== "string"))
    throw new ArgumentError(
      `${where}: ${what} must be a non-empty array of strings such as ["draft", "published"], got ${describeValue(values)}`,
    );
  if (new Set(values).size !== values.length) throw new ArgumentError(`${where}: ${what} lists a value twice: ${values.join(", ")}`);
  return Object.freeze([...(values as string[])]);
}

/** SQL text as an expression (conditions and index items are SQL as written). */
function expressionOf(value: Expression<any, any> | string | undefined): Expression<any, any> | undefined {
  return typeof value === "string" ? sqlText(value) : value;
}

/** The stand-in column of a table built for a constraint known by name only. */
function filler(c: Record<string, AnyColumn>): AnyColumn {
  return c[FILLER_COLUMN]!;
}

/** The foreign-key targets a column definition names. */
function columnTargets(def: ColumnDef<any, any, any, any>): ForeignKeyTarget[] {
  const fk = def.options.foreignKey;
  if (fk === undefined) return [];
  return [typeof fk === "object" && fk !== null && "__foreignKeyRef" in fk ? (fk as ForeignKeyRef).target : fk];
}

/** Runs a schema-building step, turning its error into one that names the operation. */
function wrap<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AthanorError) throw new ArgumentError(`${where}: ${err.message}`);
    throw err;
  }
}
