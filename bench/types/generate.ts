/**
 * Writes the type-checking benchmark's projects into bench/types/generated/ (git-ignored): the same
 * schema of 200 models (15 columns and 2 relationships each) and the same typical queries, once for
 * athanor and once for Drizzle ORM, one file per model, plus the tsconfigs run.ts checks. Called by
 * run.ts; runnable alone: `npx tsx bench/types/generate.ts`.
 *
 * Relationships: the models form rings of 10 (think of 20 feature areas). Each model has a foreign
 * key to the next model of its ring (a many-to-one) and receives the one from the previous model
 * (the one-to-many back side), so every model has exactly two relationships and its file imports
 * two other model files. BENCH_TYPES_RING=200 makes one ring of all models: a foreign-key chain
 * 200 deep, which overflows tsc's stack on the Drizzle schema (athanor's string foreign keys and
 * type-only imports do not chain).
 *
 * Columns: id, title and the foreign key, plus 12 of a pool of 20 realistic definitions (a
 * different rotation per model): strings with unique constraints or indexes, nullable text,
 * defaulted booleans, big integers, numerics, floats, dates, timestamps, times, JSON, UUIDs, enums.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const MODELS = 200;
const ROTATING = 12;
/** Models per ring of foreign keys (see above). */
const RING = Number(process.env.BENCH_TYPES_RING ?? 10);

export const GENERATED_DIR = join(dirname(fileURLToPath(import.meta.url)), "generated");

/** One column of the pool, written for both ORMs. */
interface ColumnSpec {
  readonly name: string;
  /** athanor: `column(…)` arguments. */
  readonly athanor: string;
  /** Drizzle (pg-core): the column builder chain. */
  readonly drizzle: string;
  /** The TypeScript type of the value (what a select gives back). */
  readonly ts: string;
  /** A literal to write, compare and insert. */
  readonly sample: string;
  /** INSERT may leave it out (nullable or defaulted). */
  readonly optional: boolean;
  readonly nullable: boolean;
  /** Gets an index (Drizzle declares it in the table's extra config). */
  readonly index?: boolean;
}

const PAYLOAD = "{ tags: string[]; score: number }";

