/**
 * Reflection of a schema nobody on the team wrote: the Chinook sample database (test/fixtures/
 * chinook), loaded from each database's own script, must reflect to its 11 tables with their
 * columns, keys and foreign keys. The scripts name things in each database's style (Album.AlbumId,
 * album.album_id), so names are compared in one folded form. Then a revision file rendered from the
 * reflection drops the schema and creates it again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { beforeAll, expect, it } from "vitest";
import pg from "pg";
import mysql from "mysql2/promise";
import { reflect, type Reflection } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { applyOps } from "../../src/migrate/apply.js";
import type { MigrationOp } from "../../src/migrate/operations.js";
import { Operations, renderRevision, type RevisionDefinition } from "athanor/migrate";
import { forEachDialect, type DialectFixture } from "../support/dialects.js";

const require = createRequire(import.meta.url);
const DATASETS = new URL("../fixtures/chinook/", import.meta.url);
const SCRIPTS = { sqlite: "Chinook_Sqlite.sql", postgresql: "Chinook_PostgreSql.sql", mysql: "Chinook_MySql.sql" } as const;

/** "AlbumId", "album_id" → "albumid". */
const fold = (name: string) => name.replace(/_/g, "").toLowerCase();

/** The script without its own database switching (the test's database is used instead). */
function script(db: DialectFixture): string {
  return readFileSync(new URL(SCRIPTS[db.name], DATASETS), "utf8")
    .split("\n")
    .filter((line) => !/^\s*(DROP DATABASE|CREATE DATABASE|USE\s|\\c\s)/i.test(line))
    .join("\n");
}

async function load(db: DialectFixture): Promise<void> {
  const text = script(db);
  if (db.name === "sqlite") {
    const Database = require("better-sqlite3");
    const file = decodeURIComponent(new URL(db.url).pathname).replace(/^\/+/, "/");
    const conn = new Database(file);
    conn.exec(text);
    conn.close();
  } else if (db.name === "postgresql") {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    await c.query(text);
    await c.end();
  } else {
    const c = await mysql.createConnection({ uri: db.url, multipleStatements: true });
    await c.query(text);
    await c.end();
  }
}

/** Folded table → folded columns, primary key, and foreign keys (column → table). */
const EXPECTED: Record<string, { columns: string; pk: string; fks: Record<string, string> }> = {
  album: { columns: "albumid title artistid", pk: "albumid", fks: { artistid: "artist" } },
  artist: { columns: "artistid name", pk: "artistid", fks: {} },
  customer: {
    columns: "customerid firstname lastname company address city state country postalcode phone fax email supportrepid",
    pk: "customerid",
    fks: { supportrepid: "employee" },
  },
  employee: {
    columns: "employeeid lastname firstname title reportsto birthdate hiredate address city state country postalcode phone fax email",
    pk: "employeeid",
    fks: { reportsto: "employee" },
  },
  genre: { columns: "genreid name", pk: "genreid", fks: {} },
  invoice: {
    columns: "invoiceid customerid invoicedate billingaddress billingcity billingstate billingcountry billingpostalcode total",
    pk: "invoiceid",
    fks: { customerid: "customer" },
  },
  invoiceline: {
    columns: "invoicelineid invoiceid trackid unitprice quantity",
    pk: "invoicelineid",
    fks: { invoiceid: "invoice", trackid: "track" },
  },
  mediatype: { columns: "mediatypeid name", pk: "mediatypeid", fks: {} },
  playlist: { columns: "playlistid name", pk: "playlistid", fks: {} },
  playlisttrack: { columns: "playlistid trackid", pk: "playlistid trackid", fks: { playlistid: "playlist", trackid: "track" } },
  track: {
    columns: "trackid name albumid mediatypeid genreid composer milliseconds bytes unitprice",
    pk: "trackid",
    fks: { albumid: "album", genreid: "genre", mediatypeid: "mediatype" },
  },
};

