/** Relationship loading on every database: selectin, joined, subquery, noload, raise, defaults, session.load, statement counts. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  column,
  containsEager,
  declarativeBase,
  ForeignKeyConstraint,
  defaultload,
  insert,
  Integer,
  joinedload,
  mapped,
  MetaData,
  noload,
  ObjectStateError,
  raiseload,
  relationship,
  select,
  selectinload,
  Session,
  String,
  subqueryload,
  trackStatements,
  update,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class User extends Base.model("ld_users", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
  posts: relationship<Post[]>("Post", { backPopulates: "author", orderBy: "id" }),
  notes: relationship<Note[]>("Note", { lazy: "selectin", orderBy: "id desc" }),
}) {}

@mapped
class Post extends Base.model("ld_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(100)),
  userId: column(Integer, { foreignKey: "ld_users.id" }),
  author: relationship<User>("User", { backPopulates: "posts" }),
  comments: relationship<Comment[]>("Comment", { orderBy: "id" }),
}) {}

@mapped
class Comment extends Base.model("ld_comments", {
  id: column(Integer, { primaryKey: true }),
  body: column(String(100)),
  postId: column(Integer, { foreignKey: "ld_posts.id" }),
  writerId: column(Integer, { foreignKey: "ld_users.id" }),
  writer: relationship<User>("User", {}),
}) {}

@mapped
class Note extends Base.model("ld_notes", {
  id: column(Integer, { primaryKey: true }),
  text: column(String(50)),
  userId: column(Integer, { foreignKey: "ld_users.id" }),
}) {}

@mapped
class Node extends Base.model("ld_nodes", {
  id: column(Integer, { primaryKey: true }),
  label: column(String(20)),
  parentId: column(Integer, { nullable: true, foreignKey: "ld_nodes.id" }),
  parent: relationship<Node | null>("Node", { remoteSide: "id", backPopulates: "children" }),
  children: relationship<Node[]>("Node", { backPopulates: "parent", orderBy: "id" }),
}) {}

/** Composite keys: a shelf is (room, number); books reference both columns. */
@mapped
class Shelf extends Base.model("ld_shelves", {
  room: column(Integer, { primaryKey: true }),
  num: column(Integer, { primaryKey: true }),
  books: relationship<Book[]>("Book", { backPopulates: "shelf", orderBy: "id" }),
}) {}

