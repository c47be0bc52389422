/**
 * Nodes for FROM items and statements. FROM items that users hold (tables, aliases, subqueries,
 * CTEs) are classes defined elsewhere; joins and statement bodies are plain nodes defined here.
 */
import type { SqlType } from "../types/sql-type.js";
import type { Column } from "../schema/column.js";
import type { Table } from "../schema/table.js";
import type { ExprNode, BindNode } from "./expression-nodes.js";
import type { EntityRange } from "../statements/entity.js";

/** Anything that can appear in FROM and owns columns. Implemented by Table, Alias, Subquery, Cte. */
export interface NamedFrom {
  readonly kind: "Table" | "Alias" | "Subquery" | "Cte";
  /** Process-unique id, used in cache keys. */
  readonly id: number;
  /** Name as rendered in SQL (table name, alias name, CTE name). */
  readonly name: string;
  readonly columnList: readonly Column<string, unknown, boolean>[];
}

export interface JoinNode {
  readonly kind: "Join";
  readonly type: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on?: ExprNode | undefined;
  /** LATERAL join of a subquery (PostgreSQL, MySQL 8). */
  readonly lateral?: boolean | undefined;
}

export type FromItem = NamedFrom | JoinNode;

/** One entry of a SELECT list. */
export interface SelectItemNode {
  readonly expr: ExprNode;
  /** Key of the value in result rows. */
  readonly key: string;
  readonly type: SqlType<unknown>;
  /** Render `AS <label>` with this name (labels, and disambiguated names in subqueries). */
  readonly label?: string | undefined;
}

export interface LockSpec {
  readonly mode: "UPDATE" | "SHARE" | "NO KEY UPDATE" | "KEY SHARE";
  readonly of?: readonly NamedFrom[] | undefined;
  readonly wait?: "NOWAIT" | "SKIP LOCKED" | undefined;
}

export interface SelectNode {
  readonly kind: "Select";
  readonly items: readonly SelectItemNode[];
  /** Explicit FROM items (including joins). Tables referenced by columns are added at compile time. */
  readonly from: readonly FromItem[];
  readonly where?: ExprNode | undefined;
  readonly groupBy: readonly ExprNode[];
  readonly having?: ExprNode | undefined;
  readonly orderBy: readonly ExprNode[];
  readonly limit?: BindNode | undefined;
  readonly offset?: BindNode | undefined;
  readonly distinct: boolean;
  readonly distinctOn?: readonly ExprNode[] | undefined;
  readonly lock?: LockSpec | undefined;
  /** CTEs attached explicitly with `.with()`; CTEs referenced anywhere are also rendered. */
  readonly ctes: readonly CteLike[];
  /** "auto": correlate to enclosing queries when used as a subquery; "none": never. */
  readonly correlate: "auto" | "none";
  /** Spans of the select list that load mapped entities (`select(User)`); read by the ORM. */
  readonly entities: readonly EntityRange[];
  /**
   * Loader options attached with `.options()`: opaque to the Core (they change no SQL and no cache
   * key); the ORM reads them when it loads the entities.
   */
  readonly loaderOptions?: readonly unknown[] | undefined;
}

export interface CompoundNode {
  readonly kind: "Compound";
  readonly op: "UNION" | "UNION ALL" | "INTERSECT" | "INTERSECT ALL" | "EXCEPT" | "EXCEPT ALL";
  readonly selects: readonly SelectLike[];
  readonly orderBy: readonly ExprNode[];
  readonly limit?: BindNode | undefined;
  readonly offset?: BindNode | undefined;
}

export type SelectLike = SelectNode | CompoundNode;

/** A CTE as the compiler sees it. Implemented by the Cte class. */
export interface CteLike extends NamedFrom {
  readonly kind: "Cte";
  readonly body: SelectLike | DmlNode;
  readonly recursive: boolean;
  /** The CTE this one was derived from by `.union()`/`.unionAll()` (same name, recursive form). */
  readonly origin?: CteLike | undefined;
  readonly materialized?: boolean | undefined;
}

/** What an insert's rows contain, gathered once when values() is called. */
export interface RowShape {
  /** Keys with a value (not undefined) in at least one row, with how many rows give one. */
  readonly counts: ReadonlyMap<string, number>;
  /** No cell is a SQL expression (the statement can be batched). */
  readonly plain: boolean;
}

/**
 * Insert values: the rows exactly as the user gave them (read at execution; an undefined value
 * counts as absent). Cells may be plain values or expressions.
 */
