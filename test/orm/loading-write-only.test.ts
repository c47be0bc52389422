/** Write-only collections on every database: query, count, page, add and remove without loading. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  column,
  declarativeBase,
  Integer,
  mapped,
  MetaData,
  relationship,
  select,
  Session,
  String,
  trackStatements,
  type WriteOnlyCollection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class Feed extends Base.model("wo_feeds", {
  id: column(Integer, { primaryKey: true }),
  name: column(String(50)),
  entries: relationship<WriteOnlyCollection<Entry>>("Entry", { lazy: "writeOnly" }),
  /** Read-only view of the same rows: queryable, never written. */
  entryView: relationship<WriteOnlyCollection<Entry>>("Entry", { lazy: "writeOnly", viewonly: true }),
}) {}

@mapped
class Entry extends Base.model("wo_entries", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(50)),
  feedId: column(Integer, { nullable: true, foreignKey: "wo_feeds.id" }),
}) {}

/** A write-only collection that owns its members: removing one deletes it. */
@mapped
class Album extends Base.model("wo_albums", {
  id: column(Integer, { primaryKey: true }),
  photos: relationship<WriteOnlyCollection<Photo>>("Photo", { lazy: "writeOnly", cascade: "all, delete-orphan", passiveDeletes: true }),
}) {}

@mapped
class Photo extends Base.model("wo_photos", {
  id: column(Integer, { primaryKey: true }),
  albumId: column(Integer, { foreignKey: "wo_albums.id" }),
}) {}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  it("adds to a new owner's collection at flush, then queries, counts and pages it", async () => {
    await using s = new Session(db.engine);
    const feed = new Feed({ id: 1, name: "news" });
    s.add(feed);
    feed.entries.addAll([1, 2, 3, 4, 5].map((i) => new Entry({ id: i, title: `e${i}` })));
    await s.flush();
    const t = trackStatements(s);
    expect(await feed.entries.count()).toBe(5);
    const page = await s.scalars(feed.entries.select().orderBy(Entry.id.desc()).limit(2).offset(1));
    expect(page.map((e) => e.title)).toEqual(["e4", "e3"]);
    const filtered = await s.scalars(feed.entries.select().where(Entry.title.eq("e2")));
    expect(filtered.map((e) => e.id)).toEqual([2]);
    t.stop();
    expect(t.count).toBe(3);
  });

  it("refuses to query the collection of an owner that has no key yet", async () => {
    await using s = new Session(db.engine);
    const feed = new Feed({ name: "unsaved" });
    s.add(feed);
    expect(() => feed.entries.select()).toThrow(/Feed\.entries: the Feed has no key yet; flush the session before querying its collection/);
  });

  it("an object added to a new owner's write-only collection before the owner joins a session is saved with it; a viewonly one refuses writes", async () => {
    await using s = new Session(db.engine);
    const feed = new Feed({ name: "f" });
    feed.entries.add(new Entry({ title: "a" }));
    s.add(feed);
    await s.flush();
    expect((await s.scalars(feed.entryView.select())).map((e) => e.title)).toEqual(["a"]);
    expect(() => feed.entryView.add(new Entry({ title: "b" }))).toThrow(
      /Feed\.entryView is viewonly and never writes; add the object through/,
    );
    expect(() => feed.entryView.remove(new Entry({ title: "b" }))).toThrow(/viewonly/);
  });

  it("removes by clearing the foreign key, adds existing objects, and never loads itself", async () => {
    await using s = new Session(db.engine);
    s.add(new Feed({ id: 1, name: "a" }));
    s.add(new Entry({ id: 1, title: "x" }));
    s.add(new Entry({ id: 2, title: "y" }));
    await s.commit();
    const feed = (await s.get(Feed, 1))!;
    const [x, y] = await s.scalars(select(Entry).orderBy(Entry.id));
    feed.entries.add(x!);
    feed.entries.add(y!);
    await s.flush();
    expect(await feed.entries.count()).toBe(2);
    feed.entries.remove(x!);
    await s.flush();
    expect(x!.feedId).toBeNull();
    expect((await s.scalars(feed.entries.select())).map((e) => e.id)).toEqual([2]);
    expect(Array.isArray(feed.entries)).toBe(false);
    expect(() => ((feed as { entries: unknown }).entries = [])).toThrow(/write-only collection; change it with \.add\(obj\)/);
    expect(() => feed.entries.add({} as never)).toThrow(ArgumentError);
    await expect(s.load(feed, "entries")).rejects.toThrow(
      /write-only collection, which never loads; query it with obj\.entries\.select\(\)/,
    );
  });

  it("deletes a member removed from a delete-orphan collection instead of clearing its NOT NULL key", async () => {
    await using s = new Session(db.engine);
    const album = new Album({ id: 1 });
    s.add(album);
    album.photos.addAll([new Photo({ id: 1 }), new Photo({ id: 2 })]);
    await s.commit();
    const [first] = await s.scalars(select(Photo).where(Photo.id.eq(1)));
    const t = trackStatements(s);
    album.photos.remove(first!);
    await s.flush();
    t.stop();
    expect(t.statements.filter((x) => /^DELETE FROM .?wo_photos/i.test(x))).toHaveLength(1);
    expect(t.statements.some((x) => /^UPDATE/i.test(x))).toBe(false);
    expect((await s.scalars(album.photos.select())).map((p) => p.id)).toEqual([2]);
  });

  it("removes from the collection of an owner inserted by the same session", async () => {
    await using s = new Session(db.engine);
    const feed = new Feed({ id: 1, name: "new" });
    const [x, y] = [new Entry({ id: 1, title: "x" }), new Entry({ id: 2, title: "y" })];
    s.add(feed);
    feed.entries.addAll([x, y]);
    await s.flush();
    feed.entries.remove(x);
    await s.flush();
    expect(x.feedId).toBeNull();
    expect((await s.scalars(feed.entries.select())).map((e) => e.id)).toEqual([2]);
  });
});
