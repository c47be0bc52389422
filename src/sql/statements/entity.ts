/**
 * The protocol by which mapped classes take part in Core statements (`select(User)`, `insert(User)`)
 * without the Core importing the ORM: a class exposes an EntityDescriptor under the ENTITY symbol.
 * The ORM's Session turns the descriptor's columns back into instances.
 */
import type { ExprNode } from "../nodes/expression-nodes.js";
import type { FromItem, NamedFrom, SelectItemNode } from "../nodes/from-nodes.js";
import type { Expression } from "../elements/expression.js";
import type { Table } from "../schema/table.js";

/** Symbol under which a mapped class exposes its {@link EntityDescriptor}. */
export const ENTITY: unique symbol = Symbol.for("athanor.entity");

/** How an entity is selected and written. Provided by the ORM's mapper. */
export interface EntityDescriptor {
  /** Process-unique id (cache keys). */
  readonly id: number;
  /** Default key of the entity in result rows (the table name). */
  readonly key: string;
  /** The table INSERT/UPDATE/DELETE statements on the entity target. */
  readonly table: Table;
  /** The SELECT list that loads an instance (columns, column properties), in a fixed order. */
  selectItems(): readonly SelectItemNode[];
  /** FROM item to use instead of the table (joined inheritance: the tables joined). */
  readonly from: FromItem | undefined;
  /** Condition every row of the entity satisfies (single-table inheritance discriminator). */
  readonly criteria: ExprNode | undefined;
  /** A name for messages (the class name). */
  readonly displayName: string;
  /** Values every inserted row gets (a subclass's discriminator). */
  readonly insertValues: Readonly<Record<string, unknown>> | undefined;
  /** Why INSERT/UPDATE/DELETE statements cannot target the entity (it spans several tables), or undefined. */
  readonly dmlRefusal: string | undefined;
}

/** A mapped class, as the Core sees it. */
export interface EntitySource {
  readonly [ENTITY]: EntityDescriptor;
}

/** Symbol under which a relationship attribute (`Order.user`) says how to join along it. */
export const JOIN_PATH: unique symbol = Symbol.for("athanor.joinPath");

/** One join of a path: the FROM item to join and its ON condition. */
export interface JoinStep {
  readonly target: EntitySource | NamedFrom;
  readonly on: Expression<boolean, any>;
}

/** Something a statement can join along (a relationship: one step, or two through an association table). */
export interface JoinPathSource {
  [JOIN_PATH](): readonly JoinStep[];
}

export function isJoinPathSource(v: unknown): v is JoinPathSource {
  return typeof v === "object" && v !== null && JOIN_PATH in v;
}

/** Whether a value is a mapped class (or anything exposing an entity descriptor). */
export function isEntitySource(v: unknown): v is EntitySource {
  return (typeof v === "function" || (typeof v === "object" && v !== null)) && (v as Partial<EntitySource>)[ENTITY] !== undefined;
}

/** The span of a SELECT list that loads one entity. */
export interface EntityRange {
  /** Key of the entity in result rows. */
  readonly key: string;
  readonly entity: EntityDescriptor;
  /** First select item of the entity. */
  readonly start: number;
  readonly count: number;
}
