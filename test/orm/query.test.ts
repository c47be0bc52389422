/**
 * Query subclasses with domain filters (`Product.query.inStock().byCategory(id).cheapest()`): chaining
 * keeps the class and never changes the query it started from; all/first/one/count on real rows;
 * queries run by the Session; and a repository built on them, used the way a service would.
 */
import { beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  ArgumentError,
  Boolean,
  column,
  declarativeBase,
  defaultNamingConvention,
  inspect,
  Integer,
  mapped,
  MetaData,
  MultipleResultsError,
  NoResultError,
  Query,
  select,
  Session,
  String,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
class Category extends Base.model("categories", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(60), { unique: true }),
}) {}

@mapped
class Product extends Base.model("products", {
  id: column(Integer, { primaryKey: true }),
  sku: column(String(20), { unique: true }),
  name: column(String(100)),
  priceCents: column(Integer),
  stock: column(Integer, { default: 0 }),
  discontinued: column(Boolean, { default: false }),
  categoryId: column(Integer, { foreignKey: "categories.id" }),
}) {
  static get query(): ProductQuery {
    return new ProductQuery(Product);
  }
  get price(): string {
    return (this.priceCents / 100).toFixed(2);
  }
}

class ProductQuery extends Query<Product> {
  inStock() {
    return this.where(Product.stock.gt(0), Product.discontinued.eq(false));
  }
  byCategory(id: number) {
    return this.where(Product.categoryId.eq(id));
  }
  inCategoryNamed(name: string) {
    return this.join(Category, Category.id.eq(Product.categoryId)).where(Category.name.eq(name));
  }
  cheaperThan(cents: number) {
    return this.where(Product.priceCents.lt(cents));
  }
  withSku(sku: string) {
    return this.where(Product.sku.eq(sku));
  }
  cheapest() {
    return this.orderBy(Product.priceCents.asc(), Product.id.asc());
  }
  page(n: number, size: number) {
    return this.limit(size).offset((n - 1) * size);
  }
}

/** Data access for products, as an application would write it. */
class ProductRepository {
  constructor(private readonly session: Session) {}
  byId(id: number): Promise<Product | undefined> {
    return this.session.get(Product, id);
  }
  bySku(sku: string): Promise<Product> {
    return Product.query.withSku(sku).one(this.session);
  }
  add(p: Product): Product {
    this.session.add(p);
    return p;
  }
  inStock(categoryId?: number): Promise<Product[]> {
    const q = Product.query.inStock().cheapest();
    return (categoryId === undefined ? q : q.byCategory(categoryId)).all(this.session);
  }
  cheapestIn(categoryId: number): Promise<Product | undefined> {
    return Product.query.inStock().byCategory(categoryId).cheapest().first(this.session);
  }
  countInStock(): Promise<number> {
    return Product.query.inStock().count(this.session);
  }
}

/** A service operation on the repository: sells `qty` of a product, in one transaction. */
async function sell(session: Session, sku: string, qty: number): Promise<Product> {
  const repo = new ProductRepository(session);
  const p = await repo.bySku(sku);
  if (p.discontinued || p.stock < qty) throw new ArgumentError(`cannot sell ${qty} of ${sku}: ${p.stock} in stock`);
  p.stock -= qty;
  await session.commit();
  return p;
}

interface Seed {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
  discontinued?: boolean;
  cat: "tools" | "toys";
}

const SEED: readonly Seed[] = [
  { sku: "HAM-1", name: "Hammer", priceCents: 1599, stock: 4, cat: "tools" },
  { sku: "SAW-1", name: "Saw", priceCents: 2499, stock: 0, cat: "tools" },
  { sku: "DRL-1", name: "Drill", priceCents: 8900, stock: 2, cat: "tools" },
  { sku: "SCR-1", name: "Screwdriver", priceCents: 499, stock: 10, cat: "tools" },
  { sku: "OLD-1", name: "Old wrench", priceCents: 299, stock: 3, discontinued: true, cat: "tools" },
  { sku: "YOY-1", name: "Yo-yo", priceCents: 350, stock: 7, cat: "toys" },
  { sku: "KIT-1", name: "Kite", priceCents: 1250, stock: 0, cat: "toys" },
  { sku: "PUZ-1", name: "Puzzle", priceCents: 1250, stock: 1, cat: "toys" },
];

