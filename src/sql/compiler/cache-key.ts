/**
 * Cache keys for statements: a string describing a statement's shape (everything but bound values)
 * plus its bind nodes in a canonical order. Two statements with the same key compile to the same
 * SQL, so the compiled form is reused and only the values are taken from the new statement.
 */
import type { BindNode, ExprNode, RawArg } from "../nodes/expression-nodes.js";
import type { FromItem, NamedFrom, RowShape, SelectItemNode, SelectLike, StatementNode } from "../nodes/from-nodes.js";
import { isExprNode } from "../nodes/node-walk.js";
import { Expression } from "../elements/expression.js";

/** A statement's cache key and its binds in canonical order. */
export interface StatementKey {
  readonly key: string;
  readonly binds: readonly BindNode[];
}

/** Builds the key of a statement. */
export function statementKey(node: StatementNode): StatementKey {
  const k = new KeyBuilder();
  k.statement(node);
  return { key: k.s, binds: k.binds };
}

class KeyBuilder {
  s = "";
  readonly binds: BindNode[] = [];
  readonly #froms = new Map<NamedFrom, number>();

  statement(n: StatementNode): void {
    switch (n.kind) {
      case "Select":
      case "Compound":
        this.selectLike(n);
        return;
      case "Insert": {
        this.s += `I${n.table.id}`;
        this.ctes(n.ctes);
        if (n.rows) this.insertRows(n.rows, n.rowShape!);
        if (n.fromSelect) {
          this.s += `F[${n.fromSelect.columns.join(",")}]`;
          this.selectLike(n.fromSelect.select);
        }
        if (n.onConflict) {
          const oc = n.onConflict;
          this.s += `OC${oc.constraint ?? ""}[`;
          oc.target?.forEach((t) => this.expr(t));
          this.s += "]";
          if (oc.targetWhere) this.expr(oc.targetWhere);
          if (oc.set) for (const [c, v] of oc.set) ((this.s += `${c.name}=`), this.expr(v));
          this.s += oc.set ? "U" : "N";
          if (oc.where) ((this.s += "W"), this.expr(oc.where));
        }
        if (n.dialectClause) this.dialectClause(n.dialectClause);
        if (n.returning) this.items("R", n.returning);
        return;
      }
      case "Update":
        this.s += "U";
        this.from(n.table);
        this.ctes(n.ctes);
        for (const [c, v] of n.set) ((this.s += `${c.name}=`), this.expr(v));
        for (const f of n.from) this.from(f);
        if (n.where) ((this.s += "W"), this.expr(n.where));
        if (n.returning) this.items("R", n.returning);
        return;
      case "Delete":
        this.s += "D";
        this.from(n.table);
        this.ctes(n.ctes);
        for (const f of n.using) this.from(f);
        if (n.where) ((this.s += "W"), this.expr(n.where));
        if (n.returning) this.items("R", n.returning);
        return;
      case "Text":
        this.s += "X";
        this.expr(n.raw);
        return;
    }
  }

  insertRows(rows: ReadonlyArray<Readonly<Record<string, unknown>>>, shape: RowShape): void {
    const keys = [...shape.counts.keys()];
    this.s += `V[${keys.join(",")}]`;
    if (shape.plain) {
      // Which columns some (but not all) rows leave out changes how SQL defaults render.
      for (const k of keys) if (shape.counts.get(k) !== rows.length) this.s += `~${k}`;
      return;
    }
    // Rows containing SQL expressions compile row by row; their shape is part of the key.
    this.s += `#${rows.length}`;
    for (const row of rows) {
      this.s += "(";
      for (const key of keys) {
        const v = row[key];
        if (v instanceof Expression) this.expr(v.node);
        else this.s += v === undefined ? "_" : "?";
        this.s += ",";
      }
      this.s += ")";
    }
  }

  dialectClause(c: { readonly kind: string; readonly [k: string]: unknown }): void {
    this.s += `DC${c.kind}{`;
    for (const [key, v] of Object.entries(c)) {
      if (key === "kind") continue;
      this.s += `${key}:`;
      this.any(v);
    }
    this.s += "}";
  }

