/**
 * Runs a block of tests once per dialect, each against its own fresh database:
 *
 *   forEachDialect((db) => { it("…", async () => { await using conn = await db.engine.connect(); … }) })
 *
 * Tests branch on `db.caps` (capabilities), never on dialect names.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import { createEngine, type Capabilities, type Engine, type EngineOptions } from "athanor";
import { createDatabase, dropDatabase, uniqueDatabaseName, type DialectName, type DialectTarget } from "./servers.js";

/** One dialect's fixture within a test file. */
export class DialectFixture {
  #engine: Engine | undefined;
  #url: string | undefined;
  #dbName: string | undefined;
  readonly #extraEngines: Engine[] = [];

  constructor(readonly target: DialectTarget) {}

  get name(): DialectName {
    return this.target.name;
  }

  /** The URL of this file's database. */
  get url(): string {
    if (!this.#url) throw new Error("fixture not set up");
    return this.#url;
  }

  /** The engine for this file's database. */
  get engine(): Engine {
    if (!this.#engine) throw new Error("fixture not set up");
    return this.#engine;
  }

  /** Capabilities of the server (refined after the first connection). */
  get caps(): Capabilities {
    return this.engine.dialect.caps;
  }

  /** Another engine on the same database, with its own options; disposed with the fixture. */
  createEngine(options?: EngineOptions): Engine {
    const e = createEngine(this.url, options);
    this.#extraEngines.push(e);
    return e;
  }

  async setup(): Promise<void> {
    this.#dbName = uniqueDatabaseName();
    if (this.target.name === "sqlite") this.#url = `sqlite:///${join(tmpdir(), `${this.#dbName}.db`)}`;
    else this.#url = await createDatabase(this.target, this.#dbName);
    this.#engine = createEngine(this.#url);
    // Connect once so capabilities reflect the server version.
    await (await this.#engine.connect()).close();
  }

  async teardown(): Promise<void> {
    for (const e of this.#extraEngines) await e.dispose();
    await this.#engine?.dispose();
    if (!this.#dbName) return;
    if (this.target.name === "sqlite") {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(join(tmpdir(), `${this.#dbName}.db${suffix}`), { force: true });
    } else await dropDatabase(this.target, this.#dbName);
  }
}

/** The dialects this run covers, including unavailable ones (reported as skipped). */
export function dialectTargets(): DialectTarget[] {
  return inject("dialectTargets");
}

/** Declares `fn`'s tests once per available dialect, each with a fresh database. */
export function forEachDialect(fn: (db: DialectFixture) => void): void {
  declare(dialectTargets(), fn);
}

/** Declares dialect-specific tests (files under test/dialects/<db>/) for that one dialect. */
export function forDialect(name: DialectName, fn: (db: DialectFixture) => void): void {
  declare(
    dialectTargets().filter((t) => t.name === name),
    fn,
  );
}

function declare(targets: readonly DialectTarget[], fn: (db: DialectFixture) => void): void {
  for (const target of targets) {
    if (!target.available) {
      describe(target.name, () => {
        it.skipIf(true)(`SKIPPED: ${target.name} server unreachable (${target.reason ?? "unknown"})`, () => undefined);
      });
      continue;
    }
    describe(target.name, () => {
      const fixture = new DialectFixture(target);
      beforeAll(() => fixture.setup());
      afterAll(() => fixture.teardown());
      fn(fixture);
    });
  }
}
