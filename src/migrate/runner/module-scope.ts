/**
 * Revision files are ES modules. A `.ts` or `.js` file under a package.json without
 * `"type": "module"` loads as CommonJS, which gets its own copy of athanor's modules: its column
 * definitions then fail the runner's checks with confusing messages. This finds that case first.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** Why `.ts`/`.js` files in `dir` would not load as ES modules, or undefined when they do. */
export function moduleScopeProblem(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    const pkg = join(d, "package.json");
    if (existsSync(pkg)) {
      let type: unknown;
      try {
        type = (JSON.parse(readFileSync(pkg, "utf8")) as { type?: unknown }).type;
      } catch {
        return `${pkg} is not valid JSON`;
      }
      return type === "module"
        ? undefined
        : `${pkg} has no "type": "module", so .ts and .js files load as CommonJS; add "type": "module" to it`;
    }
    if (dirname(d) === d) return `no package.json governs ${dir}; create one with "type": "module", as athanor's files are ES modules`;
  }
}