  /** Keys arbitrary clause data: nodes, columns, arrays, primitives. */
  any(v: unknown): void {
    if (Array.isArray(v)) {
      this.s += "[";
      for (const x of v) (this.any(x), (this.s += ","));
      this.s += "]";
    } else if (v instanceof Expression) this.expr(v.node);
    else if (isExprNode(v)) this.expr(v);
    else this.s += JSON.stringify(v) ?? "u";
  }

  ctes(ctes: readonly NamedFrom[]): void {
    for (const c of ctes) this.fromRef(c);
  }

  items(tag: string, items: readonly SelectItemNode[]): void {
    this.s += `${tag}[`;
    for (const it of items) {
      this.s += `${it.key}${it.label === undefined ? "" : `@${it.label}`}:`;
      this.expr(it.expr);
      this.s += ",";
    }
    this.s += "]";
  }

  selectLike(n: SelectLike): void {
    if (n.kind === "Compound") {
      this.s += `K${n.op}(`;
      for (const s of n.selects) (this.selectLike(s), (this.s += ";"));
      this.s += ")";
      this.list("O", n.orderBy);
      if (n.limit) ((this.s += "L"), this.bind(n.limit));
      if (n.offset) ((this.s += "F"), this.bind(n.offset));
      return;
    }
    this.s += n.distinct ? "SD(" : "S(";
    if (n.distinctOn) this.list("DO", n.distinctOn);
    this.items("", n.items);
    this.s += "F";
    for (const f of n.from) this.from(f);
    if (n.where) ((this.s += "W"), this.expr(n.where));
    if (n.groupBy.length) this.list("G", n.groupBy);
    if (n.having) ((this.s += "H"), this.expr(n.having));
    if (n.orderBy.length) this.list("O", n.orderBy);
    if (n.limit) ((this.s += "L"), this.bind(n.limit));
    if (n.offset) ((this.s += "F"), this.bind(n.offset));
    if (n.lock) {
      this.s += `LK${n.lock.mode}${n.lock.wait ?? ""}`;
      n.lock.of?.forEach((f) => this.fromRef(f));
    }
    if (n.ctes.length) this.ctes(n.ctes);
    if (n.correlate !== "auto") this.s += "NC";
    this.s += ")";
  }

  list(tag: string, nodes: readonly ExprNode[]): void {
    this.s += `${tag}[`;
    for (const e of nodes) (this.expr(e), (this.s += ","));
    this.s += "]";
  }

  from(f: FromItem): void {
    if (f.kind === "Join") {
      this.s += `J${f.type}${f.lateral ? "L" : ""}(`;
      this.from(f.left);
      this.s += ",";
      this.from(f.right);
      if (f.on) ((this.s += ","), this.expr(f.on));
      this.s += ")";
    } else this.fromRef(f);
  }

  /** A named FROM item: tables by id, others structurally (their body keyed once per statement). */
  fromRef(f: NamedFrom): void {
    if (f.kind === "Table") {
      this.s += `T${f.id}`;
      return;
    }
    const seen = this.#froms.get(f);
    if (seen !== undefined) {
      this.s += `#${seen}`;
      return;
    }
    this.#froms.set(f, this.#froms.size);
    if (f.kind === "Alias") {
      this.s += `A${(f as unknown as { table: { id: number } }).table.id}:${f.name}`;
    } else if (f.kind === "Subquery") {
      const sq = f as unknown as { explicitName: string | undefined; select: SelectLike };
      this.s += `Q${sq.explicitName ?? ""}(`;
      this.selectLike(sq.select);
      this.s += ")";
    } else {
      const cte = f as unknown as { body: SelectLike | StatementNode; recursive: boolean; materialized?: boolean; origin?: NamedFrom };
      this.s += `E${f.name}${cte.recursive ? "R" : ""}${cte.materialized === undefined ? "" : cte.materialized ? "M" : "N"}(`;
      if (cte.origin) this.fromRef(cte.origin);
      this.statement(cte.body as StatementNode);
      this.s += ")";
    }
  }

  bind(b: BindNode): void {
    this.binds.push(b);
    if (b.name !== undefined) this.s += `:${b.name}:${b.type.cacheKey}`;
    else {
      this.s += "?";
      this.s += b.type.cacheKey;
      if (b.callable) this.s += "f";
    }
  }

