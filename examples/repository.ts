/**
 * The repository pattern on top of the Session, in the layers of a backend: models (with their own
 * query class), repositories that own the queries, and a service that owns the transaction. Routes
 * would call the service. Runs on embedded SQLite: `npx tsx examples/repository.ts`.
 */
import {
  column,
  createEngine,
  declarativeBase,
  Integer,
  mapped,
  NoResultError,
  Numeric,
  ObjectStateError,
  Query,
  relationship,
  Session,
  String,
  type Engine,
} from "athanor";

// ---- models ------------------------------------------------------------------------------------
const Base = declarativeBase();

class ProductQuery extends Query<Product> {
  inStock(): this {
    return this.where(Product.stock.gt(0));
  }
  inCategory(categoryId: number): this {
    return this.where(Product.categoryId.eq(categoryId));
  }
  cheapestFirst(): this {
    return this.orderBy(Product.price, Product.id);
  }
}

@mapped
class Category extends Base.model("categories", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50), { unique: true }),
  products: relationship<Product[]>("Product", { backPopulates: "category" }),
}) {}

@mapped
class Product extends Base.model(
  "products",
  {
    id: column(Integer, { primaryKey: true }),
    name: column(String(100)),
    price: column(Numeric(10, 2)),
    stock: column(Integer, { default: 0 }),
    version: column(Integer),
    categoryId: column(Integer, { foreignKey: "categories.id" }),
    category: relationship<Category>("Category", { backPopulates: "products" }),
  },
  { versionColumn: "version" },
) {
  static get query(): ProductQuery {
    return new ProductQuery(Product);
  }
}

// ---- repositories: the only place that builds queries -------------------------------------------
class CategoryRepository {
  constructor(private readonly session: Session) {}
  async byName(name: string): Promise<Category> {
    const found = await new Query(Category).where(Category.name.eq(name)).first(this.session);
    if (!found) throw new NoResultError(`no category named ${name}`);
    return found;
  }
  add(category: Category): void {
    this.session.add(category);
  }
}

class ProductRepository {
  constructor(private readonly session: Session) {}
  get(id: number): Promise<Product> {
    return this.session.getOne(Product, id);
  }
  available(categoryId: number): Promise<Product[]> {
    return Product.query.inStock().inCategory(categoryId).cheapestFirst().all(this.session);
  }
  countInStock(): Promise<number> {
    return Product.query.inStock().count(this.session);
  }
  add(product: Product): void {
    this.session.add(product);
  }
}

// ---- service: one unit of work per call ----------------------------------------------------------
class ShopService {
  constructor(private readonly engine: Engine) {}

  /** Runs `fn` in a session that commits when it succeeds and rolls back when it throws. */
  async #unitOfWork<T>(fn: (repos: { products: ProductRepository; categories: CategoryRepository }) => Promise<T>): Promise<T> {
    await using session = new Session(this.engine);
    try {
      const result = await fn({ products: new ProductRepository(session), categories: new CategoryRepository(session) });
      await session.commit();
      return result;
    } catch (err) {
      await session.rollback();
      throw err;
    }
  }

  stock(categoryName: string, items: Array<{ name: string; price: string; stock: number }>): Promise<number> {
    return this.#unitOfWork(async ({ products, categories }) => {
      const category = new Category({ name: categoryName });
      categories.add(category);
      for (const item of items) products.add(new Product({ ...item, category }));
      return items.length;
    });
  }

  cheapest(categoryName: string): Promise<string[]> {
    return this.#unitOfWork(async ({ products, categories }) => {
      const category = await categories.byName(categoryName);
      return (await products.available(category.id)).map((p) => `${p.name} (${p.price})`);
    });
  }

  /** Sells one unit; refuses (and changes nothing) when none is left. */
  sell(productId: number): Promise<number> {
    return this.#unitOfWork(async ({ products }) => {
      const product = await products.get(productId);
      if (product.stock === 0) throw new ObjectStateError(`${product.name} is out of stock`);
      product.stock -= 1;
      return product.stock;
    });
  }

  inStock(): Promise<number> {
    return this.#unitOfWork(({ products }) => products.countInStock());
  }
}

// ---- a route handler would do this --------------------------------------------------------------
const engine = createEngine("sqlite://:memory:");
await Base.metadata.createAll(engine);
const shop = new ShopService(engine);
await shop.stock("kitchen", [
  { name: "Kettle", price: "29.00", stock: 1 },
  { name: "Mug", price: "4.50", stock: 12 },
  { name: "Toaster", price: "19.00", stock: 0 },
]);
console.log(await shop.cheapest("kitchen")); // [ 'Mug (4.50)', 'Kettle (29.00)' ]
console.log(await shop.sell(1)); // 0 left
try {
  await shop.sell(1);
} catch (e) {
  console.log((e as Error).message); // Kettle is out of stock
}
console.log(await shop.inStock()); // 1 (only the mugs)
await engine.dispose();