const POOL: readonly ColumnSpec[] = [
  {
    name: "slug",
    athanor: "String(120), { unique: true }",
    drizzle: "varchar({ length: 120 }).notNull().unique()",
    ts: "string",
    sample: '"a-slug"',
    optional: false,
    nullable: false,
  },
  {
    name: "description",
    athanor: "Text, { nullable: true }",
    drizzle: "text()",
    ts: "string | null",
    sample: '"text"',
    optional: true,
    nullable: true,
  },
  {
    name: "isActive",
    athanor: "Boolean, { default: true }",
    drizzle: "boolean().notNull().default(true)",
    ts: "boolean",
    sample: "false",
    optional: true,
    nullable: false,
  },
  {
    name: "priority",
    athanor: "Integer, { index: true }",
    drizzle: "integer().notNull()",
    ts: "number",
    sample: "3",
    optional: false,
    nullable: false,
    index: true,
  },
  {
    name: "views",
    athanor: "BigInteger, { default: 0n }",
    drizzle: 'bigint({ mode: "bigint" }).notNull().default(0n)',
    ts: "bigint",
    sample: "10n",
    optional: true,
    nullable: false,
  },
  {
    name: "amount",
    athanor: "Numeric(10, 2)",
    drizzle: "numeric({ precision: 10, scale: 2 }).notNull()",
    ts: "string",
    sample: '"12.50"',
    optional: false,
    nullable: false,
  },
  {
    name: "ratio",
    athanor: "Float, { nullable: true }",
    drizzle: "doublePrecision()",
    ts: "number | null",
    sample: "0.5",
    optional: true,
    nullable: true,
  },
  {
    name: "birthDate",
    athanor: "DateOnly, { nullable: true }",
    drizzle: "date()",
    ts: "string | null",
    sample: '"2020-01-02"',
    optional: true,
    nullable: true,
  },
  {
    name: "createdAt",
    athanor: "DateTime({ timezone: true }), { default: () => new Date() }",
    drizzle: "timestamp({ withTimezone: true }).notNull().defaultNow()",
    ts: "Date",
    sample: "new Date()",
    optional: true,
    nullable: false,
  },
  {
    name: "startsAt",
    athanor: "Time, { nullable: true }",
    drizzle: "time()",
    ts: "string | null",
    sample: '"10:30:00"',
    optional: true,
    nullable: true,
  },
  {
    name: "payload",
    athanor: `Json<${PAYLOAD}>(), { nullable: true }`,
    drizzle: `jsonb().$type<${PAYLOAD}>()`,
    ts: `${PAYLOAD} | null`,
    sample: '{ tags: ["x"], score: 1 }',
    optional: true,
    nullable: true,
  },
  {
    name: "externalId",
    athanor: "Uuid, { unique: true }",
    drizzle: "uuid().notNull().unique()",
    ts: "string",
    sample: '"00000000-0000-0000-0000-000000000000"',
    optional: false,
    nullable: false,
  },
  {
    name: "status",
    athanor: 'Enum(["draft", "active", "archived"]), { default: "draft" }',
    drizzle: 'text({ enum: ["draft", "active", "archived"] }).notNull().default("draft")',
    ts: '"draft" | "active" | "archived"',
    sample: '"active"',
    optional: true,
    nullable: false,
  },
  {
    name: "notes",
    athanor: "String(500), { nullable: true }",
    drizzle: "varchar({ length: 500 })",
    ts: "string | null",
    sample: '"n"',
    optional: true,
    nullable: true,
  },
  {
    name: "code",
    athanor: "String(32), { index: true }",
    drizzle: "varchar({ length: 32 }).notNull()",
    ts: "string",
    sample: '"C-1"',
    optional: false,
    nullable: false,
    index: true,
  },
  {
    name: "rank",
    athanor: "SmallInteger, { default: 0 }",
    drizzle: "smallint().notNull().default(0)",
    ts: "number",
    sample: "2",
    optional: true,
    nullable: false,
  },
  {
    name: "updatedAt",
    athanor: "DateTime({ timezone: true }), { nullable: true, onUpdate: () => new Date() }",
    drizzle: "timestamp({ withTimezone: true }).$onUpdate(() => new Date())",
    ts: "Date | null",
    sample: "new Date()",
    optional: true,
    nullable: true,
  },
  {
    name: "archived",
    athanor: "Boolean, { serverDefault: false }",
    drizzle: "boolean().notNull().default(false)",
    ts: "boolean",
    sample: "true",
    optional: true,
    nullable: false,
  },
  {
    name: "publishedAt",
    athanor: "DateTime(), { nullable: true }",
    drizzle: "timestamp()",
    ts: "Date | null",
    sample: "new Date()",
    optional: true,
    nullable: true,
  },
  {
    name: "email",
    athanor: "String(255), { unique: true }",
    drizzle: "varchar({ length: 255 }).notNull().unique()",
    ts: "string",
    sample: '"a@example.com"',
    optional: false,
    nullable: false,
  },
];

/** Everything the writers need to know about one model. */
interface Model {
  readonly index: number;
  /** Class name (athanor), e.g. Model007. */
  readonly cls: string;
  /** Table variable (Drizzle), e.g. model007. */
  readonly v: string;
  /** SQL table name, e.g. model_007. */
  readonly table: string;
  /** File name without extension, e.g. model-007. */
  readonly file: string;
  /** The model this one's foreign key points at, and the one whose foreign key points here. */
  readonly parent: number;
  readonly child: number;
  /** Foreign key attribute (e.g. model008Id) and whether it is nullable. */
  readonly fk: string;
  readonly fkNullable: boolean;
  /** Many-to-one attribute (e.g. model008) and one-to-many attribute (e.g. model006List). */
  readonly toParent: string;
  readonly toChildren: string;
  readonly columns: readonly ColumnSpec[];
}

function pad(i: number): string {
  return String(i + 1).padStart(3, "0");
}

function buildModels(): Model[] {
  if (!Number.isInteger(RING) || RING < 2 || MODELS % RING !== 0) throw new Error(`BENCH_TYPES_RING must divide ${MODELS}, got ${RING}`);
  const out: Model[] = [];
  for (let i = 0; i < MODELS; i++) {
    const ring = Math.floor(i / RING) * RING;
    const parent = ring + ((i - ring + 1) % RING);
    const child = ring + ((i - ring - 1 + RING) % RING);
    const columns = Array.from({ length: ROTATING }, (_, k) => POOL[(i + k) % POOL.length]!);
    out.push({
      index: i,
      cls: `Model${pad(i)}`,
      v: `model${pad(i)}`,
      table: `model_${pad(i)}`,
      file: `model-${pad(i)}`,
      parent,
      child,
      fk: `model${pad(parent)}Id`,
      fkNullable: i % 3 === 0,
      toParent: `model${pad(parent)}`,
      toChildren: `model${pad(child)}List`,
      columns,
    });
  }
  return out;
}

