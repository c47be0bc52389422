/**
 * `npm run demo`: the ORM on embedded SQLite, no server needed. Declares a small library domain
 * (one base, a mixin, a self-referential tree, an optimistic lock, inheritance), then runs what an
 * application does with a Session and prints the statements each step took.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  column,
  createEngine,
  declarativeBase,
  defaultNamingConvention,
  func,
  h,
  inspect,
  Integer,
  IntegrityError,
  mapped,
  MetaData,
  relationship,
  select,
  Session,
  StaleDataError,
  String,
  timestamps,
  update,
} from "athanor";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
class Author extends Base.model(
  "authors",
  {
    id: column(Integer, { primaryKey: true }),
    firstName: column(String(50)),
    lastName: column(String(50)),
    email: column(String(120), { unique: true }),
    books: relationship<Book[]>("Book", { backPopulates: "author" }),
    ...timestamps(),
  },
  { hybrids: (a) => ({ fullName: h.concat(a.firstName, " ", a.lastName) }), validates: { email: (v) => v.trim().toLowerCase() } },
) {}

@mapped
class Shelf extends Base.model("shelves", {
  id: column(Integer, { primaryKey: true }),
  label: column(String(50)),
  parentId: column(Integer, { nullable: true, foreignKey: "shelves.id" }),
  parent: relationship<Shelf | null>("Shelf", { remoteSide: "id", backPopulates: "children" }),
  children: relationship<Shelf[]>("Shelf", { backPopulates: "parent" }),
}) {}

@mapped
class Book extends Base.model(
  "books",
  {
    id: column(Integer, { primaryKey: true }),
    kind: column(String(20)),
    title: column(String(200)),
    copies: column(Integer, { default: 1 }),
    version: column(Integer),
    authorId: column(Integer, { foreignKey: "authors.id" }),
    shelfId: column(Integer, { nullable: true, foreignKey: "shelves.id" }),
    author: relationship<Author>("Author", { backPopulates: "books" }),
  },
  { versionColumn: "version", polymorphicOn: "kind", polymorphicIdentity: "book" },
) {}

@mapped
class AudioBook extends Base.subclass(Book, "audio_books", { minutes: column(Integer) }, { polymorphicIdentity: "audio" }) {}

const file = join(tmpdir(), `athanor-demo-${process.pid}.db`);
const statements: string[] = [];
const engine = createEngine(`sqlite:///${file}`, { log: (e) => statements.push(e.sql) });

/** Runs a step and prints what it printed plus the statements it took. */
async function step(title: string, fn: () => Promise<void>): Promise<void> {
  statements.length = 0;
  console.log(`\n== ${title}`);
  await fn();
  const sql = statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(s));
  console.log(
    `   (${sql.length} statement${sql.length === 1 ? "" : "s"}${sql.length ? `: ${sql.map((s) => s.split(" ").slice(0, 3).join(" ")).join("; ")}` : ""})`,
  );
}

try {
  await Base.metadata.createAll(engine);
  const session = new Session(engine);

  await step("add a graph of new objects and commit", async () => {
    const fiction = new Shelf({ label: "Fiction" });
    const classics = new Shelf({ label: "Classics", parent: fiction });
    const mary = new Author({ firstName: "Mary", lastName: "Shelley", email: "  Mary@Example.org " });
    mary.books.push(new Book({ title: "Frankenstein", copies: 3 }), new Book({ title: "The Last Man" }));
    mary.books.push(new AudioBook({ title: "Frankenstein (audio)", minutes: 520 }));
    session.addAll([classics, mary]);
    await session.commit();
    for (const b of mary.books) b.shelfId = classics.id;
    await session.commit();
    console.log(`   ${mary.fullName} <${mary.email}> wrote ${mary.books.length} books; shelves: ${fiction.label} > ${classics.label}`);
  });

  await step("query: the identity map gives back the same objects", async () => {
    const authors = await session.scalars(select(Author).where(Author.fullName.eq("Mary Shelley")));
    const again = await session.get(Author, authors[0]!.id);
    console.log(`   same object: ${authors[0] === again}`);
  });

  await step("polymorphic query: subclasses come back as themselves", async () => {
    const books = await session.scalars(select(Book).orderBy(Book.id));
    console.log(`   ${books.map((b) => `${inspect(b).model.name}(${b.title})`).join(", ")}`);
  });

  await step("aggregate with entities", async () => {
    const rows = await session.execute(
      select(Author, func.sum(Book.copies).as("copies")).join(Book, Book.authorId.eq(Author.id)).groupBy(Author.id),
    );
    for (const r of rows) console.log(`   ${r.authors.fullName}: ${r.copies} copies`);
  });

  await step("change one attribute: the UPDATE sends that column (and the version check)", async () => {
    const [book] = await session.scalars(select(Book).where(Book.title.eq("The Last Man")));
    book!.copies = 5;
    await session.commit();
    console.log(`   version is now ${book!.version}`);
  });

  await step("a failed flush changes nothing; rollback restores the objects", async () => {
    const [mary] = await session.scalars(select(Author));
    mary!.lastName = "Wollstonecraft Shelley";
    session.add(new Author({ firstName: "Copy", lastName: "Cat", email: "mary@example.org" }));
    try {
      await session.commit();
    } catch (e) {
      console.log(`   ${e instanceof IntegrityError ? "IntegrityError" : (e as Error).message}; then rollback()`);
      await session.rollback();
    }
    console.log(`   last name back to ${mary!.lastName}`);
  });

  await step("optimistic locking: a concurrent change is detected", async () => {
    const [book] = await session.scalars(select(Book).where(Book.title.eq("Frankenstein")));
    await session.commit();
    await engine.begin((conn) =>
      conn.execute(
        update(Book)
          .set({ copies: 9, version: book!.version + 1 })
          .where(Book.id.eq(book!.id)),
      ),
    );
    book!.copies = 4;
    try {
      await session.commit();
    } catch (e) {
      console.log(`   ${e instanceof StaleDataError ? "StaleDataError" : (e as Error).message}: someone else saved first`);
      await session.rollback();
    }
    console.log(`   copies now ${book!.copies} (theirs)`);
  });

  await session.close();
} finally {
  await engine.dispose();
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
}
