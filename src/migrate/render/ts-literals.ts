/**
 * TypeScript literals for rendered revision files, spelled as the project's formatter spells them:
 * strings in double quotes (single when that needs fewer escapes), object keys bare when they are
 * identifiers, SQL text in sql`…` templates. Used by the render/ modules only.
 */
import { CompileError } from "../../util/errors.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string literal. */
export function tsString(value: string): string {
  const doubles = (value.match(/"/g) ?? []).length;
  const singles = (value.match(/'/g) ?? []).length;
  const quote = doubles > singles ? "'" : '"';
  let out = "";
  for (const ch of value) {
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch < " " || ch === "\u2028" || ch === "\u2029") out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** An object key: bare when it is an identifier. */
export function tsKey(key: string): string {
  return IDENTIFIER.test(key) ? key : tsString(key);
}

/** `c.name`, or `c["odd name"]` for a name that is not an identifier. */
export function tsMember(object: string, key: string): string {
  return IDENTIFIER.test(key) ? `${object}.${key}` : `${object}[${tsString(key)}]`;
}

/** Text inside a template literal: backquotes, backslashes and `${` escaped. */
export function templateText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

/** SQL text as a sql`…` template (the text is SQL as the database spells it). */
export function sqlTemplate(value: string): string {
  return `sql\`${templateText(value)}\``;
}

/** A JavaScript value as a literal (rows of bulkInsert, plain server defaults). */
export function tsValue(value: unknown, where: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return tsString(value);
    case "number":
      if (!Number.isFinite(value)) throw new CompileError(`${where}: ${value} cannot be written as a literal`);
      return Object.is(value, -0) ? "0" : String(value);
    case "bigint":
      return `${value}n`;
    case "boolean":
      return String(value);
    default:
      throw new CompileError(
        `${where}: a ${value instanceof Date ? "Date" : typeof value} value cannot be written into a revision file; use a string`,
      );
  }
}
