/** A small shop/blog schema shared by tests. Fresh objects per call, so each test owns its MetaData. */
import {
  Boolean,
  check,
  column,
  DateTime,
  defaultNamingConvention,
  foreignKey,
  index,
  Integer,
  MetaData,
  Numeric,
  sql,
  String,
  Table,
  Text,
  unique,
} from "athanor";

export function blogSchema(metadata = new MetaData({ namingConvention: defaultNamingConvention })) {
  const users = new Table("users", metadata, {
    id: column(Integer, { primaryKey: true }),
    email: column(String(255), { unique: true }),
    name: column(String(100), { nullable: true }),
    active: column(Boolean, { default: true }),
    createdAt: column(DateTime, { name: "created_at", default: () => new Date() }),
  });
  const posts = new Table(
    "posts",
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      authorId: column(Integer, { name: "author_id", foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }), index: true }),
      title: column(String(200)),
      body: column(Text, { nullable: true }),
      score: column(Integer, { default: 0 }),
    },
    (c) => [unique([c.authorId, c.title]), check(sql`${c.score} >= 0`, { name: "score_positive" })],
  );
  const products = new Table(
    "products",
    metadata,
    {
      id: column(Integer, { primaryKey: true }),
      sku: column(String(40), { unique: true }),
      price: column(Numeric(10, 2)),
      stock: column(Integer, { default: 0 }),
    },
    (c) => [index([c.price])],
  );
  return { metadata, users, posts, products };
}