const HEADER = "// Generated by bench/types/generate.ts; do not edit.\n";

// ---- athanor -------------------------------------------------------------------------------

function athanorModel(m: Model, all: readonly Model[]): string {
  const p = all[m.parent]!;
  const c = all[m.child]!;
  const types = new Set(["Integer", "String"]);
  for (const col of m.columns) types.add(col.athanor.match(/^[A-Za-z]+/)![0]);
  const lines = [
    HEADER + `import { mapped, column, relationship, ${[...types].sort().join(", ")} } from "athanor";`,
    `import { Base } from "./base.js";`,
    `import type { ${p.cls} } from "./${p.file}.js";`,
  ];
  if (c !== p) lines.push(`import type { ${c.cls} } from "./${c.file}.js";`);
  lines.push(
    "",
    "@mapped",
    `export class ${m.cls} extends Base.model("${m.table}", {`,
    `  id: column(Integer, { primaryKey: true }),`,
    `  title: column(String(200)),`,
    `  ${m.fk}: column(Integer, { foreignKey: "${p.table}.id", index: true${m.fkNullable ? ", nullable: true" : ""} }),`,
    ...m.columns.map((col) => `  ${col.name}: column(${col.athanor}),`),
    `  ${m.toParent}: relationship<${p.cls}${m.fkNullable ? " | null" : ""}>("${p.cls}", { backPopulates: "${p.toChildren}" }),`,
    `  ${m.toChildren}: relationship<${c.cls}[]>("${c.cls}", { backPopulates: "${c.toParent}" }),`,
    "}) {}",
    "",
  );
  return lines.join("\n");
}

/** The columns an INSERT must give (NOT NULL, no default), as `key: value`; the foreign key only if `fkValue` is given. */
function requiredValues(m: Model, fkValue: string | undefined): string {
  const out = ['title: "a title"'];
  if (fkValue !== undefined && !m.fkNullable) out.push(`${m.fk}: ${fkValue}`);
  for (const col of m.columns) if (!col.optional) out.push(`${col.name}: ${col.sample}`);
  return `{ ${out.join(", ")} }`;
}

function firstWith(m: Model, pred: (c: ColumnSpec) => boolean): ColumnSpec {
  const found = m.columns.find(pred);
  if (!found) throw new Error(`${m.cls} has no suitable column`);
  return found;
}

/** The columns the queries of a model use: one compared and selected, one nullable, one NOT NULL. */
function queryColumns(m: Model): { c0: ColumnSpec; nullable: ColumnSpec; required: ColumnSpec } {
  return {
    c0: firstWith(m, (col) => col.name !== "payload"),
    nullable: firstWith(m, (col) => col.nullable),
    required: firstWith(m, (col) => !col.nullable),
  };
}

/**
 * The same seven queries per model in both ORMs: entities filtered and ordered; some columns; INSERT
 * of one row and of rows returning entities; UPDATE; a new object saved; lookup by key and reading
 * its relationships; a join selecting two entities. Annotated locals make every result type count.
 */
