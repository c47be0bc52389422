/**
 * A postal address of a user. Orders point at addresses for billing and shipping; an address used
 * by an order cannot be deleted (the foreign keys have no ON DELETE action).
 */
import { Boolean, column, foreignKey, Integer, mapped, relationship, String } from "athanor";
import { Base } from "./base.js";
import type { User } from "./user.js";

/** One address; at most one per user should have `isDefault` set (the application keeps it so). */
@mapped
export class Address extends Base.model("addresses", {
  id: column(Integer, { primaryKey: true }),
  userId: column(Integer, { foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }), index: true }),
  street: column(String(200)),
  city: column(String(100)),
  postalCode: column(String(20)),
  country: column(String(2)),
  isDefault: column(Boolean, { default: false }),
  user: relationship<User>("User", { backPopulates: "addresses" }),
}) {}
