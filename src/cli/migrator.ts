/**
 * The runner as the CLI sees it. Until src/migrate/runner/migrator.ts lands, a copy of the spec's
 * interface (docs: /work/spec/migrate-spec.md "Runner"); replaced by re-exports when it does.
 */
import type { Engine } from "../engine/engine.js";
import type { MetaData } from "../sql/schema/metadata.js";
import type { CompareOptions } from "../migrate/compare/context.js";
import type { MigrationOp } from "../migrate/operations.js";
import type { Revision } from "../migrate/revisions/revision.js";
import { ConfigurationError } from "../util/errors.js";

export interface PlannedStep {
  revision: Revision;
  direction: "upgrade" | "downgrade";
  file: string;
  ops: number;
}

export interface MigrationReporter {
  plan?(steps: readonly PlannedStep[]): void;
  start?(step: PlannedStep): void;
  done?(step: PlannedStep, ms: number): void;
  warn?(message: string): void;
  waiting?(): void;
}

export interface MigratorOptions {
  engine: Engine;
  directory: string;
  metadata?: MetaData;
  fileTemplate?: string;
  versionTable?: string;
  lockTimeoutMs?: number;
  compare?: CompareOptions;
  reporter?: MigrationReporter;
}

export interface RunResult {
  steps: readonly PlannedStep[];
  sql?: string;
}

export interface Migrator {
  upgrade(target?: string, options?: { sql?: boolean; from?: string }): Promise<RunResult>;
  downgrade(target: string, options?: { sql?: boolean; from?: string }): Promise<RunResult>;
  stamp(target: string, options?: { purge?: boolean; sql?: boolean }): Promise<RunResult>;
  current(): Promise<{ id: string; isHead: boolean; message: string }[]>;
  heads(): Promise<Revision[]>;
  branches(): Promise<Revision[]>;
  history(): Promise<string[]>;
  show(rev: string): Promise<string>;
  check(): Promise<MigrationOp[]>;
  revision(o: {
    message: string;
    autogenerate?: boolean;
    head?: string;
    id?: string;
    branchLabels?: string[];
    dependsOn?: string[];
  }): Promise<{ path: string; revision: Revision; ops: MigrationOp[]; review: string[] }>;
  merge(o: { revisions?: string[]; message?: string }): Promise<{ path: string; revision: Revision }>;
}

/** A Migrator, from athanor/migrate. */
export async function createMigrator(options: MigratorOptions): Promise<Migrator> {
  const mod = (await import("../migrate/index.js")) as Record<string, unknown>;
  const Ctor = mod.Migrator as (new (o: MigratorOptions) => Migrator) | undefined;
  if (!Ctor) throw new ConfigurationError("this build of athanor has no migration runner yet (athanor/migrate exports no Migrator)");
  return new Ctor(options);
}
