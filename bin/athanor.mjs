#!/usr/bin/env node
/**
 * The `athanor` command. Registers tsx first, so athanor.config.ts, model and revision files load as
 * TypeScript, then runs the CLI: from src/ in a checkout of athanor itself (where the repository's
 * tsconfig paths resolve `athanor` and `athanor/migrate` to the sources), from dist/ when installed.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

const source = new URL("../src/cli/main.ts", import.meta.url);
const fromSource = existsSync(source);
// Installed, tsx reads the project's own tsconfig.json (in the current folder), as `tsx` does.
register(fromSource ? { tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) } : {});
const { main } = await import(fromSource ? source.href : new URL("../dist/cli/main.js", import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
