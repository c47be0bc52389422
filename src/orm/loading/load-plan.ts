/**
 * The load plan: loader options folded into a tree (relationship → strategy and the plan below it),
 * and the strategy each relationship ends up with (the option's, else the relationship's `lazy`).
 * Called by the eager loader and the Session; knows no SQL.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { Mapper, RelationshipProperty } from "../mapping/mapper.js";
import { LoaderOption, type LinkStrategy } from "./loader-options.js";

/** What to do with one relationship, and with the relationships of the objects it loads. */
export interface PlanNode {
  strategy: LinkStrategy;
  innerJoin: boolean;
  readonly children: Plan;
}

/** Per relationship of the loaded model: the options given for it. */
export type Plan = Map<RelationshipProperty, PlanNode>;

/** The plan of a statement's options for objects of `mapper` (the statement's first entity). */
export function planOf(options: readonly unknown[] | undefined, mapper: Mapper): Plan {
  const plan: Plan = new Map();
  if (!options) return plan;
  for (const opt of options) {
    if (!(opt instanceof LoaderOption))
      throw new ArgumentError(`options() takes loader options such as selectinload(${mapper.name}.…), got ${describeValue(opt)}`);
    const first = opt.path[0]!.rel;
    if (!mapper.isA(first.parent) && !first.parent.isA(mapper))
      throw new ArgumentError(
        `${opt} does not apply to a query of ${mapper.name}: ${first.parent.name}.${first.key} is a relationship of ${first.parent.name}; start the option from a relationship of ${mapper.name}`,
      );
    let level = plan;
    for (const link of opt.path) {
      let node = level.get(link.rel);
      if (!node) {
        node = { strategy: "default", innerJoin: false, children: new Map() };
        level.set(link.rel, node);
      }
      if (link.strategy !== "default") {
        node.strategy = link.strategy;
        node.innerJoin = link.innerJoin;
      }
      level = node.children;
    }
  }
  return plan;
}

/** The strategy a relationship loads with under `plan` (its option's, else its own `lazy`). */
export function strategyOf(rel: RelationshipProperty, plan: Plan | undefined): LinkStrategy | "writeOnly" {
  const s = plan?.get(rel)?.strategy;
  return s === undefined || s === "default" ? rel.lazy : s;
}

const EMPTY: Plan = new Map();

/** The plan for the objects `rel` loads. */
export function childPlan(rel: RelationshipProperty, plan: Plan | undefined): Plan {
  return plan?.get(rel)?.children ?? EMPTY;
}

/** Whether loading objects of `mapper` under `plan` does anything beyond making the instances. */
export function hasWork(mapper: Mapper, plan: Plan): boolean {
  if (plan.size > 0) return true;
  for (const rel of mapper.relationships) if (rel.lazy !== "raise" && rel.lazy !== "writeOnly") return true;
  for (const sub of mapper.subMappers) if (hasWork(sub, plan)) return true;
  return false;
}
