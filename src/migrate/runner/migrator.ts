/**
 * The migration runner: what `athanor upgrade`, `downgrade`, `stamp`, `current`, `history`,
 * `check`, `revision` and `merge` do, as methods. It reads the revision files each time (they may
 * have changed), plans with the revision graph, and runs online (online-run.ts, under the lock)
 * or writes SQL (offline-run.ts).
 */
import type { Engine } from "../../engine/engine.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import { ArgumentError, MigrationCheckError, MigrationError } from "../../util/errors.js";
import type { CompareOptions } from "../compare/context.js";
import { compareMetadata } from "../compare/compare.js";
import { describeOp } from "../describe-op.js";
import type { MigrationOp } from "../operations.js";
import { reflect, type Reflection } from "../reflect.js";
import { checkRenames, renamedReflection, renameOps } from "../compare/renames.js";
import { likelyRenames, type LikelyRename } from "../compare/review.js";
import type { Revision } from "../revisions/revision.js";
import { offlineSql, terminated } from "./offline-run.js";
import { runLocked, readState, type MigrationReporter, type StepResult } from "./online-run.js";
import { loadScripts, type ScriptDirectory } from "./script-directory.js";
import { buildSteps, type Step } from "./steps.js";
import { VERSION_TABLE, VersionStore, versionTableSql } from "./version-table.js";
import { createRevisionFile, type NewRevision, type NewRevisionOptions } from "./new-revision.js";

export interface MigratorOptions {
  readonly engine: Engine;
  /** The migrations folder. */
  readonly directory: string;
  /** The models, for autogenerate and check. */
  readonly metadata?: MetaData;
  /** Revision file name template (default `%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(slug)s`). */
  readonly fileTemplate?: string;
  /** The version table's name (default `athanor_version`). */
  readonly versionTable?: string;
  /** How long to wait for another run's lock (default 60 s). */
  readonly lockTimeoutMs?: number;
  /** Autogenerate's filters and options. */
  readonly compare?: CompareOptions;
  readonly reporter?: MigrationReporter;
}

/** What `revision` does about renames, which autogenerate cannot see. */
export interface AutogenerateOptions {
  /** Compare the models with the database and write the operations (default: an empty revision). */
  readonly autogenerate?: boolean;
  /** Tables and columns known to be renamed (`--rename`): written as renames instead of a drop and an add. */
  readonly renames?: readonly LikelyRename[];
  /** Asked about each likely rename autogenerate finds (a dropped and an added object of the same shape); true makes it a rename. */
  readonly resolveRename?: (candidate: LikelyRename) => boolean | Promise<boolean>;
}

export interface RunOptions {
  /** Write the SQL instead of running it (offline mode). */
  readonly sql?: boolean;
  /** Offline mode: the revision the database is at (default base for upgrade; required for downgrade). */
  readonly from?: string;
}

export interface RunResult {
  /** The steps that ran (online) or were written (offline, with `ms` 0). */
  readonly steps: readonly StepResult[];
  /** The SQL, in offline mode. */
  readonly sql?: string;
}

/** A revision the database is at. */
export interface CurrentRevision {
  readonly id: string;
  readonly message: string;
  readonly isHead: boolean;
}

export class Migrator {
  readonly #o: MigratorOptions;

  constructor(options: MigratorOptions) {
    if (!options?.engine) throw new ArgumentError("new Migrator(): `engine` is required (createEngine(url))");
    if (typeof options.directory !== "string" || options.directory === "")
      throw new ArgumentError("new Migrator(): `directory` (the migrations folder) is required");
    this.#o = options;
  }

