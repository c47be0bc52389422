/**
 * A product for sale. Money is kept in integer cents (no floating point); the database refuses a
 * price that is not positive and negative stock.
 */
import { check, column, foreignKey, h, index, Integer, mapped, relationship, String } from "athanor";
import { Base } from "./base.js";
import type { Category } from "./category.js";

/** A product; `sku` is unique; `inStock` works on instances and in queries. */
@mapped
export class Product extends Base.model(
  "products",
  {
    id: column(Integer, { primaryKey: true }),
    sku: column(String(40), { unique: true }),
    name: column(String(200)),
    priceCents: column(Integer),
    stock: column(Integer, { default: 0 }),
    categoryId: column(Integer, { nullable: true, foreignKey: foreignKey("categories.id", { onDelete: "SET NULL" }) }),
    category: relationship<Category | null>("Category", { backPopulates: "products" }),
  },
  {
    hybrids: (p) => ({ inStock: h.gt(p.stock, 0) }),
    // Listing a category's products by name is the common query.
    tableArgs: (c) => [
      index([c.categoryId, c.name]),
      check(c.priceCents.gt(0), { name: "price_positive" }),
      check(c.stock.ge(0), { name: "stock_not_negative" }),
    ],
  },
) {}
