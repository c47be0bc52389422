/**
 * `post_tags`: the association table of the posts ↔ tags many-to-many. Rows go away with either
 * side (ORM-side at flush, and `ON DELETE CASCADE` for deletes the ORM does not see).
 */
import { column, foreignKey, Integer, Table } from "athanor";
import { Base } from "./base.js";

/** One row per (post, tag) pair. A Core Table keeps attribute keys as column names, so the names are given. */
export const postTags = new Table("post_tags", Base.metadata, {
  postId: column(Integer, { name: "post_id", primaryKey: true, foreignKey: foreignKey("posts.id", { onDelete: "CASCADE" }) }),
  tagId: column(Integer, { name: "tag_id", primaryKey: true, foreignKey: foreignKey("tags.id", { onDelete: "CASCADE" }) }),
});
