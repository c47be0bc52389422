/**
 * How the ORM benchmarks time work (bench/orm.ts, bench/relationships.ts): warm-up, then rounds
 * alternating the sides, medians.
 */

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
export const fmt = (n: number, d = 1) => n.toFixed(d);
export const en = (n: number) => n.toLocaleString("en");

/**
 * BENCH_GC=1 forces a full collection before each timed round (node --expose-gc). Off by default: a
 * forced collection shrinks the young generation, and the allocation-heavy side (the ORM) then pays
 * for many more scavenges in the round that follows than it would in a running program (measured:
 * +20 ms on the 10,000-object SQLite flush). Without it both sides run in a steady-state heap;
 * garbage left by the previous round costs the next one little, since scavenges copy only survivors.
 */
export const gc = (process.env.BENCH_GC === "1" && (globalThis as { gc?: () => void }).gc) || (() => undefined);

export async function time(fn: () => Promise<void>): Promise<number> {
  gc();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface Side {
  /** Untimed preparation before each round. */
  setup?: () => Promise<void>;
  run: () => Promise<void>;
  /** Untimed cleanup after each round. */
  teardown?: () => Promise<void>;
}

/** Rounds continue past ROUNDS until every side has this much timed work (or MAX_ROUNDS). */
export const MIN_SIDE_MS = Number(process.env.BENCH_MIN_MS ?? 1000);
export const MAX_ROUNDS = Math.max(ROUNDS, 61);

/**
 * Warms every side up, then alternates timed rounds; medians per side. Tasks of a few milliseconds
 * (SQLite) get more rounds than ROUNDS, so that one scavenge or one disk sync in a round moves the
 * median less.
 */
export async function measure(sides: Record<string, Side>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  const spent = (name: string) => (times[name] ?? []).reduce((a, b) => a + b, 0);
  for (let r = -1; r < MAX_ROUNDS; r++) {
    if (r >= ROUNDS && Object.keys(sides).every((name) => spent(name) >= MIN_SIDE_MS)) break;
    for (const [name, side] of Object.entries(sides)) {
      await side.setup?.();
      const t = await time(side.run);
      await side.teardown?.();
      if (r >= 0) (times[name] ??= []).push(t);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}
