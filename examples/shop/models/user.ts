/**
 * A customer: has addresses (one of them the default), a cart, and orders. Deleting a customer
 * deletes their addresses, cart and orders (and, through the orders, the order items).
 */
import { column, Integer, mapped, relationship, String, timestamps } from "athanor";
import { Base } from "./base.js";
import type { Address } from "./address.js";
import type { CartItem } from "./cart-item.js";
import type { Order } from "./order.js";

/** A shop customer; `email` is unique. */
@mapped
export class User extends Base.model("users", {
  id: column(Integer, { primaryKey: true }),
  email: column(String(255), { unique: true }),
  name: column(String(100)),
  ...timestamps(),
  addresses: relationship<Address[]>("Address", { backPopulates: "user", cascade: "all, delete-orphan", orderBy: "id" }),
  /** The address marked as default: read-only, derived from `addresses` (set `isDefault` to change it). */
  defaultAddress: relationship<Address | null>("Address", { uselist: false, viewonly: true, where: (a) => a.isDefault.eq(true) }),
  cartItems: relationship<CartItem[]>("CartItem", { backPopulates: "user", cascade: "all, delete-orphan", orderBy: "id" }),
  /** Newest first. */
  orders: relationship<Order[]>("Order", { backPopulates: "user", cascade: "all, delete-orphan", orderBy: "placedAt desc" }),
}) {}