  raw(a: RawArg): void {
    if (isExprNode(a)) this.expr(a);
    else if (a.kind === "Select" || a.kind === "Compound") this.selectLike(a);
    else this.from(a as FromItem);
  }

  expr(n: ExprNode): void {
    switch (n.kind) {
      case "Column": {
        const col = n.column;
        if (col.table.kind === "Table") {
          this.s += col.keyFragment;
          return;
        }
        this.s += "c";
        this.fromRef(col.table);
        this.s += `.${col.name}`;
        return;
      }
      case "Bind":
        this.bind(n);
        return;
      case "Keyword":
        this.s += n.word;
        return;
      case "Binary":
        this.s += "(";
        this.expr(n.left);
        this.s += n.op;
        this.expr(n.right);
        this.s += ")";
        return;
      case "Like":
        this.s += `LK${n.negate ? "!" : ""}${n.caseInsensitive ? "i" : ""}${n.escape ?? ""}(`;
        this.expr(n.operand);
        this.s += ",";
        this.expr(n.pattern);
        this.s += ")";
        return;
      case "BoolList":
        this.list(n.op, n.items);
        return;
      case "Tuple":
        this.list("TU", n.items);
        return;
      case "Unary":
        this.s += `U${n.op}(`;
        this.expr(n.operand);
        this.s += ")";
        return;
      case "IsNull":
        this.s += n.negate ? "NN(" : "N(";
        this.expr(n.operand);
        this.s += ")";
        return;
      case "In":
        this.s += n.negate ? "NI(" : "IN(";
        this.expr(n.operand);
        if (Array.isArray(n.items)) this.list("", n.items as ExprNode[]);
        else this.selectLike(n.items as SelectLike);
        this.s += ")";
        return;
      case "Between":
        this.s += n.negate ? "NB(" : "B(";
        this.expr(n.operand);
        this.expr(n.low);
        this.expr(n.high);
        this.s += ")";
        return;
      case "Func":
        this.s += `f${n.name}${n.distinct ? "D" : ""}`;
        this.list("", n.args);
        if (n.filter) ((this.s += "FW"), this.expr(n.filter));
        return;
      case "Over": {
        this.expr(n.func);
        this.list("OP", n.window.partitionBy);
        this.list("OO", n.window.orderBy);
        const fr = n.window.frame;
        if (fr) this.s += `FR${fr.mode}${JSON.stringify(fr.start)}${JSON.stringify(fr.end ?? "")}`;
        return;
      }
      case "Cast":
        this.s += `CA${n.to.cacheKey}(`;
        this.expr(n.operand);
        this.s += ")";
        return;
      case "Case":
        this.s += "CS(";
        if (n.value) this.expr(n.value);
        for (const [w, t] of n.whens) ((this.s += "W"), this.expr(w), (this.s += "T"), this.expr(t));
        if (n.else) ((this.s += "E"), this.expr(n.else));
        this.s += ")";
        return;
      case "Label":
        this.s += `LB${n.name}(`;
        this.expr(n.inner);
        this.s += ")";
        return;
      case "Ordering":
        this.s += `OR${n.direction ?? ""}${n.nulls ?? ""}(`;
        this.expr(n.inner);
        this.s += ")";
        return;
      case "ScalarSubquery":
        this.s += "SQ";
        this.selectLike(n.select);
        return;
      case "Exists":
        this.s += "EX";
        this.selectLike(n.select);
        return;
      case "Identifier":
        this.s += `ID${JSON.stringify(n.names)}`;
        return;
      case "Raw":
        this.s += `RW${JSON.stringify(n.parts)}(`;
        for (const a of n.args) (this.raw(a), (this.s += ","));
        this.s += ")";
        return;
      case "JsonPath":
        this.s += `JP${n.shape}${n.asText ? "t" : ""}(`;
        this.expr(n.operand);
        this.bind(n.path);
        this.s += ")";
        return;
      case "Collate":
        this.s += `CO${n.collation}(`;
        this.expr(n.operand);
        this.s += ")";
        return;
      case "Star":
        this.s += "*";
        if (n.from) this.from(n.from);
        return;
    }
  }
}
