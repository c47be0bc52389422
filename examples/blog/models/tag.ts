/** A tag: the other side of the posts ↔ tags many-to-many (rows of `post_tags`). */
import { column, Integer, mapped, relationship, String } from "athanor";
import { Base } from "./base.js";
import type { Post } from "./post.js";

/** A tag with a unique name. */
@mapped
export class Tag extends Base.model("tags", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(40), { unique: true }),
  posts: relationship<Post[]>("Post", { secondary: "post_tags", backPopulates: "tags", orderBy: "id" }),
}) {}
