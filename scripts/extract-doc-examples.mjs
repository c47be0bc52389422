/**
 * Writes every ```ts block of README.md and docs/*.md to test/docs-examples/, where `tsc` type-checks
 * them and test/docs-examples.test.ts runs them: the documentation cannot drift from the code.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "test", "docs-examples");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const sources = [
  "README.md",
  ...readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
let count = 0;
for (const source of sources) {
  const text = readFileSync(join(root, source), "utf8");
  let n = 0;
  for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    n++;
    const name = `${basename(source, ".md").toLowerCase()}-${String(n).padStart(2, "0")}.ts`;
    writeFileSync(join(out, name), `// Extracted from ${source}, block ${n}. Do not edit: edit the document.\nexport {};\n${m[1]}`);
    count++;
  }
}
console.log(`extract-doc-examples: ${count} examples from ${sources.length} documents`);
