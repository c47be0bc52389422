/** Runs every example: examples/*.ts and each ```ts block of the README and docs (see scripts/extract-doc-examples.mjs). */
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it, vi } from "vitest";

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const files = [
  ...readdirSync(dir("../examples/"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => dir(`../examples/${f}`)),
  ...(existsSync(dir("./docs-examples/"))
    ? readdirSync(dir("./docs-examples/"))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => dir(`./docs-examples/${f}`))
    : []),
];

describe("documentation examples run as written", () => {
  it("found the extracted examples (run `node scripts/extract-doc-examples.mjs`, which npm test does)", () => {
    expect(files.filter((f) => f.includes("docs-examples")).length).toBeGreaterThan(5);
  });
  for (const file of files) {
    it(file.slice(file.lastIndexOf("/", file.lastIndexOf("/") - 1) + 1), async () => {
      const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
      try {
        await import(pathToFileURL(file).href);
        expect(log).toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
    });
  }
});
