/**
 * athanor: the public API of the Core (schema, types, expressions, statements, engine).
 * Importing it registers the built-in dialects; their drivers load only when a connection opens.
 */
import "./dialects/sqlite/index.js";
import "./dialects/postgres/index.js";
import "./dialects/mysql/index.js";

export {
  AthanorError,
  ArgumentError,
  SchemaError,
  CompileError,
  ConfigurationError,
  NoResultError,
  MultipleResultsError,
  StateError,
  DataError,
  PoolTimeoutError,
  DatabaseError,
  IntegrityError,
  ConnectionError,
  ConnectionLostError,
  MappingError,
  StaleDataError,
  PendingRollbackError,
  ObjectStateError,
  type IntegrityViolation,
} from "./util/errors.js";

export * from "./sql/types/index.js";

export { Expression, literal, bindParam, TRUE, FALSE, NULL, type Operand } from "./sql/elements/expression.js";
export { and, or, not, exists, type Condition } from "./sql/elements/conjunctions.js";
export { func, distinct, FunctionExpression, type OverOptions, type FuncNamespace } from "./sql/elements/functions.js";
export { caseWhen, CaseExpression } from "./sql/elements/case-expression.js";
export { sql, SqlFragment } from "./sql/elements/sql-template.js";

export { MetaData, type MetaDataOptions, type SchemaOperationOptions, type SchemaRunner } from "./sql/schema/metadata.js";
export { Table, TableAlias, type TableOptions, type TableItem, type BoundColumns, type ColumnsRecord } from "./sql/schema/table.js";
export { column, Column, ColumnDef, type ColumnOptions, type ReferentialAction, type IdentityOptions } from "./sql/schema/column.js";
export { foreignKey, ForeignKeyConstraint, type ForeignKeyOptions, type ForeignKeyTarget } from "./sql/schema/foreign-key.js";
export {
  primaryKey,
  unique,
  check,
  index,
  PrimaryKeyConstraint,
  UniqueConstraint,
  CheckConstraint,
  Index,
  type IndexOptions,
} from "./sql/schema/constraints.js";
export {
  defaultNamingConvention,
  fallbackNamingConvention,
  conv,
  FinalName,
  truncateName,
  type NamingConvention,
} from "./sql/schema/naming-convention.js";

export { select, Select, CompoundSelect, type LockOptions } from "./sql/statements/select.js";
export { Subquery, Cte, type CteOptions } from "./sql/statements/derived-from.js";
export { insert, update, deleteFrom, Insert, Update, Delete, type InsertRow, type UpdateValues } from "./sql/statements/dml.js";
export type { RowOf, SelectArg } from "./sql/statements/select-items.js";
export type { Executable } from "./sql/statements/executable.js";
export type { Capabilities } from "./sql/compiler/capabilities.js";

export { createEngine, Engine, type EngineOptions } from "./engine/engine.js";
export { Connection, type Params, type StreamOptions } from "./engine/connection.js";
export { Transaction } from "./engine/transaction.js";
export { Result } from "./engine/result.js";
export type { QueryLogEntry, EngineEventMap, EngineEventName } from "./engine/events.js";
export type { PoolOptions } from "./engine/pool.js";

export * from "./orm/index.js";
