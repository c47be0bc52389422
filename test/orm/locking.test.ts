/** Optimistic locking with a version column, and stale-row detection for unversioned models. */
import { beforeAll, beforeEach, expect, it } from "vitest";
import {
  column,
  declarativeBase,
  defaultNamingConvention,
  deleteFrom,
  inspect,
  insert,
  Integer,
  mapped,
  MetaData,
  PendingRollbackError,
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
class Doc extends Base.model(
  "docs",
  {
    id: column(Integer, { primaryKey: true }),
    title: column(String(100)),
    body: column(String(200), { nullable: true }),
    version: column(Integer, { default: 1 }),
  },
  { versionColumn: "version" },
) {}

@mapped
class Note extends Base.model("notes", {
  id: column(Integer, { primaryKey: true }),
  text: column(String(100)),
}) {}

/** The docs row as the database holds it (read with a Core select). */
async function docRow(conn: Connection, id: number): Promise<{ title: string; body: string | null; version: number } | undefined> {
  const row = (await conn.execute(select(Doc.title, Doc.body, Doc.version).where(Doc.id.eq(id)))).rows[0];
  return row && { title: row.title, body: row.body, version: Number(row.version) };
}

/** Runs Core statements in their own committed transaction (no session holds a connection meanwhile). */
async function elsewhere(engine: Engine, fn: (conn: Connection) => Promise<unknown>): Promise<void> {
  await engine.begin(async (conn) => {
    await fn(conn);
  });
}

/** Records the UPDATE/DELETE statements an engine runs, with their parameters. */
function recordWrites(engine: Engine): { readonly list: Array<{ sql: string; params: readonly unknown[] }>; stop(): void } {
  const list: Array<{ sql: string; params: readonly unknown[] }> = [];
  const stop = engine.on("afterExecute", (e) => {
    if (/^\s*(UPDATE|DELETE)/i.test(e.sql)) list.push({ sql: e.sql, params: e.params });
  });
  return { list, stop };
}

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  it("an insert sets version 1", async () => {
    await using session = new Session(db.engine);
    const doc = new Doc({ title: "new" });
    session.add(doc);
    await session.flush();
    expect(doc.version).toBe(1);
    expect((await docRow(await session.connection(), doc.id))?.version).toBe(1);
    await session.commit();
  });

  it("an explicit initial version is kept on insert", async () => {
    await using session = new Session(db.engine);
    const doc = new Doc({ title: "preset", version: 5 });
    session.add(doc);
    await session.commit();
    await using conn = await db.engine.connect();
    expect((await docRow(conn, doc.id))?.version).toBe(5);
  });

  it("each flushed UPDATE bumps the version and checks the old one in its WHERE clause", async () => {
    await using session = new Session(db.engine);
    const doc = new Doc({ title: "v1" });
    session.add(doc);
    await session.commit();
    const writes = recordWrites(db.engine);
    try {
      for (const [i, title] of ["v2", "v3", "v4"].entries()) {
        const old = doc.version;
        expect(old).toBe(i + 1);
        writes.list.length = 0;
        doc.title = title;
        await session.flush();
        expect(doc.version).toBe(old + 1);
        expect(writes.list).toHaveLength(1);
        const { sql, params } = writes.list[0]!;
        // SET … version = new … WHERE id = … AND version = old
        const where = sql.slice(sql.search(/\bWHERE\b/i));
        expect(where).toMatch(/version/i);
        expect(where).toMatch(/\bid\b/i);
        expect(params).toContain(old + 1);
        expect(params.at(-1)).toBe(old);
        expect(params).toContain(title);
        expect((await docRow(await session.connection(), doc.id))?.version).toBe(old + 1);
      }
      await session.commit();
    } finally {
      writes.stop();
    }
    await using conn = await db.engine.connect();
    expect(await docRow(conn, doc.id)).toEqual({ title: "v4", body: null, version: 4 });
  });

  it("an update with no net change sends no UPDATE and does not bump the version", async () => {
    await using session = new Session(db.engine);
    const doc = new Doc({ title: "same", body: "b" });
    session.add(doc);
    await session.commit();
    const rec = recordStatements(db.engine);
    try {
      doc.title = "different";
      doc.title = "same"; // back to the loaded value
      doc.body = "b"; // assigned its own value
      await session.flush();
      expect(rec.count(/^\s*UPDATE/i)).toBe(0);
      expect(doc.version).toBe(1);
      expect(session.isModified(doc)).toBe(false);
      await session.commit();
    } finally {
      rec.stop();
    }
    await using conn = await db.engine.connect();
    expect((await docRow(conn, doc.id))?.version).toBe(1);
  });

  it("a concurrent change makes the flush fail with StaleDataError; the row keeps the other transaction's values", async () => {
    await using a = new Session(db.engine);
    const doc = new Doc({ title: "original" });
    a.add(doc);
    await a.commit(); // A's connection is released; doc keeps its loaded values (version 1)
    expect(doc.version).toBe(1);
    const id = doc.id;

    // Another transaction changes the row and bumps its version.
    await using b = new Session(db.engine);
    await (await b.connection()).execute(update(Doc).set({ title: "theirs", version: 2 }).where(Doc.id.eq(id)));
    await b.commit();

    doc.title = "mine";
    const failure = a.flush();
    await expect(failure).rejects.toThrow(StaleDataError);
    await expect(failure).rejects.toThrow(/another transaction changed or deleted it/);
    await expect(failure).rejects.toThrow(new RegExp(`Doc \\(id=${id}\\)`));

    // The session refuses work until rollback().
    for (const op of [
      () => a.flush(),
      () => a.commit(),
      () => a.get(Doc, id),
      () => a.scalars(select(Doc)),
      () => a.execute(select(Doc.id)),
      () => a.connection(),
    ]) {
      await expect(op()).rejects.toThrow(PendingRollbackError);
    }
    await expect(a.flush()).rejects.toThrow(/call session\.rollback\(\)/);
    await expect(a.flush()).rejects.toThrow(/another transaction changed/);

    await a.rollback();
    // A wrote nothing: the row is as the other transaction left it (checked once A let go of its connection).
    {
      await using probe = await db.engine.connect();
      expect(await docRow(probe, id)).toEqual({ title: "theirs", body: null, version: 2 });
    }
    // The object was reloaded from the database: the other transaction's values and version.
    expect(doc.title).toBe("theirs");
    expect(doc.version).toBe(2);
    expect(a.isModified(doc)).toBe(false);
    expect(inspect(doc).status).toBe("persistent");

    // Now a change goes through, against the current version.
    doc.title = "mine after all";
    await a.commit();
    expect(doc.version).toBe(3);
    await using check = await db.engine.connect();
    expect(await docRow(check, id)).toEqual({ title: "mine after all", body: null, version: 3 });
  });

  it("a concurrent change of the version alone is detected too", async () => {
    await using a = new Session(db.engine);
    const doc = new Doc({ title: "t", body: "original" });
    a.add(doc);
    await a.commit();
    await elsewhere(db.engine, (conn) =>
      conn.execute(
        update(Doc)
          .set({ version: Doc.version.add(1) })
          .where(Doc.id.eq(doc.id)),
      ),
    );
    doc.body = "edited";
    await expect(a.commit()).rejects.toThrow(StaleDataError);
    await a.rollback();
    await using conn = await db.engine.connect();
    expect(await docRow(conn, doc.id)).toEqual({ title: "t", body: "original", version: 2 });
  });

  it("deleting a versioned object changed by another transaction raises StaleDataError and keeps the row", async () => {
    await using a = new Session(db.engine);
    const doc = new Doc({ title: "to delete" });
    a.add(doc);
    await a.commit();
    const id = doc.id;
    await elsewhere(db.engine, (conn) => conn.execute(update(Doc).set({ title: "changed", version: 7 }).where(Doc.id.eq(id))));

    a.delete(doc);
    const failure = a.flush();
    await expect(failure).rejects.toThrow(StaleDataError);
    await expect(failure).rejects.toThrow(/DELETE of Doc.*version mismatch/);
    await expect(a.get(Doc, id)).rejects.toThrow(PendingRollbackError);
    await a.rollback();
    // Still there, and the object is back in the session with the current values.
    expect(inspect(doc).status).toBe("persistent");
    expect(doc.version).toBe(7);
    expect(doc.title).toBe("changed");
    expect(a.deleted).toEqual([]);
    await a.close();
    await using conn = await db.engine.connect();
    expect(await docRow(conn, id)).toEqual({ title: "changed", body: null, version: 7 });
  });

  it("deleting a versioned object with the current version works", async () => {
    await using a = new Session(db.engine);
    const doc = new Doc({ title: "bye" });
    a.add(doc);
    await a.commit();
    doc.title = "bye2";
    await a.flush();
    expect(doc.version).toBe(2);
    const writes = recordWrites(db.engine);
    try {
      a.delete(doc);
      await a.commit();
      const del = writes.list.find((w) => /^\s*DELETE/i.test(w.sql));
      expect(del?.sql).toMatch(/WHERE.*version/i);
      expect(del?.params).toContain(2);
    } finally {
      writes.stop();
    }
    await using conn = await db.engine.connect();
    expect(await docRow(conn, doc.id)).toBeUndefined();
  });

  it("updating an unversioned row deleted by another transaction raises StaleDataError (no longer exists)", async () => {
    await using a = new Session(db.engine);
    const note = new Note({ text: "hello" });
    const other = new Note({ text: "other" });
    a.addAll([note, other]);
    await a.commit();
    const id = note.id;
    await elsewhere(db.engine, (conn) => conn.execute(deleteFrom(Note).where(Note.id.eq(id))));

    note.text = "edited";
    const failure = a.flush();
    await expect(failure).rejects.toThrow(StaleDataError);
    await expect(failure).rejects.toThrow(/no longer exist/);
    await expect(a.commit()).rejects.toThrow(PendingRollbackError);
    await a.rollback();
    // The row is gone: the object leaves the session; the other one is untouched.
    expect(a.contains(note)).toBe(false);
    expect(a.contains(other)).toBe(true);
    await a.close();
    await using conn = await db.engine.connect();
    const texts = (await conn.execute(select(Note.text).orderBy(Note.id))).rows.map((r) => r.text);
    expect(texts).toEqual(["other"]);
  });

  it("a batched UPDATE of unversioned rows, one deleted underneath, raises StaleDataError and writes nothing", async () => {
    await using a = new Session(db.engine);
    const notes = [new Note({ text: "n1" }), new Note({ text: "n2" }), new Note({ text: "n3" })];
    a.addAll(notes);
    await a.commit();
    await elsewhere(db.engine, (conn) => conn.execute(deleteFrom(Note).where(Note.id.eq(notes[1]!.id))));
    for (const n of notes) n.text = `${n.text}-edited`;
    const failure = a.flush();
    await expect(failure).rejects.toThrow(StaleDataError);
    await expect(failure).rejects.toThrow(/no longer exist/);
    await a.rollback();
    await a.close();
    await using conn = await db.engine.connect();
    const texts = (await conn.execute(select(Note.text).orderBy(Note.id))).rows.map((r) => r.text);
    expect(texts).toEqual(["n1", "n3"]);
  });

  it("a versioned update through Core in the same transaction is seen by the next flush only after a refresh", async () => {
    await using s = new Session(db.engine);
    const doc = new Doc({ title: "core" });
    s.add(doc);
    await s.flush();
    const conn = await s.connection();
    await conn.execute(insert(Doc).values({ title: "unrelated" }));
    await conn.execute(update(Doc).set({ version: 10 }).where(Doc.id.eq(doc.id)));
    doc.title = "orm";
    await expect(s.flush()).rejects.toThrow(StaleDataError);
    await s.rollback();
    // Everything of that transaction was rolled back, including the insert of doc.
    expect(inspect(doc).status).toBe("transient");
    await s.close();
    await using check = await db.engine.connect();
    expect((await check.execute(select(Doc.id))).rows).toEqual([]);
  });
});
