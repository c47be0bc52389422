/**
 * athanor/dialects/postgres: the PostgreSQL dialect (registered for `postgresql://` and
 * `postgres://` URLs) and its insert() with ON CONFLICT upserts, including ON CONSTRAINT targets.
 */
import type { DmlTarget } from "../../sql/statements/dml.js";
import { registerDialect } from "../../engine/dialect-registry.js";
import { OnConflictInsert } from "../../sql/statements/on-conflict.js";
import { insert as coreInsert } from "../../sql/statements/dml.js";
import { PostgresDialect } from "./postgres-dialect.js";

registerDialect(["postgresql", "postgres"], (url) => new PostgresDialect(url));

/**
 * An INSERT with PostgreSQL's upsert: `.onConflictDoNothing()` / `.onConflictDoUpdate()`; the
 * target is columns or `{ constraint: "name" }`.
 * @example
 * const ins = insert(users).values({ email, name });
 * ins.onConflictDoUpdate({ target: users.c.email, set: { name: ins.excluded.name } })
 * // INSERT INTO "users" ("email", "name") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name"
 * insert(users).values({ email }).onConflictDoNothing({ target: { constraint: "uq_users_email" } })
 * // … ON CONFLICT ON CONSTRAINT "uq_users_email" DO NOTHING
 */
export function insert<T extends DmlTarget>(table: T): OnConflictInsert<T> {
  return new OnConflictInsert<T>(coreInsert(table).node);
}

export { PostgresDialect };
