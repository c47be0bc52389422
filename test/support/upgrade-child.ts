/**
 * Child process for the runner tests: upgrades the database at argv[2] with the revisions in the
 * folder argv[3], printing "start <revision>" as each revision begins (the parent kills it mid-run).
 */
import { createEngine } from "athanor";
import { Migrator } from "../../src/migrate/runner/migrator.js";

const engine = createEngine(process.argv[2]!);
await new Migrator({
  engine,
  directory: process.argv[3]!,
  reporter: { start: (s) => process.stdout.write(`start ${s.revision.id}\n`) },
}).upgrade();
await engine.dispose();
