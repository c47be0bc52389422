/**
 * The expression node tree: plain readonly objects with a `kind` discriminant. Built by the
 * factories here and by the typed wrappers in src/sql/elements; read by the compiler, the cache-key
 * builder and the FROM collector. Nodes never hold SQL text produced from values.
 */
import type { SqlType } from "../types/sql-type.js";
import type { Column } from "../schema/column.js";
import type { FromItem, SelectLike } from "./from-nodes.js";

/** Binary operators the compiler knows. Never built from user input. */
export type BinaryOp =
  "=" | "<>" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%" | "||" | "IS DISTINCT FROM" | "IS NOT DISTINCT FROM";

export interface ColumnNode {
  readonly kind: "Column";
  readonly column: Column<string, unknown, boolean>;
}

/** A bound parameter: a literal value, or a named placeholder filled at execution time. */
export interface BindNode {
  readonly kind: "Bind";
  readonly value: unknown;
  readonly type: SqlType<unknown>;
  /** Set for `bindParam(name)`: the value comes from the execute() parameters. */
  readonly name?: string | undefined;
  /** What the value is for (`users.id`), used in error messages. */
  readonly label?: string | undefined;
  /** The value is a zero-argument function called at each execution (column defaults). */
  readonly callable?: boolean | undefined;
}

/** Fixed SQL keywords. Only these are ever rendered verbatim. */
export interface KeywordNode {
  readonly kind: "Keyword";
  readonly word: "NULL" | "TRUE" | "FALSE" | "*" | "CURRENT_TIMESTAMP" | "CURRENT_DATE" | "CURRENT_TIME" | "DEFAULT";
}

export interface BinaryNode {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

export interface LikeNode {
  readonly kind: "Like";
  readonly operand: ExprNode;
  readonly pattern: ExprNode;
  readonly negate: boolean;
  readonly caseInsensitive: boolean;
  /** Escape character used by startsWith/endsWith/contains, which escape wildcards in the value. */
  readonly escape?: string | undefined;
}

export interface BoolListNode {
  readonly kind: "BoolList";
  readonly op: "AND" | "OR";
  readonly items: readonly ExprNode[];
}

export interface UnaryNode {
  readonly kind: "Unary";
  readonly op: "NOT" | "-" | "DISTINCT";
  readonly operand: ExprNode;
}

export interface IsNullNode {
  readonly kind: "IsNull";
  readonly operand: ExprNode;
  readonly negate: boolean;
}

export interface InNode {
  readonly kind: "In";
  readonly operand: ExprNode;
  /** A list of values, or a subquery. */
  readonly items: readonly ExprNode[] | SelectLike;
  readonly negate: boolean;
}

export interface BetweenNode {
  readonly kind: "Between";
  readonly operand: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
  readonly negate: boolean;
}

export interface FuncNode {
  readonly kind: "Func";
  /** Validated identifier (optionally dotted for schema-qualified functions). */
  readonly name: string;
  readonly args: readonly ExprNode[];
  readonly distinct?: boolean | undefined;
  /** Aggregate FILTER (WHERE ...). */
  readonly filter?: ExprNode | undefined;
}

export interface WindowSpec {
  readonly partitionBy: readonly ExprNode[];
  readonly orderBy: readonly ExprNode[];
  /** e.g. { mode: "ROWS", start: "UNBOUNDED PRECEDING", end: "CURRENT ROW" } */
  readonly frame?: FrameSpec | undefined;
}

export type FrameBound = "UNBOUNDED PRECEDING" | "CURRENT ROW" | "UNBOUNDED FOLLOWING" | { preceding: number } | { following: number };

export interface FrameSpec {
  readonly mode: "ROWS" | "RANGE";
  readonly start: FrameBound;
  readonly end?: FrameBound | undefined;
}

export interface OverNode {
  readonly kind: "Over";
  readonly func: FuncNode;
  readonly window: WindowSpec;
}

export interface CastNode {
  readonly kind: "Cast";
  readonly operand: ExprNode;
  readonly to: SqlType<unknown>;
}

export interface CaseNode {
  readonly kind: "Case";
  /** Simple CASE: compared against each `when`. */
  readonly value?: ExprNode | undefined;
  readonly whens: ReadonlyArray<readonly [ExprNode, ExprNode]>;
  readonly else?: ExprNode | undefined;
}

export interface LabelNode {
  readonly kind: "Label";
  readonly inner: ExprNode;
  readonly name: string;
}

export interface OrderingNode {
  readonly kind: "Ordering";
  readonly inner: ExprNode;
  readonly direction?: "ASC" | "DESC" | undefined;
  readonly nulls?: "FIRST" | "LAST" | undefined;
}

export interface ScalarSubqueryNode {
  readonly kind: "ScalarSubquery";
  readonly select: SelectLike;
}

export interface ExistsNode {
  readonly kind: "Exists";
  readonly select: SelectLike;
}

/** A quoted identifier path from `sql.identifier("schema", "table")`. */
export interface IdentifierNode {
  readonly kind: "Identifier";
  readonly names: readonly string[];
}

/** The `sql` template: literal text parts with interpolated nodes between them. */
export interface RawNode {
  readonly kind: "Raw";
  readonly parts: readonly string[];
  readonly args: readonly RawArg[];
}

export type RawArg = ExprNode | FromItem | SelectLike;

/** JSON path access. `path` is one bind holding the keys, so keys never become SQL text. */
export interface JsonPathNode {
  readonly kind: "JsonPath";
  readonly operand: ExprNode;
  readonly path: BindNode;
  /** Key kinds ("s" string / "i" integer) by position: part of the cache key. */
  readonly shape: string;
  /** Return SQL text / a scalar instead of a JSON value. */
  readonly asText: boolean;
}

export interface CollateNode {
  readonly kind: "Collate";
  readonly operand: ExprNode;
  readonly collation: string;
}

export interface TupleNode {
  readonly kind: "Tuple";
  readonly items: readonly ExprNode[];
}

/** `table.*` or `*`. */
export interface StarNode {
  readonly kind: "Star";
  readonly from?: FromItem | undefined;
}

export type ExprNode =
  | ColumnNode
  | BindNode
  | KeywordNode
  | BinaryNode
  | LikeNode
  | BoolListNode
  | UnaryNode
  | IsNullNode
  | InNode
  | BetweenNode
  | FuncNode
  | OverNode
  | CastNode
  | CaseNode
  | LabelNode
  | OrderingNode
  | ScalarSubqueryNode
  | ExistsNode
  | IdentifierNode
  | RawNode
  | JsonPathNode
  | CollateNode
  | TupleNode
  | StarNode;

/**
 * Makes a bind node. Every bind node has the same properties in the same order (unused ones
 * undefined), which keeps the compiler's and cache-key builder's property reads monomorphic.
 */
export function bindNode(value: unknown, type: SqlType<unknown>, label?: string, name?: string, callable?: boolean): BindNode {
  return { kind: "Bind", value, type, name, label, callable };
}

export function keyword(word: KeywordNode["word"]): KeywordNode {
  return { kind: "Keyword", word };
}

export function binary(left: ExprNode, op: BinaryOp, right: ExprNode): BinaryNode {
  return { kind: "Binary", op, left, right };
}

export function boolList(op: "AND" | "OR", items: readonly ExprNode[]): BoolListNode {
  return { kind: "BoolList", op, items };
}

export const NULL_NODE: KeywordNode = keyword("NULL");
export const STAR_NODE: StarNode = { kind: "Star" };
