/**
 * Joined eager loading: rewrites an entity SELECT so each joined relationship comes from a LEFT
 * OUTER JOIN to an anonymous alias of its target (INNER with innerJoin), then fills the
 * relationships from the extra columns of each row. With LIMIT/OFFSET and a collection the original
 * statement is wrapped in a subquery first, so the limit counts parents. Called by load-query.ts.
 */
import { Expression } from "../../sql/elements/expression.js";
import { BOOLEAN_TYPE } from "../../sql/elements/builtin-types.js";
import { remapColumns } from "./column-remap.js";
import { and } from "../../sql/elements/conjunctions.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import type { FromItem, JoinNode, NamedFrom, SelectItemNode, SelectNode } from "../../sql/nodes/from-nodes.js";
import type { Column } from "../../sql/schema/column.js";
import { Subquery } from "../../sql/statements/derived-from.js";
import { mapperOfEntity, type Mapper, type RelationshipProperty } from "../mapping/mapper.js";
import { ArgumentError } from "../../util/errors.js";
import { SpanLoader, type LoadTarget } from "./instance-loader.js";
import { childPlan, strategyOf, type Plan } from "./load-plan.js";
import { orderOf, storeBackReference, storeLoaded } from "./relationship-keys.js";

type Col = Column<string, unknown, boolean>;

/** One joined relationship: where its target's columns sit in the row and whose objects it fills. */
export interface JoinedStep {
  readonly rel: RelationshipProperty;
  /** Index of the step that loads the parents, -1 for the statement's entity. */
  readonly parent: number;
  readonly start: number;
  readonly count: number;
  /** The plan for the objects this step loads (their non-joined relationships). */
  readonly plan: Plan;
}

/** A statement rewritten for joined loading. */
export interface JoinedQuery {
  readonly node: SelectNode;
  readonly steps: readonly JoinedStep[];
}

/** Whether `rel` can be loaded by a join here (otherwise the loader uses selectin for it). */
export function joinable(rel: RelationshipProperty): boolean {
  const t = rel.target;
  // A joined-inheritance target spans several tables and a single-table subclass needs its
  // discriminator filter: both load by select-IN instead.
  return t.fromItem() === undefined && t.criteria() === undefined && rel.lazy !== "writeOnly";
}

/** Resolves a column of the parent to what the join refers to (the table itself, an alias, or the wrapping subquery). */
type ColumnOf = (col: Col) => Col;

/**
 * Rewrites `node` (selecting `mapper`) for the joined relationships of `plan`;
 * undefined when none is joined.
 */
