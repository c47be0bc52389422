/**
 * The shop domain (examples/shop/models) on every database: relationships kept in sync in memory,
 * a whole graph saved with one add, the viewonly default address, the order lines as association
 * objects (prices frozen at the time of order), two foreign keys to one table, the category tree,
 * cascades (ORM and ON DELETE), check constraints, hybrids, and every loading strategy with the
 * exact number of statements each one runs.
 */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  containsEager,
  deleteFrom,
  func,
  inspect,
  insert,
  IntegrityError,
  joinedload,
  noload,
  ObjectStateError,
  raiseload,
  select,
  selectinload,
  Session,
  subqueryload,
} from "athanor";
import { Address, Base, CartItem, Category, Order, OrderItem, Product, User } from "../../examples/shop/models/index.js";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements, statementShape as shape } from "../support/orm.js";

type Model = typeof User | typeof Address | typeof Category | typeof Product | typeof CartItem | typeof Order | typeof OrderItem;

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  /**
   * Users ada (1), bob (2), cy (3, no address, no order). Addresses: ada 10 London, 11 Paris
   * (default); bob 12 Berlin (default), 13 Rome. Categories: Electronics (1) > Audio (2) >
   * Headphones (3), Electronics > Computers (4), Books (5). Products: Earbuds (100, 29.99, 10 in
   * stock, Headphones), Speaker (101, 49.99, none in stock, Audio), Laptop (102, 999.00, 3,
   * Computers), Novel (103, 12.50, 50, Books). Carts: ada 2×Novel + 1×Earbuds, bob 1×Laptop.
   * Orders: 500 ada paid (bill London, ship Paris) 2×Earbuds + 1×Novel, fee 5.00 → 77.48;
   * 501 ada pending (Paris, Paris) 1×Laptop → 999.00; 502 bob shipped (Berlin, Rome)
   * 3×Earbuds + 1×Novel, fee 4.99 → 107.46.
   */
  async function seed(): Promise<void> {
    await db.engine.begin(async (conn) => {
      await conn.execute(
        insert(User).values([
          { id: 1, email: "ada@example.com", name: "Ada" },
          { id: 2, email: "bob@example.com", name: "Bob" },
          { id: 3, email: "cy@example.com", name: "Cy" },
        ]),
      );
      const address = (id: number, userId: number, city: string, isDefault: boolean) => ({
        id,
        userId,
        street: `${id} Main St`,
        city,
        postalCode: `P${id}`,
        country: "EU",
        isDefault,
      });
      await conn.execute(
        insert(Address).values([
          address(10, 1, "London", false),
          address(11, 1, "Paris", true),
          address(12, 2, "Berlin", true),
          address(13, 2, "Rome", false),
        ]),
      );
      const category = (id: number, name: string, parentId: number | null) => ({ id, name, slug: name.toLowerCase(), parentId });
      await conn.execute(insert(Category).values([category(1, "Electronics", null), category(5, "Books", null)]));
      await conn.execute(insert(Category).values([category(2, "Audio", 1), category(4, "Computers", 1)]));
      await conn.execute(insert(Category).values(category(3, "Headphones", 2)));
      await conn.execute(
        insert(Product).values([
          { id: 100, sku: "EAR-1", name: "Earbuds", priceCents: 2999, stock: 10, categoryId: 3 },
          { id: 101, sku: "SPK-1", name: "Speaker", priceCents: 4999, stock: 0, categoryId: 2 },
          { id: 102, sku: "LAP-1", name: "Laptop", priceCents: 99900, stock: 3, categoryId: 4 },
          { id: 103, sku: "NOV-1", name: "Novel", priceCents: 1250, stock: 50, categoryId: 5 },
        ]),
      );
      await conn.execute(
        insert(CartItem).values([
          { id: 1000, userId: 1, productId: 103, quantity: 2, unitPriceCents: 1250 },
          { id: 1001, userId: 1, productId: 100, quantity: 1, unitPriceCents: 2999 },
          { id: 1002, userId: 2, productId: 102, quantity: 1, unitPriceCents: 99900 },
        ]),
      );
      const order = (id: number, userId: number, status: string, bill: number, ship: number, sub: number, fee: number) => ({
        id,
        userId,
        status: status as Order["status"],
        billingAddressId: bill,
        shippingAddressId: ship,
        subtotalCents: sub,
        shippingFeeCents: fee,
        placedAt: new Date(Date.UTC(2024, 0, 1, 12, id - 500)),
      });
      await conn.execute(
        insert(Order).values([
          order(500, 1, "paid", 10, 11, 7248, 500),
          order(501, 1, "pending", 11, 11, 99900, 0),
          order(502, 2, "shipped", 12, 13, 10247, 499),
        ]),
      );
      const item = (orderId: number, productId: number, quantity: number, unitPriceCents: number) => ({
        orderId,
        productId,
        quantity,
        unitPriceCents,
      });
      await conn.execute(
        insert(OrderItem).values([
          item(500, 100, 2, 2999),
          item(500, 103, 1, 1250),
          item(501, 102, 1, 99900),
          item(502, 100, 3, 2999),
          item(502, 103, 1, 1250),
        ]),
      );
    });
  }

  /** The number of rows of a model's table (through the session when given: SQLite has one connection). */
  async function count(model: Model, session?: Session): Promise<number> {
    const stmt = select(func.count()).from(model);
    if (session) return Number(await session.scalar(stmt));
    await using conn = await db.engine.connect();
    return Number((await conn.execute(stmt)).scalar());
  }
  /** Row counts of every shop table, users first. */
  async function counts(session?: Session): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [name, model] of [
      ["users", User],
      ["addresses", Address],
      ["categories", Category],
      ["products", Product],
      ["cartItems", CartItem],
      ["orders", Order],
      ["orderItems", OrderItem],
    ] as const)
      out[name] = await count(model, session);
    return out;
  }
  const seeded = { users: 3, addresses: 4, categories: 5, products: 4, cartItems: 3, orders: 3, orderItems: 5 };
  const lines = (o: Order): Array<[number, number, number]> => o.items.map((i) => [i.productId, i.quantity, i.unitPriceCents]);

  // ── relationships in memory, and saving a graph ───────────────────────────────────────────

  it("keeps many-to-one and one-to-many in sync in memory, both ways", () => {
    const ada = new User({ email: "ada@example.com", name: "Ada" });
    const home = new Address({ street: "1 Main St", city: "London", postalCode: "N1", country: "GB" });
    ada.addresses.push(home); // one-to-many → many-to-one
    expect(home.user).toBe(ada);
    const work = new Address({ street: "2 Side St", city: "Paris", postalCode: "75001", country: "FR", user: ada }); // the reverse
    expect(ada.addresses).toEqual([home, work]);
    const bob = new User({ email: "bob@example.com", name: "Bob" });
    work.user = bob; // moving it updates both collections
    expect(ada.addresses).toEqual([home]);
    expect(bob.addresses).toEqual([work]);
    ada.addresses.splice(0, 1);
    expect(home.user).toBeNull();

    const order = new Order({ user: ada });
    expect(ada.orders).toEqual([order]);
    const line = new OrderItem({ quantity: 2, unitPriceCents: 150 });
    order.items.push(line);
    expect(line.order).toBe(order);
    const cart = new CartItem({ quantity: 3, unitPriceCents: 200, user: bob });
    expect(bob.cartItems).toEqual([cart]);

    const electronics = new Category({ name: "Electronics", slug: "electronics" });
    const audio = new Category({ name: "Audio", slug: "audio", parent: electronics });
    expect(electronics.children).toEqual([audio]);
    const earbuds = new Product({ sku: "E", name: "Earbuds", priceCents: 100 });
    audio.products.push(earbuds);
    expect(earbuds.category).toBe(audio);
  });

  it("saves a whole graph with one add: parents first, one INSERT per table where keys come back", async () => {
    const electronics = new Category({ name: "Electronics", slug: "electronics" });
    const audio = new Category({ name: "Audio", slug: "audio", parent: electronics });
    const books = new Category({ name: "Books", slug: "books" });
    const earbuds = new Product({ sku: "EAR-1", name: "Earbuds", priceCents: 2999, stock: 5, category: audio });
    const novel = new Product({ sku: "NOV-1", name: "Novel", priceCents: 1250, stock: 0, category: books });
    const ada = new User({ email: "ada@example.com", name: "Ada" });
    const home = new Address({ street: "1 Main St", city: "London", postalCode: "N1", country: "GB", user: ada });
    const work = new Address({ street: "2 Side St", city: "Paris", postalCode: "75001", country: "FR", isDefault: true, user: ada });
    ada.cartItems.push(
      new CartItem({ product: earbuds, quantity: 2, unitPriceCents: earbuds.priceCents }),
      new CartItem({ product: novel, unitPriceCents: novel.priceCents }),
    );
    const order = new Order({ billingAddress: home, shippingAddress: work, shippingFeeCents: 500, status: "paid" });
    ada.orders.push(order);
    order.items.push(
      new OrderItem({ product: earbuds, quantity: 2, unitPriceCents: 2999 }),
      new OrderItem({ product: novel, quantity: 1, unitPriceCents: 1250 }),
    );
    order.recalculate();
    expect(order.subtotalCents).toBe(7248);
    expect(order.totalCents).toBe(7748);
    expect(ada.cartItems.map((c) => c.subtotalCents)).toEqual([5998, 1250]);

    {
      await using s = new Session(db.engine);
      s.add(ada); // everything is reachable from ada: products and categories through the lines
      expect(s.new.length).toBe(13);
      const rec = recordStatements(db.engine);
      await s.commit();
      rec.stop();
      const shapes = rec.sql.map(shape);
      expect(shapes.every((x) => x.startsWith("INSERT "))).toBe(true);
      const order_ = [...new Set(shapes)];
      expect([...order_].sort()).toEqual([
        "INSERT addresses",
        "INSERT cart_items",
        "INSERT categories",
        "INSERT order_items",
        "INSERT orders",
        "INSERT products",
        "INSERT users",
      ]);
      const before = (a: string, b: string) => expect(order_.indexOf(`INSERT ${a}`)).toBeLessThan(order_.indexOf(`INSERT ${b}`));
      before("users", "addresses");
      before("categories", "products");
      before("users", "cart_items");
      before("products", "cart_items");
      before("addresses", "orders");
      before("users", "orders");
      before("orders", "order_items");
      before("products", "order_items");
      // order_items' keys are given (order, product): one multi-row INSERT on every database.
      expect(rec.count(/^INSERT INTO .?order_items/i)).toBe(1);
      const perTable = (t: string) => rec.count(new RegExp(`^INSERT INTO .?${t}\\b`, "i"));
      if (db.caps.insertReturning) {
        // Generated keys come back from multi-row INSERT … RETURNING; the self-referential
        // categories need the parent's key first: electronics and books, then audio.
        expect(["users", "addresses", "products", "cart_items", "orders"].map(perTable)).toEqual([1, 1, 1, 1, 1]);
        expect(perTable("categories")).toBe(2);
        expect(rec.sql).toHaveLength(8);
      } else {
        // One row at a time for generated keys.
        expect(["users", "addresses", "categories", "products", "cart_items", "orders"].map(perTable)).toEqual([1, 2, 3, 2, 2, 1]);
        expect(rec.sql).toHaveLength(12);
      }
      expect(work.userId).toBe(ada.id);
      expect(audio.parentId).toBe(electronics.id);
      expect(earbuds.categoryId).toBe(audio.id);
      expect([order.billingAddressId, order.shippingAddressId]).toEqual([home.id, work.id]);
      expect(order.items.map((i) => [i.orderId, i.productId])).toEqual([
        [order.id, earbuds.id],
        [order.id, novel.id],
      ]);
      expect(ada.cartItems.map((c) => c.productId)).toEqual([earbuds.id, novel.id]);
      expect(order.placedAt).toBeInstanceOf(Date);
    }
    expect(await counts()).toEqual({ users: 1, addresses: 2, categories: 3, products: 2, cartItems: 2, orders: 1, orderItems: 2 });
    await using s = new Session(db.engine);
    const [loaded] = await s.scalars(select(Order).options(selectinload(Order.items).joinedload(OrderItem.product)));
    expect(loaded!.items.map((i) => [i.product.name, i.quantity, i.lineTotalCents])).toEqual([
      ["Earbuds", 2, 5998],
      ["Novel", 1, 1250],
    ]);
    expect([loaded!.status, loaded!.totalCents]).toEqual(["paid", 7748]);
  });

  // ── the viewonly default address ──────────────────────────────────────────────────────────

  it("User.defaultAddress loads the address marked default, with selectinload and joinedload", async () => {
    await seed();
    {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const users = await s.scalars(select(User).options(selectinload(User.defaultAddress)).orderBy(User.id));
      rec.stop();
      expect(rec.sql).toHaveLength(2);
      expect(users.map((u) => u.defaultAddress?.city ?? null)).toEqual(["Paris", "Berlin", null]);
      expect(users.map((u) => u.defaultAddress?.id ?? null)).toEqual([11, 12, null]);
    }
    {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const users = await s.scalars(select(User).options(joinedload(User.defaultAddress), joinedload(User.addresses)).orderBy(User.id));
      rec.stop();
      expect(rec.sql).toHaveLength(1);
      expect(users.map((u) => u.name)).toEqual(["Ada", "Bob", "Cy"]);
      expect(users.map((u) => u.defaultAddress?.city ?? null)).toEqual(["Paris", "Berlin", null]);
      expect(users.map((u) => u.addresses.map((a) => a.city))).toEqual([["London", "Paris"], ["Berlin", "Rome"], []]);
      // One object per row: the default address is the one in the collection.
      expect(users[0]!.defaultAddress).toBe(users[0]!.addresses[1]);
    }
  });

  it("User.defaultAddress is read-only: assigning it writes nothing; isDefault decides", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [ada] = await s.scalars(
      select(User).where(User.id.eq(1)).options(selectinload(User.addresses), selectinload(User.defaultAddress)),
    );
    const [london, paris] = ada!.addresses as [Address, Address];
    expect(ada!.defaultAddress).toBe(paris);
    ada!.defaultAddress = london; // in memory only
    const rec = recordStatements(db.engine);
    await s.flush();
    expect(rec.sql).toEqual([]);
    // Changing the flags is the way; a fresh load follows them.
    paris.isDefault = false;
    london.isDefault = true;
    await s.commit();
    expect(rec.sql.map(shape)).toEqual(["UPDATE addresses"]); // one batched statement for both rows
    rec.stop();
    s.expungeAll();
    const [again] = await s.scalars(select(User).where(User.id.eq(1)).options(joinedload(User.defaultAddress)));
    expect(again!.defaultAddress?.city).toBe("London");
  });

  // ── order lines: the association object ───────────────────────────────────────────────────

  it("order lines keep the price at the time of order; Order.products reads through order_items", async () => {
    await seed();
    await using s = new Session(db.engine);
    const earbuds = (await s.get(Product, 100))!;
    earbuds.priceCents = 3499; // a price rise after the orders were placed
    await s.commit();
    s.expungeAll();
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(
      select(Order).options(selectinload(Order.items).selectinload(OrderItem.product), selectinload(Order.products)).orderBy(Order.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(4); // orders, items, products of the items, products through order_items
    expect(orders.map(lines)).toEqual([
      [
        [100, 2, 2999],
        [103, 1, 1250],
      ],
      [[102, 1, 99900]],
      [
        [100, 3, 2999],
        [103, 1, 1250],
      ],
    ]);
    expect(orders[0]!.items[0]!.product.priceCents).toBe(3499);
    expect(orders.map((o) => o.items.map((i) => i.lineTotalCents))).toEqual([[5998, 1250], [99900], [8997, 1250]]);
    expect(orders.map((o) => o.totalCents)).toEqual([7748, 99900, 10746]);
    for (const o of orders) {
      const stored = o.subtotalCents;
      o.recalculate(); // the lines give the same subtotal: the new price does not reach them
      expect(o.subtotalCents).toBe(stored);
    }
    expect(s.dirty).toEqual([]);
    // The viewonly many-to-many, ordered by name; products are shared objects.
    expect(orders.map((o) => o.products.map((p) => p.name))).toEqual([["Earbuds", "Novel"], ["Laptop"], ["Earbuds", "Novel"]]);
    expect(orders[0]!.products[0]).toBe(orders[2]!.products[0]);
    expect(orders[0]!.products[0]).toBe(orders[0]!.items[0]!.product);
    // SQL agrees: the sum of the lines is the old prices.
    expect(Number(await s.scalar(select(func.sum(OrderItem.lineTotalCents)).where(OrderItem.orderId.eq(500))))).toBe(7248);
  });

  it("Order.products is viewonly: changing it writes no order_items rows", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [order] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.products)));
    const novel = (await s.get(Product, 103))!;
    order!.products.push(novel);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql).toEqual([]);
    expect(await count(OrderItem)).toBe(5);
  });

  it("adds a line through order.items and recalculates the stored subtotal", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [order] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)));
    const speaker = (await s.get(Product, 101))!;
    order!.items.push(new OrderItem({ product: speaker, quantity: 2, unitPriceCents: speaker.priceCents }));
    order!.recalculate();
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["UPDATE orders", "INSERT order_items"]);
    s.expungeAll();
    const [again] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)));
    expect(lines(again!)).toEqual([
      [101, 2, 4999],
      [102, 1, 99900],
    ]);
    expect(again!.totalCents).toBe(99900 + 9998);
  });

  // ── two foreign keys to one table ─────────────────────────────────────────────────────────

  it("billing and shipping addresses: two foreign keys to one table, both joined in one statement", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(
      select(Order).options(joinedload(Order.billingAddress), joinedload(Order.shippingAddress)).orderBy(Order.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(rec.sql[0]!.match(/LEFT OUTER JOIN/g)).toHaveLength(2);
    expect(orders.map((o) => [o.id, o.billingAddress.city, o.shippingAddress.city])).toEqual([
      [500, "London", "Paris"],
      [501, "Paris", "Paris"],
      [502, "Berlin", "Rome"],
    ]);
    expect(orders[1]!.billingAddress).toBe(orders[1]!.shippingAddress); // one object per row
    expect(orders[0]!.shippingAddress).toBe(orders[1]!.shippingAddress);
    // Moving the shipping address writes only its own foreign key.
    orders[2]!.shippingAddress = orders[2]!.billingAddress;
    expect(orders[2]!.shippingAddressId).toBe(13); // the foreign key follows at flush
    const rec2 = recordStatements(db.engine);
    await s.commit();
    rec2.stop();
    expect(rec2.sql.map(shape)).toEqual(["UPDATE orders"]);
    expect(rec2.sql[0]).toMatch(/SET .?shipping_address_id.? = /);
    expect(rec2.sql[0]).not.toMatch(/billing_address_id.? =/);
    expect(orders[2]!.shippingAddressId).toBe(12);
    await using conn = await db.engine.connect();
    const row = (await conn.execute(select(Order.billingAddressId, Order.shippingAddressId).where(Order.id.eq(502)))).one();
    expect([Number(row.billingAddressId), Number(row.shippingAddressId)]).toEqual([12, 12]);
  });

  // ── the category tree ─────────────────────────────────────────────────────────────────────

  it("loads the category tree level by level, with the parent back-reference", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const roots = await s.scalars(
      select(Category)
        .where(Category.parentId.isNull())
        .orderBy(Category.name)
        .options(selectinload(Category.children).selectinload(Category.children).selectinload(Category.children)),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(4); // the roots, then one IN query per level
    expect(roots.map((c) => c.name)).toEqual(["Books", "Electronics"]);
    const [books, electronics] = roots as [Category, Category];
    expect(books.children).toEqual([]);
    expect(electronics.children.map((c) => c.name)).toEqual(["Audio", "Computers"]);
    const audio = electronics.children[0]!;
    expect(audio.children.map((c) => c.name)).toEqual(["Headphones"]);
    expect(audio.children[0]!.children).toEqual([]);
    expect(audio.parent).toBe(electronics);
    expect(audio.children[0]!.parent).toBe(audio);
  });

  it("loads the parents of a leaf upward, one SELECT per level, and a category's products", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const [leaf] = await s.scalars(
      select(Category)
        .where(Category.slug.eq("headphones"))
        .options(joinedload(Category.parent).joinedload(Category.parent).joinedload(Category.parent), selectinload(Category.products)),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(2); // the leaf joined to three levels of parents, its products
    const path: string[] = [];
    for (let c: Category | null = leaf!; c; c = c.parent) path.unshift(c.name);
    expect(path).toEqual(["Electronics", "Audio", "Headphones"]);
    expect(leaf!.products.map((p) => p.name)).toEqual(["Earbuds"]);
    expect(leaf!.parent!.parent!.parent).toBeNull();
    rec.clear();
    expect(await s.load(leaf!.parent!.parent!, "children")).toHaveLength(2);
  });

  // ── cascades ──────────────────────────────────────────────────────────────────────────────

  it("deleting a user deletes their addresses, cart, orders and order items", async () => {
    await seed();
    await using s = new Session(db.engine);
    const ada = (await s.get(User, 1))!;
    s.delete(ada);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    // Each unloaded collection is SELECTed first, recursively (the orders' items too), then the
    // DELETEs run children first: the orders before the addresses they point at.
    expect(rec.sql.map(shape)).toEqual([
      "SELECT addresses",
      "SELECT cart_items",
      "SELECT orders",
      "SELECT order_items",
      "DELETE order_items",
      "DELETE orders",
      "DELETE cart_items",
      "DELETE addresses",
      "DELETE users",
    ]);
    expect(await counts()).toEqual({ ...seeded, users: 2, addresses: 2, cartItems: 1, orders: 1, orderItems: 2 });
    await using conn = await db.engine.connect();
    const left = await conn.execute(select(OrderItem.orderId, OrderItem.productId).orderBy(OrderItem.productId));
    expect(left.all().map((r) => [Number(r.orderId), Number(r.productId)])).toEqual([
      [502, 100],
      [502, 103],
    ]);
  });

  it("delete-orphan: a line removed from order.items and a cart item removed from the cart are deleted", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [ada] = await s.scalars(
      select(User).where(User.id.eq(1)).options(selectinload(User.orders).selectinload(Order.items), selectinload(User.cartItems)),
    );
    const paid = ada!.orders.find((o) => o.id === 500)!;
    expect(ada!.orders.map((o) => o.id)).toEqual([501, 500]); // newest first
    const novelLine = paid.items.splice(1, 1)[0]!;
    expect(novelLine.productId).toBe(103);
    expect(novelLine.order).toBeNull();
    paid.recalculate();
    expect(paid.subtotalCents).toBe(5998);
    const removed = ada!.cartItems.shift()!;
    expect(removed.id).toBe(1000);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape).sort()).toEqual(["DELETE cart_items", "DELETE order_items", "UPDATE orders"]);
    expect(inspect(novelLine).status).toBe("detached");
    expect(await counts()).toEqual({ ...seeded, cartItems: 2, orderItems: 4 });
    s.expungeAll();
    const [again] = await s.scalars(select(Order).where(Order.id.eq(500)).options(selectinload(Order.items)));
    expect(lines(again!)).toEqual([[100, 2, 2999]]);
    expect(again!.totalCents).toBe(6498);
    const cart = await s.scalars(select(CartItem).where(CartItem.userId.eq(1)).orderBy(CartItem.id));
    expect(cart.map((c) => [c.id, c.productId, c.subtotalCents])).toEqual([[1001, 100, 2999]]);
  });

  it("merges a detached order with its items: changed, removed (orphan) and added lines", async () => {
    await seed();
    let detached: Order;
    {
      await using s = new Session(db.engine);
      [detached] = (await s.scalars(select(Order).where(Order.id.eq(502)).options(selectinload(Order.items)))) as [Order];
    }
    expect(inspect(detached).status).toBe("detached");
    detached.items[0]!.quantity = 1; // earbuds 3 → 1
    detached.items.splice(1, 1); // the novel goes
    detached.items.push(new OrderItem({ productId: 101, quantity: 2, unitPriceCents: 4999 }));
    detached.recalculate();
    detached.status = "delivered";

    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const merged = await s.merge(detached);
    expect(merged).not.toBe(detached);
    expect(merged.status).toBe("delivered");
    expect(lines(merged).sort((a, b) => a[0] - b[0])).toEqual([
      [100, 1, 2999],
      [101, 2, 4999],
    ]);
    await s.commit();
    rec.stop();
    // The order and its current lines are read, then only the differences are written.
    expect(rec.sql.map(shape)).toEqual([
      "SELECT orders",
      "SELECT order_items",
      "UPDATE orders",
      "UPDATE order_items",
      "INSERT order_items",
      "DELETE order_items",
    ]);
    expect(rec.sql[2]).toMatch(/SET .?status.? = .*, .?subtotal_cents.? = \S+ WHERE/);
    expect(rec.sql[3]).toMatch(/SET .?quantity.? = \S+ WHERE/);
    s.expungeAll();
    const [again] = await s.scalars(select(Order).where(Order.id.eq(502)).options(selectinload(Order.items)));
    expect(lines(again!)).toEqual([
      [100, 1, 2999],
      [101, 2, 4999],
    ]);
    expect([again!.status, again!.subtotalCents, again!.totalCents]).toEqual(["delivered", 12997, 13496]);
    expect(await count(OrderItem, s)).toBe(5);
  });

  it("deleting a category deletes its subtree (ORM cascade) and lets go of the products", async () => {
    await seed();
    await using s = new Session(db.engine);
    const electronics = (await s.get(Category, 1))!;
    s.delete(electronics);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    // The children are read level by level (Audio and Computers, then Headphones), each level's
    // products with them; the products are let go of in one UPDATE, then the categories are
    // deleted leaves first: Computers and Headphones, Audio, Electronics.
    expect(rec.sql.map(shape)).toEqual([
      "SELECT categories",
      "SELECT products",
      "SELECT categories",
      "SELECT products",
      "SELECT categories",
      "SELECT products",
      "UPDATE products",
      "DELETE categories",
      "DELETE categories",
      "DELETE categories",
    ]);
    const placeholders = (sql: string) => sql.match(/\?|\$\d+/g)!.length;
    expect(rec.sql.slice(7).map(placeholders)).toEqual([2, 1, 1]);
    expect(rec.sql[6]!.match(/\?|\$\d+/g)!.length).toBeGreaterThanOrEqual(6); // three products, one statement
    expect([inspect(electronics).status]).toEqual(["detached"]);
    s.expungeAll();
    const products = await s.scalars(select(Product).orderBy(Product.id));
    expect(products.map((p) => [p.id, p.categoryId])).toEqual([
      [100, null],
      [101, null],
      [102, null],
      [103, 5],
    ]);
    const left = await s.scalars(select(Category.slug).orderBy(Category.id));
    expect(left).toEqual(["books"]);
  });

  it("ON DELETE at the database: deleting a category row cascades to its subtree and sets products' category to NULL", async () => {
    await seed();
    await db.engine.begin((conn) => conn.execute(deleteFrom(Category).where(Category.id.eq(1))));
    await using s = new Session(db.engine);
    expect(await s.scalars(select(Category.name).orderBy(Category.id))).toEqual(["Books"]);
    const products = await s.scalars(select(Product).orderBy(Product.id));
    expect(products.map((p) => [p.name, p.categoryId])).toEqual([
      ["Earbuds", null],
      ["Speaker", null],
      ["Laptop", null],
      ["Novel", 5],
    ]);
    expect(await count(OrderItem, s)).toBe(5); // products and their lines are untouched
  });

  // ── check constraints and the status enum ─────────────────────────────────────────────────

  it("check constraints fail the flush with IntegrityError; the session rolls back and nothing is kept", async () => {
    await seed();
    const attempts: Array<[string, (s: Session) => Promise<void>]> = [
      ["free product", async (s) => void s.add(new Product({ sku: "FREE", name: "Free", priceCents: 0 }))],
      ["negative stock", async (s) => void ((await s.get(Product, 100))!.stock = -1)],
      [
        "empty cart line",
        async (s) => {
          const [cy] = await s.scalars(select(User).where(User.id.eq(3)).options(selectinload(User.cartItems)));
          cy!.cartItems.push(new CartItem({ productId: 100, quantity: 0, unitPriceCents: 2999 }));
        },
      ],
      [
        "empty order line",
        async (s) => {
          const [o] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)));
          o!.items.push(new OrderItem({ productId: 103, quantity: 0, unitPriceCents: 1250 }));
          o!.status = "paid";
        },
      ],
    ];
    for (const [what, act] of attempts) {
      await using s = new Session(db.engine);
      const laptop = (await s.get(Product, 102))!;
      laptop.stock = 2; // an unrelated change in the same flush, undone too
      await act(s);
      await expect(s.flush(), what).rejects.toThrow(IntegrityError);
      await s.rollback();
      expect(laptop.stock, what).toBe(3); // reloaded from the database
      expect(await counts(s), what).toEqual(seeded);
      expect(await s.scalar(select(Order.status).where(Order.id.eq(501))), what).toBe("pending");
      expect(Number(await s.scalar(select(func.sum(Product.stock)))), what).toBe(63);
    }
  });

  it("refuses a status outside the enum on assignment, naming the allowed values", () => {
    const message = /Order\.status: expected one of "pending", "paid", "shipped", "delivered", "cancelled", got string "lost"/;
    expect(() => new Order({ status: "lost" as never })).toThrow(ArgumentError);
    const o = new Order({});
    expect(o.status).toBe("pending");
    expect(() => (o.status = "lost" as never)).toThrow(message);
    expect(o.status).toBe("pending");
    o.status = "cancelled";
    expect(o.status).toBe("cancelled");
  });

  // ── hybrids ───────────────────────────────────────────────────────────────────────────────

  it("hybrids compute on instances and filter and aggregate in SQL", async () => {
    await seed();
    await using s = new Session(db.engine);
    const inStock = await s.scalars(select(Product).where(Product.inStock).orderBy(Product.id));
    expect(inStock.map((p) => p.name)).toEqual(["Earbuds", "Laptop", "Novel"]);
    const all = await s.scalars(select(Product).orderBy(Product.id));
    expect(all.map((p) => p.inStock)).toEqual([true, false, true, true]);
    all[0]!.stock = 0;
    expect(all[0]!.inStock).toBe(false); // on the instance, at once
    await s.flush();
    expect(await s.scalars(select(Product.name).where(Product.inStock).orderBy(Product.id))).toEqual(["Laptop", "Novel"]);

    const big = await s.scalars(select(Order).where(Order.totalCents.gt(10000)).orderBy(Order.id));
    expect(big.map((o) => [o.id, o.totalCents])).toEqual([
      [501, 99900],
      [502, 10746],
    ]);
    // 10746 is over, 10747 is not: the shipping fee counts.
    expect(await s.scalars(select(Order.id).where(Order.totalCents.gt(10746)))).toEqual([501]);
    expect(Number(await s.scalar(select(func.sum(OrderItem.lineTotalCents))))).toBe(5998 + 1250 + 99900 + 8997 + 1250);
    expect(Number(await s.scalar(select(func.sum(Order.totalCents))))).toBe(7748 + 99900 + 10746);
    const carts = await s.execute(
      select(CartItem.userId, func.sum(CartItem.subtotalCents).as("total")).groupBy(CartItem.userId).orderBy(CartItem.userId),
    );
    expect(carts.all().map((r) => [Number(r.userId), Number(r.total)])).toEqual([
      [1, 2500 + 2999],
      [2, 99900],
    ]);
    const cart = await s.scalars(select(CartItem).where(CartItem.subtotalCents.gt(2999)).orderBy(CartItem.id));
    expect(cart.map((c) => [c.id, c.subtotalCents])).toEqual([[1002, 99900]]);
  });

  it("best sellers: order lines joined to products, grouped, ordered by quantity sold", async () => {
    await seed();
    await using s = new Session(db.engine);
    const sold = func.sum(OrderItem.quantity).as("sold");
    const revenue = func.sum(OrderItem.lineTotalCents).as("revenue");
    const rec = recordStatements(db.engine);
    const rows = await s.execute(
      select(Product.name, sold, revenue)
        .join(OrderItem, OrderItem.productId.eq(Product.id))
        .join(Order, Order.id.eq(OrderItem.orderId))
        .where(Order.status.ne("cancelled"))
        .groupBy(Product.id, Product.name)
        .orderBy(func.sum(OrderItem.quantity).desc(), Product.name),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(rows.all().map((r) => [r.name, Number(r.sold), Number(r.revenue)])).toEqual([
      ["Earbuds", 5, 14995],
      ["Novel", 2, 2500],
      ["Laptop", 1, 99900],
    ]);
  });

  // ── loading strategies ────────────────────────────────────────────────────────────────────

  it("selectinload: one more query per relationship, back-references filled", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(select(User).options(selectinload(User.orders), selectinload(User.addresses)).orderBy(User.id));
    rec.stop();
    expect(rec.sql).toHaveLength(3);
    expect(rec.sql.slice(1).every((x) => / IN \(/.test(x))).toBe(true);
    expect(users.map((u) => u.orders.map((o) => o.id))).toEqual([[501, 500], [502], []]);
    expect(users.map((u) => u.addresses.map((a) => a.city))).toEqual([["London", "Paris"], ["Berlin", "Rome"], []]);
    expect(users[0]!.orders[0]!.user).toBe(users[0]);
    expect(users[1]!.addresses[1]!.user).toBe(users[1]);
  });

  it("joinedload: one query, parents de-duplicated across the joined rows", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(
      select(Order).options(joinedload(Order.items).joinedload(OrderItem.product), joinedload(Order.user)).orderBy(Order.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(rec.sql[0]).toMatch(/LEFT OUTER JOIN/);
    // Five joined rows, three orders.
    expect(orders.map((o) => o.id)).toEqual([500, 501, 502]);
    expect(orders.map((o) => o.items.map((i) => i.product.name))).toEqual([["Earbuds", "Novel"], ["Laptop"], ["Earbuds", "Novel"]]);
    expect(orders.map((o) => o.user.name)).toEqual(["Ada", "Ada", "Bob"]);
    expect(orders[0]!.user).toBe(orders[1]!.user);
    expect(orders[0]!.items[0]!.product).toBe(orders[2]!.items[0]!.product);
  });

  it("subqueryload: the original query again, as a subquery joined to the items", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(select(Order).where(Order.userId.eq(1)).options(subqueryload(Order.items)).orderBy(Order.id));
    rec.stop();
    expect(rec.sql).toHaveLength(2);
    expect(rec.sql[1]).toMatch(/JOIN \(SELECT/);
    expect(orders.map(lines)).toEqual([
      [
        [100, 2, 2999],
        [103, 1, 1250],
      ],
      [[102, 1, 99900]],
    ]);
  });

  it("noload gives empty values without SQL; raiseload and the default raise name the relationship", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(select(Order).options(noload(Order.items), noload(Order.user)).orderBy(Order.id));
    expect(rec.sql).toHaveLength(1);
    expect(orders.map((o) => o.items)).toEqual([[], [], []]);
    expect(orders.map((o) => o.user)).toEqual([null, null, null]);

    s.expungeAll();
    const [paid] = await s.scalars(select(Order).where(Order.id.eq(500)).options(raiseload(Order.items)));
    expect(() => paid!.items).toThrow(ObjectStateError);
    expect(() => paid!.items).toThrow(/Order\.items is not loaded/);
    // Nothing was set for the user: the default strategy ("raise") names the ways to load it.
    expect(() => paid!.user).toThrow(ObjectStateError);
    expect(() => paid!.user).toThrow(/Order\.user is not loaded.*await session\.load\(obj, "user"\)/s);
    expect(() => paid!.billingAddress).toThrow(/Order\.billingAddress is not loaded/);
    expect(() => paid!.products).toThrow(/Order\.products is not loaded/);
    rec.stop();
    expect(rec.sql).toHaveLength(2);
  });

  it("session.load loads a relationship on demand, and a second call issues no statement", async () => {
    await seed();
    await using s = new Session(db.engine);
    const orders = await s.scalars(select(Order).orderBy(Order.id));
    const rec = recordStatements(db.engine);
    const user = await s.load(orders[0]!, "user");
    expect(user.name).toBe("Ada");
    expect(rec.sql).toHaveLength(1);
    rec.clear();
    expect(await s.load(orders[0]!, "user")).toBe(user);
    expect(rec.sql).toHaveLength(0);
    // Many objects in one query; ada is already in the session.
    await s.load(orders, "items");
    expect(rec.sql).toHaveLength(1);
    expect(orders.map((o) => o.items.length)).toEqual([2, 1, 2]);
    rec.clear();
    await s.load(orders, "items");
    expect(rec.sql).toHaveLength(0);
    await s.load(orders, "user");
    expect(orders.map((o) => o.user.name)).toEqual(["Ada", "Ada", "Bob"]);
    expect(orders[1]!.user).toBe(user);
    rec.stop();
    expect(rec.sql).toHaveLength(1); // only bob was missing
  });

  it("containsEager fills Order.user from the join the statement wrote", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(
      select(Order, User)
        .join(User, Order.userId.eq(User.id))
        .where(User.email.eq("ada@example.com"))
        .options(containsEager(Order.user))
        .orderBy(Order.id),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(orders.map((o) => [o.id, o.user.name])).toEqual([
      [500, "Ada"],
      [501, "Ada"],
    ]);
    expect(orders[0]!.user).toBe(orders[1]!.user);
  });

  it("every strategy applies the relationship's where and orderBy: defaultAddress, Order.products, Category.children", async () => {
    await seed();
    const expectLoaded = (users: User[], orders: Order[], roots: Category[]) => {
      expect(users.map((u) => u.defaultAddress?.city ?? null)).toEqual(["Paris", "Berlin", null]);
      expect(orders.map((o) => o.products.map((p) => p.name))).toEqual([["Earbuds", "Novel"], ["Laptop"], ["Earbuds", "Novel"]]);
      expect(roots.map((c) => [c.name, c.children.map((k) => k.name)])).toEqual([
        ["Books", []],
        ["Electronics", ["Audio", "Computers"]],
      ]);
    };
    for (const [how, load, statements] of [
      ["selectin", selectinload, 2],
      ["joined", joinedload, 1],
      ["subquery", subqueryload, 2],
    ] as const) {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const users = await s.scalars(select(User).options(load(User.defaultAddress)).orderBy(User.id));
      const orders = await s.scalars(select(Order).options(load(Order.products)).orderBy(Order.id));
      const roots = await s.scalars(
        select(Category).where(Category.parentId.isNull()).options(load(Category.children)).orderBy(Category.name),
      );
      rec.stop();
      expect(rec.sql, how).toHaveLength(3 * statements);
      expectLoaded(users, orders, roots);
    }
    await using s = new Session(db.engine);
    const users = await s.scalars(select(User).orderBy(User.id));
    const orders = await s.scalars(select(Order).orderBy(Order.id));
    const roots = await s.scalars(select(Category).where(Category.parentId.isNull()).orderBy(Category.name));
    const rec = recordStatements(db.engine);
    await s.load(users, "defaultAddress");
    await s.load(orders, "products");
    await s.load(roots, "children");
    expect(rec.sql).toHaveLength(3);
    expectLoaded(users, orders, roots);
    rec.clear();
    await s.load(users, "defaultAddress");
    await s.load(orders, "products");
    rec.stop();
    expect(rec.sql).toHaveLength(0);
  });

  it("joinedload with a limit counts orders, not joined rows", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(select(Order).options(joinedload(Order.items)).orderBy(Order.id).limit(2));
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(orders.map((o) => [o.id, o.items.length])).toEqual([
      [500, 2],
      [501, 1],
    ]);
  });

  it("joinedload chained down the category tree: three levels in one statement", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const roots = await s.scalars(
      select(Category)
        .where(Category.parentId.isNull())
        .options(joinedload(Category.children).joinedload(Category.children).joinedload(Category.children))
        .orderBy(Category.name),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(roots.map((c) => c.name)).toEqual(["Books", "Electronics"]);
    const tree = (c: Category): unknown => [c.name, c.children.map(tree)];
    expect(roots.map(tree)).toEqual([
      ["Books", []],
      [
        "Electronics",
        [
          ["Audio", [["Headphones", []]]],
          ["Computers", []],
        ],
      ],
    ]);
  });

  it("containsEager fills order.items from a filtered join (only the lines over 20.00)", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const orders = await s.scalars(
      select(Order, OrderItem)
        .join(OrderItem, OrderItem.orderId.eq(Order.id))
        .where(OrderItem.lineTotalCents.gt(2000))
        .options(containsEager(Order.items))
        .orderBy(Order.id, OrderItem.productId),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(orders.map((o) => [o.id, o.items.map((i) => i.lineTotalCents)])).toEqual([
      [500, [5998]],
      [501, [99900]],
      [502, [8997]],
    ]);
  });

  it("an address used by an order cannot be deleted: the flush fails and changes nothing", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [bob] = await s.scalars(select(User).where(User.id.eq(2)).options(selectinload(User.addresses)));
    const rome = bob!.addresses.pop()!; // delete-orphan; order 502 ships there
    bob!.name = "Robert";
    await expect(s.flush()).rejects.toThrow(IntegrityError);
    await s.rollback();
    expect(bob!.name).toBe("Bob");
    expect(await counts(s)).toEqual(seeded);
    expect(rome.city).toBe("Rome");
  });

  it("a product can be in a cart once: a second line for it fails on the unique constraint", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [ada] = await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.cartItems)));
    ada!.cartItems.push(new CartItem({ productId: 103, quantity: 1, unitPriceCents: 1250 }));
    await expect(s.flush()).rejects.toThrow(IntegrityError);
    await s.rollback();
    expect(await count(CartItem, s)).toBe(3);
  });

  it("replacing a never-loaded order.items deletes the old lines at flush", async () => {
    await seed();
    await using s = new Session(db.engine);
    const order = (await s.get(Order, 502))!;
    order.items = [new OrderItem({ productId: 101, quantity: 1, unitPriceCents: 4999 })];
    order.recalculate();
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape).sort()).toEqual(["DELETE order_items", "INSERT order_items", "SELECT order_items", "UPDATE orders"]);
    s.expungeAll();
    const [again] = await s.scalars(select(Order).where(Order.id.eq(502)).options(selectinload(Order.items)));
    expect(lines(again!)).toEqual([[101, 1, 4999]]);
    expect(again!.subtotalCents).toBe(4999);
    expect(await count(OrderItem, s)).toBe(4);
  });

  it("removing an order from user.orders deletes it and its lines", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [ada] = await s.scalars(select(User).where(User.id.eq(1)).options(selectinload(User.orders)));
    const pending = ada!.orders.shift()!;
    expect(pending.id).toBe(501);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["SELECT order_items", "DELETE order_items", "DELETE orders"]);
    expect(await counts()).toEqual({ ...seeded, orders: 2, orderItems: 4 });
  });

  it("order lines by their composite key; many-to-one selectin skips products already in the session", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const line = (await s.get(OrderItem, [502, 100]))!;
    expect([line.quantity, line.unitPriceCents, line.lineTotalCents]).toEqual([3, 2999, 8997]);
    expect(await s.get(OrderItem, { orderId: 502, productId: 100 })).toBe(line);
    expect(rec.sql).toHaveLength(1);
    const products = await s.scalars(select(Product).orderBy(Product.id));
    rec.clear();
    const items = await s.scalars(
      select(OrderItem).options(selectinload(OrderItem.product)).orderBy(OrderItem.orderId, OrderItem.productId),
    );
    rec.stop();
    expect(rec.sql).toHaveLength(1); // every product is in the identity map
    expect(items.map((i) => i.product.name)).toEqual(["Earbuds", "Novel", "Laptop", "Earbuds", "Novel"]);
    expect(items[0]!.product).toBe(products[0]);
    expect(items[3]).toBe(line);
  });

  it("moving a cart line to another user updates it (not an orphan); raiseload down a chain", async () => {
    await seed();
    await using s = new Session(db.engine);
    const users = await s.scalars(
      select(User).where(User.id.lt(3)).options(selectinload(User.cartItems).raiseload(CartItem.product)).orderBy(User.id),
    );
    const [ada, bob] = users as [User, User];
    expect(() => ada.cartItems[0]!.product).toThrow(/CartItem\.product is not loaded/);
    const novel = ada.cartItems[0]!;
    novel.user = bob;
    expect(ada.cartItems.map((c) => c.id)).toEqual([1001]);
    expect(bob.cartItems.map((c) => c.id)).toEqual([1002, 1000]);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["UPDATE cart_items"]);
    expect(novel.userId).toBe(2);
    expect(await count(CartItem)).toBe(3);
  });

  it("merging a detached order cascades to a detached product through a new line", async () => {
    await seed();
    let order: Order;
    let speaker: Product;
    {
      await using s = new Session(db.engine);
      [order] = (await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)))) as [Order];
      speaker = (await s.get(Product, 101))!;
    }
    speaker.stock = 7;
    order.items.push(new OrderItem({ product: speaker, quantity: 1, unitPriceCents: speaker.priceCents }));
    order.recalculate();
    await using s = new Session(db.engine);
    const merged = await s.merge(order);
    expect(merged.items.map((i) => i.unitPriceCents)).toEqual([99900, 4999]);
    const mergedSpeaker = merged.items[1]!.product;
    expect(inspect(merged.items[1]!).status).toBe("pending");
    expect(mergedSpeaker).not.toBe(speaker);
    expect(mergedSpeaker).toBe(await s.get(Product, 101));
    await s.commit();
    s.expungeAll();
    const [again] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items).joinedload(OrderItem.product)));
    expect(again!.items.map((i) => [i.product.name, i.product.stock, i.lineTotalCents])).toEqual([
      ["Speaker", 7, 4999],
      ["Laptop", 3, 99900],
    ]);
    expect(again!.subtotalCents).toBe(104899);
  });

  it("subqueryload chains too: users → orders → items, one statement per level", async () => {
    await seed();
    await using s = new Session(db.engine);
    const rec = recordStatements(db.engine);
    const users = await s.scalars(
      select(User).where(User.id.lt(3)).options(subqueryload(User.orders).subqueryload(Order.items)).orderBy(User.id),
    );
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["SELECT users", "SELECT orders", "SELECT order_items"]);
    expect(users.map((u) => u.orders.map((o) => o.items.map((i) => i.productId)))).toEqual([[[102], [100, 103]], [[100, 103]]]);
  });

  it("a line whose order is set to null is an orphan; deleting an order deletes its unloaded lines", async () => {
    await seed();
    await using s = new Session(db.engine);
    const shipped = (await s.get(Order, 502))!;
    const [paid] = await s.scalars(select(Order).where(Order.id.eq(500)).options(selectinload(Order.items)));
    const novel = paid!.items[1]!;
    novel.order = null as never;
    expect(paid!.items.map((i) => i.productId)).toEqual([100]);
    s.delete(shipped); // its lines were never loaded
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    expect(rec.sql.map(shape)).toEqual(["SELECT order_items", "DELETE order_items", "DELETE orders"]);
    // The orphan and the two lines of the deleted order, by their composite keys, in one DELETE.
    expect(rec.sql[1]!.match(/\?|\$\d+/g)).toHaveLength(6);
    expect(inspect(novel).status).toBe("detached");
    expect(await counts()).toEqual({ ...seeded, orders: 2, orderItems: 2 });
  });

  it("refresh reloads a loaded collection and expunge follows the cascade", async () => {
    await seed();
    await using s = new Session(db.engine);
    const [order] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)));
    const laptopLine = order!.items[0]!;
    await s.commit(); // the session's transaction ends (its connection goes back to the pool); objects stay loaded
    await db.engine.begin((conn) =>
      conn.execute(insert(OrderItem).values({ orderId: 501, productId: 101, quantity: 4, unitPriceCents: 4999 })),
    );
    // A later query does not replace a loaded collection; refresh does.
    const [again] = await s.scalars(select(Order).where(Order.id.eq(501)).options(selectinload(Order.items)));
    expect(again).toBe(order);
    expect(lines(order!)).toEqual([[102, 1, 99900]]);
    await s.refresh(order!, ["items"]);
    expect(lines(order!)).toEqual([
      [101, 4, 4999],
      [102, 1, 99900],
    ]);
    expect(order!.items[1]).toBe(laptopLine);
    s.expunge(order!);
    expect(inspect(order!).status).toBe("detached");
    expect(inspect(laptopLine).status).toBe("detached");
    expect(s.contains(order!.items[0]!)).toBe(false);
  });

  it("chains options over four levels: user → orders → items → product", async () => {
    await seed();
    {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const users = await s.scalars(
        select(User).options(selectinload(User.orders).selectinload(Order.items).selectinload(OrderItem.product)).orderBy(User.id),
      );
      rec.stop();
      expect(rec.sql.map(shape)).toEqual(["SELECT users", "SELECT orders", "SELECT order_items", "SELECT products"]);
      expect(users.map((u) => u.orders.map((o) => o.items.map((i) => `${i.quantity}×${i.product.name}`)))).toEqual([
        [["1×Laptop"], ["2×Earbuds", "1×Novel"]],
        [["3×Earbuds", "1×Novel"]],
        [],
      ]);
      expect(users[0]!.orders[1]!.items[0]!.product).toBe(users[1]!.orders[0]!.items[0]!.product);
    }
    {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const users = await s.scalars(
        select(User).options(selectinload(User.orders).joinedload(Order.items).joinedload(OrderItem.product)).orderBy(User.id),
      );
      rec.stop();
      expect(rec.sql.map(shape)).toEqual(["SELECT users", "SELECT orders"]); // the lines and products joined to the orders
      expect(users.map((u) => u.orders.map((o) => o.items.map((i) => i.product.sku)))).toEqual([
        [["LAP-1"], ["EAR-1", "NOV-1"]],
        [["EAR-1", "NOV-1"]],
        [],
      ]);
      expect(users.map((u) => u.orders.map((o) => o.totalCents))).toEqual([[99900, 7748], [10746], []]);
    }
    {
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      const [bob] = await s.scalars(
        select(User)
          .where(User.id.eq(2))
          .options(
            joinedload(User.orders).selectinload(Order.items).joinedload(OrderItem.product).joinedload(Product.category),
            selectinload(User.cartItems).joinedload(CartItem.product),
          ),
      );
      rec.stop();
      expect(rec.sql).toHaveLength(3); // bob joined to his orders, their items (+products, categories), his cart (+products)
      expect(bob!.orders[0]!.items.map((i) => [i.product.name, i.product.category?.name])).toEqual([
        ["Earbuds", "Headphones"],
        ["Novel", "Books"],
      ]);
      expect(bob!.cartItems.map((c) => [c.product.name, c.subtotalCents])).toEqual([["Laptop", 99900]]);
    }
  });
});
