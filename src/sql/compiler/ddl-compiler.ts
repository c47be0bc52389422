/**
 * Renders schema objects as DDL: CREATE/DROP TABLE with inline constraints, indexes, foreign keys
 * added afterwards (for cycles), and comments. DDL takes no parameters, so values appear as
 * literals rendered by the dialect; everything else is identifiers, which are quoted.
 */
import { CompileError } from "../../util/errors.js";
import { Expression } from "../elements/expression.js";
import type { Column } from "../schema/column.js";
import { CheckConstraint, type Constraint, type Index, type ResolvedName, type UniqueConstraint } from "../schema/constraints.js";
import type { ForeignKeyConstraint } from "../schema/foreign-key.js";
import { conventionName } from "../schema/naming-convention.js";
import type { Table } from "../schema/table.js";
import type { EnumType } from "../types/string-types.js";
import { UNTYPED, type SqlType } from "../types/sql-type.js";
import type { CompilerDialect } from "./expression-compiler.js";
import type { IdentifierPreparer } from "./identifier-preparer.js";
import type { SqlCompiler } from "./sql-compiler.js";

/** Options of {@link DdlCompiler.createTable}. */
export interface CreateTableOptions {
  /** Foreign keys left out of CREATE TABLE, to be added later with ALTER TABLE (cycles). */
  readonly deferredForeignKeys?: ReadonlySet<ForeignKeyConstraint>;
}

/** A change of one property of a column, from the database's value to the wanted one. */
export interface ColumnChange<T> {
  readonly from: T;
  readonly to: T;
}

/**
 * What ALTER COLUMN changes (the shape of a migration's alterColumn operation): the table and
 * column by name, the properties that change, and optionally the column's whole wanted definition
 * (MySQL's MODIFY COLUMN restates every property, so it needs the ones that do not change too).
 */
export interface ColumnAlteration {
  readonly table: string;
  readonly column: string;
  readonly type?: ColumnChange<SqlType<unknown>>;
  readonly nullable?: ColumnChange<boolean>;
  /** Server defaults as SQL text (as serverDefault() renders them); undefined: none. */
  readonly default?: ColumnChange<string | undefined>;
  readonly comment?: ColumnChange<string | undefined>;
  /** The column as it should be, in its table. */
  readonly target?: Column<string, unknown, boolean>;
}

/** A constraint that ALTER TABLE adds or drops. */
export type AlterableConstraint = UniqueConstraint | ForeignKeyConstraint | CheckConstraint;

/** How a constraint is named in messages: `unique uq_x on t`. */
function describeConstraint(c: AlterableConstraint): string {
  const kind = c.kind === "ForeignKey" ? "foreign key" : c.kind === "Unique" ? "unique constraint" : "check constraint";
  return `${kind} ${c.resolvedName?.value ?? "(unnamed)"}`;
}

export class DdlCompiler {
  protected readonly q: IdentifierPreparer;
  constructor(
    protected readonly dialect: CompilerDialect,
    protected readonly sqlCompiler: () => SqlCompiler,
  ) {
    this.q = dialect.preparer;
  }

  protected tableName(t: Table): string {
    return this.q.quotePath(t.schema, t.name);
  }

  protected expression(node: Parameters<SqlCompiler["ddlExpression"]>[0]): string {
    return this.sqlCompiler().ddlExpression(node);
  }

  /** `CONSTRAINT name ` when the constraint has a name. */
  protected constraintPrefix(c: Constraint): string {
    const n = c.resolvedName;
    return n ? `CONSTRAINT ${this.q.constraintName(n)} ` : "";
  }

  /** Statements that must run before CREATE TABLE (PostgreSQL enum types). */
  preCreate(_table: Table): string[] {
    return [];
  }

  /** CREATE TABLE plus the statements that complete it (comments). Indexes are separate. */
  createTable(table: Table, options: CreateTableOptions = {}): string[] {
    const lines: string[] = table.columnList.map((c) => this.columnDefinition(c));
    const pk = table.primaryKey;
    if (pk.columns.length > 0 && !this.inlinePrimaryKey(table)) {
      lines.push(`${this.constraintPrefix(pk)}PRIMARY KEY (${pk.columns.map((c) => this.q.quote(c.name)).join(", ")})`);
    }
    for (const u of table.uniqueConstraints)
      lines.push(`${this.constraintPrefix(u)}UNIQUE (${u.columns.map((c) => this.q.quote(c.name)).join(", ")})`);
    for (const ck of table.checkConstraints) lines.push(`${this.constraintPrefix(ck)}CHECK (${this.expression(ck.condition)})`);
    for (const ck of this.typeChecks(table)) lines.push(ck);
    for (const fk of table.foreignKeys) if (!options.deferredForeignKeys?.has(fk)) lines.push(this.foreignKeyClause(fk));
    const create = `CREATE TABLE ${this.tableName(table)} (\n\t${lines.join(",\n\t")}\n)${this.tableSuffix(table)}`;
    return [create, ...this.comments(table)];
  }

