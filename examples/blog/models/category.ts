/**
 * A category groups posts. Deleting a category keeps its posts: their `categoryId` is set to NULL
 * (the default when a relationship has no delete cascade).
 */
import { column, Integer, mapped, relationship, String } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";

/** A post category; `slug` is unique. */
@mapped
export class Category extends Base.model("categories", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(80)),
  slug: column(String(80), { unique: true }),
  posts: relationship<Post[]>("Post", { backPopulates: "category", orderBy: "id" }),
}) {}
