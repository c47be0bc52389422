/**
 * `INSERT … ON DUPLICATE KEY UPDATE`, MySQL's and MariaDB's upsert. Offered only by the insert()
 * of athanor/dialects/mysql; the clause is compiled by MySqlCompiler and refused elsewhere.
 */
import { ArgumentError } from "../../util/errors.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import { toOperandNode } from "../../sql/elements/expression.js";
import type { Column } from "../../sql/schema/column.js";
import { TableAlias, type Table } from "../../sql/schema/table.js";
import { Insert, type ColumnsOf, type DmlTarget, type UpdateValues } from "../../sql/statements/dml.js";
import { INSERTED_ALIAS, insertedAliases, type OnDuplicateKeyClause } from "./mysql-compiler.js";

const aliases = new WeakMap<Table, TableAlias>();

/** The pseudo-table standing for the proposed row; one per table so cache keys stay stable. */
function insertedOf(table: Table): TableAlias {
  let alias = aliases.get(table);
  if (!alias) {
    alias = new TableAlias(table, INSERTED_ALIAS);
    insertedAliases.add(alias);
    aliases.set(table, alias);
  }
  return alias;
}

/** An INSERT with MySQL's upsert, `.onDuplicateKeyUpdate()`. */
export class MySqlInsert<T extends DmlTarget = Table, R = never, S = unknown> extends Insert<T, R, S> {
  /**
   * The row proposed for insertion, for use in `onDuplicateKeyUpdate({ set })`. Compiles to the
   * row alias on MySQL 8.0.19+ (`new.hits`) and to `VALUES(hits)` on MariaDB and older MySQL.
   */
  get inserted(): ColumnsOf<T> {
    return insertedOf(this.node.table).c as ColumnsOf<T>;
  }

  /**
   * Updates the existing row when the insert hits a duplicate primary key or unique key.
   * Values may use the existing row's columns and `inserted`, the proposed row.
   * @example
   * const ins = insert(counters).values({ key: "a", hits: 1 });
   * ins.onDuplicateKeyUpdate({ set: { hits: counters.c.hits.add(ins.inserted.hits) } })
   * // MySQL 8:  INSERT INTO `counters` (`key`, `hits`) VALUES (?, ?) AS `new`
   * //           ON DUPLICATE KEY UPDATE `hits` = `counters`.`hits` + `new`.`hits`
   * // MariaDB:  INSERT INTO `counters` (`key`, `hits`) VALUES (?, ?)
   * //           ON DUPLICATE KEY UPDATE `hits` = `counters`.`hits` + VALUES(`hits`)
   */
  onDuplicateKeyUpdate(options: { set: UpdateValues<ColumnsOf<T>> }): this {
    const table = this.node.table;
    const entries = Object.entries(options?.set ?? {}).filter(([, v]) => v !== undefined);
    if (entries.length === 0) throw new ArgumentError("onDuplicateKeyUpdate() needs at least one column in set");
    const set = entries.map(([key, value]): readonly [Column<string, unknown, boolean>, ExprNode] => {
      const col = table.column(key);
      return [col, toOperandNode(value, col.type, col.toString())];
    });
    const clause: OnDuplicateKeyClause = { kind: "OnDuplicateKeyUpdate", dialect: "mysql", set };
    return this.derive({ dialectClause: clause });
  }
}
