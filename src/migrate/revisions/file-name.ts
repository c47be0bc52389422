/**
 * Names of new revision files: the slug of a message and the file-name template with Alembic's
 * `%(token)s` placeholders. Called by the `revision` command when it writes a file.
 */
import { ArgumentError } from "../../util/errors.js";

/** Alembic's default length limit for slugs (`truncate_slug_length`). */
export const DEFAULT_SLUG_LENGTH = 40;

/** The default file-name template: `20260117_0930_create_users_table`. */
export const DEFAULT_FILE_TEMPLATE = "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(slug)s";

/**
 * The slug of a message, as Alembic makes it: the runs of word characters (letters, digits,
 * underscore, in any script) joined by `_` and lower-cased. When longer than `maxLength`, the slug
 * is cut at `maxLength`, the last (possibly partial) word is dropped and a `_` ends it, exactly as
 * Alembic's `slug[:40].rsplit("_", 1)[0] + "_"`, so names stay comparable with Alembic's.
 */
export function slugify(message: string, maxLength = DEFAULT_SLUG_LENGTH): string {
  const words = message.match(/[\p{L}\p{M}\p{N}_]+/gu) ?? [];
  const slug = words.join("_").toLowerCase();
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const lastSep = cut.lastIndexOf("_");
  return `${lastSep >= 0 ? cut.slice(0, lastSep) : cut}_`;
}

/** What a file-name template is filled with. */
export interface FileNameValues {
  /** The revision id (`%(rev)s`). */
  readonly rev: string;
  /** The message's slug (`%(slug)s`), see {@link slugify}. */
  readonly slug: string;
  /** The creation date (`%(epoch)s`, `%(year)d`, ...). */
  readonly date: Date;
}

/** Options of {@link revisionFileName}. */
export interface FileNameOptions {
  /** Which calendar fields the date tokens use: UTC (default) or the local time zone. */
  readonly timezone?: "utc" | "local";
  /** Appended to the name; `.ts` unless given. */
  readonly extension?: string;
}

const TOKEN = /%\(([^)]*)\)([^a-z%]*[a-z])?/g;

/**
 * The file name of a revision, from an Alembic-style template. Supported tokens: `%(rev)s`,
 * `%(slug)s`, `%(epoch)s`, `%(year)d`, `%(month).2d`, `%(day).2d`, `%(hour).2d`, `%(minute).2d`,
 * `%(second).2d`. `%%` is a literal `%`. Any other token is an error naming it.
 */
export function revisionFileName(template: string, values: FileNameValues, options: FileNameOptions = {}): string {
  const d = values.date;
  if (Number.isNaN(d.getTime())) throw new ArgumentError("revisionFileName() was given an invalid date; pass a valid Date");
  const local = options.timezone === "local";
  const fields: Record<string, string> = {
    "rev)s": values.rev,
    "slug)s": values.slug,
    "epoch)s": String(Math.floor(d.getTime() / 1000)),
    "year)d": String(local ? d.getFullYear() : d.getUTCFullYear()),
    "month).2d": pad2((local ? d.getMonth() : d.getUTCMonth()) + 1),
    "day).2d": pad2(local ? d.getDate() : d.getUTCDate()),
    "hour).2d": pad2(local ? d.getHours() : d.getUTCHours()),
    "minute).2d": pad2(local ? d.getMinutes() : d.getUTCMinutes()),
    "second).2d": pad2(local ? d.getSeconds() : d.getUTCSeconds()),
  };
  let out = "";
  let i = 0;
  while (i < template.length) {
    const p = template.indexOf("%", i);
    if (p < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, p);
    if (template[p + 1] === "%") {
      out += "%";
      i = p + 2;
      continue;
    }
    TOKEN.lastIndex = p;
    const m = TOKEN.exec(template);
    if (m === null || m.index !== p) {
      throw new ArgumentError(
        `The revision file template ${JSON.stringify(template)} has a malformed token at position ${p}; ` +
          `write tokens as %(name)s or %(name).2d, and %% for a literal %`,
      );
    }
    const key = `${m[1]})${m[2] ?? ""}`;
    const value = fields[key];
    if (value === undefined) {
      throw new ArgumentError(
        `Unknown token %(${key} in the revision file template ${JSON.stringify(template)}; ` +
          `use %(rev)s, %(slug)s, %(epoch)s, %(year)d, %(month).2d, %(day).2d, %(hour).2d, %(minute).2d or %(second).2d`,
      );
    }
    out += value;
    i = p + m[0].length;
  }
  return out + (options.extension ?? ".ts");
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}
