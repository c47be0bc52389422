/**
 * A type known only by the database's own spelling (`inet`, `integer[]`, `geometry`): DDL writes
 * the spelling as given, and values pass to and from the driver unconverted. Reflection gives it to
 * columns whose type no athanor type matches, so such a table can still be compared and rebuilt.
 */
import { SqlType } from "./sql-type.js";
import { ArgumentError } from "../../util/errors.js";

export class NativeType extends SqlType<unknown> {
  readonly kind = "Native" as const;
  constructor(readonly spelling: string) {
    super();
    if (typeof spelling !== "string" || spelling.trim() === "" || spelling.includes("\u0000"))
      throw new ArgumentError(
        `nativeType() needs the type as the database spells it, e.g. nativeType("inet"); got ${JSON.stringify(spelling)}`,
      );
  }
  protected override computeCacheKey(): string {
    return `Native(${this.spelling})`;
  }
  override describe(): string {
    return `nativeType(${JSON.stringify(this.spelling)})`;
  }
}

/**
 * A column type given as the database spells it, for types athanor has no class for.
 * @example column(nativeType("inet"), { nullable: true })
 */
export function nativeType(spelling: string): NativeType {
  return new NativeType(spelling);
}
