/**
 * The layering rules of docs/architecture.md, checked on the source: imports only point down
 * (util ← sql ← engine ← dialects; cli on top, imported by nothing), no layer names a concrete dialect,
 * and runtime imports form no cycles.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

interface Edge {
  to: string;
  typeOnly: boolean;
}

function imports(file: string): Edge[] {
  const text = readFileSync(file, "utf8");
  const out: Edge[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"|import\("(\.[^"]+)"\)/gm;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4]!;
    const typeOnly = Boolean(m[2]) || m[4] !== undefined;
    out.push({ to: resolve(dirname(file), spec.replace(/\.js$/, ".ts")), typeOnly });
  }
  return out;
}

/** util, sql, engine, orm, migrate, dialect:<name>, or root (src/index.ts). */
function layer(file: string): string {
  const rel = relative(SRC, file).split("/");
  if (rel[0] === "dialects") return `dialect:${rel[1]}`;
  return rel.length === 1 ? "root" : rel[0]!;
}

const ALLOWED: Record<string, (to: string) => boolean> = {
  util: (to) => to === "util",
  sql: (to) => to === "util" || to === "sql",
  engine: (to) => to === "util" || to === "sql" || to === "engine",
  orm: (to) => to === "util" || to === "sql" || to === "engine" || to === "orm",
  // Migrations read schema objects and introspection, never the ORM (as Alembic reads MetaData).
  migrate: (to) => to === "util" || to === "sql" || to === "engine" || to === "migrate",
  // The command line sits on top of everything; nothing imports it (checked below, root included).
  cli: () => true,
};

describe("architecture", () => {
  const all = files(SRC);

  it("imports only point down the layers", () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = layer(f);
      for (const e of imports(f)) {
        const to = layer(e.to);
        const ok =
          (from === "root" && to !== "cli") ||
          (from.startsWith("dialect:") ? ["util", "sql", "engine", from].includes(to) : ALLOWED[from]!(to));
        if (!ok) bad.push(`${relative(SRC, f)} → ${relative(SRC, e.to)} (${from} may not import ${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("runtime imports have no cycles", () => {
    const graph = new Map<string, string[]>(
      all.map((f) => [
        f,
        imports(f)
          .filter((e) => !e.typeOnly)
          .map((e) => e.to),
      ]),
    );
    const state = new Map<string, number>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      state.set(f, 1);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 1)
          cycles.push(
            [...path, f, t]
              .slice(path.indexOf(t) >= 0 ? path.indexOf(t) : 0)
              .map((p) => relative(SRC, p))
              .join(" → "),
          );
        else if (!state.has(t)) visit(t, [...path, f]);
      }
      state.set(f, 2);
    };
    for (const f of all) if (!state.has(f)) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("every module starts with a comment saying what it is", () => {
    const missing = all.filter((f) => !/^\s*\/\*\*/.test(readFileSync(f, "utf8"))).map((f) => relative(SRC, f));
    expect(missing).toEqual([]);
  });
});