forEachDialect((db) => {
  let r: Reflection;
  beforeAll(async () => {
    await load(db);
    r = await reflect(db.engine);
  }, 120_000);

  it("reflects the 11 tables with their columns in order and their primary keys", () => {
    const tables = new Map([...r.tables.values()].map((t) => [fold(t.name), t]));
    expect([...tables.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, want] of Object.entries(EXPECTED)) {
      const t = tables.get(name)!;
      expect(t.columns.map((c) => fold(c.name)).join(" "), name).toBe(want.columns);
      expect(t.primaryKey?.columns.map(fold).join(" "), name).toBe(want.pk);
    }
  });

  it("reflects every foreign key with its target", () => {
    for (const t of r.tables.values()) {
      const fks = Object.fromEntries(t.foreignKeys.map((f) => [f.columns.map(fold).join(" "), fold(f.referredTable)]));
      expect(fks, t.name).toEqual(EXPECTED[fold(t.name)]!.fks);
      // Each foreign key points at its target's key (reportsTo and supportRepId at employeeId).
      for (const f of t.foreignKeys)
        expect(f.referredColumns.map(fold), t.name).toEqual(
          f.columns.map(fold).map((c) => (c === "reportsto" || c === "supportrepid" ? "employeeid" : c)),
        );
    }
  });

  it("reads the types and nullability the scripts declare", () => {
    const col = (table: string, column: string) =>
      [...r.tables.values()].find((t) => fold(t.name) === table)!.columns.find((c) => fold(c.name) === column)!;
    expect(col("invoice", "total").type.describe()).toBe("Numeric(10,2)");
    expect(col("track", "unitprice").type.describe()).toBe("Numeric(10,2)");
    expect(col("album", "title").type.describe()).toBe("String(160)");
    expect(col("album", "title").nullable).toBe(false);
    expect(col("artist", "name").nullable).toBe(true);
    expect(col("track", "milliseconds").type.kind).toBe("Integer");
    expect(col("invoice", "invoicedate").type.kind).toBe("DateTime");
  });

  it("builds MetaData whose foreign keys resolve to its own tables", () => {
    const track = [...r.metadata.tables.values()].find((t) => fold(t.name) === "track")!;
    for (const fk of track.foreignKeys) {
      const target = fk.resolve().table;
      expect(r.metadata.tables.get(target.name)).toBe(target);
    }
    expect(track.foreignKeys).toHaveLength(3);
  });

  it("MetaData built from the reflection compares equal to the database (autogenerate finds nothing)", async () => {
    const again = await reflect(db.engine);
    expect(compareMetadata(r.metadata, again, db.engine.dialect)).toEqual([]);
    expect(compareMetadata(r.metadata, again, db.engine.dialect, { compareServerDefault: true })).toEqual([]);
  });

  // Last: it drops the loaded tables.
  it("a revision file rendered from the reflection drops the schema and creates it again, equal to the original", async () => {
    const upgrade: MigrationOp[] = r.metadata.sortedTables.map((table) => ({ kind: "createTable", table }));
    const text = renderRevision({
      id: "c41n00k",
      revises: null,
      message: "Chinook",
      createdAt: new Date(0),
      upgrade,
      dialect: db.engine.dialect,
    });
    const file = join(mkdtempSync(join(tmpdir(), "athanor-chinook-")), "chinook.ts");
    writeFileSync(file, text);
    const revision = ((await import(pathToFileURL(file).href)) as { default: RevisionDefinition }).default;
    for (const direction of ["downgrade", "upgrade"] as const) {
      const op = new Operations(db.engine.dialect);
      await revision[direction](op);
      await using conn = await db.engine.connect();
      await applyOps(conn, op.recorded);
    }
    rmSync(dirname(file), { recursive: true, force: true });
    expect(compareMetadata(r.metadata, await reflect(db.engine), db.engine.dialect, { compareServerDefault: true })).toEqual([]);
  });
});