const inStock = (p: Seed): boolean => p.stock > 0 && !p.discontinued;
const byPrice = (a: Seed, b: Seed): number => a.priceCents - b.priceCents || SEED.indexOf(a) - SEED.indexOf(b);

forEachDialect((db) => {
  describe("types", () => {
    it("chain steps keep the query's class; results are typed as the model", () => {
      expectTypeOf(Product.query).toEqualTypeOf<ProductQuery>();
      expectTypeOf(Product.query.inStock().byCategory(1).cheapest()).toEqualTypeOf<ProductQuery>();
      expectTypeOf(Product.query.where(Product.sku.eq("x")).limit(3)).toEqualTypeOf<ProductQuery>();
      expectTypeOf<ReturnType<ProductQuery["all"]>>().toEqualTypeOf<Promise<Product[]>>();
      expectTypeOf<ReturnType<ProductQuery["first"]>>().toEqualTypeOf<Promise<Product | undefined>>();
      expectTypeOf<ReturnType<ProductQuery["one"]>>().toEqualTypeOf<Promise<Product>>();
      expectTypeOf<ReturnType<ProductQuery["count"]>>().toEqualTypeOf<Promise<number>>();
      expectTypeOf<ReturnType<typeof Session.prototype.scalars<ProductQuery>>>().toEqualTypeOf<Promise<Product[]>>();
    });
  });

  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  /** Inserts the categories and SEED; returns category ids by name and product ids by sku. */
  async function seed(): Promise<{ cat: Record<Seed["cat"], number>; id: Record<string, number> }> {
    await using s = new Session(db.engine);
    const tools = new Category({ name: "tools" });
    const toys = new Category({ name: "toys" });
    s.addAll([tools, toys]);
    await s.flush();
    const cat = { tools: tools.id, toys: toys.id };
    const products = SEED.map(
      (p) =>
        new Product({
          sku: p.sku,
          name: p.name,
          priceCents: p.priceCents,
          stock: p.stock,
          discontinued: p.discontinued ?? false,
          categoryId: cat[p.cat],
        }),
    );
    // One at a time, so ids follow SEED order (the tie-break of cheapest()).
    for (const p of products) {
      s.add(p);
      await s.flush();
    }
    await s.commit();
    return { cat, id: Object.fromEntries(products.map((p) => [p.sku, p.id])) };
  }

  describe("chaining", () => {
    it("each step returns a new query of the subclass and leaves the one it started from unchanged", async () => {
      const { cat } = await seed();
      const base = Product.query;
      const stocked = base.inStock();
      const tools = stocked.byCategory(cat.tools);
      const sorted = tools.cheapest();
      for (const q of [stocked, tools, sorted]) expect(q).toBeInstanceOf(ProductQuery);
      expect(new Set([base, stocked, tools, sorted]).size).toBe(4);
      expect(base.node.where).toBeUndefined();
      expect(stocked.node.orderBy).toEqual([]);
      expect(tools.node.orderBy).toEqual([]);
      expect(sorted.node.orderBy).toHaveLength(2);
      expect(sorted.model).toBe(Product);

      await using s = new Session(db.engine);
      expect(await base.count(s)).toBe(SEED.length);
      expect(await stocked.count(s)).toBe(SEED.filter(inStock).length);
      expect(await tools.count(s)).toBe(SEED.filter((p) => inStock(p) && p.cat === "tools").length);
      // Branching from the same query gives independent queries.
      const toys = stocked.byCategory(cat.toys);
      expect((await toys.all(s)).every((p) => p.categoryId === cat.toys)).toBe(true);
      expect((await tools.all(s)).every((p) => p.categoryId === cat.tools)).toBe(true);
      expect(await stocked.count(s)).toBe(SEED.filter(inStock).length);
    });
  });

  describe("running", () => {
    it("all() and count() return what the filters select", async () => {
      const { cat } = await seed();
      await using s = new Session(db.engine);
      const cases: Array<[ProductQuery, (p: Seed) => boolean]> = [
        [Product.query, () => true],
        [Product.query.inStock(), inStock],
        [Product.query.byCategory(cat.toys), (p) => p.cat === "toys"],
        [Product.query.inStock().byCategory(cat.tools), (p) => inStock(p) && p.cat === "tools"],
        [Product.query.cheaperThan(1300).inStock(), (p) => inStock(p) && p.priceCents < 1300],
        [Product.query.inCategoryNamed("toys").inStock(), (p) => inStock(p) && p.cat === "toys"],
        [Product.query.inCategoryNamed("garden"), () => false],
      ];
      for (const [q, pick] of cases) {
        const want = SEED.filter(pick)
          .sort(byPrice)
          .map((p) => p.sku);
        const got = await q.cheapest().all(s);
        expect(got.map((p) => p.sku)).toEqual(want);
        expect(got.every((p) => p instanceof Product)).toBe(true);
        expect(await q.count(s)).toBe(want.length);
        // Ordering does not change the count.
        expect(await q.cheapest().count(s)).toBe(want.length);
      }
    });

    it("first() gives the first row in the query's order, or undefined", async () => {
      const { cat } = await seed();
      await using s = new Session(db.engine);
      const cheapestTool = SEED.filter((p) => inStock(p) && p.cat === "tools").sort(byPrice)[0]!;
      const first = await Product.query.inStock().byCategory(cat.tools).cheapest().first(s);
      expect(first?.sku).toBe(cheapestTool.sku);
      expect(first?.price).toBe((cheapestTool.priceCents / 100).toFixed(2));
      // Equal prices: the tie-break on id decides.
      const tie = SEED.filter((p) => p.cat === "toys" && p.priceCents === 1250).map((p) => p.sku);
      expect(tie).toHaveLength(2);
      expect((await Product.query.byCategory(cat.toys).cheaperThan(2000).where(Product.priceCents.gt(1000)).cheapest().first(s))?.sku).toBe(
        tie[0],
      );
      expect(await Product.query.cheaperThan(1).first(s)).toBeUndefined();
      expect(await Product.query.inCategoryNamed("garden").first(s)).toBeUndefined();
    });

    it("one() returns the single match and raises NoResultError or MultipleResultsError otherwise", async () => {
      const { id } = await seed();
      await using s = new Session(db.engine);
      const drill = await Product.query.withSku("DRL-1").one(s);
      expect(drill.id).toBe(id["DRL-1"]);
      expect(drill.name).toBe("Drill");

      const none = await Product.query
        .withSku("NOPE")
        .one(s)
        .catch((e: unknown) => e);
      expect(none).toBeInstanceOf(NoResultError);
      expect((none as Error).message).toMatch(/exactly one Product, but none matched/);
      const many = await Product.query
        .inStock()
        .one(s)
        .catch((e: unknown) => e);
      expect(many).toBeInstanceOf(MultipleResultsError);
      expect((many as Error).message).toMatch(/exactly one Product, but several matched/);
      // A filter that leaves one row makes one() succeed.
      const sold = SEED.filter((p) => p.stock === 0 && p.cat === "toys");
      expect(sold).toHaveLength(1);
      expect((await Product.query.where(Product.stock.eq(0)).inCategoryNamed("toys").one(s)).sku).toBe(sold[0]!.sku);
    });

    it("limit/offset page through the ordered rows", async () => {
      await seed();
      await using s = new Session(db.engine);
      const all = SEED.filter(inStock)
        .sort(byPrice)
        .map((p) => p.sku);
      const pages: string[][] = [];
      for (let n = 1; n <= Math.ceil(all.length / 2) + 1; n++)
        pages.push((await Product.query.inStock().cheapest().page(n, 2).all(s)).map((p) => p.sku));
      expect(pages.flat()).toEqual(all);
      expect(pages.slice(0, -1).every((p) => p.length > 0 && p.length <= 2)).toBe(true);
      expect(pages[pages.length - 1]).toEqual([]);
    });

    it("the Session runs queries: scalars() and execute() give the same identity-mapped objects", async () => {
      const { cat } = await seed();
      await using s = new Session(db.engine);
      const q = Product.query.byCategory(cat.toys).cheapest();
      const viaAll = await q.all(s);
      const viaScalars = await s.scalars(q);
      const res = await s.execute(q);
      expect(viaScalars).toEqual(viaAll);
      viaScalars.forEach((p, i) => expect(p).toBe(viaAll[i]));
      expect(res.rows.map((r) => r.products)).toEqual(viaAll);
      expect(res.rows.every((r, i) => r.products === viaAll[i])).toBe(true);
      expect(await s.scalar(q)).toBe(viaAll[0]);
      expect(await s.get(Product, viaAll[0]!.id)).toBe(viaAll[0]);
      // The statement behind the query is a plain select(Product).
      expect(await s.scalars(q.statement)).toEqual(viaAll);
      expect(await s.scalars(select(Product).where(Product.categoryId.eq(cat.toys)).orderBy(Product.priceCents, Product.id))).toEqual(
        viaAll,
      );
    });

    it("queries flush pending changes first (autoflush), so they see objects just added", async () => {
      const { cat } = await seed();
      await using s = new Session(db.engine);
      const fresh = new Product({ sku: "NEW-1", name: "New toy", priceCents: 1, stock: 5, categoryId: cat.toys });
      s.add(fresh);
      const rec = recordStatements(db.engine);
      let first: Product | undefined;
      try {
        first = await Product.query.inStock().cheapest().first(s);
        expect(rec.count(/^\s*INSERT/i)).toBe(1);
      } finally {
        rec.stop();
      }
      expect(first).toBe(fresh);
      expect(inspect(fresh).status).toBe("persistent");
      fresh.stock = 0;
      expect((await Product.query.inStock().all(s)).includes(fresh)).toBe(false);
    });
  });

  describe("a repository on top of queries", () => {
    it("serves a service operation: look up, change, commit; failures leave the data unchanged", async () => {
      const { cat, id } = await seed();
      {
        await using s = new Session(db.engine);
        const repo = new ProductRepository(s);
        expect(await repo.countInStock()).toBe(SEED.filter(inStock).length);
        expect((await repo.inStock(cat.tools)).map((p) => p.sku)).toEqual(
          SEED.filter((p) => inStock(p) && p.cat === "tools")
            .sort(byPrice)
            .map((p) => p.sku),
        );
        expect((await repo.cheapestIn(cat.toys))?.sku).toBe(SEED.filter((p) => inStock(p) && p.cat === "toys").sort(byPrice)[0]!.sku);
        expect(await repo.byId(id["HAM-1"]!)).toBe(await repo.bySku("HAM-1"));
        expect(await repo.byId(-1)).toBeUndefined();
        const added = repo.add(new Product({ sku: "GLU-1", name: "Glue", priceCents: 199, stock: 12, categoryId: cat.tools }));
        expect((await repo.cheapestIn(cat.tools))?.sku).toBe("GLU-1");
        expect(added.id).toBeGreaterThan(0);
        await s.commit();
      }

      const hammer = SEED.find((p) => p.sku === "HAM-1")!;
      {
        await using s = new Session(db.engine);
        const sold = await sell(s, "HAM-1", 3);
        expect(sold.stock).toBe(hammer.stock - 3);
        // Not enough left: the service refuses and changes nothing.
        const err = await sell(s, "HAM-1", 5).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ArgumentError);
        expect((err as Error).message).toMatch(/cannot sell 5 of HAM-1: 1 in stock/);
        const missing = await sell(s, "NOPE-1", 1).catch((e: unknown) => e);
        expect(missing).toBeInstanceOf(NoResultError);
        const old = await sell(s, "OLD-1", 1).catch((e: unknown) => e);
        expect(old).toBeInstanceOf(ArgumentError);
        await s.rollback();
      }
      await using s = new Session(db.engine);
      const repo = new ProductRepository(s);
      expect((await repo.bySku("HAM-1")).stock).toBe(hammer.stock - 3);
      expect((await repo.bySku("OLD-1")).stock).toBe(SEED.find((p) => p.sku === "OLD-1")!.stock);
      expect((await repo.bySku("GLU-1")).name).toBe("Glue");
      expect(await repo.countInStock()).toBe(SEED.filter(inStock).length + 1);
    });
  });
});
