/**
 * Statements a Session runs that involve mapped classes: results of entity selects (and
 * `returning(User)`) turned into instances, ORM bulk INSERT/UPDATE with a list of rows, and
 * UPDATE/DELETE by criteria kept in step with the objects already loaded. Called by session.ts.
 */
import { ArgumentError } from "../../util/errors.js";
import { Result } from "../../engine/result.js";
import { statementNode, type Connection, type Params, type Statement } from "../../engine/connection.js";
import type { InsertNode, SelectItemNode, StatementNode } from "../../sql/nodes/from-nodes.js";
import type { EntityRange } from "../../sql/statements/entity.js";
import type { Insert } from "../../sql/statements/dml.js";
import type { Table } from "../../sql/schema/table.js";
import { mapperForTable, type Mapper } from "../mapping/mapper.js";
import { overwrite, type LoadTarget } from "../loading/instance-loader.js";
import { rowObjectCollector, spansOf } from "../loading/rows.js";
import { fetchByKeys, groupByMapper } from "../loading/reload.js";
import { hasWork, planOf } from "../loading/load-plan.js";
import { loadContext, loadRelated } from "../loading/eager-loader.js";
import { bulkUpdateByKey, keysMatching } from "../persistence/bulk.js";
import type { IdentityMap } from "./identity-map.js";
import { stateOf, statusOf, type InstanceState } from "./instance-state.js";
import type { Frame } from "./session-transaction.js";

/** What these statements need from the session. */
export interface StatementHost extends LoadTarget {
  readonly identity: IdentityMap;
  /** The innermost open transaction frame (the statement runs inside it). */
  frame(): Frame;
  /** Loads subclass columns of objects a base-class query returned as subclass instances. */
  completeSubclasses(mapper: Mapper, objs: Iterable<object | null>): Promise<void>;
  /** Runs the `load` listeners of objects loaded since the last call. */
  fireLoad(): void;
  /** Forgets that an object has unflushed changes. */
  clean(state: InstanceState): void;
}

function firstSelect(node: StatementNode): StatementNode {
  let first = node;
  while (first.kind === "Compound") first = first.selects[0] as StatementNode;
  return first;
}

/** The spans of a statement's result that load mapped classes. */
export function entityRanges(node: StatementNode): readonly EntityRange[] {
  switch (node.kind) {
    case "Select":
      return node.entities;
    case "Compound": {
      const first = firstSelect(node);
      return first.kind === "Select" ? first.entities : [];
    }
    case "Insert":
    case "Update":
    case "Delete":
      return node.returningEntities;
    default:
      return [];
  }
}

/** The items of a statement's result (select list or RETURNING). */
export function itemsOf(node: StatementNode): readonly SelectItemNode[] {
  switch (node.kind) {
    case "Select":
      return node.items;
    case "Compound": {
      const first = firstSelect(node);
      return first.kind === "Select" ? first.items : [];
    }
    case "Insert":
    case "Update":
    case "Delete":
      return node.returning ?? [];
    default:
      return [];
  }
}

/** The mapper of a DML statement's target table, if it is mapped. */
export function dmlMapper(node: StatementNode): Mapper | undefined {
  if (node.kind !== "Insert" && node.kind !== "Update" && node.kind !== "Delete") return undefined;
  return node.table.kind === "Table" ? mapperForTable(node.table as Table) : undefined;
}

/** Runs an entity statement; its result's entity spans are instances from the identity map. */
export async function entityResult(
  host: StatementHost,
  conn: Connection,
  stmt: Statement,
  params: Params | undefined,
  ranges: readonly EntityRange[],
  items: readonly SelectItemNode[],
): Promise<Result<Record<string, unknown>, unknown>> {
  const spans = spansOf(ranges);
  const collector = rowObjectCollector(host, spans, items);
  const res = await conn._executeArrays(stmt, params, collector.onRow);
  const rows = collector.rows;
  for (const span of spans)
    await host.completeSubclasses(
      span.mapper,
      rows.map((r) => r[span.key] as object | null),
    );
  const node = statementNode(stmt);
  if (node.kind === "Select" && spans.length > 0) {
    // Loader options apply to the first entity; relationships' default strategies to every one.
    // Rows stay one per database row here, so joined strategies load by select-IN instead.
    for (const [i, span] of spans.entries()) {
      const plan = planOf(i === 0 ? node.loaderOptions : undefined, span.mapper);
      if (!hasWork(span.mapper, plan)) continue;
      const objs = [...new Set(rows.map((r) => r[span.key] as object | null))];
      await loadRelated(
        loadContext(conn, host, (m, o) => host.completeSubclasses(m, o)),
        span.mapper,
        objs,
        plan,
        undefined,
        false,
      );
    }
  }
  host.fireLoad();
  return new Result(rows, collector.keys, res.rowCount, res.lastInsertId, res.sql);
}

