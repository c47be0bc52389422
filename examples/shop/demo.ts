/**
 * `npm run demo`: the shop domain (examples/shop/models) on an embedded SQLite file, no server
 * needed. Creates the schema, fills it with a few thousand deterministic rows through the Session,
 * then runs what a shop backend runs: a customer's orders with their items and products, the
 * category tree, best sellers, a checkout. Every step prints its result and the statements it took.
 *
 * The database file is kept for inspection (the path is printed); ATHANOR_DEMO_DB chooses it.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containsEager, createEngine, func, IntegrityError, joinedload, select, selectinload, Session, type Engine } from "athanor";
import { Address, Base, CartItem, Category, Order, OrderItem, Product, User } from "./models/index.js";

const file = process.env.ATHANOR_DEMO_DB ?? join(tmpdir(), "athanor-shop-demo.db");
for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
const statements: string[] = [];
const engine = createEngine(`sqlite:///${file}`);
// Every statement sent, the failing ones too (the `log` option sees completed statements).
engine.on("beforeExecute", (e) => void statements.push(e.sql));

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const TX = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/;

/** Runs one step, then lists the statements it sent (transaction control left out). */
async function step(title: string, fn: () => Promise<void>): Promise<void> {
  statements.length = 0;
  console.log(`\n== ${title}`);
  await fn();
  const sql = statements.filter((s) => !TX.test(s));
  console.log(`   -- ${sql.length} statement${sql.length === 1 ? "" : "s"}${sql.length ? ":" : ""}`);
  // Repeated statements (one per object, the N+1 pattern) are shown once with a count.
  const seen = new Map<string, number>();
  for (const s of sql) {
    const short = s
      .replace(/\s+/g, " ")
      .replace(/\((\?, )+\?\)/g, "(?, …)")
      .replace(/(, \(\?(, \?)*\)){2,}/g, ", …");
    seen.set(short, (seen.get(short) ?? 0) + 1);
  }
  for (const [s, n] of seen) console.log(`      ${n > 1 ? `${n} × ` : ""}${s.length > 150 ? `${s.slice(0, 147)}…` : s}`);
}

/** A small deterministic random generator (mulberry32), so every run builds the same shop. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the shop as objects and saves it with one add (the cascades take the rest along). */
async function seed(session: Session): Promise<void> {
  const rnd = random(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const tree: Array<[string, Array<[string, string[]]>]> = [
    [
      "Electronics",
      [
        ["Audio", ["Headphones", "Speakers"]],
        ["Computers", ["Laptops", "Monitors"]],
        ["Phones", ["Smartphones", "Cases"]],
      ],
    ],
    [
      "Home",
      [
        ["Kitchen", ["Cookware", "Knives"]],
        ["Furniture", ["Chairs", "Desks"]],
        ["Garden", ["Tools", "Plants"]],
      ],
    ],
    [
      "Books",
      [
        ["Fiction", ["Novels", "Short Stories"]],
        ["Science", ["Physics", "Biology"]],
        ["Travel", ["Guides", "Maps"]],
      ],
    ],
    [
      "Sports",
      [
        ["Outdoor", ["Tents", "Backpacks"]],
        ["Fitness", ["Weights", "Mats"]],
        ["Cycling", ["Bikes", "Helmets"]],
      ],
    ],
  ];
  const slug = (s: string) => s.toLowerCase().replace(/ /g, "-");
  const leaves: Category[] = [];
  const roots = tree.map(([name, subs]) => {
    const root = new Category({ name, slug: slug(name) });
    for (const [sub, leafNames] of subs) {
      const mid = new Category({ name: sub, slug: slug(`${name} ${sub}`), parent: root });
      for (const leaf of leafNames) leaves.push(new Category({ name: leaf, slug: slug(`${sub} ${leaf}`), parent: mid }));
    }
    return root;
  });
  const products = Array.from({ length: 300 }, (_, i) => {
    const category = leaves[i % leaves.length]!;
    return new Product({
      sku: `SKU-${String(i + 1).padStart(4, "0")}`,
      name: `${category.name} ${["Basic", "Plus", "Pro", "Max", "Mini"][i % 5]} ${Math.floor(i / leaves.length) + 1}`,
      priceCents: 199 + Math.floor(rnd() * 400) * 100 + 99,
      stock: rnd() < 0.15 ? 0 : Math.floor(rnd() * 50),
      category,
    });
  });
  const cities = ["London", "Paris", "Berlin", "Madrid", "Rome", "Vienna", "Lisbon", "Dublin"];
  const users = Array.from({ length: 400 }, (_, i) => {
    const user = new User({ email: `customer${i + 1}@example.com`, name: `Customer ${i + 1}` });
    const n = 1 + Math.floor(rnd() * 3);
    for (let a = 0; a < n; a++)
      user.addresses.push(
        new Address({
          street: `${1 + Math.floor(rnd() * 200)} ${pick(["High", "Station", "Church", "Mill"])} Street`,
          city: pick(cities),
          postalCode: String(10000 + Math.floor(rnd() * 89999)),
          country: pick(["GB", "FR", "DE", "ES", "IT", "AT", "PT", "IE"]),
          isDefault: a === 0,
        }),
      );
    return user;
  });
  for (const user of users.slice(0, 150))
    for (const product of new Set([pick(products), pick(products), pick(products)].slice(0, 1 + Math.floor(rnd() * 3))))
      user.cartItems.push(new CartItem({ product, quantity: 1 + Math.floor(rnd() * 3), unitPriceCents: product.priceCents }));
  const statuses = ["pending", "paid", "shipped", "delivered", "delivered", "delivered", "cancelled"] as const;
  for (let i = 0; i < 1200; i++) {
    const user = users[Math.floor(rnd() * users.length)]!;
    const order = new Order({
      status: pick(statuses),
      billingAddress: user.addresses[0]!,
      shippingAddress: pick(user.addresses),
      shippingFeeCents: pick([0, 499, 999]),
      placedAt: new Date(Date.UTC(2026, 0, 1) + i * 6 * 3_600_000 + Math.floor(rnd() * 3_600_000)), // one every ~6 hours
    });
    for (const product of new Set(Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(products))))
      order.items.push(new OrderItem({ product, quantity: 1 + Math.floor(rnd() * 3), unitPriceCents: product.priceCents }));
    order.recalculate();
    user.orders.push(order);
  }
  session.addAll([...roots, ...users]);
  await session.commit();
}

