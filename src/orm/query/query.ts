/**
 * Query: a typed `select(Model)` that model-specific query classes extend with named, chainable
 * filters (`Product.query.inStock().byCategory(5)`). Each step returns a new query of the same
 * class; run it with a Session (`session.scalars(q)`, or `q.all(session)`).
 */
import { MultipleResultsError, NoResultError } from "../../util/errors.js";
import type { Expression } from "../../sql/elements/expression.js";
import type { Condition } from "../../sql/elements/conjunctions.js";
import { func } from "../../sql/elements/functions.js";
import { select, type FromArg, type Select } from "../../sql/statements/select.js";
import type { Executable, StatementMemo } from "../../sql/statements/executable.js";
import type { SelectNode } from "../../sql/nodes/from-nodes.js";
import type { Session } from "../session/session.js";
import { mapperOf } from "../mapping/instrumentation.js";

function modelName(model: Function): string {
  return mapperOf(model)?.name ?? "object";
}

/**
 * A query for instances of `M`. Subclass it to add domain filters; do not override the constructor.
 * @example
 * class ProductQuery extends Query<Product> {
 *   inStock() { return this.where(Product.stock.gt(0)); }
 * }
 * // in Product: static get query() { return new ProductQuery(Product); }
 */
export class Query<M extends object> implements Executable<Record<string, M>, M>, StatementMemo {
  declare readonly __row: Record<string, M>;
  declare readonly __scalar: M;
  /** @internal */
  _memo?: unknown;
  readonly statement: Select<unknown, M>;

  constructor(
    readonly model: abstract new (...args: any[]) => M,
    statement?: Select<unknown, M>,
  ) {
    this.statement = statement ?? (select(model as never) as unknown as Select<unknown, M>);
  }

  get node(): SelectNode {
    return this.statement.node;
  }

  /** A query of the same class over another statement (what every chain step returns). */
  protected derive(statement: Select<unknown, M>): this {
    const Ctor = this.constructor as new (model: abstract new (...args: any[]) => M, statement: Select<unknown, M>) => this;
    return new Ctor(this.model, statement);
  }

  where(...conds: Condition[]): this {
    return this.derive(this.statement.where(...conds));
  }
  join(target: FromArg, on?: Condition): this {
    return this.derive(this.statement.join(target, on));
  }
  leftJoin(target: FromArg, on?: Condition): this {
    return this.derive(this.statement.leftJoin(target, on));
  }
  orderBy(...exprs: Expression<any, any>[]): this {
    return this.derive(this.statement.orderBy(...exprs));
  }
  limit(n: number): this {
    return this.derive(this.statement.limit(n));
  }
  offset(n: number): this {
    return this.derive(this.statement.offset(n));
  }

  /** Every matching instance. */
  async all(session: Session): Promise<M[]> {
    return session.scalars(this);
  }

  /** The first matching instance, or undefined. */
  async first(session: Session): Promise<M | undefined> {
    return (await session.scalars(this.limit(1)))[0];
  }

  /** Exactly one instance: NoResultError when none match, MultipleResultsError when several do. */
  async one(session: Session): Promise<M> {
    const rows = await session.scalars(this.limit(2));
    if (rows.length === 1) return rows[0]!;
    if (rows.length === 0) throw new NoResultError(`one() expected exactly one ${modelName(this.model)}, but none matched`);
    throw new MultipleResultsError(
      `one() expected exactly one ${modelName(this.model)}, but several matched; add a condition, or use first()`,
    );
  }

  /** How many rows match (ignoring limit/offset ordering). */
  async count(session: Session): Promise<number> {
    const sub = this.statement.subquery("q");
    return Number(await session.scalar(select(func.count()).from(sub)));
  }
}
