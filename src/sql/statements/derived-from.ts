/**
 * FROM items made from statements: subqueries (`select(...).subquery("s")`) and CTEs
 * (`select(...).cte("t")`), each exposing typed columns under `.c`.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import {
  compoundNode,
  type CompoundNode,
  type CteLike,
  type SelectItemNode,
  type SelectLike,
  type SelectNode,
} from "../nodes/from-nodes.js";
import { Column, nextObjectId } from "../schema/column.js";
import { checkIdentifier } from "../schema/table.js";

/** Columns of a subquery or CTE, typed from the statement's row type. */
export type SubqueryColumns<R> = { readonly [K in keyof R & string]: Column<K, R[K], boolean> };

/** The SQL name each item gets inside a derived table, made unique. */
function outputNames(items: readonly SelectItemNode[]): string[] {
  const used = new Set<string>();
  return items.map((item) => {
    const base = item.label ?? (item.expr.kind === "Column" ? item.expr.column.name : item.key);
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  });
}

function firstSelect(node: SelectLike): SelectNode {
  let n: SelectLike = node;
  while (n.kind === "Compound") n = n.selects[0]!;
  return n;
}

/** Gives every item of the (first) select a label where its SQL name would not be the output name. */
function labelled(node: SelectLike, names: readonly string[]): SelectLike {
  const relabel = (s: SelectNode): SelectNode => {
    let changed = false;
    const items = s.items.map((item, i) => {
      const natural = item.expr.kind === "Column" ? item.expr.column.name : undefined;
      const want = names[i]!;
      if ((item.label ?? natural) === want) return item;
      changed = true;
      return { ...item, label: want };
    });
    return changed ? { ...s, items } : s;
  };
  if (node.kind === "Select") return relabel(node);
  const [head, ...tail] = node.selects;
  return { ...node, selects: [labelled(head!, names), ...tail] } as CompoundNode;
}

function buildColumns(
  owner: Subquery<any> | Cte<any>,
  body: SelectLike,
): { c: Record<string, Column<string, unknown, boolean>>; list: Column<string, unknown, boolean>[]; body: SelectLike } {
  const items = firstSelect(body).items;
  const names = outputNames(items);
  const c: Record<string, Column<string, unknown, boolean>> = {};
  const list = items.map((item, i) => {
    const proxy = item.expr.kind === "Column" ? item.expr.column : undefined;
    const col = new Column(owner, item.key, names[i]!, item.type, undefined, proxy);
    c[item.key] = col;
    return col;
  });
  return { c, list, body: labelled(body, names) };
}

/** A select used as a table in FROM: `(SELECT …) AS name`. */
export class Subquery<C = Record<string, Column<string, unknown, boolean>>> {
  declare readonly __columnUnion: C[keyof C];
  readonly kind = "Subquery" as const;
  readonly id = nextObjectId();
  readonly c: C;
  readonly columnList: readonly Column<string, unknown, boolean>[];
  readonly select: SelectLike;
  /** The name given by the user; anonymous subqueries are named anon_1, anon_2… when compiled. */
  readonly explicitName: string | undefined;

  constructor(select: SelectLike, name?: string) {
    this.explicitName = name === undefined ? undefined : checkIdentifier(name, "subquery name");
    const built = buildColumns(this, select);
    this.select = built.body;
    this.c = built.c as C;
    this.columnList = built.list;
  }
  get name(): string {
    return this.explicitName ?? "anon";
  }
}

/** Options of `.cte()`. */
export interface CteOptions {
  /** `WITH RECURSIVE`: the CTE refers to itself (add the recursive part with `.unionAll()`). */
  recursive?: boolean;
  /** PostgreSQL `MATERIALIZED` / `NOT MATERIALIZED`. */
  materialized?: boolean;
}

/** A common table expression: `WITH name AS (…)`, referenced like a table. */
export class Cte<C = Record<string, Column<string, unknown, boolean>>> implements CteLike {
  declare readonly __columnUnion: C[keyof C];
  readonly kind = "Cte" as const;
  readonly id = nextObjectId();
  readonly name: string;
  readonly c: C;
  readonly columnList: readonly Column<string, unknown, boolean>[];
  readonly body: SelectLike;
  readonly recursive: boolean;
  readonly materialized: boolean | undefined;
  readonly origin: Cte<any> | undefined;

  constructor(body: SelectLike, name: string, options: CteOptions = {}, origin?: Cte<any>) {
    this.name = checkIdentifier(name, "CTE name");
    const built = buildColumns(this, body);
    this.body = built.body;
    this.c = built.c as C;
    this.columnList = built.list;
    this.recursive = options.recursive === true;
    this.materialized = options.materialized;
    this.origin = origin;
  }

  #combine(op: "UNION" | "UNION ALL", others: readonly { node: SelectLike }[]): Cte<C> {
    if (others.length === 0) throw new ArgumentError(`${op.toLowerCase()}() needs a select to add`);
    for (const o of others)
      if (!o || typeof o !== "object" || !("node" in o))
        throw new ArgumentError(`${op.toLowerCase()}() takes select statements, got ${describeValue(o)}`);
    const body: CompoundNode = compoundNode(op, [this.body, ...others.map((o) => o.node)]);
    return new Cte<C>(body, this.name, { recursive: this.recursive, materialized: this.materialized }, this);
  }
  /**
   * Adds the recursive (or another) part with UNION ALL; the result keeps the name, so the added
   * select may refer to this CTE's columns.
   * @example
   * const tree = select(cats.c.id, cats.c.parentId).where(cats.c.id.eq(1)).cte("tree", { recursive: true });
   * const full = tree.unionAll(select(cats.c.id, cats.c.parentId).join(tree, cats.c.parentId.eq(tree.c.id)));
   */
  unionAll(...others: { node: SelectLike }[]): Cte<C> {
    return this.#combine("UNION ALL", others);
  }
  /** Like {@link unionAll} with UNION (duplicates removed). */
  union(...others: { node: SelectLike }[]): Cte<C> {
    return this.#combine("UNION", others);
  }
}
