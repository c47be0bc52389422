/**
 * Decides which dialects the suite runs against. SQLite always; PostgreSQL and MySQL/MariaDB when
 * their servers answer. A missing server is announced loudly; under CI=true it fails the run.
 */
import type { TestProject } from "vitest/node";
import { MYSQL_URL, PG_URL, dropStaleDatabases, probe, type DialectTarget } from "./servers.js";

declare module "vitest" {
  export interface ProvidedContext {
    dialectTargets: DialectTarget[];
  }
}

export default async function setup(project: TestProject): Promise<void> {
  // ATHANOR_DIALECTS=sqlite,postgresql narrows a local run; CI never sets it.
  const only = process.env.ATHANOR_DIALECTS?.split(",").map((s) => s.trim());
  if (only && process.env.CI === "true") throw new Error("ATHANOR_DIALECTS must not be set under CI=true: CI tests every dialect");
  const wanted = (n: string): boolean => !only || only.includes(n);
  const servers = (await Promise.all([probe("postgresql", PG_URL), probe("mysql", MYSQL_URL)])).filter((s) => wanted(s.name));
  const targets: DialectTarget[] = [{ name: "sqlite", url: "sqlite", available: true }, ...servers];
  const missing = servers.filter((s) => !s.available);
  if (missing.length > 0) {
    const lines = missing.map((m) => `  SKIPPED: ${m.name} — server unreachable at ${m.url.replace(/:[^:@/]*@/, ":***@")} (${m.reason})`);
    const banner = [
      "",
      "=".repeat(78),
      "  athanor test suite: some dialects will NOT be tested",
      ...lines,
      "  Start the server or set ATHANOR_PG_URL / ATHANOR_MYSQL_URL.",
      "=".repeat(78),
      "",
    ].join("\n");
    if (process.env.CI === "true") throw new Error(`CI requires every dialect:\n${banner}`);
    console.warn(banner);
  }
  for (const s of servers) if (s.available) await dropStaleDatabases(s);
  project.provide("dialectTargets", targets);
}
