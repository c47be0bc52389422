/**
 * Maps URL schemes to dialect factories. Dialect modules register themselves when imported;
 * the package entry point imports the built-in ones (which load their drivers only on connect).
 */
import { ConfigurationError } from "../util/errors.js";
import type { DialectFactory } from "./dialect.js";
import type { ParsedUrl } from "./url.js";

const registry = new Map<string, DialectFactory>();

/** Registers a dialect under one or more URL schemes (lower-case). */
export function registerDialect(schemes: readonly string[], factory: DialectFactory): void {
  for (const s of schemes) registry.set(s.toLowerCase(), factory);
}

/** The dialect for a URL's scheme, or an error naming the schemes available. */
export function dialectFor(url: ParsedUrl): ReturnType<DialectFactory> {
  const factory = registry.get(url.scheme);
  if (!factory)
    throw new ConfigurationError(
      `unknown database scheme '${url.scheme}' in ${url.masked}; expected one of ${[...registry.keys()].sort().join(", ")}`,
    );
  return factory(url);
}
