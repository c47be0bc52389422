/**
 * `npm run build`: declarations with tsc, JavaScript bundled by esbuild into one file per public
 * entry point plus shared chunks. Fewer files make `import "athanor"` several times faster than
 * loading each module separately (Node's ESM loader costs about half a millisecond per file).
 */
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
rmSync(`${root}/dist`, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}/node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json", "--emitDeclarationOnly"], {
  cwd: root,
  stdio: "inherit",
});
await build({
  absWorkingDir: root,
  entryPoints: [
    "src/index.ts",
    "src/migrate/index.ts",
    "src/cli/main.ts",
    "src/dialects/sqlite/index.ts",
    "src/dialects/postgres/index.ts",
    "src/dialects/mysql/index.ts",
  ],
  outbase: "src",
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  chunkNames: "chunks/[name]-[hash]",
  // Drivers are optional peers, loaded on first connect.
  external: ["better-sqlite3", "pg", "pg-cursor", "mysql2"],
  logLevel: "warning",
});
console.log("build: dist/ written");