  /** Table options after the closing parenthesis (MySQL charset, comment). */
  protected tableSuffix(_table: Table): string {
    return "";
  }

  /** Whether the primary key is written on its column (SQLite AUTOINCREMENT needs that). */
  protected inlinePrimaryKey(_table: Table): boolean {
    return false;
  }

  /** COMMENT statements (PostgreSQL); MySQL writes comments inline; SQLite has none. */
  protected comments(_table: Table): string[] {
    return [];
  }

  /** One column's line in CREATE TABLE. */
  columnDefinition(col: Column<string, unknown, boolean>): string {
    const table = col.table as Table;
    let s = `${this.q.quote(col.name)} ${this.columnType(col)}`;
    if (col.spec.collation) s += ` COLLATE ${this.q.quote(col.spec.collation)}`;
    const def = this.serverDefault(col);
    if (def !== undefined) s += ` DEFAULT ${def}`;
    if (!col.spec.nullable) s += " NOT NULL";
    if (table.autoincrementColumn === col) s += this.autoincrementClause(col);
    s += this.columnSuffix(col);
    return s;
  }

  /** The column's type as DDL. */
  protected columnType(col: Column<string, unknown, boolean>): string {
    return this.dialect.typeCompiler.ddl(col.type, { tableName: col.table.name, columnName: col.name });
  }

  /** Dialect additions after a column (MySQL inline COMMENT). */
  protected columnSuffix(_col: Column<string, unknown, boolean>): string {
    return "";
  }

  /** How the database generates values for the autoincrement column. */
  protected autoincrementClause(_col: Column<string, unknown, boolean>): string {
    return "";
  }

  /** The DEFAULT expression for a server default, or undefined (autogenerate compares it too). */
  serverDefault(col: Column<string, unknown, boolean>): string | undefined {
    const d = col.spec.serverDefault;
    if (d === undefined) return undefined;
    if (d instanceof Expression) {
      const sql = this.expression(d.node);
      const bare = d.node.kind === "Keyword" || d.node.kind === "Bind";
      return bare ? sql : `(${sql})`;
    }
    return this.dialect.renderLiteral(d, typeof d === "string" ? UNTYPED : col.type);
  }

  /** CHECK constraints implied by types (enum value lists where there is no native enum). */
  protected typeChecks(table: Table): string[] {
    return table.columnList.flatMap((col) => this.columnTypeCheck(table, col) ?? []);
  }

  /** The CHECK behind a non-native enum is named like a check constraint called after the enum. */
  protected enumCheckName(table: Table, col: Column<string, unknown, boolean>, type: EnumType): ResolvedName | null {
    const ck = new CheckConstraint(col, type.name ?? `${table.name}_${col.name}`);
    return conventionName(ck, table);
  }

