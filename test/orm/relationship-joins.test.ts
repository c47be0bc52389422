/**
 * Joining along relationships on every database: `select(Post).join(Post.author)` writes the
 * relationship's own condition (two joins through the association table for a many-to-many, its
 * `where` criteria included), and contains-eager fills the relationship from that join.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { containsEager, select, Session } from "athanor";
import { Base, Post, Tag, User } from "../../examples/blog/models/index.js";
import { Address, Base as Shop, Order, User as Customer } from "../../examples/shop/models/index.js";
import { forEachDialect } from "../support/dialects.js";
import { recordStatements } from "../support/orm.js";

forEachDialect((db) => {
  beforeAll(async () => {
    await Base.metadata.createAll(db.engine);
    await using s = new Session(db.engine);
    const ada = new User({ username: "ada", email: "ada@example.com", displayName: "Ada" });
    const bob = new User({ username: "bob", email: "bob@example.com", displayName: "Bob" });
    const orm = new Tag({ name: "orm" });
    const sql = new Tag({ name: "sql" });
    ada.posts.push(
      new Post({ title: "One", slug: "one", body: "…", tags: [orm, sql] }),
      new Post({ title: "Two", slug: "two", body: "…", tags: [sql] }),
    );
    bob.posts.push(new Post({ title: "Three", slug: "three", body: "…" }));
    s.addAll([ada, bob]);
    await s.commit();
  });
  afterAll(() => Base.metadata.dropAll(db.engine));

  it("joins a many-to-one along its foreign key and filters on the joined entity", async () => {
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const posts = await s.scalars(select(Post).join(Post.author).where(User.username.eq("ada")).orderBy(Post.slug));
    rec.stop();
    expect(posts.map((p) => p.slug)).toEqual(["one", "two"]);
    expect(rec.sql).toHaveLength(1);
    expect(rec.sql[0]).toMatch(/JOIN [`"]users[`"] ON [`"]users[`"]\.[`"]id[`"] = [`"]posts[`"]\.[`"]author_id[`"]/);
  });

  it("joins a one-to-many and a many-to-many (through the association table)", async () => {
    await using s = new Session(db.engine);
    const authors = await s.scalars(select(User).join(User.posts).join(Post.tags).where(Tag.name.eq("orm")));
    expect(authors.map((u) => u.username)).toEqual(["ada"]);
    const rec = recordStatements(db.engine);
    const tagged = await s.scalars(select(Post).join(Post.tags).where(Tag.name.eq("sql")).orderBy(Post.slug));
    rec.stop();
    expect(tagged.map((p) => p.slug)).toEqual(["one", "two"]);
    expect(rec.sql[0]).toMatch(/JOIN [`"]post_tags[`"] ON .* JOIN [`"]tags[`"] ON /);
  });

  it("outer joins keep rows without a match, and contains-eager fills the relationship from the join", async () => {
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const rows = await s.scalars(select(Post, User).leftJoin(Post.author).options(containsEager(Post.author)).orderBy(Post.slug));
    rec.stop();
    expect(rows.map((p) => `${p.slug}:${p.author.username}`)).toEqual(["one:ada", "three:bob", "two:ada"]);
    expect(rec.sql).toHaveLength(1);
  });

  it("refuses an ON condition next to a relationship, and says so", () => {
    expect(() => select(Post).join(Post.author, User.id.eq(1))).toThrow(
      /uses the relationship's own condition; leave out the ON condition/,
    );
  });
});

forEachDialect((db) => {
  it("adds a relationship's where criteria to the join (the shop's default address)", async () => {
    await Shop.metadata.createAll(db.engine);
    try {
      await using s = new Session(db.engine);
      const u = new Customer({ email: "c@example.com", name: "C" });
      u.addresses.push(
        new Address({ street: "1 A St", city: "Paris", postalCode: "1", country: "FR", isDefault: false }),
        new Address({ street: "2 B St", city: "Rome", postalCode: "2", country: "IT", isDefault: true }),
      );
      s.add(u);
      await s.commit();
      const rows = await s.execute(select(Customer.email, Address.city).join(Customer.defaultAddress));
      expect(rows.rows.map((r) => r.city)).toEqual(["Rome"]);
      const orders = await s.scalars(select(Order).join(Order.user));
      expect(orders).toEqual([]);
    } finally {
      await Shop.metadata.dropAll(db.engine);
    }
  });
});
