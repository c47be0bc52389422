/**
 * The class-side handle of a relationship (`User.posts`): names the property for loader options,
 * criteria and events. The property itself is resolved when mappers are configured.
 */
import type { RelationshipProperty } from "./mapper.js";
import { JOIN_PATH, type JoinStep } from "../../sql/statements/entity.js";
import { and } from "../../sql/elements/conjunctions.js";
import type { Expression } from "../../sql/elements/expression.js";
import type { Column } from "../../sql/schema/column.js";

type Pair = readonly [Column<string, unknown, boolean>, Column<string, unknown, boolean>];

/** `a = b AND …` over column pairs. */
function pairsEqual(pairs: readonly Pair[]): Expression<boolean, any> {
  const eqs = pairs.map(([a, b]) => a.eq(b as never) as Expression<boolean, any>);
  return eqs.length === 1 ? eqs[0]! : and(...eqs);
}

/** `User.posts` on the class: refers to the relationship in statements and options. */
export class RelationshipAttribute<T = unknown> {
  /** Phantom: the attribute's instance type. */
  declare readonly __rel: T;
  constructor(
    /** @internal */
    readonly property: RelationshipProperty,
  ) {}

  get key(): string {
    return this.property.key;
  }

  toString(): string {
    return `${this.property.parent.name}.${this.property.key}`;
  }

  /** How `select(...).join(Order.user)` joins along the relationship (its `where` criteria included). */
  [JOIN_PATH](): readonly JoinStep[] {
    const rel = this.property;
    rel.parent.registry.configure();
    const target = rel.target.mappedClass as never;
    const criteria = rel.where;
    const withCriteria = (on: Expression<boolean, any>) => (criteria ? and(on, criteria) : on);
    if (rel.direction === "manyToMany")
      return [
        { target: rel.secondary!, on: pairsEqual(rel.secondaryParent) },
        { target, on: withCriteria(pairsEqual(rel.secondaryTarget)) },
      ];
    return [{ target, on: withCriteria(pairsEqual(rel.pairs)) }];
  }
}
