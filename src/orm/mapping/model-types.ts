/**
 * The types that turn one attribute definition object into a model's instance type, constructor
 * arguments and class-side columns. Each is a single mapped type over the attributes (no recursion),
 * which keeps type-checking cost flat however many models a project has.
 */
import type { Column, ColumnDef } from "../../sql/schema/column.js";
import type { Expression } from "../../sql/elements/expression.js";
import type { ENTITY, EntityDescriptor } from "../../sql/statements/entity.js";
import type { RelationshipDef } from "./relationship-def.js";
import type { RelationshipAttribute } from "./relationship-attribute.js";

/** What a model's attribute object may contain. */
export type AttrDef = ColumnDef<any, any, any, any> | RelationshipDef<any>;
export type AttrDefs = Record<string, AttrDef>;

/** The value type of a column definition. */
type ColumnValue<D> = D extends ColumnDef<infer V, infer N, any, any> ? (N extends true ? V | null : V) : never;

/** Instance attributes: column values (nullable ones `T | null`) and relationship values. */
export type InstanceAttrs<A> = {
  -readonly [K in keyof A]: A[K] extends ColumnDef<any, any, any, any>
    ? ColumnValue<A[K]>
    : A[K] extends RelationshipDef<infer T>
      ? T
      : never;
};

/** Constructor keys that must be given: NOT NULL columns with no default that are not generated or set through a relationship. */
type RequiredKeys<A> = { [K in keyof A]: A[K] extends ColumnDef<any, any, false, false> ? K : never }[keyof A];

/**
 * Constructor arguments: required columns, then everything else optional. `Filled` names attributes
 * the ORM fills itself (a hierarchy's discriminator).
 */
export type InitArgs<A, Filled extends PropertyKey = never> = { [K in Exclude<RequiredKeys<A>, Filled>]: ColumnValue<A[K]> } & {
  [K in Exclude<keyof A, Exclude<RequiredKeys<A>, Filled>>]?: InstanceAttrs<A>[K];
};

/** Class-side column attributes: typed Core columns (`User.email.eq("x")`). */
export type ClassColumns<A> = {
  readonly [K in keyof A as A[K] extends ColumnDef<any, any, any, any> ? K : never]: A[K] extends ColumnDef<infer V, infer N, infer O, any>
    ? Column<K & string, N extends true ? V | null : V, O>
    : never;
};

/** Columns as INSERT/UPDATE statements on the class see them: the discriminator `D` is optional (filled in). */
export type DmlColumns<A, D extends PropertyKey> = [D] extends [never]
  ? ClassColumns<A>
  : {
      readonly [K in keyof ClassColumns<A>]: K extends D
        ? ClassColumns<A>[K] extends Column<infer N, infer V, any>
          ? Column<N, V, true>
          : never
        : ClassColumns<A>[K];
    };

/** Class-side relationship attributes. */
export type ClassRelationships<A> = {
  readonly [K in keyof A as A[K] extends RelationshipDef<any> ? K : never]: A[K] extends RelationshipDef<infer T>
    ? RelationshipAttribute<T>
    : never;
};

/** The plain value type of a hybrid's result (`Dual<T>` is `T | Expression<T>`). */
type Plain<T> = T extends Expression<infer V, any> ? V : T;
/** Hybrid attribute values on instances. */
export type HybridValues<H> = { readonly [K in keyof H]: Plain<H[K]> };
/** Hybrid attributes on the class: SQL expressions. */
export type HybridExpressions<H> = { readonly [K in keyof H]: Expression<Plain<H[K]>> };

/** Phantom and protocol members every mapped class has. */
export interface ModelStatics<TName extends string, A, D extends PropertyKey = never, V extends PropertyKey = never> {
  /** Phantom: the discriminator attribute of the hierarchy (set by the ORM, optional at construction and insert). */
  readonly __discriminator: D;
  /** Phantom: the version attribute (set by the ORM at flush, optional at construction). */
  readonly __version: V;
  /** Phantom: key of the entity in result rows. */
  readonly __entityKey: TName;
  /** Phantom: the column attributes, for insert()/update() typing. */
  readonly __columns: DmlColumns<A, D>;
  /** Phantom: the attribute definitions (for subclasses). */
  readonly __attrs: A;
  readonly [ENTITY]: EntityDescriptor;
}

/** What `Base.model()` returns: a class to extend. */
export type ModelClass<TName extends string, A, I, D extends PropertyKey = never, V extends PropertyKey = never> = (abstract new (
  init: InitArgs<A, D | V>,
) => I) &
  ClassColumns<A> &
  ClassRelationships<A> &
  ModelStatics<TName, A, D, V>;

/** Instance type of any mapped class. */
export type ModelInstance<C> = C extends abstract new (...args: any) => infer I ? I : never;