export function prepareJoined(node: SelectNode, mapper: Mapper, plan: Plan): JoinedQuery | undefined {
  const wanted = collectJoined(mapper, plan);
  const eager = containsEagerSteps(node, mapper, plan);
  if (wanted.length === 0) return eager.length ? { node, steps: eager } : undefined;
  let base: SelectNode = node;
  let rootColumn: ColumnOf = (c) => c;
  let left: FromItem | undefined = node.from[node.from.length - 1];
  let rest: readonly FromItem[] = node.from.slice(0, -1);
  let orderBy: readonly ExprNode[] = node.orderBy;
  if ((node.limit || node.offset || node.distinct) && wanted.some((w) => w.rel.uselist)) {
    // LIMIT must count parents, not parent × child rows: limit first, join outside.
    const sq = new Subquery({ ...node, loaderOptions: undefined });
    const byColumn = new Map<Col, Col>();
    node.items.forEach((item, i) => {
      if (item.expr.kind === "Column") byColumn.set(item.expr.column as Col, sq.columnList[i]!);
    });
    rootColumn = (c) => byColumn.get(c) ?? c;
    const items: SelectItemNode[] = node.items.map((item, i) => ({ ...item, expr: sq.columnList[i]!.node, label: undefined }));
    orderBy = node.orderBy.flatMap((o) => remapOrder(o, byColumn));
    base = {
      ...node,
      items,
      from: [],
      where: undefined,
      groupBy: [],
      having: undefined,
      limit: undefined,
      offset: undefined,
      distinct: false,
      distinctOn: undefined,
      ctes: [],
    };
    left = sq as unknown as NamedFrom;
    rest = [];
  }
  left ??= mapper.table;
  const items = [...base.items];
  const order: ExprNode[] = [...orderBy];
  const steps: JoinedStep[] = [];
  const columnsOfStep: ColumnOf[] = [];
  let from: FromItem = left;
  const outer: boolean[] = [];
  let n = 0;
  for (const w of wanted) {
    const parentColumn = w.parent < 0 ? rootColumn : columnsOfStep[w.parent]!;
    const rel = w.rel;
    const target = rel.target;
    const alias = target.table.alias(`${target.table.name}_${++n}`);
    const inAlias: ColumnOf = (c) => (alias.c as Record<string, Col>)[c.key]!;
    const onTargetTable = (c: Col): Col | undefined => (c.table === target.table ? inAlias(c) : undefined);
    // The relationship's own criteria join the ON clause, pointed at the alias.
    const extra = rel.where;
    const withCriteria = (on: ExprNode): ExprNode => (extra ? and(expr(on), expr(remapColumns(extra.node, onTargetTable))).node : on);
    // An inner join below an outer one would drop the outer parents: it stays outer.
    const inner = w.innerJoin && (w.parent < 0 || !outer[w.parent]);
    const type: JoinNode["type"] = inner ? "INNER" : "LEFT";
    if (rel.direction === "manyToMany") {
      const assoc = rel.secondary!.alias(`${rel.secondary!.name}_${n}`);
      const inAssoc: ColumnOf = (c) => (assoc.c as Record<string, Col>)[c.key]!;
      const onAssoc = conj(rel.secondaryParent.map(([p, a]) => inAssoc(a).eq(parentColumn(p))));
      from = { kind: "Join", type, left: from, right: assoc, on: onAssoc, lateral: false };
      const onTarget = conj(rel.secondaryTarget.map(([t, a]) => inAlias(t).eq(inAssoc(a))));
      from = { kind: "Join", type, left: from, right: alias, on: withCriteria(onTarget), lateral: false };
    } else {
      const on =
        rel.direction === "oneToMany"
          ? conj(rel.pairs.map(([one, many]) => inAlias(many).eq(parentColumn(one))))
          : conj(rel.pairs.map(([one, many]) => inAlias(one).eq(parentColumn(many))));
      from = { kind: "Join", type, left: from, right: alias, on: withCriteria(on), lateral: false };
    }
    const startAt = items.length;
    for (const p of target.columns)
      items.push({ expr: inAlias(p.column).node, key: `${alias.name}_${p.key}`, type: p.column.type, label: undefined });
    for (const o of orderOf(rel)) order.push(remapColumns(o.node, onTargetTable));
    steps.push({ rel, parent: w.parent, start: startAt, count: target.columns.length, plan: w.plan });
    columnsOfStep.push(inAlias);
    outer.push(!inner || (w.parent >= 0 && outer[w.parent]!));
  }
  return {
    node: { ...base, items, from: [...rest, from], orderBy: order },
    steps: [...steps, ...eager.map((e) => ({ ...e, parent: -1 }))],
  };
}

/**
 * containsEager(User.posts): the statement selects the target itself (`select(User, Post).join(…)`),
 * so the relationship is filled from that entity's columns.
 */
function containsEagerSteps(node: SelectNode, mapper: Mapper, plan: Plan): JoinedStep[] {
  const out: JoinedStep[] = [];
  for (const [rel, p] of plan) {
    if (p.strategy !== "containsEager") continue;
    const range = node.entities.find((e, i) => i > 0 && mapperOfEntity(e.entity).isA(rel.target));
    if (!range)
      throw new ArgumentError(
        `containsEager(${rel.parent.name}.${rel.key}) needs the statement to select ${rel.target.name} from its join: select(${mapper.name}, ${rel.target.name}).join(${rel.target.name}, …)`,
      );
    out.push({ rel, parent: -1, start: range.start, count: range.count, plan: p.children });
  }
  return out;
}

function expr(node: ExprNode): Expression<boolean, any> {
  return new Expression<boolean>(node, BOOLEAN_TYPE);
}

function conj(conds: Array<Expression<boolean, any>>): ExprNode {
  return conds.length === 1 ? conds[0]!.node : and(...conds).node;
}

/** An ORDER BY term of the wrapped statement, pointed at the subquery's columns (dropped when it cannot be). */
function remapOrder(o: ExprNode, byColumn: ReadonlyMap<Col, Col>): ExprNode[] {
  if (o.kind === "Column") {
    const c = byColumn.get(o.column as Col);
    return c ? [c.node] : [];
  }
  if (o.kind === "Ordering" && o.inner.kind === "Column") {
    const c = byColumn.get(o.inner.column as Col);
    return c ? [{ ...o, inner: c.node }] : [];
  }
  return [];
}

