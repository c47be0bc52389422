/** ORM cascades on every database: delete (loaded and unloaded children, recursively), delete-orphan, detaching children on parent delete, passive deletes relying on ON DELETE, merge, several foreign keys to one table. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  column,
  declarativeBase,
  foreignKey,
  func,
  inspect,
  Integer,
  IntegrityError,
  mapped,
  MetaData,
  relationship,
  select,
  selectinload,
  Session,
  String,
  update,
  type Connection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class User extends Base.model("cc_users", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30)),
  posts: relationship<Post[]>("Post", { backPopulates: "author", cascade: "all, delete-orphan" }),
}) {}

@mapped
class Post extends Base.model("cc_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(30)),
  authorId: column(Integer, { foreignKey: "cc_users.id" }),
  author: relationship<User | null>("User", { backPopulates: "posts" }),
  comments: relationship<Comment[]>("Comment", { cascade: "all" }),
}) {}

@mapped
class Comment extends Base.model("cc_comments", {
  id: column(Integer, { primaryKey: true }),
  postId: column(Integer, { foreignKey: "cc_posts.id" }),
}) {}

/** Default cascade: children are detached (FK set to NULL) when the blog goes. */
@mapped
class Blog extends Base.model("cc_blogs", {
  id: column(Integer, { primaryKey: true }),
  entries: relationship<Entry[]>("Entry"),
  pins: relationship<Pin[]>("Pin"),
}) {}

@mapped
class Entry extends Base.model("cc_entries", {
  id: column(Integer, { primaryKey: true }),
  blogId: column(Integer, { nullable: true, foreignKey: "cc_blogs.id" }),
}) {}

/** NOT NULL foreign key without delete cascade: deleting the blog must fail. */
@mapped
class Pin extends Base.model("cc_pins", {
  id: column(Integer, { primaryKey: true }),
  blogId: column(Integer, { foreignKey: "cc_blogs.id" }),
}) {}

/** Passive deletes: the database's ON DELETE handles unloaded children. */
@mapped
class Box extends Base.model("cc_boxes", {
  id: column(Integer, { primaryKey: true }),
  toys: relationship<Toy[]>("Toy", { cascade: "all", passiveDeletes: true }),
  labels: relationship<Label[]>("Label", { passiveDeletes: "all" }),
}) {}

@mapped
class Toy extends Base.model("cc_toys", {
  id: column(Integer, { primaryKey: true }),
  boxId: column(Integer, { foreignKey: foreignKey("cc_boxes.id", { onDelete: "CASCADE" }) }),
}) {}

@mapped
class Label extends Base.model("cc_labels", {
  id: column(Integer, { primaryKey: true }),
  boxId: column(Integer, { nullable: true, foreignKey: foreignKey("cc_boxes.id", { onDelete: "SET NULL" }) }),
}) {}

/** Self-referential adjacency list with delete cascade. */
@mapped
class Node extends Base.model("cc_nodes", {
  id: column(Integer, { primaryKey: true }),
  parentId: column(Integer, { nullable: true, foreignKey: "cc_nodes.id" }),
  parent: relationship<Node | null>("Node", { remoteSide: "id", backPopulates: "children" }),
  children: relationship<Node[]>("Node", { backPopulates: "parent", cascade: "all, delete-orphan" }),
}) {}

/** Two foreign keys to one table. */
@mapped
class Address extends Base.model("cc_addresses", {
  id: column(Integer, { primaryKey: true }),
  city: column(String(30)),
}) {}

@mapped
class Order extends Base.model("cc_orders", {
  id: column(Integer, { primaryKey: true }),
  billingId: column(Integer, { foreignKey: "cc_addresses.id" }),
  shippingId: column(Integer, { foreignKey: "cc_addresses.id" }),
  billing: relationship<Address>("Address", { foreignKeys: ["billingId"] }),
  shipping: relationship<Address>("Address", { foreignKeys: ["shippingId"] }),
}) {}

