/**
 * The round trip on random schema pairs, on every database: a random v1 is created, compared with
 * a random v2 derived from it (tables and columns added and dropped, nullability flipped, string
 * lengths changed, indexes and unique constraints), the operations rendered as a revision file,
 * which is imported and applied: the database then compares equal to v2, and after the downgrade
 * to v1. fast-check runs with a fixed seed, printed on failure.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, expect, it } from "vitest";
import fc from "fast-check";
import {
  Boolean,
  column,
  DateTime,
  defaultNamingConvention,
  foreignKey,
  Integer,
  MetaData,
  Numeric,
  sql,
  String as Str,
  Table,
  Text,
} from "athanor";
import { Operations, renderRevision, type RevisionDefinition } from "athanor/migrate";
import { reflect } from "../../src/migrate/reflect.js";
import { compareMetadata } from "../../src/migrate/compare/compare.js";
import { applyOps } from "../../src/migrate/apply.js";
import { forEachDialect } from "../support/dialects.js";

const SEED = 20261121;
const RUNS = 25;
const DIR = join(resolve(import.meta.dirname, "../.."), ".scratch", `render-property-${process.pid}-${Date.now()}`);
mkdirSync(DIR, { recursive: true });
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

type Kind = "int" | "str" | "text" | "bool" | "num" | "date";
interface ColumnSpec {
  readonly kind: Kind;
  readonly length: number;
  readonly nullable: boolean;
  /** An index or a unique constraint on the column alone (never on Text: MySQL cannot index it whole). */
  readonly keyed: "none" | "index" | "unique";
  /** A server default (so an added NOT NULL column can fill existing rows). */
  readonly withDefault: boolean;
}
interface TableSpec {
  readonly columns: readonly (ColumnSpec | null)[];
  readonly child: boolean;
}

const columnSpec = (added = false): fc.Arbitrary<ColumnSpec> =>
  fc
    .record({
      kind: fc.constantFrom<Kind>("int", "str", "text", "bool", "num", "date"),
      length: fc.constantFrom(20, 50, 120),
      nullable: fc.boolean(),
      keyed: fc.constantFrom<ColumnSpec["keyed"]>("none", "none", "index", "unique"),
      withDefault: fc.boolean(),
    })
    // A column added to a table with rows must accept NULL or have a default.
    .map((c) => (added && !c.nullable ? { ...c, withDefault: true } : c));

const tableSpec = fc.record({ columns: fc.array(columnSpec(), { minLength: 1, maxLength: 4 }), child: fc.boolean() });

/** A change of one column: kept, dropped (null), nullability flipped, length changed, key changed. */
function mutate(c: ColumnSpec): fc.Arbitrary<ColumnSpec | null> {
  return fc.oneof(
    fc.constant(c),
    fc.constant(null),
    fc.constant({ ...c, nullable: !c.nullable }),
    fc.constantFrom(20, 50, 120).map((length) => ({ ...c, length })),
    fc.constantFrom<ColumnSpec["keyed"]>("none", "index", "unique").map((keyed) => ({ ...c, keyed })),
  );
}

/** v1 and v2: the first table stays (children point at it); others may go; columns change; some are added. */
const schemaPair = fc.array(tableSpec, { minLength: 1, maxLength: 3 }).chain((v1) =>
  fc
    .tuple(
      fc.tuple(
        ...v1.map((t, i) =>
          fc.record({
            keep: i === 0 ? fc.constant(true) : fc.boolean(),
            columns: fc.tuple(...t.columns.map((c) => (c ? mutate(c) : fc.constant(null)))),
            added: fc.array(columnSpec(true), { maxLength: 2 }),
          }),
        ),
      ),
      fc.array(tableSpec, { maxLength: 1 }),
    )
    .map(([changes, created]) => {
      const v2: (TableSpec | null)[] = changes.map((ch, i) =>
        ch.keep ? { child: v1[i]!.child, columns: [...ch.columns, ...ch.added] } : null,
      );
      return { v1: v1 as (TableSpec | null)[], v2: [...v2, ...created] };
    }),
);

function typeOf(c: ColumnSpec) {
  switch (c.kind) {
    case "int":
      return Integer;
    case "str":
      return Str(c.length);
    case "text":
      return Text;
    case "bool":
      return Boolean;
    case "num":
      return Numeric(10, 2);
    case "date":
      return DateTime;
  }
}

/** A default of the column's type: a plain value, or sql`…` for the date. */
function defaultOf(c: ColumnSpec) {
  switch (c.kind) {
    case "int":
      return 7;
    case "str":
    case "text":
      return "it's";
    case "bool":
      return false;
    case "num":
      return "1.50";
    case "date":
      return sql`CURRENT_TIMESTAMP`;
  }
}

function model(prefix: string, tables: readonly (TableSpec | null)[]): MetaData {
  const md = new MetaData({ namingConvention: defaultNamingConvention });
  tables.forEach((t, i) => {
    if (!t) return;
    const defs: Record<string, ReturnType<typeof column>> = { id: column(Integer, { primaryKey: true }) };
    if (i > 0 && t.child)
      defs.parent_id = column(Integer, { nullable: true, foreignKey: foreignKey(`${prefix}_t0.id`, { onDelete: "CASCADE" }) });
    t.columns.forEach((c, k) => {
      if (!c) return;
      const keyed = c.kind === "text" ? "none" : c.keyed;
      defs[`c${k}`] = column(typeOf(c), {
        nullable: c.nullable,
        index: keyed === "index",
        unique: keyed === "unique",
        serverDefault: c.withDefault ? defaultOf(c) : undefined,
      });
    });
    new Table(`${prefix}_t${i}`, md, defs);
  });
  return md;
}

let runs = 0;

forEachDialect((db) => {
  const compare = async (md: MetaData) =>
    compareMetadata(md, await reflect(db.engine), db.engine.dialect).map(
      (o) =>
        `${o.kind} ${JSON.stringify(o, (k, v) => (k === "table" && typeof v === "object" ? v?.name : k === "column" && typeof v === "object" ? v?.name : k === "target" || k === "index" || k === "constraint" ? undefined : v))}`,
    );

  async function apply(revision: RevisionDefinition, direction: "upgrade" | "downgrade"): Promise<void> {
    const op = new Operations(db.engine.dialect);
    await revision[direction](op);
    await using conn = await db.engine.connect();
    await applyOps(conn, op.recorded);
  }

  it(`random v1 → v2 pairs render, upgrade to v2 and downgrade to v1 (seed ${SEED}, ${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(schemaPair, async ({ v1, v2 }) => {
        const prefix = `p${++runs}`;
        const before = model(prefix, v1);
        const after = model(prefix, v2);
        await before.createAll(db.engine);
        const ops = compareMetadata(after, await reflect(db.engine), db.engine.dialect);
        const text = renderRevision({
          id: prefix,
          revises: null,
          message: prefix,
          createdAt: new Date(0),
          upgrade: ops,
          dialect: db.engine.dialect,
        });
        const file = join(DIR, `${prefix}-${db.name}.ts`);
        writeFileSync(file, text);
        const revision = ((await import(pathToFileURL(file).href)) as { default: RevisionDefinition }).default;
        await apply(revision, "upgrade");
        expect(await compare(after)).toEqual([]);
        await apply(revision, "downgrade");
        expect(await compare(before)).toEqual([]);
        await before.dropAll(db.engine);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
