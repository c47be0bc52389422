/**
 * An order line: the association object between an order and a product, with the columns of its
 * own that a plain many-to-many could not hold: the quantity and the price at the time of order.
 */
import { check, column, foreignKey, h, Integer, mapped, relationship } from "athanor";
import { Base } from "./base.js";
import type { Order } from "./order.js";
import type { Product } from "./product.js";

/** One product in one order (the pair is the primary key); `lineTotalCents` = quantity × unit price. */
@mapped
export class OrderItem extends Base.model(
  "order_items",
  {
    orderId: column(Integer, { primaryKey: true, foreignKey: foreignKey("orders.id", { onDelete: "CASCADE" }) }),
    productId: column(Integer, { primaryKey: true, foreignKey: "products.id", index: true }),
    quantity: column(Integer),
    unitPriceCents: column(Integer),
    order: relationship<Order>("Order", { backPopulates: "items" }),
    product: relationship<Product>("Product"),
  },
  {
    hybrids: (i) => ({ lineTotalCents: h.mul(i.quantity, i.unitPriceCents) }),
    tableArgs: (c) => [check(c.quantity.gt(0), { name: "quantity_positive" })],
  },
) {}