/** `session.execute(insert(User) | update(User), rows)`: bulk statements on a mapped class. */
export async function runBulk(
  host: StatementHost,
  conn: Connection,
  stmt: Statement,
  node: StatementNode,
  rows: readonly Record<string, unknown>[],
): Promise<Result<Record<string, unknown>, unknown>> {
  const mapper = dmlMapper(node);
  if (!mapper || (node.kind !== "Insert" && node.kind !== "Update"))
    throw new ArgumentError(
      "a list of rows as the second argument makes a bulk INSERT or UPDATE of a mapped class (session.execute(insert(User), rows)); other statements take named parameters as an object",
    );
  if (rows.length === 0) throw new ArgumentError(`bulk ${node.kind.toLowerCase()} of ${mapper.name}: the list of rows is empty`);
  if (node.kind === "Insert") {
    if ((node as InsertNode).rows || (node as InsertNode).fromSelect)
      throw new ArgumentError(`bulk insert of ${mapper.name}: give the rows either to values() or as the list, not both`);
    const full = (stmt as Insert<never>).values(rows as never);
    if (node.returningEntities.length === 0) return (await conn.execute(full)) as Result<Record<string, unknown>, unknown>;
    const result = await entityResult(host, conn, full, undefined, node.returningEntities, node.returning ?? []);
    // Rows this transaction created: a rollback makes their objects transient again.
    for (const range of node.returningEntities)
      for (const row of result.rows) {
        const s = stateOf(row[range.key]);
        if (s) host.frame().inserted.push(s);
      }
    return result;
  }
  if (node.where || node.set.length > 0 || node.returning)
    throw new ArgumentError(
      `bulk update of ${mapper.name} by primary key takes the plain statement update(${mapper.name}) and a list of rows; put values and keys in the rows`,
    );
  const { rowCount, updated } = await bulkUpdateByKey(conn, mapper, rows);
  for (const u of updated) {
    const obj = host.identity.get(mapper, u.key);
    if (!obj) continue;
    const s = stateOf(obj)!;
    host.frame().touched.add(s);
    for (const [i, v] of u.values) {
      s.set(i, v);
      s.committed?.delete(i);
    }
    if (s.committed?.size === 0) s.committed = undefined;
  }
  return new Result([], [], rowCount, undefined, "");
}

/**
 * UPDATE/DELETE by criteria on a mapped class whose objects the session holds: the keys of the rows
 * it will touch are read first (with extra FROM tables, every loaded object is a candidate), then
 * updated objects reload the assigned columns and deleted ones leave the session.
 */
export async function runSynchronized(
  host: StatementHost,
  conn: Connection,
  stmt: Statement,
  node: Extract<StatementNode, { kind: "Update" | "Delete" }>,
  mapper: Mapper,
  params: Params | undefined,
): Promise<Result<Record<string, unknown>, unknown>> {
  const joined = node.kind === "Update" ? node.from.length > 0 : node.using.length > 0;
  const map = host.identity.of(mapper.root);
  const keys = joined || params ? [...map.keys()] : await keysMatching(conn, mapper, node.where);
  const ranges = entityRanges(node);
  const res =
    ranges.length > 0
      ? await entityResult(host, conn, stmt, params, ranges, itemsOf(node))
      : ((await conn.execute(stmt, params)) as Result<Record<string, unknown>, unknown>);
  const hit = keys.map((k) => map.get(k)).filter((o): o is object => o !== undefined && statusOf(o) === "persistent");
  if (hit.length === 0) return res;
  const frame = host.frame();
  if (node.kind === "Delete") {
    const gone = new Set(hit);
    if (joined || params) for (const [m, group] of groupByMapper(hit)) await fetchByKeys(conn, m, group, (o) => gone.delete(o));
    for (const o of gone) {
      const s = stateOf(o)!;
      host.identity.remove(s);
      host.clean(s);
      s.status = "deleted";
      frame.deleted.add(s);
    }
    return res;
  }
  for (const o of hit) frame.touched.add(stateOf(o)!);
  const assigned = new Set(node.set.map(([col]) => col));
  for (const [m, group] of groupByMapper(hit)) {
    const only = new Set(m.columns.filter((p) => assigned.has(p.column) || p.alsoColumns.some((c) => assigned.has(c))).map((p) => p.index));
    for (const e of m.expressions) only.add(e.index);
    await fetchByKeys(conn, m, group, (o, values) => overwrite(o, values, only));
  }
  return res;
}
