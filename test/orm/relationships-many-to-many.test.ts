/** Many-to-many through a secondary table on every database: in-memory sync of both sides, association rows written and deleted at flush, the association-object pattern, self-reference. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import { column, declarativeBase, Integer, mapped, MetaData, relationship, select, Session, String, Table } from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

const postTags = new Table("mm_post_tags", Base.metadata, {
  postId: column(Integer, { primaryKey: true, foreignKey: "mm_posts.id" }),
  tagId: column(Integer, { primaryKey: true, foreignKey: "mm_tags.id" }),
});

@mapped
class Post extends Base.model("mm_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(50)),
  tags: relationship<Tag[]>("Tag", { secondary: "mm_post_tags", backPopulates: "posts" }),
}) {}

@mapped
class Tag extends Base.model("mm_tags", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30)),
  posts: relationship<Post[]>("Post", { secondary: "mm_post_tags", backPopulates: "tags" }),
}) {}

const follows = new Table("mm_follows", Base.metadata, {
  followerId: column(Integer, { primaryKey: true, foreignKey: "mm_people.id" }),
  followedId: column(Integer, { primaryKey: true, foreignKey: "mm_people.id" }),
});

@mapped
class Person extends Base.model("mm_people", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30)),
  following: relationship<Person[]>("Person", { secondary: "mm_follows", foreignKeys: ["followerId"], backref: "followers" }),
}) {}

/** Association object: the row in the middle has its own columns. */
@mapped
class Order extends Base.model("mm_orders", {
  id: column(Integer, { primaryKey: true }),
  items: relationship<OrderItem[]>("OrderItem", { backPopulates: "order", cascade: "all, delete-orphan" }),
  products: relationship<Product[]>("Product", { secondary: "mm_order_items", viewonly: true }),
}) {}

@mapped
class Product extends Base.model("mm_products", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(30)),
}) {}

@mapped
class OrderItem extends Base.model("mm_order_items", {
  orderId: column(Integer, { primaryKey: true, foreignKey: "mm_orders.id" }),
  productId: column(Integer, { primaryKey: true, foreignKey: "mm_products.id" }),
  quantity: column(Integer),
  price: column(Integer),
  order: relationship<Order>("Order", { backPopulates: "items" }),
  product: relationship<Product>("Product"),
}) {}

/** Many-to-many with a delete cascade on one side. */
@mapped
class Playlist extends Base.model("mm_playlists", {
  id: column(Integer, { primaryKey: true }),
  songs: relationship<Song[]>("Song", { secondary: "mm_playlist_songs", backPopulates: "playlists", cascade: "all" }),
}) {}

@mapped
class Song extends Base.model("mm_songs", {
  id: column(Integer, { primaryKey: true }),
  playlists: relationship<Playlist[]>("Playlist", { secondary: "mm_playlist_songs", backPopulates: "songs" }),
}) {}

