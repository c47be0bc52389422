/**
 * MySQL/MariaDB DDL: AUTO_INCREMENT keys, inline column and table comments, utf8mb4 tables,
 * inline ENUMs, MySQL's spellings of DROP INDEX / DROP FOREIGN KEY, and defaults in the forms the
 * server accepts. Created by MySqlDialect.createDdlCompiler; used by the schema runner.
 */
import { CompileError } from "../../util/errors.js";
import { Expression } from "../../sql/elements/expression.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import type { Column } from "../../sql/schema/column.js";
import type { CheckConstraint, Index, UniqueConstraint } from "../../sql/schema/constraints.js";
import type { ForeignKeyConstraint } from "../../sql/schema/foreign-key.js";
import type { Table } from "../../sql/schema/table.js";
import type { AlterableConstraint, ColumnAlteration, CreateTableOptions } from "../../sql/compiler/ddl-compiler.js";
import { DdlCompiler } from "../../sql/compiler/ddl-compiler.js";
import type { SqlCompiler } from "../../sql/compiler/sql-compiler.js";
import type { MySqlCompilerDialect } from "./mysql-compiler.js";
import { mysqlStringLiteral } from "./mysql-types.js";
import { baseType } from "../../sql/types/type-decorator.js";

/** Types MySQL stores off-row (BLOB/TEXT family): they cannot be indexed without a prefix length. */
const UNINDEXABLE = new Set(["Text", "LargeBinary", "Json", "Jsonb"]);
/** Types whose literal defaults MySQL only accepts as expressions, in parentheses. */
const EXPRESSION_DEFAULT_ONLY = new Set(["Text", "LargeBinary", "Json", "Jsonb"]);
const CURRENT_TIMESTAMP_RE = /^\s*(current_timestamp|now|localtimestamp|localtime)\s*(\(\s*\d?\s*\))?\s*$/i;

function baseKind(col: Column<string, unknown, boolean>): string {
  return baseType(col.type).kind;
}

/** Renders schema objects as MySQL/MariaDB DDL; refuses what the server at hand cannot create. */
export class MySqlDdlCompiler extends DdlCompiler {
  readonly #server: MySqlCompilerDialect;

  constructor(dialect: MySqlCompilerDialect, sqlCompiler: () => SqlCompiler) {
    super(dialect, sqlCompiler);
    this.#server = dialect;
  }

  override createTable(table: Table, options: CreateTableOptions = {}): string[] {
    for (const c of [table.primaryKey, ...table.uniqueConstraints])
      for (const col of c.columns)
        this.#checkIndexable(col, `${c.kind === "PrimaryKey" ? "the primary key" : "a unique constraint"} of ${table.name}`);
    this.#checkAutoincrement(table);
    return super.createTable(table, options);
  }

