/**
 * The output of compilation, independent of values: SQL text with positional placeholders, and
 * for each placeholder where its value comes from. Cached per statement shape and dialect.
 */
import type { SqlType } from "../types/sql-type.js";

/** Where a placeholder's value comes from. */
export interface ParamSlot {
  /** Index into the statement's bind list (canonical traversal order); -1 for insert cells. */
  readonly index: number;
  /** Named parameter (`bindParam`), read from the execute() parameters. */
  readonly name?: string | undefined;
  readonly type: SqlType<unknown>;
  /** Take this element of an array value (JSON path keys on PostgreSQL). */
  readonly element?: number | undefined;
  /** Transform applied after type processing (e.g. building a JSON path string). */
  readonly transform?: ((value: unknown) => unknown) | undefined;
  /** The value is a zero-argument function to call per execution (column defaults). */
  readonly callable?: boolean | undefined;
  /** What the value is for, in error messages. */
  readonly label?: string | undefined;
  /** Insert cell: position of the column in the insert's column list. */
  readonly cell?: number | undefined;
  /** Insert cell of one specific row (row-by-row inserts); batched inserts use the batch position. */
  readonly row?: number | undefined;
}

/** One result column: its key in row objects and its SQL type (undefined when unknown, e.g. raw SQL). */
export interface ResultColumn {
  readonly key: string;
  readonly type: SqlType<unknown> | undefined;
}

/** A column of a batched insert and how each row's value for it is found. */
export interface InsertColumnPlan {
  readonly key: string;
  readonly type: SqlType<unknown>;
  readonly label: string;
  /** App-side default used when a row has no value: a value or a function called per row. */
  readonly default?: { readonly value: unknown; readonly callable: boolean } | undefined;
  /** The column's default is a SQL expression, rendered into the statement. */
  readonly sqlDefault: boolean;
  /** How many rows give a value for the column. */
  readonly givenBy: "all" | "some" | "none";
  /** Whether a missing value is an error (no default, not nullable, not generated). */
  readonly required: boolean;
}

/** SQL text split around its placeholders, with the slot behind each placeholder. */
export interface SqlPieces {
  /** Text between placeholders: always one more than `slots`. */
  readonly parts: readonly string[];
  readonly slots: readonly ParamSlot[];
}

/** A multi-row INSERT compiled once and instantiated for any number of rows. */
export interface InsertBatchPlan {
  /** `[WITH …] INSERT INTO t (a, b) VALUES ` */
  readonly head: SqlPieces;
  /** One row's `(…)`; its slots are cells (`cell` = column position). */
  readonly row: SqlPieces;
  /** ON CONFLICT / RETURNING. */
  readonly tail: SqlPieces;
  readonly columns: readonly InsertColumnPlan[];
}

export type StatementKind = "select" | "insert" | "update" | "delete" | "text";

/** A compiled statement. */
export interface CompiledStatement {
  readonly kind: StatementKind;
  /** Final SQL (absent for batched inserts, which are assembled per batch). */
  readonly sql: string;
  readonly slots: readonly ParamSlot[];
  /** Result columns for statements that return rows; undefined for raw SQL (columns come from the driver). */
  readonly resultColumns: readonly ResultColumn[] | undefined;
  readonly returnsRows: boolean;
  /** The statement selects mapped entities (`select(User)`), so only a Session can run it. */
  readonly entities: boolean;
  /** Present for INSERT … VALUES statements with plain values. */
  readonly insert?: InsertBatchPlan | undefined;
  /** Columns of a row-by-row INSERT (cell slots refer to them). */
  readonly insertColumns?: readonly InsertColumnPlan[] | undefined;
}
