/**
 * MySQL/MariaDB SQL spelling: backtick identifiers, concat() for `||`, `<=>` for IS [NOT] DISTINCT
 * FROM, JSON_EXTRACT paths, multi-table UPDATE/DELETE, row locks per server, CTEs placed where the
 * server accepts them, and ON DUPLICATE KEY UPDATE. Created by MySqlDialect.createCompiler.
 */
import { ArgumentError, CompileError } from "../../util/errors.js";
import type { BinaryNode, BindNode, ExprNode, FuncNode, JsonPathNode, LikeNode } from "../../sql/nodes/expression-nodes.js";
import type {
  CteLike,
  DeleteNode,
  DialectClause,
  InsertNode,
  LockSpec,
  NamedFrom,
  SelectNode,
  StatementNode,
  UpdateNode,
} from "../../sql/nodes/from-nodes.js";
import type { Column } from "../../sql/schema/column.js";
import type { TableAlias } from "../../sql/schema/table.js";
import type { CompiledStatement } from "../../sql/compiler/compiled.js";
import type { CompilerDialect } from "../../sql/compiler/expression-compiler.js";
import { SqlCompiler } from "../../sql/compiler/sql-compiler.js";
import { mysqlStringLiteral } from "./mysql-types.js";

/** What the compiler needs to know about the server behind a MySQL dialect. */
export interface MySqlCompilerDialect extends CompilerDialect {
  /** The server is MariaDB (known after the first connection, else from the URL scheme). */
  readonly isMariaDb: boolean;
  /** `INSERT … VALUES … AS new ON DUPLICATE KEY UPDATE x = new.x` (MySQL 8.0.19+). */
  readonly rowAliasUpsert: boolean;
  /** `FOR SHARE` (MySQL 8); otherwise `LOCK IN SHARE MODE`. */
  readonly forShare: boolean;
  /** `WITH …` before UPDATE and DELETE (MySQL 8; not MariaDB). */
  readonly cteBeforeDml: boolean;
  /** Human name of the server for messages, e.g. "MariaDB 10.11". */
  readonly serverLabel: string;
}

/** The dialect clause `insert()` of athanor/dialects/mysql attaches for ON DUPLICATE KEY UPDATE. */
export interface OnDuplicateKeyClause extends DialectClause {
  readonly kind: "OnDuplicateKeyUpdate";
  readonly dialect: "mysql";
  readonly set: ReadonlyArray<readonly [Column<string, unknown, boolean>, ExprNode]>;
}

/** SQL name of the row alias that stands for the proposed row in ON DUPLICATE KEY UPDATE. */
export const INSERTED_ALIAS = "new";

/** The aliases handed out as `insert(t).inserted`, recognised when compiling ON DUPLICATE KEY UPDATE. */
export const insertedAliases = new WeakSet<TableAlias>();

/**
 * A MySQL/MariaDB JSON path such as `$."a b"[0]`. Quoted keys are JSON strings, so any key can be
 * written (quotes and backslashes escaped); array indexes count from the start.
 */
export function mysqlJsonPath(keys: readonly (string | number)[]): string {
  let path = "$";
  for (const k of keys) {
    if (typeof k === "string") path += `.${JSON.stringify(k)}`;
    else if (k >= 0) path += `[${k}]`;
    else throw new ArgumentError(`JSON path index ${k} counts from the end, which MySQL paths cannot express; use a non-negative index`);
  }
  return path;
}

/** LIMIT for "no limit": MySQL has no OFFSET without LIMIT; this is the documented largest value. */
const NO_LIMIT = "18446744073709551615";

/** Compiles statements for MySQL and MariaDB; one instance per statement, like every SqlCompiler. */
export class MySqlCompiler extends SqlCompiler {
  readonly #server: MySqlCompilerDialect;
  /** The statement being compiled at top level, for clauses whose placement depends on it. */
  #statement: StatementNode["kind"] | undefined;
  /** Inside ON DUPLICATE KEY UPDATE: how proposed-row columns are spelled. */
  #inserted: "alias" | "values" | undefined;

  constructor(dialect: MySqlCompilerDialect, binds: readonly BindNode[]) {
    super(dialect, binds);
    this.#server = dialect;
  }

  override compile(node: StatementNode): CompiledStatement {
    this.#statement = node.kind;
    return super.compile(node);
  }

  // ---------------------------------------------------------------- expressions

