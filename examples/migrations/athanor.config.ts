/**
 * The migration workflow on the shop models (README, "Migrations from the command line"): run
 * `npx athanor ...` in this folder. The database is a SQLite file here unless DATABASE_URL says
 * otherwise; revision files go to versions/ (ignored by git: this is a playground).
 */
import { defineConfig } from "athanor/migrate";

export default defineConfig({
  url: process.env.DATABASE_URL ?? "sqlite:///shop-migrations.db",
  // Loaded only by the commands that compare (revision --autogenerate, check).
  metadata: async () => (await import("../shop/models/index.js")).Base,
  migrations: "versions",
});