function athanorQueries(m: Model, all: readonly Model[]): string {
  const p = all[m.parent]!;
  const c = all[m.child]!;
  const M = m.cls;
  const { c0, nullable, required } = queryColumns(m);
  return `
export async function ${m.v}Queries(s: Session): Promise<void> {
  const list: ${M}[] = await s.scalars(
    select(${M}).where(${M}.title.eq("x"), ${M}.${nullable.name}.isNull()).orderBy(${M}.id.desc()).limit(10),
  );
  const first: ${M} | undefined = list[0];
  if (first) first.${required.name} = ${required.sample};

  const picked = await s.execute(select(${M}.id, ${M}.title, ${M}.${c0.name}).where(${M}.${c0.name}.eq(${c0.sample})).orderBy(${M}.title));
  for (const r of picked.all()) {
    const id: number = r.id;
    const title: string = r.title;
    const v: ${c0.ts} = r.${c0.name};
    void [id, title, v];
  }

  await s.execute(insert(${M}).values(${requiredValues(m, "1")}));
  const made: ${M}[] = await s.scalars(insert(${M}).values([${requiredValues(m, "2")}]).returning(${M}));
  await s.execute(update(${M}).set({ title: "new", ${c0.name}: ${c0.sample} }).where(${M}.id.eq(made[0]?.id ?? 0)));

  const obj = new ${M}(${requiredValues(m, undefined)});
  obj.${c0.name} = ${c0.sample};
  s.add(obj);
  await s.flush();

  const got: ${M} | undefined = await s.get(${M}, 1);
  if (got) {
    const parent: ${p.cls}${m.fkNullable ? " | null" : ""} = got.${m.toParent};
    const children: ${c.cls}[] = got.${m.toChildren};
    const childTitle: string | undefined = children[0]?.title;
    void [parent, childTitle];
  }

  const joined = await s.execute(select(${M}, ${p.cls}).join(${p.cls}, ${M}.${m.fk}.eq(${p.cls}.id)).where(${p.cls}.title.like("a%")));
  for (const r of joined.all()) {
    const a: ${M} = r.${m.table};
    const b: ${p.cls} = r.${p.table};
    void [a, b];
  }
}
`;
}

function writeAthanor(dir: string, models: readonly Model[]): void {
  const mdir = join(dir, "models");
  mkdirSync(mdir, { recursive: true });
  writeFileSync(
    join(mdir, "base.ts"),
    HEADER +
      `import { declarativeBase, defaultNamingConvention, MetaData } from "athanor";

export const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });
`,
  );
  for (const m of models) writeFileSync(join(mdir, `${m.file}.ts`), athanorModel(m, models));
  writeFileSync(join(mdir, "index.ts"), HEADER + models.map((m) => `export { ${m.cls} } from "./${m.file}.js";`).join("\n") + "\n");
  writeFileSync(
    join(dir, "queries.ts"),
    HEADER +
      `import { createEngine, insert, select, Session, update } from "athanor";
import { ${models.map((m) => m.cls).join(", ")} } from "./models/index.js";

export const session = new Session(createEngine(process.env.DATABASE_URL ?? "postgresql://localhost/bench"));
` +
      models.map((m) => athanorQueries(m, models)).join(""),
  );
}

// ---- Drizzle --------------------------------------------------------------------------------

function drizzleModel(m: Model, all: readonly Model[]): string {
  const p = all[m.parent]!;
  const c = all[m.child]!;
  const builders = new Set(["integer", "varchar", "index"]);
  for (const col of m.columns) builders.add(col.drizzle.match(/^[A-Za-z]+/)![0]);
  // The reference that closes a ring needs a return type, as Drizzle documents for circular references.
  const closes = m.parent < m.index;
  if (closes) builders.add("type AnyPgColumn");
  const indexed = [m.fk, ...m.columns.filter((col) => col.index).map((col) => col.name)];
  const lines = [
    HEADER + `import { relations } from "drizzle-orm";`,
    `import { pgTable, ${[...builders].sort().join(", ")} } from "drizzle-orm/pg-core";`,
    `import { ${p.v} } from "./${p.file}.js";`,
  ];
  if (c !== p) lines.push(`import { ${c.v} } from "./${c.file}.js";`);
  lines.push(
    "",
    `export const ${m.v} = pgTable(`,
    `  "${m.table}",`,
    "  {",
    `    id: integer().primaryKey().generatedAlwaysAsIdentity(),`,
    `    title: varchar({ length: 200 }).notNull(),`,
    `    ${m.fk}: integer()${m.fkNullable ? "" : ".notNull()"}.references(${closes ? "(): AnyPgColumn" : "()"} => ${p.v}.id),`,
    ...m.columns.map((col) => `    ${col.name}: ${col.drizzle},`),
    "  },",
    `  (t) => [${indexed.map((k) => `index().on(t.${k})`).join(", ")}],`,
    ");",
    "",
    `export const ${m.v}Relations = relations(${m.v}, ({ one, many }) => ({`,
    `  ${m.toParent}: one(${p.v}, { fields: [${m.v}.${m.fk}], references: [${p.v}.id] }),`,
    `  ${m.toChildren}: many(${c.v}),`,
    "}));",
    "",
  );
  return lines.join("\n");
}

