/**
 * A line of a user's cart: a product and a quantity. The unit price is taken when the product is
 * added, so the cart shows what the customer saw (and checkout can tell them the price changed).
 */
import { check, column, foreignKey, h, Integer, mapped, relationship, unique } from "athanor";
import { Base } from "./base.js";
import type { Product } from "./product.js";
import type { User } from "./user.js";

/** One product in one cart; `subtotalCents` = quantity × unit price, on instances and in queries. */
@mapped
export class CartItem extends Base.model(
  "cart_items",
  {
    id: column(Integer, { primaryKey: true }),
    userId: column(Integer, { foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }) }),
    productId: column(Integer, { foreignKey: "products.id" }),
    quantity: column(Integer, { default: 1 }),
    unitPriceCents: column(Integer),
    user: relationship<User>("User", { backPopulates: "cartItems" }),
    product: relationship<Product>("Product"),
  },
  {
    hybrids: (c) => ({ subtotalCents: h.mul(c.quantity, c.unitPriceCents) }),
    tableArgs: (c) => [unique([c.userId, c.productId]), check(c.quantity.gt(0), { name: "quantity_positive" })],
  },
) {}
