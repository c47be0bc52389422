/** Attribute-key → column-name conventions of a declarative base. */

/** `isActive` → `is_active`, `userID` → `user_id`, `HTTPCode` → `http_code`. */
export function snakeCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** How a base names columns: "snake_case" (default), "preserve", or a function of the attribute key. */
export type ColumnNaming = "snake_case" | "preserve" | ((key: string) => string);

export function columnNamer(naming: ColumnNaming | undefined): (key: string) => string {
  if (naming === undefined || naming === "snake_case") return snakeCase;
  if (naming === "preserve") return (k) => k;
  return naming;
}
