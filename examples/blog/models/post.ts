/**
 * A blog post: written by a user, optionally in a category, tagged, and commented on. Indexed for
 * the two common listings: published posts by date, and one author's posts by date.
 */
import { column, DateTime, Enum, index, Integer, mapped, relationship, String, Text, timestamps, type WriteOnlyCollection } from "athanor";
import { Base } from "./base.js";
import type { Category } from "./category.js";
import type { Comment } from "./comment.js";
import type { Tag } from "./tag.js";
import type { User } from "./user.js";

/** The states a post goes through. */
export const POST_STATUSES = ["draft", "published", "archived"] as const;

/** A post; `slug` is unique, `status` is one of {@link POST_STATUSES}. */
@mapped
export class Post extends Base.model(
  "posts",
  {
    id: column(Integer, { primaryKey: true }),
    authorId: column(Integer, { foreignKey: "users.id" }),
    categoryId: column(Integer, { nullable: true, foreignKey: "categories.id" }),
    title: column(String(200)),
    slug: column(String(200), { unique: true }),
    body: column(Text),
    status: column(Enum(POST_STATUSES), { default: "draft" }),
    publishedAt: column(DateTime({ timezone: true }), { nullable: true }),
    ...timestamps(),
    author: relationship<User>("User", { backPopulates: "posts" }),
    category: relationship<Category | null>("Category", { backPopulates: "posts" }),
    /** Every comment, oldest first; the database deletes them with the post when they are not loaded. */
    comments: relationship<Comment[]>("Comment", {
      backPopulates: "post",
      cascade: "all, delete-orphan",
      passiveDeletes: true,
      orderBy: ["createdAt", "id"],
    }),
    /**
     * The same comments as a write-only collection: counted, filtered and paged in SQL, never loaded;
     * a comment removed from it is deleted (delete-orphan).
     */
    commentFeed: relationship<WriteOnlyCollection<Comment>>("Comment", {
      lazy: "writeOnly",
      cascade: "all, delete-orphan",
      passiveDeletes: true,
    }),
    tags: relationship<Tag[]>("Tag", { secondary: "post_tags", backPopulates: "posts", orderBy: "name" }),
  },
  {
    tableArgs: (c) => [index([c.status, c.publishedAt]), index([c.authorId, c.createdAt])],
  },
) {}
