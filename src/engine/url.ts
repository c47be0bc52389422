/**
 * Database URLs: `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite://:memory:`,
 * `postgresql://user:pass@host:5432/db`, `mysql://…`, `mariadb://…`. Passwords never appear in
 * messages or in `toString()`.
 */
import { ConfigurationError } from "../util/errors.js";

/** A parsed database URL. */
export interface ParsedUrl {
  /** Scheme before any `+driver` suffix, lower-cased. */
  readonly scheme: string;
  /** `+driver` suffix, if given (`postgresql+pg`). */
  readonly driver: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly host: string | undefined;
  readonly port: number | undefined;
  /** Database name, or for SQLite the file path (":memory:" for an in-memory database). */
  readonly database: string | undefined;
  readonly query: Readonly<Record<string, string>>;
  /** The URL with the password replaced by `***`. */
  readonly masked: string;
}

/** The URL with its password hidden, for messages. */
export function maskUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}

function parseQuery(text: string, masked: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!text) return out;
  for (const [k, v] of new URLSearchParams(text)) {
    if (k in out) throw new ConfigurationError(`database URL ${masked} gives option '${k}' twice`);
    out[k] = v;
  }
  return out;
}

/** Parses a database URL, refusing malformed ones with a message that shows the expected form. */
export function parseUrl(url: string): ParsedUrl {
  if (typeof url !== "string" || url.length === 0)
    throw new ConfigurationError("a database URL is required, e.g. sqlite:///app.db or postgresql://user@localhost/app");
  const masked = maskUrl(url);
  const m = /^([a-z][a-z0-9.-]*)(?:\+([a-z0-9_-]+))?:\/\/(.*)$/i.exec(url);
  if (!m)
    throw new ConfigurationError(
      `malformed database URL ${JSON.stringify(masked)}: expected <scheme>://…, e.g. sqlite:///app.db, postgresql://user:pass@localhost:5432/app or mysql://user@localhost/app`,
    );
  const scheme = m[1]!.toLowerCase();
  const driver = m[2]?.toLowerCase();
  const rest = m[3]!;
  if (scheme === "sqlite") {
    // sqlite://:memory:, sqlite:// (memory), sqlite:///relative/path.db, sqlite:////absolute/path.db
    const q = rest.indexOf("?");
    const pathPart = q >= 0 ? rest.slice(0, q) : rest;
    const query = parseQuery(q >= 0 ? rest.slice(q + 1) : "", masked);
    let database: string;
    if (pathPart === "" || pathPart === ":memory:" || pathPart === "/:memory:") database = ":memory:";
    else if (pathPart.startsWith("/")) database = decodeURIComponent(pathPart.slice(1));
    else
      throw new ConfigurationError(
        `malformed SQLite URL ${JSON.stringify(masked)}: use sqlite:///relative/path.db (three slashes), sqlite:////absolute/path.db (four) or sqlite://:memory:`,
      );
    return { scheme, driver, username: undefined, password: undefined, host: undefined, port: undefined, database, query, masked };
  }
  // Check the port ourselves: the URL parser rejects a bad one with no useful message.
  const authority = rest.split(/[/?#]/, 1)[0]!;
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const portText = /^(?:\[[^\]]*\]|[^:]*):(.*)$/.exec(hostPort)?.[1];
  if (portText !== undefined && portText !== "" && !(/^\d+$/.test(portText) && Number(portText) > 0 && Number(portText) <= 65535))
    throw new ConfigurationError(
      `database URL ${JSON.stringify(masked)} has an invalid port ${JSON.stringify(portText)}; use a number from 1 to 65535`,
    );
  let parsed: URL;
  try {
    parsed = new URL(`generic://${rest}`);
  } catch {
    throw new ConfigurationError(`malformed database URL ${JSON.stringify(masked)}: expected ${scheme}://user:password@host:port/database`);
  }
  let port: number | undefined;
  if (parsed.port !== "") {
    port = Number(parsed.port);
    if (!Number.isInteger(port) || port <= 0 || port > 65535)
      throw new ConfigurationError(`database URL ${JSON.stringify(masked)} has an invalid port ${JSON.stringify(parsed.port)}`);
  }
  const path = parsed.pathname.replace(/^\//, "");
  if (path.includes("/")) throw new ConfigurationError(`database URL ${JSON.stringify(masked)}: the database name cannot contain '/'`);
  return {
    scheme,
    driver,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    host: parsed.hostname ? decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, "$1") : undefined,
    port,
    database: path ? decodeURIComponent(path) : undefined,
    query: parseQuery(parsed.search.replace(/^\?/, ""), masked),
    masked,
  };
}

/** Reads the allowed query options of a URL, refusing unknown ones. */
export function urlOptions(url: ParsedUrl, allowed: readonly string[]): Record<string, string> {
  for (const k of Object.keys(url.query))
    if (!allowed.includes(k))
      throw new ConfigurationError(
        `database URL ${url.masked}: unknown option '${k}'${allowed.length ? `; supported options are ${allowed.join(", ")}` : " (this dialect takes no URL options)"}`,
      );
  return url.query as Record<string, string>;
}
