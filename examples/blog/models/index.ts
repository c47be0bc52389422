/**
 * The blog domain: users write posts in categories, tag them, and comment on them in threads.
 * Importing this module registers every model with {@link Base}.
 */
export { Base } from "./base.js";
export { Category } from "./category.js";
export { Comment } from "./comment.js";
export { Post, POST_STATUSES } from "./post.js";
export { postTags } from "./post-tags.js";
export { Tag } from "./tag.js";
export { User } from "./user.js";
