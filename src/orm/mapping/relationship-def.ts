/**
 * `relationship()` definitions as declared in a model's attributes. Targets are named by string
 * (a model's class name or its table name) and resolved when the mappers are configured, so model
 * files never import each other at runtime.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";

/** Options of {@link relationship}. */
export interface RelationshipOptions {
  /** The relationship on the target that mirrors this one; both sides are kept in sync in memory. */
  backPopulates?: string;
  /**
   * Local attribute keys of the foreign key columns to use, when several foreign keys link the two
   * tables (e.g. billingAddressId vs shippingAddressId).
   */
  foreignKeys?: readonly string[];
  /**
   * Self-referential many-to-one side: the target attribute(s) the foreign key points at (usually
   * the primary key). Without it a self-referential relationship is one-to-many.
   */
  remoteSide?: string | readonly string[];
  /** A scalar on the one-to-many side (one-to-one). Default: a list for one-to-many, a scalar for many-to-one. */
  uselist?: boolean;
  /** Used only for loading; changes through it are not flushed. */
  viewonly?: boolean;
  /** Comma-separated cascades (default "save-update, merge"); full support arrives with relationship loading. */
  cascade?: string;
}

/** A relationship as declared; `T` is the attribute's TypeScript type (`Post[]`, `User | null`). */
export class RelationshipDef<T = unknown> {
  /** Phantom: the attribute's type. */
  declare readonly __rel: T;
  constructor(
    readonly target: string,
    readonly options: Readonly<RelationshipOptions>,
  ) {}
}

const KNOWN = new Set(["backPopulates", "foreignKeys", "remoteSide", "uselist", "viewonly", "cascade"]);

/**
 * Declares a relationship to another model, named by its class name or table name.
 * @example
 * posts: relationship<Post[]>("Post", { backPopulates: "author" }),
 * author: relationship<User>("User", { backPopulates: "posts" }),
 */
export function relationship<T>(target: string, options: RelationshipOptions = {}): RelationshipDef<T> {
  if (typeof target !== "string" || target.length === 0)
    throw new ArgumentError(`relationship() needs the target model's name as a string (e.g. "Post"), got ${describeValue(target)}`);
  for (const k of Object.keys(options))
    if (!KNOWN.has(k))
      throw new ArgumentError(`relationship("${target}"): unknown option '${k}'; known options are ${[...KNOWN].join(", ")}`);
  return new RelationshipDef<T>(target, options);
}
