/**
 * Mapped inheritance on real databases: single-table subclasses (columns added to the base table,
 * rows told apart by a discriminator), joined-table subclasses (their own table, keyed by the
 * parent's row), polymorphic loading, the identity map across a hierarchy, subclass DML through the
 * Core, definition errors, and abstract bases shared by several models.
 */
import { beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  ArgumentError,
  column,
  DataError,
  declarativeBase,
  defaultNamingConvention,
  deleteFrom,
  func,
  insert,
  inspect,
  Integer,
  MappingError,
  mapped,
  MetaData,
  ObjectStateError,
  select,
  Session,
  StaleDataError,
  String,
  timestamps,
  update,
  type Column,
  type Connection,
  type Table,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables, recordStatements } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

// ---- an employee hierarchy: single-table (Manager, Director, Intern) and joined-table (Engineer, Architect)

@mapped
class Employee extends Base.model(
  "employees",
  {
    id: column(Integer, { primaryKey: true }),
    kind: column(String(20)),
    name: column(String(100)),
  },
  { polymorphicOn: "kind", polymorphicIdentity: "employee" },
) {
  introduce(): string {
    return `${this.name} (${this.kind})`;
  }
}

/** Single-table, with its own nullable columns. */
@mapped
class Manager extends Base.subclass(
  Employee,
  { reports: column(Integer, { nullable: true }), budget: column(Integer, { nullable: true }) },
  { polymorphicIdentity: "manager" },
) {}

/** Single-table below a single-table subclass. */
@mapped
class Director extends Base.subclass(Manager, { division: column(String(50), { nullable: true }) }, { polymorphicIdentity: "director" }) {}

/** Single-table, no columns of its own. */
@mapped
class Intern extends Base.subclass(Employee, {}, { polymorphicIdentity: "intern" }) {}

/** Joined-table. */
@mapped
class Engineer extends Base.subclass(
  Employee,
  "engineers",
  { language: column(String(40)), level: column(Integer, { default: 1 }) },
  { polymorphicIdentity: "engineer" },
) {}

/** Joined-table, second level. */
@mapped
class Architect extends Base.subclass(Engineer, "architects", { domain: column(String(60)) }, { polymorphicIdentity: "architect" }) {}

// ---- an abstract base shared by two models

abstract class Entity extends Base.abstract(
  {
    id: column(Integer, { primaryKey: true }),
    slug: column(String(60)),
    version: column(Integer, { default: 1 }),
    ...timestamps(),
  },
  { versionColumn: "version", validates: { slug: (v) => v.trim().toLowerCase() } },
) {
  describe(): string {
    return `${inspect(this).model.name}:${this.slug}#${this.id}`;
  }
}

@mapped
class Tag extends Entity.model("tags", { label: column(String(50)) }) {}

@mapped
class Topic extends Entity.model("topics", { title: column(String(80)) }, { validates: { title: (v) => v.trim() } }) {}

const employeesTable = (): Table => inspect(Employee).table;
const engineersTable = (): Table => inspect(Engineer).table;
const architectsTable = (): Table => inspect(Architect).table;

async function employeeRows(conn: Connection): Promise<Array<{ id: number; kind: string; name: string }>> {
  return (await conn.execute(select(Employee.id, Employee.kind, Employee.name).orderBy(Employee.id))).rows;
}

async function idsIn(conn: Connection, table: Table): Promise<number[]> {
  const id = table.column("id") as Column<"id", number, false>;
  return (await conn.scalars(select(id).orderBy(id))).map(Number);
}

/** One of each class, committed; returns their ids. */
async function seedStaff(session: Session, tag: string) {
  const boss = new Manager({ name: `boss-${tag}`, reports: 3 });
  const head = new Director({ name: `head-${tag}`, reports: 12, division: "R&D" });
  const newbie = new Intern({ name: `newbie-${tag}` });
  const plain = new Employee({ name: `plain-${tag}` });
  const dev = new Engineer({ name: `dev-${tag}`, language: "typescript" });
  const arch = new Architect({ name: `arch-${tag}`, language: "rust", level: 4, domain: "storage" });
  session.addAll([plain, boss, head, newbie, dev, arch]);
  await session.commit();
  return { plain: plain.id, boss: boss.id, head: head.id, newbie: newbie.id, dev: dev.id, arch: arch.id };
}

/** A throwaway base for definition errors, so a rejected model cannot affect the file's models. */
function throwawayHierarchy() {
  const B = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });
  @mapped
  class Staff extends B.model(
    "staff",
    { id: column(Integer, { primaryKey: true }), kind: column(String(20), { default: "staff" }), name: column(String(50)) },
    { polymorphicOn: "kind", polymorphicIdentity: "staff" },
  ) {}
  @mapped
  class Boss extends B.subclass(Staff, { reports: column(Integer, { nullable: true }) }, { polymorphicIdentity: "boss" }) {}
  return { B, Staff, Boss };
}

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error, none was thrown");
}