interface Wanted {
  readonly rel: RelationshipProperty;
  readonly parent: number;
  readonly innerJoin: boolean;
  readonly plan: Plan;
}

/** The joined relationships below `mapper`, parents before children; a relationship is not joined twice on one path. */
function collectJoined(mapper: Mapper, plan: Plan): Wanted[] {
  const out: Wanted[] = [];
  const visit = (m: Mapper, p: Plan, parent: number, path: ReadonlySet<RelationshipProperty>): void => {
    for (const rel of m.relationships) {
      // A relationship's own lazy: "joined" is not followed around a cycle; explicit options are.
      if (strategyOf(rel, p) !== "joined" || (path.has(rel) && !p.has(rel)) || !joinable(rel)) continue;
      const node = p.get(rel);
      const innerJoin = node && node.strategy === "joined" ? node.innerJoin || rel.innerJoin : rel.innerJoin;
      const sub = childPlan(rel, p);
      out.push({ rel, parent, innerJoin, plan: sub });
      visit(rel.target, sub, out.length - 1, new Set([...path, rel]));
    }
  };
  visit(mapper, plan, -1, new Set());
  return out;
}

/**
 * Consumes the rows of a joined query: loads each step's objects and gathers them per parent, then
 * stores the gathered values on parents that had none. A child repeats for one parent only when
 * two collections are joined side by side (a cartesian product): only then are lists de-duplicated.
 */
export class JoinedCollector {
  readonly #steps: readonly JoinedStep[];
  readonly #loaders: SpanLoader[];
  readonly #gathered: Array<Map<object, object[] | object | null>>;
  readonly #row: Array<object | null>;
  /** Per step, the parent of the previous row and its list: rows of one parent usually come together. */
  readonly #lastParent: Array<object | null>;
  readonly #lastList: Array<object[] | undefined>;
  readonly #dedupe: boolean;

  constructor(target: LoadTarget, steps: readonly JoinedStep[]) {
    this.#steps = steps;
    this.#loaders = steps.map((s) => new SpanLoader(target, s.rel.target, s.start, s.count));
    this.#gathered = steps.map(() => new Map());
    this.#row = steps.map(() => null);
    this.#lastParent = steps.map(() => null);
    this.#lastList = steps.map(() => undefined);
    this.#dedupe = steps.filter((s) => s.rel.uselist).length > 1;
  }

  /** Takes one row; `root` is the object the statement's entity loaded from it. */
  add(root: object | null, row: readonly unknown[]): void {
    const steps = this.#steps;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const parent = step.parent < 0 ? root : this.#row[step.parent]!;
      const child = parent === null ? null : this.#loaders[i]!.load(row);
      this.#row[i] = child;
      if (parent === null) continue;
      if (!step.rel.uselist) {
        const g = this.#gathered[i]!;
        if (child || !g.has(parent)) g.set(parent, child);
        continue;
      }
      let list = this.#lastParent[i] === parent ? this.#lastList[i] : undefined;
      if (!list) {
        const g = this.#gathered[i]!;
        list = g.get(parent) as object[] | undefined;
        if (!list) g.set(parent, (list = []));
        this.#lastParent[i] = parent;
        this.#lastList[i] = list;
      }
      if (child && (list.length === 0 || list[list.length - 1] !== child) && (!this.#dedupe || !list.includes(child))) list.push(child);
    }
  }

  /** Stores what was gathered; returns, per step, the objects it loaded (for their own relationships). */
  finish(): Array<{ rel: RelationshipProperty; plan: Plan; objs: object[] }> {
    return this.#steps.map((step, i) => {
      const objs: object[] = [];
      for (const [parent, v] of this.#gathered[i]!) {
        if (Array.isArray(v)) {
          if (storeLoaded(parent, step.rel, v)) storeBackReference(step.rel, parent, v);
          for (const c of v) objs.push(c);
        } else {
          storeLoaded(parent, step.rel, v);
          if (v) objs.push(v);
        }
      }
      return { rel: step.rel, plan: step.plan, objs: step.rel.uselist && step.rel.direction !== "manyToMany" ? objs : [...new Set(objs)] };
    });
  }

  /** Whether a parent can repeat across rows (a collection is joined). */
  get multipliesRows(): boolean {
    return this.#steps.some((s) => s.rel.uselist);
  }
}
