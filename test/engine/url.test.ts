/** URL parsing and engine configuration errors (no database needed). */
import { describe, expect, it } from "vitest";
import { ConfigurationError, ConnectionError, createEngine, select, sql } from "athanor";
import { parseUrl, maskUrl } from "../../src/engine/url.js";

describe("database URLs", () => {
  it("parses SQLite paths the SQLAlchemy way", () => {
    expect(parseUrl("sqlite:///app.db").database).toBe("app.db");
    expect(parseUrl("sqlite:////var/data/app.db").database).toBe("/var/data/app.db");
    expect(parseUrl("sqlite://:memory:").database).toBe(":memory:");
    expect(parseUrl("sqlite://").database).toBe(":memory:");
    expect(parseUrl("sqlite:///:memory:").database).toBe(":memory:");
    expect(parseUrl("sqlite:///data%20dir/a.db?journal_mode=wal").query).toEqual({ journal_mode: "wal" });
  });

  it("parses server URLs and decodes credentials", () => {
    const u = parseUrl("postgresql+pg://app%40corp:p%3Ass@db.internal:6543/shop?sslmode=require");
    expect(u).toMatchObject({
      scheme: "postgresql",
      driver: "pg",
      username: "app@corp",
      password: "p:ss",
      host: "db.internal",
      port: 6543,
      database: "shop",
      query: { sslmode: "require" },
    });
    expect(parseUrl("mysql://root@[::1]:3306/x").host).toBe("::1");
  });

  it("never shows passwords", () => {
    expect(maskUrl("postgresql://app:s3cret@h/db")).toBe("postgresql://app:***@h/db");
    try {
      createEngine("postgresql://app:s3cret@h:notaport/db");
    } catch (e) {
      expect(String(e)).not.toContain("s3cret");
    }
  });

  it("refuses malformed URLs with the expected forms", () => {
    const bad: Array<[string, RegExp]> = [
      ["", /a database URL is required/],
      ["localhost/db", /malformed database URL "localhost\/db": expected <scheme>:\/\//],
      ["sqlite:/app.db", /malformed database URL/],
      ["sqlite://app.db", /use sqlite:\/\/\/relative\/path.db \(three slashes\)/],
      ["postgresql://h:99999/db", /invalid port "99999"/],
      ["postgresql://h/db/extra", /database name cannot contain '\/'/],
      ["sqlit:///x.db", /unknown database scheme 'sqlit'.*expected one of .*sqlite/],
      ["sqlite:///x.db?bogus=1", /unknown option 'bogus'; supported options are/],
      ["sqlite:///x.db?a=1&a=2", /gives option 'a' twice/],
    ];
    for (const [url, message] of bad) {
      expect(() => createEngine(url), url).toThrow(ConfigurationError);
      expect(() => createEngine(url), url).toThrow(message);
    }
  });

  it("refuses pool sizes an in-memory SQLite database cannot have", () => {
    expect(() => createEngine("sqlite://:memory:", { pool: { size: 2 } })).toThrow(
      /in-memory database, which lives inside one connection; pool.size must be 1/,
    );
    expect(() => createEngine("sqlite://:memory:", { pool: { size: 0 } })).toThrow(/pool.size must be a positive integer/);
  });
});

describe("unreachable servers", () => {
  // Port 1 on localhost refuses connections at once.
  for (const url of ["postgresql://nobody@127.0.0.1:1/none", "mysql://nobody@127.0.0.1:1/none"]) {
    it(`${url.split(":")[0]} reports a ConnectionError naming the server`, async () => {
      const engine = createEngine(url, { connectTimeoutMs: 2000 });
      try {
        const err = await engine.execute(select(sql<number>`1`.as("x"))).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(ConnectionError);
        expect((err as Error).message).toMatch(/127\.0\.0\.1:1/);
      } finally {
        await engine.dispose();
      }
    });
  }

  it("a SQLite file in a missing directory reports a ConnectionError", async () => {
    const engine = createEngine("sqlite:////nonexistent-dir-xyz/app.db");
    await expect(engine.connect()).rejects.toThrow(/could not open SQLite database "\/nonexistent-dir-xyz\/app.db"/);
    await engine.dispose();
  });
});