@mapped
class Book extends Base.model(
  "ld_books",
  {
    id: column(Integer, { primaryKey: true }),
    room: column(Integer),
    num: column(Integer),
    shelf: relationship<Shelf>("Shelf", { backPopulates: "books" }),
  },
  { tableArgs: (c) => [new ForeignKeyConstraint([c.room, c.num], ["ld_shelves.room", "ld_shelves.num"])] },
) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(async () => {
    await db.engine.begin(async (conn) => void (await conn.execute(update(Node).set({ parentId: null }))));
    await emptyTables(db.engine, Base.metadata);
    await db.engine.begin(async (conn) => {
      await conn.execute(
        insert(User).values([
          { id: 1, name: "ada" },
          { id: 2, name: "bob" },
          { id: 3, name: "cy" },
        ]),
      );
      await conn.execute(
        insert(Post).values([
          { id: 10, title: "a1", userId: 1 },
          { id: 11, title: "a2", userId: 1 },
          { id: 12, title: "b1", userId: 2 },
        ]),
      );
      await conn.execute(
        insert(Comment).values([
          { id: 100, body: "c1", postId: 10, writerId: 2 },
          { id: 101, body: "c2", postId: 10, writerId: 3 },
          { id: 102, body: "c3", postId: 12, writerId: 1 },
        ]),
      );
      await conn.execute(
        insert(Note).values([
          { id: 1, text: "n1", userId: 1 },
          { id: 2, text: "n2", userId: 1 },
        ]),
      );
    });
  });

  const titles = (u: User): string[] => u.posts.map((p) => p.title);

  it("selectinload issues one IN query per relationship level, with the relationship's order", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(select(User).options(selectinload(User.posts)).orderBy(User.id));
    t.stop();
    // users, their posts, and the notes (lazy: "selectin" by default)
    expect(t.count).toBe(3);
    expect(t.statements[1]).toMatch(/IN \(/);
    // One-to-many select-IN reads the child table only.
    expect(t.statements[1]).not.toMatch(/JOIN/);
    expect(t.statements[1]).toMatch(/ld_posts/);
    expect(t.statements[1]).not.toMatch(/ld_users/);
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"], []]);
    expect(users[0]!.notes.map((n) => n.text)).toEqual(["n2", "n1"]);
    // The many-to-one back-reference is filled too.
    expect(users[0]!.posts[0]!.author).toBe(users[0]);
  });

  it("chains options through several levels", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(
      select(User).options(selectinload(User.posts).selectinload(Post.comments).joinedload(Comment.writer)).orderBy(User.id),
    );
    t.stop();
    expect(t.count).toBe(4); // users, posts, comments joined to writers, notes
    const c = users[0]!.posts[0]!.comments;
    expect(c.map((x) => x.body)).toEqual(["c1", "c2"]);
    expect(c.map((x) => x.writer.name)).toEqual(["bob", "cy"]);
    expect(users[1]!.posts[0]!.comments[0]!.writer).toBe(users[0]);
  });

  it("a joined collection below a select-IN link does not repeat the select-IN objects", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(
      select(User).options(selectinload(User.posts).joinedload(Post.comments), noload(User.notes)).orderBy(User.id),
    );
    t.stop();
    expect(t.count).toBe(2);
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"], []]);
    expect(users[0]!.posts.map((p) => p.comments.map((c) => c.body))).toEqual([["c1", "c2"], []]);
  });

  it("joinedload loads in the same SELECT and de-duplicates parents", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(select(User).options(joinedload(User.posts), noload(User.notes)).orderBy(User.id));
    t.stop();
    expect(t.count).toBe(1);
    expect(t.statements[0]).toMatch(/LEFT OUTER JOIN/);
    expect(users.map((u) => u.name)).toEqual(["ada", "bob", "cy"]);
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"], []]);
    expect(users[0]!.notes).toEqual([]);
  });

  it("joinedload with LIMIT counts parents", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(select(User).options(joinedload(User.posts), noload(User.notes)).orderBy(User.id).limit(2));
    t.stop();
    expect(t.count).toBe(1);
    expect(users.map((u) => u.name)).toEqual(["ada", "bob"]);
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"]]);
  });

  it("joinedload of a many-to-one, inner join on request", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const posts = await s.scalars(
      select(Post)
        .options(joinedload(Post.author, { innerJoin: true }).noload(User.notes))
        .orderBy(Post.id),
    );
    t.stop();
    expect(t.count).toBe(1);
    expect(t.statements[0]).toMatch(/ JOIN /);
    expect(t.statements[0]).not.toMatch(/LEFT OUTER/);
    expect(posts.map((p) => p.author.name)).toEqual(["ada", "ada", "bob"]);
  });

  it("subqueryload re-runs the original query as a subquery", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(select(User).where(User.id.lt(3)).options(subqueryload(User.posts), noload(User.notes)).orderBy(User.id));
    t.stop();
    expect(t.count).toBe(2);
    expect(t.statements[1]).toMatch(/JOIN \(SELECT/);
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"]]);
  });

  it("subqueryload of a many-to-one, and under another option", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const comments = await s.scalars(
      select(Comment).where(Comment.id.lt(102)).options(subqueryload(Comment.writer).noload(User.notes)).orderBy(Comment.id),
    );
    t.stop();
    expect(t.count).toBe(2);
    expect(comments.map((c) => c.writer.name)).toEqual(["bob", "cy"]);
  });

  it("raise: reading an unloaded relationship names the options that load it", async () => {
    await using s = new Session(db.engine);
    const [u] = await s.scalars(select(User).where(User.id.eq(1)).options(raiseload(User.notes)));
    expect(() => u!.posts).toThrow(ObjectStateError);
    expect(() => u!.posts).toThrow(/User\.posts is not loaded.*selectinload\(User\.posts\).*await session\.load\(obj, "posts"\)/);
    expect(() => u!.notes).toThrow(/User\.notes is not loaded/);
  });

  it("session.load loads one object's or many objects' relationship, and checks the identity map first", async () => {
    await using s = new Session(db.engine);
    const users = await s.scalars(select(User).options(noload(User.notes)).orderBy(User.id));
    const t = trackStatements(s);
    const posts = await s.load(users[0]!, "posts");
    expect(posts.map((p) => p.title)).toEqual(["a1", "a2"]);
    expect(t.count).toBe(1);
    await s.load(users, "posts");
    expect(t.count).toBe(2); // only bob and cy were left
    expect(users.map(titles)).toEqual([["a1", "a2"], ["b1"], []]);
    const [c] = await s.scalars(select(Comment).where(Comment.id.eq(100)));
    t.reset();
    expect(await s.load(c!, "writer")).toBe(users[1]);
    expect(t.count).toBe(0);
    // An expired foreign key is read again before the many-to-one loads.
    const [c2] = await s.scalars(select(Comment).where(Comment.id.eq(101)));
    s.expire(c2!);
    t.reset();
    expect((await s.load(c2!, "writer")).name).toBe("cy");
    expect(t.count).toBe(1);
    // Loading again returns what is there without SQL.
    t.reset();
    expect(await s.load(users[0]!, "posts")).toBe(users[0]!.posts);
    expect(t.count).toBe(0);
    t.stop();
  });

  it("options below a many-to-one apply to targets found in the identity map", async () => {
    await using s = new Session(db.engine);
    await s.scalars(select(User).options(noload(User.notes)));
    const t = trackStatements(s);
    const comments = await s.scalars(select(Comment).options(selectinload(Comment.writer).selectinload(User.posts)).orderBy(Comment.id));
    t.stop();
    expect(t.count).toBe(2); // comments, then the writers' posts (the writers themselves were in the session)
    expect(comments.map((c) => titles(c.writer))).toEqual([["b1"], [], ["a1", "a2"]]);
  });

  it("session.load on new objects gives empty values without SQL; bad calls fail clearly", async () => {
    await using s = new Session(db.engine);
    const u = new User({ id: 9, name: "new" });
    s.add(u);
    const t = trackStatements(s);
    expect(await s.load(u, "posts")).toEqual([]);
    expect(t.count).toBe(0);
    t.stop();
    await expect(s.load(u, "nope" as never)).rejects.toThrow(/User has no relationship "nope"; its relationships are posts, notes/);
    await expect(s.load(u, "name")).rejects.toThrow(ArgumentError);
    const [x] = await s.scalars(select(User).where(User.id.eq(1)).options(noload(User.notes)));
    s.expunge(x!);
    await expect(s.load(x!, "posts")).rejects.toThrow(/detached from its session.*session\.add\(obj\)/);
    expect(() => select(Post).options(selectinload(User.posts).selectinload(User.notes as never))).toThrow(
      /cannot follow User\.posts: that loads Post objects, and notes is a relationship of User/,
    );
    await expect(s.scalars(select(Post).options({ not: "an option" }))).rejects.toThrow(
      /options\(\) takes loader options such as selectinload\(Post\.…\), got/,
    );
    expect(() => selectinload(User.name as never)).toThrow(/selectinload\(\) takes a relationship attribute of a model/);
    await expect(s.scalars(select(Post).options(selectinload(User.posts)))).rejects.toThrow(
      /does not apply to a query of Post.*start the option from a relationship of Post/,
    );
  });

  it("refresh(obj, [relationship]) reloads it; loads never overwrite a loaded relationship", async () => {
    await using s = new Session(db.engine);
    const [u] = await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.posts)));
    // Through the session's own transaction (SQLite has one connection; MariaDB reads a snapshot).
    await (await s.connection()).execute(insert(Post).values({ id: 13, title: "a3", userId: 1 }));
    const again = await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.posts)));
    expect(again[0]).toBe(u);
    expect(titles(u!)).toEqual(["a1", "a2"]);
    await s.refresh(u!, ["posts"]);
    expect(titles(u!)).toEqual(["a1", "a2", "a3"]);
  });

  it("selectin batches 5,000 parents per IN query (10,003 parents: 3 queries)", async () => {
    await db.engine.begin(async (conn) => {
      const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: 1000 + i, name: `u${i}` }));
      await conn.execute(insert(User).values(rows));
    });
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(select(User).options(selectinload(User.posts), noload(User.notes)));
    t.stop();
    expect(users).toHaveLength(10_003);
    expect(t.count).toBe(4);
    expect(users.filter((u) => u.posts.length > 0)).toHaveLength(2);
  });

  it("loads self-referential trees several levels deep", async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Node).values({ id: 1, label: "root", parentId: null }));
      await conn.execute(
        insert(Node).values([
          { id: 2, label: "a", parentId: 1 },
          { id: 3, label: "b", parentId: 1 },
        ]),
      );
      await conn.execute(insert(Node).values([{ id: 4, label: "a1", parentId: 2 }]));
    });
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const [root] = await s.scalars(
      select(Node)
        .where(Node.parentId.isNull())
        .options(selectinload(Node.children).selectinload(Node.children).selectinload(Node.children)),
    );
    t.stop();
    expect(t.count).toBe(4);
    expect(root!.children.map((c) => c.label)).toEqual(["a", "b"]);
    expect(root!.children[0]!.children.map((c) => c.label)).toEqual(["a1"]);
    expect(root!.children[0]!.children[0]!.children).toEqual([]);
    expect(root!.children[0]!.parent).toBe(root);
    // joined through two levels of the same relationship
    s.expungeAll();
    const [r2] = await s.scalars(select(Node).where(Node.id.eq(1)).options(joinedload(Node.children).joinedload(Node.children)));
    expect(r2!.children[0]!.children.map((c) => c.label)).toEqual(["a1"]);
  });

  it("batches composite keys 500 per query (1,200 shelves: 3 queries; SQLite nests an OR chain per key)", async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Shelf).values(Array.from({ length: 1200 }, (_, i) => ({ room: 100 + (i % 7), num: i }))));
      await conn.execute(insert(Book).values([{ id: 900, room: 100, num: 0 }]));
    });
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const shelves = await s.scalars(select(Shelf).where(Shelf.room.ge(100)).options(selectinload(Shelf.books)));
    t.stop();
    expect(shelves).toHaveLength(1200);
    expect(t.count).toBe(4);
    expect(shelves.flatMap((x) => x.books.map((b) => b.id))).toEqual([900]);
  });

  it("loads composite-key relationships both ways", async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(
        insert(Shelf).values([
          { room: 1, num: 1 },
          { room: 1, num: 2 },
        ]),
      );
      await conn.execute(
        insert(Book).values([
          { id: 1, room: 1, num: 1 },
          { id: 2, room: 1, num: 2 },
          { id: 3, room: 1, num: 2 },
        ]),
      );
    });
    await using s = new Session(db.engine);
    const shelves = await s.scalars(select(Shelf).options(selectinload(Shelf.books)).orderBy(Shelf.num));
    expect(shelves.map((x) => x.books.map((b) => b.id))).toEqual([[1], [2, 3]]);
    s.expungeAll();
    const t = trackStatements(s);
    const books = await s.scalars(select(Book).options(selectinload(Book.shelf)).orderBy(Book.id));
    t.stop();
    expect(t.count).toBe(2);
    expect(books.map((b) => b.shelf.num)).toEqual([1, 2, 2]);
    expect(books[1]!.shelf).toBe(books[2]!.shelf);
  });

  it("containsEager fills a relationship from the statement's own join; defaultload walks through", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const users = await s.scalars(
      select(User, Post)
        .join(Post, Post.userId.eq(User.id))
        .where(Post.title.eq("a2"))
        .options(containsEager(User.posts), noload(User.notes)),
    );
    expect(t.count).toBe(1);
    expect(users.map(titles)).toEqual([["a2"]]);
    s.expungeAll();
    t.reset();
    const [u] = await s.scalars(
      select(User).where(User.id.eq(2)).options(defaultload(User.notes), selectinload(User.posts).selectinload(Post.comments)),
    );
    t.stop();
    expect(t.count).toBe(4); // users, notes (own default), posts, comments
    expect(u!.posts[0]!.comments.map((c) => c.body)).toEqual(["c3"]);
  });
});
