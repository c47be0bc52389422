/**
 * Many-to-many resolution: finds a relationship's association table and the two foreign keys in it
 * that point at the parent's and the target's tables. Called by registry.configure(); reports
 * problems as sentences that say what to change.
 */
import type { Column } from "../../sql/schema/column.js";
import type { ForeignKeyConstraint } from "../../sql/schema/foreign-key.js";
import type { Table } from "../../sql/schema/table.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import type { Mapper, RelationshipProperty } from "./mapper.js";

type Col = Column<string, unknown, boolean>;
type Pairs = Array<[Col, Col]>;

/** The table named `name` in `metadata` (by full or plain name). */
function findTable(metadata: MetaData, name: string): Table | undefined {
  const direct = metadata.tables.get(name);
  if (direct) return direct;
  for (const t of metadata.tables.values()) if (t.name === name) return t;
  return undefined;
}

function pairsOf(fk: ForeignKeyConstraint): Pairs {
  const referenced = fk.resolve().columns;
  return fk.columns.map((c, i): [Col, Col] => [referenced[i]! as Col, c as Col]);
}

function colsText(fk: ForeignKeyConstraint): string {
  return fk.columns.map((c) => c.key).join(", ");
}

/**
 * Resolves `rel.def.options.secondary` into `rel.secondary`, `secondaryParent` and
 * `secondaryTarget`; returns false (after pushing a problem) when it cannot.
 */
export function resolveSecondary(rel: RelationshipProperty, target: Mapper, metadata: MetaData, mapperOf: (t: Table) => Mapper | undefined, problems: string[]): boolean {
  const where = `relationship ${rel.parent.name}.${rel.key}`;
  const name = rel.def.options.secondary!;
  const table = findTable(metadata, name);
  if (!table) {
    const known = [...metadata.tables.values()].map((t) => t.name);
    problems.push(
      `${where} has secondary: "${name}", but no table of that name is in the base's MetaData; define it with new Table("${name}", Base.metadata, { … }) with a foreign key to ${rel.parent.table.name} and one to ${target.table.name} (tables known: ${known.join(", ")})`,
    );
    return false;
  }
  const mapped = mapperOf(table);
  if (mapped && rel.def.options.viewonly !== true) {
    problems.push(
      `${where} has secondary: "${name}", but that table is mapped by the model ${mapped.name}, which writes its rows; mark ${rel.parent.name}.${rel.key} viewonly: true, or drop the model and keep the plain association table`,
    );
    return false;
  }
  const refersTo = (fk: ForeignKeyConstraint, tables: readonly Table[]): boolean => fk.isResolvable() && tables.includes(fk.resolve().table);
  const keys = rel.def.options.foreignKeys;
  const named = (fk: ForeignKeyConstraint): boolean => keys !== undefined && fk.columns.every((c) => keys.includes(c.key) || keys.includes(c.name));
  let toParent = table.foreignKeys.filter((fk) => refersTo(fk, rel.parent.tables));
  let toTarget = table.foreignKeys.filter((fk) => refersTo(fk, target.tables));
  if (keys) {
    // foreignKeys names the association columns that point at the parent (SQLAlchemy's primaryjoin side).
    toParent = toParent.filter(named);
    toTarget = toTarget.filter((fk) => !named(fk));
  }
  const selfRef = rel.parent.root === target.root;
  if (toParent.length === 0 || toTarget.length === 0) {
    const missing = toParent.length === 0 ? rel.parent : target;
    problems.push(
      keys && toParent.length === 0
        ? `${where}: foreignKeys ${JSON.stringify(keys)} name no foreign key of ${table.name} that points at ${rel.parent.table.name}; list the association columns that refer to the ${rel.parent.name} side`
        : `${where}: the association table ${table.name} has no foreign key to ${missing.table.name} (${missing.name}); give one of its columns foreignKey: "${missing.table.name}.${missing.pk[0]?.column.name ?? "id"}"`,
    );
    return false;
  }
  if (toParent.length > 1 || toTarget.length > 1) {
    const both = toParent.length > 1 ? toParent : toTarget;
    problems.push(
      `${where}: several foreign keys of the association table ${table.name} point at ${(toParent.length > 1 ? rel.parent : target).table.name} (${both.map(colsText).join("; ")})${
        selfRef ? ", as in every self-referential many-to-many" : ""
      }; say which point at the ${rel.parent.name} side with foreignKeys: ["${both[0]!.columns[0]!.key}"]`,
    );
    return false;
  }
  rel.secondary = table;
  rel.secondaryParent = pairsOf(toParent[0]!);
  rel.secondaryTarget = pairsOf(toTarget[0]!);
  rel.pairs = [];
  rel.direction = "manyToMany";
  rel.uselist = rel.def.options.uselist ?? true;
  return true;
}
