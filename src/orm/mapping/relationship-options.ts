/**
 * Resolves the options of a relationship that do not depend on its join: loading strategy, order,
 * extra criteria, passive deletes, and the rules that tie cascades to the relationship's direction.
 * Called by registry.configure() once the target and direction are known.
 */
import { Expression } from "../../sql/elements/expression.js";
import type { ColumnProperty, Mapper, RelationshipProperty } from "./mapper.js";
import type { LoadStrategy } from "./relationship-def.js";

const STRATEGIES: readonly LoadStrategy[] = ["raise", "selectin", "joined", "subquery", "noload", "writeOnly"];

function columnList(m: Mapper): string {
  return m.columns.map((c) => c.key).join(", ");
}

/** Parses `orderBy` ("createdAt desc", or a list of such) against the target's column attributes. */
function parseOrderBy(rel: RelationshipProperty, target: Mapper, where: string, problems: string[]): void {
  const raw = rel.def.options.orderBy;
  if (raw === undefined) return;
  const items = typeof raw === "string" ? raw.split(",") : raw;
  const out: RelationshipProperty["orderBy"] = [];
  for (const item of items) {
    const words = String(item).trim().split(/\s+/);
    const [key, dir, ...rest] = words;
    const direction = dir?.toLowerCase();
    if (!key || rest.length > 0 || (direction !== undefined && direction !== "asc" && direction !== "desc")) {
      problems.push(`${where}: orderBy entry "${String(item)}" is not "<attribute>" or "<attribute> asc|desc" (e.g. "createdAt desc")`);
      continue;
    }
    const p = target.byKey.get(key);
    if (p?.kind !== "column") {
      problems.push(`${where}: orderBy names '${key}', which is not a column attribute of ${target.name}; its column attributes are ${columnList(target)}`);
      continue;
    }
    out.push({ column: (p as ColumnProperty).column, desc: direction === "desc" });
  }
  rel.orderBy = out;
}

/** Calls `where` with the target class; the result must be a boolean SQL expression. */
function resolveWhere(rel: RelationshipProperty, target: Mapper, where: string, problems: string[]): void {
  const fn = rel.def.options.where;
  if (fn === undefined) return;
  if (typeof fn !== "function") {
    problems.push(`${where}: where must be a function of the target class, e.g. where: (a) => a.isDefault.eq(true)`);
    return;
  }
  if (!rel.viewonly) {
    problems.push(
      `${where} has where: criteria, which apply only when loading (an object added through it could break them); mark it viewonly: true and write through a relationship without criteria`,
    );
    return;
  }
  let criteria: unknown;
  try {
    criteria = fn(target.mappedClass);
  } catch (e) {
    problems.push(`${where}: its where function threw when called with ${target.name}: ${(e as Error).message}`);
    return;
  }
  if (!(criteria instanceof Expression)) {
    problems.push(`${where}: its where function must return a SQL expression on ${target.name} (e.g. ${target.name}.x.eq(1)), got ${typeof criteria}`);
    return;
  }
  rel.where = criteria as RelationshipProperty["where"];
}

/** Checks the options that depend on direction and cascades; fills lazy, orderBy, where, passiveDeletes. */
export function resolveOptions(rel: RelationshipProperty, target: Mapper, problems: string[]): void {
  const where = `relationship ${rel.parent.name}.${rel.key}`;
  const o = rel.def.options;
  const lazy = o.lazy ?? "raise";
  if (!STRATEGIES.includes(lazy)) problems.push(`${where}: lazy: "${String(lazy)}" is not a loading strategy; use one of ${STRATEGIES.join(", ")}`);
  else if (lazy === "writeOnly" && !rel.uselist) problems.push(`${where}: lazy: "writeOnly" is for collections, and this relationship holds one object`);
  rel.lazy = lazy;
  const passive = o.passiveDeletes ?? false;
  if (passive !== true && passive !== false && passive !== "all")
    problems.push(`${where}: passiveDeletes must be true, false or "all", got ${JSON.stringify(passive)}`);
  else if (passive === "all" && (rel.cascade.has("delete") || rel.cascade.has("delete-orphan")))
    problems.push(
      `${where}: can't set passiveDeletes: "all" together with the delete or delete-orphan cascade (the ORM would have to delete the children it is told to leave alone); drop one of them`,
    );
  rel.passiveDeletes = rel.viewonly ? false : passive;
  rel.innerJoin = o.innerJoin === true;
  if (rel.cascade.has("delete-orphan")) {
    if (rel.direction !== "oneToMany")
      problems.push(
        `${where}: delete-orphan cascade is configured only on the "one" side of a one-to-many relationship, not on the "many" side of a ${
          rel.direction === "manyToOne" ? "many-to-one" : "many-to-many"
        } relationship; put cascade: "all, delete-orphan" on the collection of ${target.name} that holds ${rel.parent.name} objects instead`,
      );
    else if (!rel.cascade.has("delete"))
      problems.push(`${where}: the delete-orphan cascade requires delete; write cascade: "all, delete-orphan" (or "save-update, merge, delete, delete-orphan")`);
  }
  parseOrderBy(rel, target, where, problems);
  resolveWhere(rel, target, where, problems);
}
