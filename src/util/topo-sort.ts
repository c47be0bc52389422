/** Dependency ordering used by DDL (table creation order) and, later, the unit of work. Leaf module. */

/** The result of {@link topoSort}: nodes in dependency order, plus the edges that had to be cut. */
export interface TopoSortResult<T> {
  /** Every node, each after all the nodes it depends on (except through cut edges). */
  readonly order: T[];
  /** Edges `[from, to]` (from depends on to) removed to break cycles. Empty when the graph is acyclic. */
  readonly cutEdges: Array<[T, T]>;
}

/**
 * Orders `nodes` so that every node comes after its dependencies. `deps(n)` lists what n depends on;
 * self-dependencies are ignored. When cycles exist, the edges closing them are cut and reported, so
 * callers can handle them separately (DDL adds those foreign keys with ALTER TABLE afterwards).
 * Ties keep the input order, which makes the output deterministic.
 */
export function topoSort<T>(nodes: readonly T[], deps: (node: T) => Iterable<T>): TopoSortResult<T> {
  const index = new Map<T, number>();
  nodes.forEach((n, i) => index.set(n, i));
  const state = new Uint8Array(nodes.length); // 0 new, 1 on stack, 2 done
  const order: T[] = [];
  const cutEdges: Array<[T, T]> = [];

  const visit = (start: number): void => {
    // Iterative DFS so very deep dependency chains cannot overflow the call stack.
    const stack: Array<{ node: number; it: Iterator<T> }> = [];
    state[start] = 1;
    stack.push({ node: start, it: deps(nodes[start] as T)[Symbol.iterator]() });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = top.it.next();
      if (next.done) {
        state[top.node] = 2;
        order.push(nodes[top.node] as T);
        stack.pop();
        continue;
      }
      const dep = index.get(next.value);
      if (dep === undefined || dep === top.node) continue;
      if (state[dep] === 1) {
        cutEdges.push([nodes[top.node] as T, next.value]);
      } else if (state[dep] === 0) {
        state[dep] = 1;
        stack.push({ node: dep, it: deps(next.value)[Symbol.iterator]() });
      }
    }
  };

  for (let i = 0; i < nodes.length; i++) if (state[i] === 0) visit(i);
  return { order, cutEdges };
}
