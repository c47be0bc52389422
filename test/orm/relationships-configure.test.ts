/** Relationship configuration: many-to-many resolution, backref, orderBy, where, lazy, passive deletes and cascade rules, with their errors. */
import { describe, expect, it } from "vitest";
import { column, declarativeBase, Integer, mapped, MappingError, MetaData, relationship, String, Table } from "athanor";
import type { RelationshipProperty } from "../../src/orm/mapping/mapper.js";
import { mapperOf } from "../../src/orm/mapping/instrumentation.js";

function mappingError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return (err as Error).message;
  }
  throw new Error("expected a MappingError");
}

function prop(cls: unknown, key: string): RelationshipProperty {
  return mapperOf(cls)!.byKey.get(key) as RelationshipProperty;
}

describe("many-to-many configuration", () => {
  it("resolves secondary into the association table's column pairs on both sides", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    new Table("rc1_post_tags", Base.metadata, {
      postId: column(Integer, { primaryKey: true, foreignKey: "rc1_posts.id" }),
      tagId: column(Integer, { primaryKey: true, foreignKey: "rc1_tags.id" }),
    });
    @mapped
    class Post extends Base.model("rc1_posts", {
      id: column(Integer, { primaryKey: true }),
      tags: relationship<Tag[]>("Tag", { secondary: "rc1_post_tags", backPopulates: "posts" }),
    }) {}
    @mapped
    class Tag extends Base.model("rc1_tags", {
      id: column(Integer, { primaryKey: true }),
      name: column(String(20)),
      posts: relationship<Post[]>("Post", { secondary: "rc1_post_tags", backPopulates: "tags", orderBy: "id desc" }),
    }) {}
    Base.configure();
    const tags = prop(Post, "tags");
    expect(tags.direction).toBe("manyToMany");
    expect(tags.uselist).toBe(true);
    expect(tags.pairs).toEqual([]);
    expect(tags.secondary?.name).toBe("rc1_post_tags");
    expect(tags.secondaryParent.map(([p, a]) => [p.key, a.key])).toEqual([["id", "postId"]]);
    expect(tags.secondaryTarget.map(([t, a]) => [t.key, a.key])).toEqual([["id", "tagId"]]);
    expect(tags.backPopulates).toBe(prop(Tag, "posts"));
    expect(prop(Tag, "posts").orderBy.map((o) => [o.column.key, o.desc])).toEqual([["id", true]]);
    expect(tags.lazy).toBe("raise");
  });

  it("disambiguates a self-referential many-to-many with foreignKeys, and builds the reverse through backref", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    new Table("rc2_follows", Base.metadata, {
      followerId: column(Integer, { primaryKey: true, foreignKey: "rc2_users.id" }),
      followedId: column(Integer, { primaryKey: true, foreignKey: "rc2_users.id" }),
    });
    @mapped
    class User extends Base.model("rc2_users", {
      id: column(Integer, { primaryKey: true }),
      following: relationship<User[]>("User", { secondary: "rc2_follows", foreignKeys: ["followerId"], backref: "followers" }),
    }) {}
    Base.configure();
    const following = prop(User, "following");
    const followers = prop(User, "followers");
    expect(following.secondaryParent.map(([, a]) => a.key)).toEqual(["followerId"]);
    expect(following.secondaryTarget.map(([, a]) => a.key)).toEqual(["followedId"]);
    expect(followers.secondaryParent.map(([, a]) => a.key)).toEqual(["followedId"]);
    expect(following.backPopulates).toBe(followers);
    expect(followers.backPopulates).toBe(following);
    expect((User as unknown as Record<string, unknown>).followers).toBeDefined();
  });

  it("explains a missing secondary table, an association table without both foreign keys, and an ambiguous self-reference", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    new Table("rc3_half", Base.metadata, {
      aId: column(Integer, { primaryKey: true, foreignKey: "rc3_a.id" }),
      bId: column(Integer, { primaryKey: true }),
    });
    new Table("rc3_pairs", Base.metadata, {
      x: column(Integer, { primaryKey: true, foreignKey: "rc3_a.id" }),
      y: column(Integer, { primaryKey: true, foreignKey: "rc3_a.id" }),
    });
    @mapped
    class A extends Base.model("rc3_a", {
      id: column(Integer, { primaryKey: true }),
      bs: relationship<B[]>("B", { secondary: "rc3_nope" }),
      halfBs: relationship<B[]>("B", { secondary: "rc3_half" }),
      peers: relationship<A[]>("A", { secondary: "rc3_pairs" }),
    }) {}
    @mapped
    class B extends Base.model("rc3_b", { id: column(Integer, { primaryKey: true }) }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain('relationship A.bs has secondary: "rc3_nope", but no table of that name is in the base\'s MetaData; define it with new Table("rc3_nope"');
    expect(msg).toContain('relationship A.halfBs: the association table rc3_half has no foreign key to rc3_b (B); give one of its columns foreignKey: "rc3_b.id"');
    expect(msg).toContain("relationship A.peers: several foreign keys of the association table rc3_pairs point at rc3_a (x; y), as in every self-referential many-to-many");
    expect(msg).toContain('foreignKeys: ["x"]');
    void A;
    void B;
  });

  it("refuses a writable secondary over a table a model maps (association object), and accepts a viewonly one", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    @mapped
    class Order extends Base.model("rc4_orders", {
      id: column(Integer, { primaryKey: true }),
      products: relationship<Product[]>("Product", { secondary: "rc4_items" }),
    }) {}
    @mapped
    class Product extends Base.model("rc4_products", { id: column(Integer, { primaryKey: true }) }) {}
    @mapped
    class Item extends Base.model("rc4_items", {
      orderId: column(Integer, { primaryKey: true, foreignKey: "rc4_orders.id" }),
      productId: column(Integer, { primaryKey: true, foreignKey: "rc4_products.id" }),
      quantity: column(Integer),
    }) {}
    expect(mappingError(() => Base.configure())).toContain(
      'relationship Order.products has secondary: "rc4_items", but that table is mapped by the model Item, which writes its rows; mark Order.products viewonly: true',
    );
    void Product;
    void Item;
    void Order;
  });
});

