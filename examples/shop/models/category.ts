/**
 * A product category. Categories form a tree (an adjacency list: each points at its parent), so
 * "Electronics > Audio > Headphones" is three rows.
 */
import { column, foreignKey, Integer, mapped, relationship, String } from "athanor";
import { Base } from "./base.js";
import type { Product } from "./product.js";

/** A category; `parentId` is null for a top-level category. */
@mapped
export class Category extends Base.model("categories", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(100)),
  slug: column(String(100), { unique: true }),
  parentId: column(Integer, { nullable: true, foreignKey: foreignKey("categories.id", { onDelete: "CASCADE" }), index: true }),
  parent: relationship<Category | null>("Category", { remoteSide: "id", backPopulates: "children" }),
  children: relationship<Category[]>("Category", { backPopulates: "parent", cascade: "all, delete-orphan", orderBy: "name" }),
  products: relationship<Product[]>("Product", { backPopulates: "category", orderBy: "name" }),
}) {}
