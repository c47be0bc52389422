/**
 * The statement half of the SQL compiler: SELECT (FROM derivation, auto-correlation, CTE hoisting),
 * compound selects, INSERT (batch plans), UPDATE, DELETE and raw text statements. One instance
 * compiles one statement; dialects subclass it and override the hooks they need.
 */
import { CompileError } from "../../util/errors.js";
import type { BindNode, ExprNode } from "../nodes/expression-nodes.js";
import type {
  CompoundNode,
  CteLike,
  DeleteNode,
  DialectClause,
  FromItem,
  InsertNode,
  JoinNode,
  LockSpec,
  NamedFrom,
  OnConflictNode,
  SelectItemNode,
  SelectLike,
  SelectNode,
  StatementNode,
  UpdateNode,
} from "../nodes/from-nodes.js";
import { namedFromsOf, selectFroms } from "../nodes/node-walk.js";
import { Expression } from "../elements/expression.js";
import type { Column } from "../schema/column.js";
import type { Table } from "../schema/table.js";
import type { CompiledStatement, InsertBatchPlan, InsertColumnPlan, ParamSlot, ResultColumn, SqlPieces } from "./compiled.js";
import { ExpressionCompiler, MARKER, type CompilerDialect } from "./expression-compiler.js";

interface CteEntry {
  cte: CteLike;
  sql: string | undefined;
}

export class SqlCompiler extends ExpressionCompiler {
  /** CTEs referenced anywhere, hoisted to the top-level WITH in first-rendered order. */
  readonly #ctes = new Map<string, CteEntry>();
  readonly #cteOrder: string[] = [];
  #entities = false;

  constructor(dialect: CompilerDialect, binds: readonly BindNode[]) {
    super(dialect, binds);
  }

  /** Compiles a statement. */
  compile(node: StatementNode): CompiledStatement {
    this.#entities =
      node.kind === "Select" || node.kind === "Compound"
        ? firstSelect(node).entities.length > 0
        : node.kind !== "Text" && node.returningEntities.length > 0;
    switch (node.kind) {
      case "Select":
      case "Compound": {
        const body = this.selectLike(node, "top");
        return this.finish("select", this.withClause() + body, resultColumns(firstSelect(node).items), true);
      }
      case "Insert":
        return this.compileInsert(node);
      case "Update": {
        const body = this.update(node);
        return this.finish("update", this.withClause() + body, node.returning && resultColumns(node.returning), !!node.returning);
      }
      case "Delete": {
        const body = this.delete(node);
        return this.finish("delete", this.withClause() + body, node.returning && resultColumns(node.returning), !!node.returning);
      }
      case "Text":
        return this.finish("text", this.expr(node.raw), undefined, true);
    }
  }

  /**
   * Compiles a statement with its values written as literals, for migration scripts (which run as
   * text and are printed offline). INSERT … VALUES is refused: its rows are assembled per batch.
   */
  compileLiteral(node: StatementNode): string {
    const saved = this.literalBinds;
    this.literalBinds = true;
    try {
      const compiled = this.compile(node);
      if (compiled.insert || compiled.insertColumns)
        throw new CompileError(
          "an INSERT … VALUES statement cannot be compiled with literal values; in a migration, use op.bulkInsert(table, rows)",
        );
      return compiled.sql;
    } finally {
      this.literalBinds = saved;
    }
  }

  /** Compiles an expression in literal mode (column defaults rendered into statements). */
  literal(node: ExprNode): string {
    const saved = this.literalBinds;
    this.literalBinds = true;
    try {
      return this.expr(node);
    } finally {
      this.literalBinds = saved;
    }
  }

  /** Compiles an expression for DDL: values as literals, columns without their table. */
  ddlExpression(node: ExprNode): string {
    const saved = this.unqualifiedColumns;
    this.unqualifiedColumns = true;
    try {
      return this.literal(node);
    } finally {
      this.unqualifiedColumns = saved;
    }
  }

  // ---------------------------------------------------------------- finishing

