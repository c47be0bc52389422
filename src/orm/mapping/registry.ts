/**
 * The registry of a declarative base: every mapper, found by class name or table name, and the
 * configure step that resolves relationships (target, direction, foreign key pairs, back-references)
 * and validates the model layer. Runs at first use or on an explicit `configure()`.
 */
import { MappingError } from "../../util/errors.js";
import type { Column } from "../../sql/schema/column.js";
import type { ForeignKeyConstraint } from "../../sql/schema/foreign-key.js";
import type { Table } from "../../sql/schema/table.js";
import type { MetaData } from "../../sql/schema/metadata.js";
import type { Mapper, RelationshipProperty } from "./mapper.js";
import { RelationshipDef, type RelationshipOptions } from "./relationship-def.js";
import { addRelationship } from "./relationship-property.js";
import { resolveSecondary } from "./secondary-join.js";
import { resolveOptions } from "./relationship-options.js";

/** Every registry, to recognise references to models of another base. */
const allRegistries = new Set<Registry>();

/** Cascades a viewonly relationship keeps: it never writes, so nothing reaches the database through it. */
const VIEWONLY_CASCADES = new Set(["merge", "expunge", "refresh-expire"]);

/** The reverse relationships `backref` created, by the relationship that declared them. */
const createdBackrefs = new WeakMap<RelationshipProperty, RelationshipProperty>();

/** The name of the reverse relationship a `backref` option asks for. */
function backrefName(rel: RelationshipProperty): string | undefined {
  const b = rel.def.options.backref;
  return b === undefined ? undefined : typeof b === "string" ? b : b.name;
}

const CASCADES = new Set(["save-update", "merge", "delete", "delete-orphan", "refresh-expire", "expunge"]);

function parseCascade(text: string | undefined, where: string): Set<string> {
  const out = new Set<string>();
  for (const raw of (text ?? "save-update, merge")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === "all") ["save-update", "merge", "refresh-expire", "expunge", "delete"].forEach((c) => out.add(c));
    else if (raw === "none") out.clear();
    else if (CASCADES.has(raw)) out.add(raw);
    else throw new MappingError(`${where}: unknown cascade '${raw}'; known cascades are ${[...CASCADES].join(", ")}, all, none`);
  }
  return out;
}

export class Registry {
  readonly mappers: Mapper[] = [];
  #configured = 0;
  #failure: MappingError | undefined;

  constructor(readonly metadata: MetaData) {
    allRegistries.add(this);
  }

  /** @internal Adds a mapper; the registry configures again on next use. */
  add(mapper: Mapper): void {
    this.mappers.push(mapper);
    this.invalidate();
  }

  /** @internal New information (a model or a registered class): the next use configures again. */
  invalidate(): void {
    this.#failure = undefined;
    this.#configured = 0;
  }

  /** The mapper of a class name or table name. */
  find(name: string): Mapper | undefined {
    return this.mappers.find((m) => m.cls !== undefined && m.name === name) ?? this.mappers.find((m) => m.table.name === name && !m.parent);
  }

  /** Whether every mapper is configured. */
  get configured(): boolean {
    return this.#configured === this.mappers.length && this.#failure === undefined;
  }

