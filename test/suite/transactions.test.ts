/** Transactions, savepoints and failure atomicity on every database. */
import { beforeAll, expect, it } from "vitest";
import {
  column,
  deleteFrom,
  func,
  insert,
  Integer,
  IntegrityError,
  MetaData,
  select,
  StateError,
  String,
  Table,
  type Connection,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";

forEachDialect((db) => {
  const md = new MetaData();
  const accounts = new Table("tx_accounts", md, {
    id: column(Integer, { primaryKey: true }),
    owner: column(String(50), { unique: true }),
    balance: column(Integer),
  });

  beforeAll(() => md.createAll(db.engine));

  // Counting on the test's own connection: SQLite's pool holds a single connection.
  const count = async (conn: Connection): Promise<number> => Number(await conn.scalar(select(func.count()).from(accounts)));
  const clear = async (): Promise<void> => {
    await using conn = await db.engine.connect();
    await conn.execute(deleteFrom(accounts));
  };

  it("commits and rolls back", async () => {
    await clear();
    await using conn = await db.engine.connect();
    const tx = await conn.begin();
    await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 10 }));
    await tx.commit();
    const tx2 = await conn.begin();
    await conn.execute(insert(accounts).values({ id: 2, owner: "b", balance: 10 }));
    await tx2.rollback();
    expect(await count(conn)).toBe(1);
    await expect(tx2.commit()).rejects.toThrow(/already ended/);
  });

  it("a failed transaction leaves the database as it was", async () => {
    await clear();
    await using conn = await db.engine.connect();
    await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 10 }));
    const attempt = conn.transaction(async () => {
      await conn.execute(insert(accounts).values({ id: 2, owner: "b", balance: 5 }));
      await conn.execute(insert(accounts).values({ id: 3, owner: "a", balance: 5 })); // duplicate owner
    });
    await expect(attempt).rejects.toBeInstanceOf(IntegrityError);
    expect(conn.inTransaction).toBe(false);
    expect(await count(conn)).toBe(1);
  });

  it("engine.begin() commits on success and rolls back on error", async () => {
    await clear();
    await db.engine.begin(async (conn) => {
      await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 1 }));
    });
    await expect(
      db.engine.begin(async (conn) => {
        await conn.execute(insert(accounts).values({ id: 2, owner: "b", balance: 1 }));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await using conn = await db.engine.connect();
    expect(await count(conn)).toBe(1);
  });

  it("savepoints roll back inner work only", async () => {
    await clear();
    await using conn = await db.engine.connect();
    const tx = await conn.begin();
    await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 1 }));
    const sp = await conn.beginNested();
    await conn.execute(insert(accounts).values({ id: 2, owner: "b", balance: 1 }));
    await sp.rollback();
    const sp2 = await conn.beginNested();
    await conn.execute(insert(accounts).values({ id: 3, owner: "c", balance: 1 }));
    await sp2.commit();
    await tx.commit();
    expect(await conn.scalars(select(accounts.c.id).orderBy(accounts.c.id))).toEqual([1, 3]);
  });

  it("nested transaction() calls become savepoints; a failing one keeps the outer work", async () => {
    await clear();
    await using conn = await db.engine.connect();
    await conn.transaction(async () => {
      await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 1 }));
      await expect(
        conn.transaction(async () => {
          await conn.execute(insert(accounts).values({ id: 2, owner: "a", balance: 1 }));
        }),
      ).rejects.toBeInstanceOf(IntegrityError);
      await conn.execute(insert(accounts).values({ id: 3, owner: "c", balance: 1 }));
    });
    expect(await conn.scalars(select(accounts.c.id).orderBy(accounts.c.id))).toEqual([1, 3]);
  });

  it("`await using` rolls back an unfinished transaction", async () => {
    await clear();
    await using conn = await db.engine.connect();
    {
      await using tx = await conn.begin();
      await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 1 }));
      expect(tx.isActive).toBe(true);
    }
    expect(conn.inTransaction).toBe(false);
    expect(await count(conn)).toBe(0);
  });

  it("closing a connection with an open transaction rolls it back before pooling it", async () => {
    await clear();
    const conn = await db.engine.connect();
    await conn.begin();
    await conn.execute(insert(accounts).values({ id: 1, owner: "a", balance: 1 }));
    await conn.close();
    await using other = await db.engine.connect();
    expect(await count(other)).toBe(0);
    await expect(conn.execute(select(accounts.c.id))).rejects.toThrow(/connection is closed/);
  });

  it("refuses misuse with errors that say what to do", async () => {
    await using conn = await db.engine.connect();
    await expect(conn.beginNested()).rejects.toThrow(/needs an open transaction; call begin\(\) first/);
    const tx = await conn.begin();
    await expect(conn.begin()).rejects.toBeInstanceOf(StateError);
    await expect(conn.begin()).rejects.toThrow(/use beginNested\(\)/);
    await tx.rollback();
  });

  it("a multi-batch insert is atomic", async () => {
    await clear();
    await using conn = await db.engine.connect();
    const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i + 1, owner: `o${i}`, balance: i }));
    rows[2400]!.owner = "o1"; // duplicate in the third batch
    await expect(conn.execute(insert(accounts).values(rows))).rejects.toBeInstanceOf(IntegrityError);
    expect(await count(conn)).toBe(0);
    rows[2400]!.owner = "o2400";
    const ok = await conn.execute(insert(accounts).values(rows));
    expect(ok.rowCount).toBe(2500);
    expect(await count(conn)).toBe(2500);
  });
});
