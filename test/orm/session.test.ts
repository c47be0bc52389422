/** The Session on every database: object states, identity map, dirty tracking, flush order, atomic flushes, rollback, expiry, merge. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  column,
  declarativeBase,
  deleteFrom,
  func,
  inspect,
  Integer,
  IntegrityError,
  mapped,
  MappingError,
  MetaData,
  ObjectStateError,
  PendingRollbackError,
  relationship,
  select,
  Session,
  String,
  update,
  type Connection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class Author extends Base.model("s_authors", {
  id: column(Integer, { primaryKey: true }),
  email: column(String(100), { unique: true }),
  name: column(String(100), { nullable: true }),
  karma: column(Integer, { default: 0 }),
  books: relationship<Book[]>("Book", { backPopulates: "author" }),
}) {}

@mapped
class Book extends Base.model("s_books", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(200)),
  authorId: column(Integer, { foreignKey: "s_authors.id" }),
  author: relationship<Author>("Author", { backPopulates: "books" }),
}) {}

@mapped
class Category extends Base.model("s_categories", {
  id: column(Integer, { primaryKey: true }),
  label: column(String(50)),
  parentId: column(Integer, { nullable: true, foreignKey: "s_categories.id" }),
  parent: relationship<Category | null>("Category", { remoteSide: "id", backPopulates: "children" }),
  children: relationship<Category[]>("Category", { backPopulates: "parent" }),
}) {}

/** No relationship: the flush orders these rows by their foreign key alone. */
@mapped
class Note extends Base.model("s_notes", {
  id: column(Integer, { primaryKey: true }),
  bookId: column(Integer, { foreignKey: "s_books.id" }),
  body: column(String(100)),
}) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(async () => {
    // Categories reference each other: unlink them before the rows go.
    await db.engine.begin(async (conn) => void (await conn.execute(update(Category).set({ parentId: null }))));
    await emptyTables(db.engine, Base.metadata);
  });

  const count = async (conn: Connection, what: typeof Author | typeof Book | typeof Category | typeof Note): Promise<number> =>
    Number(await conn.scalar(select(func.count()).from(what)));

  it("moves objects through transient, pending, persistent, deleted and detached", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "states@example.com" });
    expect(inspect(a).status).toBe("transient");
    s.add(a);
    expect(inspect(a).status).toBe("pending");
    expect(s.new).toEqual([a]);
    await s.flush();
    expect(inspect(a).status).toBe("persistent");
    expect(inspect(a).identity).toEqual([a.id]);
    s.delete(a);
    expect(s.deleted).toEqual([a]);
    await s.flush();
    expect(inspect(a).status).toBe("deleted");
    expect(s.contains(a)).toBe(false);
    await s.commit();
    expect(inspect(a).status).toBe("detached");
    expect(inspect(a).session).toBeUndefined();
  });

  it("keeps one object per row: get() answers from the identity map without SQL", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "idmap@example.com", name: "Ada" });
    s.add(a);
    await s.commit();
    const rec = recordStatements(db.engine);
    try {
      expect(await s.get(Author, a.id)).toBe(a);
      expect(rec.sql).toEqual([]);
      const [viaQuery] = await s.scalars(select(Author).where(Author.email.eq("idmap@example.com")));
      expect(viaQuery).toBe(a);
      expect(rec.count(/^SELECT/)).toBe(1);
      s.expungeAll();
      const fresh = await s.get(Author, a.id);
      expect(fresh).not.toBe(a);
      expect(fresh?.name).toBe("Ada");
      expect(rec.count(/^SELECT/)).toBe(2);
      expect(await s.get(Author, a.id)).toBe(fresh);
      expect(rec.count(/^SELECT/)).toBe(2);
    } finally {
      rec.stop();
    }
    expect(await s.get(Author, 987654)).toBeUndefined();
    await expect(s.getOne(Author, 987654)).rejects.toThrow(/no Author has the primary key 987654/);
    await expect(s.get(Author, "x" as never)).rejects.toThrow(ArgumentError);
    await expect(s.get(String as never, 1)).rejects.toThrow(/takes a mapped class/);
  });

  it("does not overwrite loaded attributes when a query returns an object again", async () => {
    await using s = new Session(db.engine, { autoflush: false });
    const a = new Author({ email: "keep@example.com", name: "Old" });
    s.add(a);
    await s.flush();
    a.name = "Changed locally";
    const [again] = await s.scalars(select(Author).where(Author.id.eq(a.id)));
    expect(again).toBe(a);
    expect(a.name).toBe("Changed locally");
    await s.rollback();
  });

  it("sends only changed columns, and nothing for unchanged objects", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "dirty@example.com", name: "A", karma: 1 });
    s.add(a);
    await s.commit();
    const rec = recordStatements(db.engine);
    try {
      await s.flush();
      expect(rec.sql).toEqual([]);
      a.name = "A"; // same value: no change
      await s.flush();
      expect(rec.sql).toEqual([]);
      a.karma = 2;
      a.karma = 1; // back to the loaded value: no net change
      await s.flush();
      expect(rec.sql).toEqual([]);
      a.name = "B";
      expect(s.isModified(a)).toBe(true);
      expect(inspect(a).modified).toEqual(["name"]);
      await s.flush();
      expect(rec.sql).toHaveLength(1);
      expect(rec.sql[0]).toMatch(/^UPDATE \S+ SET \S*name\S* = \S+ WHERE/);
      expect(rec.sql[0]).not.toMatch(/karma|email/);
      expect(s.isModified(a)).toBe(false);
    } finally {
      rec.stop();
    }
    await s.commit();
  });

  it("autoflushes before queries unless told not to", async () => {
    await using s = new Session(db.engine);
    s.add(new Author({ email: "auto@example.com" }));
    expect(await s.scalars(select(Author.email).where(Author.email.eq("auto@example.com")))).toEqual(["auto@example.com"]);
    s.add(new Author({ email: "noauto@example.com" }));
    const seen = await s.noAutoflush(() => s.scalars(select(Author.email).where(Author.email.eq("noauto@example.com"))));
    expect(seen).toEqual([]);
    s.autoflush = false;
    expect(await s.scalars(select(Author.email).where(Author.email.eq("noauto@example.com")))).toEqual([]);
    await s.flush();
    expect(await s.scalars(select(Author.email).where(Author.email.eq("noauto@example.com")))).toEqual(["noauto@example.com"]);
    await s.rollback();
  });

  it("inserts parents before children and fills foreign keys from relationships", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "order@example.com" });
    const b1 = new Book({ title: "First", author: a });
    const b2 = new Book({ title: "Second" });
    a.books.push(b2);
    expect(b2.author).toBe(a); // back-populated in memory
    expect(a.books).toEqual([b1, b2]);
    s.add(b1); // the author and the other book come through the cascade
    expect(s.new).toHaveLength(3);
    const rec = recordStatements(db.engine);
    await s.commit();
    rec.stop();
    const inserts = rec.sql.filter((x) => x.startsWith("INSERT"));
    expect(inserts[0]).toMatch(/s_authors/);
    expect(inserts.slice(1).every((x) => /s_books/.test(x))).toBe(true);
    expect(b1.authorId).toBe(a.id);
    expect(b2.authorId).toBe(a.id);
  });

  it("orders rows by foreign keys even without relationships", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "fk@example.com" });
    s.add(a);
    await s.flush();
    const book = new Book({ title: "Notes", authorId: a.id });
    s.add(book);
    await s.flush();
    s.add(new Note({ bookId: book.id, body: "n" }));
    // Added before the book it needs: the flush still writes the book first.
    const b2 = new Book({ title: "Later", authorId: a.id, id: 9001 });
    const n2 = new Note({ bookId: 9001, body: "needs 9001" });
    s.add(n2);
    s.add(b2);
    await s.commit();
    await using conn = await db.engine.connect();
    expect(await count(conn, Note)).toBe(2);
  });

  it("inserts self-referential trees parents first and deletes them children first", async () => {
    await using s = new Session(db.engine);
    const root = new Category({ label: "root" });
    const child = new Category({ label: "child", parent: root });
    const grandchild = new Category({ label: "grandchild" });
    child.children.push(grandchild);
    s.add(grandchild);
    await s.commit();
    expect(child.parentId).toBe(root.id);
    expect(grandchild.parentId).toBe(child.id);
    expect(root.parentId).toBeNull();
    s.delete(root);
    s.delete(child);
    s.delete(grandchild);
    await s.commit();
    await using conn = await db.engine.connect();
    expect(await count(conn, Category)).toBe(0);
  });

  it("refuses rows that reference each other in a cycle", async () => {
    await using s = new Session(db.engine);
    const x = new Category({ label: "x" });
    const y = new Category({ label: "y", parent: x });
    x.parent = y;
    s.add(x);
    await expect(s.flush()).rejects.toThrow(MappingError);
    await expect(s.flush()).rejects.toThrow(PendingRollbackError);
    await s.rollback();
  });

  it("moves a child between parents and lets go of removed children", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "move-a@example.com" });
    const b = new Author({ email: "move-b@example.com" });
    const book = new Book({ title: "Moving", author: a });
    s.addAll([a, b]);
    await s.flush();
    expect(book.authorId).toBe(a.id);
    a.books.splice(a.books.indexOf(book), 1);
    b.books.push(book);
    expect(book.author).toBe(b);
    await s.flush();
    expect(book.authorId).toBe(b.id);
    const conn = await s.connection();
    expect(await conn.scalar(select(Book.authorId).where(Book.id.eq(book.id)))).toBe(b.id);
    await s.rollback();
  });

  it("batches inserts of many objects into multi-row statements", async () => {
    await using s = new Session(db.engine);
    const author = new Author({ email: "batch@example.com" });
    s.add(author);
    await s.flush();
    for (let i = 0; i < 300; i++) s.add(new Book({ title: `Book ${i}`, authorId: author.id }));
    const rec = recordStatements(db.engine);
    await s.flush();
    rec.stop();
    const inserts = rec.count(/^INSERT/);
    if (db.caps.insertReturning) expect(inserts).toBe(1);
    else expect(inserts).toBeLessThanOrEqual(300); // no RETURNING: ids come one row at a time
    const books = s.new;
    expect(books).toEqual([]);
    const ids = (await s.scalars(select(Book.id).where(Book.authorId.eq(author.id)).orderBy(Book.id))) as number[];
    expect(new Set(ids).size).toBe(300);
    await s.rollback();
  });

  it("updates many objects changing the same columns together, and each its own values", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "bulk-a@example.com" });
    const b = new Author({ email: "bulk-b@example.com" });
    s.addAll([a, b]);
    await s.flush();
    const books = Array.from({ length: 600 }, (_, i) => new Book({ title: `T${i}`, authorId: a.id }));
    s.addAll(books);
    await s.commit();
    books.forEach((book, i) => {
      book.title = `Title ${i}`;
      if (i % 2 === 0) book.authorId = b.id; // a second set of changed columns
    });
    const rec = recordStatements(db.engine);
    await s.flush();
    rec.stop();
    const updates = rec.count(/^UPDATE/);
    // Rows changing the same columns share statements of up to 500 rows (a join to their values, or
    // CASE); a database without UPDATE … FROM gets one prepared statement per row.
    if (db.caps.batchUpdate === "join" && !db.caps.updateFrom) expect(updates).toBe(600);
    else expect(updates).toBe(2); // 300 rows change the title, 300 the title and the author
    await s.commit();
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(Book.id, Book.title, Book.authorId).where(Book.title.like("Title %")).orderBy(Book.id));
    expect(rows.rows).toHaveLength(600);
    const byId = new Map(books.map((book, i) => [book.id, i]));
    for (const r of rows.rows) {
      const i = byId.get(r.id)!;
      expect(r.title).toBe(`Title ${i}`);
      expect(r.authorId).toBe(i % 2 === 0 ? b.id : a.id);
    }
  });

  it("keeps flush cost to what changed: one object added to a large session writes one row", async () => {
    await using s = new Session(db.engine);
    const author = new Author({ email: "linear@example.com" });
    s.add(author);
    await s.flush();
    for (let i = 0; i < 200; i++) {
      s.add(new Book({ title: `L${i}`, authorId: author.id }));
      await s.flush();
    }
    const rec = recordStatements(db.engine);
    s.add(new Book({ title: "one more", authorId: author.id }));
    await s.flush();
    rec.stop();
    expect(rec.sql).toHaveLength(1);
    expect(rec.sql[0]).toMatch(/^INSERT/);
    expect(s.size).toBe(202);
    await s.commit();
  });

  it("makes a flush atomic and refuses work until rollback after it fails", async () => {
    await using s = new Session(db.engine);
    const kept = new Author({ email: "kept@example.com", name: "kept" });
    const gone = new Author({ email: "gone@example.com" });
    s.addAll([kept, gone]);
    await s.commit();

    kept.name = "changed in the failed transaction";
    s.delete(gone);
    const ok = new Author({ email: "fresh@example.com" });
    const dup = new Author({ email: "kept@example.com" });
    s.addAll([ok, dup]);
    const error = await s.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IntegrityError);
    await expect(s.flush()).rejects.toThrow(PendingRollbackError);
    await expect(s.scalars(select(Author))).rejects.toThrow(/call session\.rollback\(\) before using the session again/);
    await expect(s.commit()).rejects.toBeInstanceOf(PendingRollbackError);
    // Nothing of the failed flush reached the database.
    {
      await using conn = await db.engine.connect();
      expect(await conn.scalars(select(Author.email).orderBy(Author.email))).toEqual(["gone@example.com", "kept@example.com"]);
    }
    await s.rollback();
    expect(inspect(ok).status).toBe("transient");
    expect(inspect(dup).status).toBe("transient");
    expect(inspect(gone).status).toBe("persistent");
    expect(kept.name).toBe("kept"); // reloaded from the database
    expect(s.isModified(kept)).toBe(false);
    s.add(ok);
    await s.commit();
    await using conn = await db.engine.connect();
    expect(await count(conn, Author)).toBe(3);
  });

  it("rolls back: pending and inserted objects become transient, deleted ones return, the rest reload", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "rb-a@example.com", name: "before" });
    const b = new Author({ email: "rb-b@example.com" });
    s.addAll([a, b]);
    await s.commit();
    const c = new Author({ email: "rb-c@example.com" });
    s.add(c);
    await s.flush();
    const d = new Author({ email: "rb-d@example.com" });
    s.add(d);
    a.name = "after";
    await s.flush();
    s.delete(b);
    await s.flush();
    await s.rollback();
    expect(inspect(c).status).toBe("transient");
    expect(inspect(d).status).toBe("transient");
    expect(inspect(b).status).toBe("persistent");
    expect(s.contains(b)).toBe(true);
    expect(a.name).toBe("before");
    expect(s.inTransaction).toBe(false); // the reload ran outside any transaction
    expect(await s.get(Author, b.id)).toBe(b);
    await s.commit();
  });

  it("detaches objects whose rows vanished when it reloads them after rollback", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "vanish@example.com" });
    s.add(a);
    await s.commit();
    {
      await using conn = await db.engine.connect();
      await conn.execute(update(Author).set({ name: "x" }).where(Author.id.eq(a.id)));
    }
    await s.rollback(); // nothing open: the objects still reload
    expect(a.name).toBe("x");
    {
      await using conn = await db.engine.connect();
      await conn.execute(deleteFrom(Author).where(Author.id.eq(a.id)));
    }
    await s.rollback();
    expect(inspect(a).status).toBe("detached");
    expect(s.contains(a)).toBe(false);
  });

  it("expires objects on commit when asked to, and reloads them through refresh or queries", async () => {
    await using s = new Session(db.engine, { expireOnCommit: true });
    const a = new Author({ email: "expire@example.com", name: "N" });
    s.add(a);
    await s.commit();
    expect(a.id).toBeTypeOf("number"); // the primary key stays known
    expect(() => a.name).toThrow(/Author\.name is not loaded .*session\.refresh/);
    expect(inspect(a).unloaded).toContain("name");
    await s.refresh(a);
    expect(a.name).toBe("N");
    await s.commit();
    await s.scalars(select(Author).where(Author.id.eq(a.id)));
    expect(a.name).toBe("N");
    await s.commit();
  });

  it("refreshes objects, discarding unflushed changes, and expires single attributes", async () => {
    await using s = new Session(db.engine, { autoflush: false });
    const a = new Author({ email: "refresh@example.com", name: "db", karma: 5 });
    s.add(a);
    await s.flush();
    a.name = "local";
    a.karma = 6;
    await s.refresh(a, ["name"]);
    expect(a.name).toBe("db");
    expect(a.karma).toBe(6);
    expect(inspect(a).modified).toEqual(["karma"]);
    s.expire(a, ["karma"]);
    expect(s.isModified(a)).toBe(false);
    expect(() => a.karma).toThrow(ObjectStateError);
    await s.refresh(a);
    expect(a.karma).toBe(5);
    const conn = await s.connection();
    await conn.execute(deleteFrom(Author).where(Author.id.eq(a.id)));
    await expect(s.refresh(a)).rejects.toThrow(/no longer exists in the database/);
    expect(s.contains(a)).toBe(false);
    await expect(s.refresh(new Author({ email: "t@example.com" }))).rejects.toThrow(/not a persistent object of this session/);
    expect(() => s.expire(a)).toThrow(ObjectStateError);
    await s.rollback();
  });

  it("merges detached objects onto the session's copy, or makes them pending", async () => {
    let detached: Author;
    {
      await using s1 = new Session(db.engine);
      detached = new Author({ email: "merge@example.com", name: "first" });
      s1.add(detached);
      await s1.commit();
    }
    expect(inspect(detached).status).toBe("detached");
    detached.name = "edited offline";
    await using s2 = new Session(db.engine);
    const loaded = await s2.get(Author, detached.id);
    const merged = await s2.merge(detached);
    expect(merged).toBe(loaded);
    expect(merged).not.toBe(detached);
    expect(merged.name).toBe("edited offline");
    expect(s2.isModified(merged)).toBe(true);
    expect(s2.contains(detached)).toBe(false);
    const brandNew = await s2.merge(new Author({ email: "merge-new@example.com" }));
    expect(inspect(brandNew).status).toBe("pending");
    await s2.commit();
    await using conn = await db.engine.connect();
    expect(await conn.scalar(select(Author.name).where(Author.id.eq(detached.id)))).toBe("edited offline");
    expect(await count(conn, Author)).toBe(2);
  });

  it("reattaches detached objects with add(), keeping their changes", async () => {
    let a: Author;
    {
      await using s1 = new Session(db.engine);
      a = new Author({ email: "reattach@example.com" });
      s1.add(a);
      await s1.commit();
    }
    a.name = "changed while detached";
    {
      await using s2 = new Session(db.engine);
      s2.add(a);
      expect(inspect(a).status).toBe("persistent");
      expect(s2.dirty).toEqual([a]);
      await s2.commit();
    }
    await using s3 = new Session(db.engine);
    expect((await s3.get(Author, a.id))?.name).toBe("changed while detached");
  });

  it("explains misuse: deleting unsaved objects, objects of another session, unmapped values", async () => {
    const s1 = new Session(db.engine);
    const a = new Author({ email: "misuse@example.com" });
    expect(() => s1.delete(a)).toThrow(/is not persisted/);
    s1.add(a);
    expect(() => s1.delete(a)).toThrow(/use session\.expunge\(obj\)/);
    const s2 = new Session(db.engine);
    expect(() => s2.add(a)).toThrow(/belongs to another session/);
    expect(() => s2.add({ id: 1 })).toThrow(/takes an instance of a mapped class/);
    expect(() => s2.expunge(a)).toThrow(/is not in this session/);
    s1.expunge(a);
    expect(inspect(a).status).toBe("transient");
    s2.add(a);
    await s2.close();
    await s1.close();
    expect(() => new Session({} as never)).toThrow(/takes an engine/);
  });

  it("reads an unloaded relationship of a loaded object as an error naming the relationship", async () => {
    await using s = new Session(db.engine);
    const a = new Author({ email: "rel@example.com" });
    s.add(a);
    await s.commit();
    s.expungeAll();
    const loaded = await s.get(Author, a.id);
    expect(() => loaded!.books).toThrow(/Author\.books is not loaded/);
    await s.rollback();
  });

  it("closes with await using: open work is rolled back and objects are detached", async () => {
    const a = new Author({ email: "using@example.com" });
    {
      await using s = new Session(db.engine);
      s.add(a);
      await s.flush();
      expect(s.inTransaction).toBe(true);
    }
    expect(inspect(a).status).toBe("detached");
    await using conn = await db.engine.connect();
    expect(await count(conn, Author)).toBe(0);
  });

  it("runs session events: beforeFlush may add objects, afterCommit and afterRollback fire", async () => {
    await using s = new Session(db.engine);
    const seen: string[] = [];
    const off = s.on("beforeFlush", (session, info) => {
      seen.push(`before:${info.new.length}`);
      for (const o of info.new) if (o instanceof Author && o.email.startsWith("ev-")) session.add(new Book({ title: "auto", author: o }));
    });
    s.on("afterFlush", (_session, info) => void seen.push(`after:${info.new.length}`));
    s.on("afterCommit", () => void seen.push("commit"));
    s.on("afterRollback", () => void seen.push("rollback"));
    s.on("afterBegin", () => void seen.push("begin"));
    s.add(new Author({ email: "ev-1@example.com" }));
    await s.commit();
    expect(seen).toEqual(["before:1", "begin", "after:2", "commit"]);
    off();
    await s.rollback();
    expect(seen.at(-1)).toBe("rollback");
    await using conn = await db.engine.connect();
    expect(await count(conn, Book)).toBe(1);
    expect(() => s.on("nope" as never, (() => undefined) as never)).toThrow(/unknown session event 'nope'/);
  });
});
