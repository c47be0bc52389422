/**
 * DateOnly, DateTime and Time. DateTime values are JavaScript `Date`s (instants); naive timestamp
 * columns store UTC wall-clock time. Date and time of day have no JavaScript type without a zone
 * trap, so they are strings.
 */
import { SqlType, ValueTypeError } from "./sql-type.js";

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,6}))?)?$/;

/** A calendar date held as a `"YYYY-MM-DD"` string (no time zone can shift it). */
export class DateOnlyType extends SqlType<string> {
  readonly kind = "Date" as const;
  override validate(value: unknown): string {
    if (typeof value === "string") {
      const m = DATE_RE.exec(value);
      if (m) {
        const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
        if (d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1) return value;
      }
    }
    throw new ValueTypeError(this, value, 'a valid "YYYY-MM-DD" string (for a Date object use date.toISOString().slice(0, 10))');
  }
}

/** Options of {@link DateTime}. */
export interface DateTimeOptions {
  /** Store the offset too (`TIMESTAMP WITH TIME ZONE` on PostgreSQL). Values are instants either way. */
  timezone?: boolean;
}

/**
 * A timestamp held as a JavaScript `Date` with millisecond precision. With `timezone: false`
 * (the default) the database column has no zone and athanor stores UTC wall-clock time in it.
 */
export class DateTimeType extends SqlType<Date> {
  readonly kind = "DateTime" as const;
  readonly timezone: boolean;
  constructor(options: DateTimeOptions = {}) {
    super();
    this.timezone = options.timezone ?? false;
  }
  protected override computeCacheKey(): string {
    return this.timezone ? "DateTime(tz)" : "DateTime";
  }
  override validate(value: unknown): Date {
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
    throw new ValueTypeError(this, value, "a valid Date");
  }
}

/** A time of day held as an `"HH:MM:SS[.ffffff]"` string. */
export class TimeType extends SqlType<string> {
  readonly kind = "Time" as const;
  override validate(value: unknown): string {
    if (typeof value === "string" && TIME_RE.test(value)) return value;
    throw new ValueTypeError(this, value, 'an "HH:MM:SS" or "HH:MM:SS.ffffff" string');
  }
}

/** `DATE`: a calendar date as a `"YYYY-MM-DD"` string. Usable bare or called. */
export function DateOnly(): DateOnlyType {
  return DATE_ONLY;
}
const DATE_ONLY = new DateOnlyType();

/** `TIMESTAMP` / `DATETIME`: a JavaScript Date. Usable bare (`DateTime`) or called (`DateTime({ timezone: true })`). */
export function DateTime(options?: DateTimeOptions): DateTimeType {
  return options?.timezone ? DATETIME_TZ : DATETIME;
}
const DATETIME = new DateTimeType();
const DATETIME_TZ = new DateTimeType({ timezone: true });

/** `TIME`: a time of day as an `"HH:MM:SS[.ffffff]"` string. Usable bare or called. */
export function Time(): TimeType {
  return TIME;
}
const TIME = new TimeType();

/** Formats a Date as UTC `YYYY-MM-DD HH:MM:SS.mmm`, the wire form for naive timestamp columns. */
export function formatUtcTimestamp(d: Date): string {
  const iso = d.toISOString(); // 2024-01-02T03:04:05.678Z; years outside 0..9999 get a sign prefix
  if (iso.length !== 24) return iso.replace("T", " ").replace("Z", "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const TS_RE = /^(-?\d{4,6})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses a database timestamp string. Strings without an offset are read as UTC (the convention
 * athanor writes them with); strings with one are converted to the instant they denote.
 */
export function parseTimestamp(text: string): Date {
  const m = TS_RE.exec(text);
  if (!m) return new Date(Number.NaN);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  let t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  const year = Number(m[1]);
  if (year >= 0 && year < 100) {
    // Date.UTC maps years 0..99 to 1900..1999.
    const d = new Date(t);
    d.setUTCFullYear(year);
    t = d.getTime();
  }
  const off = m[8];
  if (off && off !== "Z") {
    const sign = off[0] === "-" ? -1 : 1;
    const digits = off.slice(1).replace(/:/g, "");
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    const seconds = Number(digits.slice(4, 6) || "0");
    t -= sign * (minutes * 60 + seconds) * 1000;
  }
  return new Date(t);
}

/** Normalises a time-of-day string: drops a fractional part made only of zeros. */
export function normalizeTime(text: string): string {
  const dot = text.indexOf(".");
  if (dot < 0) return text;
  const frac = text.slice(dot + 1).replace(/0+$/, "");
  return frac.length === 0 ? text.slice(0, dot) : `${text.slice(0, dot)}.${frac}`;
}
