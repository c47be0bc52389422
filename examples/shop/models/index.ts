/**
 * The shop domain: customers with addresses and carts, a category tree of products, and orders
 * whose lines keep the price at the time of order. Importing this module registers every model
 * with {@link Base}.
 */
export { Address } from "./address.js";
export { Base } from "./base.js";
export { CartItem } from "./cart-item.js";
export { Category } from "./category.js";
export { Order, ORDER_STATUSES } from "./order.js";
export { OrderItem } from "./order-item.js";
export { Product } from "./product.js";
export { User } from "./user.js";