  protected override visitBinary(n: BinaryNode): string {
    // `<=>` is MySQL's null-safe equality.
    if (n.op === "IS NOT DISTINCT FROM") return `${this.operand(n.left, 4, true)} <=> ${this.operand(n.right, 4, true)}`;
    if (n.op === "IS DISTINCT FROM") return `NOT (${this.operand(n.left, 4, true)} <=> ${this.operand(n.right, 4, true)})`;
    return super.visitBinary(n);
  }

  /** `||` is OR on MySQL: concatenation is concat(), flattened across chains. */
  protected override visitConcat(n: BinaryNode): string {
    const parts: ExprNode[] = [];
    const collect = (e: ExprNode): void => {
      if (e.kind === "Binary" && e.op === "||") {
        collect(e.left);
        collect(e.right);
      } else parts.push(e);
    };
    collect(n);
    return `concat(${parts.map((p) => this.expr(p)).join(", ")})`;
  }

  protected override visitLike(n: LikeNode): string {
    // The escape character is a string literal, which MySQL reads with backslash escapes.
    const not = n.negate ? "NOT " : "";
    const escape = n.escape === undefined ? "" : ` ESCAPE ${mysqlStringLiteral(n.escape)}`;
    if (n.caseInsensitive) return this.visitILike(n, not, escape);
    return `${this.operand(n.operand, 5)} ${not}LIKE ${this.operand(n.pattern, 5)}${escape}`;
  }

  protected override functionName(name: string): string {
    switch (name) {
      case "length":
        return "char_length"; // length() counts bytes on MySQL
      case "random":
        return "rand";
      default:
        return name;
    }
  }

  protected override visitFunc(n: FuncNode): string {
    // The session time zone is UTC, so this is UTC with microseconds, read back as a Date.
    if (n.name === "now" && n.args.length === 0) return "CURRENT_TIMESTAMP(6)";
    return super.visitFunc(n);
  }

  protected pathBind(n: JsonPathNode): string {
    return this.bind(n.path, { transform: (v) => mysqlJsonPath(v as (string | number)[]) });
  }

  protected override visitJsonPath(n: JsonPathNode): string {
    const doc = this.expr(n.operand);
    const extract = `JSON_EXTRACT(${doc}, ${this.pathBind(n)})`;
    if (!n.asText) return extract;
    // JSON_UNQUOTE turns a JSON null into the text 'null'; the other databases give SQL NULL.
    return `(CASE JSON_TYPE(${extract}) WHEN 'NULL' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(${doc}, ${this.pathBind(n)})) END)`;
  }

  protected override column(col: Column<string, unknown, boolean>): string {
    if (this.#inserted !== undefined && insertedAliases.has(col.table as TableAlias)) {
      return this.#inserted === "alias" ? `${this.q.quote(INSERTED_ALIAS)}.${this.q.quote(col.name)}` : `VALUES(${this.q.quote(col.name)})`;
    }
    if (insertedAliases.has(col.table as TableAlias))
      throw new CompileError(
        `${col.name} of insert(…).inserted stands for the proposed row and can only be used in onDuplicateKeyUpdate({ set })`,
      );
    return super.column(col);
  }

  // ---------------------------------------------------------------- SELECT

  protected override limitOffset(limit: BindNode | undefined, offset: BindNode | undefined): string {
    if (offset && !limit) return ` LIMIT ${NO_LIMIT} OFFSET ${this.bind(offset)}`;
    return super.limitOffset(limit, offset);
  }

  protected override emptyFrom(n: SelectNode): string {
    // MySQL needs a FROM clause before WHERE / GROUP BY / HAVING; DUAL is its empty table.
    return n.where || n.groupBy.length || n.having ? " FROM DUAL" : "";
  }

  /**
   * Row locks. PostgreSQL's weaker `key` modes become the plain ones, which lock at least as much.
   * MariaDB (and MySQL before 8.0.1) spell FOR SHARE as LOCK IN SHARE MODE and cannot lock OF tables.
   */
  protected override lockClause(lock: LockSpec): string {
    const server = this.#server;
    let s: string;
    if (lock.mode === "UPDATE" || lock.mode === "NO KEY UPDATE") s = " FOR UPDATE";
    else s = server.forShare ? " FOR SHARE" : " LOCK IN SHARE MODE";
    if (lock.of?.length) {
      if (server.isMariaDb || !server.forShare)
        throw new CompileError(
          `${server.serverLabel} cannot lock only some tables (the of option of forUpdate/forShare); leave out of, which locks the rows of every table read`,
        );
      s += ` OF ${lock.of.map((f) => this.fromName(f)).join(", ")}`;
    }
    if (lock.wait === "SKIP LOCKED" && !this.caps.skipLocked)
      throw new CompileError(
        `${server.serverLabel} cannot SKIP LOCKED rows (MySQL 8.0.1+ and MariaDB 10.6+ can); drop skipLocked or upgrade the server`,
      );
    if (lock.wait) s += ` ${lock.wait}`;
    return s;
  }

