/**
 * The migrations folder: every revision file imported, checked and turned into the revision
 * graph, with the checksum of each file's text (recorded when it runs, so later edits are noticed).
 * File names carry no meaning here: order comes from each file's `revises`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { MigrationError, RevisionError } from "../../util/errors.js";
import { RevisionGraph } from "../revisions/graph.js";
import type { Revision } from "../revisions/revision.js";
import { definitionProblem, downRevisionsOf, type RevisionDefinition } from "../revisions/define.js";
import { checksumOf } from "./version-table.js";
import { moduleScopeProblem } from "./module-scope.js";

/** One loaded revision file. */
export interface RevisionScript {
  readonly revision: Revision;
  readonly definition: RevisionDefinition;
  /** The file's path relative to the migrations folder. */
  readonly file: string;
  readonly checksum: string;
}

/** The loaded migrations folder. */
export interface ScriptDirectory {
  readonly directory: string;
  readonly graph: RevisionGraph;
  readonly scripts: ReadonlyMap<string, RevisionScript>;
}

/** Revision files: TypeScript or JavaScript modules; declaration files and names starting with `_` or `.` are not. */
function isRevisionFile(name: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(name) && !/\.d\.[mc]?ts$/.test(name) && !name.startsWith("_") && !name.startsWith(".");
}

/** Loads every revision file of `directory` (not its sub-folders). */
export async function loadScripts(directory: string): Promise<ScriptDirectory> {
  if (!existsSync(directory) || !statSync(directory).isDirectory())
    throw new MigrationError(
      `the migrations folder ${directory} does not exist; create it (\`athanor init\` does) or fix the folder in athanor.config.ts`,
    );
  const scripts = new Map<string, RevisionScript>();
  const names = readdirSync(directory).filter(isRevisionFile).sort();
  const scoped = names.filter((n) => !/\.m[tj]s$/.test(n));
  const problem = scoped.length ? moduleScopeProblem(directory) : undefined;
  if (problem) throw new MigrationError(`revision files must load as ES modules, but ${problem} (or name the revision files .mts)`);
  for (const name of names) {
    const path = join(directory, name);
    const file = relative(directory, path);
    const text = readFileSync(path, "utf8");
    const checksum = checksumOf(text);
    let mod: { default?: unknown };
    try {
      // The checksum in the URL makes an edited file load afresh instead of from the module cache.
      mod = (await import(`${pathToFileURL(path).href}?v=${checksum.slice(0, 16)}`)) as { default?: unknown };
    } catch (err) {
      throw new MigrationError(`revision file ${file} could not be loaded: ${(err as Error).message}`, { cause: err });
    }
    const problem = definitionProblem(mod.default);
    if (problem) throw new MigrationError(`revision file ${file} must \`export default defineRevision({ ... })\`: ${problem}`);
    const definition = mod.default as RevisionDefinition;
    const other = scripts.get(definition.id);
    if (other)
      throw new RevisionError(`revision ${definition.id} is declared by both ${other.file} and ${file}; give one of them a new id`);
    const revision: Revision = {
      id: definition.id,
      downRevisions: downRevisionsOf(definition),
      message: definition.message,
      dependsOn: definition.dependsOn,
      branchLabels: definition.branchLabels,
      file,
    };
    scripts.set(definition.id, { revision, definition, file, checksum });
  }
  const graph = new RevisionGraph([...scripts.values()].map((s) => s.revision));
  return { directory, graph, scripts };
}
