/**
 * athanor Core on embedded SQLite (`npx tsx examples/core-quickstart.ts`), no server needed. Defines two tables, creates
 * them, inserts, queries with a join and an aggregate, updates in a transaction, and streams.
 */
import {
  Boolean,
  column,
  createEngine,
  DateTime,
  defaultNamingConvention,
  foreignKey,
  func,
  insert,
  Integer,
  MetaData,
  select,
  String,
  Table,
  Text,
  update,
} from "athanor";

const metadata = new MetaData({ namingConvention: defaultNamingConvention });

const users = new Table("users", metadata, {
  id: column(Integer, { primaryKey: true }),
  email: column(String(255), { unique: true }),
  name: column(String(100), { nullable: true }),
  active: column(Boolean, { default: true }),
  createdAt: column(DateTime, { name: "created_at", default: () => new Date() }),
});

const posts = new Table("posts", metadata, {
  id: column(Integer, { primaryKey: true }),
  authorId: column(Integer, { name: "author_id", foreignKey: foreignKey("users.id", { onDelete: "CASCADE" }) }),
  title: column(String(200)),
  body: column(Text, { nullable: true }),
});

const engine = createEngine("sqlite://:memory:");
await metadata.createAll(engine);

const conn = await engine.connect();

// Insert several rows in one statement; generated ids come back through RETURNING.
const inserted = await conn.execute(
  insert(users)
    .values([{ email: "ada@example.com", name: "Ada" }, { email: "grace@example.com", name: "Grace" }, { email: "anon@example.com" }])
    .returning(users.c.id, users.c.email),
);
console.log("inserted:", inserted.rows);

await conn.execute(
  insert(posts).values([
    { authorId: 1, title: "Notes on the Analytical Engine" },
    { authorId: 1, title: "Sketch of the Engine" },
    { authorId: 2, title: "COBOL" },
  ]),
);

// Rows are typed from the selection: { name: string | null; posts: number }[]
const perAuthor = await conn.execute(
  select(users.c.name, func.count(posts.c.id).as("posts"))
    .from(users)
    .leftJoin(posts)
    .groupBy(users.c.id, users.c.name)
    .orderBy(users.c.id),
);
console.log("posts per author:", perAuthor.rows);

// A transaction: committed when the callback resolves, rolled back if it throws.
await conn.transaction(async () => {
  await conn.execute(update(users).set({ active: false }).where(users.c.name.isNull()));
});
console.log("active users:", await conn.scalars(select(users.c.email).where(users.c.active.eq(true)).orderBy(users.c.email)));

// Streaming keeps memory flat however many rows come back.
for await (const post of conn.stream(select(posts.c.title, users.c.email).join(users).orderBy(posts.c.id))) {
  console.log(`  ${post.title} (by ${post.email})`);
}

await conn.close();
await engine.dispose();
