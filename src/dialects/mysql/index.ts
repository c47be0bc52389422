/**
 * athanor/dialects/mysql: the MySQL/MariaDB dialect (registered for `mysql://` and `mariadb://`
 * URLs) and its insert() with ON DUPLICATE KEY UPDATE upserts.
 */
import type { DmlTarget } from "../../sql/statements/dml.js";
import { registerDialect } from "../../engine/dialect-registry.js";
import { insert as coreInsert } from "../../sql/statements/dml.js";
import { MySqlDialect } from "./mysql-dialect.js";
import { MySqlInsert } from "./mysql-insert.js";

registerDialect(["mysql", "mariadb"], (url) => new MySqlDialect(url));

/**
 * An INSERT with MySQL's upsert, `.onDuplicateKeyUpdate()`; `.inserted` is the proposed row.
 * @example
 * const ins = insert(users).values({ email, name });
 * await conn.execute(ins.onDuplicateKeyUpdate({ set: { name: ins.inserted.name } }));
 * // MySQL 8:  INSERT INTO `users` (`email`, `name`) VALUES (?, ?) AS `new` ON DUPLICATE KEY UPDATE `name` = `new`.`name`
 * // MariaDB:  INSERT INTO `users` (`email`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)
 */
export function insert<T extends DmlTarget>(table: T): MySqlInsert<T> {
  return new MySqlInsert<T>(coreInsert(table).node);
}

export { MySqlDialect, MySqlInsert };
