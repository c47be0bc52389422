/**
 * SELECT: the `select()` builder. Each method returns a new statement (statements are immutable, so
 * a built statement can be cached, shared and executed many times).
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { bindNode, type ExprNode, type BindNode } from "../nodes/expression-nodes.js";
import {
  compoundNode,
  selectNode,
  type CompoundNode,
  type CteLike,
  type FromItem,
  type JoinNode,
  type LockSpec,
  type NamedFrom,
  type SelectNode,
} from "../nodes/from-nodes.js";
import { namedFromsOf, selectFroms } from "../nodes/node-walk.js";
import { ENTITY, isEntitySource, isJoinPathSource, JOIN_PATH, type EntitySource, type JoinPathSource } from "./entity.js";
import { BOOLEAN_TYPE, INTEGER_TYPE } from "../elements/builtin-types.js";
import { Expression } from "../elements/expression.js";
import { and, conditionNode, type Condition } from "../elements/conjunctions.js";
import type { Executable, StatementMemo } from "./executable.js";
import {
  isColumnSource,
  isRecordForm,
  selectionFromArgs,
  selectionFromRecord,
  type FirstOf,
  type RowOf,
  type RowOfRecord,
  type SelectArg,
  type EntityClass,
} from "./select-items.js";
import { joinCondition } from "./join-condition.js";
import { Subquery, Cte, type SubqueryColumns, type CteOptions } from "./derived-from.js";

/** What `.from()` and `.join()` accept. */
export type FromArg = NamedFrom | EntitySource;

/** Options of `.forUpdate()` / `.forShare()`. */
export interface LockOptions {
  /** Fail at once instead of waiting for locked rows. */
  nowait?: boolean;
  /** Skip locked rows (queue consumers). */
  skipLocked?: boolean;
  /** Lock only rows of these tables (PostgreSQL). */
  of?: readonly NamedFrom[];
  /** PostgreSQL's weaker modes: FOR NO KEY UPDATE / FOR KEY SHARE. */
  key?: boolean;
}

function limitNode(n: number | Expression<number, any>, what: string): BindNode | never {
  if (n instanceof Expression) {
    if (n.node.kind !== "Bind") throw new ArgumentError(`${what}() takes a number or bindParam(), not an arbitrary expression`);
    return bindNode(n.node.value, INTEGER_TYPE, n.node.label, n.node.name, n.node.callable);
  }
  if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError(`${what}() takes a non-negative integer, got ${describeValue(n)}`);
  return bindNode(n, INTEGER_TYPE, what);
}

function exprNodes(args: readonly unknown[], where: string): ExprNode[] {
  return args.map((a, i) => {
    if (a instanceof Expression) return a.node;
    throw new ArgumentError(`${where} argument ${i + 1} is ${describeValue(a)}; expected a column or expression`);
  });
}

function checkFrom(f: unknown, where: string): NamedFrom {
  if (isColumnSource(f)) return f;
  throw new ArgumentError(`${where} takes a table, alias, subquery or CTE, got ${describeValue(f)}`);
}

/** A FROM argument resolved: what to render, the table it names, and a mapped class's row criteria. */
interface ResolvedFrom {
  readonly item: FromItem;
  readonly named: NamedFrom;
  readonly criteria: ExprNode | undefined;
}

function resolveFrom(f: unknown, where: string): ResolvedFrom {
  if (isEntitySource(f)) {
    const e = f[ENTITY];
    return { item: e.from ?? e.table, named: e.table, criteria: e.criteria };
  }
  if (isColumnSource(f)) return { item: f, named: f, criteria: undefined };
  throw new ArgumentError(`${where} takes a table, alias, subquery, CTE or mapped class, got ${describeValue(f)}`);
}

/** Base of select and compound select: what they share (subquery, cte, scalar, set operations). */
abstract class SelectBase<R, S> implements Executable<R, S>, StatementMemo {
  declare readonly __row: R;
  declare readonly __scalar: S;
  /** @internal */
  _memo?: unknown;
  abstract readonly node: SelectNode | CompoundNode;

  /** Uses the statement as a named subquery in FROM: `select(...).subquery("s")`. */
  subquery(name?: string): Subquery<SubqueryColumns<R>> {
    return new Subquery(this.node, name);
  }

