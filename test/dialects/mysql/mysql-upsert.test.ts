/** INSERT … ON DUPLICATE KEY UPDATE on the real server, through insert() of athanor/dialects/mysql. */
import { beforeEach, expect, it } from "vitest";
import { column, deleteFrom, Integer, MetaData, select, String as Str, Table } from "athanor";
import { insert } from "athanor/dialects/mysql";
import { forDialect } from "../../support/dialects.js";

const md = new MetaData();
const counters = new Table("up_counters", md, {
  id: column(Integer, { primaryKey: true }),
  key: column(Str(40), { unique: true }),
  hits: column(Integer, { default: 0 }),
  note: column(Str(40), { nullable: true }),
});

forDialect("mysql", (db) => {
  beforeEach(async () => {
    await md.createAll(db.engine, { checkFirst: true });
    await db.engine.execute(deleteFrom(counters));
  });

  it("inserts new rows and updates duplicates from the proposed row", async () => {
    await using conn = await db.engine.connect();
    const upsert = (rows: { key: string; hits: number; note?: string }[]) => {
      const ins = insert(counters).values(rows);
      return ins.onDuplicateKeyUpdate({ set: { hits: counters.c.hits.add(ins.inserted.hits), note: ins.inserted.note } });
    };
    await conn.execute(
      upsert([
        { key: "a", hits: 1, note: "first" },
        { key: "b", hits: 5 },
      ]),
    );
    const r = await conn.execute(
      upsert([
        { key: "a", hits: 2, note: "second" },
        { key: "c", hits: 7 },
      ]),
    );
    // MySQL counts 1 per inserted row and 2 per updated row.
    expect(r.rowCount).toBe(3);
    const rows = (await conn.execute(select(counters.c.key, counters.c.hits, counters.c.note).orderBy(counters.c.key))).rows;
    expect(rows).toEqual([
      { key: "a", hits: 3, note: "second" },
      { key: "b", hits: 5, note: null },
      { key: "c", hits: 7, note: null },
    ]);
  });

  it("sets plain values and expressions on the existing row", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(insert(counters).values({ key: "k", hits: 10 }));
    await conn.execute(
      insert(counters)
        .values({ key: "k", hits: 1 })
        .onDuplicateKeyUpdate({ set: { hits: counters.c.hits.mul(2), note: "doubled" } }),
    );
    expect((await conn.execute(select(counters.c.hits, counters.c.note).where(counters.c.key.eq("k")))).one()).toEqual({
      hits: 20,
      note: "doubled",
    });
  });

  it("returns the row where the server has INSERT … RETURNING", async () => {
    if (!db.caps.insertReturning) return;
    await using conn = await db.engine.connect();
    await conn.execute(insert(counters).values({ id: 41, key: "r", hits: 1 }));
    const ins = insert(counters).values({ key: "r", hits: 4 });
    const row = (
      await conn.execute(
        ins.onDuplicateKeyUpdate({ set: { hits: counters.c.hits.add(ins.inserted.hits) } }).returning(counters.c.id, counters.c.hits),
      )
    ).one();
    // RETURNING reports the existing row as the update left it.
    expect(row).toEqual({ id: 41, hits: 5 });
  });
});
