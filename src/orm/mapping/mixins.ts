/**
 * Reusable attribute sets (mixins): spread them into a model's attributes. Each call returns fresh
 * definitions, and every model builds its own columns from them.
 */
import { column } from "../../sql/schema/column.js";
import { DateTime } from "../../sql/types/temporal-types.js";
import { sql } from "../../sql/elements/sql-template.js";

const now = (): Date => new Date();

/**
 * `createdAt` and `updatedAt`, set by the application on insert and update, and by the database
 * (`DEFAULT CURRENT_TIMESTAMP`) for rows inserted without the ORM.
 * @example
 * export class Post extends Base.model("posts", { id: column(Integer, { primaryKey: true }), ...timestamps() }) {}
 */
export function timestamps() {
  return {
    createdAt: column(DateTime({ timezone: true }), { default: now, serverDefault: sql`CURRENT_TIMESTAMP` }),
    updatedAt: column(DateTime({ timezone: true }), { default: now, onUpdate: now, serverDefault: sql`CURRENT_TIMESTAMP` }),
  };
}

/**
 * `deletedAt`: null while the row is live, the time it was soft-deleted otherwise. Filter with
 * `Model.deletedAt.isNull()`; set it instead of deleting the row.
 */
export function softDelete() {
  return {
    deletedAt: column(DateTime({ timezone: true }), { nullable: true, index: true }),
  };
}
