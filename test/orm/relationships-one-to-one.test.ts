/** One-to-one and backref relationships on every database: a scalar on both sides, replacing the child (detached or deleted as an orphan), backref-created sides written like declared ones. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import { column, declarativeBase, Integer, mapped, MetaData, relationship, select, Session, String } from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class Account extends Base.model("oo_accounts", {
  id: column(Integer, { primaryKey: true }),
  profile: relationship<Profile | null>("Profile", { uselist: false, backPopulates: "account" }),
  avatar: relationship<Avatar | null>("Avatar", { uselist: false, backPopulates: "account", cascade: "all, delete-orphan" }),
}) {}

@mapped
class Profile extends Base.model("oo_profiles", {
  id: column(Integer, { primaryKey: true }),
  // Unique: the flush UPDATEs the old child (NULL) before it INSERTs the new one.
  accountId: column(Integer, { nullable: true, unique: true, foreignKey: "oo_accounts.id" }),
  account: relationship<Account | null>("Account", { backPopulates: "profile" }),
}) {}

@mapped
class Avatar extends Base.model("oo_avatars", {
  id: column(Integer, { primaryKey: true }),
  // Not unique: the orphan is DELETEd after the new avatar is INSERTed.
  accountId: column(Integer, { foreignKey: "oo_accounts.id" }),
  account: relationship<Account | null>("Account", { backPopulates: "avatar" }),
}) {}

/** Declared once; the other side (Shelf.books) comes from backref. */
@mapped
class Shelf extends Base.model("oo_shelves", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(20)),
}) {}

@mapped
class Book extends Base.model("oo_books", {
  id: column(Integer, { primaryKey: true }),
  shelfId: column(Integer, { nullable: true, foreignKey: "oo_shelves.id" }),
  shelf: relationship<Shelf | null>("Shelf", { backref: "books" }),
}) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  const rows = async <T>(
    stmt: Parameters<Awaited<ReturnType<typeof db.engine.connect>>["execute"]>[0],
    map: (r: any) => T,
  ): Promise<T[]> => {
    await using conn = await db.engine.connect();
    return (await conn.execute(stmt)).all().map(map);
  };

  it("replacing a one-to-one child detaches the old one, or deletes it with delete-orphan", async () => {
    {
      await using s = new Session(db.engine);
      const a = new Account({ id: 1 });
      a.profile = new Profile({ id: 1 });
      a.avatar = new Avatar({ id: 1 });
      s.add(a);
      await s.commit();
      const old = a.profile;
      a.profile = new Profile({ id: 2 });
      expect(old!.account).toBe(null);
      expect(a.profile.account).toBe(a);
      a.avatar = new Avatar({ id: 2 });
      await s.commit();
    }
    expect(
      await rows(select(Profile.id, Profile.accountId).orderBy(Profile.id), (r) => [
        Number(r.id),
        r.accountId === null ? null : Number(r.accountId),
      ]),
    ).toEqual([
      [1, null],
      [2, 1],
    ]);
    expect(await rows(select(Avatar.id, Avatar.accountId), (r) => [Number(r.id), Number(r.accountId)])).toEqual([[2, 1]]);
    {
      // The old child was never loaded in this session: the flush reads it to let go of it.
      await using s = new Session(db.engine);
      const a = (await s.get(Account, 1))!;
      a.profile = new Profile({ id: 3 });
      a.avatar = new Avatar({ id: 3 });
      await s.commit();
    }
    expect(
      await rows(select(Profile.id, Profile.accountId).orderBy(Profile.id), (r) => [
        Number(r.id),
        r.accountId === null ? null : Number(r.accountId),
      ]),
    ).toEqual([
      [1, null],
      [2, null],
      [3, 1],
    ]);
    expect(await rows(select(Avatar.id, Avatar.accountId), (r) => [Number(r.id), Number(r.accountId)])).toEqual([[3, 1]]);
  });

  it("writes through a backref-created collection and keeps it in sync with the declared side", async () => {
    {
      await using s = new Session(db.engine);
      const shelf = new Shelf({ id: 1, name: "top" }) as Shelf & { books: Book[] };
      const b1 = new Book({ id: 1, shelf });
      shelf.books.push(new Book({ id: 2 }));
      expect(shelf.books).toEqual([b1, shelf.books[1]]);
      expect(shelf.books[1]!.shelf).toBe(shelf);
      s.add(shelf);
      await s.commit();
    }
    expect(await rows(select(Book.id, Book.shelfId).orderBy(Book.id), (r) => [Number(r.id), Number(r.shelfId)])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});