  /**
   * InnoDB requires the AUTO_INCREMENT column to lead an index: the primary key or a unique key.
   * identity.start becomes the table's AUTO_INCREMENT=n; identity.always cannot be enforced
   * (AUTO_INCREMENT columns accept explicit values) and is ignored, as on SQLite.
   */
  #checkAutoincrement(table: Table): void {
    const col = table.autoincrementColumn;
    if (!col) return;
    const leads = [table.primaryKey, ...table.uniqueConstraints].some((c) => c.columns[0] === col);
    if (!leads)
      throw new CompileError(
        `${this.#server.serverLabel} needs the AUTO_INCREMENT column ${col.toString()} to be the first column of the primary key or of a unique constraint; reorder the key or add unique: true`,
      );
    const inc = col.spec.identity?.increment;
    if (inc !== undefined && inc !== 1)
      throw new CompileError(
        `${this.#server.serverLabel} cannot give one table its own AUTO_INCREMENT step (identity.increment on ${col.toString()}); the step is the server setting auto_increment_increment, so drop increment`,
      );
  }

  #checkIndexable(col: Column<string, unknown, boolean>, where: string): void {
    if (UNINDEXABLE.has(baseKind(col)))
      throw new CompileError(
        `${this.#server.serverLabel} cannot index ${col.toString()} in ${where}: ${col.type.describe()} is stored like a BLOB and only a prefix of it could be indexed; use String(n) for columns that are keys or indexed`,
      );
  }

  protected override autoincrementClause(_col: Column<string, unknown, boolean>): string {
    return " AUTO_INCREMENT";
  }

  protected override columnSuffix(col: Column<string, unknown, boolean>): string {
    return col.spec.comment === undefined ? "" : ` COMMENT ${mysqlStringLiteral(col.spec.comment)}`;
  }

  /** `DEFAULT CHARSET=utf8mb4` (the server default may be latin1), a start value, the comment. */
  protected override tableSuffix(table: Table): string {
    let s = " DEFAULT CHARSET=utf8mb4";
    const start = table.autoincrementColumn?.spec.identity?.start;
    if (start !== undefined) s += ` AUTO_INCREMENT=${start}`;
    if (table.comment !== undefined) s += ` COMMENT=${mysqlStringLiteral(table.comment)}`;
    return s;
  }

  override serverDefault(col: Column<string, unknown, boolean>): string | undefined {
    const d = col.spec.serverDefault;
    if (d === undefined) return undefined;
    const kind = baseKind(col);
    if (d instanceof Expression) {
      const node = d.node as ExprNode;
      // CURRENT_TIMESTAMP is the one function allowed bare; its precision must match DATETIME(6).
      if (isCurrentTimestamp(node)) return kind === "DateTime" ? "CURRENT_TIMESTAMP(6)" : "CURRENT_TIMESTAMP";
      if (node.kind === "Bind" || (node.kind === "Keyword" && (node.word === "NULL" || node.word === "TRUE" || node.word === "FALSE"))) {
        const sql = this.expression(node);
        return EXPRESSION_DEFAULT_ONLY.has(kind) ? `(${sql})` : sql;
      }
      // Any other expression must be parenthesised (MySQL 8.0.13+, MariaDB 10.2+).
      return `(${this.expression(node)})`;
    }
    const sql = super.serverDefault(col)!;
    return EXPRESSION_DEFAULT_ONLY.has(kind) ? `(${sql})` : sql;
  }

  override foreignKeyClause(fk: ForeignKeyConstraint): string {
    if (fk.deferrable || fk.initially)
      throw new CompileError(
        `${this.#server.serverLabel} checks foreign keys at once and cannot defer them (foreign key on ${fk.table.name}(${fk.columns.map((c) => c.name).join(", ")})); drop deferrable/initially`,
      );
    return super.foreignKeyClause(fk);
  }

  /** `ALTER TABLE t DROP FOREIGN KEY name` */
  override dropForeignKey(fk: ForeignKeyConstraint): string {
    const sql = super.dropForeignKey(fk);
    return sql.replace(/ DROP CONSTRAINT /, " DROP FOREIGN KEY ");
  }

  /**
   * MySQL restates the whole column: `ALTER TABLE t MODIFY COLUMN c <type> [DEFAULT …] [NOT NULL]
   * [COMMENT …]`, taken from the alteration's target column, so the properties that do not change
   * are kept. A change of the default alone needs no target: `ALTER COLUMN c SET/DROP DEFAULT`.
   */
  override alterColumn(alter: ColumnAlteration): string[] {
    const onlyDefault = alter.default && !alter.type && !alter.nullable && !alter.comment;
    const target = alter.target;
    if (onlyDefault && !target) {
      const to = alter.default!.to;
      return [
        `ALTER TABLE ${this.tableRef(alter.table)} ALTER COLUMN ${this.q.quote(alter.column)} ${to === undefined ? "DROP DEFAULT" : `SET DEFAULT ${to}`}`,
      ];
    }
    if (!target)
      throw new CompileError(
        `${this.#server.serverLabel} changes a column with MODIFY COLUMN, which restates its type, nullability, default and comment; ` +
          `the alterColumn operation on ${alter.table}.${alter.column} needs its target column (autogenerate fills it in)`,
      );
    return [`ALTER TABLE ${this.tableName(target.table as Table)} MODIFY COLUMN ${this.columnDefinition(target)}`];
  }

  override addConstraint(c: AlterableConstraint): string {
    if (c.kind === "Unique") for (const col of c.columns) this.#checkIndexable(col, `a unique constraint of ${c.table.name}`);
    return super.addConstraint(c);
  }

  /** A unique constraint is an index (DROP INDEX); MariaDB drops a check with DROP CONSTRAINT, MySQL with DROP CHECK. */
  protected override constraintKeyword(c: UniqueConstraint | CheckConstraint): string {
    if (c.kind === "Unique") return "INDEX";
    return this.#server.isMariaDb ? "CONSTRAINT" : "CHECK";
  }

  override createIndex(index: Index): string {
    const label = index.resolvedName?.value ?? `on ${index.table.name}`;
    if (index.where)
      throw new CompileError(
        `${this.#server.serverLabel} cannot express partial indexes (index ${label} has a where condition); drop the condition, or index a generated column that is NULL for the rows to leave out`,
      );
    if (!index.isColumnsOnly && !this.dialect.caps.expressionIndexes)
      throw new CompileError(
        `${this.#server.serverLabel} cannot index expressions (index ${label}); add a generated (virtual) column holding the expression and index that column`,
      );
    for (const item of index.items) if (item.kind === "Column") this.#checkIndexable(item.column, `index ${label}`);
    return super.createIndex(index);
  }

  /** `DROP INDEX name ON table` */
  override dropIndex(index: Index): string {
    return `DROP INDEX ${this.q.constraintName(index.resolvedName!)} ON ${this.tableName(index.table)}`;
  }
}

function isCurrentTimestamp(node: ExprNode): boolean {
  if (node.kind === "Keyword") return node.word === "CURRENT_TIMESTAMP";
  if (node.kind === "Func") return node.name === "now" && node.args.length === 0;
  if (node.kind === "Raw") return node.args.length === 0 && CURRENT_TIMESTAMP_RE.test(node.parts.join(""));
  return false;
}
