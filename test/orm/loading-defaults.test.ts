/** Relationships' own `lazy` strategy, `where` criteria, and loading through execute() and get(), on every database. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  column,
  declarativeBase,
  insert,
  joinedload,
  Integer,
  mapped,
  MetaData,
  relationship,
  select,
  selectinload,
  Session,
  String,
  trackStatements,
  Boolean,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class Shop extends Base.model("df_shops", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
  items: relationship<Item[]>("Item", { lazy: "joined", backPopulates: "shop", orderBy: "price desc" }),
  cheap: relationship<Item[]>("Item", { viewonly: true, lazy: "selectin", orderBy: "id", where: (i: typeof Item) => i.price.lt(10) }),
}) {}

@mapped
class Item extends Base.model("df_items", {
  id: column(Integer, { primaryKey: true }),
  price: column(Integer),
  active: column(Boolean, { default: true }),
  shopId: column(Integer, { foreignKey: "df_shops.id" }),
  shop: relationship<Shop>("Shop", { backPopulates: "items", lazy: "selectin" }),
}) {}

@mapped
class Staff extends Base.model(
  "df_staff",
  { id: column(Integer, { primaryKey: true }), kind: column(String(20)), name: column(String(30)) },
  { polymorphicOn: "kind", polymorphicIdentity: "staff" },
) {}

/** A subclass with a relationship of its own, loaded by default when a base-class query returns it. */
@mapped
class Buyer extends Base.subclass(
  Staff,
  { shopId: column(Integer, { nullable: true, foreignKey: "df_shops.id" }), shop: relationship<Shop | null>("Shop", { lazy: "selectin" }) },
  { polymorphicIdentity: "buyer" },
) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(async () => {
    await emptyTables(db.engine, Base.metadata);
    await db.engine.begin(async (conn) => {
      await conn.execute(
        insert(Shop).values([
          { id: 1, name: "one" },
          { id: 2, name: "two" },
        ]),
      );
      await conn.execute(
        insert(Item).values([
          { id: 1, price: 5, shopId: 1 },
          { id: 2, price: 50, shopId: 1 },
          { id: 3, price: 7, shopId: 1 },
          { id: 4, price: 20, shopId: 2 },
        ]),
      );
    });
  });

  it("applies each relationship's lazy strategy when no option is given, with orderBy and where", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const shops = await s.scalars(select(Shop).orderBy(Shop.id));
    t.stop();
    // shops joined to items, then cheap items by select-IN; items' shop is already known (no query).
    expect(t.count).toBe(2);
    expect(shops.map((x) => x.items.map((i) => i.price))).toEqual([[50, 7, 5], [20]]);
    expect(shops.map((x) => x.cheap.map((i) => i.id))).toEqual([[1, 3], []]);
    expect(shops[0]!.items[0]!.shop).toBe(shops[0]);
  });

  it("joined loading applies a relationship's where criteria and order on the alias", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const shops = await s.scalars(select(Shop).options(joinedload(Shop.cheap)).orderBy(Shop.id));
    t.stop();
    expect(t.count).toBe(1); // items (lazy: "joined") and cheap items side by side in one SELECT
    expect(shops.map((x) => x.cheap.map((i) => i.id))).toEqual([[1, 3], []]);
    expect(shops.map((x) => x.items.map((i) => i.price))).toEqual([[50, 7, 5], [20]]);
  });

  it("many-to-one select-IN skips targets already in the identity map", async () => {
    await using s = new Session(db.engine);
    await s.scalars(select(Shop));
    const t = trackStatements(s);
    const items = await s.scalars(select(Item).where(Item.id.eq(4)));
    t.stop();
    expect(t.count).toBe(1);
    expect(items[0]!.shop.name).toBe("two");
  });

  it("loads through execute() rows and get()", async () => {
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const rows = (await s.execute(select(Item).where(Item.id.lt(3)).options(selectinload(Item.shop)))).all();
    expect(rows.map((r) => (r as { df_items: Item }).df_items.shop.name)).toEqual(["one", "one"]);
    const before = t.count;
    const shop = await s.get(Shop, 2);
    expect(shop!.items.map((i) => i.id)).toEqual([4]);
    expect(t.count - before).toBeGreaterThan(0);
    t.stop();
  });

  it("loads a subclass's own relationships for the subclass objects of a base-class query", async () => {
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(Staff).values({ id: 1, kind: "staff", name: "s" }));
      await conn.execute(insert(Buyer).values({ id: 2, name: "b", shopId: 2 }));
    });
    await using s = new Session(db.engine);
    const t = trackStatements(s);
    const staff = await s.scalars(select(Staff).orderBy(Staff.id));
    t.stop();
    expect(staff[1]).toBeInstanceOf(Buyer);
    expect((staff[1] as Buyer).shop?.name).toBe("two");
    expect(t.count).toBe(4); // staff, the buyer columns, its shop joined to items, the shop's cheap items
  });
});
