/**
 * Runs the real `athanor` command (node bin/athanor.mjs) in a temporary project folder, as a user
 * would: a package.json with "type": "module", files written by the test, output captured.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/athanor.mjs", import.meta.url));

/** What one run printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary project folder; dispose() deletes it. */
export class TempProject {
  readonly dir = mkdtempSync(join(tmpdir(), "athanor-cli-"));

  constructor(files: Record<string, string> = { "package.json": '{ "type": "module" }\n' }) {
    for (const [name, text] of Object.entries(files)) this.write(name, text);
  }

  write(name: string, text: string): void {
    mkdirSync(dirname(join(this.dir, name)), { recursive: true });
    writeFileSync(join(this.dir, name), text);
  }

  /** Runs `athanor ...args` here. DATABASE_URL comes only from `env`, never from the test's environment. */
  run(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.dir, env: { ...inherited, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  [Symbol.dispose](): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
