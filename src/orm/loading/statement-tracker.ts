/**
 * Counting the statements a block of code runs, so N+1 loading is visible in tests and in apps:
 * `const t = trackStatements(session); …; expect(t.count).toBe(2); t.stop()`. Built on the engine's
 * `afterExecute` event; transaction control (BEGIN, COMMIT, SAVEPOINT, …) is not counted.
 */
import { ArgumentError, describeValue } from "../../util/errors.js";
import type { Engine } from "../../engine/engine.js";

const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION)\b/i;

/** What {@link trackStatements} returns. */
export interface StatementTracker {
  /** Statements run since tracking began (or the last reset). */
  readonly count: number;
  /** Their SQL, in order. */
  readonly statements: string[];
  /** Starts counting from zero again. */
  reset(): void;
  /** Stops tracking (the numbers stay readable). */
  stop(): void;
}

/**
 * Tracks the statements run through an engine, or through a session's engine, until `stop()`.
 * @example
 * const tracker = trackStatements(session);
 * await session.scalars(select(User).options(selectinload(User.posts)));
 * tracker.stop();
 * console.log(tracker.count); // 2
 */
export function trackStatements(source: Engine | { readonly engine: Engine }): StatementTracker {
  const engine = (source as { engine?: Engine }).engine ?? (source as Engine);
  if (typeof (engine as Partial<Engine>)?.on !== "function")
    throw new ArgumentError(`trackStatements() takes an engine or a session, got ${describeValue(source)}`);
  const statements: string[] = [];
  const off = engine.on("afterExecute", (e) => {
    if (!CONTROL.test(e.sql)) statements.push(e.sql);
  });
  return {
    get count() {
      return statements.length;
    },
    get statements() {
      return [...statements];
    },
    reset: () => void (statements.length = 0),
    stop: off,
  };
}
