/**
 * athanor/migrate: the public API of migrations (revision files, the runner, the CLI's config).
 */
export { defineConfig, type AthanorConfig, type MetadataSource, type HasMetaData } from "./config.js";
