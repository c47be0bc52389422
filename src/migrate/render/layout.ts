/**
 * Line layout for rendered revision files: the renderer builds a small tree of calls, objects,
 * arrays and arrow functions, and this prints it the way the project's formatter (prettier, width
 * 140) would, so generated files pass `prettier --check` without a formatter at run time: a node
 * stays on one line when it fits, a call whose last argument is an object, array or arrow function
 * "hugs" it, and everything else breaks one item per line with trailing commas.
 */

/** A piece of rendered TypeScript. */
export type Doc =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "call"; readonly callee: string; readonly args: readonly Doc[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, Doc])[] }
  | { readonly kind: "array"; readonly items: readonly Doc[] }
  | { readonly kind: "arrow"; readonly params: string; readonly body: Doc };

/** The project's prettier printWidth. */
export const PRINT_WIDTH = 140;
const INDENT = "  ";

// Builders of the Doc tree.
export const text = (t: string): Doc => ({ kind: "text", text: t });
export const call = (callee: string, ...args: Doc[]): Doc => ({ kind: "call", callee, args });
export const object = (entries: readonly (readonly [string, Doc])[]): Doc => ({ kind: "object", entries });
export const array = (items: readonly Doc[]): Doc => ({ kind: "array", items });
export const arrow = (params: string, body: Doc): Doc => ({ kind: "arrow", params, body });

/** The node on one line. */
export function flat(doc: Doc): string {
  switch (doc.kind) {
    case "text":
      return doc.text;
    case "call":
      return `${doc.callee}(${doc.args.map(flat).join(", ")})`;
    case "object":
      return doc.entries.length === 0 ? "{}" : `{ ${doc.entries.map(([k, v]) => `${k}: ${flat(v)}`).join(", ")} }`;
    case "array":
      return `[${doc.items.map(flat).join(", ")}]`;
    case "arrow":
      return `${doc.params} => ${flat(doc.body)}`;
  }
}

/** Whether the node must break whatever the width (prettier breaks arrays of several multi-key objects). */
function forcedBreak(doc: Doc): boolean {
  if (doc.kind === "text") return doc.text.includes("\n");
  if (doc.kind === "array") {
    const many = (d: Doc) => (d.kind === "object" && d.entries.length > 1) || (d.kind === "array" && d.items.length > 1);
    const sameKind = doc.items.every((d) => d.kind === doc.items[0]?.kind);
    return (doc.items.length > 1 && sameKind && doc.items.every(many)) || doc.items.some(forcedBreak);
  }
  if (doc.kind === "object") return doc.entries.some(([, v]) => forcedBreak(v));
  if (doc.kind === "call") return doc.args.some(forcedBreak);
  return forcedBreak(doc.body);
}

/** Whether a call's last argument may hug the call's parentheses (prettier's "last-arg expansion"). */
function huggable(args: readonly Doc[]): boolean {
  const last = args[args.length - 1];
  if (!last) return false;
  const penultimate = args[args.length - 2];
  if (penultimate && penultimate.kind === last.kind) return false;
  if (last.kind === "object") return last.entries.length > 0;
  if (last.kind === "array") return last.items.length > 0;
  return last.kind === "arrow" && last.body.kind !== "text";
}

/** Whether the node is a string literal (the formatter moves a long one below its key). */
function isStringLiteral(doc: Doc): boolean {
  return doc.kind === "text" && /^["']/.test(doc.text);
}

/** `key: value,` on its own line at `indent`; a string literal too long for the line goes on the next one. */
export function property(key: string, value: Doc, indent: string): string {
  const line = `${indent}${key}: ${flat(value)},`;
  if (isStringLiteral(value) && line.length > PRINT_WIDTH) return `${indent}${key}:\n${indent}${INDENT}${flat(value)},`;
  return `${indent}${key}: ${print(value, indent, indent.length + key.length + 2, 1)},`;
}

/**
 * Prints `doc` starting at column `column`, at indentation `indent` (its broken lines start there),
 * followed on its last line by `suffix` characters that must fit too.
 */
export function print(doc: Doc, indent: string, column: number, suffix: number): string {
  const one = flat(doc);
  if (!forcedBreak(doc) && column + one.length + suffix <= PRINT_WIDTH) return one;
  const inner = indent + INDENT;
  switch (doc.kind) {
    case "text":
      return doc.text;
    case "object":
      return `{\n${doc.entries.map(([k, v]) => property(k, v, inner)).join("\n")}\n${indent}}`;
    case "array":
      return `[\n${doc.items.map((v) => `${inner}${print(v, inner, inner.length, 1)},`).join("\n")}\n${indent}]`;
    case "arrow": {
      const head = `${doc.params} => `;
      return head + print(doc.body, indent, column + head.length, suffix);
    }
    case "call": {
      const args = doc.args;
      const before = args.slice(0, -1);
      if (huggable(args) && !before.some(forcedBreak)) {
        const head = `${doc.callee}(${before.map((a) => `${flat(a)}, `).join("")}`;
        const last = args[args.length - 1]!;
        const opener =
          last.kind === "arrow" ? `${last.params} => ${last.body.kind === "object" ? "{" : "["}` : last.kind === "object" ? "{" : "[";
        if (column + head.length + opener.length <= PRINT_WIDTH) return `${head}${print(last, indent, column + head.length, suffix + 1)})`;
      }
      return `${doc.callee}(\n${args.map((a) => `${inner}${print(a, inner, inner.length, 1)},`).join("\n")}\n${indent})`;
    }
  }
}
