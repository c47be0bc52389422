/**
 * Where the test databases live and how to reach them with the raw drivers (used only for test
 * setup: probing servers and creating/dropping per-file databases).
 */
import pg from "pg";
import mysql from "mysql2/promise";

export type DialectName = "sqlite" | "postgresql" | "mysql";

/** A dialect the suite runs against, as decided by the global setup. */
export interface DialectTarget {
  readonly name: DialectName;
  /** Base URL (an admin database for servers). */
  readonly url: string;
  readonly available: boolean;
  /** Why it is unavailable. */
  readonly reason?: string;
}

export const PG_URL = process.env.ATHANOR_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.ATHANOR_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

/** Replaces the database name in a server URL. */
export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A unique, sortable-by-age database name. */
export function uniqueDatabaseName(): string {
  return `athanor_t_${Math.floor(Date.now() / 1000)}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

function pgConfig(url: string): pg.ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: 5000 };
}

export async function withPgAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client(pgConfig(url));
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function withMysqlAdmin<T>(url: string, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ uri: url, connectTimeout: 5000 });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates an empty database on a server; returns its URL. */
export async function createDatabase(target: DialectTarget, name: string): Promise<string> {
  if (target.name === "postgresql") {
    await withPgAdmin(target.url, (c) => c.query(`CREATE DATABASE "${name}"`));
    return withDatabase(target.url, name);
  }
  if (target.name === "mysql") {
    await withMysqlAdmin(target.url, (c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
    return withDatabase(target.url, name);
  }
  throw new Error("createDatabase is for server dialects");
}

export async function dropDatabase(target: DialectTarget, name: string): Promise<void> {
  if (target.name === "postgresql") await withPgAdmin(target.url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  else if (target.name === "mysql") await withMysqlAdmin(target.url, (c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
}

/** Drops test databases left behind by runs that died more than two hours ago. */
export async function dropStaleDatabases(target: DialectTarget): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) - 7200;
  const stale = (n: string): boolean => {
    const m = /^athanor_t_(\d+)_/.exec(n);
    return m !== null && Number(m[1]) < cutoff;
  };
  if (target.name === "postgresql") {
    const names = await withPgAdmin(target.url, async (c) =>
      (await c.query("SELECT datname FROM pg_database")).rows.map((r) => String(r.datname)),
    );
    for (const n of names.filter(stale)) await dropDatabase(target, n);
  } else if (target.name === "mysql") {
    const names = await withMysqlAdmin(target.url, async (c) =>
      ((await c.query("SHOW DATABASES"))[0] as Array<Record<string, string>>).map((r) => String(Object.values(r)[0])),
    );
    for (const n of names.filter(stale)) await dropDatabase(target, n);
  }
}

/** Checks whether a server answers. */
export async function probe(name: DialectName, url: string): Promise<DialectTarget> {
  try {
    if (name === "postgresql") await withPgAdmin(url, (c) => c.query("SELECT 1"));
    else if (name === "mysql") await withMysqlAdmin(url, (c) => c.query("SELECT 1"));
    return { name, url, available: true };
  } catch (err) {
    return { name, url, available: false, reason: (err as Error).message || String(err) };
  }
}
