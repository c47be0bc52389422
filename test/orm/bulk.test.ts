/** ORM-enabled bulk statements run through a Session: bulk INSERT, UPDATE by key, UPDATE/DELETE by criteria. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  ArgumentError,
  Boolean,
  column,
  CompileError,
  declarativeBase,
  defaultNamingConvention,
  deleteFrom,
  func,
  insert,
  inspect,
  Integer,
  listen,
  mapped,
  MetaData,
  select,
  Session,
  StaleDataError,
  String,
  update,
  type Connection,
  type Engine,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
class User extends Base.model("users", {
  id: column(Integer, { primaryKey: true }),
  email: column(String(255), { unique: true }),
  name: column(String(100), { nullable: true }),
  isActive: column(Boolean, { default: true }),
  score: column(Integer, { default: 7 }),
  tag: column(String(20), { default: () => "auto" }),
}) {}

@mapped
class Doc extends Base.model(
  "docs",
  {
    id: column(Integer, { primaryKey: true }),
    title: column(String(100)),
    version: column(Integer, { default: 1 }),
  },
  { versionColumn: "version" },
) {}

/** Rows of users as the database holds them, by email, read with a Core select on `conn`. */
async function usersByEmail(
  conn: Connection,
): Promise<Map<string, { id: number; name: string | null; isActive: boolean; score: number; tag: string }>> {
  const res = await conn.execute(select(User.id, User.email, User.name, User.isActive, User.score, User.tag).orderBy(User.id));
  return new Map(
    res.rows.map((r) => [r.email, { id: Number(r.id), name: r.name, isActive: r.isActive, score: Number(r.score), tag: r.tag }]),
  );
}

async function countUsers(conn: Connection): Promise<number> {
  return Number(await conn.scalar(select(func.count()).from(User)));
}

