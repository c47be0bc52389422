/**
 * The class-side handle of a relationship (`User.posts`): names the property for loader options,
 * criteria and events. The property itself is resolved when mappers are configured.
 */
import type { RelationshipProperty } from "./mapper.js";

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
}
