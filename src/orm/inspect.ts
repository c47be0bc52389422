/**
 * `inspect()`: read-only views of a mapped class (its table, attributes, relationships, hierarchy)
 * and of an instance (lifecycle status, identity, changed and unloaded attributes).
 */
import { ArgumentError, describeValue } from "../util/errors.js";
import type { Table } from "../sql/schema/table.js";
import { MAPPER, sameValue } from "./mapping/instrumentation.js";
import type { Mapper } from "./mapping/mapper.js";
import { NO_VALUE, stateOf, type ObjectStatus } from "./session/instance-state.js";
import type { Session } from "./session/session.js";

/** What `inspect(Model)` tells. */
export interface ModelInfo {
  readonly name: string;
  /** The table holding the class's own columns (the base's, for single-table subclasses). */
  readonly table: Table;
  /** Every table a row spans (joined inheritance: base first). */
  readonly tables: readonly Table[];
  readonly columns: readonly string[];
  readonly primaryKey: readonly string[];
  readonly relationships: ReadonlyArray<{
    key: string;
    target: string;
    direction: "manyToOne" | "oneToMany" | "manyToMany";
    uselist: boolean;
  }>;
  readonly polymorphicIdentity: string | undefined;
  readonly subclasses: readonly string[];
  readonly versionColumn: string | undefined;
}

/** What `inspect(obj)` tells. */
export interface InstanceInfo {
  readonly status: ObjectStatus;
  readonly session: Session | undefined;
  /** Primary key values once known. */
  readonly identity: readonly unknown[] | undefined;
  /** Attributes changed since load or the last flush. */
  readonly modified: readonly string[];
  /** Attributes that are expired or were never loaded. */
  readonly unloaded: readonly string[];
  readonly model: ModelInfo;
}

function modelInfo(m: Mapper): ModelInfo {
  m.registry.configure();
  return {
    name: m.name,
    table: m.table,
    tables: m.tables,
    columns: m.columns.map((c) => c.key),
    primaryKey: m.pk.map((p) => p.key),
    relationships: m.relationships.map((r) => ({ key: r.key, target: r.target.name, direction: r.direction, uselist: r.uselist })),
    polymorphicIdentity: m.inheritance.identity,
    subclasses: m.subMappers.map((s) => s.name),
    versionColumn: m.version?.key,
  };
}

export function inspect(target: abstract new (...args: any) => any): ModelInfo;
export function inspect(target: object): InstanceInfo;
export function inspect(target: unknown): ModelInfo | InstanceInfo {
  if (typeof target === "function") {
    const m = (target as { [MAPPER]?: Mapper })[MAPPER];
    if (!m || m.cls !== target)
      throw new ArgumentError(`inspect() takes a mapped class or one of its instances, got ${describeValue(target)}`);
    return modelInfo(m);
  }
  const s = stateOf(target);
  if (!s) throw new ArgumentError(`inspect() takes a mapped class or one of its instances, got ${describeValue(target)}`);
  const cols = [...s.mapper.columns, ...s.mapper.expressions];
  const modified = s.mapper.columns
    .filter((p) => s.committed?.has(p.index) && !sameValue(s.committed.get(p.index), s.get(p.index)))
    .map((p) => p.key);
  return {
    status: s.status,
    session: s.status === "transient" ? undefined : s.session,
    identity: s.mapper.hasIdentityOf(s.obj) ? s.mapper.pk.map((p) => s.get(p.index)) : undefined,
    modified,
    unloaded: cols.filter((p) => s.get(p.index) === NO_VALUE).map((p) => p.key),
    model: modelInfo(s.mapper),
  };
}