describe("relationship options", () => {
  it("names unknown orderBy attributes, non-viewonly where, bad lazy values, backref with backPopulates and misplaced cascades", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    @mapped
    class User extends Base.model("rc5_users", {
      id: column(Integer, { primaryKey: true }),
      posts: relationship<Post[]>("Post", { orderBy: ["title", "nope desc"] }),
      drafts: relationship<Post[]>("Post", { where: (p: typeof Post) => p.title.eq("x") }),
      lazyPosts: relationship<Post[]>("Post", { lazy: "sometimes" as never, viewonly: true }),
      both: relationship<Post[]>("Post", { backref: "owner", backPopulates: "user", viewonly: true }),
      passive: relationship<Post[]>("Post", { cascade: "all", passiveDeletes: "all", viewonly: false }),
      orphanless: relationship<Post[]>("Post", { cascade: "save-update, delete-orphan", viewonly: false }),
    }) {}
    @mapped
    class Post extends Base.model("rc5_posts", {
      id: column(Integer, { primaryKey: true }),
      title: column(String(50)),
      userId: column(Integer, { foreignKey: "rc5_users.id" }),
      user: relationship<User>("User", { cascade: "all, delete-orphan" }),
    }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain("relationship User.posts: orderBy names 'nope', which is not a column attribute of Post; its column attributes are id, title, userId");
    expect(msg).toContain("relationship User.drafts has where: criteria, which apply only when loading");
    expect(msg).toContain('relationship User.lazyPosts: lazy: "sometimes" is not a loading strategy; use one of raise, selectin, joined, subquery, noload, writeOnly');
    expect(msg).toContain("relationship User.both has both backref and backPopulates, which are mutually exclusive");
    expect(msg).toContain('relationship User.passive: can\'t set passiveDeletes: "all" together with the delete or delete-orphan cascade');
    expect(msg).toContain("relationship User.orphanless: the delete-orphan cascade requires delete");
    expect(msg).toContain('relationship Post.user: delete-orphan cascade is configured only on the "one" side of a one-to-many relationship, not on the "many" side of a many-to-one relationship');
  });

  it("calls where with the target class for viewonly relationships, creates backref accessors, and reduces viewonly cascades", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    @mapped
    class User extends Base.model("rc6_users", {
      id: column(Integer, { primaryKey: true }),
      posts: relationship<Post[]>("Post", { backref: { name: "author", options: { innerJoin: true } }, cascade: "all, delete-orphan" }),
      published: relationship<Post[]>("Post", { viewonly: true, cascade: "all", where: (p: typeof Post) => p.status.eq("published"), lazy: "selectin" }),
    }) {}
    @mapped
    class Post extends Base.model("rc6_posts", {
      id: column(Integer, { primaryKey: true }),
      status: column(String(20)),
      userId: column(Integer, { foreignKey: "rc6_users.id" }),
    }) {}
    Base.configure();
    const published = prop(User, "published");
    expect(published.where).toBeDefined();
    expect(published.lazy).toBe("selectin");
    expect([...published.cascade].sort()).toEqual(["expunge", "merge", "refresh-expire"]);
    const author = prop(Post, "author");
    expect(author.direction).toBe("manyToOne");
    expect(author.innerJoin).toBe(true);
    expect(author.backPopulates).toBe(prop(User, "posts"));
    const u = new User({});
    const p = new Post({ status: "draft" }) as Post & { author: User | null };
    p.author = u;
    expect(u.posts).toEqual([p]);
    // A second configure pass (a model added later) keeps the one reverse relationship.
    @mapped
    class Extra extends Base.model("rc6_extra", { id: column(Integer, { primaryKey: true }) }) {}
    Base.configure();
    expect(mapperOf(Post)!.relationships.filter((r) => r.key === "author")).toHaveLength(1);
    void Extra;
  });

  it("resolves a one-to-one (scalar on the one-to-many side) and keeps both sides in sync", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    @mapped
    class User extends Base.model("rc7_users", {
      id: column(Integer, { primaryKey: true }),
      profile: relationship<Profile | null>("Profile", { uselist: false, backPopulates: "user" }),
    }) {}
    @mapped
    class Profile extends Base.model("rc7_profiles", {
      id: column(Integer, { primaryKey: true }),
      userId: column(Integer, { unique: true, foreignKey: "rc7_users.id" }),
      user: relationship<User | null>("User", { backPopulates: "profile" }),
    }) {}
    Base.configure();
    expect(prop(User, "profile").direction).toBe("oneToMany");
    expect(prop(User, "profile").uselist).toBe(false);
    const u = new User({});
    const p1 = new Profile({ user: u });
    expect(u.profile).toBe(p1);
    const p2 = new Profile({});
    u.profile = p2;
    expect(p2.user).toBe(u);
    expect(p1.user).toBe(null);
  });
});
