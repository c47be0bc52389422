/**
 * The expression half of the SQL compiler: compiler state (parameter slots, anonymous names,
 * correlation frames) and a visitor method per expression node kind. Dialect compilers override
 * individual visitors; statements are rendered by the subclass in sql-compiler.ts.
 */
import { CompileError } from "../../util/errors.js";
import type { SqlType } from "../types/sql-type.js";
import type {
  BetweenNode,
  BinaryNode,
  BindNode,
  CaseNode,
  CastNode,
  CollateNode,
  ExprNode,
  FuncNode,
  InNode,
  IsNullNode,
  JsonPathNode,
  KeywordNode,
  LikeNode,
  OrderingNode,
  OverNode,
  RawNode,
  UnaryNode,
  FrameBound,
} from "../nodes/expression-nodes.js";
import type { FromItem, NamedFrom, SelectLike } from "../nodes/from-nodes.js";
import { isExprNode } from "../nodes/node-walk.js";
import type { Column } from "../schema/column.js";
import type { Capabilities } from "./capabilities.js";
import type { ParamSlot } from "./compiled.js";
import type { IdentifierPreparer } from "./identifier-preparer.js";
import type { TypeCompiler } from "./type-compiler.js";

/** What the compiler needs to know about its dialect. */
export interface CompilerDialect {
  readonly name: string;
  readonly caps: Capabilities;
  readonly preparer: IdentifierPreparer;
  /** `?` placeholders (qmark) or `$1` (numeric). */
  readonly paramStyle: "qmark" | "numeric";
  readonly typeCompiler: TypeCompiler;
  /** Renders a value as a SQL literal of `type`. Used only where the SQL cannot carry parameters (DDL). */
  renderLiteral(value: unknown, type: SqlType<unknown>): string;
}

/** Placeholder markers: NUL-delimited slot numbers, replaced by `?`/`$n` once the SQL is complete. */
export const MARKER = /\u0000(\d+)\u0000/g;

const COMPARISON = new Set(["=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"]);

/** Binding strength of a node's outermost operator (higher binds tighter). */
export function precedence(n: ExprNode): number {
  switch (n.kind) {
    case "BoolList":
      return n.op === "OR" ? 1 : 2;
    case "Unary":
      return n.op === "NOT" ? 3 : 8;
    case "Binary":
      if (COMPARISON.has(n.op)) return 4;
      if (n.op === "||") return 5;
      if (n.op === "+" || n.op === "-") return 6;
      return 7;
    case "Like":
    case "In":
    case "Between":
    case "IsNull":
      return 4;
    default:
      return 9;
  }
}

export abstract class ExpressionCompiler {
  protected readonly q: IdentifierPreparer;
  protected readonly caps: Capabilities;
  /** Every placeholder emitted, by marker number. */
  protected readonly slots: ParamSlot[] = [];
  readonly #bindIndex = new Map<BindNode, number>();
  /** Render bound values as literals (DDL, where parameters are not allowed). */
  protected literalBinds = false;
  /** FROM items of the enclosing SELECTs, innermost last, for auto-correlation. */
  protected readonly fromStack: Set<NamedFrom>[] = [];
  readonly #anon = new Map<NamedFrom, string>();

