/** The contract between statement builders and the engine: a statement node plus phantom row types. */
import type { StatementNode } from "../nodes/from-nodes.js";

/** Anything `conn.execute()` accepts. `R` is the row type, `S` the type of the first column. */
export interface Executable<R = unknown, S = unknown> {
  readonly node: StatementNode;
  /** Phantom: the row type. */
  readonly __row: R;
  /** Phantom: the first column's type (what `scalar()` returns). */
  readonly __scalar: S;
}

/** Per-statement memo slots used by the engine (cache key, compiled form). Mutable by design. */
export interface StatementMemo {
  /** @internal */
  _memo?: unknown;
}
