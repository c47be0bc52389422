/** Savepoints of a Session: beginNested(), nested(), and how rolling one back restores objects. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  column,
  declarativeBase,
  defaultNamingConvention,
  deleteFrom,
  func,
  insert,
  inspect,
  Integer,
  IntegrityError,
  mapped,
  MetaData,
  PendingRollbackError,
  select,
  Session,
  StateError,
  String,
  update,
  type Connection,
  type Engine,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
class Account extends Base.model("accounts", {
  id: column(Integer, { primaryKey: true }),
  owner: column(String(50), { unique: true }),
  balance: column(Integer, { default: 0 }),
}) {}

/** owner → balance, as the database holds it (Core select on `conn`). */
async function balances(conn: Connection): Promise<Record<string, number>> {
  const rows = (await conn.execute(select(Account.owner, Account.balance).orderBy(Account.owner))).rows;
  return Object.fromEntries(rows.map((r) => [r.owner, Number(r.balance)]));
}

async function countAccounts(conn: Connection): Promise<number> {
  return Number(await conn.scalar(select(func.count()).from(Account)));
}

/** Committed database state, read on a fresh connection (call only when no session holds one). */
async function committed(engine: Engine): Promise<Record<string, number>> {
  await using conn = await engine.connect();
  return balances(conn);
}