  /** Replaces markers with the dialect's placeholders, ordering the slots accordingly. */
  protected finish(
    kind: CompiledStatement["kind"],
    text: string,
    resultCols: ResultColumn[] | undefined,
    returnsRows: boolean,
  ): CompiledStatement {
    const { sql, slots } = this.placeholders(text);
    return { kind, sql, slots, resultColumns: resultCols, returnsRows, entities: this.#entities };
  }

  protected placeholders(text: string, offset = 0): { sql: string; slots: ParamSlot[] } {
    const ordered: ParamSlot[] = [];
    const numeric = this.dialect.paramStyle === "numeric";
    const sql = text.replace(MARKER, (_m, i: string) => {
      ordered.push(this.slots[Number(i)]!);
      return numeric ? `$${ordered.length + offset}` : "?";
    });
    return { sql, slots: ordered };
  }

  /** Splits marked text into literal parts and the slots between them (batched inserts). */
  protected pieces(text: string): SqlPieces {
    const parts: string[] = [];
    const slots: ParamSlot[] = [];
    let last = 0;
    for (const m of text.matchAll(MARKER)) {
      parts.push(text.slice(last, m.index));
      slots.push(this.slots[Number(m[1])]!);
      last = m.index! + m[0].length;
    }
    parts.push(text.slice(last));
    return { parts, slots };
  }

  // ---------------------------------------------------------------- CTEs

  protected cteReference(cte: NamedFrom & { kind: "Cte" }): string {
    this.registerCte(cte as unknown as CteLike);
    return this.q.quote(cte.name);
  }

  /** Whether `a` is `b` or was derived from it (recursive `unionAll`). */
  static #derivesFrom(a: CteLike, b: CteLike): boolean {
    for (let c: CteLike | undefined = a; c; c = c.origin) if (c === b) return true;
    return false;
  }

