/**
 * Loader options: `selectinload(User.posts).joinedload(Post.tags)` and friends. An option is a path
 * of relationship links, each with the strategy that link loads with. Built by users, attached with
 * `select(…).options(…)`, read by load-plan.ts; knows no SQL.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import { RelationshipAttribute } from "../mapping/relationship-attribute.js";
import type { RelationshipProperty } from "../mapping/mapper.js";

/** What one link of an option path does: a strategy, or "default" (walk through, keep the link's own strategy). */
export type LinkStrategy = "selectin" | "joined" | "subquery" | "noload" | "raise" | "containsEager" | "default";

/** One step of a loader option path. */
export interface LoadLink {
  readonly rel: RelationshipProperty;
  readonly strategy: LinkStrategy;
  /** joinedload(…, { innerJoin: true }): an INNER JOIN for this link. */
  readonly innerJoin: boolean;
}

/** Options of {@link joinedload}. */
export interface JoinedLoadOptions {
  /** Use an INNER JOIN (parents without a related row are dropped; for NOT NULL many-to-one). */
  innerJoin?: boolean;
}

/** The element type of a relationship value: `Post` for `Post[]`, `User` for `User | null`. */
type Related<T> = T extends readonly (infer E)[] ? E : NonNullable<T>;

/** The option names, for messages (`selectinload(User.posts)`). */
const OPTION_NAME: Record<LinkStrategy, string> = {
  selectin: "selectinload",
  joined: "joinedload",
  subquery: "subqueryload",
  noload: "noload",
  raise: "raiseload",
  containsEager: "containsEager",
  default: "defaultload",
};

function linkOf(attr: unknown, strategy: LinkStrategy, innerJoin: boolean, after: LoadLink | undefined): LoadLink {
  const name = OPTION_NAME[strategy];
  if (!(attr instanceof RelationshipAttribute))
    throw new ArgumentError(`${name}() takes a relationship attribute of a model (e.g. ${name}(User.posts)), got ${describeValue(attr)}`);
  const rel = attr.property;
  rel.parent.registry.configure();
  if (after && !after.rel.target.isA(rel.parent) && !rel.parent.isA(after.rel.target))
    throw new ArgumentError(
      `${name}(${attr}) cannot follow ${after.rel.parent.name}.${after.rel.key}: that loads ${after.rel.target.name} objects, and ${rel.key} is a relationship of ${rel.parent.name}; name a relationship of ${after.rel.target.name}`,
    );
  if (strategy === "joined" && rel.lazy === "writeOnly")
    throw new ArgumentError(`${name}(${attr}): ${attr} is a write-only collection, which is never loaded; query it with .select()`);
  return { rel, strategy, innerJoin: innerJoin || (strategy === "joined" && rel.innerJoin) };
}

/**
 * A loader option: a path of relationships from the queried model, each link with its strategy.
 * Chain methods add a link below the last one. `T` is the model the last link loads.
 */
export class LoaderOption<T = unknown> {
  /** Phantom: instances the last link loads (checks the next link's model). */
  declare readonly __loads: T;
  constructor(
    /** @internal */
    readonly path: readonly LoadLink[],
  ) {}

  #then<U>(attr: RelationshipAttribute<U>, strategy: LinkStrategy, innerJoin = false): LoaderOption<Related<U>> {
    return new LoaderOption([...this.path, linkOf(attr, strategy, innerJoin, this.path[this.path.length - 1])]);
  }
  /** Loads the next relationship with a second SELECT … WHERE key IN (…). */
  selectinload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "selectin");
  }
  /** Loads the next relationship with a LEFT OUTER JOIN in the same SELECT. */
  joinedload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>, options: JoinedLoadOptions = {}): LoaderOption<Related<U>> {
    return this.#then(attr, "joined", options.innerJoin === true);
  }
  /** Loads the next relationship with a second SELECT joined to the previous one as a subquery. */
  subqueryload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "subquery");
  }
  /** Never loads the next relationship: it reads as empty / null. */
  noload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "noload");
  }
  /** Leaves the next relationship unloaded: reading it throws. */
  raiseload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "raise");
  }
  /** Walks through the next relationship without changing how it loads. */
  defaultload<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "default");
  }
  /** The statement's own join already selects the next relationship's columns (see {@link containsEager}). */
  containsEager<U>(attr: RelationshipAttribute<U> & RelationshipOf<T>): LoaderOption<Related<U>> {
    return this.#then(attr, "containsEager");
  }

  toString(): string {
    return this.path.map((l, i) => `${i === 0 ? "" : "."}${OPTION_NAME[l.strategy]}(${l.rel.parent.name}.${l.rel.key})`).join("");
  }
}

/**
 * Accepts a relationship attribute whose owner could be `T`. Why this shape: the class-side
 * attribute knows only the type it holds, not its owner, so the check is that the attribute is one
 * of `T`'s own relationship-typed keys; it is a single indexed access (no recursion), so chains
 * cost a constant number of instantiations per link. Unknown `T` accepts anything.
 */
export type RelationshipOf<T> = unknown extends T ? unknown : { readonly __rel: T[RelationshipKeys<T>] };
type RelationshipKeys<T> = { [K in keyof T]: T[K] extends object | null ? K : never }[keyof T];

function start<U>(attr: RelationshipAttribute<U>, strategy: LinkStrategy, innerJoin = false): LoaderOption<Related<U>> {
  return new LoaderOption([linkOf(attr, strategy, innerJoin, undefined)]);
}

/**
 * Loads a relationship with a second SELECT per 5,000 parents: `WHERE posts.user_id IN (…)`.
 * @example
 * await session.scalars(select(User).options(selectinload(User.posts)));
 */
export function selectinload<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "selectin");
}

/**
 * Loads a relationship in the same SELECT through a LEFT OUTER JOIN to an anonymous alias; parents
 * repeated by a collection are returned once. With LIMIT/OFFSET the query is wrapped so the limit counts parents.
 */
export function joinedload<U>(attr: RelationshipAttribute<U>, options: JoinedLoadOptions = {}): LoaderOption<Related<U>> {
  return start(attr, "joined", options.innerJoin === true);
}

/** Loads a relationship with a second SELECT joined to the original query as a subquery. */
export function subqueryload<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "subquery");
}

/** Never loads a relationship: collections read as empty, references as null. */
export function noload<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "noload");
}

/** Leaves a relationship unloaded, so reading it throws an error naming the option that would load it. */
export function raiseload<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "raise");
}

/** Walks through a relationship without changing how it loads, to set options further down the path. */
export function defaultload<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "default");
}

/**
 * Fills a relationship from the columns of a join the statement already has:
 * `select(User).join(Post).options(containsEager(User.posts))`. The statement must select the
 * target's columns (add them with `select(User, Post)` or let containsEager add them); a filtered
 * join fills collections with the matching rows only.
 */
export function containsEager<U>(attr: RelationshipAttribute<U>): LoaderOption<Related<U>> {
  return start(attr, "containsEager");
}

/** The option that would load `rel` (for "not loaded" messages). */
export function optionHint(rel: RelationshipProperty): string {
  return `selectinload(${rel.parent.name}.${rel.key})`;
}

/** The option name of a strategy (for messages). */
export function optionName(strategy: LinkStrategy): string {
  return OPTION_NAME[strategy];
}