/** The Drizzle twin of athanorQueries; `relational: false` leaves out the db.query (relational API) part. */
function drizzleQueries(m: Model, all: readonly Model[], relational: boolean): string {
  const p = all[m.parent]!;
  const c = all[m.child]!;
  const t = m.v;
  const { c0, nullable, required } = queryColumns(m);
  const Row = `typeof ${t}.$inferSelect`;
  const ParentRow = `typeof ${p.v}.$inferSelect`;
  const lookup = `
  const got: ${Row} | undefined = await db.query.${t}.findFirst({ where: eq(${t}.id, 1) });
  void got;
  const withRelations = await db.query.${t}.findMany({ where: eq(${t}.id, 1), with: { ${m.toParent}: true, ${m.toChildren}: true } });
  for (const r of withRelations) {
    const parent: ${ParentRow}${m.fkNullable ? " | null" : ""} = r.${m.toParent};
    const children: (typeof ${c.v}.$inferSelect)[] = r.${m.toChildren};
    const childTitle: string | undefined = children[0]?.title;
    void [parent, childTitle];
  }
`;
  return `
export async function ${t}Queries(): Promise<void> {
  const list: ${Row}[] = await db
    .select()
    .from(${t})
    .where(and(eq(${t}.title, "x"), isNull(${t}.${nullable.name})))
    .orderBy(desc(${t}.id))
    .limit(10);
  const first: ${Row} | undefined = list[0];
  if (first) first.${required.name} = ${required.sample};

  const picked = await db
    .select({ id: ${t}.id, title: ${t}.title, ${c0.name}: ${t}.${c0.name} })
    .from(${t})
    .where(eq(${t}.${c0.name}, ${c0.sample}))
    .orderBy(${t}.title);
  for (const r of picked) {
    const id: number = r.id;
    const title: string = r.title;
    const v: ${c0.ts} = r.${c0.name};
    void [id, title, v];
  }

  await db.insert(${t}).values(${requiredValues(m, "1")});
  const made: ${Row}[] = await db.insert(${t}).values([${requiredValues(m, "2")}]).returning();
  await db.update(${t}).set({ title: "new", ${c0.name}: ${c0.sample} }).where(eq(${t}.id, made[0]?.id ?? 0));

  const obj: typeof ${t}.$inferInsert = ${requiredValues(m, "3")};
  obj.${c0.name} = ${c0.sample};
  await db.insert(${t}).values(obj);
${relational ? lookup : ""}
  const joined = await db.select().from(${t}).innerJoin(${p.v}, eq(${t}.${m.fk}, ${p.v}.id)).where(like(${p.v}.title, "a%"));
  for (const r of joined) {
    const a: ${Row} = r.${m.table};
    const b: ${ParentRow} = r.${p.table};
    void [a, b];
  }
}
`;
}

function writeDrizzle(dir: string, models: readonly Model[]): void {
  const sdir = join(dir, "schema");
  mkdirSync(sdir, { recursive: true });
  for (const m of models) writeFileSync(join(sdir, `${m.file}.ts`), drizzleModel(m, models));
  writeFileSync(join(sdir, "index.ts"), HEADER + models.map((m) => `export * from "./${m.file}.js";`).join("\n") + "\n");
  const head = (relational: boolean): string =>
    HEADER +
    `import { and, desc, eq, isNull, like } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
${relational ? `import * as schema from "./schema/index.js";\n` : ""}import { ${models.map((m) => m.v).join(", ")} } from "./schema/index.js";

export const db = drizzle(process.env.DATABASE_URL ?? "postgresql://localhost/bench", { ${relational ? "schema, " : ""}casing: "snake_case" });
`;
  writeFileSync(join(dir, "queries.ts"), head(true) + models.map((m) => drizzleQueries(m, models, true)).join(""));
  writeFileSync(join(dir, "queries-core.ts"), head(false) + models.map((m) => drizzleQueries(m, models, false)).join(""));
}

// ---- projects -------------------------------------------------------------------------------

/** Where run.ts emits athanor's declarations (what the published package ships) for the `.d.ts` projects. */
export const ATHANOR_DECLARATIONS = "athanor-lib";

