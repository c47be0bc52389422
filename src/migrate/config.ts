/**
 * The shape of athanor.config.ts and {@link defineConfig}. Read by the CLI (src/cli/load-config.ts),
 * which loads the file; this module only describes it, so it knows nothing of files or argv.
 */
import type { MetaData } from "../sql/schema/metadata.js";
import type { CompareOptions } from "./compare/context.js";

/** Something that has the models' MetaData: a declarative Base (`Base.metadata`). */
export interface HasMetaData {
  readonly metadata: MetaData;
}

/**
 * Where autogenerate finds the models: a MetaData, a declarative Base, or a function returning
 * either (possibly async). The function form loads the model files only for the commands that
 * compare (`revision --autogenerate`, `check`), so `upgrade` in production never imports them.
 */
export type MetadataSource = MetaData | HasMetaData | (() => MetaData | HasMetaData | Promise<MetaData | HasMetaData>);

/** The settings of the `athanor` command, written in athanor.config.ts. */
export interface AthanorConfig {
  /** The database URL. Default: the `DATABASE_URL` environment variable. */
  readonly url?: string;
  /** The models that `revision --autogenerate` and `check` compare with the database. */
  readonly metadata?: MetadataSource;
  /** The folder of revision files, relative to the config file. Default `"migrations"`. */
  readonly migrations?: string;
  /** The file-name template of new revisions (Alembic's `%(rev)s`, `%(slug)s`, `%(year)d`... tokens). */
  readonly fileTemplate?: string;
  /** The table recording the applied revisions. Default `"athanor_version"`. */
  readonly versionTable?: string;
  /** How long to wait for another run's migration lock, in milliseconds. */
  readonly lockTimeoutMs?: number;
  /** What autogenerate compares: an `include` filter, server defaults. */
  readonly compare?: CompareOptions;
}

/**
 * Declares the configuration of the `athanor` command; returns it unchanged, typed.
 *
 * ```ts
 * // athanor.config.ts
 * import { defineConfig } from "athanor/migrate";
 * export default defineConfig({ metadata: async () => (await import("./src/db/base.js")).Base });
 * ```
 */
export function defineConfig(config: AthanorConfig): AthanorConfig {
  return config;
}

/** The keys {@link AthanorConfig} has, for the loader's "unknown key" error. */
export const CONFIG_KEYS: readonly (keyof AthanorConfig)[] = [
  "url",
  "metadata",
  "migrations",
  "fileTemplate",
  "versionTable",
  "lockTimeoutMs",
  "compare",
];