const playlistSongs = new Table("mm_playlist_songs", Base.metadata, {
  playlistId: column(Integer, { primaryKey: true, foreignKey: "mm_playlists.id" }),
  songId: column(Integer, { primaryKey: true, foreignKey: "mm_songs.id" }),
});

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  const pairs = async (): Promise<Array<[number, number]>> => {
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(postTags.c.postId, postTags.c.tagId).orderBy(postTags.c.postId, postTags.c.tagId));
    return rows.all().map((r) => [Number(r.postId), Number(r.tagId)]);
  };

  it("inserts association rows for new objects and pairs added on either side, once each", async () => {
    {
      await using s = new Session(db.engine);
      const p = new Post({ id: 1, title: "hello" });
      const a = new Tag({ id: 10, name: "a" });
      const b = new Tag({ id: 11, name: "b" });
      p.tags.push(a);
      b.posts.push(p);
      expect(a.posts).toEqual([p]);
      expect(p.tags).toEqual([a, b]);
      s.add(p);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      expect(rec.count(/INSERT INTO .?mm_post_tags/i)).toBe(1);
    }
    expect(await pairs()).toEqual([
      [1, 10],
      [1, 11],
    ]);
  });

  it("adds and removes pairs of loaded objects and keeps loaded collections on the other side in sync", async () => {
    {
      await using s = new Session(db.engine);
      // Collections of objects this session inserted are known without loading them.
      const p = new Post({ id: 1, title: "x", tags: [new Tag({ id: 10, name: "a" }), new Tag({ id: 11, name: "b" })] });
      s.add(p);
      s.add(new Tag({ id: 12, name: "c" }));
      await s.commit();
      expect(await pairs()).toEqual([
        [1, 10],
        [1, 11],
      ]);
      const tags = await s.scalars(select(Tag).orderBy(Tag.id));
      expect(tags[2]!.posts).toEqual([]);
      const [a, , c] = tags as [Tag, Tag, Tag];
      p.tags.splice(p.tags.indexOf(a), 1);
      expect(a.posts).toEqual([]);
      c.posts.push(p);
      expect(p.tags.map((t) => t.id)).toEqual([11, 12]);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      expect(rec.count(/DELETE FROM .?mm_post_tags/i)).toBe(1);
      expect(rec.count(/INSERT INTO .?mm_post_tags/i)).toBe(1);
    }
    expect(await pairs()).toEqual([
      [1, 11],
      [1, 12],
    ]);
  });

  it("deletes the association rows of a deleted object without loading its collection", async () => {
    {
      await using s = new Session(db.engine);
      const t = new Tag({ id: 10, name: "shared" });
      s.add(new Post({ id: 1, title: "one", tags: [t] }));
      s.add(new Post({ id: 2, title: "two", tags: [t] }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      s.delete((await s.get(Post, 1))!);
      await s.commit();
    }
    expect(await pairs()).toEqual([[2, 10]]);
    {
      await using s = new Session(db.engine);
      s.delete((await s.get(Tag, 10))!);
      await s.commit();
    }
    expect(await pairs()).toEqual([]);
    {
      await using s = new Session(db.engine);
      expect((await s.scalars(select(Post))).map((p) => p.id)).toEqual([2]);
    }
  });

  it("writes a self-referential many-to-many in both directions through backref", async () => {
    {
      await using s = new Session(db.engine);
      const ada = new Person({ id: 1, name: "ada" });
      const bob = new Person({ id: 2, name: "bob" });
      const cy = new Person({ id: 3, name: "cy" });
      ada.following.push(bob, cy);
      (cy as Person & { followers: Person[] }).followers.push(bob);
      s.addAll([ada, bob, cy]);
      await s.commit();
    }
    await using conn = await db.engine.connect();
    const rows = (
      await conn.execute(select(follows.c.followerId, follows.c.followedId).orderBy(follows.c.followerId, follows.c.followedId))
    )
      .all()
      .map((r) => [Number(r.followerId), Number(r.followedId)]);
    expect(rows).toEqual([
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
  });

  it("writes an association object through plain relationships, and never through a viewonly secondary next to it", async () => {
    {
      await using s = new Session(db.engine);
      const o = new Order({ id: 1 });
      const pen = new Product({ id: 5, name: "pen" });
      o.items.push(new OrderItem({ product: pen, quantity: 3, price: 250 }));
      // Viewonly: appending here must not write a row.
      o.products.push(new Product({ id: 6, name: "ink" }));
      s.add(o);
      s.add(pen);
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      const items = await s.scalars(select(OrderItem));
      expect(items.map((i) => [i.orderId, i.productId, i.quantity, i.price])).toEqual([[1, 5, 3, 250]]);
      // The viewonly relationship's target was not cascaded into the session either.
      expect((await s.scalars(select(Product))).map((p) => p.name)).toEqual(["pen"]);
      const o = (await s.get(Order, 1))!;
      o.items = [...(await s.scalars(select(OrderItem).where(OrderItem.orderId.eq(1))))];
      o.items.pop();
      await s.commit();
      expect(await s.scalars(select(OrderItem))).toEqual([]);
    }
  });

  it("a delete cascade on a many-to-many deletes the related objects (loaded through the association table) and all their association rows", async () => {
    {
      await using s = new Session(db.engine);
      const shared = new Song({ id: 1 });
      s.add(new Playlist({ id: 1, songs: [shared, new Song({ id: 2 })] }));
      s.add(new Playlist({ id: 2, songs: [shared, new Song({ id: 3 })] }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      s.delete((await s.get(Playlist, 1))!);
      await s.commit();
    }
    await using conn = await db.engine.connect();
    expect((await conn.execute(select(Song.id).orderBy(Song.id))).all().map((r) => Number(r.id))).toEqual([3]);
    const left = (await conn.execute(select(playlistSongs.c.playlistId, playlistSongs.c.songId))).all();
    expect(left.map((r) => [Number(r.playlistId), Number(r.songId)])).toEqual([[2, 3]]);
  });

  it("assigning a collection that was never loaded replaces every pair of the object, also through merge", async () => {
    {
      await using s = new Session(db.engine);
      s.add(new Post({ id: 1, title: "x", tags: [new Tag({ id: 10, name: "a" }), new Tag({ id: 11, name: "b" })] }));
      s.add(new Tag({ id: 12, name: "c" }));
      await s.commit();
    }
    {
      await using s = new Session(db.engine);
      const p = (await s.get(Post, 1))!;
      const [b, c] = await s.scalars(
        select(Tag)
          .where(Tag.id.in([11, 12]))
          .orderBy(Tag.id),
      );
      p.tags = [b!, c!];
      await s.commit();
    }
    expect(await pairs()).toEqual([
      [1, 11],
      [1, 12],
    ]);
    {
      // A detached copy with its tags, merged: the session's post takes exactly those pairs.
      await using s = new Session(db.engine);
      const copy = new Post({ id: 1, title: "merged", tags: [new Tag({ id: 10, name: "a" })] });
      const merged = await s.merge(copy);
      expect(merged.tags.map((t) => t.id)).toEqual([10]);
      await s.commit();
    }
    expect(await pairs()).toEqual([[1, 10]]);
  });

  it("a new object added to a pending object's collection from the other side joins its session", async () => {
    {
      await using s = new Session(db.engine);
      const t = new Tag({ id: 10, name: "a" });
      s.add(t);
      const p = new Post({ id: 1, title: "x" });
      p.tags.push(t); // creates t.posts
      expect(t.posts).toEqual([p]);
      await s.commit();
    }
    expect(await pairs()).toEqual([[1, 10]]);
  });
});