  constructor(
    protected readonly dialect: CompilerDialect,
    binds: readonly BindNode[],
  ) {
    this.q = dialect.preparer;
    this.caps = dialect.caps;
    binds.forEach((b, i) => {
      if (!this.#bindIndex.has(b)) this.#bindIndex.set(b, i);
    });
  }

  /** Renders a statement used inside an expression or FROM. */
  protected abstract selectLike(n: SelectLike, mode: "scalar" | "from" | "cte"): string;
  /** Renders a FROM item (table, alias, subquery, CTE, join). */
  protected abstract fromItem(f: FromItem): string;

  protected unsupported(what: string, hint?: string): never {
    throw new CompileError(`${this.dialect.name} cannot express ${what}${hint ? `; ${hint}` : ""}`);
  }

  /** Emits a placeholder for a slot. */
  protected slotMarker(slot: ParamSlot): string {
    this.slots.push(slot);
    return `\u0000${this.slots.length - 1}\u0000`;
  }

  /** Emits a placeholder (or, in literal mode, a literal) for a bind node. */
  protected bind(b: BindNode, extra?: Partial<ParamSlot>): string {
    if (this.literalBinds) {
      if (b.name !== undefined) throw new CompileError(`bindParam("${b.name}") cannot be used in DDL, which takes no parameters`);
      if (b.callable) throw new CompileError("a function default cannot be rendered into DDL");
      return this.dialect.renderLiteral(b.value, b.type);
    }
    const index = this.#bindIndex.get(b);
    if (index === undefined) throw new CompileError("internal: a bound value was not registered by the cache key builder");
    return this.slotMarker({ index, name: b.name, type: b.type, label: b.label, callable: b.callable, ...extra });
  }

  /** The name a FROM item is referred to by (alias, CTE or table name); anonymous subqueries get anon_N. */
  protected fromName(f: NamedFrom): string {
    switch (f.kind) {
      case "Table": {
        const t = f as unknown as { schema?: string; name: string };
        return this.q.quotePath(t.schema, t.name);
      }
      case "Subquery": {
        const explicit = (f as unknown as { explicitName?: string }).explicitName;
        if (explicit !== undefined) return this.q.quote(explicit);
        let name = this.#anon.get(f);
        if (!name) this.#anon.set(f, (name = `anon_${this.#anon.size + 1}`));
        return this.q.quote(name);
      }
      case "Cte":
        return this.cteReference(f as never);
      default:
        return this.q.quote(f.name);
    }
  }

  /** Registers a CTE for the WITH clause and returns its quoted name. */
  protected abstract cteReference(cte: NamedFrom & { kind: "Cte" }): string;

  /** Render columns without their table (DDL: CHECK conditions, index expressions). */
  protected unqualifiedColumns = false;

  /** `table.column` */
  protected column(col: Column<string, unknown, boolean>): string {
    if (this.unqualifiedColumns) return this.q.quote(col.name);
    return `${this.fromName(col.table)}.${this.q.quote(col.name)}`;
  }

  /** Renders a child, in parentheses when it binds more loosely than its parent. */
  protected operand(child: ExprNode, parentPrec: number, strict = false): string {
    const s = this.expr(child);
    const p = precedence(child);
    return p < parentPrec || (strict && p === parentPrec) ? `(${s})` : s;
  }

  expr(n: ExprNode): string {
    switch (n.kind) {
      case "Column":
        return this.column(n.column);
      case "Bind":
        return this.bind(n);
      case "Keyword":
        return this.visitKeyword(n);
      case "Binary":
        return this.visitBinary(n);
      case "Like":
        return this.visitLike(n);
      case "BoolList": {
        const p = n.op === "OR" ? 1 : 2;
        return n.items.map((i) => this.operand(i, p)).join(` ${n.op} `);
      }
      case "Unary":
        return this.visitUnary(n);
      case "IsNull":
        return this.visitIsNull(n);
      case "In":
        return this.visitIn(n);
      case "Between":
        return this.visitBetween(n);
      case "Func":
        return this.visitFunc(n);
      case "Over":
        return this.visitOver(n);
      case "Cast":
        return this.visitCast(n);
      case "Case":
        return this.visitCase(n);
      case "Label":
        return this.expr(n.inner);
      case "Ordering":
        return this.visitOrdering(n);
      case "ScalarSubquery":
        return `(${this.selectLike(n.select, "scalar")})`;
      case "Exists":
        return `EXISTS (${this.selectLike(n.select, "scalar")})`;
      case "Identifier":
        return n.names.map((x) => this.q.quote(x)).join(".");
      case "Raw":
        return this.visitRaw(n);
      case "JsonPath":
        return this.visitJsonPath(n);
      case "Collate":
        return this.visitCollate(n);
      case "Tuple":
        return `(${n.items.map((i) => this.expr(i)).join(", ")})`;
      case "Star":
        return n.from && n.from.kind !== "Join" ? `${this.fromName(n.from)}.*` : "*";
    }
  }

  protected visitKeyword(n: KeywordNode): string {
    return n.word;
  }

  protected visitBinary(n: BinaryNode): string {
    const p = precedence(n);
    if (n.op === "||") return this.visitConcat(n);
    const comparison = p === 4;
    return `${this.operand(n.left, p, comparison)} ${n.op} ${this.operand(n.right, p, true)}`;
  }

  /** String concatenation; MySQL overrides (its `||` means OR). */
  protected visitConcat(n: BinaryNode): string {
    return `${this.operand(n.left, 5)} || ${this.operand(n.right, 5, true)}`;
  }

  protected visitLike(n: LikeNode): string {
    const not = n.negate ? "NOT " : "";
    const escape = n.escape === undefined ? "" : ` ESCAPE '${n.escape}'`;
    if (n.caseInsensitive) return this.visitILike(n, not, escape);
    return `${this.operand(n.operand, 5)} ${not}LIKE ${this.operand(n.pattern, 5)}${escape}`;
  }

  /** Case-insensitive LIKE; PostgreSQL overrides with ILIKE. */
  protected visitILike(n: LikeNode, not: string, escape: string): string {
    return `lower(${this.expr(n.operand)}) ${not}LIKE lower(${this.expr(n.pattern)})${escape}`;
  }

  protected visitUnary(n: UnaryNode): string {
    if (n.op === "NOT") return `NOT ${this.operand(n.operand, 4)}`;
    if (n.op === "DISTINCT") return `DISTINCT ${this.expr(n.operand)}`;
    return `-${this.operand(n.operand, 8)}`;
  }

  protected visitIsNull(n: IsNullNode): string {
    return `${this.operand(n.operand, 5)} IS ${n.negate ? "NOT " : ""}NULL`;
  }

  protected visitIn(n: InNode): string {
    const not = n.negate ? "NOT " : "";
    if (!Array.isArray(n.items)) return `${this.operand(n.operand, 5)} ${not}IN (${this.selectLike(n.items as SelectLike, "scalar")})`;
    const items = n.items as readonly ExprNode[];
    // An empty list matches nothing (NOT IN: everything); `IN ()` is a syntax error.
    if (items.length === 0) return n.negate ? "1 = 1" : "1 <> 1";
    return `${this.operand(n.operand, 5)} ${not}IN (${items.map((i) => this.expr(i)).join(", ")})`;
  }

  protected visitBetween(n: BetweenNode): string {
    return `${this.operand(n.operand, 5)} ${n.negate ? "NOT " : ""}BETWEEN ${this.operand(n.low, 5)} AND ${this.operand(n.high, 5)}`;
  }

  /** Function name as the dialect spells it (`length` is `char_length` on MySQL, …). */
  protected functionName(name: string): string {
    return name;
  }

  protected visitFunc(n: FuncNode): string {
    if (n.name === "current_date") return "CURRENT_DATE";
    const args = n.args.map((a) => this.expr(a)).join(", ");
    const call = `${this.functionName(n.name)}(${n.distinct ? "DISTINCT " : ""}${args})`;
    if (!n.filter) return call;
    if (this.caps.aggregateFilter) return `${call} FILTER (WHERE ${this.expr(n.filter)})`;
    // Without FILTER, feed the aggregate a CASE that yields NULL for filtered-out rows.
    const cond = this.expr(n.filter);
    const caseArgs = n.args.map((a) => (a.kind === "Star" ? `CASE WHEN ${cond} THEN 1 END` : `CASE WHEN ${cond} THEN ${this.expr(a)} END`));
    return `${this.functionName(n.name)}(${n.distinct ? "DISTINCT " : ""}${caseArgs.join(", ")})`;
  }

  protected visitOver(n: OverNode): string {
    if (!this.caps.windowFunctions) this.unsupported("window functions");
    const parts: string[] = [];
    if (n.window.partitionBy.length) parts.push(`PARTITION BY ${n.window.partitionBy.map((e) => this.expr(e)).join(", ")}`);
    if (n.window.orderBy.length) parts.push(`ORDER BY ${n.window.orderBy.map((e) => this.orderItem(e)).join(", ")}`);
    const fr = n.window.frame;
    if (fr) {
      const b = (x: FrameBound): string =>
        typeof x === "string" ? x : "preceding" in x ? `${x.preceding} PRECEDING` : `${x.following} FOLLOWING`;
      parts.push(fr.end === undefined ? `${fr.mode} ${b(fr.start)}` : `${fr.mode} BETWEEN ${b(fr.start)} AND ${b(fr.end)}`);
    }
    return `${this.visitFunc(n.func)} OVER (${parts.join(" ")})`;
  }

  protected visitCast(n: CastNode): string {
    return `CAST(${this.expr(n.operand)} AS ${this.dialect.typeCompiler.cast(n.to)})`;
  }

  protected visitCase(n: CaseNode): string {
    let s = "CASE";
    if (n.value) s += ` ${this.expr(n.value)}`;
    for (const [w, t] of n.whens) s += ` WHEN ${this.expr(w)} THEN ${this.expr(t)}`;
    if (n.else) s += ` ELSE ${this.expr(n.else)}`;
    return `${s} END`;
  }

  /**
   * Output labels of the SELECT whose ORDER BY is being compiled: a labelled expression among them
   * is referred to by its label; any other one (a hybrid's class attribute, say) is written out.
   */
  protected orderLabels: ReadonlySet<string> = new Set();

  /** An ORDER BY entry. */
  protected orderItem(n: ExprNode): string {
    if (n.kind === "Label") return this.orderLabels.has(n.name) ? this.q.quote(n.name) : this.expr(n.inner);
    if (n.kind === "Ordering") return this.visitOrdering(n);
    return this.expr(n);
  }

  protected visitOrdering(n: OrderingNode): string {
    const inner =
      n.inner.kind === "Label" && this.orderLabels.has(n.inner.name)
        ? this.q.quote(n.inner.name)
        : this.expr(n.inner.kind === "Label" ? n.inner.inner : n.inner);
    const dir = n.direction ? ` ${n.direction}` : "";
    if (!n.nulls) return `${inner}${dir}`;
    if (this.caps.nullsOrdering) return `${inner}${dir} NULLS ${n.nulls}`;
    // Emulation: sort on "is null" first (false < true), then on the value.
    return `${inner} IS NULL ${n.nulls === "FIRST" ? "DESC" : "ASC"}, ${inner}${dir}`;
  }

  protected visitRaw(n: RawNode): string {
    let s = n.parts[0] ?? "";
    n.args.forEach((a, i) => {
      if (isExprNode(a)) s += this.expr(a);
      else if (a.kind === "Select" || a.kind === "Compound") s += `(${this.selectLike(a, "scalar")})`;
      else s += a.kind === "Join" ? this.fromItem(a) : this.fromName(a);
      s += n.parts[i + 1] ?? "";
    });
    return s;
  }

  protected visitJsonPath(_n: JsonPathNode): string {
    return this.unsupported("JSON path access");
  }

  protected visitCollate(n: CollateNode): string {
    return `${this.operand(n.operand, 9)} COLLATE ${this.q.quote(n.collation)}`;
  }
}
