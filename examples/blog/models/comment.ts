/**
 * A comment on a post, by a user; comments are threaded (a reply points at its parent comment).
 * The database deletes a post's comments, and a comment's replies, with their parent row.
 */
import { column, DateTime, foreignKey, Integer, mapped, relationship, sql, Text } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";
import type { User } from "./user.js";

/** A comment; `parentId` is null for a top-level comment. */
@mapped
export class Comment extends Base.model("comments", {
  id: column(Integer, { primaryKey: true }),
  postId: column(Integer, { foreignKey: foreignKey("posts.id", { onDelete: "CASCADE" }) }),
  authorId: column(Integer, { foreignKey: "users.id" }),
  parentId: column(Integer, { nullable: true, foreignKey: foreignKey("comments.id", { onDelete: "CASCADE" }) }),
  body: column(Text),
  createdAt: column(DateTime({ timezone: true }), { default: () => new Date(), serverDefault: sql`CURRENT_TIMESTAMP` }),
  post: relationship<Post>("Post", { backPopulates: "comments" }),
  author: relationship<User>("User", { backPopulates: "comments" }),
  parent: relationship<Comment | null>("Comment", { remoteSide: "id", backPopulates: "replies" }),
  replies: relationship<Comment[]>("Comment", {
    backPopulates: "parent",
    cascade: "all, delete-orphan",
    passiveDeletes: true,
    orderBy: ["createdAt", "id"],
  }),
}) {}
