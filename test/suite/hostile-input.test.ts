/**
 * No value ever becomes SQL text, and hostile identifiers are quoted: checked on every database
 * with inputs modelled on injection bugs of other Node ORMs (operator objects, arrays, SQL in strings).
 */
import { beforeAll, expect, it } from "vitest";
import {
  ArgumentError,
  column,
  deleteFrom,
  func,
  insert,
  Integer,
  Json,
  MetaData,
  select,
  sql,
  String,
  Table,
  update,
  type Connection,
  type Expression,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE hostile_users; --",
  '" OR ""="',
  "` OR 1=1 #",
  "\\'; DELETE FROM hostile_users; --",
  "1); DROP TABLE hostile_users; --",
  "%' OR 1=1 --",
  "\u0027 OR 1=1 /*",
];

forEachDialect((db) => {
  const md = new MetaData();
  const users = new Table("hostile_users", md, {
    id: column(Integer, { primaryKey: true }),
    name: column(String(200)),
    doc: column(Json<Record<string, unknown>>(), { nullable: true }),
  });
  // Every identifier here needs quoting; none may break out of its quotes.
  const evil = new Table('evil"tab`le; --', md, {
    id: column(Integer, { primaryKey: true, name: 'i"d' }),
    semi: column(String(50), { name: "col;umn` --", nullable: true }),
    uni: column(String(50), { name: "ünï €", nullable: true }),
  });

  const rowCount = async (conn: Connection): Promise<number> => Number(await conn.scalar(select(func.count()).from(users)));

  beforeAll(async () => {
    await md.createAll(db.engine);
    await using conn = await db.engine.connect();
    await conn.execute(
      insert(users).values([
        { id: 1, name: "alice" },
        { id: 2, name: "bob" },
      ]),
    );
  });

  it("strings that look like SQL are stored and matched as plain values", async () => {
    await using conn = await db.engine.connect();
    for (const [i, s] of INJECTIONS.entries()) {
      await conn.execute(insert(users).values({ id: 100 + i, name: s }));
      expect((await conn.execute(select(users.c.id).where(users.c.name.eq(s)))).scalars()).toEqual([100 + i]);
      expect((await conn.execute(select(users.c.id).where(users.c.name.like(s)))).rows.length).toBeLessThanOrEqual(1);
      expect((await conn.execute(select(users.c.id).where(users.c.name.contains(s)))).scalars()).toEqual([100 + i]);
      expect((await conn.execute(select(users.c.id).where(users.c.name.in([s, "x"])))).scalars()).toEqual([100 + i]);
      expect((await conn.execute(sql`SELECT ${users.c.id} FROM ${users} WHERE ${users.c.name} = ${s}`)).rows).toHaveLength(1);
    }
    expect(await rowCount(conn)).toBe(2 + INJECTIONS.length);
    await conn.execute(deleteFrom(users).where(users.c.id.ge(100)));
  });

  it("objects and arrays in value positions are refused, never expanded into SQL", async () => {
    await using conn = await db.engine.connect();
    const attempts: Array<() => Promise<unknown>> = [
      () => conn.execute(select(users.c.id).where(users.c.name.eq({ $ne: null } as never))),
      () => conn.execute(select(users.c.id).where(users.c.name.eq({ toString: () => "1 OR 1=1" } as never))),
      () => conn.execute(select(users.c.id).where(users.c.id.eq([1, 2] as never))),
      () => conn.execute(select(users.c.id).where(users.c.id.in([[1, 2]] as never))),
      () =>
        conn.execute(
          update(users)
            .set({ name: { raw: "name || 'x'" } as never })
            .where(users.c.id.eq(1)),
        ),
      () => conn.execute(insert(users).values({ id: 9, name: ["a", "b"] as never })),
      () => conn.execute(sql`SELECT ${users.c.id} FROM ${users} WHERE ${users.c.id} = ${{ id: 1 }}`),
      () => conn.execute(sql`SELECT ${users.c.id} FROM ${users} WHERE ${users.c.id} IN (${[1, 2]})`),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(ArgumentError);
    expect(await rowCount(conn)).toBe(2);
    expect((await conn.execute(select(users.c.name).where(users.c.id.eq(1)))).scalar()).toBe("alice");
  });

  it("JSON documents keep hostile keys and values as data", async () => {
    await using conn = await db.engine.connect();
    const doc = { "'; DROP TABLE hostile_users; --": "x", nested: { "a'b": INJECTIONS[0]!, "c;d": [INJECTIONS[1]!] } };
    await conn.execute(update(users).set({ doc }).where(users.c.id.eq(1)));
    expect((await conn.execute(select(users.c.doc).where(users.c.id.eq(1)))).scalar()).toEqual(doc);
    expect((await conn.execute(select(users.c.doc.getText("nested", "a'b")).where(users.c.id.eq(1)))).scalar()).toBe(INJECTIONS[0]);
    expect((await conn.execute(select(users.c.doc.getText("nested", "c;d", 0)).where(users.c.id.eq(1)))).scalar()).toBe(INJECTIONS[1]!);
    expect(await rowCount(conn)).toBe(2);
  });

  it("JSON paths read nested keys and array indexes, negative ones from the end (or refuse them)", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(
      update(users)
        .set({ doc: { tags: ["a", "b", "c"], n: { m: 5 } } })
        .where(users.c.id.eq(2)),
    );
    const q = (e: Expression<unknown, any>) => conn.execute(select(e).where(users.c.id.eq(2))).then((r) => r.scalar());
    expect(await q(users.c.doc.getText("tags", 1))).toBe("b");
    expect(await q(users.c.doc.getText("n", "m"))).toBe("5");
    expect(await q(users.c.doc.get("n"))).toEqual({ m: 5 });
    const last = await q(users.c.doc.getText("tags", -1)).catch((e: unknown) => e);
    if (last instanceof Error) expect(last).toBeInstanceOf(ArgumentError);
    else expect(last).toBe("c");
  });

  it("JSON path keys with double quotes are either looked up as data or refused", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(
      update(users)
        .set({ doc: { 'a"b': 1 } })
        .where(users.c.id.eq(2)),
    );
    const q = select(users.c.doc.getText('a"b')).where(users.c.id.eq(2));
    const outcome = await conn.execute(q).then(
      (r) => r.scalar(),
      (e: unknown) => e,
    );
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(ArgumentError);
      expect(outcome.message).toMatch(/JSON path key "a\\"b" contains a quote/);
    } else expect(outcome).toBe("1");
    expect(() => users.c.doc.get({ a: 1 } as never)).toThrow(/JSON path keys must be strings or integers/);
    expect(() => users.c.name.get("a")).toThrow(/needs a Json or Jsonb expression/);
  });

  it("hostile table and column names work for DDL and every statement", async () => {
    await using conn = await db.engine.connect();
    await conn.execute(
      insert(evil).values([
        { id: 1, semi: "a", uni: "ü" },
        { id: 2, semi: INJECTIONS[1]!, uni: null },
      ]),
    );
    await conn.execute(update(evil).set({ uni: "€" }).where(evil.c.id.eq(2)));
    const rows = (await conn.execute(select(evil).orderBy(evil.c.id))).rows;
    expect(rows).toEqual([
      { id: 1, semi: "a", uni: "ü" },
      { id: 2, semi: INJECTIONS[1]!, uni: "€" },
    ]);
    const alias = evil.alias('al"ias`');
    expect((await conn.execute(select(alias.c.semi.as('lab"el`; --')).where(alias.c.id.eq(1)))).rows).toEqual([{ 'lab"el`; --': "a" }]);
    expect((await conn.execute(sql`SELECT count(*) AS n FROM ${sql.identifier('evil"tab`le; --')}`)).scalar()).toEqual(expect.anything());
    await conn.execute(deleteFrom(evil).where(evil.c.semi.eq(INJECTIONS[1]!)));
    expect(await conn.scalars(select(evil.c.id))).toEqual([1]);
    expect(await rowCount(conn)).toBe(2);
  });

  it("function names, collations and limits cannot smuggle SQL", () => {
    expect(() => func.call("now(); DROP TABLE hostile_users; --")).toThrow(/is not a valid SQL function name/);
    expect(() => (func as unknown as Record<string, () => unknown>)["lower) OR (1=1"]!()).toThrow(ArgumentError);
    expect(() => users.c.name.collate("C; DROP")).toThrow(/not a valid collation name/);
    expect(() => select(users.c.id).limit("1; DROP TABLE x" as never)).toThrow(/non-negative integer/);
    expect(() => sql.identifier("bad\u0000name")).toThrow(ArgumentError);
    expect(() => (sql as unknown as (s: string) => unknown)("SELECT 1")).toThrow(/must be used as a tagged template/);
  });
});