/** Records, in order, the savepoint events and the INSERT/UPDATE/DELETE statements of an engine. */
function recordOrder(engine: Engine): { readonly list: string[]; stop(): void } {
  const list: string[] = [];
  const stops = [
    engine.on("afterExecute", (e) => {
      const m = /^\s*(INSERT|UPDATE|DELETE)\b/i.exec(e.sql);
      if (m) list.push(m[1]!.toUpperCase());
    }),
    engine.on("savepoint", () => void list.push("SAVEPOINT")),
    engine.on("releaseSavepoint", () => void list.push("RELEASE")),
    engine.on("rollbackToSavepoint", () => void list.push("ROLLBACK TO")),
  ];
  return { list, stop: () => stops.forEach((s) => s()) };
}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  it("beginNested() flushes pending changes before taking the savepoint", async () => {
    await using session = new Session(db.engine);
    const before = new Account({ owner: "before", balance: 1 });
    session.add(before);
    const order = recordOrder(db.engine);
    let sp;
    try {
      sp = await session.beginNested();
      expect(order.list).toEqual(["INSERT", "SAVEPOINT"]);
    } finally {
      order.stop();
    }
    expect(inspect(before).status).toBe("persistent");
    expect(session.new).toEqual([]);
    expect(typeof before.id).toBe("number");
    expect(await balances(await session.connection())).toEqual({ before: 1 });
    // Rolling the savepoint back keeps what was flushed before it.
    await sp.rollback();
    expect(inspect(before).status).toBe("persistent");
    expect(session.contains(before)).toBe(true);
    await session.commit();
    expect(await committed(db.engine)).toEqual({ before: 1 });
  });

  it("committing a savepoint keeps its changes in the enclosing transaction", async () => {
    await using session = new Session(db.engine);
    const outer = new Account({ owner: "outer", balance: 10 });
    session.add(outer);
    const sp = await session.beginNested();
    expect(sp.isActive).toBe(true);
    const inner = new Account({ owner: "inner", balance: 20 });
    session.add(inner);
    outer.balance = 11;
    await sp.commit(); // flushes first, then releases
    expect(sp.isActive).toBe(false);
    expect(inspect(inner).status).toBe("persistent");
    expect(await balances(await session.connection())).toEqual({ inner: 20, outer: 11 });
    await expect(sp.commit()).rejects.toThrow(StateError);
    await expect(sp.rollback()).rejects.toThrow(/already ended/);
    await session.commit();
    expect(await committed(db.engine)).toEqual({ inner: 20, outer: 11 });
  });

  it("rolling back a savepoint undoes only the work done since it", async () => {
    // Committed starting point: two accounts.
    {
      await using setup = new Session(db.engine);
      setup.addAll([new Account({ owner: "kept", balance: 100 }), new Account({ owner: "doomed", balance: 50 })]);
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const kept = (await session.scalar(select(Account).where(Account.owner.eq("kept"))))!;
    const doomed = (await session.scalar(select(Account).where(Account.owner.eq("doomed"))))!;
    // Work of the outer transaction, before the savepoint.
    const early = new Account({ owner: "early", balance: 5 });
    session.add(early);
    kept.balance = 150; // flushed by beginNested(): the pre-savepoint value is 150

    const sp = await session.beginNested();
    const late = new Account({ owner: "late", balance: 7 });
    session.add(late);
    kept.balance = 999;
    session.delete(doomed);
    await session.flush();
    expect(inspect(late).status).toBe("persistent");
    expect(session.contains(doomed)).toBe(false);
    expect(inspect(doomed).status).toBe("deleted");
    expect(await balances(await session.connection())).toEqual({ early: 5, kept: 999, late: 7 });
    // Changed again but not flushed: also undone.
    early.balance = 6;
    const unflushed = new Account({ owner: "unflushed", balance: 1 });
    session.add(unflushed);

    await sp.rollback();
    expect(sp.isActive).toBe(false);
    // Inserted inside: transient again.
    expect(inspect(late).status).toBe("transient");
    expect(session.contains(late)).toBe(false);
    expect(inspect(unflushed).status).toBe("transient");
    expect(session.contains(unflushed)).toBe(false);
    // Deleted inside: back.
    expect(inspect(doomed).status).toBe("persistent");
    expect(session.contains(doomed)).toBe(true);
    expect(doomed.balance).toBe(50);
    // Updated inside: the values at the savepoint.
    expect(kept.balance).toBe(150);
    expect(early.balance).toBe(5);
    expect(session.isModified(kept)).toBe(false);
    // Added before the savepoint: still there.
    expect(inspect(early).status).toBe("persistent");
    expect(session.contains(early)).toBe(true);
    expect(await session.get(Account, early.id)).toBe(early);
    expect(session.new).toEqual([]);
    expect(session.deleted).toEqual([]);
    expect(await balances(await session.connection())).toEqual({ doomed: 50, early: 5, kept: 150 });

    // The outer transaction goes on and commits its own work only.
    await session.commit();
    expect(await committed(db.engine)).toEqual({ doomed: 50, early: 5, kept: 150 });
  });

  it("`await using` rolls a savepoint back when it was not committed", async () => {
    await using session = new Session(db.engine);
    const outer = new Account({ owner: "outer", balance: 1 });
    session.add(outer);
    let inner: Account;
    {
      await using sp = await session.beginNested();
      inner = new Account({ owner: "inner", balance: 2 });
      session.add(inner);
      outer.balance = 3;
      await session.flush();
      expect(sp.isActive).toBe(true);
      expect(await countAccounts(await session.connection())).toBe(2);
    }
    expect(inspect(inner).status).toBe("transient");
    expect(outer.balance).toBe(1);
    expect(await balances(await session.connection())).toEqual({ outer: 1 });
    // A committed one is left alone by the dispose.
    {
      await using sp = await session.beginNested();
      session.add(new Account({ owner: "kept", balance: 4 }));
      await sp.commit();
    }
    await session.commit();
    expect(await committed(db.engine)).toEqual({ kept: 4, outer: 1 });
  });

  it("session.nested() commits on success and rolls back and rethrows on error", async () => {
    await using session = new Session(db.engine);
    const result = await session.nested(async (sp) => {
      expect(sp.isActive).toBe(true);
      session.add(new Account({ owner: "ok", balance: 1 }));
      return "done";
    });
    expect(result).toBe("done");
    expect(await balances(await session.connection())).toEqual({ ok: 1 });

    const failed = new Account({ owner: "failed", balance: 2 });
    const boom = new Error("boom inside the savepoint");
    await expect(
      session.nested(async () => {
        session.add(failed);
        await session.flush();
        expect(await countAccounts(await session.connection())).toBe(2);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(inspect(failed).status).toBe("transient");
    expect(await balances(await session.connection())).toEqual({ ok: 1 });

    await session.commit();
    expect(await committed(db.engine)).toEqual({ ok: 1 });
  });

  it("skips duplicates: an IntegrityError inside nested() is caught and the outer transaction continues", async () => {
    {
      await using setup = new Session(db.engine);
      setup.add(new Account({ owner: "taken", balance: 1 }));
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const first = new Account({ owner: "first", balance: 10 });
    session.add(first);
    await session.flush();
    const added: string[] = [];
    const skipped: Array<{ owner: string; error: unknown }> = [];
    for (const owner of ["a", "taken", "b", "a"]) {
      try {
        await session.nested(async () => {
          session.add(new Account({ owner, balance: 2 }));
          await session.flush();
        });
        added.push(owner);
      } catch (error) {
        skipped.push({ owner, error });
      }
    }
    expect(added).toEqual(["a", "b"]);
    expect(skipped.map((s) => s.owner)).toEqual(["taken", "a"]);
    for (const { error } of skipped) {
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toMatch(/unique|duplicate/i);
    }
    // The outer transaction is usable and its earlier work is intact.
    expect(inspect(first).status).toBe("persistent");
    first.balance = 11;
    await session.commit();
    expect(await committed(db.engine)).toEqual({ a: 2, b: 2, first: 11, taken: 1 });
  });

  it("a failed flush inside a savepoint refuses work until that savepoint is rolled back", async () => {
    {
      await using setup = new Session(db.engine);
      setup.add(new Account({ owner: "taken", balance: 1 }));
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const outer = new Account({ owner: "outer", balance: 5 });
    session.add(outer);
    const sp = await session.beginNested();
    const dup = new Account({ owner: "taken", balance: 2 });
    session.add(dup);
    await expect(session.flush()).rejects.toThrow(IntegrityError);

    for (const op of [
      () => session.flush(),
      () => session.commit(),
      () => session.get(Account, outer.id),
      () => session.scalars(select(Account)),
      () => session.connection(),
      () => session.beginNested(),
      () => sp.commit(),
    ]) {
      await expect(op()).rejects.toThrow(PendingRollbackError);
    }
    await expect(session.flush()).rejects.toThrow(/roll back the savepoint/);
    expect(sp.isActive).toBe(true);

    await sp.rollback();
    expect(inspect(dup).status).toBe("transient");
    // The outer transaction is usable again, with its work before the savepoint.
    expect(await balances(await session.connection())).toEqual({ outer: 5, taken: 1 });
    outer.balance = 6;
    session.add(new Account({ owner: "after", balance: 3 }));
    await session.commit();
    expect(await committed(db.engine)).toEqual({ after: 3, outer: 6, taken: 1 });
  });

  it("savepoints nest two levels deep", async () => {
    await using session = new Session(db.engine);
    const base = new Account({ owner: "base", balance: 0 });
    session.add(base);
    const order = recordOrder(db.engine);
    try {
      const sp1 = await session.beginNested();
      const one = new Account({ owner: "one", balance: 1 });
      session.add(one);
      base.balance = 1;
      const sp2 = await session.beginNested(); // flushes `one` and base's change into sp1
      const two = new Account({ owner: "two", balance: 2 });
      session.add(two);
      base.balance = 2;
      await session.flush();
      expect(await balances(await session.connection())).toEqual({ base: 2, one: 1, two: 2 });

      await sp2.rollback();
      expect(inspect(two).status).toBe("transient");
      expect(inspect(one).status).toBe("persistent");
      expect(base.balance).toBe(1);
      expect(await balances(await session.connection())).toEqual({ base: 1, one: 1 });

      // A second inner savepoint, released this time, then the outer one rolled back.
      const sp3 = await session.beginNested();
      const three = new Account({ owner: "three", balance: 3 });
      session.add(three);
      await sp3.commit();
      expect(inspect(three).status).toBe("persistent");
      await sp1.rollback();
      expect(inspect(one).status).toBe("transient");
      expect(inspect(three).status).toBe("transient");
      expect(base.balance).toBe(0);
      expect(inspect(base).status).toBe("persistent");
      expect(await balances(await session.connection())).toEqual({ base: 0 });
      expect(order.list.filter((x) => x === "SAVEPOINT")).toHaveLength(3);
      expect(order.list.filter((x) => x === "ROLLBACK TO")).toHaveLength(2);
      expect(order.list.filter((x) => x === "RELEASE")).toHaveLength(1);
    } finally {
      order.stop();
    }
    await session.commit();
    expect(await committed(db.engine)).toEqual({ base: 0 });
  });

  it("committing the inner savepoint and then the outer one keeps both levels' work", async () => {
    await using session = new Session(db.engine);
    const sp1 = await session.beginNested();
    session.add(new Account({ owner: "level1", balance: 1 }));
    const sp2 = await session.beginNested();
    session.add(new Account({ owner: "level2", balance: 2 }));
    await sp2.commit();
    await sp1.commit();
    await session.commit();
    expect(await committed(db.engine)).toEqual({ level1: 1, level2: 2 });
  });

  it("rolling back an outer savepoint ends the inner ones still open", async () => {
    await using session = new Session(db.engine);
    const sp1 = await session.beginNested();
    const one = new Account({ owner: "one", balance: 1 });
    session.add(one);
    const sp2 = await session.beginNested();
    const two = new Account({ owner: "two", balance: 2 });
    session.add(two);
    await session.flush();
    await sp1.rollback();
    expect(sp2.isActive).toBe(false);
    await expect(sp2.rollback()).rejects.toThrow(StateError);
    expect(inspect(one).status).toBe("transient");
    expect(inspect(two).status).toBe("transient");
    expect(await countAccounts(await session.connection())).toBe(0);
    await session.commit();
    expect(await committed(db.engine)).toEqual({});
  });

  it("work of a committed savepoint is undone by session.rollback()", async () => {
    await using session = new Session(db.engine);
    const sp = await session.beginNested();
    const inner = new Account({ owner: "inner", balance: 1 });
    session.add(inner);
    await sp.commit();
    expect(inspect(inner).status).toBe("persistent");
    await session.rollback();
    expect(inspect(inner).status).toBe("transient");
    expect(await committed(db.engine)).toEqual({});
  });

  it("rolling back a savepoint brings back objects a DELETE by criteria removed inside it", async () => {
    {
      await using setup = new Session(db.engine);
      setup.addAll([new Account({ owner: "x1", balance: 1 }), new Account({ owner: "y1", balance: 2 })]);
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const x1 = (await session.scalar(select(Account).where(Account.owner.eq("x1"))))!;
    const sp = await session.beginNested();
    await session.execute(deleteFrom(Account).where(Account.owner.like("x%")));
    expect(inspect(x1).status).toBe("deleted");
    expect(await countAccounts(await session.connection())).toBe(1);
    await sp.rollback();
    expect(inspect(x1).status).toBe("persistent");
    expect(session.contains(x1)).toBe(true);
    expect(await session.get(Account, x1.id)).toBe(x1);
    expect(await balances(await session.connection())).toEqual({ x1: 1, y1: 2 });
  });

  it("rolling back a savepoint restores loaded objects changed by UPDATE statements inside it", async () => {
    {
      await using setup = new Session(db.engine);
      setup.addAll([new Account({ owner: "crit", balance: 1 }), new Account({ owner: "bykey", balance: 2 })]);
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const crit = (await session.scalar(select(Account).where(Account.owner.eq("crit"))))!;
    const bykey = (await session.scalar(select(Account).where(Account.owner.eq("bykey"))))!;
    const sp = await session.beginNested();
    await session.execute(update(Account).set({ balance: 77 }).where(Account.owner.eq("crit")));
    await session.execute(update(Account), [{ id: bykey.id, balance: 88 }]);
    expect(crit.balance).toBe(77);
    expect(bykey.balance).toBe(88);
    await sp.rollback();
    // The database went back to the savepoint; the objects must not keep the undone values.
    expect(await balances(await session.connection())).toEqual({ bykey: 2, crit: 1 });
    expect(crit.balance).toBe(1);
    expect(bykey.balance).toBe(2);
  });

  it("rolling back a savepoint drops the objects a bulk INSERT … RETURNING created inside it", async () => {
    await using session = new Session(db.engine);
    const sp = await session.beginNested();
    if (!db.caps.insertReturning) {
      await expect(session.scalars(insert(Account).returning(Account), [{ owner: "r1" }])).rejects.toThrow(/RETURNING/);
      await sp.rollback();
      expect(await countAccounts(await session.connection())).toBe(0);
      return;
    }
    const [made] = await session.scalars(insert(Account).returning(Account), [{ owner: "r1", balance: 5 }]);
    expect(inspect(made!).status).toBe("persistent");
    await sp.rollback();
    expect(await countAccounts(await session.connection())).toBe(0);
    // The row no longer exists: the session must not hand out the object for it.
    expect(session.contains(made!)).toBe(false);
    expect(inspect(made!).status).toBe("transient");
    expect(await session.get(Account, made!.id)).toBeUndefined();
  });

  it("session.rollback() with an open savepoint rolls back everything", async () => {
    {
      await using setup = new Session(db.engine);
      setup.add(new Account({ owner: "existing", balance: 10 }));
      await setup.commit();
    }
    await using session = new Session(db.engine);
    const existing = (await session.scalar(select(Account).where(Account.owner.eq("existing"))))!;
    existing.balance = 20;
    const outer = new Account({ owner: "outer", balance: 1 });
    session.add(outer);
    const sp = await session.beginNested();
    const inner = new Account({ owner: "inner", balance: 2 });
    session.add(inner);
    existing.balance = 30;
    await session.flush();

    await session.rollback();
    expect(session.inTransaction).toBe(false);
    expect(sp.isActive).toBe(false);
    await expect(sp.commit()).rejects.toThrow(StateError);
    expect(inspect(outer).status).toBe("transient");
    expect(inspect(inner).status).toBe("transient");
    expect(existing.balance).toBe(10);
    expect(inspect(existing).status).toBe("persistent");
    expect(await committed(db.engine)).toEqual({ existing: 10 });
  });
});
