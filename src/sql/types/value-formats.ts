/**
 * Dialect-neutral value conversions shared by the dialects' type processors: decimal strings,
 * exactness checks, and the few conversions several databases need alike.
 */
import { formatUtcTimestamp } from "./temporal-types.js";

/** Formats a number as a plain decimal string (no exponent), padded to `scale` fraction digits. */
export function formatDecimal(value: number | bigint, scale: number | undefined): string {
  if (typeof value === "bigint") return scale ? `${value}.${"0".repeat(scale)}` : value.toString();
  let text: string;
  if (scale !== undefined && Math.abs(value) < 1e21) text = value.toFixed(scale);
  else {
    text = String(value);
    if (/e/i.test(text)) text = expandExponent(text);
    if (scale !== undefined && scale > 0) {
      const dot = text.indexOf(".");
      const frac = dot < 0 ? "" : text.slice(dot + 1);
      text = `${dot < 0 ? text : text.slice(0, dot)}.${frac.padEnd(scale, "0")}`;
    }
  }
  return text;
}

/** Expands `1.5e-7` to `0.00000015`. */
export function expandExponent(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, int, frac = "", expText] = m;
  const exp = Number(expText);
  const digits = int! + frac;
  let point = int!.length + exp;
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  out = out.replace(/^0+(?=\d)/, "");
  point = out.indexOf(".");
  if (point >= 0) out = out.replace(/\.?0+$/, "");
  return (sign === "-" ? "-" : "") + out;
}

/** Significant digits of a decimal string, ignoring leading zeros and trailing fractional zeros. */
export function significantDigits(text: string): number {
  const m = /^[+-]?(\d*)(?:\.(\d*))?/.exec(text);
  const int = (m?.[1] ?? "").replace(/^0+/, "");
  const frac = (m?.[2] ?? "").replace(/0+$/, "");
  if (int.length === 0) return frac.replace(/^0+/, "").length;
  return int.length + frac.length;
}

/** Whether a decimal string is an integer (no fraction, or only zeros after the point). */
export function isIntegral(text: string): boolean {
  return /^[+-]?\d+(\.0*)?$/.test(text);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Whether an integral decimal string fits a signed 64-bit integer. */
export function fitsInt64(text: string): boolean {
  const v = BigInt(text.replace(/\.0*$/, ""));
  return v >= INT64_MIN && v <= INT64_MAX;
}

/** Booleans for databases that store them as 0/1 integers. */
export const booleanToInt01 = (v: unknown): number => (v ? 1 : 0);

/** Dates for databases that store naive timestamps as UTC text (`YYYY-MM-DD HH:MM:SS.mmm`). */
export const dateToUtcText = (v: unknown): string => formatUtcTimestamp(v as Date);

/** Reads a NUMERIC value: text stays as it is; numbers (and bigints) are spelt exactly at `scale`. */
export function decimalResult(scale: number | undefined): (v: unknown) => string {
  return (v) => (typeof v === "string" ? v : formatDecimal(v as number | bigint, scale));
}
