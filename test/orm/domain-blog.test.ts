/**
 * The blog domain (examples/blog/models) on every database: relationships kept in sync in memory,
 * many-to-many from both sides, threaded comments, cascades (ORM and ON DELETE), the status enum,
 * the indexes, and every loading strategy with the exact number of statements each one runs.
 */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  containsEager,
  insert,
  inspect,
  joinedload,
  noload,
  ObjectStateError,
  raiseload,
  select,
  selectinload,
  Session,
  subqueryload,
} from "athanor";
import { Base, Category, Comment, Post, postTags, Tag, User } from "../../examples/blog/models/index.js";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements, statementShape as shape } from "../support/orm.js";

/** Minutes after a fixed instant: deterministic `createdAt` / `publishedAt` values. */
const at = (minutes: number): Date => new Date(Date.UTC(2024, 0, 1, 12, minutes));

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  /**
   * ada (1) wrote "Engines" (10, tech, tags orm+sql) and "Notes" (11, life, draft, tag ts); bob (2)
   * wrote "Queries" (12, tech, tag sql). Post 10 has a thread 100 ← 101 ← 102 and a second top-level
   * comment 104; post 12 has comments 103 (ada) and 105 (cy).
   */
  async function seed(): Promise<void> {
    await db.engine.begin(async (conn) => {
      const user = (id: number, username: string, displayName: string) => ({ id, username, email: `${username}@example.com`, displayName });
      await conn.execute(insert(User).values([user(1, "ada", "Ada"), user(2, "bob", "Bob"), user(3, "cy", "Cy")]));
      await conn.execute(
        insert(Category).values([
          { id: 1, name: "Tech", slug: "tech" },
          { id: 2, name: "Life", slug: "life" },
        ]),
      );
      await conn.execute(
        insert(Post).values([
          {
            id: 10,
            authorId: 1,
            categoryId: 1,
            title: "Engines",
            slug: "engines",
            body: "…",
            status: "published",
            publishedAt: at(10),
            createdAt: at(0),
          },
          {
            id: 11,
            authorId: 1,
            categoryId: 2,
            title: "Notes",
            slug: "notes",
            body: "…",
            status: "draft",
            publishedAt: null,
            createdAt: at(1),
          },
          {
            id: 12,
            authorId: 2,
            categoryId: 1,
            title: "Queries",
            slug: "queries",
            body: "…",
            status: "published",
            publishedAt: at(5),
            createdAt: at(2),
          },
        ]),
      );
      await conn.execute(
        insert(Tag).values([
          { id: 1, name: "orm" },
          { id: 2, name: "sql" },
          { id: 3, name: "ts" },
        ]),
      );
      await conn.execute(
        insert(postTags).values([
          { postId: 10, tagId: 1 },
          { postId: 10, tagId: 2 },
          { postId: 11, tagId: 3 },
          { postId: 12, tagId: 2 },
        ]),
      );
      const comment = (id: number, postId: number, authorId: number, parentId: number | null, minute: number) => ({
        id,
        postId,
        authorId,
        parentId,
        body: `c${id}`,
        createdAt: at(minute),
      });
      await conn.execute(
        insert(Comment).values([
          comment(100, 10, 2, null, 1),
          comment(103, 12, 1, null, 4),
          comment(104, 10, 3, null, 5),
          comment(105, 12, 3, null, 6),
        ]),
      );
      await conn.execute(insert(Comment).values(comment(101, 10, 3, 100, 2)));
      await conn.execute(insert(Comment).values(comment(102, 10, 1, 101, 3)));
    });
  }

  /** Ids of a table's rows (or pairs of the association table), in order. */
  async function ids(
    model: typeof User | typeof Post | typeof Comment | typeof Tag | typeof Category,
    session?: Session,
  ): Promise<number[]> {
    // Through the session when it is open (SQLite has one connection), else a connection of its own.
    if (session) return (await session.scalars(select(model.id).orderBy(model.id))).map(Number);
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(model.id).orderBy(model.id));
    return rows.all().map((r) => Number(r.id));
  }
  async function pairs(): Promise<Array<[number, number]>> {
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(postTags.c.postId, postTags.c.tagId).orderBy(postTags.c.postId, postTags.c.tagId));
    return rows.all().map((r) => [Number(r.postId), Number(r.tagId)]);
  }
  const titles = (u: User): string[] => u.posts.map((p) => p.title);
  const tagNames = (p: Post): string[] => p.tags.map((t) => t.name);

  // ── relationships in memory, and saving a graph ───────────────────────────────────────────

  it("keeps both sides in sync in memory and saves a whole graph from its user (save-update)", async () => {
    const ada = new User({ username: "ada", email: "ada@example.com", displayName: "Ada" });
    const tech = new Category({ name: "Tech", slug: "tech" });
    const hello = new Post({ title: "Hello", slug: "hello", body: "first post" });
    expect(hello.status).toBe("draft");
    ada.posts.push(hello); // one-to-many → many-to-one
    expect(hello.author).toBe(ada);
    const second = new Post({ title: "Second", slug: "second", body: "…", author: ada }); // many-to-one → one-to-many
    expect(ada.posts).toEqual([hello, second]);
    hello.category = tech;
    expect(tech.posts).toEqual([hello]);
    const orm = new Tag({ name: "orm" });
    hello.tags.push(orm);
    expect(orm.posts).toEqual([hello]);
    const sqlTag = new Tag({ name: "sql" });
    sqlTag.posts.push(hello, second); // from the other side
    expect(hello.tags).toEqual([orm, sqlTag]);
    expect(second.tags).toEqual([sqlTag]);
    const top = new Comment({ body: "top", author: ada });
    hello.comments.push(top);
    expect(top.post).toBe(hello);
    expect(ada.comments).toEqual([top]);
    const reply = new Comment({ body: "reply", author: ada, post: hello, parent: top });
    expect(top.replies).toEqual([reply]);
    expect(hello.comments).toEqual([top, reply]);
    // Moving a post to another author updates both collections.
    const bob = new User({ username: "bob", email: "bob@example.com", displayName: "Bob" });
    second.author = bob;
    expect(ada.posts).toEqual([hello]);
    expect(bob.posts).toEqual([second]);

    {
      await using s = new Session(db.engine);
      s.add(ada); // everything reachable from ada comes along, bob through second.author too
      s.add(bob);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      expect(rec.count(/^INSERT INTO .?post_tags/i)).toBe(1); // three pairs, one statement
      // Only INSERTs, parents before children (the foreign keys decide the order).
      const order = [...new Set(rec.sql.map(shape))];
      expect([...order].sort()).toEqual([
        "INSERT categories",
        "INSERT comments",
        "INSERT post_tags",
        "INSERT posts",
        "INSERT tags",
        "INSERT users",
      ]);
      const before = (a: string, b: string) => expect(order.indexOf(`INSERT ${a}`)).toBeLessThan(order.indexOf(`INSERT ${b}`));
      before("users", "posts");
      before("categories", "posts");
      before("posts", "comments");
      before("posts", "post_tags");
      before("tags", "post_tags");
      expect(hello.authorId).toBe(ada.id);
      expect(hello.categoryId).toBe(tech.id);
      expect(second.authorId).toBe(bob.id);
      expect(reply.parentId).toBe(top.id);
      expect([top.postId, reply.postId]).toEqual([hello.id, hello.id]);
    }
    expect(await ids(User)).toHaveLength(2);
    expect(await ids(Post)).toHaveLength(2);
    expect(await ids(Comment)).toHaveLength(2);
    expect(await pairs()).toEqual(
      [
        [hello.id, orm.id],
        [hello.id, sqlTag.id],
        [second.id, sqlTag.id],
      ].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!),
    );
  });

  // ── many-to-many ──────────────────────────────────────────────────────────────────────────

  it("changes tags from both sides: removing a tag deletes its association row only", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [engines] = await s.scalars(select(Post).where(Post.id.eq(10)).options(selectinload(Post.tags)));
    const [ts] = await s.scalars(select(Tag).where(Tag.name.eq("ts")).options(selectinload(Tag.posts)));
    expect(tagNames(engines!)).toEqual(["orm", "sql"]);
    expect(ts!.posts.map((p) => p.id)).toEqual([11]);
    ts!.posts.push(engines!); // the tag's side
    expect(tagNames(engines!)).toEqual(["orm", "sql", "ts"]);
    const orm = engines!.tags[0]!;
    engines!.tags.splice(0, 1); // the post's side
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["DELETE post_tags", "INSERT post_tags"]);
    expect(await pairs()).toEqual([
      [10, 2],
      [10, 3],
      [11, 3],
      [12, 2],
    ]);
    expect(await ids(Tag)).toEqual([1, 2, 3]);
    expect(orm.name).toBe("orm");
  });

  it("deleting a post removes its association rows without loading its tags; the tags stay", async () => {
    await seed();
    await using s = new Session(db.engine);
    const notes = (await s.get(Post, 11))!;
    s.delete(notes);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    // No SELECT: tags, comments (passive) and the write-only feed are not loaded.
    expect(rec.sql.map(shape)).toEqual(["DELETE post_tags", "DELETE posts"]);
    expect(await pairs()).toEqual([
      [10, 1],
      [10, 2],
      [12, 2],
    ]);
    expect(await ids(Tag)).toEqual([1, 2, 3]);
  });

  // ── threaded comments ─────────────────────────────────────────────────────────────────────

  it("loads a comment thread level by level, with the parent back-reference", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const roots = await s.scalars(
      select(Comment)
        .where(Comment.postId.eq(10))
        .where(Comment.parentId.isNull())
        .orderBy(Comment.createdAt)
        .options(selectinload(Comment.replies).selectinload(Comment.replies).selectinload(Comment.replies)),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(4); // the roots, then one IN query per level
    expect(roots.map((c) => c.id)).toEqual([100, 104]);
    const [first, second] = roots as [Comment, Comment];
    expect(first.replies.map((c) => c.id)).toEqual([101]);
    expect(first.replies[0]!.replies.map((c) => c.id)).toEqual([102]);
    expect(first.replies[0]!.replies[0]!.replies).toEqual([]);
    expect(second.replies).toEqual([]);
    expect(first.replies[0]!.parent).toBe(first);
  });

  it("replies to a reply, and a new thread is written parent first", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [c102] = await s.scalars(select(Comment).where(Comment.id.eq(102)).options(selectinload(Comment.replies)));
    const bob = (await s.get(User, 2))!;
    const answer = new Comment({ body: "answer", author: bob, postId: 10, parent: c102! });
    const followUp = new Comment({ body: "follow-up", author: bob, postId: 10, parent: answer });
    expect(c102!.replies).toEqual([answer]);
    expect(answer.replies).toEqual([followUp]);
    await s.commit();
    expect(answer.parentId).toBe(102);
    expect(followUp.parentId).toBe(answer.id);
  });

  // ── cascades ──────────────────────────────────────────────────────────────────────────────

  it("deleting a user deletes their posts, those posts' comments (ON DELETE CASCADE) and their own comments", async () => {
    await seed();
    await using s = new Session(db.engine);
    const ada = (await s.get(User, 1))!;
    s.delete(ada);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    // ada's posts and ada's comments are SELECTed to be deleted; the comments of her posts and the
    // replies to her comments are left to the database (passiveDeletes).
    expect(rec.sql.map(shape)).toEqual([
      "SELECT posts", // ada's posts (WHERE author_id IN …)
      "SELECT comments", // ada's comments (WHERE author_id IN …), not the comments of her posts
      "DELETE post_tags",
      "DELETE comments",
      "DELETE posts",
      "DELETE users",
    ]);
    expect(await ids(User)).toEqual([2, 3]);
    expect(await ids(Post)).toEqual([12]);
    expect(await ids(Comment)).toEqual([105]);
    expect(await pairs()).toEqual([[12, 2]]);
    expect(await ids(Tag)).toEqual([1, 2, 3]);
    expect(await ids(Category)).toEqual([1, 2]);
  });

  it("deletes orphans: a post removed from user.posts, a comment removed from post.comments", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [ada] = await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.posts).selectinload(Post.comments)));
    const [engines, notes] = ada!.posts as [Post, Post];
    expect(notes.title).toBe("Notes");
    ada!.posts.splice(1, 1);
    expect(notes.author).toBeNull();
    const second = engines.comments.find((c) => c.id === 104)!;
    engines.comments.splice(engines.comments.indexOf(second), 1);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["DELETE post_tags", "DELETE comments", "DELETE posts"]);
    expect(await ids(Post)).toEqual([10, 12]);
    expect(await ids(Comment)).toEqual([100, 101, 102, 103, 105]);
    expect(await pairs()).toEqual([
      [10, 1],
      [10, 2],
      [12, 2],
    ]);
  });

  it("passive deletes: deleting a post leaves its unloaded comments and replies to ON DELETE CASCADE", async () => {
    await seed();
    await using s = new Session(db.engine);
    const engines = (await s.get(Post, 10))!;
    s.delete(engines);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["DELETE post_tags", "DELETE posts"]); // no SELECT of comments
    expect(await ids(Comment)).toEqual([103, 105]);
  });

  it("deleting a category keeps its posts and sets their category_id to NULL", async () => {
    await seed();
    await using s = new Session(db.engine);
    const tech = (await s.get(Category, 1))!;
    s.delete(tech);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    // Its posts are read and let go of (one UPDATE for both), then the category goes.
    expect(rec.sql.map(shape)).toEqual(["SELECT posts", "UPDATE posts", "DELETE categories"]);
    s.expungeAll();
    const posts = await s.scalars(select(Post).orderBy(Post.id));
    expect(posts.map((p) => [p.id, p.categoryId])).toEqual([
      [10, null],
      [11, 2],
      [12, null],
    ]);
    expect(await ids(Category, s)).toEqual([2]);
  });

  // ── schema: the enum and the indexes ──────────────────────────────────────────────────────

  it("refuses a status outside the enum, naming the allowed values", async () => {
    const message = /Post\.status: expected one of "draft", "published", "archived", got string "deleted"/;
    expect(() => new Post({ title: "x", slug: "x", body: "x", status: "deleted" as never })).toThrow(ArgumentError);
    expect(() => new Post({ title: "x", slug: "x", body: "x", status: "deleted" as never })).toThrow(message);
    const p = new Post({ title: "x", slug: "x", body: "x" });
    expect(() => (p.status = "deleted" as never)).toThrow(message);
    expect(p.status).toBe("draft");
    await seed();
    await expect(
      db.engine.begin((conn) =>
        conn.execute(insert(Post).values({ id: 99, authorId: 1, title: "x", slug: "x", body: "x", status: "deleted" as never })),
      ),
    ).rejects.toThrow(/expected one of "draft", "published", "archived", got string "deleted"/);
    expect(await ids(Post)).toEqual([10, 11, 12]);
  });

  it("declares the indexes for the common queries, named by the naming convention", () => {
    const table = inspect(Post).table;
    const indexes = [...table.indexes].map((ix) => [String(ix.name), ix.columns.map((c) => c.name)]);
    expect(indexes.sort()).toEqual([
      ["ix_posts_author_id_created_at", ["author_id", "created_at"]],
      ["ix_posts_status_published_at", ["status", "published_at"]],
    ]);
    const uniques = (t: typeof table) => t.uniqueConstraints.map((c) => String(c.name)).sort();
    expect(uniques(table)).toEqual(["uq_posts_slug"]);
    expect(uniques(inspect(User).table)).toEqual(["uq_users_email", "uq_users_username"]);
  });

  // ── loading strategies ────────────────────────────────────────────────────────────────────

  it("selectinload: one more query for the collection, back-references filled", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).options(selectinload(User.posts)).orderBy(User.id));
    rec.stop();
    expect(rec.sql).toHaveLength(2);
    expect(rec.sql[1]).toMatch(/ IN \(/);
    expect(users.map(titles)).toEqual([["Engines", "Notes"], ["Queries"], []]);
    expect(users[0]!.posts[0]!.author).toBe(users[0]);
  });

  it("joinedload: one query, parents de-duplicated across the joined rows", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).options(joinedload(User.posts).joinedload(Post.tags)).orderBy(User.id));
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(rec.sql[0]).toMatch(/LEFT OUTER JOIN/);
    // ada comes back on 3 joined rows (Engines×2 tags, Notes×1) but once in the result.
    expect(users.map((u) => u.username)).toEqual(["ada", "bob", "cy"]);
    expect(users.map(titles)).toEqual([["Engines", "Notes"], ["Queries"], []]);
    expect(users[0]!.posts.map(tagNames)).toEqual([["orm", "sql"], ["ts"]]);
  });

  it("subqueryload: the original query again, as a subquery joined to the posts", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).where(User.id.lt(3)).options(subqueryload(User.posts)).orderBy(User.id));
    rec.stop();
    expect(rec.sql).toHaveLength(2);
    expect(rec.sql[1]).toMatch(/JOIN \(SELECT/);
    expect(users.map(titles)).toEqual([["Engines", "Notes"], ["Queries"]]);
  });

  it("noload gives empty values without SQL; raiseload and the default raise name the relationship", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).options(noload(User.posts)).orderBy(User.id));
    expect(rec.sql).toHaveLength(1);
    expect(users.map((u) => u.posts)).toEqual([[], [], []]);

    const [engines] = await s.scalars(select(Post).where(Post.id.eq(10)).options(raiseload(Post.tags)));
    expect(() => engines!.tags).toThrow(ObjectStateError);
    expect(() => engines!.tags).toThrow(/Post\.tags is not loaded/);
    // Nothing was set for comments: the default strategy ("raise") names the ways to load them.
    expect(() => engines!.comments).toThrow(
      /Post\.comments is not loaded.*selectinload\(Post\.comments\).*await session\.load\(obj, "comments"\)/,
    );
    expect(() => engines!.category).toThrow(/Post\.category is not loaded/);
    rec.stop();
    expect(rec.sql).toHaveLength(2);
  });

  it("session.load loads a relationship of many objects in one query, and nothing when loaded", async () => {
    await seed();
    await using s = new Session(db.engine);
    const users = await s.scalars(select(User).orderBy(User.id));
    const rec = recordStatements(db.engine);
    await s.load(users, "posts");
    expect(rec.sql).toHaveLength(1);
    expect(users.map(titles)).toEqual([["Engines", "Notes"], ["Queries"], []]);
    rec.clear();
    expect(await s.load(users[0]!, "posts")).toBe(users[0]!.posts);
    // The categories: two posts share "Tech", loaded once each.
    const posts = users.flatMap((u) => u.posts);
    await s.load(posts, "category");
    expect(posts.map((p) => p.category?.slug)).toEqual(["tech", "life", "tech"]);
    expect(posts[0]!.category).toBe(posts[2]!.category);
    rec.stop();
    expect(rec.sql).toHaveLength(1);
  });

  it("write-only comment feed: filter, count, page, add and remove without loading the comments", async () => {
    await seed();
    await using s = new Session(db.engine);
    const engines = (await s.get(Post, 10))!;
    const rec = recordStatements(db.engine);
    expect(await engines.commentFeed.count()).toBe(4);
    const byCy = await s.scalars(engines.commentFeed.select().where(Comment.authorId.eq(3)).orderBy(Comment.id));
    expect(byCy.map((c) => c.id)).toEqual([101, 104]);
    const page = await s.scalars(engines.commentFeed.select().orderBy(Comment.createdAt).limit(2).offset(1));
    expect(page.map((c) => c.id)).toEqual([101, 102]);
    expect(rec.sql).toHaveLength(3);

    const bob = (await s.get(User, 2))!;
    rec.clear();
    const added = new Comment({ id: 106, body: "late", author: bob });
    engines.commentFeed.add(added);
    engines.commentFeed.remove(byCy[1]!); // 104: delete-orphan deletes it
    await s.flush();
    expect(rec.sql.map(shape)).toEqual(["INSERT comments", "DELETE comments"]);
    expect(added.postId).toBe(10);
    expect(await engines.commentFeed.count()).toBe(4);
    expect(await ids(Comment, s)).toEqual([100, 101, 102, 103, 105, 106]);
    // The feed never filled the regular collection.
    expect(() => engines.comments).toThrow(/Post\.comments is not loaded/);
    rec.stop();
  });

  it("containsEager fills posts from the statement's own filtered join", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(
      select(User, Post)
        .join(Post, Post.authorId.eq(User.id))
        .where(Post.status.eq("published"))
        .options(containsEager(User.posts))
        .orderBy(User.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(users.map((u) => u.username)).toEqual(["ada", "bob"]);
    expect(users.map(titles)).toEqual([["Engines"], ["Queries"]]); // ada's draft is not there
  });

  it("chains options: users → posts → tags", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).options(selectinload(User.posts).selectinload(Post.tags)).orderBy(User.id));
    rec.stop();
    expect(rec.sql).toHaveLength(3); // users, posts, tags
    expect(users.map((u) => u.posts.map(tagNames))).toEqual([[["orm", "sql"], ["ts"]], [["sql"]], []]);
  });

  it("chains options: posts → tags and posts → comments → author", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const posts = await s.scalars(
      select(Post)
        .where(Post.status.eq("published"))
        .options(selectinload(Post.tags), selectinload(Post.comments).selectinload(Comment.author), joinedload(Post.author))
        .orderBy(Post.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(4); // posts joined to authors, tags, comments, comment authors not in the session yet
    expect(posts.map((p) => [p.title, p.author.username])).toEqual([
      ["Engines", "ada"],
      ["Queries", "bob"],
    ]);
    expect(posts.map(tagNames)).toEqual([["orm", "sql"], ["sql"]]);
    expect(posts[0]!.comments.map((c) => [c.id, c.author.username])).toEqual([
      [100, "bob"],
      [101, "cy"],
      [102, "ada"],
      [104, "cy"],
    ]);
    expect(posts[0]!.comments[2]!.author).toBe(posts[0]!.author); // one object per row
    expect(posts[1]!.comments.map((c) => c.author.username)).toEqual(["ada", "cy"]);
  });
});
