/** Mapper configuration: string references resolve through the base's registry, and a mis-configured model layer fails early with errors that say how to fix it. */
import { describe, expect, it } from "vitest";
import {
  ArgumentError,
  column,
  declarativeBase,
  foreignKey,
  inspect,
  Integer,
  mapped,
  MappingError,
  MetaData,
  relationship,
  String,
} from "athanor";

/** The MappingError message of `fn`, which must throw one. */
function mappingError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MappingError);
    return (err as Error).message;
  }
  throw new Error("expected a MappingError");
}

describe("configure()", () => {
  it("resolves string targets by class name or table name, both ways, and links back-references", () => {
    const Base = declarativeBase();
    @mapped
    class Parent extends Base.model("c_parents", {
      id: column(Integer, { primaryKey: true }),
      kids: relationship<Kid[]>("Kid", { backPopulates: "parent" }),
    }) {}
    @mapped
    class Kid extends Base.model("c_kids", {
      id: column(Integer, { primaryKey: true }),
      parentId: column(Integer, { foreignKey: "c_parents.id" }),
      parent: relationship<Parent>("c_parents", { backPopulates: "kids" }),
    }) {}
    Base.configure();
    expect(inspect(Parent).relationships).toEqual([{ key: "kids", target: "Kid", direction: "oneToMany", uselist: true }]);
    expect(inspect(Kid).relationships).toEqual([{ key: "parent", target: "Parent", direction: "manyToOne", uselist: false }]);
    const p = new Parent({});
    const k = new Kid({ parent: p });
    expect(p.kids).toEqual([k]);
  });

  it("names a back-populates attribute that does not exist, and how to add it", () => {
    const Base = declarativeBase();
    @mapped
    class User extends Base.model("c1_users", {
      id: column(Integer, { primaryKey: true }),
      posts: relationship<Post[]>("Post", { backPopulates: "writer" }),
    }) {}
    @mapped
    class Post extends Base.model("c1_posts", {
      id: column(Integer, { primaryKey: true }),
      userId: column(Integer, { foreignKey: "c1_users.id" }),
    }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain('relationship User.posts has backPopulates: "writer", but Post has no attribute writer');
    expect(msg).toContain('add writer: relationship("User", { backPopulates: "posts" }) to Post');
    // The failure sticks: using a model later reports the same problem.
    expect(() => new User({})).toThrow(/backPopulates: "writer"/);
    expect(Post.userId.name).toBe("user_id");
  });

  it("names back-references that do not point back", () => {
    const Base = declarativeBase();
    @mapped
    class User extends Base.model("c2_users", {
      id: column(Integer, { primaryKey: true }),
      posts: relationship<Post[]>("Post", { backPopulates: "author", foreignKeys: ["authorId"] }),
      drafts: relationship<Post[]>("Post", { foreignKeys: ["editorId"] }),
    }) {}
    @mapped
    class Post extends Base.model("c2_posts", {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { foreignKey: "c2_users.id" }),
      editorId: column(Integer, { foreignKey: "c2_users.id", nullable: true }),
      author: relationship<User>("User", { backPopulates: "drafts", foreignKeys: ["authorId"] }),
    }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toMatch(/User\.posts and Post\.author do not point at each other \(Post\.author has backPopulates: "drafts"\)/);
    expect([User, Post].every((m) => typeof m === "function")).toBe(true);
  });

  it("names a back-reference that is a column, or that points to another model", () => {
    const Base = declarativeBase();
    @mapped
    class A extends Base.model("c3_a", {
      id: column(Integer, { primaryKey: true }),
      bs: relationship<B[]>("B", { backPopulates: "aId" }),
      cs: relationship<C[]>("C", { backPopulates: "b" }),
    }) {}
    @mapped
    class B extends Base.model("c3_b", {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, { foreignKey: "c3_a.id" }),
    }) {}
    @mapped
    class C extends Base.model("c3_c", {
      id: column(Integer, { primaryKey: true }),
      aId: column(Integer, { foreignKey: "c3_a.id" }),
      bId: column(Integer, { foreignKey: "c3_b.id" }),
      b: relationship<B>("B"),
    }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain('A.bs has backPopulates: "aId", but B.aId is a column, not a relationship');
    expect(msg).toContain('relationship A.cs has backPopulates: "b", but C.b points to B, not back to A');
    expect([A, B, C].every((m) => typeof m === "function")).toBe(true);
  });

  it("explains a relationship with no foreign key path", () => {
    const Base = declarativeBase();
    @mapped
    class Shop extends Base.model("c4_shops", {
      id: column(Integer, { primaryKey: true }),
      items: relationship<Item[]>("Item"),
    }) {}
    @mapped
    class Item extends Base.model("c4_items", { id: column(Integer, { primaryKey: true }), shopId: column(Integer) }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain("relationship Shop.items: no foreign key links c4_shops and c4_items");
    expect(msg).toContain('declare one with foreignKey: "c4_items.<column>"');
    expect(Item.shopId.name).toBe("shop_id");
    expect(typeof Shop).toBe("function");
  });

  it("explains an ambiguous path and accepts the foreignKeys that settle it", () => {
    const Bad = declarativeBase();
    @mapped
    class Address extends Bad.model("c5_addresses", { id: column(Integer, { primaryKey: true }) }) {}
    @mapped
    class Order extends Bad.model("c5_orders", {
      id: column(Integer, { primaryKey: true }),
      billingId: column(Integer, { foreignKey: "c5_addresses.id" }),
      shippingId: column(Integer, { foreignKey: "c5_addresses.id" }),
      billing: relationship<Address>("Address"),
    }) {}
    const msg = mappingError(() => Bad.configure());
    expect(msg).toContain("relationship Order.billing: several foreign keys link c5_orders and c5_addresses (billingId; shippingId)");
    expect(msg).toContain('say which with foreignKeys: ["billingId"]');
    expect([Address, Order].every((m) => typeof m === "function")).toBe(true);

    const Good = declarativeBase();
    @mapped
    class Address2 extends Good.model("c5_addresses", { id: column(Integer, { primaryKey: true }) }) {}
    @mapped
    class Order2 extends Good.model("c5_orders", {
      id: column(Integer, { primaryKey: true }),
      billingId: column(Integer, { foreignKey: "c5_addresses.id" }),
      shippingId: column(Integer, { foreignKey: "c5_addresses.id" }),
      billing: relationship<Address2>("Address2", { foreignKeys: ["billingId"] }),
      shipping: relationship<Address2>("Address2", { foreignKeys: ["shippingId"] }),
    }) {}
    Good.configure();
    const a = new Address2({ id: 1 });
    const o = new Order2({ billing: a, shipping: a });
    expect(o.billing).toBe(a);
    expect(inspect(Order2).relationships.map((r) => r.direction)).toEqual(["manyToOne", "manyToOne"]);
  });

  it("refuses models of two declarative bases mixed", () => {
    const First = declarativeBase();
    const Second = declarativeBase();
    @mapped
    class Owner extends First.model("c6_owners", { id: column(Integer, { primaryKey: true }) }) {}
    @mapped
    class Pet extends Second.model("c6_pets", {
      id: column(Integer, { primaryKey: true }),
      ownerId: column(Integer),
      owner: relationship<Owner>("Owner"),
    }) {}
    const msg = mappingError(() => Second.configure());
    expect(msg).toContain("relationship Pet.owner refers to Owner, which is mapped on a different declarative base");
    expect(msg).toContain("a project's models share one base");
    expect([Owner, Pet].every((m) => typeof m === "function")).toBe(true);
  });

  it("refuses a table mapped twice, and a target that is not a model", () => {
    const Base = declarativeBase({ metadata: new MetaData() });
    @mapped
    class One extends Base.model("c7_things", { id: column(Integer, { primaryKey: true }) }) {}
    expect(() => Base.model("c7_things", { id: column(Integer, { primaryKey: true }) })).toThrow(
      /table c7_things is already mapped by One; each table is mapped by one model/,
    );
    @mapped
    class Two extends Base.model("c7_other", {
      id: column(Integer, { primaryKey: true }),
      ghost: relationship<One>("Ghost"),
    }) {}
    expect(typeof Two).toBe("function");
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain(
      'relationship Two.ghost refers to "Ghost", which is not a model of this base; known models: One (table c7_things), Two (table c7_other)',
    );
  });

  it("reports a model whose class was never registered with @mapped", () => {
    const Base = declarativeBase();
    class Forgotten extends Base.model("c8_forgotten", { id: column(Integer, { primaryKey: true }) }) {}
    expect(() => new Forgotten({})).toThrow(/decorate the class that extends it with @mapped/);
    mapped(Forgotten);
    expect(new Forgotten({ id: 1 }).id).toBe(1);
    expect(() => mapped(class NotAModel {})).toThrow(/must extend Base\.model/);
  });

  it("reports definition mistakes at the model", () => {
    const Base = declarativeBase();
    expect(() => Base.model("c9_nokey", { name: column(String(10)) })).toThrow(/the table has no primary key/);
    expect(() => Base.model("c9_x", { id: column(Integer, { primaryKey: true }), constructor: column(Integer) })).toThrow(
      /'constructor' cannot be an attribute name/,
    );
    expect(() => Base.model("c9_y", { id: column(Integer, { primaryKey: true }), bad: "text" as never })).toThrow(
      /attribute 'bad' must be column\(…\) or relationship\(…\)/,
    );
    expect(() => Base.model("c9_z", { id: column(Integer, { primaryKey: true }) }, { versionColumn: "id", nope: 1 } as never)).toThrow(
      /unknown option 'nope'/,
    );
    expect(() => Base.model("c9_v", { id: column(Integer, { primaryKey: true }), v: column(String(5)) }, { versionColumn: "v" })).toThrow(
      /versionColumn 'v' must name an integer column/,
    );
    expect(() => relationship("X", { cascade: "all", bogus: true } as never)).toThrow(ArgumentError);
    // Each failed definition left nothing behind: the names are free again.
    @mapped
    class Fine extends Base.model("c9_nokey", {
      id: column(Integer, { primaryKey: true }),
      fk: column(Integer, { foreignKey: foreignKey("c9_nokey.id") }),
    }) {}
    expect(inspect(Fine).table.name).toBe("c9_nokey");
  });

  it("refuses self-referential relationships that do not say which side is many-to-one", () => {
    const Base = declarativeBase();
    @mapped
    class Node extends Base.model("c10_nodes", {
      id: column(Integer, { primaryKey: true }),
      parentId: column(Integer, { nullable: true, foreignKey: "c10_nodes.id" }),
      parent: relationship<Node | null>("Node", { backPopulates: "children" }),
      children: relationship<Node[]>("Node", { backPopulates: "parent" }),
    }) {}
    const msg = mappingError(() => Base.configure());
    expect(msg).toContain('give the many-to-one side remoteSide: "id"');
    expect(typeof Node).toBe("function");
  });
});
