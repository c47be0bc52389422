/** Many-to-many loading through the association table on every database: selectin, joined, subquery, session.load, write-only. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  column,
  declarativeBase,
  insert,
  Integer,
  joinedload,
  mapped,
  MetaData,
  relationship,
  select,
  selectinload,
  Session,
  String,
  subqueryload,
  Table,
  trackStatements,
  type WriteOnlyCollection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

const postTags = new Table("mm_post_tags", Base.metadata, {
  postId: column(Integer, { primaryKey: true, foreignKey: "mm_posts.id" }),
  tagId: column(Integer, { primaryKey: true, foreignKey: "mm_tags.id" }),
});
void postTags;

@mapped
class Post extends Base.model("mm_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(50)),
  tags: relationship<Tag[]>("Tag", { secondary: "mm_post_tags", backPopulates: "posts", orderBy: "label" }),
  tagLog: relationship<WriteOnlyCollection<Tag>>("Tag", { secondary: "mm_post_tags", lazy: "writeOnly", viewonly: false }),
}) {}

@mapped
class Tag extends Base.model("mm_tags", {
  id: column(Integer, { primaryKey: true }),
  label: column(String(20)),
  posts: relationship<Post[]>("Post", { secondary: "mm_post_tags", backPopulates: "tags" }),
}) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(async () => {
    await emptyTables(db.engine, Base.metadata);
    await db.engine.begin(async (conn) => {
      await conn.execute(
        insert(Post).values([
          { id: 1, title: "p1" },
          { id: 2, title: "p2" },
          { id: 3, title: "p3" },
        ]),
      );
      await conn.execute(
        insert(Tag).values([
          { id: 1, label: "b" },
          { id: 2, label: "a" },
          { id: 3, label: "c" },
        ]),
      );
      await conn.execute(
        insert(postTags).values([
          { postId: 1, tagId: 1 },
          { postId: 1, tagId: 2 },
          { postId: 2, tagId: 1 },
        ]),
      );
    });
  });

  const labels = (p: Post): string[] => p.tags.map((t) => t.label);

  for (const [name, option, count] of [
    ["selectin", selectinload(Post.tags), 2],
    ["joined", joinedload(Post.tags), 1],
    ["subquery", subqueryload(Post.tags), 2],
  ] as const) {
    it(`${name} loads through the association table, in the relationship's order`, async () => {
      await using s = new Session(db.engine);
      const t = trackStatements(s);
      const posts = await s.scalars(select(Post).options(option).orderBy(Post.id));
      t.stop();
      expect(t.count).toBe(count);
      expect(posts.map(labels)).toEqual([["a", "b"], ["b"], []]);
      expect(posts[0]!.tags[1]).toBe(posts[1]!.tags[0]);
    });
  }

  it("session.load of a many-to-many for several objects is one query", async () => {
    await using s = new Session(db.engine);
    const tags = await s.scalars(select(Tag).orderBy(Tag.id));
    const t = trackStatements(s);
    await s.load(tags, "posts");
    t.stop();
    expect(t.count).toBe(1);
    expect(tags.map((x) => x.posts.map((p) => p.id))).toEqual([[1, 2], [1], []]);
  });

  it("write-only many-to-many inserts and deletes association rows", async () => {
    await using s = new Session(db.engine);
    const post = (await s.get(Post, 3))!;
    const [b, a] = await s.scalars(select(Tag).orderBy(Tag.id));
    post.tagLog.add(a!);
    post.tagLog.add(b!);
    await s.flush();
    expect(await post.tagLog.count()).toBe(2);
    post.tagLog.remove(a!);
    await s.flush();
    expect((await s.scalars(post.tagLog.select())).map((x) => x.label)).toEqual(["b"]);
  });
});