  /** The revision files, freshly loaded. */
  scripts(): Promise<ScriptDirectory> {
    return loadScripts(this.#o.directory);
  }

  /** Applies revisions up to `target`: `head` (default), `heads`, a revision id or prefix, `+N`. */
  async upgrade(target = "head", options: RunOptions = {}): Promise<RunResult> {
    const dir = await this.scripts();
    const dialect = this.#o.engine.dialect;
    if (options.sql) {
      const from = options.from === undefined || options.from === "base" ? [] : [dir.graph.get(options.from).id];
      const steps = await buildSteps(dir, dir.graph.upgradePath(from, target), "upgrade", dialect);
      const prelude = await buildSteps(dir, dir.graph.upgradePath([], from[0] ?? "base"), "upgrade", dialect);
      return this.#offline(steps, from.length === 0, prelude);
    }
    return this.#online(dir, (state) => {
      if (state.partlyUndone.size > 0)
        throw new MigrationError(
          `the downgrade of revision ${[...state.partlyUndone.keys()].join(", ")} stopped half way in an earlier run; run downgrade again to finish it before upgrading`,
        );
      return buildSteps(dir, dir.graph.upgradePath(state.heads, target), "upgrade", dialect, state.incomplete);
    });
  }

  /** Undoes revisions down to `target`: `base`, `-N`, a revision id or prefix (which stays applied). */
  async downgrade(target: string, options: RunOptions = {}): Promise<RunResult> {
    if (typeof target !== "string" || target === "")
      throw new ArgumentError("downgrade needs a target: `-1` (one step), `base` (everything) or a revision id");
    const dir = await this.scripts();
    const dialect = this.#o.engine.dialect;
    if (options.sql) {
      if (options.from === undefined)
        throw new ArgumentError(
          "downgrade with --sql needs the revision the database is at (`from`), as there is no database to read it from",
        );
      const from = dir.graph.get(options.from).id;
      const steps = await buildSteps(dir, dir.graph.downgradePath([from], target), "downgrade", dialect);
      const prelude = await buildSteps(dir, dir.graph.upgradePath([], from), "upgrade", dialect);
      return this.#offline(steps, false, prelude);
    }
    return this.#online(dir, (state) => {
      if (state.incomplete.size > 0)
        throw new MigrationError(
          `revision ${[...state.incomplete.keys()].join(", ")} stopped half way in an earlier run; run upgrade to finish it before downgrading, or repair the database by hand and record where it is with \`athanor stamp\``,
        );
      return buildSteps(dir, dir.graph.downgradePath(state.heads, target), "downgrade", dialect, state.partlyUndone);
    });
  }

  /**
   * Records the database as being at `target` (`base`, `heads`, a revision) without running
   * anything: the version table then lists exactly the target and what it needs, with the files'
   * current checksums. Rows of revisions that have no file are an error unless `purge` is set.
   */
  async stamp(target: string, options: { purge?: boolean; sql?: boolean } = {}): Promise<RunResult> {
    const dir = await this.scripts();
    const wanted = this.#stampSet(dir, target);
    if (options.sql) {
      // Offline there is no table to read: the script empties it and records the target's revisions.
      const version = versionTableSql(this.#o.engine.dialect, this.#o.versionTable);
      const statements = [version.clear(), ...wanted.map((r) => version.insert(r.id, dir.scripts.get(r.id)!.checksum))];
      return { steps: [], sql: statements.map(terminated).join("\n\n") + "\n" };
    }
    const conn = await this.#o.engine.connect();
    try {
      const store = new VersionStore(conn, this.#o.versionTable);
      await conn.transaction(async () => {
        await store.ensure();
        const rows = await store.applied();
        const unknown = rows.filter((r) => !dir.graph.has(r.revision));
        if (unknown.length && !options.purge)
          throw new MigrationError(
            `the version table lists ${unknown.map((r) => r.revision).join(", ")}, which no revision file declares; restore the files, or stamp with --purge to forget them`,
          );
        const ids = new Set(wanted.map((r) => r.id));
        for (const r of rows) if (!ids.has(r.revision) || r.opsDone !== undefined || r.undone !== undefined) await store.remove(r.revision);
        for (const r of wanted) await store.complete(r.id, dir.scripts.get(r.id)!.checksum);
      });
      return { steps: [] };
    } finally {
      await conn.close();
    }
  }

  /** The revisions the database is at (the heads of what is applied). */
  async current(): Promise<CurrentRevision[]> {
    const dir = await this.scripts();
    const state = await this.#state(dir, true);
    return state.heads.map((id) => {
      const r = dir.graph.get(id);
      return { id, message: r.message, isHead: dir.graph.isHead(id) };
    });
  }

  async heads(): Promise<Revision[]> {
    const { graph } = await this.scripts();
    return graph.heads.map((id) => graph.get(id));
  }

  async branches(): Promise<Revision[]> {
    const { graph } = await this.scripts();
    return graph.branchPoints.map((id) => graph.get(id));
  }

  /** One line per revision, newest first: `down -> id (head), message`. */
  async history(): Promise<string[]> {
    const { graph } = await this.scripts();
    return graph.history().map((r) => graph.describe(r.id));
  }

  /** A revision's details: its history line, file, and the operations of both directions. */
  async show(target: string): Promise<string> {
    const dir = await this.scripts();
    const rev = dir.graph.get(target);
    const script = dir.scripts.get(rev.id)!;
    const dialect = this.#o.engine.dialect;
    const [up] = await buildSteps(dir, [rev], "upgrade", dialect);
    const [down] = await buildSteps(dir, [rev], "downgrade", dialect);
    const list = (s: Step | undefined) => (s!.operations.length ? s!.operations.map((o) => `  - ${describeOp(o)}`).join("\n") : "  (none)");
    return [
      `Revision: ${rev.id}${dir.graph.isHead(rev.id) ? " (head)" : ""}`,
      `Revises: ${rev.downRevisions.length ? rev.downRevisions.join(", ") : "(base)"}`,
      ...(rev.dependsOn?.length ? [`Depends on: ${rev.dependsOn.join(", ")}`] : []),
      ...(rev.branchLabels?.length ? [`Branch labels: ${rev.branchLabels.join(", ")}`] : []),
      `File: ${script.file}`,
      "",
      rev.message,
      "",
      `Upgrade:\n${list(up)}`,
      `Downgrade:\n${list(down)}`,
    ].join("\n");
  }

  /**
   * Autogenerate against the database, for CI: throws MigrationCheckError listing the changes
   * when the models and the database differ; resolves to [] when they match.
   */
  async check(): Promise<MigrationOp[]> {
    const dir = await this.scripts();
    const ops = await this.#autogenerate(dir);
    if (ops.length > 0)
      throw new MigrationCheckError(
        `the models differ from the database: ${ops.length === 1 ? "1 change needs" : `${ops.length} changes need`} a revision:\n` +
          `${ops.map((o) => `  - ${describeOp(o)}`).join("\n")}\nRun \`athanor revision --autogenerate -m "..."\`, review the file, and commit it`,
      );
    return ops;
  }

  /** Writes a new revision file on top of the current head (or `head`), autogenerated or empty. */
  async revision(options: NewRevisionOptions & AutogenerateOptions): Promise<NewRevision> {
    const dir = await this.scripts();
    const ops = options.autogenerate ? await this.#autogenerate(dir, options) : [];
    return createRevisionFile(dir, ops, { ...options, fileTemplate: options.fileTemplate ?? this.#o.fileTemplate }, this.#o.engine.dialect);
  }

  /** Writes a merge revision joining `revisions` (default: every head). */
  async merge(options: { revisions?: readonly string[]; message?: string; id?: string; now?: Date } = {}): Promise<NewRevision> {
    const dir = await this.scripts();
    const parents = options.revisions?.length ? options.revisions.map((r) => dir.graph.get(r).id) : [...dir.graph.heads];
    if (parents.length < 2)
      throw new MigrationError(
        `merge needs two or more revisions to join; ${parents.length === 1 ? `there is one head (${parents[0]})` : "there are no revisions"}, so there is nothing to merge`,
      );
    return createRevisionFile(
      dir,
      [],
      {
        message: options.message ?? `merge ${parents.join(", ")}`,
        revises: parents,
        id: options.id,
        now: options.now,
        fileTemplate: this.#o.fileTemplate,
      },
      this.#o.engine.dialect,
    );
  }

  // ---- internals -------------------------------------------------------------------------

  async #online(dir: ScriptDirectory, plan: Parameters<typeof runLocked>[3]): Promise<RunResult> {
    const conn = await this.#o.engine.connect();
    try {
      const steps = await runLocked(conn, dir, this.#o, plan);
      return { steps };
    } finally {
      await conn.close();
    }
  }

  async #offline(steps: Step[], fromBase: boolean, prelude: Step[]): Promise<RunResult> {
    const sql = await offlineSql(steps, this.#o.engine.dialect, {
      versionTable: this.#o.versionTable,
      createVersionTable: fromBase,
      prelude,
    });
    return { steps: steps.map((s) => ({ revision: s.revision.id, direction: s.direction, ms: 0 })), sql };
  }

  /** The version table's state; `reading` (current) reports what is applied even when the history has problems. */
  async #state(dir: ScriptDirectory, reading = false) {
    const conn = await this.#o.engine.connect();
    try {
      const store = new VersionStore(conn, this.#o.versionTable);
      if (!(await store.exists()))
        return { applied: [], heads: [], incomplete: new Map<string, number>(), partlyUndone: new Map<string, number>() };
      return await readState(store, dir, reading);
    } finally {
      await conn.close();
    }
  }

  /** The revisions a stamp to `target` records: the target and everything it needs. */
  #stampSet(dir: ScriptDirectory, target: string): Revision[] {
    if (target === "base") return [];
    return dir.graph.upgradePath([], target);
  }

  /** Autogenerate's operations; the database must be at the revision files' heads. */
  async #autogenerate(dir: ScriptDirectory, decide: Omit<AutogenerateOptions, "autogenerate"> = {}): Promise<MigrationOp[]> {
    const metadata = this.#o.metadata;
    if (!metadata)
      throw new MigrationError("autogenerate needs the models: set `metadata` in athanor.config.ts (a MetaData or your declarative Base)");
    const state = await this.#state(dir);
    const heads = [...dir.graph.heads].sort();
    if (
      state.heads.length !== heads.length ||
      [...state.heads].sort().some((h, i) => h !== heads[i]) ||
      state.incomplete.size ||
      state.partlyUndone.size
    )
      throw new MigrationError(
        `the database is not up to date (it is at ${state.heads.length ? state.heads.join(", ") : "base"}; the revision files end at ${heads.length ? heads.join(", ") : "base"}): run \`athanor upgrade\` first, so autogenerate compares with the schema the revisions produce`,
      );
    const versionTable = this.#o.versionTable ?? VERSION_TABLE;
    const reflection = await reflect(this.#o.engine, { only: (name) => name !== versionTable });
    const include = this.#o.compare?.include;
    const compare = (r: Reflection) =>
      compareMetadata(metadata, r, this.#o.engine.dialect, {
        ...this.#o.compare,
        include: (obj) => !(obj.type === "table" && obj.name === versionTable) && (include ? include(obj) : true),
      });
    // Renames given up front, then the likely ones the caller confirms, each round on the renamed database.
    const renames = [...(decide.renames ?? [])];
    checkRenames(renames, reflection, metadata);
    let ops = compare(renamedReflection(reflection, renames));
    for (let round = 0; decide.resolveRename && round < 5; round++) {
      const accepted: LikelyRename[] = [];
      for (const candidate of likelyRenames(ops)) if (await decide.resolveRename(candidate)) accepted.push(candidate);
      if (accepted.length === 0) break;
      renames.push(...accepted);
      ops = compare(renamedReflection(reflection, renames));
    }
    return [...renameOps(renames), ...ops];
  }
}