  /** A common table expression: `WITH name AS (...)`. */
  cte(name: string, options: CteOptions = {}): Cte<SubqueryColumns<R>> {
    return new Cte(this.node, name, options);
  }

  /** The statement as a scalar value: `(SELECT ...)` returning the first column. */
  scalarSubquery(): Expression<S | null> {
    const first = this.node.kind === "Select" ? this.node.items[0] : undefined;
    return new Expression({ kind: "ScalarSubquery", select: this.node }, first?.type ?? INTEGER_TYPE);
  }

  /** `EXISTS (...)` */
  exists(): Expression<boolean> {
    return new Expression({ kind: "Exists", select: this.node }, BOOLEAN_TYPE);
  }

  #compound(op: CompoundNode["op"], others: readonly SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    if (others.length === 0) throw new ArgumentError(`${op.toLowerCase()}() needs at least one other select`);
    for (const o of others)
      if (!(o instanceof SelectBase)) throw new ArgumentError(`${op.toLowerCase()}() takes select statements, got ${describeValue(o)}`);
    return new CompoundSelect<R, S>(compoundNode(op, [this.node, ...others.map((o) => o.node)]));
  }
  /** `UNION` (duplicates removed). */
  union(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("UNION", others);
  }
  /** `UNION ALL` */
  unionAll(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("UNION ALL", others);
  }
  /** `INTERSECT` */
  intersect(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("INTERSECT", others);
  }
  /** `INTERSECT ALL` (not on SQLite or MariaDB). */
  intersectAll(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("INTERSECT ALL", others);
  }
  /** `EXCEPT` */
  except(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("EXCEPT", others);
  }
  /** `EXCEPT ALL` (not on SQLite or MariaDB). */
  exceptAll(...others: SelectBase<R, unknown>[]): CompoundSelect<R, S> {
    return this.#compound("EXCEPT ALL", others);
  }
}

/** A SELECT statement returning rows of type `R`. */
export class Select<R = unknown, S = unknown> extends SelectBase<R, S> {
  constructor(readonly node: SelectNode) {
    super();
  }

