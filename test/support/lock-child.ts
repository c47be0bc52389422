/**
 * Child process for the migration-lock tests: takes the lock on the database at argv[2], prints
 * "locked", then waits to be killed (the parent checks that the lock dies with it).
 */
import { createEngine } from "athanor";
import { acquireMigrationLock } from "../../src/migrate/lock.js";

const engine = createEngine(process.argv[2]!);
const conn = await engine.connect();
await acquireMigrationLock(conn, { timeoutMs: 10_000 });
process.stdout.write("locked\n");
setInterval(() => undefined, 1000);
