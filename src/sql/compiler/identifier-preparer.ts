/**
 * Quoting of identifiers for one dialect. Every identifier is quoted; embedded quote characters
 * are doubled, so no name can end the quoted identifier early. Quoted forms are cached.
 */
import { CompileError } from "../../util/errors.js";
import { truncateName } from "../schema/naming-convention.js";
import type { ResolvedName } from "../schema/constraints.js";

export class IdentifierPreparer {
  readonly #cache = new Map<string, string>();
  readonly #open: string;
  readonly #close: string;
  constructor(
    quoteChar: string,
    readonly maxLength: number,
    readonly dialectName: string,
  ) {
    this.#open = quoteChar;
    this.#close = quoteChar;
  }

  /** Quotes one identifier; refuses NUL and names the server would silently cut short. */
  quote(name: string): string {
    let q = this.#cache.get(name);
    if (q !== undefined) return q;
    if (name.length === 0) throw new CompileError("an identifier cannot be empty");
    if (name.includes("\u0000")) throw new CompileError(`identifier ${JSON.stringify(name)} contains a NUL character`);
    if (Buffer.byteLength(name, "utf8") > this.maxLength)
      throw new CompileError(
        `identifier ${JSON.stringify(name)} is longer than ${this.maxLength} bytes, the limit on ${this.dialectName}; the server would cut it short, so pick a shorter name`,
      );
    q = this.#open + name.split(this.#close).join(this.#close + this.#close) + this.#close;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(name, q);
    return q;
  }

  /** Quotes a schema-qualified name. */
  quotePath(schema: string | undefined, name: string): string {
    return schema ? `${this.quote(schema)}.${this.quote(name)}` : this.quote(name);
  }

  /** A constraint or index name fitted to the dialect (unquoted): generated names are shortened with a hash. */
  fittedName(name: ResolvedName): string {
    if (name.truncatable && Buffer.byteLength(name.value, "utf8") > this.maxLength) return truncateName(name.value, this.maxLength);
    return name.value;
  }

  /** A constraint or index name fitted to the dialect, quoted. */
  constraintName(name: ResolvedName): string {
    return this.quote(this.fittedName(name));
  }
}
