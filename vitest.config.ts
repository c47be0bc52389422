import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  // Vite's transformer lowers only TypeScript's decorators (the `@mapped` class decorator behaves the same in both forms).
  oxc: { decorator: { legacy: true } },
  resolve: {
    alias: [
      { find: /^athanor$/, replacement: src("index.ts") },
      { find: /^athanor\/migrate$/, replacement: src("migrate/index.ts") },
      { find: /^athanor\/migrate$/, replacement: src("migrate/index.ts") },
      { find: /^athanor\/dialects\/(sqlite|postgres|mysql)$/, replacement: src("dialects/$1/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
