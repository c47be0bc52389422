/**
 * `INSERT … ON CONFLICT`, the upsert syntax PostgreSQL and SQLite share. Offered only by the
 * `insert()` of those dialects' modules; the compiler refuses it where `caps.onConflict` is false.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { ExprNode } from "../nodes/expression-nodes.js";
import type { OnConflictNode } from "../nodes/from-nodes.js";
import { Expression, toOperandNode } from "../elements/expression.js";
import { conditionNode, type Condition } from "../elements/conjunctions.js";
import type { Column } from "../schema/column.js";
import type { Table } from "../schema/table.js";
import { Insert, excludedOf, type ColumnsOf, type DmlTarget, type UpdateValues } from "./dml.js";

/** The conflict target: columns of a unique index/constraint, or (PostgreSQL) a constraint name. */
export type ConflictTarget = Column<string, any, boolean> | readonly Column<string, any, boolean>[] | { constraint: string };

function targetPart(target: ConflictTarget | undefined): Pick<OnConflictNode, "target" | "constraint"> {
  if (target === undefined) return {};
  if (target instanceof Expression) return { target: [target.node] };
  if (Array.isArray(target)) {
    if (target.length === 0) throw new ArgumentError("the conflict target needs at least one column");
    return { target: target.map((c: unknown) => (c instanceof Expression ? c.node : badTarget(c))) };
  }
  const constraint = (target as { constraint?: unknown }).constraint;
  if (typeof constraint === "string" && constraint.length > 0) return { constraint };
  return badTarget(target);
}

function badTarget(t: unknown): never {
  throw new ArgumentError(`conflict target must be a column, an array of columns or { constraint: "name" }, got ${describeValue(t)}`);
}

/** An INSERT with ON CONFLICT support (PostgreSQL and SQLite). */
export class OnConflictInsert<T extends DmlTarget = Table, R = never, S = unknown> extends Insert<T, R, S> {
  /** The row proposed for insertion, for use in `set`: `set: { hits: ins.excluded.hits }`. */
  get excluded(): ColumnsOf<T> {
    return excludedOf(this.node.table) as ColumnsOf<T>;
  }

  /** `ON CONFLICT [(target)] DO NOTHING` */
  onConflictDoNothing(options: { target?: ConflictTarget; targetWhere?: Condition } = {}): this {
    const node: OnConflictNode = {
      ...targetPart(options.target),
      targetWhere: options.targetWhere ? conditionNode(options.targetWhere, "targetWhere") : undefined,
    };
    return this.derive({ onConflict: node });
  }

  /**
   * `ON CONFLICT (target) DO UPDATE SET … [WHERE …]`
   * @example
   * const ins = insert(counters).values({ key: "a", hits: 1 });
   * ins.onConflictDoUpdate({ target: counters.c.key, set: { hits: counters.c.hits.add(ins.excluded.hits) } })
   */
  onConflictDoUpdate(options: {
    target: ConflictTarget;
    set: UpdateValues<ColumnsOf<T>>;
    where?: Condition;
    targetWhere?: Condition;
  }): this {
    const table = this.node.table;
    if (options.target === undefined) throw new ArgumentError("onConflictDoUpdate() needs a target (the unique columns that conflict)");
    const entries = Object.entries(options.set ?? {}).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new ArgumentError("onConflictDoUpdate() needs at least one column in set");
    const set = entries.map(([key, value]): readonly [Column<string, unknown, boolean>, ExprNode] => {
      const col = table.column(key);
      return [col, toOperandNode(value, col.type, col.toString())];
    });
    return this.derive({
      onConflict: {
        ...targetPart(options.target),
        targetWhere: options.targetWhere ? conditionNode(options.targetWhere, "targetWhere") : undefined,
        set,
        where: options.where ? conditionNode(options.where, "where") : undefined,
      },
    });
  }
}