  /**
   * Resolves relationships and validates every model; throws one MappingError listing every problem,
   * with what to change. Idempotent; runs again when models were added since.
   */
  configure(): void {
    if (this.#failure) throw this.#failure;
    if (this.#configured === this.mappers.length) return;
    const problems: string[] = [];
    for (const m of this.mappers)
      if (!m.cls)
        problems.push(
          `the model for table ${m.table.name} has no registered class: decorate the class that extends it with @mapped (or call mapped(TheClass) after defining it)`,
        );
    if (problems.length === 0) {
      const own = (m: Mapper, rel: RelationshipProperty) => rel.parent === m;
      for (const m of this.mappers) for (const rel of m.relationships) if (own(m, rel)) this.#resolve(rel, problems);
      for (const m of this.mappers) for (const rel of [...m.relationships]) if (own(m, rel)) this.#createBackref(rel, problems);
      for (const m of this.mappers) for (const rel of m.relationships) if (own(m, rel)) this.#linkBack(rel, problems);
    }
    if (problems.length > 0) {
      this.#failure = new MappingError(`the models could not be configured:\n  - ${problems.join("\n  - ")}`);
      throw this.#failure;
    }
    this.#configured = this.mappers.length;
  }

  #resolve(rel: RelationshipProperty, problems: string[]): void {
    const where = `relationship ${rel.parent.name}.${rel.key}`;
    const name = rel.def.target;
    const target = this.find(name);
    if (!target) {
      const elsewhere = [...allRegistries].some((r) => r !== this && r.find(name));
      problems.push(
        elsewhere
          ? `${where} refers to ${name}, which is mapped on a different declarative base; a project's models share one base (db/base.ts)`
          : `${where} refers to "${name}", which is not a model of this base; known models: ${this.mappers.map((m) => `${m.name} (table ${m.table.name})`).join(", ")}`,
      );
      return;
    }
    rel.target = target;
    try {
      rel.cascade = parseCascade(rel.def.options.cascade, where);
    } catch (e) {
      problems.push((e as Error).message);
      return;
    }
    rel.viewonly = rel.def.options.viewonly === true;
    if (rel.viewonly) rel.cascade = new Set([...rel.cascade].filter((c) => VIEWONLY_CASCADES.has(c)));
    if (rel.def.options.secondary !== undefined) {
      if (resolveSecondary(rel, target, this.metadata, (t) => this.mappers.find((m) => m.table === t), problems))
        resolveOptions(rel, target, problems);
      return;
    }
    const parentTables = rel.parent.tables;
    const targetTables = target.tables;
    const fkKeys = rel.def.options.foreignKeys;
    const matchesKeys = (fk: ForeignKeyConstraint): boolean =>
      !fkKeys || fk.columns.every((c) => fkKeys.includes(c.key) || fkKeys.includes(c.name));
    const selfRef = parentTables.some((t) => targetTables.includes(t));
    type Candidate = { fk: ForeignKeyConstraint; direction: "manyToOne" | "oneToMany" };
    const candidates: Candidate[] = [];
    const refersTo = (fk: ForeignKeyConstraint, tables: readonly Table[]): boolean =>
      fk.isResolvable() && tables.includes(fk.resolve().table);
    for (const t of parentTables)
      for (const fk of t.foreignKeys) if (refersTo(fk, targetTables) && matchesKeys(fk)) candidates.push({ fk, direction: "manyToOne" });
    if (!selfRef)
      for (const t of targetTables)
        for (const fk of t.foreignKeys) if (refersTo(fk, parentTables) && matchesKeys(fk)) candidates.push({ fk, direction: "oneToMany" });
    if (selfRef) {
      // The same foreign key reads both ways; remoteSide says this side is the many-to-one.
      const remote = rel.def.options.remoteSide;
      const dir = remote === undefined ? "oneToMany" : "manyToOne";
      for (const c of candidates) c.direction = dir;
      // Joined inheritance: the key linking a subclass table to its base is not a relationship path.
      const inheritanceKeys = new Set<ForeignKeyConstraint>();
      for (const m of [rel.parent, target])
        if (m.inheritance.mode === "joined")
          for (const fk of m.table.foreignKeys) if (m.parent && m.parent.tables.includes(fk.resolve().table)) inheritanceKeys.add(fk);
      for (let i = candidates.length - 1; i >= 0; i--) if (inheritanceKeys.has(candidates[i]!.fk)) candidates.splice(i, 1);
    }
    if (candidates.length === 0) {
      problems.push(
        `${where}: no foreign key links ${rel.parent.table.name} and ${target.table.name}${fkKeys ? ` through ${fkKeys.join(", ")}` : ""}; declare one with foreignKey: "${target.table.name}.<column>" on the referencing column`,
      );
      return;
    }
    if (candidates.length > 1) {
      problems.push(
        `${where}: several foreign keys link ${rel.parent.table.name} and ${target.table.name} (${candidates
          .map((c) => c.fk.columns.map((x) => x.key).join(", "))
          .join("; ")}); say which with foreignKeys: ["${candidates[0]!.fk.columns[0]!.key}"]`,
      );
      return;
    }
    const { fk, direction } = candidates[0]!;
    const referenced = fk.resolve().columns;
    rel.direction = direction;
    rel.pairs = fk.columns.map((c, i): [Column<string, unknown, boolean>, Column<string, unknown, boolean>] => [referenced[i]!, c]);
    rel.uselist = rel.def.options.uselist ?? direction === "oneToMany";
    if (direction === "manyToOne" && rel.def.options.uselist === true)
      problems.push(`${where} is many-to-one (the foreign key is on ${rel.parent.table.name}), so it holds one object: drop uselist: true`);
    resolveOptions(rel, target, problems);
  }

  /** `backref`: creates the reverse relationship on the target (once), resolved like a declared one. */
  #createBackref(rel: RelationshipProperty, problems: string[]): void {
    const name = backrefName(rel);
    if (name === undefined || !rel.target) return;
    const where = `relationship ${rel.parent.name}.${rel.key}`;
    if (rel.def.options.backPopulates !== undefined) {
      problems.push(
        `${where} has both backref and backPopulates, which are mutually exclusive; keep backPopulates and declare the other side, or keep only backref`,
      );
      return;
    }
    const created = createdBackrefs.get(rel);
    if (created) return;
    if (rel.target.byKey.has(name)) {
      problems.push(
        `${where} has backref: "${name}", but ${rel.target.name} already has an attribute ${name}; pick another name, or declare both sides with backPopulates`,
      );
      return;
    }
    const b = rel.def.options.backref;
    const extra: RelationshipOptions = typeof b === "object" ? (b.options ?? {}) : {};
    const options: RelationshipOptions = { ...extra, backPopulates: rel.key };
    if (rel.secondary) {
      options.secondary = rel.def.options.secondary;
      // Self-referential many-to-many: the reverse reads the association table the other way round.
      if (rel.def.options.foreignKeys) options.foreignKeys = rel.secondaryTarget.map(([, a]) => a.key);
    } else if (rel.def.options.foreignKeys) options.foreignKeys = rel.def.options.foreignKeys;
    if (rel.viewonly) options.viewonly = true;
    // Self-referential one-to-many: the reverse is the many-to-one side, which remoteSide marks.
    if (rel.parent.root === rel.target.root && rel.direction === "oneToMany" && options.remoteSide === undefined)
      options.remoteSide = rel.pairs.map(([one]) => one.key);
    const reverse = addRelationship(rel.target, name, new RelationshipDef(rel.parent.name, options));
    createdBackrefs.set(rel, reverse);
    this.#resolve(reverse, problems);
  }