  /** `CONSTRAINT name FOREIGN KEY (a) REFERENCES t (b) ON DELETE …` */
  foreignKeyClause(fk: ForeignKeyConstraint): string {
    const { table, columns } = fk.resolve();
    let s = `${this.constraintPrefix(fk)}FOREIGN KEY (${fk.columns.map((c) => this.q.quote(c.name)).join(", ")}) REFERENCES ${this.tableName(table)} (${columns.map((c) => this.q.quote(c.name)).join(", ")})`;
    if (fk.onDelete) s += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate) s += ` ON UPDATE ${fk.onUpdate}`;
    if (fk.deferrable) s += " DEFERRABLE";
    if (fk.initially) s += ` INITIALLY ${fk.initially}`;
    return s;
  }

  /** `ALTER TABLE t ADD CONSTRAINT … FOREIGN KEY …` for keys deferred out of CREATE TABLE. */
  addForeignKey(fk: ForeignKeyConstraint): string {
    if (!this.dialect.caps.alterAddConstraint) throw new CompileError(`${this.dialect.name} cannot add a constraint to an existing table`);
    return `ALTER TABLE ${this.tableName(fk.table)} ADD ${this.foreignKeyClause(fk)}`;
  }

  /** `ALTER TABLE t DROP CONSTRAINT name` */
  dropForeignKey(fk: ForeignKeyConstraint): string {
    const name = fk.resolvedName;
    if (!name)
      throw new CompileError(
        `the foreign key ${fk.table.name}(${fk.columns.map((c) => c.name).join(", ")}) has no name, so it cannot be dropped; name it (a naming convention does this for every key)`,
      );
    return `ALTER TABLE ${this.tableName(fk.table)} DROP CONSTRAINT ${this.q.constraintName(name)}`;
  }

  /** `CREATE [UNIQUE] INDEX name ON t (…) [WHERE …]` */
  createIndex(index: Index): string {
    const name = index.resolvedName;
    if (!name) throw new CompileError(`index on ${index.table.name} has no name`);
    if (index.where && !this.dialect.caps.partialIndexes)
      throw new CompileError(
        `${this.dialect.name} cannot express partial indexes (index ${name.value} has a where condition); drop the condition, or index a generated column instead`,
      );
    if (!index.isColumnsOnly && !this.dialect.caps.expressionIndexes)
      throw new CompileError(
        `${this.dialect.name} cannot index expressions (index ${name.value}); index a generated column holding the expression instead`,
      );
    const items = index.items
      .map((i) => (i.kind === "Column" ? this.q.quote(i.column.name) : this.indexExpression(this.expression(i))))
      .join(", ");
    let s = `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${this.q.constraintName(name)} ON ${this.tableName(index.table)} (${items})`;
    if (index.where) s += ` WHERE ${this.expression(index.where)}`;
    return s;
  }

  /** An expression item of an index (MySQL wants it in its own parentheses). */
  protected indexExpression(sql: string): string {
    return `(${sql})`;
  }

  dropIndex(index: Index): string {
    const name = index.resolvedName!;
    return `DROP INDEX ${this.q.constraintName(name)}`;
  }

  /** Statements run (inside the drop transaction) before dropping tables. */
  dropPrelude(): string[] {
    return [];
  }

  dropTable(table: Table): string {
    return `DROP TABLE ${this.tableName(table)}`;
  }

  /** Statements that must run after DROP TABLE (PostgreSQL enum types no longer used). */
  postDrop(_table: Table, _remaining: readonly Table[]): string[] {
    return [];
  }

  // ---- ALTER, for migrations --------------------------------------------------------------

  /**
   * The error for a change this database cannot make in place: SQLite's ALTER TABLE only adds,
   * drops and renames columns, so anything else means copying the table into a new one.
   */
  protected needsRebuild(operation: string, table: string, what: string): CompileError {
    return new CompileError(
      `${operation} on table ${table} (${what}) needs a table rebuild on ${this.dialect.name}: its ALTER TABLE cannot do this in place. ` +
        "Run the operation in batch mode (copy the table to a new one with the new definition, then rename it), or change the table by hand",
    );
  }

  /** The quoted name of a table known by name only (migration operations name tables). */
  protected tableRef(name: string, schema?: string): string {
    return this.q.quotePath(schema, name);
  }

  /** `ALTER TABLE t ADD COLUMN …` with the column's type, default and nullability, then its comment. */
  addColumn(col: Column<string, unknown, boolean>): string[] {
    const table = col.table as Table;
    let def = this.columnDefinition(col);
    const check = this.columnTypeCheck(table, col);
    if (check) def += ` ${check}`;
    return [`ALTER TABLE ${this.tableName(table)} ADD COLUMN ${def}`, ...this.addedColumnComments(col)];
  }

  /** The CHECK that holds a non-native enum column's values, as a column constraint. */
  protected columnTypeCheck(table: Table, col: Column<string, unknown, boolean>): string | undefined {
    if (col.type.kind !== "Enum" || this.dialect.caps.nativeEnum) return undefined;
    const type = col.type as unknown as EnumType;
    const values = type.values.map((v) => this.dialect.renderLiteral(v, UNTYPED)).join(", ");
    const name = this.enumCheckName(table, col, type);
    return `${name ? `CONSTRAINT ${this.q.constraintName(name)} ` : ""}CHECK (${this.q.quote(col.name)} IN (${values}))`;
  }

  /** Statements that give an added column its comment (PostgreSQL); inline or none elsewhere. */
  protected addedColumnComments(_col: Column<string, unknown, boolean>): string[] {
    return [];
  }

  /** `ALTER TABLE t DROP COLUMN c` */
  /** `ALTER TABLE a RENAME TO b` (every supported database; foreign keys of other tables follow the table). */
  renameTable(from: string, to: string): string {
    return `ALTER TABLE ${this.q.quote(from)} RENAME TO ${this.q.quote(to)}`;
  }

  /** `ALTER TABLE t RENAME COLUMN a TO b` (SQLite ≥ 3.25, MariaDB ≥ 10.5, MySQL 8). */
  renameColumn(table: string, from: string, to: string): string {
    return `ALTER TABLE ${this.q.quote(table)} RENAME COLUMN ${this.q.quote(from)} TO ${this.q.quote(to)}`;
  }

  dropColumn(col: Column<string, unknown, boolean>): string {
    const table = col.table as Table;
    if (!this.dialect.caps.dropColumn) throw this.needsRebuild("dropColumn", table.name, `column ${col.name}`);
    return `ALTER TABLE ${this.tableName(table)} DROP COLUMN ${this.q.quote(col.name)}`;
  }

  /**
   * ALTER COLUMN statements, one per changed property: type, nullability, default, comment (in
   * that order). Dialects whose ALTER restates the column (MySQL) override this.
   */
  alterColumn(alter: ColumnAlteration): string[] {
    const changed = (["type", "nullable", "default", "comment"] as const).filter((k) => alter[k] !== undefined);
    if (!this.dialect.caps.alterColumn)
      throw this.needsRebuild("alterColumn", alter.table, `column ${alter.column}: ${changed.join(", ")}`);
    const schema = (alter.target?.table as Table | undefined)?.schema;
    const prefix = `ALTER TABLE ${this.tableRef(alter.table, schema)} ALTER COLUMN ${this.q.quote(alter.column)}`;
    const out: string[] = [];
    if (alter.type) {
      const type = this.alteredType(alter);
      out.push(`${prefix} TYPE ${type}${this.typeConversion(alter.column, type)}`);
    }
    if (alter.nullable) out.push(`${prefix} ${alter.nullable.to ? "DROP" : "SET"} NOT NULL`);
    if (alter.default) out.push(alter.default.to === undefined ? `${prefix} DROP DEFAULT` : `${prefix} SET DEFAULT ${alter.default.to}`);
    if (alter.comment) out.push(...this.columnCommentChange(alter, schema));
    return out;
  }

  /** The new type of an altered column as DDL (from the target column when there is one). */
  protected alteredType(alter: ColumnAlteration): string {
    if (alter.target) return this.columnType(alter.target);
    return this.dialect.typeCompiler.ddl(alter.type!.to, { tableName: alter.table, columnName: alter.column });
  }

  /** How existing values convert to an altered column's type (PostgreSQL: `USING c::type`). */
  protected typeConversion(_column: string, _type: string): string {
    return "";
  }

  /** Statements that change a column's comment. */
  protected columnCommentChange(alter: ColumnAlteration, _schema: string | undefined): string[] {
    throw new CompileError(`${this.dialect.name} has no column comments (alterColumn on ${alter.table}.${alter.column})`);
  }

  /** `ALTER TABLE t ADD CONSTRAINT name UNIQUE (…) | CHECK (…) | FOREIGN KEY …` */
  addConstraint(c: AlterableConstraint): string {
    if (!this.dialect.caps.alterAddConstraint) throw this.needsRebuild("addConstraint", c.table.name, describeConstraint(c));
    if (c.kind === "ForeignKey") return this.addForeignKey(c);
    const body =
      c.kind === "Unique"
        ? `UNIQUE (${c.columns.map((col) => this.q.quote(col.name)).join(", ")})`
        : `CHECK (${this.expression(c.condition)})`;
    return `ALTER TABLE ${this.tableName(c.table)} ADD ${this.constraintPrefix(c)}${body}`;
  }

  /** `ALTER TABLE t DROP CONSTRAINT name` (the constraint must have a name). */
  dropConstraint(c: AlterableConstraint): string {
    if (!this.dialect.caps.alterAddConstraint) throw this.needsRebuild("dropConstraint", c.table.name, describeConstraint(c));
    if (c.kind === "ForeignKey") return this.dropForeignKey(c);
    return `ALTER TABLE ${this.tableName(c.table)} DROP ${this.constraintKeyword(c)} ${this.q.constraintName(this.requireName(c))}`;
  }

  /** What follows DROP for a named unique or check constraint (MySQL: INDEX, CHECK). */
  protected constraintKeyword(_c: UniqueConstraint | CheckConstraint): string {
    return "CONSTRAINT";
  }

  protected requireName(c: AlterableConstraint): ResolvedName {
    const name = c.resolvedName;
    if (!name)
      throw new CompileError(
        `the ${describeConstraint(c)} on ${c.table.name} has no name, so it cannot be dropped; name it (a naming convention does this for every constraint)`,
      );
    return name;
  }

  /** `CREATE TYPE name AS ENUM (…)`, where enums are types of their own. */
  createEnum(name: string, _values: readonly string[]): string[] {
    throw new CompileError(
      `${this.dialect.name} has no enum types of their own (createEnum ${name}); enum values belong to the column's type`,
    );
  }

  /** `DROP TYPE name`, where enums are types of their own. */
  dropEnum(name: string): string[] {
    throw new CompileError(
      `${this.dialect.name} has no enum types of their own (dropEnum ${name}); enum values belong to the column's type`,
    );
  }

  /** Statements that change an enum type's values from `from` to `to`. */
  alterEnum(name: string, _from: readonly string[], _to: readonly string[]): string[] {
    throw new CompileError(`${this.dialect.name} has no enum types of their own (alterEnum ${name}); alter the column's type instead`);
  }
}