/** One type-checked project: a tsconfig under GENERATED_DIR. */
export interface Project {
  readonly id: string;
  readonly label: string;
  readonly tsconfig: string;
  /** Checks athanor through its emitted declarations (run.ts emits them first). */
  readonly declarations?: boolean;
}

export const PROJECTS: readonly Project[] = [
  { id: "athanor", label: "athanor, schema + queries (src/)", tsconfig: "athanor/tsconfig.json" },
  { id: "athanor-dts", label: "athanor, schema + queries (.d.ts)", tsconfig: "athanor/tsconfig.dts.json", declarations: true },
  { id: "drizzle", label: "Drizzle, schema + queries", tsconfig: "drizzle/tsconfig.json" },
  { id: "drizzle-core", label: "Drizzle, same without db.query", tsconfig: "drizzle/tsconfig.core.json" },
  { id: "athanor-dts-models", label: "athanor, schema only (.d.ts)", tsconfig: "athanor/tsconfig.dts-models.json", declarations: true },
  { id: "drizzle-schema", label: "Drizzle, schema only", tsconfig: "drizzle/tsconfig.schema.json" },
  { id: "athanor-baseline", label: "athanor, import only (src/)", tsconfig: "baseline/tsconfig.athanor.json" },
  { id: "athanor-dts-baseline", label: "athanor, import only (.d.ts)", tsconfig: "baseline/tsconfig.athanor-dts.json", declarations: true },
  { id: "drizzle-baseline", label: "Drizzle, import only", tsconfig: "baseline/tsconfig.drizzle.json" },
];

/**
 * Every project extends the root tsconfig, so both ORMs are checked with the same flags (strict,
 * noUncheckedIndexedAccess, skipLibCheck, …) and `athanor` resolves to src/ through the root's
 * `paths`; the `.d.ts` projects point it at the emitted declarations instead.
 */
function writeTsconfig(file: string, include: readonly string[], declarations = false): void {
  const compilerOptions: Record<string, unknown> = { noEmit: true };
  if (declarations) compilerOptions.paths = { athanor: [`../${ATHANOR_DECLARATIONS}/index.d.ts`] };
  const config = { extends: "../../../../tsconfig.json", compilerOptions, include, exclude: [] };
  writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
}

export function generate(): void {
  rmSync(GENERATED_DIR, { recursive: true, force: true });
  const models = buildModels();
  const athanor = join(GENERATED_DIR, "athanor");
  const drizzle = join(GENERATED_DIR, "drizzle");
  const baseline = join(GENERATED_DIR, "baseline");
  for (const d of [athanor, drizzle, baseline]) mkdirSync(d, { recursive: true });
  writeAthanor(athanor, models);
  writeDrizzle(drizzle, models);
  writeFileSync(
    join(baseline, "athanor.ts"),
    HEADER +
      `import { createEngine, declarativeBase, select, Session } from "athanor";

export const Base = declarativeBase();
export const session = new Session(createEngine("postgresql://localhost/bench"));
export const parts = [select];
`,
  );
  writeFileSync(
    join(baseline, "drizzle.ts"),
    HEADER +
      `import { eq, relations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable } from "drizzle-orm/pg-core";

export const db = drizzle("postgresql://localhost/bench");
export const parts = [eq, relations, pgTable];
`,
  );
  writeTsconfig(join(athanor, "tsconfig.json"), ["models/*.ts", "queries.ts"]);
  writeTsconfig(join(athanor, "tsconfig.dts.json"), ["models/*.ts", "queries.ts"], true);
  writeTsconfig(join(athanor, "tsconfig.dts-models.json"), ["models/*.ts"], true);
  writeTsconfig(join(drizzle, "tsconfig.json"), ["schema/*.ts", "queries.ts"]);
  writeTsconfig(join(drizzle, "tsconfig.core.json"), ["schema/*.ts", "queries-core.ts"]);
  writeTsconfig(join(drizzle, "tsconfig.schema.json"), ["schema/*.ts"]);
  writeTsconfig(join(baseline, "tsconfig.athanor.json"), ["athanor.ts"]);
  writeTsconfig(join(baseline, "tsconfig.athanor-dts.json"), ["athanor.ts"], true);
  writeTsconfig(join(baseline, "tsconfig.drizzle.json"), ["drizzle.ts"]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  generate();
  console.log(`wrote ${MODELS} models per ORM to ${GENERATED_DIR}`);
}
