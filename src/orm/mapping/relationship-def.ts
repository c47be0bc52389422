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
  /**
   * Comma-separated cascades (default "save-update, merge"): save-update, merge, delete,
   * delete-orphan, refresh-expire, expunge; "all" is every one but delete-orphan; "none" clears.
   */
  cascade?: string;
  /**
   * Many-to-many: the name of the association table (a Table of the same MetaData) whose two
   * foreign keys link this model's table and the target's. The ORM inserts and deletes its rows as
   * the collection changes.
   */
  secondary?: string;
  /** How the relationship loads when its parent is loaded without a loader option for it (default "raise"). */
  lazy?: LoadStrategy;
  /** Order of a collection when loaded: target attribute keys, each optionally followed by " desc" (e.g. "createdAt desc"). */
  orderBy?: string | readonly string[];
  /**
   * Extra criteria on the target when loading (e.g. `(a: typeof Address) => a.isDefault.eq(true)`),
   * on top of the foreign key join. Such a relationship must be `viewonly`.
   */
  where?: (target: any) => unknown;
  /**
   * Declares the reverse relationship on the target (created at configure time) instead of writing it
   * there with backPopulates: its name, or its name and options.
   */
  backref?: string | { readonly name: string; readonly options?: Omit<RelationshipOptions, "backref" | "backPopulates"> };
  /**
   * Deleting the parent leaves unloaded children to the database's ON DELETE (CASCADE / SET NULL)
   * instead of loading them to delete or detach them; "all" leaves loaded children alone too.
   */
  passiveDeletes?: boolean | "all";
  /** Joined loading of this relationship uses an INNER JOIN (for a NOT NULL many-to-one). */
  innerJoin?: boolean;
}

/**
 * Loading strategies: "raise" (the default: reading an unloaded relationship throws, naming the
 * loader options that would have loaded it), "selectin" (a second SELECT … WHERE key IN (…), in
 * batches), "joined" (LEFT OUTER JOIN in the same SELECT), "subquery" (a second SELECT joined to the
 * first query as a subquery), "noload" (never loaded: empty / null), "writeOnly" (a collection that
 * is never loaded, only queried, added to and removed from).
 */
export type LoadStrategy = "raise" | "selectin" | "joined" | "subquery" | "noload" | "writeOnly";

/** A relationship as declared; `T` is the attribute's TypeScript type (`Post[]`, `User | null`). */
export class RelationshipDef<T = unknown> {
  /** Phantom: the attribute's type. */
  declare readonly __rel: T;
  constructor(
    readonly target: string,
    readonly options: Readonly<RelationshipOptions>,
  ) {}
}

const KNOWN = new Set([
  "backPopulates",
  "foreignKeys",
  "remoteSide",
  "uselist",
  "viewonly",
  "cascade",
  "secondary",
  "lazy",
  "orderBy",
  "where",
  "backref",
  "passiveDeletes",
  "innerJoin",
]);

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
