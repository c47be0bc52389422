/**
 * The models of the relationship-loading benchmarks (bench/relationships.ts): users with posts
 * (one-to-many), and posts with tags through an association table (many-to-many). The default
 * loader of every relationship is "raise", so each query names its strategy.
 */
import { column, declarativeBase, Integer, mapped, MetaData, relationship, String, Table } from "athanor";

export const Base = declarativeBase({ metadata: new MetaData() });

@mapped
export class BenchUser extends Base.model("bench_rel_users", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
  email: column(String(100)),
  posts: relationship<BenchPost[]>("BenchPost", { backPopulates: "author" }),
}) {}

@mapped
export class BenchPost extends Base.model("bench_rel_posts", {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, { foreignKey: "bench_rel_users.id", index: true }),
  title: column(String(100)),
  views: column(Integer),
  author: relationship<BenchUser>("BenchUser", { backPopulates: "posts" }),
  tags: relationship<BenchTag[]>("BenchTag", { secondary: "bench_rel_post_tags" }),
}) {}

@mapped
export class BenchTag extends Base.model("bench_rel_tags", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30)),
}) {}

export const postTags = new Table("bench_rel_post_tags", Base.metadata, {
  post_id: column(Integer, { primaryKey: true, foreignKey: "bench_rel_posts.id" }),
  tag_id: column(Integer, { primaryKey: true, foreignKey: "bench_rel_tags.id", index: true }),
});

export const USERS = 1_000;
export const POSTS_PER_USER = 10;
export const TAGGED_POSTS = 2_000;
export const TAGS = 50;
export const TAGS_PER_POST = 3;

/** The rows both sides load: users, their posts, tags and which posts carry which tags. */
export function seedRows(): { users: object[]; posts: object[]; tags: object[]; postTags: object[] } {
  const users = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, name: `user ${i + 1}`, email: `u${i + 1}@example.com` }));
  const posts = Array.from({ length: USERS * POSTS_PER_USER }, (_, i) => ({
    id: i + 1,
    userId: (i % USERS) + 1,
    title: `post ${i + 1}`,
    views: (i * 7) % 1000,
  }));
  const tags = Array.from({ length: TAGS }, (_, i) => ({ id: i + 1, name: `tag ${i + 1}` }));
  const pairs: object[] = [];
  for (let p = 1; p <= TAGGED_POSTS; p++)
    for (let k = 0; k < TAGS_PER_POST; k++) pairs.push({ post_id: p, tag_id: ((p * 7 + k * 13) % TAGS) + 1 });
  return { users, posts, tags, postTags: pairs };
}