/** A cart whose lines are orphan-deleted; a line also references a good (not an owner). */
@mapped
class Cart extends Base.model("cc_carts", {
  id: column(Integer, { primaryKey: true }),
  lines: relationship<CartLine[]>("CartLine", { backPopulates: "cart", cascade: "all, delete-orphan" }),
}) {}

@mapped
class Good extends Base.model("cc_goods", { id: column(Integer, { primaryKey: true }) }) {}

@mapped
class CartLine extends Base.model("cc_cart_lines", {
  id: column(Integer, { primaryKey: true }),
  cartId: column(Integer, { foreignKey: "cc_carts.id" }),
  goodId: column(Integer, { foreignKey: "cc_goods.id" }),
  cart: relationship<Cart>("Cart", { backPopulates: "lines" }),
  good: relationship<Good>("Good"),
}) {}

type Model =
  | typeof User
  | typeof CartLine
  | typeof Post
  | typeof Comment
  | typeof Entry
  | typeof Pin
  | typeof Toy
  | typeof Label
  | typeof Node
  | typeof Blog;

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(async () => {
    await db.engine.begin(async (conn) => void (await conn.execute(update(Node).set({ parentId: null }))));
    await emptyTables(db.engine, Base.metadata);
  });

  const ids = async (model: Model): Promise<number[]> => {
    await using conn = await db.engine.connect();
    return (await conn.execute(select(model.id).orderBy(model.id))).all().map((r) => Number(r.id));
  };
  const count = async (conn: Connection, model: Model): Promise<number> => Number(await conn.scalar(select(func.count()).from(model)));

  const seedUsers = async (): Promise<void> => {
    await using s = new Session(db.engine);
    const u = new User({ id: 1, name: "ada" });
    u.posts.push(new Post({ id: 10, title: "a", comments: [new Comment({ id: 100 }), new Comment({ id: 101 })] }));
    u.posts.push(new Post({ id: 11, title: "b", comments: [new Comment({ id: 102 })] }));
    s.add(u);
    s.add(new User({ id: 2, name: "bob", posts: [new Post({ id: 12, title: "c", comments: [new Comment({ id: 103 })] })] }));
    await s.commit();
  };

  it("delete cascades through unloaded collections, recursively, selecting the children by foreign key", async () => {
    await seedUsers();
    {
      await using s = new Session(db.engine);
      const u = (await s.get(User, 1))!;
      s.delete(u);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      expect(rec.count(/^SELECT/i)).toBe(2);
      expect(rec.count(/^DELETE/i)).toBe(3);
    }
    expect(await ids(User)).toEqual([2]);
    expect(await ids(Post)).toEqual([12]);
    expect(await ids(Comment)).toEqual([103]);
  });

  it("deletes orphans removed from a collection or de-assigned from their parent", async () => {
    await seedUsers();
    {
      await using s = new Session(db.engine);
      const u = new User({ id: 3, name: "cy" });
      const keep = new Post({ id: 20, title: "keep" });
      const drop = new Post({ id: 21, title: "drop" });
      const moved = new Post({ id: 22, title: "moved" });
      u.posts.push(keep, drop, moved);
      s.add(u);
      await s.flush();
      u.posts.splice(u.posts.indexOf(drop), 1);
      expect(drop.author).toBe(null);
      moved.author = null;
      expect(u.posts.map((p) => p.id)).toEqual([20]);
      await s.commit();
    }
    expect(await ids(Post)).toEqual([10, 11, 12, 20]);
    {
      // De-assigning a loaded child whose parent's collection is not loaded deletes it too.
      await using s = new Session(db.engine);
      const p = (await s.get(Post, 20))!;
      p.author = null;
      await s.commit();
    }
    expect(await ids(Post)).toEqual([10, 11, 12]);
  });

  it("deletes an orphan whose other references are loaded (they do not own it)", async () => {
    {
      await using s = new Session(db.engine);
      const g = new Good({ id: 1 });
      s.add(
        new Cart({ id: 1, lines: [new CartLine({ id: 1, good: g }), new CartLine({ id: 2, good: g }), new CartLine({ id: 3, good: g })] }),
      );
      await s.commit();
    }
    await using s = new Session(db.engine);
    const [cart] = await s.scalars(select(Cart).options(selectinload(Cart.lines).joinedload(CartLine.good)));
    expect(cart!.lines[0]!.good.id).toBe(1);
    cart!.lines.splice(0, 2); // cart_id is NOT NULL: nulling it instead of deleting would fail
    await s.commit();
    expect(await ids(CartLine)).toEqual([3]);
  });

  it("sets the foreign key of loaded and unloaded children to NULL when the parent goes without a delete cascade", async () => {
    {
      await using s = new Session(db.engine);
      s.add(new Blog({ id: 1, entries: [new Entry({ id: 1 }), new Entry({ id: 2 })] }));
      s.add(new Blog({ id: 2, entries: [new Entry({ id: 3 })] }));
      await s.commit();
      s.delete((await s.get(Blog, 1))!);
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      const loadedEntry = (await s.get(Entry, 3))!;
      s.delete((await s.get(Blog, 2))!);
      await s.commit();
      expect(loadedEntry.blogId).toBe(null);
    }
    await using conn = await db.engine.connect();
    const rows = (await conn.execute(select(Entry.id, Entry.blogId).orderBy(Entry.id))).all();
    expect(rows.map((r) => [Number(r.id), r.blogId])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(await count(conn, Blog)).toBe(0);
  });

  it("fails with the database's IntegrityError on a NOT NULL foreign key and leaves the database and the session as they were", async () => {
    {
      await using s = new Session(db.engine);
      s.add(new Blog({ id: 1, pins: [new Pin({ id: 1 })] }));
      await s.commit();
    }
    await using s = new Session(db.engine);
    const blog = (await s.get(Blog, 1))!;
    s.delete(blog);
    await expect(s.flush()).rejects.toBeInstanceOf(IntegrityError);
    await s.rollback();
    expect(s.contains(blog)).toBe(true);
    expect(s.deleted).toEqual([]);
    const pin = (await s.get(Pin, 1))!;
    expect(pin.blogId).toBe(1);
    expect(await ids(Blog)).toEqual([1]);
    expect(await ids(Pin)).toEqual([1]);
  });

  it("passiveDeletes leaves unloaded children to ON DELETE CASCADE / SET NULL, and 'all' leaves loaded ones too", async () => {
    {
      await using s = new Session(db.engine);
      s.add(new Box({ id: 1, toys: [new Toy({ id: 1 }), new Toy({ id: 2 })], labels: [new Label({ id: 1 })] }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      const label = (await s.get(Label, 1))!;
      s.delete((await s.get(Box, 1))!);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      // No SELECT of the children, no UPDATE of the label: the database does it.
      expect(rec.sql.filter((q) => /^(SELECT|UPDATE)/i.test(q))).toEqual([]);
      expect(label.boxId).toBe(1);
    }
    expect(await ids(Toy)).toEqual([]);
    await using conn = await db.engine.connect();
    expect((await conn.execute(select(Label.id, Label.boxId))).all().map((r) => [Number(r.id), r.boxId])).toEqual([[1, null]]);
  });

  it("deletes a self-referential tree from its unloaded root, children before parents", async () => {
    {
      await using s = new Session(db.engine);
      const root = new Node({ id: 1 });
      const a = new Node({ id: 2, parent: root });
      new Node({ id: 3, parent: a });
      new Node({ id: 4, parent: a });
      s.add(root);
      s.add(new Node({ id: 5 }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      s.delete((await s.get(Node, 1))!);
      await s.commit();
    }
    expect(await ids(Node)).toEqual([5]);
  });

  it("merge follows relationships with the merge cascade", async () => {
    await seedUsers();
    let detached: User;
    {
      await using s = new Session(db.engine);
      detached = new User({ id: 1, name: "ada 2", posts: [new Post({ id: 10, title: "a 2" }), new Post({ id: 30, title: "new" })] });
      const merged = await s.merge(detached);
      expect(merged).not.toBe(detached);
      expect(merged.posts.map((p) => p.title)).toEqual(["a 2", "new"]);
      await s.commit();
    }
    // Post 11 left the merged collection: an orphan, deleted with its comments.
    expect(await ids(Post)).toEqual([10, 12, 30]);
    expect(await ids(Comment)).toEqual([100, 101, 103]);
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(Post.id, Post.title).where(Post.authorId.eq(1)).orderBy(Post.id));
    expect(rows.all().map((r) => [Number(r.id), r.title])).toEqual([
      [10, "a 2"],
      [30, "new"],
    ]);
  });

  it("merge loads related objects without autoflushing the half-merged pending ones", async () => {
    await seedUsers();
    let bob: User;
    {
      await using s = new Session(db.engine);
      [bob] = (await s.scalars(select(User).where(User.id.eq(2)).options(selectinload(User.posts)))) as [User];
    }
    const post = new Post({ id: 31, title: "d" });
    bob.posts.push(post); // post.author is the detached bob
    {
      await using s = new Session(db.engine);
      // The new post is attached pending first; loading bob (to merge post.author) used to
      // autoflush it before its author was set: "Post.authorId is required".
      const merged = await s.merge(post);
      expect(inspect(merged).status).toBe("pending");
      expect(merged.author).toBe(await s.get(User, 2));
      expect(merged.author!.posts.map((p) => p.id)).toEqual([12, 31]);
      await s.commit();
    }
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(Post.id, Post.authorId).where(Post.authorId.eq(2)).orderBy(Post.id));
    expect(rows.all().map((r) => [Number(r.id), Number(r.authorId)])).toEqual([
      [12, 2],
      [31, 2],
    ]);
  });

  it("writes two foreign keys to the same table through relationships disambiguated with foreignKeys", async () => {
    {
      await using s = new Session(db.engine);
      const home = new Address({ id: 1, city: "Paris" });
      s.add(new Order({ id: 1, billing: home, shipping: new Address({ id: 2, city: "Lyon" }) }));
      s.add(new Order({ id: 2, billing: home, shipping: home }));
      await s.commit();
    }
    await using conn = await db.engine.connect();
    const rows = (await conn.execute(select(Order.id, Order.billingId, Order.shippingId).orderBy(Order.id))).all();
    expect(rows.map((r) => [Number(r.id), Number(r.billingId), Number(r.shippingId)])).toEqual([
      [1, 1, 2],
      [2, 1, 1],
    ]);
  });

  it("assigning a one-to-many collection that was never loaded detaches or orphan-deletes the children left out", async () => {
    await seedUsers();
    {
      await using s = new Session(db.engine);
      s.add(new Blog({ id: 1, entries: [new Entry({ id: 1 }), new Entry({ id: 2 })] }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      const u = (await s.get(User, 1))!;
      const kept = (await s.get(Post, 11))!;
      u.posts = [kept, new Post({ id: 40, title: "new" })];
      const blog = (await s.get(Blog, 1))!;
      blog.entries = [(await s.get(Entry, 2))!];
      await s.commit();
    }
    // Post 10 (and its comments, by delete cascade) went as an orphan; entry 1 was detached.
    expect(await ids(Post)).toEqual([11, 12, 40]);
    expect(await ids(Comment)).toEqual([102, 103]);
    await using conn = await db.engine.connect();
    const rows = (await conn.execute(select(Entry.id, Entry.blogId).orderBy(Entry.id))).all();
    expect(rows.map((r) => [Number(r.id), r.blogId === null ? null : Number(r.blogId)])).toEqual([
      [1, null],
      [2, 1],
    ]);
  });

  it("save-update: a new child pointed at a pending parent joins its session, the first child too", async () => {
    {
      await using s = new Session(db.engine);
      const u = new User({ id: 1, name: "ada" });
      s.add(u);
      const first = new Post({ id: 10, title: "first", author: u }); // creates u.posts
      const second = new Post({ id: 11, title: "second", author: u });
      expect(u.posts).toEqual([first, second]);
      expect([first, second].map((p) => inspect(p).status)).toEqual(["pending", "pending"]);
      await s.commit();
    }
    await using conn = await db.engine.connect();
    expect(await count(conn, Post)).toBe(2);
  });
});
