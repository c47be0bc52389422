/**
 * The ORM's public API: declarative models, relationships, hybrids, the Session. Re-exported by the
 * package root.
 */
export {
  declarativeBase,
  DeclarativeBase,
  mapped,
  type DeclarativeBaseOptions,
  type ModelOptions,
  type ModelBase,
} from "./mapping/declarative-base.js";
export { relationship, RelationshipDef, type LoadStrategy, type RelationshipOptions } from "./mapping/relationship-def.js";
export { RelationshipAttribute } from "./mapping/relationship-attribute.js";
export { h, type Dual } from "./mapping/hybrid.js";
export { snakeCase, type ColumnNaming } from "./mapping/naming.js";
export { InstrumentedList } from "./mapping/instrumentation.js";
export type { InitArgs, InstanceAttrs, ClassColumns, ModelInstance } from "./mapping/model-types.js";
export type { MapperEvent, MapperListener, MapperEventContext } from "./mapping/mapper.js";
export {
  Session,
  type SessionOptions,
  type SessionEvent,
  type SessionEventMap,
  type FlushEventInfo,
  type GetOptions,
  type ModelType,
} from "./session/session.js";
export { SessionTransaction } from "./session/session-transaction.js";
export type { ObjectStatus } from "./session/instance-state.js";
export { timestamps, softDelete } from "./mapping/mixins.js";
export type { SubclassOptions, SubclassBase, AbstractBase, AbstractOptions, AbstractModelBase } from "./mapping/inheritance.js";
export { listen, type ModelEvent } from "./mapping/events.js";
export { inspect, type ModelInfo, type InstanceInfo } from "./inspect.js";
export { Query } from "./query/query.js";
export {
  selectinload,
  joinedload,
  subqueryload,
  noload,
  raiseload,
  defaultload,
  containsEager,
  LoaderOption,
  type JoinedLoadOptions,
} from "./loading/loader-options.js";
export { trackStatements, type StatementTracker } from "./loading/statement-tracker.js";
export { WriteOnlyCollection } from "./loading/write-only-collection.js";