  #with(patch: Partial<SelectNode>): Select<R, S> {
    return new Select<R, S>({ ...this.node, ...patch });
  }

  /** Adds FROM items explicitly (tables referenced by columns are added automatically). */
  from(...froms: FromArg[]): Select<R, S> {
    const resolved = froms.map((f) => resolveFrom(f, "from()"));
    const criteria = resolved.flatMap((r) => (r.criteria ? [new Expression<boolean>(r.criteria, BOOLEAN_TYPE)] : []));
    const next = this.#with({ from: [...this.node.from, ...resolved.map((r) => r.item)] });
    return criteria.length ? next.where(...criteria) : next;
  }

  #join(type: JoinNode["type"], target: FromArg | JoinPathSource, on: Condition | undefined, lateral = false): Select<R, S> {
    if (isJoinPathSource(target)) {
      // A relationship (`Order.user`): its own condition(s), and the association table for many-to-many.
      if (on !== undefined)
        throw new ArgumentError(
          `${String(target)}: a join along a relationship uses the relationship's own condition; leave out the ON condition`,
        );
      let next: Select<R, S> = this;
      for (const step of target[JOIN_PATH]()) next = next.#join(type, step.target, step.on);
      return next;
    }
    const resolved = resolveFrom(target, `${type.toLowerCase()} join`);
    const right = resolved.named;
    // Join onto the most recent explicit FROM item, or else the first table the select references.
    const explicit = this.node.from;
    let left: FromItem | undefined = explicit[explicit.length - 1];
    let rest: FromItem[] = explicit.slice(0, -1);
    if (!left) {
      const derived = selectFroms(this.node).filter((f) => f !== right);
      left = derived[0];
      rest = [];
      if (!left) throw new ArgumentError(`cannot join ${right.name}: the select has nothing to join from yet; call .from(table) first`);
    }
    if (namedFromsOf(left).includes(right))
      throw new ArgumentError(
        `${right.name} is already part of the FROM clause; to join a table to itself use an alias: table.alias("t2")`,
      );
    let onNode = type === "CROSS" ? undefined : on === undefined ? joinCondition(left, right) : conditionNode(on, "join condition");
    // A mapped subclass sharing its base's table joins only its own rows.
    if (resolved.criteria && onNode)
      onNode = and(new Expression<boolean>(onNode, BOOLEAN_TYPE), new Expression<boolean>(resolved.criteria, BOOLEAN_TYPE)).node;
    const join: JoinNode = { kind: "Join", type, left, right: resolved.item, on: onNode, lateral };
    return this.#with({ from: [...rest, join] });
  }
  /**
   * `INNER JOIN target ON …`; without `on`, the condition comes from the one foreign key between
   * them. A relationship attribute (`Order.user`) joins along the relationship (two joins through
   * the association table of a many-to-many).
   */
  join(target: FromArg | JoinPathSource, on?: Condition): Select<R, S> {
    return this.#join("INNER", target, on);
  }
  /** `LEFT OUTER JOIN` */
  leftJoin(target: FromArg | JoinPathSource, on?: Condition): Select<R, S> {
    return this.#join("LEFT", target, on);
  }
  /** `RIGHT OUTER JOIN` (SQLite ≥ 3.39). */
  rightJoin(target: FromArg | JoinPathSource, on?: Condition): Select<R, S> {
    return this.#join("RIGHT", target, on);
  }
  /** `FULL OUTER JOIN` (PostgreSQL, SQLite ≥ 3.39; MySQL has none and refuses it). */
  fullJoin(target: FromArg | JoinPathSource, on?: Condition): Select<R, S> {
    return this.#join("FULL", target, on);
  }
  /** `CROSS JOIN` */
  crossJoin(target: FromArg): Select<R, S> {
    return this.#join("CROSS", target, undefined);
  }
  /** `JOIN LATERAL (subquery) ON …` (PostgreSQL, MySQL 8). */
  joinLateral(target: Subquery<any>, on: Condition, options: { left?: boolean } = {}): Select<R, S> {
    return this.#join(options.left ? "LEFT" : "INNER", target, on, true);
  }

  /** Adds WHERE conditions, combined with AND (also with earlier calls). */
  where(...conds: Condition[]): Select<R, S> {
    if (conds.length === 0) throw new ArgumentError("where() needs at least one condition");
    const nodes = conds.map((c, i) => conditionNode(c, `where() argument ${i + 1}`));
    const all = this.node.where ? [this.node.where, ...nodes] : nodes;
    return this.#with({ where: all.length === 1 ? all[0] : and(...all.map((n) => new Expression<boolean>(n, BOOLEAN_TYPE))).node });
  }
  /** `GROUP BY …` */
  groupBy(...exprs: Expression<any, any>[]): Select<R, S> {
    return this.#with({ groupBy: [...this.node.groupBy, ...exprNodes(exprs, "groupBy()")] });
  }
  /** Adds HAVING conditions, combined with AND. */
  having(...conds: Condition[]): Select<R, S> {
    const nodes = conds.map((c, i) => conditionNode(c, `having() argument ${i + 1}`));
    const all = this.node.having ? [this.node.having, ...nodes] : nodes;
    return this.#with({ having: all.length === 1 ? all[0] : and(...all.map((n) => new Expression<boolean>(n, BOOLEAN_TYPE))).node });
  }
  /** `ORDER BY …`: columns, expressions, or `col.desc()`. */
  orderBy(...exprs: Expression<any, any>[]): Select<R, S> {
    return this.#with({ orderBy: [...this.node.orderBy, ...exprNodes(exprs, "orderBy()")] });
  }
  /** `LIMIT n` (bound as a parameter). */
  limit(n: number | Expression<number, any>): Select<R, S> {
    return this.#with({ limit: limitNode(n, "limit") });
  }
  /** `OFFSET n` */
  offset(n: number | Expression<number, any>): Select<R, S> {
    return this.#with({ offset: limitNode(n, "offset") });
  }
  /** `SELECT DISTINCT` */
  distinct(): Select<R, S> {
    return this.#with({ distinct: true });
  }
  /** `SELECT DISTINCT ON (…)` (PostgreSQL only). */
  distinctOn(...exprs: Expression<any, any>[]): Select<R, S> {
    return this.#with({ distinct: true, distinctOn: exprNodes(exprs, "distinctOn()") });
  }
  #lock(mode: "UPDATE" | "SHARE", options: LockOptions): Select<R, S> {
    if (options.nowait && options.skipLocked) throw new ArgumentError("use nowait or skipLocked, not both");
    const lock: LockSpec = {
      mode: options.key ? (mode === "UPDATE" ? "NO KEY UPDATE" : "KEY SHARE") : mode,
      of: options.of?.map((f) => checkFrom(f, "lock of")),
      wait: options.nowait ? "NOWAIT" : options.skipLocked ? "SKIP LOCKED" : undefined,
    };
    return this.#with({ lock });
  }
  /** `FOR UPDATE` row locks (ignored by SQLite, which locks the whole database). */
  forUpdate(options: LockOptions = {}): Select<R, S> {
    return this.#lock("UPDATE", options);
  }
  /** `FOR SHARE` row locks. */
  forShare(options: LockOptions = {}): Select<R, S> {
    return this.#lock("SHARE", options);
  }
  /** Attaches CTEs explicitly (referenced CTEs are rendered anyway). */
  with(...ctes: Cte<any>[]): Select<R, S> {
    return this.#with({ ctes: [...this.node.ctes, ...(ctes as unknown as CteLike[])] });
  }
  /**
   * Attaches ORM loader options (`selectinload(User.posts)`, …). The Core keeps them as opaque
   * values: they change neither the SQL nor the statement's cache key; a Session reads them.
   * @example
   * select(User).options(selectinload(User.posts).joinedload(Post.tags))
   */
  options(...opts: readonly object[]): Select<R, S> {
    for (const [i, o] of opts.entries())
      if (typeof o !== "object" || o === null)
        throw new ArgumentError(
          `options() argument ${i + 1} is ${describeValue(o)}; expected a loader option such as selectinload(User.posts)`,
        );
    return this.#with({ loaderOptions: [...(this.node.loaderOptions ?? []), ...opts] });
  }
  /** Turns off auto-correlation when used as a subquery. */
  correlateNone(): Select<R, S> {
    return this.#with({ correlate: "none" });
  }
}

