/**
 * athanor/dialects/sqlite: the SQLite dialect (registered for `sqlite://` URLs) and its insert()
 * with ON CONFLICT upserts.
 */
import type { DmlTarget } from "../../sql/statements/dml.js";
import { registerDialect } from "../../engine/dialect-registry.js";
import { OnConflictInsert } from "../../sql/statements/on-conflict.js";
import { insert as coreInsert } from "../../sql/statements/dml.js";
import { SqliteDialect } from "./sqlite-dialect.js";

registerDialect(["sqlite"], (url) => new SqliteDialect(url));

/**
 * An INSERT with SQLite's upsert: `.onConflictDoNothing()` / `.onConflictDoUpdate()`.
 * @example
 * insert(users).values({ email }).onConflictDoUpdate({ target: users.c.email, set: { name } })
 * // INSERT … ON CONFLICT ("email") DO UPDATE SET "name" = ?
 */
export function insert<T extends DmlTarget>(table: T): OnConflictInsert<T> {
  return new OnConflictInsert<T>(coreInsert(table).node);
}

export { SqliteDialect };