export interface InsertNode {
  readonly kind: "Insert";
  readonly table: Table<string, any>;
  readonly rows?: ReadonlyArray<Readonly<Record<string, unknown>>> | undefined;
  readonly rowShape?: RowShape | undefined;
  /** INSERT ... SELECT: target column keys and the query. */
  readonly fromSelect?: { readonly columns: readonly string[]; readonly select: SelectLike } | undefined;
  readonly returning?: readonly SelectItemNode[] | undefined;
  /** Spans of RETURNING that load mapped entities (`returning(User)`); read by the ORM. */
  readonly returningEntities: readonly EntityRange[];
  /** Values every row gets (a mapped subclass's discriminator); a row may not contradict them. */
  readonly fixed: Readonly<Record<string, unknown>> | undefined;
  readonly onConflict?: OnConflictNode | undefined;
  /** Dialect-only clauses (e.g. MySQL ON DUPLICATE KEY UPDATE); compiled only by their dialect. */
  readonly dialectClause?: DialectClause | undefined;
  readonly ctes: readonly CteLike[];
}

/** ON CONFLICT, shared by PostgreSQL and SQLite; refused by dialects without `caps.onConflict`. */
export interface OnConflictNode {
  readonly target?: readonly ExprNode[] | undefined;
  readonly constraint?: string | undefined;
  readonly targetWhere?: ExprNode | undefined;
  /** Absent: DO NOTHING. */
  readonly set?: ReadonlyArray<readonly [Column<string, unknown, boolean>, ExprNode]> | undefined;
  readonly where?: ExprNode | undefined;
}

/** A clause only one dialect can compile. `dialect` names it for error messages. */
export interface DialectClause {
  readonly kind: string;
  readonly dialect: string;
  readonly [field: string]: unknown;
}

export interface UpdateNode {
  readonly kind: "Update";
  readonly table: NamedFrom;
  readonly set: ReadonlyArray<readonly [Column<string, unknown, boolean>, ExprNode]>;
  readonly from: readonly FromItem[];
  readonly where?: ExprNode | undefined;
  readonly returning?: readonly SelectItemNode[] | undefined;
  readonly returningEntities: readonly EntityRange[];
  readonly ctes: readonly CteLike[];
}

export interface DeleteNode {
  readonly kind: "Delete";
  readonly table: NamedFrom;
  readonly using: readonly FromItem[];
  readonly where?: ExprNode | undefined;
  readonly returning?: readonly SelectItemNode[] | undefined;
  readonly returningEntities: readonly EntityRange[];
  readonly ctes: readonly CteLike[];
}

export type DmlNode = InsertNode | UpdateNode | DeleteNode;

/** Raw SQL executed as a statement (`conn.execute(sql\`...\`)`). */
export interface TextStatementNode {
  readonly kind: "Text";
  readonly raw: import("./expression-nodes.js").RawNode;
}

export type StatementNode = SelectLike | DmlNode | TextStatementNode;

/*
 * Statement bodies are copied with object spread each time a builder method runs. V8 copies an
 * object fast only when the result has no property the source lacks, so every body is created
 * with all of its properties (unused ones undefined) by the factories below.
 */

export function selectNode(items: readonly SelectItemNode[], entities: readonly EntityRange[] = []): SelectNode {
  return {
    kind: "Select",
    items,
    from: [],
    where: undefined,
    groupBy: [],
    having: undefined,
    orderBy: [],
    limit: undefined,
    offset: undefined,
    distinct: false,
    distinctOn: undefined,
    lock: undefined,
    ctes: [],
    correlate: "auto",
    entities,
    loaderOptions: undefined,
  };
}

export function compoundNode(op: CompoundNode["op"], selects: readonly SelectLike[]): CompoundNode {
  return { kind: "Compound", op, selects, orderBy: [], limit: undefined, offset: undefined };
}

export function insertNode(table: Table<string, any>, fixed?: Readonly<Record<string, unknown>>): InsertNode {
  return {
    kind: "Insert",
    table,
    rows: undefined,
    rowShape: undefined,
    fromSelect: undefined,
    returning: undefined,
    returningEntities: [],
    fixed,
    onConflict: undefined,
    dialectClause: undefined,
    ctes: [],
  };
}

export function updateNode(table: NamedFrom, where?: ExprNode): UpdateNode {
  return { kind: "Update", table, set: [], from: [], where, returning: undefined, returningEntities: [], ctes: [] };
}

export function deleteNode(table: NamedFrom, where?: ExprNode): DeleteNode {
  return { kind: "Delete", table, using: [], where, returning: undefined, returningEntities: [], ctes: [] };
}
