/**
 * What relationship loaders run in: the session's connection and identity map, and the entity query
 * runner (passed in, so the strategies and the runner that calls them do not import each other).
 */
import type { Connection } from "../../engine/connection.js";
import type { SelectNode } from "../../sql/nodes/from-nodes.js";
import type { Mapper } from "../mapping/mapper.js";
import type { LoadTarget } from "./instance-loader.js";
import type { Plan } from "./load-plan.js";

export interface LoadContext {
  readonly conn: Connection;
  readonly target: LoadTarget;
  /**
   * Runs a SELECT whose first items load `mapper`, applying `plan` to the objects; `onRow` sees each
   * row with its object (the strategies read their key columns there), and whether the object came
   * in an earlier row already (a joined collection below it multiplies its rows).
   */
  query(node: SelectNode, mapper: Mapper, plan: Plan, onRow: (obj: object | null, row: unknown[], repeat: boolean) => void): Promise<void>;
  /** Applies `plan` to objects that were not loaded by a query (many-to-one targets found in the identity map). */
  related(mapper: Mapper, objs: readonly object[], plan: Plan): Promise<void>;
  /** Loads the subclass columns of objects a base-class query returned (their keys may be there), before their relationships load. */
  completeSubclasses?(mapper: Mapper, objs: ReadonlyArray<object | null>): Promise<void>;
}
