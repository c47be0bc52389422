/**
 * Runs entity queries with their load plan: joined relationships come from the same rows, then the
 * other strategies (selectin, subquery, noload) run per relationship over the loaded objects, level
 * by level. Called by the Session (queries, get, load) and by the strategies for their own queries.
 */
import type { Connection, Params } from "../../engine/connection.js";
import type { SelectNode } from "../../sql/nodes/from-nodes.js";
import { Select } from "../../sql/statements/select.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { SpanLoader, type LoadTarget } from "./instance-loader.js";
import { childPlan, hasWork, strategyOf, type Plan } from "./load-plan.js";
import { JoinedCollector, joinable, prepareJoined } from "./joined-loader.js";
import { selectinLoad } from "./selectin-loader.js";
import { subqueryLoad } from "./subquery-loader.js";
import { storeLoaded } from "./relationship-keys.js";
import { mapperOfInstance } from "../session/instance-state.js";
import type { LoadContext } from "./load-context.js";

/** The context loads of a session run in (its connection and identity map). */
export function loadContext(
  conn: Connection,
  target: LoadTarget,
  completeSubclasses?: (mapper: Mapper, objs: ReadonlyArray<object | null>) => Promise<void>,
): LoadContext {
  const ctx: LoadContext = {
    conn,
    target,
    completeSubclasses,
    related: (mapper, objs, plan) => (hasWork(mapper, plan) ? loadRelated(ctx, mapper, objs, plan, undefined, false) : Promise.resolve()),
    query: async (node, mapper, plan, onRow) => {
      await runEntityQuery(ctx, node, mapper, 0, mapper.selectItems().length, plan, undefined, onRow);
    },
  };
  return ctx;
}

/**
 * Runs `node`, whose items from `start` (`count` of them) load `mapper`, applying `plan`: joined
 * relationships in the statement itself, the others after it. `onRow` sees each raw row with its
 * object (loaders read their key columns there), and whether a joined collection repeated the object.
 */
export async function runEntityQuery(
  ctx: LoadContext,
  node: SelectNode,
  mapper: Mapper,
  start: number,
  count: number,
  plan: Plan,
  params?: Params,
  onRow?: (obj: object | null, row: unknown[], repeat: boolean) => void,
): Promise<Array<object | null>> {
  const joined = start === 0 ? prepareJoined(node, mapper, plan) : undefined;
  const loader = new SpanLoader(ctx.target, mapper, start, count);
  const objs: Array<object | null> = [];
  // A loader's query (the ones with onRow: a batch of parents' rows) is fetched whole, which
  // is cheaper per row; the application's own queries stream, however large.
  const buffered = onRow !== undefined;
  if (!joined) {
    await ctx.conn._executeArrays(
      new Select(node),
      params,
      (row) => {
        const obj = loader.load(row);
        objs.push(obj);
        if (onRow) onRow(obj, row, false);
      },
      buffered,
    );
    if (!hasWork(mapper, plan)) return objs;
    if (mapper.subMappers.length > 0) await ctx.completeSubclasses?.(mapper, objs);
    await loadRelated(ctx, mapper, objs, plan, node, false);
    return objs;
  }
  const collector = new JoinedCollector(ctx.target, joined.steps);
  const seen = collector.multipliesRows ? new Set<object>() : undefined;
  await ctx.conn._executeArrays(
    new Select(joined.node),
    params,
    (row) => {
      const obj = loader.load(row);
      collector.add(obj, row);
      let repeat = false;
      if (seen && obj) {
        repeat = seen.has(obj);
        if (!repeat) seen.add(obj);
      }
      if (!repeat) objs.push(obj);
      // Repeated rows still reach onRow: a many-to-many load's rows differ by the parent key they carry.
      if (onRow) onRow(obj, row, repeat);
    },
    buffered,
  );
  const filled = collector.finish();
  if (mapper.subMappers.length > 0) await ctx.completeSubclasses?.(mapper, objs);
  await loadRelated(ctx, mapper, objs, plan, node, true);
  for (const f of filled)
    if (f.objs.length && hasWork(f.rel.target, f.plan)) await loadRelated(ctx, f.rel.target, f.objs, f.plan, undefined, true);
  return objs;
}

/** The relationships of `mapper` and those its subclasses add (objects of a polymorphic query may be of any). */
function relationshipsBelow(mapper: Mapper): readonly RelationshipProperty[] {
  if (mapper.subMappers.length === 0) return mapper.relationships;
  const out = new Set(mapper.relationships);
  const visit = (m: Mapper): void => {
    for (const r of m.relationships) out.add(r);
    m.subMappers.forEach(visit);
  };
  mapper.subMappers.forEach(visit);
  return [...out];
}

/**
 * Loads the non-joined relationships of `objs` (all of `mapper`) as `plan` says. `source` is the
 * statement that loaded them (the subquery strategy re-runs it); relationships already loaded on an
 * object are left as they are. `joinedDone`: the joinable "joined" relationships were filled from the
 * rows already (otherwise they load like selectin). `only`: load just that relationship.
 */
export async function loadRelated(
  ctx: LoadContext,
  mapper: Mapper,
  objs: ReadonlyArray<object | null>,
  plan: Plan,
  source: SelectNode | undefined,
  joinedDone: boolean,
  only?: RelationshipProperty,
): Promise<void> {
  let all: object[] | undefined;
  for (const rel of only ? [only] : relationshipsBelow(mapper)) {
    const strategy = strategyOf(rel, plan);
    if (strategy === "raise" || strategy === "writeOnly" || strategy === "containsEager" || strategy === "default") continue;
    if (strategy === "joined" && joinedDone && joinable(rel) && mapper.relationships.includes(rel)) continue;
    all ??= objs.filter((o): o is object => o !== null);
    if (all.length === 0) return;
    // A subclass's own relationship loads for the objects of that subclass.
    const parents = rel.parent === mapper || mapper.isA(rel.parent) ? all : all.filter((o) => mapperOfInstance(o).isA(rel.parent));
    if (parents.length === 0) continue;
    if (strategy === "noload") {
      for (const p of parents) storeLoaded(p, rel, rel.uselist ? [] : null);
      continue;
    }
    const sub = childPlan(rel, plan);
    if (strategy === "subquery" && source) await subqueryLoad(ctx, rel, parents, sub, source);
    else await selectinLoad(ctx, rel, parents, sub);
  }
}