  #linkBack(rel: RelationshipProperty, problems: string[]): void {
    const name = rel.def.options.backPopulates ?? backrefName(rel);
    if (name === undefined || !rel.target) return;
    const where = `relationship ${rel.parent.name}.${rel.key}`;
    const other = rel.target.byKey.get(name);
    if (!other) {
      problems.push(
        `${where} has backPopulates: "${name}", but ${rel.target.name} has no attribute ${name}; add ${name}: relationship("${rel.parent.name}", { backPopulates: "${rel.key}" }) to ${rel.target.name}, or fix the name`,
      );
      return;
    }
    if (other.kind !== "relationship") {
      problems.push(
        `${where} has backPopulates: "${name}", but ${rel.target.name}.${name} is a column, not a relationship; backPopulates names the relationship on the other side`,
      );
      return;
    }
    if (!other.target) return;
    if (!rel.parent.isA(other.target) && !other.target.isA(rel.parent)) {
      problems.push(
        `${where} has backPopulates: "${name}", but ${rel.target.name}.${name} points to ${other.target.name}, not back to ${rel.parent.name}`,
      );
      return;
    }
    const otherBack = other.def.options.backPopulates;
    if (otherBack !== undefined && otherBack !== rel.key) {
      problems.push(
        `${where} and ${rel.target.name}.${name} do not point at each other (${rel.target.name}.${name} has backPopulates: "${otherBack}"); make each name the other`,
      );
      return;
    }
    if ((rel.direction === "manyToMany") !== (other.direction === "manyToMany")) {
      problems.push(
        `${where} is ${rel.direction === "manyToMany" ? "many-to-many" : "not many-to-many"} but its back-reference ${rel.target.name}.${name} ${
          other.direction === "manyToMany" ? "is" : "is not"
        }; give both sides the same secondary table`,
      );
      return;
    }
    if (other.direction === rel.direction && rel.direction !== "manyToMany") {
      problems.push(
        `${where} and its back-reference ${rel.target.name}.${name} are both ${rel.direction === "oneToMany" ? "one-to-many" : "many-to-one"}${
          rel.parent.root === rel.target.root
            ? `; for a self-referential relationship, give the many-to-one side remoteSide: "${rel.target.pk[0]?.key ?? "id"}"`
            : ""
        }`,
      );
      return;
    }
    rel.backPopulates = other;
  }
}
