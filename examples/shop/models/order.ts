/**
 * A placed order: its lines (OrderItem, the association object), the two addresses it was billed
 * and shipped to (two foreign keys to one table, told apart with `foreignKeys`), and its amounts.
 *
 * The subtotal is stored when the order is placed: it is the sum of the lines at the time of
 * order, and a hybrid can only combine the row's own columns (a sum over other rows is an
 * aggregate). `total` is a hybrid of the stored amounts, so "orders over 100" is a WHERE clause.
 */
import { column, DateTime, Enum, foreignKey, h, index, Integer, mapped, relationship, sql } from "athanor";
import { Base } from "./base.js";
import type { Address } from "./address.js";
import type { OrderItem } from "./order-item.js";
import type { Product } from "./product.js";
import type { User } from "./user.js";

/** The states an order goes through. */
export const ORDER_STATUSES = ["pending", "paid", "shipped", "delivered", "cancelled"] as const;

/** An order of one user; `status` is one of {@link ORDER_STATUSES}. */
@mapped
export class Order extends Base.model(
  "orders",
  {
    id: column(Integer, { primaryKey: true }),
    userId: column(Integer, { foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }) }),
    status: column(Enum(ORDER_STATUSES), { default: "pending" }),
    billingAddressId: column(Integer, { foreignKey: "addresses.id" }),
    shippingAddressId: column(Integer, { foreignKey: "addresses.id" }),
    subtotalCents: column(Integer, { default: 0 }),
    shippingFeeCents: column(Integer, { default: 0 }),
    placedAt: column(DateTime({ timezone: true }), { default: () => new Date(), serverDefault: sql`CURRENT_TIMESTAMP` }),
    user: relationship<User>("User", { backPopulates: "orders" }),
    billingAddress: relationship<Address>("Address", { foreignKeys: ["billingAddressId"] }),
    shippingAddress: relationship<Address>("Address", { foreignKeys: ["shippingAddressId"] }),
    /** The lines; removing one from the list deletes it (delete-orphan). */
    items: relationship<OrderItem[]>("OrderItem", { backPopulates: "order", cascade: "all, delete-orphan", orderBy: "productId" }),
    /** The products of the lines, read-only (the lines are written through `items`). */
    products: relationship<Product[]>("Product", { secondary: "order_items", viewonly: true, orderBy: "name" }),
  },
  {
    hybrids: (o) => ({ totalCents: h.add(o.subtotalCents, o.shippingFeeCents) }),
    tableArgs: (c) => [index([c.userId, c.placedAt]), index([c.status])],
  },
) {
  /** Sets the stored subtotal from the lines (they must be loaded); call after changing `items`. */
  recalculate(): void {
    this.subtotalCents = this.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0);
  }
}