/** Rows in a model's table. */
async function count(
  e: Engine,
  model: typeof User | typeof Address | typeof Category | typeof Product | typeof CartItem | typeof Order | typeof OrderItem,
): Promise<number> {
  return Number((await e.execute(select(func.count()).from(model))).scalar());
}

try {
  await Base.metadata.createAll(engine);
  console.log(`shop database: ${file}`);
  const session = new Session(engine);

  await step("fill the shop: one session.addAll() of the object graph, one commit", async () => {
    const t0 = performance.now();
    await seed(session);
    const ms = performance.now() - t0;
    const counts = await Promise.all([User, Address, Category, Product, CartItem, Order, OrderItem].map((m) => count(engine, m)));
    const total = counts.reduce((a, b) => a + b, 0);
    console.log(
      `   ${total.toLocaleString("en")} rows in ${ms.toFixed(0)} ms: ${counts[0]} users, ${counts[1]} addresses, ${counts[2]} categories, ${counts[3]} products, ${counts[4]} cart items, ${counts[5]} orders, ${counts[6]} order items`,
    );
    statements.splice(statements.length - 7, 7); // the counting queries above are not part of the save
    session.expungeAll();
  });

  await step("a customer's last orders, with their items and products (selectin, then joined)", async () => {
    const [user] = await session.scalars(
      select(User)
        .where(User.email.eq("customer65@example.com"))
        .options(selectinload(User.orders).selectinload(Order.items).joinedload(OrderItem.product), selectinload(User.defaultAddress)),
    );
    console.log(`   ${user!.name}, ${user!.defaultAddress?.city}: ${user!.orders.length} orders`);
    for (const order of user!.orders.slice(0, 3)) {
      console.log(
        `   #${order.id} ${order.status.padEnd(9)} ${order.placedAt.toISOString().slice(0, 10)}  total ${money(order.totalCents)}`,
      );
      for (const item of order.items)
        console.log(
          `        ${item.quantity} × ${item.product.name.padEnd(22)} at ${money(item.unitPriceCents)} = ${money(item.lineTotalCents)}`,
        );
    }
  });

  await step("the category tree, three levels (one SELECT per level)", async () => {
    const roots = await session.scalars(
      select(Category)
        .where(Category.parentId.isNull())
        .orderBy(Category.name)
        .options(selectinload(Category.children).selectinload(Category.children)),
    );
    for (const root of roots.slice(0, 2)) {
      console.log(`   ${root.name}`);
      for (const mid of root.children) console.log(`     ${mid.name}: ${mid.children.map((c) => c.name).join(", ")}`);
    }
    console.log(
      `   … and ${roots
        .slice(2)
        .map((r) => r.name)
        .join(", ")}`,
    );
  });

  await step("best sellers: an aggregate over the association objects (one statement)", async () => {
    const sold = func.sum(OrderItem.quantity).as("sold");
    const rows = await session.execute(
      select(Product.name, sold, func.sum(OrderItem.lineTotalCents).as("revenue"))
        .join(OrderItem, OrderItem.productId.eq(Product.id))
        .join(Order, Order.id.eq(OrderItem.orderId))
        .where(Order.status.ne("cancelled"))
        .groupBy(Product.id, Product.name)
        .orderBy(sold.desc(), Product.name)
        .limit(5),
    );
    for (const r of rows) console.log(`   ${String(r.sold).padStart(3)} sold  ${money(Number(r.revenue)).padStart(10)}  ${r.name}`);
  });

  await step("in stock and cheapest under Audio (the inStock hybrid, in SQL)", async () => {
    const [audio] = await session.scalars(select(Category).where(Category.name.eq("Audio")).options(selectinload(Category.children)));
    const ids = [audio!.id, ...audio!.children.map((c) => c.id)];
    const products = await session.scalars(
      select(Product).where(Product.inStock, Product.categoryId.in(ids)).orderBy(Product.priceCents).limit(3),
    );
    for (const p of products)
      console.log(`   ${p.name.padEnd(22)} ${money(p.priceCents).padStart(8)}  ${p.stock} in stock (inStock: ${p.inStock})`);
  });

  await step("large orders this autumn, with customer and shipping address (joined, one statement)", async () => {
    const orders = await session.scalars(
      select(Order)
        .where(Order.totalCents.gt(150_000), Order.placedAt.ge(new Date(Date.UTC(2026, 8, 1))))
        .orderBy(Order.totalCents.desc())
        .limit(3)
        .options(joinedload(Order.user), joinedload(Order.shippingAddress)),
    );
    for (const o of orders)
      console.log(`   #${o.id} ${money(o.totalCents).padStart(10)}  ${o.user.name}, shipped to ${o.shippingAddress.city}`);
  });

  await step("contains-eager: filter on the joined customer, fill order.user from the same rows", async () => {
    const orders = await session.scalars(
      select(Order, User)
        .join(Order.user)
        .where(User.email.eq("customer12@example.com"), Order.status.eq("delivered"))
        .options(containsEager(Order.user)),
    );
    console.log(`   ${orders.length} delivered orders of ${orders[0]?.user.name ?? "nobody"}`);
  });

  await step("N+1 made visible: 20 orders' items loaded one by one, then all at once", async () => {
    const orders = await session.scalars(select(Order).where(Order.status.eq("paid")).orderBy(Order.id).limit(20));
    for (const o of orders) await session.load(o, "items");
    const again = await session.scalars(select(Order).where(Order.status.eq("shipped")).orderBy(Order.id).limit(20));
    await session.load(again, "items");
    console.log(`   ${orders.length} + ${again.length} orders; see the statements below`);
  });

  await step("an unloaded relationship raises instead of querying behind your back", async () => {
    const [order] = await session.scalars(select(Order).where(Order.status.eq("pending")).limit(1));
    try {
      console.log(order!.user.name);
    } catch (e) {
      console.log(`   ${(e as Error).message}`);
    }
  });

  await step("checkout: a cart becomes an order (price at time of order), the cart empties (delete-orphan)", async () => {
    const [user] = await session.scalars(
      select(User)
        .where(User.email.eq("customer1@example.com"))
        .options(selectinload(User.cartItems).joinedload(CartItem.product), selectinload(User.addresses), selectinload(User.orders)),
    );
    const cart = user!.cartItems;
    const order = new Order({ billingAddress: user!.addresses[0]!, shippingAddress: user!.addresses[0]!, shippingFeeCents: 499 });
    for (const item of cart) {
      order.items.push(new OrderItem({ product: item.product, quantity: item.quantity, unitPriceCents: item.product.priceCents }));
      item.product.stock = Math.max(0, item.product.stock - item.quantity);
    }
    order.recalculate();
    user!.orders.unshift(order);
    const lines = cart.length;
    cart.splice(0, cart.length);
    await session.commit();
    console.log(`   order #${order.id}: ${lines} lines, total ${money(order.totalCents)}; cart now has ${user!.cartItems.length} items`);
  });

  await session.close();

  await step("a failed flush changes nothing: the price check refuses 0, rollback restores the object", async () => {
    await using session = new Session(engine);
    const [product] = await session.scalars(select(Product).where(Product.sku.eq("SKU-0001")));
    const before = product!.priceCents;
    product!.priceCents = 0;
    try {
      await session.commit();
    } catch (e) {
      console.log(`   ${e instanceof IntegrityError ? "IntegrityError" : "error"}: ${(e as Error).message.split("\n")[0]!.slice(0, 110)}`);
      await session.rollback();
    }
    console.log(`   price back to ${money(product!.priceCents)} (was ${money(before)})`);
  });
} finally {
  await engine.dispose();
}