/** A UNION / INTERSECT / EXCEPT of selects. */
export class CompoundSelect<R = unknown, S = unknown> extends SelectBase<R, S> {
  constructor(readonly node: CompoundNode) {
    super();
  }
  /** `ORDER BY` over the combined result. */
  orderBy(...exprs: Expression<any, any>[]): CompoundSelect<R, S> {
    return new CompoundSelect({ ...this.node, orderBy: [...this.node.orderBy, ...exprNodes(exprs, "orderBy()")] });
  }
  limit(n: number | Expression<number, any>): CompoundSelect<R, S> {
    return new CompoundSelect({ ...this.node, limit: limitNode(n, "limit") });
  }
  offset(n: number | Expression<number, any>): CompoundSelect<R, S> {
    return new CompoundSelect({ ...this.node, offset: limitNode(n, "offset") });
  }
}

/**
 * Starts a SELECT. Positional items (columns, expressions, whole tables) give rows keyed by column
 * key or label; an object gives rows keyed by its keys.
 * @example
 * select(users.c.id, users.c.email).where(users.c.name.eq("Ada"))
 * select({ id: users.c.id, posts: func.count(posts.c.id) }).from(users).leftJoin(posts).groupBy(users.c.id)
 */
export function select<const I extends readonly SelectArg[]>(...items: I): Select<RowOf<I>, FirstOf<I>>;
export function select<O extends Record<string, Expression<any, any> | EntityClass>>(items: O): Select<RowOfRecord<O>, unknown>;
export function select(...args: unknown[]): Select<unknown, unknown> {
  if (args.length === 0) throw new ArgumentError("select() needs at least one column, expression or table");
  const sel = isRecordForm(args) ? selectionFromRecord(args[0], "select()") : selectionFromArgs(args, "select()");
  const node = selectNode(sel.items, sel.entities);
  // Entities may bring their own FROM (joined inheritance) and row criteria (single-table inheritance).
  const from: FromItem[] = [];
  const criteria: ExprNode[] = [];
  for (const e of sel.entities) {
    if (e.entity.from) from.push(e.entity.from);
    if (e.entity.criteria) criteria.push(e.entity.criteria);
  }
  if (from.length === 0 && criteria.length === 0) return new Select(node);
  const where =
    criteria.length === 0
      ? undefined
      : criteria.length === 1
        ? criteria[0]
        : and(...criteria.map((c) => new Expression<boolean>(c, BOOLEAN_TYPE))).node;
  return new Select({ ...node, from, where });
}

export { SelectBase };