/** Inserts users with a Core statement and commits; returns their ids in order. */
async function seedUsers(engine: Engine, emails: readonly string[]): Promise<number[]> {
  await using conn = await engine.connect();
  await conn.execute(insert(User).values(emails.map((email) => ({ email, name: `name of ${email}` }))));
  const res = await conn.execute(select(User.id, User.email).where(User.email.in([...emails])));
  const ids = new Map(res.rows.map((r) => [r.email, Number(r.id)]));
  return emails.map((e) => ids.get(e)!);
}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  // ---- bulk INSERT --------------------------------------------------------------------------

  it("bulk insert writes every row in few statements, with app-side defaults, and creates no objects", async () => {
    await using session = new Session(db.engine);
    const events: string[] = [];
    const removers = (["beforeInsert", "afterInsert", "beforeUpdate", "afterUpdate", "load"] as const).map((e) =>
      listen(User, e, () => void events.push(e)),
    );
    const rec = recordStatements(db.engine);
    try {
      const rows = Array.from({ length: 25 }, (_, i) => ({ email: `bulk${i}@example.com`, ...(i % 2 ? { name: `n${i}` } : {}) }));
      const sizeBefore = session.size;
      const res = await session.execute(insert(User), rows);
      expect(res.rowCount).toBe(25);
      // 25 rows, a handful of INSERTs at most (not one per row).
      const inserts = rec.count(/^\s*INSERT/i);
      expect(inserts).toBeGreaterThanOrEqual(1);
      expect(inserts).toBeLessThanOrEqual(2);
      expect(session.size).toBe(sizeBefore);
      expect(session.new).toEqual([]);
      expect(events).toEqual([]);

      const conn = await session.connection();
      const stored = await usersByEmail(conn);
      expect(stored.size).toBe(25);
      for (const r of rows) {
        const got = stored.get(r.email)!;
        expect(got, r.email).toBeDefined();
        expect(got.name).toBe(r.name ?? null);
        expect(got.isActive).toBe(true);
        expect(got.score).toBe(7);
        expect(got.tag).toBe("auto");
      }
      await session.commit();
    } finally {
      rec.stop();
      for (const r of removers) r();
    }
    // Committed: visible on a fresh connection.
    await using conn = await db.engine.connect();
    expect(await countUsers(conn)).toBe(25);
    expect(events).toEqual([]);
  });

  it("bulk insert with RETURNING the model gives persistent instances that are in the identity map", async () => {
    await using session = new Session(db.engine);
    const stmt = insert(User).returning(User);
    const rows = [
      { email: "r1@example.com", name: "R1" },
      { email: "r2@example.com", name: "R2" },
      { email: "r3@example.com", name: "R3" },
    ];
    if (!db.caps.insertReturning) {
      await expect(session.scalars(stmt, rows)).rejects.toThrow(CompileError);
      await expect(session.scalars(stmt, rows)).rejects.toThrow(/RETURNING/);
      const conn = await session.connection();
      expect(await countUsers(conn)).toBe(0);
      return;
    }
    const made = await session.scalars(stmt, rows);
    expect(made).toHaveLength(3);
    expect(made.map((u) => u.email).sort()).toEqual(rows.map((r) => r.email));
    for (const u of made) {
      expect(u).toBeInstanceOf(User);
      expect(inspect(u).status).toBe("persistent");
      expect(session.contains(u)).toBe(true);
      expect(typeof u.id).toBe("number");
      // App-side defaults were applied and come back with the row.
      expect(u.score).toBe(7);
      expect(u.tag).toBe("auto");
      expect(u.isActive).toBe(true);
    }
    const rec = recordStatements(db.engine);
    try {
      for (const u of made) expect(await session.get(User, u.id)).toBe(u);
      expect(rec.sql).toEqual([]);
    } finally {
      rec.stop();
    }
    // A query returns the same objects too.
    const queried = await session.scalars(select(User).orderBy(User.id));
    expect(queried.length).toBe(3);
    for (const q of queried) expect(made).toContain(q);
    // The instances are in step with the database.
    const stored = await usersByEmail(await session.connection());
    for (const u of made) expect(stored.get(u.email)?.id).toBe(u.id);
    await session.commit();
    await using conn = await db.engine.connect();
    expect(await countUsers(conn)).toBe(3);
  });

  it("bulk insert with an invalid value raises ArgumentError naming the attribute and writes nothing", async () => {
    await using session = new Session(db.engine);
    const bad = session.execute(insert(User), [{ email: "ok1@example.com" }, { email: "ok2@example.com" }, { email: 12345 }] as never);
    await expect(bad).rejects.toThrow(ArgumentError);
    await expect(session.execute(insert(User), [{ email: "ok3@example.com" }, { email: 12345 }] as never)).rejects.toThrow(/email/);
    await expect(session.execute(insert(User), [{ email: "ok4@example.com" }, { emial: "typo@example.com" }] as never)).rejects.toThrow(
      /emial/,
    );
    await expect(session.execute(insert(User), [{ email: "ok5@example.com" }, { emial: "typo@example.com" }] as never)).rejects.toThrow(
      ArgumentError,
    );
    const conn = await session.connection();
    expect(await countUsers(conn)).toBe(0);
    expect(session.size).toBe(0);
    // The session is still usable: these are argument errors, not failed flushes.
    await session.execute(insert(User), [{ email: "fine@example.com" }]);
    expect(await countUsers(conn)).toBe(1);
    await session.commit();
  });

  it("bulk insert of an empty list, or a statement with values() plus a list, is an ArgumentError", async () => {
    await using session = new Session(db.engine);
    await expect(session.execute(insert(User), [])).rejects.toThrow(ArgumentError);
    await expect(session.execute(insert(User), [])).rejects.toThrow(/empty/);
    const withValues = insert(User).values({ email: "v@example.com" });
    await expect(session.execute(withValues, [{ email: "w@example.com" }])).rejects.toThrow(ArgumentError);
    await expect(session.execute(withValues, [{ email: "w@example.com" }])).rejects.toThrow(/either to values\(\) or as the list/);
    expect(await countUsers(await session.connection())).toBe(0);
  });

  // ---- bulk UPDATE by primary key -------------------------------------------------------------

  it("bulk update by primary key updates the rows and the loaded objects", async () => {
    const [a, b, c] = await seedUsers(db.engine, ["k1@example.com", "k2@example.com", "k3@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    const sizeBefore = session.size;
    const events: string[] = [];
    const removers = (["beforeUpdate", "afterUpdate"] as const).map((e) => listen(User, e, () => void events.push(e)));
    try {
      const res = await session.execute(update(User), [
        { id: a!, name: "Alpha", score: 100 },
        { id: b!, name: "Beta" },
      ]);
      expect(res.rowCount).toBe(2);
    } finally {
      for (const r of removers) r();
    }
    expect(events).toEqual([]);
    // The loaded object sees the new values, and has no unflushed changes.
    expect(ua.name).toBe("Alpha");
    expect(ua.score).toBe(100);
    expect(session.isModified(ua)).toBe(false);
    expect(session.dirty).toEqual([]);
    // No object was loaded for the other row.
    expect(session.size).toBe(sizeBefore);

    const stored = await usersByEmail(await session.connection());
    expect(stored.get("k1@example.com")).toMatchObject({ name: "Alpha", score: 100 });
    expect(stored.get("k2@example.com")).toMatchObject({ name: "Beta", score: 7 });
    expect(stored.get("k3@example.com")).toMatchObject({ id: c, name: "name of k3@example.com" });
    await session.commit();

    await using fresh = new Session(db.engine);
    expect((await fresh.getOne(User, a!)).name).toBe("Alpha");
    expect((await fresh.getOne(User, b!)).name).toBe("Beta");
  });

  it("bulk update by primary key raises StaleDataError naming the key of a missing row", async () => {
    const [a] = await seedUsers(db.engine, ["m1@example.com"]);
    const missing = a! + 1000;
    await using session = new Session(db.engine);
    const attempt = session.execute(update(User), [{ id: missing, name: "ghost" }]);
    await expect(attempt).rejects.toThrow(StaleDataError);
    await expect(session.execute(update(User), [{ id: missing, name: "ghost" }])).rejects.toThrow(
      new RegExp(`id=${missing}\\b.*does not exist`),
    );
    const stored = await usersByEmail(await session.connection());
    expect(stored.get("m1@example.com")?.name).toBe("name of m1@example.com");
    expect(stored.size).toBe(1);
  });

  it("bulk update by primary key needs the key in every row", async () => {
    await seedUsers(db.engine, ["nokey@example.com"]);
    await using session = new Session(db.engine);
    await expect(session.execute(update(User), [{ name: "no key" }])).rejects.toThrow(ArgumentError);
    await expect(session.execute(update(User), [{ name: "no key" }])).rejects.toThrow(/primary key id is missing/);
    await expect(session.execute(update(User).set({ name: "x" }), [{ id: 1, name: "y" }])).rejects.toThrow(ArgumentError);
    await expect(session.execute(update(User).set({ name: "x" }), [{ id: 1, name: "y" }])).rejects.toThrow(/plain statement/);
    const stored = await usersByEmail(await session.connection());
    expect(stored.get("nokey@example.com")?.name).toBe("name of nokey@example.com");
  });

  it("bulk update of a versioned model requires the version, bumps it, and detects a mismatch", async () => {
    await using session = new Session(db.engine);
    await session.execute(insert(Doc), [{ title: "d1" }, { title: "d2" }]);
    await session.commit();
    const conn0 = await session.connection();
    const ids = (await conn0.execute(select(Doc.id, Doc.title).orderBy(Doc.id))).rows.map((r) => Number(r.id));
    const [d1, d2] = ids;
    const doc1 = await session.getOne(Doc, d1!);
    expect(doc1.version).toBe(1);

    // No version in the row: refused before any SQL.
    const rec = recordStatements(db.engine);
    try {
      await expect(session.execute(update(Doc), [{ id: d1!, title: "no version" }])).rejects.toThrow(ArgumentError);
      await expect(session.execute(update(Doc), [{ id: d1!, title: "no version" }])).rejects.toThrow(/versioned.*version/);
      expect(rec.count(/^\s*UPDATE/i)).toBe(0);
    } finally {
      rec.stop();
    }

    // The right version: updated and bumped, in the database and on the loaded object.
    await session.execute(update(Doc), [{ id: d1!, title: "first edit", version: 1 }]);
    expect(doc1.title).toBe("first edit");
    expect(doc1.version).toBe(2);

    // The loaded object goes on with the bumped version: a normal flush checks version 2.
    doc1.title = "second edit";
    await session.flush();
    expect(doc1.version).toBe(3);

    // A stale version: StaleDataError, row unchanged.
    await expect(session.execute(update(Doc), [{ id: d2!, title: "stale", version: 5 }])).rejects.toThrow(StaleDataError);
    await expect(session.execute(update(Doc), [{ id: d2!, title: "stale", version: 5 }])).rejects.toThrow(
      new RegExp(`id=${d2}\\b.*version changed`),
    );
    const conn = await session.connection();
    const rows = (await conn.execute(select(Doc.id, Doc.title, Doc.version).orderBy(Doc.id))).rows;
    expect(rows.map((r) => [Number(r.id), r.title, Number(r.version)])).toEqual([
      [d1, "second edit", 3],
      [d2, "d2", 1],
    ]);
  });

  it("bulk update with an invalid value raises ArgumentError naming the attribute and writes nothing", async () => {
    const [a, b] = await seedUsers(db.engine, ["v1@example.com", "v2@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    // The bad value is in the second row: the first must not be written either.
    const bad = session.execute(update(User), [
      { id: a!, name: "changed" },
      { id: b!, score: "not a number" },
    ] as never);
    await expect(bad).rejects.toThrow(ArgumentError);
    await expect(bad).rejects.toThrow(/score/);
    const unknown = session.execute(update(User), [
      { id: a!, name: "changed again" },
      { id: b!, nmae: "typo" },
    ] as never);
    await expect(unknown).rejects.toThrow(ArgumentError);
    await expect(unknown).rejects.toThrow(/nmae/);

    expect(ua.name).toBe("name of v1@example.com");
    const stored = await usersByEmail(await session.connection());
    expect(stored.get("v1@example.com")?.name).toBe("name of v1@example.com");
    expect(stored.get("v2@example.com")?.score).toBe(7);
  });

  // ---- UPDATE / DELETE by criteria --------------------------------------------------------------

  it("update by criteria changes the matching loaded objects and leaves the others alone", async () => {
    const [a, b, c] = await seedUsers(db.engine, ["crit-a@example.com", "crit-b@example.com", "other@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    const uc = await session.getOne(User, c!);
    const res = await session.execute(
      update(User)
        .set({ name: "criteria", score: User.score.add(10) })
        .where(User.email.like("crit-%")),
    );
    expect(res.rowCount).toBe(2);
    // Loaded and matching: values reloaded, including the one computed by SQL.
    expect(ua.name).toBe("criteria");
    expect(ua.score).toBe(17);
    expect(session.isModified(ua)).toBe(false);
    // Loaded and not matching: untouched.
    expect(uc.name).toBe("name of other@example.com");
    expect(uc.score).toBe(7);
    // Not loaded: still not in the session, but updated in the database.
    const stored = await usersByEmail(await session.connection());
    expect(stored.get("crit-b@example.com")).toMatchObject({ id: b, name: "criteria", score: 17 });
    expect(stored.get("other@example.com")).toMatchObject({ name: "name of other@example.com", score: 7 });
    expect((await session.get(User, b!))?.name).toBe("criteria");
    await session.commit();

    await using conn = await db.engine.connect();
    const after = await usersByEmail(conn);
    expect(after.get("crit-a@example.com")?.name).toBe("criteria");
    expect(after.get("other@example.com")?.name).toBe("name of other@example.com");
  });

  it("update by criteria flushes pending changes first and keeps other unflushed state consistent", async () => {
    const [a] = await seedUsers(db.engine, ["flushfirst@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    ua.score = 50; // flushed before the statement runs
    await session.execute(
      update(User)
        .set({ score: User.score.add(1) })
        .where(User.id.eq(a!)),
    );
    expect(ua.score).toBe(51);
    const stored = await usersByEmail(await session.connection());
    expect(stored.get("flushfirst@example.com")?.score).toBe(51);
  });

  it("delete by criteria removes the matching loaded objects, and a rollback brings them back", async () => {
    const [a, b, c] = await seedUsers(db.engine, ["del-a@example.com", "del-b@example.com", "keep@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    const uc = await session.getOne(User, c!);
    const res = await session.execute(deleteFrom(User).where(User.email.like("del-%")));
    expect(res.rowCount).toBe(2);
    expect(session.contains(ua)).toBe(false);
    expect(inspect(ua).status).toBe("deleted");
    expect(session.contains(uc)).toBe(true);
    expect(inspect(uc).status).toBe("persistent");
    const conn = await session.connection();
    expect([...(await usersByEmail(conn)).keys()]).toEqual(["keep@example.com"]);
    expect(await session.get(User, a!)).toBeUndefined();
    expect(await session.get(User, b!)).toBeUndefined();

    await session.rollback();
    expect(session.contains(ua)).toBe(true);
    expect(inspect(ua).status).toBe("persistent");
    expect(ua.email).toBe("del-a@example.com");
    expect(await session.get(User, a!)).toBe(ua);
    expect(await countUsers(await session.connection())).toBe(3);
  });

  it("delete by criteria, committed, leaves the deleted objects detached and the rows gone", async () => {
    const [a, , c] = await seedUsers(db.engine, ["gone-a@example.com", "gone-b@example.com", "stay@example.com"]);
    await using session = new Session(db.engine);
    const ua = await session.getOne(User, a!);
    await session.execute(deleteFrom(User).where(User.email.like("gone-%")));
    await session.commit();
    expect(inspect(ua).status).toBe("detached");
    expect(session.contains(ua)).toBe(false);
    await using conn = await db.engine.connect();
    const left = await usersByEmail(conn);
    expect([...left.values()].map((r) => r.id)).toEqual([c]);
  });

  // ---- misuse ---------------------------------------------------------------------------------

  it("a list of rows with a select or delete statement is an ArgumentError", async () => {
    await seedUsers(db.engine, ["list@example.com"]);
    await using session = new Session(db.engine);
    await expect(session.execute(select(User), [{ id: 1 }] as never)).rejects.toThrow(ArgumentError);
    await expect(session.execute(select(User), [{ id: 1 }] as never)).rejects.toThrow(/bulk INSERT or UPDATE/);
    await expect(session.execute(deleteFrom(User), [{ id: 1 }] as never)).rejects.toThrow(ArgumentError);
    await expect(session.execute(deleteFrom(User), [{ id: 1 }] as never)).rejects.toThrow(/bulk INSERT or UPDATE/);
    // Nothing was deleted.
    expect(await countUsers(await session.connection())).toBe(1);
  });
});
