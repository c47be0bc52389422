/** Small helpers for DDL rendering. */
/** Standard SQL string literal: single quotes doubled. Dialects add their own escapes on top. */
export function quoteStringLiteral(text: string): string {
  if (text.includes("\u0000")) throw new Error("string literals cannot contain NUL characters");
  return `'${text.replace(/'/g, "''")}'`;
}
