/**
 * PostgreSQL's SQL spelling: JSON paths as chained `->`/`->>` with one parameter per key, ILIKE,
 * MATERIALIZED CTE hints, unqualified FOR UPDATE OF targets. Created by postgres-dialect.ts.
 */
import { UNTYPED, type SqlType } from "../../sql/types/sql-type.js";
import type { EnumType } from "../../sql/types/string-types.js";
import type { BinaryNode, BindNode, ExprNode, IsNullNode, JsonPathNode, LikeNode } from "../../sql/nodes/expression-nodes.js";
import type { CteLike, LockSpec, NamedFrom, SelectItemNode } from "../../sql/nodes/from-nodes.js";
import { SqlCompiler } from "../../sql/compiler/sql-compiler.js";
import type { CompilerDialect } from "../../sql/compiler/expression-compiler.js";
import { baseType } from "../../sql/types/type-decorator.js";

/** What the compiler reads from its dialect beyond the common interface. */
export interface PostgresCompilerDialect extends CompilerDialect {
  /** `server_version_num` once known (e.g. 150004); undefined before the first connection. */
  readonly serverVersionNum: number | undefined;
}

/** Compiles statements for PostgreSQL: `$n` placeholders and the PostgreSQL-only spellings above. */
export class PostgresCompiler extends SqlCompiler {
  /** Typed binds to render with a cast, because nothing around them tells PostgreSQL their type. */
  readonly #castBinds = new Set<BindNode>();

  constructor(
    protected readonly pgDialect: PostgresCompilerDialect,
    binds: readonly BindNode[],
  ) {
    super(pgDialect, binds);
  }

  override expr(n: ExprNode): string {
    if (n.kind === "Bind" && this.#castBinds.has(n)) return this.castBind(n);
    return super.expr(n);
  }

  /**
   * Renders `inner` with the given binds cast to their types. pg sends every parameter as text of
   * unknown type, so `$1 + $2` or `$1 IS NULL` would leave PostgreSQL guessing (or failing).
   */
  protected withCasts(binds: readonly ExprNode[], inner: () => string): string {
    const added = binds.filter((b): b is BindNode => b.kind === "Bind" && b.type !== UNTYPED && !this.#castBinds.has(b));
    for (const b of added) this.#castBinds.add(b);
    try {
      return inner();
    } finally {
      for (const b of added) this.#castBinds.delete(b);
    }
  }

  /** `CAST($n AS type)`, with a type that never truncates or rounds the value. */
  protected castBind(b: BindNode): string {
    const slot = this.bind(b);
    if (this.literalBinds) return slot;
    return `CAST(${slot} AS ${this.bindCastType(b.type)})`;
  }

  protected bindCastType(type: SqlType<unknown>): string {
    const base = baseType(type);
    switch (base.kind) {
      case "String":
      case "Text":
        return "TEXT";
      case "Numeric":
        return "NUMERIC";
      case "Enum":
        return (base as unknown as EnumType).name === undefined ? "TEXT" : this.dialect.typeCompiler.cast(base);
      default:
        return this.dialect.typeCompiler.cast(base);
    }
  }

  /** Two parameters meeting in one operator: both get their types spelled out. */
  protected override visitBinary(n: BinaryNode): string {
    if (n.left.kind !== "Bind" || n.right.kind !== "Bind") return super.visitBinary(n);
    return this.withCasts([n.left, n.right], () => super.visitBinary(n));
  }

  protected override visitIsNull(n: IsNullNode): string {
    return this.withCasts([n.operand], () => super.visitIsNull(n));
  }

  /** A bare parameter in a select list gets its type, so the column reads back as that type (and unions match). */
  protected override selectItem(it: SelectItemNode): string {
    return this.withCasts([it.expr], () => super.selectItem(it));
  }

  /**
   * `((doc -> $1) ->> $2)`: one parameter per key, taken from the single path bind by position.
   * String keys go as text; integer keys are cast, or PostgreSQL would read them as object keys.
   */
  protected override visitJsonPath(n: JsonPathNode): string {
    let sql = this.expr(n.operand);
    const last = n.shape.length - 1;
    for (let i = 0; i <= last; i++) {
      const op = i === last && n.asText ? "->>" : "->";
      const slot = this.jsonKey(n, i);
      sql = `(${sql} ${op} ${n.shape[i] === "i" ? `CAST(${slot} AS INTEGER)` : slot})`;
    }
    return sql;
  }

  /** One key of a JSON path: a parameter, or in DDL (index expressions) a literal. */
  protected jsonKey(n: JsonPathNode, i: number): string {
    if (!this.literalBinds) return this.bind(n.path, { element: i });
    return this.dialect.renderLiteral((n.path.value as readonly unknown[])[i], UNTYPED);
  }

  protected override visitILike(n: LikeNode, not: string, escape: string): string {
    return `${this.operand(n.operand, 5)} ${not}ILIKE ${this.operand(n.pattern, 5)}${escape}`;
  }

  /** The MATERIALIZED hints exist since PostgreSQL 12; older servers get none. */
  protected override cteMaterialized(cte: CteLike): string {
    if (cte.materialized === undefined) return "";
    const version = this.pgDialect.serverVersionNum;
    if (version !== undefined && version < 120000) return "";
    return cte.materialized ? "MATERIALIZED " : "NOT MATERIALIZED ";
  }

  /** FOR UPDATE OF takes the names used in FROM, never schema-qualified ones. */
  protected override lockClause(lock: LockSpec): string {
    let s = ` FOR ${lock.mode}`;
    if (lock.of?.length) s += ` OF ${lock.of.map((f) => this.lockTarget(f)).join(", ")}`;
    if (lock.wait) s += ` ${lock.wait}`;
    return s;
  }

  protected lockTarget(f: NamedFrom): string {
    return f.kind === "Table" ? this.q.quote(f.name) : this.fromName(f);
  }
}