  protected registerCte(cte: CteLike): void {
    const entry = this.#ctes.get(cte.name);
    if (entry) {
      if (entry.cte === cte || SqlCompiler.#derivesFrom(entry.cte, cte)) return;
      if (!SqlCompiler.#derivesFrom(cte, entry.cte))
        throw new CompileError(`two different CTEs are named ${JSON.stringify(cte.name)} in one statement; give them distinct names`);
      // A more complete version (e.g. with its recursive part) replaces the one seen first.
      entry.cte = cte;
      if (entry.sql !== undefined) entry.sql = this.cteBody(cte);
      return;
    }
    const fresh: CteEntry = { cte, sql: undefined };
    this.#ctes.set(cte.name, fresh);
    // While the body renders, a more complete version of the CTE may be met; render that one then.
    let rendered = cte;
    let sql = this.cteBody(cte);
    while (fresh.cte !== rendered) {
      rendered = fresh.cte;
      sql = this.cteBody(rendered);
    }
    fresh.sql = sql;
    this.#cteOrder.push(cte.name);
  }

  protected cteBody(cte: CteLike): string {
    const body = cte.body;
    const saved = this.fromStack.splice(0);
    try {
      if (body.kind === "Select" || body.kind === "Compound") return this.selectLike(body, "cte");
      if (body.kind === "Insert") return this.insertBody(body);
      if (body.kind === "Update") return this.update(body);
      return this.delete(body as DeleteNode);
    } finally {
      this.fromStack.push(...saved);
    }
  }

  protected withClause(): string {
    if (this.#cteOrder.length === 0) return "";
    const entries = this.#cteOrder.map((n) => this.#ctes.get(n)!);
    if (entries.some((e) => e.cte.recursive) && !this.caps.recursiveCte) this.unsupported("recursive CTEs");
    const recursive = entries.some((e) => e.cte.recursive) ? "RECURSIVE " : "";
    const parts = entries.map((e) => `${this.q.quote(e.cte.name)} AS ${this.cteMaterialized(e.cte)}(${e.sql})`);
    return `WITH ${recursive}${parts.join(", ")} `;
  }

  /** PostgreSQL's MATERIALIZED hint; other dialects ignore it. */
  protected cteMaterialized(_cte: CteLike): string {
    return "";
  }

  // ---------------------------------------------------------------- SELECT

  protected selectLike(n: SelectLike, mode: "top" | "scalar" | "from" | "cte"): string {
    for (const c of n.kind === "Select" ? n.ctes : []) this.registerCte(c);
    if (n.kind === "Compound") return this.compound(n);
    return this.select(n, mode);
  }

  protected compound(n: CompoundNode): string {
    if ((n.op === "INTERSECT ALL" || n.op === "EXCEPT ALL") && !this.caps.intersectExceptAll) this.unsupported(n.op);
    if ((n.op.startsWith("INTERSECT") || n.op.startsWith("EXCEPT")) && !this.caps.intersectExcept) this.unsupported(n.op);
    let s = n.selects.map((m) => this.compoundMember(m)).join(` ${n.op} `);
    if (n.orderBy.length) s += ` ORDER BY ${n.orderBy.map((o) => this.compoundOrderItem(o, n)).join(", ")}`;
    return s + this.limitOffset(n.limit, n.offset);
  }

  /** ORDER BY over a compound refers to output columns by name. */
  protected compoundOrderItem(o: ExprNode, n: CompoundNode): string {
    const names = firstSelect(n).items;
    const inner = o.kind === "Ordering" ? o.inner : o;
    let name: string | undefined;
    if (inner.kind === "Label") name = inner.name;
    else if (inner.kind === "Column") {
      const item = names.find((it) => it.expr.kind === "Column" && it.expr.column.name === inner.column.name);
      name = item ? (item.label ?? inner.column.name) : undefined;
    }
    if (name === undefined) return this.orderItem(o);
    const dir = o.kind === "Ordering" && o.direction ? ` ${o.direction}` : "";
    return `${this.q.quote(name)}${dir}`;
  }

  /** A member of a compound select; parenthesised when it has its own ORDER BY/LIMIT. */
  protected compoundMember(m: SelectLike): string {
    const sql = this.selectLike(m, "from");
    const own = m.kind === "Compound" || m.orderBy.length > 0 || m.limit !== undefined || m.offset !== undefined;
    return own ? `(${sql})` : sql;
  }

  /** The FROM items a select renders, after auto-correlation against enclosing queries. */
  protected selectFromList(n: SelectNode, mode: "top" | "scalar" | "from" | "cte"): FromItem[] {
    const all = selectFroms(n);
    if (mode !== "scalar" || n.correlate === "none" || this.fromStack.length === 0) return all;
    const enclosing = new Set<NamedFrom>();
    for (const frame of this.fromStack) for (const f of frame) enclosing.add(f);
    const kept = all.filter((f) => f.kind === "Join" || !enclosing.has(f));
    if (kept.length === 0 && all.length > 0)
      throw new CompileError(
        `a subquery selects only from ${all.map((f) => (f.kind === "Join" ? "a join" : f.name)).join(", ")}, which the enclosing query already has, so auto-correlation leaves it no FROM; add the table explicitly with .from() or use .correlateNone()`,
      );
    return kept;
  }

  protected select(n: SelectNode, mode: "top" | "scalar" | "from" | "cte"): string {
    const froms = this.selectFromList(n, mode);
    const frame = new Set<NamedFrom>();
    for (const f of froms) for (const nf of namedFromsOf(f)) frame.add(nf);
    this.fromStack.push(frame);
    try {
      let s = "SELECT ";
      if (n.distinctOn) {
        if (!this.caps.distinctOn) this.unsupported("DISTINCT ON", "use a window function or GROUP BY instead");
        s += `DISTINCT ON (${n.distinctOn.map((e) => this.expr(e)).join(", ")}) `;
      } else if (n.distinct) s += "DISTINCT ";
      s += n.items.map((it) => this.selectItem(it)).join(", ");
      if (froms.length) s += ` FROM ${froms.map((f) => this.fromItem(f)).join(", ")}`;
      else s += this.emptyFrom(n);
      if (n.where) s += ` WHERE ${this.expr(n.where)}`;
      if (n.groupBy.length) s += ` GROUP BY ${n.groupBy.map((g) => this.expr(g)).join(", ")}`;
      if (n.having) s += ` HAVING ${this.expr(n.having)}`;
      if (n.orderBy.length) {
        const outer = this.orderLabels;
        this.orderLabels = new Set(n.items.flatMap((it) => (it.label === undefined ? [] : [it.label])));
        try {
          s += ` ORDER BY ${n.orderBy.map((o) => this.orderItem(o)).join(", ")}`;
        } finally {
          this.orderLabels = outer;
        }
      }
      s += this.limitOffset(n.limit, n.offset);
      if (n.lock) s += this.lockClause(n.lock);
      return s;
    } finally {
      this.fromStack.pop();
    }
  }

  /** What follows a SELECT list without FROM items (MySQL needs FROM DUAL before WHERE). */
  protected emptyFrom(_n: SelectNode): string {
    return "";
  }

  protected selectItem(it: SelectItemNode): string {
    const e = this.expr(it.expr);
    return it.label === undefined ? e : `${e} AS ${this.q.quote(it.label)}`;
  }

  protected limitOffset(limit: BindNode | undefined, offset: BindNode | undefined): string {
    let s = "";
    if (limit) s += ` LIMIT ${this.bind(limit)}`;
    if (offset) s += ` OFFSET ${this.bind(offset)}`;
    return s;
  }

  protected lockClause(lock: LockSpec): string {
    if (!this.caps.rowLocking) return "";
    let s = ` FOR ${lock.mode}`;
    if (lock.of?.length) s += ` OF ${lock.of.map((f) => this.fromName(f)).join(", ")}`;
    if (lock.wait === "SKIP LOCKED" && !this.caps.skipLocked) this.unsupported("SKIP LOCKED");
    if (lock.wait) s += ` ${lock.wait}`;
    return s;
  }

  protected fromItem(f: FromItem): string {
    switch (f.kind) {
      case "Join":
        return this.join(f);
      case "Table":
        return this.fromName(f);
      case "Alias": {
        const t = (f as unknown as { table: Table }).table;
        return `${this.q.quotePath(t.schema, t.name)} AS ${this.q.quote(f.name)}`;
      }
      case "Subquery": {
        const sq = (f as unknown as { select: SelectLike }).select;
        const saved = this.fromStack.splice(0);
        try {
          return `(${this.selectLike(sq, "from")}) AS ${this.fromName(f)}`;
        } finally {
          this.fromStack.push(...saved);
        }
      }
      case "Cte":
        return this.fromName(f);
    }
  }

  protected join(j: JoinNode): string {
    if (j.type === "FULL" && !this.caps.fullOuterJoin)
      this.unsupported("FULL OUTER JOIN", "combine a LEFT JOIN and a RIGHT JOIN with UNION");
    if (j.type === "RIGHT" && !this.caps.rightJoin) this.unsupported("RIGHT OUTER JOIN", "swap the sides and use a LEFT JOIN");
    const left = this.fromItem(j.left);
    let right: string;
    if (j.lateral) {
      if (!this.caps.lateral) this.unsupported("LATERAL joins");
      const sq = (j.right as unknown as { select: SelectLike }).select;
      // A lateral subquery may refer to the tables on its left.
      const frame = new Set(namedFromsOf(j.left));
      this.fromStack.push(frame);
      try {
        right = `LATERAL (${this.selectLike(sq, "from")}) AS ${this.fromName(j.right as NamedFrom)}`;
      } finally {
        this.fromStack.pop();
      }
    } else right = this.fromItem(j.right);
    const kw = { INNER: "JOIN", LEFT: "LEFT OUTER JOIN", RIGHT: "RIGHT OUTER JOIN", FULL: "FULL OUTER JOIN", CROSS: "CROSS JOIN" }[j.type];
    const rightSql = j.right.kind === "Join" ? `(${right})` : right;
    return j.on ? `${left} ${kw} ${rightSql} ON ${this.expr(j.on)}` : `${left} ${kw} ${rightSql}`;
  }

  // ---------------------------------------------------------------- INSERT

  protected compileInsert(n: InsertNode): CompiledStatement {
    const result = n.returning && resultColumns(n.returning);
    const columns = n.rows ? insertColumns(n) : [];
    // Rows batch when every cell is a plain value and each SQL-expression default is either
    // supplied by every row or by none (so one row template fits all rows).
    const batchable =
      n.rows !== undefined && n.rowShape!.plain && columns.every((c) => !c.sqlDefault || c.givenBy === "all" || c.givenBy === "none");
    if (!batchable || !n.rows) {
      const compiled = this.finish("insert", this.insertBodyWithCtes(n), result, !!n.returning);
      return { ...compiled, insertColumns: columns };
    }
    // Batched form: head, one row template, tail; assembled per batch by the engine.
    const headText = this.withPrefixFor(
      n,
      () => `INSERT INTO ${this.tableName(n.table)} (${columns.map((c) => this.q.quote(this.colName(n.table, c.key))).join(", ")}) VALUES `,
    );
    const rowText = `(${columns.map((c, i) => this.insertCellDefault(n.table, c, i)).join(", ")})`;
    const tailText = this.insertTail(n);
    const insert: InsertBatchPlan = {
      head: this.pieces(headText),
      row: this.pieces(rowText),
      tail: this.pieces(tailText),
      columns,
    };
    return {
      kind: "insert",
      sql: "",
      slots: [],
      resultColumns: result,
      returnsRows: !!n.returning,
      entities: n.returningEntities.length > 0,
      insert,
    };
  }

  /** Renders CTEs of an INSERT before it. */
  protected withPrefixFor(n: InsertNode, body: () => string): string {
    for (const c of n.ctes) this.registerCte(c);
    const b = body();
    return this.withClause() + b;
  }

  protected insertBodyWithCtes(n: InsertNode): string {
    return this.withPrefixFor(n, () => this.insertBody(n));
  }

  protected tableName(t: Table): string {
    return this.q.quotePath(t.schema, t.name);
  }

  protected colName(t: Table, key: string): string {
    return t.column(key).name;
  }

  /**
   * One cell of an insert row: a placeholder, or the column's SQL-expression default when the row
   * (`row` given) or every row (batched) has no value for it.
   */
  protected insertCellDefault(table: Table, c: InsertColumnPlan, index: number, row?: number, rowHasValue?: boolean): string {
    const useSqlDefault = c.sqlDefault && (row === undefined ? c.givenBy === "none" : !rowHasValue);
    if (useSqlDefault) return this.literal((table.column(c.key).spec.default as Expression<unknown>).node);
    return this.slotMarker({ index: -1, type: c.type, label: c.label, cell: index, row });
  }

  /** INSERT statement text (non-batched forms: expression cells, INSERT … SELECT, DEFAULT VALUES). */
  protected insertBody(n: InsertNode): string {
    const head = `INSERT INTO ${this.tableName(n.table)}`;
    if (n.fromSelect) {
      const cols = n.fromSelect.columns.map((k) => this.q.quote(this.colName(n.table, k))).join(", ");
      return `${head} (${cols}) ${this.selectLike(n.fromSelect.select, "from")}${this.insertTail(n)}`;
    }
    if (!n.rows || n.rows.length === 0) return `${head} ${this.defaultValues()}${this.insertTail(n)}`;
    const columns = insertColumns(n);
    const rows = n.rows.map((row, r) => {
      const cells = columns.map((c, i) => {
        const v = row[c.key];
        if (v instanceof Expression) return this.expr(v.node);
        return this.insertCellDefault(n.table, c, i, r, v !== undefined);
      });
      return `(${cells.join(", ")})`;
    });
    const cols = columns.map((c) => this.q.quote(this.colName(n.table, c.key))).join(", ");
    return `${head} (${cols}) VALUES ${rows.join(", ")}${this.insertTail(n)}`;
  }

  /** An INSERT of a row made only of defaults. */
  protected defaultValues(): string {
    return "DEFAULT VALUES";
  }

  /** ON CONFLICT / dialect clause / RETURNING. */
  protected insertTail(n: InsertNode): string {
    let s = "";
    if (n.onConflict) s += this.onConflict(n.onConflict, n.table);
    if (n.dialectClause) s += this.dialectClause(n.dialectClause, n);
    if (n.returning) {
      if (!this.caps.insertReturning)
        this.unsupported("INSERT … RETURNING", "read result.lastInsertId, or select the row after inserting it");
      s += this.returning(n.returning);
    }
    return s;
  }

  protected onConflict(oc: OnConflictNode, table: Table): string {
    if (!this.caps.onConflict)
      this.unsupported("ON CONFLICT", "use the upsert of this dialect's insert() (e.g. onDuplicateKeyUpdate on MySQL)");
    let s = " ON CONFLICT";
    if (oc.constraint !== undefined) {
      if (!this.caps.onConflictConstraint) this.unsupported("ON CONFLICT ON CONSTRAINT", "name the conflicting columns as the target");
      s += ` ON CONSTRAINT ${this.q.quote(oc.constraint)}`;
    } else if (oc.target) {
      s += ` (${oc.target.map((t) => (t.kind === "Column" ? this.q.quote(t.column.name) : this.expr(t))).join(", ")})`;
      if (oc.targetWhere) s += ` WHERE ${this.expr(oc.targetWhere)}`;
    }
    if (!oc.set) return `${s} DO NOTHING`;
    const frame = new Set<NamedFrom>([table]);
    this.fromStack.push(frame);
    try {
      s += ` DO UPDATE SET ${oc.set.map(([c, v]) => `${this.q.quote(c.name)} = ${this.expr(v)}`).join(", ")}`;
      if (oc.where) s += ` WHERE ${this.expr(oc.where)}`;
    } finally {
      this.fromStack.pop();
    }
    return s;
  }

  /** Clauses only one dialect knows; dialect compilers override this for theirs. */
  protected dialectClause(c: DialectClause, _n: InsertNode): string {
    throw new CompileError(`this statement uses ${c.dialect}-only syntax (${c.kind}) and cannot be compiled for ${this.dialect.name}`);
  }

  protected returning(items: readonly SelectItemNode[]): string {
    return ` RETURNING ${items.map((it) => this.selectItem(it)).join(", ")}`;
  }

  // ---------------------------------------------------------------- UPDATE / DELETE

  protected update(n: UpdateNode): string {
    for (const c of n.ctes) this.registerCte(c);
    if (n.set.length === 0) throw new CompileError(`update ${n.table.name} has no values: call .set({ … })`);
    const frame = new Set<NamedFrom>([n.table]);
    for (const f of n.from) for (const nf of namedFromsOf(f)) frame.add(nf);
    this.fromStack.push(frame);
    try {
      return this.updateText(n);
    } finally {
      this.fromStack.pop();
    }
  }

  protected updateText(n: UpdateNode): string {
    let s = `UPDATE ${this.fromItem(n.table)} SET ${n.set.map(([c, v]) => `${this.q.quote(c.name)} = ${this.expr(v)}`).join(", ")}`;
    if (n.from.length) {
      if (!this.caps.updateFrom) this.unsupported("UPDATE … FROM");
      s += ` FROM ${n.from.map((f) => this.fromItem(f)).join(", ")}`;
    }
    if (n.where) s += ` WHERE ${this.expr(n.where)}`;
    if (n.returning) {
      if (!this.caps.updateReturning) this.unsupported("UPDATE … RETURNING", "select the rows again after updating them");
      s += this.returning(n.returning);
    }
    return s;
  }

  protected delete(n: DeleteNode): string {
    for (const c of n.ctes) this.registerCte(c);
    const frame = new Set<NamedFrom>([n.table]);
    for (const f of n.using) for (const nf of namedFromsOf(f)) frame.add(nf);
    this.fromStack.push(frame);
    try {
      return this.deleteText(n);
    } finally {
      this.fromStack.pop();
    }
  }

  protected deleteText(n: DeleteNode): string {
    let s = `DELETE FROM ${this.fromItem(n.table)}`;
    if (n.using.length) {
      if (!this.caps.deleteUsing) this.unsupported("DELETE … USING");
      s += ` USING ${n.using.map((f) => this.fromItem(f)).join(", ")}`;
    }
    if (n.where) s += ` WHERE ${this.expr(n.where)}`;
    if (n.returning) {
      if (!this.caps.deleteReturning) this.unsupported("DELETE … RETURNING", "select the rows before deleting them");
      s += this.returning(n.returning);
    }
    return s;
  }
}

function firstSelect(n: SelectLike): SelectNode {
  let s: SelectLike = n;
  while (s.kind === "Compound") s = s.selects[0]!;
  return s;
}

function resultColumns(items: readonly SelectItemNode[]): ResultColumn[] {
  return items.map((it) => ({ key: it.key, type: it.type }));
}

/**
 * The columns an INSERT lists: every column some row gives a value for, plus columns with an
 * app-side default; in table order.
 */
export function insertColumns(n: InsertNode): InsertColumnPlan[] {
  const counts = n.rowShape?.counts ?? new Map<string, number>();
  const rows = n.rows ?? [];
  const out: InsertColumnPlan[] = [];
  for (const col of n.table.columnList as readonly Column<string, unknown, boolean>[]) {
    const d = col.spec.default;
    const hasAppDefault = d !== undefined;
    const count = counts.get(col.key) ?? 0;
    if (count === 0 && !hasAppDefault) continue;
    const sqlDefault = d instanceof Expression;
    out.push({
      key: col.key,
      type: col.type,
      label: col.toString(),
      default: hasAppDefault && !sqlDefault ? { value: d, callable: typeof d === "function" } : undefined,
      sqlDefault,
      givenBy: count === 0 ? "none" : count === rows.length ? "all" : "some",
      required: !col.spec.nullable && !hasAppDefault && col.spec.serverDefault === undefined && n.table.autoincrementColumn !== col,
    });
  }
  return out;
}