  // ---------------------------------------------------------------- CTEs

  protected override cteBody(cte: CteLike): string {
    if (cte.body.kind !== "Select" && cte.body.kind !== "Compound")
      this.unsupported(`a data-modifying CTE (${cte.name} holds an ${cte.body.kind.toUpperCase()})`, "run the statement separately first");
    return super.cteBody(cte);
  }

  protected override withClause(): string {
    const clause = super.withClause();
    if (clause && (this.#statement === "Update" || this.#statement === "Delete") && !this.#server.cteBeforeDml)
      throw new CompileError(
        `${this.#server.serverLabel} cannot put a WITH clause before ${this.#statement.toUpperCase()}; use the CTE's query as a subquery instead (e.g. where(col.in(select(…))))`,
      );
    return clause;
  }

  // ---------------------------------------------------------------- INSERT

  /** MySQL takes WITH inside INSERT (`INSERT INTO t (…) WITH … SELECT …`), never before it. */
  protected override withPrefixFor(n: InsertNode, body: () => string): string {
    for (const c of n.ctes) this.registerCte(c);
    const sql = body();
    if (!n.fromSelect && super.withClause())
      this.unsupported("a WITH clause on INSERT … VALUES", "insert with fromSelect() and put the CTE in that query");
    return sql;
  }

  protected override insertBody(n: InsertNode): string {
    if (!n.fromSelect) return super.insertBody(n);
    const head = `INSERT INTO ${this.tableName(n.table)}`;
    const cols = n.fromSelect.columns.map((k) => this.q.quote(this.colName(n.table, k))).join(", ");
    const query = this.selectLike(n.fromSelect.select, "from");
    return `${head} (${cols}) ${super.withClause()}${query}${this.insertTail(n)}`;
  }

  protected override defaultValues(): string {
    return "() VALUES ()";
  }

  protected override dialectClause(c: DialectClause, n: InsertNode): string {
    if (c.kind !== "OnDuplicateKeyUpdate" || c.dialect !== "mysql") return super.dialectClause(c, n);
    const clause = c as OnDuplicateKeyClause;
    // The row alias needs a VALUES list (not INSERT … SELECT) and MySQL 8.0.19+; VALUES(col) works elsewhere.
    const alias = this.#server.rowAliasUpsert && n.rows !== undefined && n.rows.length > 0;
    const frame = new Set<NamedFrom>([n.table]);
    this.fromStack.push(frame);
    this.#inserted = alias ? "alias" : "values";
    try {
      const set = clause.set.map(([col, v]) => `${this.q.quote(col.name)} = ${this.expr(v)}`).join(", ");
      return `${alias ? ` AS ${this.q.quote(INSERTED_ALIAS)}` : ""} ON DUPLICATE KEY UPDATE ${set}`;
    } finally {
      this.#inserted = undefined;
      this.fromStack.pop();
    }
  }

  // ---------------------------------------------------------------- UPDATE / DELETE

  /** `UPDATE a, b SET a.x = … WHERE …`: MySQL's multi-table UPDATE stands for UPDATE … FROM. */
  protected override updateText(n: UpdateNode): string {
    if (n.from.length === 0) return super.updateText(n);
    if (n.returning) this.unsupported("UPDATE … RETURNING", "select the rows again after updating them");
    const target = this.fromName(n.table);
    const set = n.set.map(([c, v]) => `${target}.${this.q.quote(c.name)} = ${this.expr(v)}`).join(", ");
    let s = `UPDATE ${[n.table, ...n.from].map((f) => this.fromItem(f)).join(", ")} SET ${set}`;
    if (n.where) s += ` WHERE ${this.expr(n.where)}`;
    return s;
  }

  /** `DELETE a FROM a, b WHERE …` for DELETE … USING, and for aliased targets (MariaDB has no `DELETE FROM t AS a`). */
  protected override deleteText(n: DeleteNode): string {
    if (n.using.length === 0 && n.table.kind === "Table") return super.deleteText(n);
    if (n.returning)
      this.unsupported(
        "RETURNING on a multi-table or aliased DELETE",
        "delete from the table itself (no using(), no alias), or select the rows before deleting them",
      );
    let s = `DELETE ${this.fromName(n.table)} FROM ${[n.table, ...n.using].map((f) => this.fromItem(f)).join(", ")}`;
    if (n.where) s += ` WHERE ${this.expr(n.where)}`;
    return s;
  }
}
