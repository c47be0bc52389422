/**
 * A registered user: writes posts and comments. Deleting a user deletes their posts (and, through
 * the posts, every comment on them) and their own comments.
 */
import { column, Integer, mapped, relationship, String, timestamps } from "athanor";
import { Base } from "./base.js";
import type { Comment } from "./comment.js";
import type { Post } from "./post.js";

/** A blog user; `username` and `email` are unique. */
@mapped
export class User extends Base.model("users", {
  id: column(Integer, { primaryKey: true }),
  username: column(String(40), { unique: true }),
  email: column(String(255), { unique: true }),
  displayName: column(String(100)),
  ...timestamps(),
  posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan", orderBy: "id" }),
  comments: relationship<Comment[]>("Comment", { backPopulates: "author", cascade: "all, delete-orphan", orderBy: "id" }),
}) {}
