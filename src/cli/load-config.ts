/**
 * Finds and loads athanor.config.ts (or .mts, .js, .mjs): from `-c <path>`, else the current folder.
 * TypeScript loads through tsx, which bin/athanor.mjs registers before anything else runs.
 */
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { MetaData } from "../sql/schema/metadata.js";
import { CONFIG_KEYS, type AthanorConfig } from "../migrate/config.js";
import { moduleScopeProblem } from "../migrate/runner/module-scope.js";
import { ConfigurationError, describeValue } from "../util/errors.js";

/** The file names looked for, in this order. */
export const CONFIG_FILES = ["athanor.config.ts", "athanor.config.mts", "athanor.config.js", "athanor.config.mjs"];

/** A loaded config with its paths resolved. */
export interface LoadedConfig {
  /** The config file's absolute path. */
  readonly file: string;
  /** The config file as messages name it: relative to the current folder. */
  readonly name: string;
  readonly config: AthanorConfig;
  /** The migrations folder, absolute (relative paths are relative to the config file). */
  readonly migrations: string;
}

/** Finds the config file: `explicit` (from -c) or the first of {@link CONFIG_FILES} in `cwd`. */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new ConfigurationError(`the config file ${explicit} (given with -c) does not exist; check the path`);
    return file;
  }
  const file = CONFIG_FILES.map((n) => join(cwd, n)).find((f) => existsSync(f));
  if (!file) throw new ConfigurationError(`no athanor.config.ts in ${cwd}; run \`athanor init\` to create one, or pass -c <path>`);
  return file;
}

/** Imports and checks the config file. */
export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const file = findConfig(cwd, explicit);
  const name = relative(cwd, file) || file;
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (err) {
    throw new ConfigurationError(`could not load ${name}: ${(err as Error).message ?? String(err)}${hint(file)}`, { cause: err });
  }
  const config = mod.default;
  if (typeof config !== "object" || config === null) {
    throw new ConfigurationError(`${name} must \`export default defineConfig({ ... })\`; its default export is ${describeValue(config)}`);
  }
  checkConfig(config as Record<string, unknown>, name);
  const cfg = config as AthanorConfig;
  return { file, name, config: cfg, migrations: resolve(dirname(file), cfg.migrations ?? "migrations") };
}

/** The module-scope problem as a suffix of a load error, when it may be the cause. */
function hint(file: string): string {
  const problem = /\.m[tj]s$/.test(file) ? undefined : moduleScopeProblem(dirname(file));
  return problem ? ` (${problem})` : "";
}

function checkConfig(config: Record<string, unknown>, name: string): void {
  for (const key of Object.keys(config)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key))
      throw new ConfigurationError(`${name} has an unknown key '${key}'; known keys: ${CONFIG_KEYS.join(", ")}`);
  }
  for (const key of ["url", "migrations", "fileTemplate", "versionTable"] as const) {
    const v = config[key];
    if (v !== undefined && (typeof v !== "string" || v === ""))
      throw new ConfigurationError(`${name}: '${key}' must be a non-empty string, got ${describeValue(v)}`);
  }
  const t = config.lockTimeoutMs;
  if (t !== undefined && (typeof t !== "number" || !(t >= 0)))
    throw new ConfigurationError(`${name}: 'lockTimeoutMs' must be a number of milliseconds, got ${describeValue(t)}`);
}

/** The database URL: the config's `url`, else DATABASE_URL. */
export function databaseUrl(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): string {
  const url = loaded.config.url ?? env.DATABASE_URL;
  if (!url) {
    throw new ConfigurationError(`no database URL: set the DATABASE_URL environment variable, or \`url\` in ${loaded.name}`);
  }
  return url;
}

/** The models' MetaData from the config's `metadata` (calling it when it is a function). */
export async function resolveMetadata(loaded: LoadedConfig, purpose: string): Promise<MetaData> {
  const source = loaded.config.metadata;
  const name = loaded.name;
  if (source === undefined) {
    throw new ConfigurationError(
      `${purpose} compares the models with the database, but ${name} has no \`metadata\`; set it to your MetaData or declarative Base, e.g. metadata: async () => (await import("./src/models.js")).Base`,
    );
  }
  const value = typeof source === "function" ? await source() : source;
  const metadata = value instanceof MetaData ? value : (value as { metadata?: unknown } | null)?.metadata;
  if (metadata instanceof MetaData) return metadata;
  const copy = metadata !== undefined && (metadata as object)?.constructor?.name === "MetaData";
  throw new ConfigurationError(
    copy
      ? `${name}: \`metadata\` comes from another copy of athanor than the one running the command; install athanor once (npm ls athanor shows the copies)`
      : `${name}: \`metadata\` must be a MetaData, a declarative Base, or a function returning one; got ${describeValue(value)}`,
  );
}
