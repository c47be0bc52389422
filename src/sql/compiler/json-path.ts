/**
 * JSON path strings (`$."key"[0]`) as SQLite's and MySQL's JSON functions take them. Built from
 * the keys at execution time and sent as one bound parameter, so keys never become SQL text.
 */
import { ArgumentError } from "../../util/errors.js";

/** Builds a JSON path; keys containing `"`, `\` or control characters cannot be quoted and are refused. */
export function jsonPathString(keys: readonly (string | number)[], dialect: string): string {
  let path = "$";
  for (const k of keys) {
    // Negative indexes count from the end, which SQLite spells [#-1].
    if (typeof k === "number") path += k < 0 ? `[#${k}]` : `[${k}]`;
    else {
      if (/["\\\u0000-\u001f]/.test(k))
        throw new ArgumentError(
          `JSON path key ${JSON.stringify(k)} contains a quote, backslash or control character, which ${dialect} JSON paths cannot quote`,
        );
      path += `."${k}"`;
    }
  }
  return path;
}