forEachDialect((db) => {
  describe("types", () => {
    it("subclass instances have the base's and their own attributes, typed", () => {
      expectTypeOf<Manager["reports"]>().toEqualTypeOf<number | null>();
      expectTypeOf<Manager["name"]>().toEqualTypeOf<string>();
      expectTypeOf<Director["division"]>().toEqualTypeOf<string | null>();
      expectTypeOf<Director["reports"]>().toEqualTypeOf<number | null>();
      expectTypeOf<Architect["language"]>().toEqualTypeOf<string>();
      expectTypeOf<Architect["domain"]>().toEqualTypeOf<string>();
      expectTypeOf<Architect["kind"]>().toEqualTypeOf<string>();
      expectTypeOf<Architect>().toMatchTypeOf<Engineer>();
      expectTypeOf<Architect>().toMatchTypeOf<Employee>();
      expectTypeOf<Manager["introduce"]>().toEqualTypeOf<() => string>();
      // Class-side columns of the subclass and the inherited ones.
      expectTypeOf(Manager.reports.__ts).toEqualTypeOf<number | null>();
      expectTypeOf(Director.division.__ts).toEqualTypeOf<string | null>();
      expectTypeOf(Architect.name).toEqualTypeOf(Employee.name);
      // Required constructor arguments come from every level.
      // @ts-expect-error language is NOT NULL without a default
      void (() => new Engineer({ name: "x" }));
      // @ts-expect-error domain is required for an Architect
      void (() => new Architect({ name: "x", language: "go" }));
      expectTypeOf<Tag["describe"]>().toEqualTypeOf<() => string>();
      expectTypeOf<Tag["createdAt"]>().toEqualTypeOf<Date>();
      expectTypeOf<Topic["title"]>().toEqualTypeOf<string>();
    });
  });

  let ddl: string[] = [];
  beforeAll(async () => {
    const rec = recordStatements(db.engine);
    try {
      await Base.metadata.createAll(db.engine);
    } finally {
      rec.stop();
    }
    ddl = rec.sql;
  });
  beforeEach(() => emptyTables(db.engine, Base.metadata));

  const createTable = (name: string): string => {
    const found = ddl.find((s) => new RegExp(`^\\s*CREATE TABLE\\s+[\`"]?${name}[\`"]?\\s*\\(`, "i").test(s));
    if (!found) throw new Error(`no CREATE TABLE ${name} among:\n${ddl.join("\n")}`);
    return found;
  };
  const q = '[`"]?';

  describe("schema", () => {
    it("adds single-table subclass columns to the base table, nullable, and creates no table for them", () => {
      expect(inspect(Manager).table).toBe(employeesTable());
      expect(inspect(Director).table).toBe(employeesTable());
      expect(inspect(Intern).tables).toEqual([employeesTable()]);
      const cols = employeesTable().columnList.map((c) => c.name);
      expect(cols).toEqual(["id", "kind", "name", "reports", "budget", "division"]);
      for (const name of ["reports", "budget", "division"]) expect(employeesTable().column(name).spec.nullable).toBe(true);
      expect(Base.metadata.sortedTables.map((t) => t.name).sort()).toEqual(["architects", "employees", "engineers", "tags", "topics"]);

      const create = createTable("employees");
      for (const name of ["reports", "budget", "division"]) {
        const line = create.split("\n").find((l) => new RegExp(`^\\s*${q}${name}${q}\\s`).test(l));
        expect(line, `column ${name} in\n${create}`).toBeDefined();
        expect(line).not.toMatch(/NOT NULL/i);
      }
      expect(ddl.some((s) => /\(manager\)|\(director\)|\(intern\)/.test(s))).toBe(false);
    });

    it("gives a joined subclass its own table whose primary key references the parent's, ON DELETE CASCADE", () => {
      for (const [cls, parentTable] of [
        [Engineer, employeesTable()],
        [Architect, engineersTable()],
      ] as const) {
        const table = inspect(cls).table;
        expect(table.primaryKey.columns.map((c) => c.name)).toEqual(["id"]);
        expect(table.foreignKeys).toHaveLength(1);
        const fk = table.foreignKeys[0]!;
        expect(fk.columns.map((c) => c.name)).toEqual(["id"]);
        expect(fk.onDelete).toBe("CASCADE");
        expect(fk.resolve().table.name, `${table.name} references its parent table`).toBe(parentTable.name);
        expect(fk.resolve().columns.map((c) => c.name)).toEqual(["id"]);
      }
      expect(inspect(Engineer).tables.map((t) => t.name)).toEqual(["employees", "engineers"]);
      expect(inspect(Architect).tables.map((t) => t.name)).toEqual(["employees", "engineers", "architects"]);
      expect(
        engineersTable()
          .columnList.map((c) => c.name)
          .sort(),
      ).toEqual(["id", "language", "level"]);

      const eng = createTable("engineers");
      expect(eng).toMatch(
        new RegExp(`FOREIGN KEY\\s*\\(${q}id${q}\\)\\s*REFERENCES\\s*${q}employees${q}\\s*\\(${q}id${q}\\)\\s*ON DELETE CASCADE`, "i"),
      );
      expect(eng).toMatch(new RegExp(`PRIMARY KEY\\s*\\(${q}id${q}\\)`, "i"));
      expect(eng).not.toMatch(/\bname\b|\bkind\b/);
      const arch = createTable("architects");
      expect(arch).toMatch(new RegExp(`REFERENCES\\s*${q}engineers${q}\\s*\\(${q}id${q}\\)\\s*ON DELETE CASCADE`, "i"));
    });

    it("the database removes the subclass rows when the base row is deleted (ON DELETE CASCADE)", async () => {
      await using s = new Session(db.engine);
      const arch = new Architect({ name: "cascade", language: "c", domain: "kernels" });
      s.add(arch);
      await s.flush();
      const conn = await s.connection();
      expect(await idsIn(conn, architectsTable())).toEqual([arch.id]);
      await conn.execute(deleteFrom(employeesTable()).where(Employee.id.eq(arch.id)));
      expect(await idsIn(conn, engineersTable())).toEqual([]);
      expect(await idsIn(conn, architectsTable())).toEqual([]);
    });
  });

  describe("writing through a Session", () => {
    it("sets the discriminator at construction and writes joined rows to every table", async () => {
      const boss = new Manager({ name: "Mia", reports: 2 });
      const newbie = new Intern({ name: "Ian" });
      const dev = new Engineer({ name: "Dora", language: "go" });
      const arch = new Architect({ name: "Abe", language: "rust", domain: "networks" });
      const plain = new Employee({ name: "Pat" });
      expect([boss.kind, newbie.kind, dev.kind, arch.kind, plain.kind]).toEqual(["manager", "intern", "engineer", "architect", "employee"]);
      expect(dev.level).toBe(1);

      await using s = new Session(db.engine);
      s.addAll([boss, newbie, dev, arch, plain]);
      await s.flush();
      for (const o of [boss, newbie, dev, arch, plain]) expect(inspect(o).status).toBe("persistent");
      // The joined objects' keys were generated by the base table and shared with their own rows.
      expect(typeof dev.id).toBe("number");
      expect(new Set([boss.id, newbie.id, dev.id, arch.id, plain.id]).size).toBe(5);

      const conn = await s.connection();
      const rows = await employeeRows(conn);
      expect(rows).toEqual(
        [boss, newbie, dev, arch, plain].map((o) => ({ id: o.id, kind: o.kind, name: o.name })).sort((a, b) => a.id - b.id),
      );
      const eng = (
        await conn.execute(select(engineersTable().column("id"), Engineer.language, Engineer.level).orderBy(engineersTable().column("id")))
      ).rows;
      expect(eng.map((r) => ({ id: Number(r.id), language: r.language, level: r.level }))).toEqual(
        [dev, arch].map((o) => ({ id: o.id, language: o.language, level: o.level })).sort((a, b) => a.id - b.id),
      );
      expect(await idsIn(conn, architectsTable())).toEqual([arch.id]);
      expect(await conn.scalar(select(Architect.domain).from(architectsTable()))).toBe("networks");
      const mgr = await conn.execute(select(Manager.reports, Manager.budget).from(employeesTable()).where(Employee.id.eq(boss.id)));
      expect(mgr.rows).toEqual([{ reports: 2, budget: null }]);
    });

    it("updates base and subclass columns of a joined subclass in their own tables", async () => {
      let id: number;
      {
        await using s = new Session(db.engine);
        id = (await seedStaff(s, "upd")).arch;
      }
      await using s = new Session(db.engine);
      const arch = await s.getOne(Architect, id);
      const rec = recordStatements(db.engine);
      try {
        arch.name = "renamed";
        arch.language = "zig";
        arch.domain = "compilers";
        await s.flush();
        expect(rec.count(/^\s*UPDATE\s+[`"]?employees[`"]?\s+SET/i)).toBe(1);
        expect(rec.count(/^\s*UPDATE\s+[`"]?engineers[`"]?\s+SET/i)).toBe(1);
        expect(rec.count(/^\s*UPDATE\s+[`"]?architects[`"]?\s+SET/i)).toBe(1);
        const empUpdate = rec.sql.find((x) => /UPDATE\s+[`"]?employees/i.test(x))!;
        expect(empUpdate).toMatch(/name/);
        expect(empUpdate).not.toMatch(/language|domain/);

        // Only a subclass column changes: only its table is written.
        rec.clear();
        arch.domain = "databases";
        await s.flush();
        expect(rec.sql.filter((x) => /^\s*UPDATE/i.test(x))).toHaveLength(1);
        expect(rec.count(/^\s*UPDATE\s+[`"]?architects[`"]?/i)).toBe(1);
      } finally {
        rec.stop();
      }
      const conn = await s.connection();
      expect((await employeeRows(conn)).find((r) => r.id === id)?.name).toBe("renamed");
      expect(await conn.scalar(select(Engineer.language).from(engineersTable()).where(engineersTable().column("id").eq(id)))).toBe("zig");
      expect(await conn.scalar(select(Architect.domain).from(architectsTable()).where(architectsTable().column("id").eq(id)))).toBe(
        "databases",
      );
      expect(s.isModified(arch)).toBe(false);
    });

    it("updates a single-table subclass's own columns in the base table", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "sti-upd");
      }
      await using s = new Session(db.engine);
      const head = await s.getOne(Director, ids.head);
      const rec = recordStatements(db.engine);
      try {
        head.division = "Legal";
        head.budget = 5;
        await s.flush();
        expect(rec.sql.filter((x) => /^\s*UPDATE/i.test(x))).toHaveLength(1);
        expect(rec.sql.find((x) => /^\s*UPDATE/i.test(x))).toMatch(/^\s*UPDATE\s+[`"]?employees/i);
      } finally {
        rec.stop();
      }
      const conn = await s.connection();
      const row = await conn.execute(select(Director.division, Manager.budget, Employee.kind).where(Employee.id.eq(ids.head)));
      expect(row.rows).toEqual([{ division: "Legal", budget: 5, kind: "director" }]);
    });

    it("deleting a joined subclass object removes its rows from every table, subclass tables first", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "del");
      }
      await using s = new Session(db.engine);
      const arch = await s.getOne(Employee, ids.arch);
      const boss = await s.getOne(Manager, ids.boss);
      const rec = recordStatements(db.engine);
      try {
        s.delete(arch);
        s.delete(boss);
        await s.flush();
        const deletes = rec.sql.filter((x) => /^\s*DELETE/i.test(x)).map((x) => /DELETE FROM\s+[`"]?(\w+)/i.exec(x)?.[1]);
        expect(deletes.indexOf("architects")).toBeLessThan(deletes.indexOf("engineers"));
        expect(deletes.indexOf("engineers")).toBeLessThan(deletes.lastIndexOf("employees"));
      } finally {
        rec.stop();
      }
      const conn = await s.connection();
      const left = (await employeeRows(conn)).map((r) => r.id);
      expect(left).not.toContain(ids.arch);
      expect(left).not.toContain(ids.boss);
      expect(left).toContain(ids.dev);
      expect(await idsIn(conn, engineersTable())).toEqual([ids.dev]);
      expect(await idsIn(conn, architectsTable())).toEqual([]);
      expect(s.contains(arch)).toBe(false);
    });
  });

  describe("polymorphic loading", () => {
    it("select(Base) returns instances of each row's class with the subclass attributes loaded", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "poly");
      }
      await using s = new Session(db.engine);
      const all = await s.scalars(select(Employee).orderBy(Employee.id));
      const byId = new Map(all.map((e) => [e.id, e]));
      expect(all).toHaveLength(6);
      const classes: Array<[number, abstract new (...args: any[]) => Employee]> = [
        [ids.plain, Employee],
        [ids.boss, Manager],
        [ids.head, Director],
        [ids.newbie, Intern],
        [ids.dev, Engineer],
        [ids.arch, Architect],
      ];
      for (const [id, cls] of classes) {
        const obj = byId.get(id)!;
        expect(obj.constructor, `row ${id}`).toBe(cls);
        expect(obj).toBeInstanceOf(Employee);
        expect(inspect(obj).unloaded, `${inspect(obj).model.name} attributes`).toEqual([]);
      }
      const boss = byId.get(ids.boss)!;
      const head = byId.get(ids.head)!;
      const dev = byId.get(ids.dev)!;
      const arch = byId.get(ids.arch)!;
      expect(boss).not.toBeInstanceOf(Director);
      expect(head).toBeInstanceOf(Manager);
      expect(arch).toBeInstanceOf(Engineer);
      expect(dev).not.toBeInstanceOf(Architect);
      expect(byId.get(ids.plain)).not.toBeInstanceOf(Manager);
      if (!(boss instanceof Manager) || !(head instanceof Director) || !(dev instanceof Engineer) || !(arch instanceof Architect))
        throw new Error("wrong classes");
      expect([boss.reports, boss.budget]).toEqual([3, null]);
      expect([head.reports, head.division]).toEqual([12, "R&D"]);
      expect([dev.language, dev.level]).toEqual(["typescript", 1]);
      expect([arch.language, arch.level, arch.domain]).toEqual(["rust", 4, "storage"]);
      expect(arch.introduce()).toBe("arch-poly (architect)");
      // session.execute() rows carry the same instances.
      const rows = (await s.execute(select(Employee).where(Employee.id.in([ids.head, ids.arch])))).rows;
      expect(rows.map((r) => r.employees).sort((a, b) => a.id - b.id)).toEqual([head, arch].sort((a, b) => a.id - b.id));
      expect(rows.every((r) => r.employees === byId.get(r.employees.id))).toBe(true);
      expect(inspect(arch).model.name).toBe("Architect");
      expect(inspect(arch).status).toBe("persistent");
    });

    it("get(Base, id) returns the subclass instance; get(OtherSubclass, id) finds nothing", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "get");
      }
      await using s = new Session(db.engine);
      const arch = await s.get(Employee, ids.arch);
      expect(arch).toBeInstanceOf(Architect);
      expect((arch as Architect).domain).toBe("storage");
      const head = await s.get(Manager, ids.head);
      expect(head).toBeInstanceOf(Director);
      expect((head as Director).division).toBe("R&D");
      // Rows of another class are not found, whether loaded already or not.
      expect(await s.get(Manager, ids.dev)).toBeUndefined();
      expect(await s.get(Engineer, ids.boss)).toBeUndefined();
      expect(await s.get(Architect, ids.dev)).toBeUndefined();
      expect(await s.get(Intern, ids.head)).toBeUndefined();
      expect(await s.get(Manager, ids.arch)).toBeUndefined(); // arch is in the identity map
      await expect(s.getOne(Manager, ids.newbie)).rejects.toThrow(ObjectStateError);
      await expect(s.getOne(Manager, ids.newbie)).rejects.toThrow(/no Manager has the primary key/);
      // A subclass get of a loaded row is an identity-map hit.
      const rec = recordStatements(db.engine);
      try {
        expect(await s.get(Engineer, ids.arch)).toBe(arch);
        expect(await s.get(Architect, ids.arch)).toBe(arch);
        expect(await s.get(Employee, ids.head)).toBe(head);
        expect(rec.sql).toEqual([]);
      } finally {
        rec.stop();
      }
    });

    it("select(Subclass) returns only that class's rows (single-table criteria, joined tables)", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "sub");
      }
      await using s = new Session(db.engine);
      const rec = recordStatements(db.engine);
      let managers: Manager[];
      try {
        managers = await s.scalars(select(Manager).orderBy(Manager.id));
        expect(rec.sql[0]).toMatch(/WHERE[\s\S]*kind/i);
      } finally {
        rec.stop();
      }
      expect(managers.map((m) => m.id)).toEqual([ids.boss, ids.head]);
      expect(managers[1]).toBeInstanceOf(Director);
      expect((await s.scalars(select(Director))).map((d) => d.id)).toEqual([ids.head]);
      expect((await s.scalars(select(Intern))).map((d) => [d.id, d.kind])).toEqual([[ids.newbie, "intern"]]);
      expect((await s.scalars(select(Engineer).orderBy(Engineer.id))).map((e) => [e.id, e.constructor])).toEqual([
        [ids.dev, Engineer],
        [ids.arch, Architect],
      ]);
      expect((await s.scalars(select(Architect))).map((a) => a.id)).toEqual([ids.arch]);
      // Extra conditions combine with the criteria.
      const busy = await s.scalars(select(Manager).where(Manager.reports.gt(5)));
      expect(busy.map((m) => m.id)).toEqual([ids.head]);
      const rust = await s.scalars(select(Engineer).where(Engineer.language.eq("rust")));
      expect(rust.map((e) => e.id)).toEqual([ids.arch]);
      // A class as FROM brings its criteria (and its joined tables) too.
      expect(Number(await s.scalar(select(func.count()).from(Manager)))).toBe(2);
      expect(Number(await s.scalar(select(func.count()).from(Architect)))).toBe(1);
    });

    it("shares one identity map across the hierarchy: the same row is the same object whatever class loaded it", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "idmap");
      }
      await using s = new Session(db.engine);
      const viaSub = await s.scalars(select(Architect));
      const viaBase = await s.scalars(select(Employee).where(Employee.id.eq(ids.arch)));
      const viaMiddle = await s.scalars(select(Engineer).where(Engineer.id.eq(ids.arch)));
      expect(viaBase[0]).toBe(viaSub[0]);
      expect(viaMiddle[0]).toBe(viaSub[0]);
      const mgrs = await s.scalars(select(Manager));
      const all = await s.scalars(select(Employee));
      for (const m of mgrs) expect(all).toContain(m);
      // A change made through one reference is seen through the others.
      viaSub[0]!.name = "changed";
      expect(viaBase[0]!.name).toBe("changed");
      expect(s.dirty).toEqual([viaSub[0]]);
    });

    it("a row whose discriminator no class declares raises DataError naming the value", async () => {
      await using s = new Session(db.engine);
      const conn = await s.connection();
      await conn.execute(insert(employeesTable()).values({ kind: "contractor", name: "Cleo" } as never));
      const id = Number(await conn.scalar(select(func.max(Employee.id))));
      const err = await s.scalars(select(Employee)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataError);
      expect((err as Error).message).toMatch(/"contractor"/);
      expect((err as Error).message).toMatch(/polymorphicIdentity/);
      await expect(s.get(Employee, id)).rejects.toThrow(DataError);
      // Subclass queries never see the row.
      expect(await s.scalars(select(Manager))).toEqual([]);
    });
  });

  describe("subclass statements through the Core", () => {
    it("update(Manager) only touches manager rows (criteria), including subclasses of Manager", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "dml");
      }
      await using conn = await db.engine.connect();
      const res = await conn.execute(update(Manager).set({ budget: 1000 }));
      expect(res.rowCount).toBe(2);
      const budgets = (await conn.execute(select(Employee.id, Manager.budget).from(employeesTable()).orderBy(Employee.id))).rows;
      expect(budgets.filter((r) => r.budget === 1000).map((r) => r.id)).toEqual([ids.boss, ids.head]);
      expect(budgets.filter((r) => r.budget !== null)).toHaveLength(2);
      const onlyDirectors = await conn.execute(update(Director).set({ division: "Ops" }));
      expect(onlyDirectors.rowCount).toBe(1);
      const gone = await conn.execute(deleteFrom(Intern));
      expect(gone.rowCount).toBe(1);
      expect((await employeeRows(conn)).map((r) => r.id)).not.toContain(ids.newbie);
      expect((await employeeRows(conn)).length).toBe(5);
    });

    it("update(Manager).where() through a Session keeps loaded objects in step", async () => {
      let ids: Awaited<ReturnType<typeof seedStaff>>;
      {
        await using s = new Session(db.engine);
        ids = await seedStaff(s, "sync");
      }
      await using s = new Session(db.engine);
      const all = await s.scalars(select(Employee));
      await s.execute(update(Manager).set({ reports: 40 }).where(Manager.name.like("%sync")));
      const byId = new Map(all.map((e) => [e.id, e]));
      expect((byId.get(ids.boss) as Manager).reports).toBe(40);
      expect((byId.get(ids.head) as Director).reports).toBe(40);
      const conn = await s.connection();
      const reports = await conn.scalars(select(Manager.reports).from(employeesTable()).where(Employee.id.eq(ids.newbie)));
      expect(reports).toEqual([null]);
    });

    it("insert(Manager) fills the discriminator and rejects another value for it", async () => {
      await using s = new Session(db.engine);
      const conn = await s.connection();
      await conn.execute(insert(Manager).values({ name: "Nia", reports: 7 }));
      await conn.execute(insert(Director).values([{ name: "Dee" }, { name: "Don", division: "Sales" }]));
      const rows = await employeeRows(conn);
      expect(rows.map((r) => [r.name, r.kind])).toEqual([
        ["Nia", "manager"],
        ["Dee", "director"],
        ["Don", "director"],
      ]);
      expect(() => insert(Manager).values({ name: "Bad", kind: "intern" })).toThrow(ArgumentError);
      expect(() => insert(Manager).values({ name: "Bad", kind: "intern" })).toThrow(/kind must be "manager"/);
      // Rows inserted through the Core load as their class.
      const loaded = await s.scalars(select(Employee).orderBy(Employee.id));
      expect(loaded.map((e) => e.constructor)).toEqual([Manager, Director, Director]);
      expect((loaded[0] as Manager).reports).toBe(7);
    });

    it("refuses INSERT/UPDATE/DELETE statements on a joined subclass, saying to use a Session", () => {
      for (const make of [() => update(Engineer), () => insert(Engineer), () => deleteFrom(Architect)]) {
        const err = caught(make);
        expect(err).toBeInstanceOf(ArgumentError);
        expect(err.message).toMatch(/spans tables employees and engineers/);
        expect(err.message).toMatch(/through a Session/);
      }
    });
  });

  describe("definition errors", () => {
    it("a subclass without polymorphicIdentity is a MappingError naming the option", () => {
      const { B, Staff } = throwawayHierarchy();
      const err = caught(() => B.subclass(Staff, { extra: column(Integer, { nullable: true }) }, {} as never));
      expect(err).toBeInstanceOf(MappingError);
      expect(err.message).toMatch(/polymorphicIdentity/);
      expect(err.message).toMatch(/kind/);
      const joined = caught(() => B.subclass(Staff, "staff_x", { extra: column(Integer) }, { polymorphicIdentity: undefined } as never));
      expect(joined).toBeInstanceOf(MappingError);
      expect(joined.message).toMatch(/polymorphicIdentity/);
    });

    it("a NOT NULL column without a default on a single-table subclass is a MappingError", () => {
      const { B, Staff } = throwawayHierarchy();
      const err = caught(() => B.subclass(Staff, { salary: column(Integer) }, { polymorphicIdentity: "paid" }));
      expect(err).toBeInstanceOf(MappingError);
      expect(err.message).toMatch(/column 'salary'/);
      expect(err.message).toMatch(/nullable/);
      // A default or nullable makes it acceptable.
      expect(() => B.subclass(Staff, { salary: column(Integer, { default: 0 }) }, { polymorphicIdentity: "paid" })).not.toThrow();
    });

    it("polymorphicOn on a subclass is a MappingError saying it belongs on the base", () => {
      const { B, Staff, Boss } = throwawayHierarchy();
      for (const make of [
        () => B.subclass(Boss, { x: column(Integer, { nullable: true }) }, { polymorphicIdentity: "x", polymorphicOn: "kind" } as never),
        () => B.subclass(Staff, "staff_y", { y: column(Integer) }, { polymorphicIdentity: "y", polymorphicOn: "kind" } as never),
      ]) {
        const err = caught(make);
        expect(err).toBeInstanceOf(MappingError);
        expect(err.message).toMatch(/polymorphicOn/);
        expect(err.message).toMatch(/base/);
      }
    });

    it("a polymorphicIdentity used twice is a MappingError naming the value and the class using it", () => {
      const { B, Staff } = throwawayHierarchy();
      const err = caught(() => B.subclass(Staff, "staff_dup", { z: column(Integer) }, { polymorphicIdentity: "boss" }));
      expect(err).toBeInstanceOf(MappingError);
      expect(err.message).toMatch(/"boss"/);
      expect(err.message).toMatch(/already used by Boss/);
      const base = caught(() => B.subclass(Staff, {}, { polymorphicIdentity: "staff" }));
      expect(base).toBeInstanceOf(MappingError);
      expect(base.message).toMatch(/already used by Staff/);
    });

    it("a subclass of a base without polymorphicOn, or of an unmapped class, is a MappingError", () => {
      const B = declarativeBase();
      @mapped
      class Plain extends B.model("plain", { id: column(Integer, { primaryKey: true }) }) {}
      const err = caught(() => B.subclass(Plain, {}, { polymorphicIdentity: "p" }));
      expect(err).toBeInstanceOf(MappingError);
      expect(err.message).toMatch(/has no polymorphicOn/);
      class NotMapped {}
      const err2 = caught(() => B.subclass(NotMapped as never, {}, { polymorphicIdentity: "n" }));
      expect(err2).toBeInstanceOf(MappingError);
      expect(err2.message).toMatch(/must be a mapped class/);
      const { B: B2, Staff } = throwawayHierarchy();
      const err3 = caught(() => B2.subclass(Staff, {}, { polymorphicIdentity: "t", tableArgs: () => [] }));
      expect(err3).toBeInstanceOf(ArgumentError);
      expect(err3.message).toMatch(/'tableArgs' applies to joined-table subclasses/);
    });

    it("a subclass rejected for a duplicate identity leaves the base usable", () => {
      const { B, Staff, Boss } = throwawayHierarchy();
      expect(() => B.subclass(Staff, "staff_dup", { z: column(Integer) }, { polymorphicIdentity: "boss" })).toThrow(MappingError);
      expect(() => B.configure()).not.toThrow();
      expect(inspect(Staff).subclasses).toEqual(["Boss"]);
      expect(B.metadata.sortedTables.map((t) => t.name)).toEqual(["staff"]);
      expect(new Boss({ name: "still works" }).kind).toBe("boss");
    });

    it("a single-table subclass rejected for one bad column adds none of its columns to the base table", () => {
      const { B, Staff } = throwawayHierarchy();
      const before = inspect(Staff).table.columnList.map((c) => c.name);
      expect(() =>
        B.subclass(Staff, { good: column(Integer, { nullable: true }), bad: column(Integer) }, { polymorphicIdentity: "half" }),
      ).toThrow(/column 'bad'/);
      expect(inspect(Staff).table.columnList.map((c) => c.name)).toEqual(before);
      expect(() => B.configure()).not.toThrow();
    });
  });

  describe("abstract bases", () => {
    it("each model built from an abstract base has its own table with the shared columns", () => {
      const shared = ["id", "slug", "version", "created_at", "updated_at"];
      expect(inspect(Tag).table.name).toBe("tags");
      expect(inspect(Topic).table.name).toBe("topics");
      expect(inspect(Tag).table.columnList.map((c) => c.name)).toEqual([...shared, "label"]);
      expect(inspect(Topic).table.columnList.map((c) => c.name)).toEqual([...shared, "title"]);
      expect(inspect(Tag).table.column("id")).not.toBe(inspect(Topic).table.column("id"));
      expect(inspect(Tag).primaryKey).toEqual(["id"]);
      expect(inspect(Tag).versionColumn).toBe("version");
      expect(inspect(Topic).versionColumn).toBe("version");
      // The abstract base itself is not mapped.
      const err = caught(() => inspect(Entity as never));
      expect(err).toBeInstanceOf(ArgumentError);
      expect(err.message).toMatch(/mapped class/);
      const redefined = caught(() => Entity.model("bad_entities", { slug: column(String(10)) }));
      expect(redefined).toBeInstanceOf(MappingError);
      expect(redefined.message).toMatch(/'slug' is already defined by its abstract base/);
    });

    it("shared methods, timestamps and validators work on loaded instances of every model", async () => {
      let tagId: number;
      let topicId: number;
      {
        await using s = new Session(db.engine);
        const tag = new Tag({ slug: "  Databases ", label: "DB" });
        const topic = new Topic({ slug: "ORM", title: "  Mapping  " });
        expect(tag.slug).toBe("databases");
        expect(topic.slug).toBe("orm");
        expect(topic.title).toBe("Mapping");
        s.addAll([tag, topic]);
        await s.commit();
        tagId = tag.id;
        topicId = topic.id;
      }
      await using s = new Session(db.engine);
      const tag = await s.getOne(Tag, tagId);
      const topic = await s.getOne(Topic, topicId);
      expect(tag.describe()).toBe(`Tag:databases#${tagId}`);
      expect(topic.describe()).toBe(`Topic:orm#${topicId}`);
      expect(tag).toBeInstanceOf(Entity);
      expect(topic).toBeInstanceOf(Entity);
      for (const o of [tag, topic]) {
        expect(o.createdAt).toBeInstanceOf(Date);
        expect(o.updatedAt).toBeInstanceOf(Date);
        expect(o.version).toBe(1);
      }
      tag.slug = "  MIXED Case ";
      expect(tag.slug).toBe("mixed case");
      topic.title = " padded ";
      expect(topic.title).toBe("padded");
      const rec = recordStatements(db.engine);
      try {
        await s.flush();
        const tagUpdate = rec.sql.find((x) => /UPDATE\s+[`"]?tags/i.test(x));
        expect(tagUpdate).toMatch(/updated_at/);
        expect(tagUpdate).toMatch(/version/);
      } finally {
        rec.stop();
      }
      expect(tag.version).toBe(2);
      expect(topic.version).toBe(2);
      const conn = await s.connection();
      expect(await conn.scalar(select(Tag.slug).where(Tag.id.eq(tagId)))).toBe("mixed case");
    });

    it("the shared versionColumn detects a concurrent change (StaleDataError)", async () => {
      let id: number;
      {
        await using s = new Session(db.engine);
        const t = new Topic({ slug: "stale", title: "Stale" });
        s.add(t);
        await s.commit();
        id = t.id;
      }
      await using s = new Session(db.engine);
      const topic = await s.getOne(Topic, id);
      const conn = await s.connection();
      // Another writer bumps the version (on the session's own connection: SQLite has one).
      // (Through the table: Entity.model() classes are not DmlTargets at the type level, see Tag above.)
      await conn.execute(update(Topic).set({ version: 5 }).where(Topic.id.eq(id)));
      topic.title = "mine";
      const err = await s.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StaleDataError);
      expect((err as Error).message).toMatch(/version mismatch/);
      await s.rollback();
    });
  });
});
