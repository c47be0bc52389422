/** Declarative models on every database: the tables they make, instances, defaults, custom types, hybrids, validators. */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ArgumentError,
  Boolean,
  check,
  column,
  customType,
  DateTime,
  declarativeBase,
  defaultNamingConvention,
  func,
  h,
  index,
  insert,
  inspect,
  Integer,
  mapped,
  MetaData,
  Numeric,
  ObjectStateError,
  select,
  Session,
  softDelete,
  sql,
  String,
  Text,
  timestamps,
  unique,
  Uuid,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { ddl } from "../support/compile.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

/** Stored as "r,g,b" text; objects see a tuple. */
const Rgb = customType<[number, number, number], string>({
  name: "Rgb",
  impl: String(20),
  toDriver: (v) => v.join(","),
  fromDriver: (s) => s.split(",").map(Number) as [number, number, number],
});

@mapped
class Account extends Base.model(
  "decl_accounts",
  {
    id: column(Integer, { primaryKey: true }),
    email: column(String(255), { unique: true, index: true }),
    firstName: column(String(50)),
    lastName: column(String(50), { nullable: true }),
    isActive: column(Boolean, { default: true, serverDefault: sql`true` }),
    loginCount: column(Integer, { default: () => 0 }),
    balance: column(Numeric(12, 2), { default: "0.00" }),
    favouriteColour: column(Rgb, { nullable: true }),
    legacyCode: column(String(10), { name: "LEGACY", nullable: true }),
    ...timestamps(),
    ...softDelete(),
  },
  {
    validates: {
      email: (v) => {
        const e = v.trim().toLowerCase();
        if (!e.includes("@")) throw new ArgumentError(`not an e-mail address: ${e}`);
        return e;
      },
    },
    hybrids: (a) => ({
      fullName: h.concat(a.firstName, " ", h.coalesce(a.lastName, "")),
      isRegular: h.ge(a.loginCount, 10),
    }),
    columnProperties: (c) => ({ emailLength: func.length(c.email) }),
    tableArgs: (c) => [
      index([c.lastName, c.firstName], { name: "ix_decl_accounts_names" }),
      check(c.loginCount.ge(0), { name: "login_count" }),
    ],
  },
) {
  get initials(): string {
    return `${this.firstName[0]}${this.lastName?.[0] ?? ""}`;
  }
}

@mapped
class Membership extends Base.model(
  "decl_memberships",
  {
    accountId: column(Integer, { primaryKey: true, foreignKey: "decl_accounts.id" }),
    groupCode: column(String(20), { primaryKey: true }),
    role: column(String(20), { default: "member" }),
  },
  { tableArgs: (c) => [unique([c.role, c.accountId])] },
) {}

@mapped
class Token extends Base.model("decl_tokens", {
  id: column(Uuid, { primaryKey: true, default: () => randomUUID() }),
  note: column(Text, { nullable: true }),
}) {}

describe("model definitions", () => {
  it("build tables: snake_case columns, explicit names, nullability, constraints named by the convention", () => {
    const [create] = ddl([inspect(Account).table], "postgresql");
    expect(create).toContain('"first_name" VARCHAR(50) NOT NULL');
    expect(create).toContain('"last_name" VARCHAR(50),');
    expect(create).toContain('"is_active" BOOLEAN DEFAULT');
    expect(create).toContain('"LEGACY" VARCHAR(10)');
    expect(create).toContain(`"created_at" TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP) NOT NULL`);
    expect(create).toContain('CONSTRAINT "ck_decl_accounts_login_count" CHECK');
    const all = ddl([inspect(Account).table], "postgresql").join("\n");
    expect(all).toMatch(/CREATE UNIQUE INDEX "ix_decl_accounts_email"/);
    expect(all).toMatch(/CREATE INDEX "ix_decl_accounts_names" ON "decl_accounts" \("last_name", "first_name"\)/);
    expect(all).toMatch(/CREATE INDEX "ix_decl_accounts_deleted_at"/);
    const [membership] = ddl([inspect(Membership).table], "postgresql");
    expect(membership).toContain('CONSTRAINT "pk_decl_memberships" PRIMARY KEY ("account_id", "group_code")');
    expect(membership).toContain('CONSTRAINT "uq_decl_memberships_role_account_id" UNIQUE ("role", "account_id")');
    expect(inspect(Membership).primaryKey).toEqual(["accountId", "groupCode"]);
  });

  it("class-side attributes are typed columns; hybrids and column properties are SQL expressions", () => {
    expect(Account.email.name).toBe("email");
    expect(Account.firstName.name).toBe("first_name");
    const q = select(Account.id).where(Account.isRegular, Account.fullName.eq("Ada Lovelace"));
    expect(q.node.where).toBeDefined();
  });

  it("honours another column naming convention on the base", () => {
    const preserve = declarativeBase({ columnNaming: "preserve" });
    @mapped
    class Thing extends preserve.model("things", { thingId: column(Integer, { primaryKey: true }), displayName: column(String(10)) }) {}
    expect(Thing.displayName.name).toBe("displayName");
    const upper = declarativeBase({ columnNaming: (k) => k.toUpperCase() });
    @mapped
    class Other extends upper.model("others", { otherId: column(Integer, { primaryKey: true }) }) {}
    expect(Other.otherId.name).toBe("OTHERID");
  });

  it("a model attribute called name stays the column on the class", () => {
    const b = declarativeBase();
    @mapped
    class Person extends b.model("people", { id: column(Integer, { primaryKey: true }), name: column(String(20)) }) {}
    expect(Person.name.table.name).toBe("people");
    expect(inspect(Person).name).toBe("Person");
    expect(new Person({ name: "x" }).name).toBe("x");
  });
});

describe("instances", () => {
  it("apply app-side defaults at construction and leave server defaults to the database", () => {
    const a = new Account({ email: "a@example.com", firstName: "Ada" });
    expect(a.loginCount).toBe(0);
    expect(a.balance).toBe("0.00");
    expect(a.isActive).toBe(true);
    expect(a.createdAt).toBeInstanceOf(Date);
    expect(a.lastName).toBeUndefined();
    expect(inspect(a).status).toBe("transient");
  });

  it("run validators on construction and assignment", () => {
    const a = new Account({ email: "  Ada@Example.COM ", firstName: "Ada" });
    expect(a.email).toBe("ada@example.com");
    expect(() => (a.email = "nope")).toThrow(/not an e-mail address: nope/);
    expect(a.email).toBe("ada@example.com");
  });

  it("refuse unknown attributes, wrong value types, undefined and writes to computed attributes", () => {
    expect(() => new Account({ email: "a@b.c", firstName: "A", nickname: "x" } as never)).toThrow(/Account has no attribute 'nickname'/);
    const a = new Account({ email: "a@b.c", firstName: "A" });
    expect(() => (a.loginCount = "many" as never)).toThrow(ArgumentError);
    expect(() => (a.loginCount = "many" as never)).toThrow(/Account\.loginCount/);
    expect(() => (a.firstName = undefined as never)).toThrow(/use null for SQL NULL/);
    expect(() => new Account({ email: "a@b.c", firstName: "A", emailLength: 3 } as never)).toThrow(/computed by the database/);
  });

  it("compute hybrids and getters on instances", () => {
    const a = new Account({ email: "a@b.c", firstName: "Ada", lastName: "Lovelace", loginCount: 12 });
    expect(a.fullName).toBe("Ada Lovelace");
    expect(a.isRegular).toBe(true);
    expect(a.initials).toBe("AL");
    a.lastName = null;
    expect(a.fullName).toBe("Ada ");
  });

  it("hybrid arithmetic on Numeric values (decimal strings) is exact and gives decimal strings", () => {
    expect(h.mul("9.90", 3)).toBe("29.70"); // JavaScript alone: 29.700000000000003
    expect(h.mul("-0.05", "1.5")).toBe("-0.075");
    expect(h.add("0.10", "0.2")).toBe("0.30");
    expect(h.add("19.80", 4)).toBe("23.80");
    expect(h.sub("1.00", "1.25")).toBe("-0.25");
    expect(h.mul(2, 3)).toBe(6);
    expect(h.add("1.5", null)).toBeNull();
    expect(h.add("1.5e3", 1)).toBe("1501"); // JavaScript alone: "1.5e31"
    expect(h.sub(".5", "2E-2")).toBe("0.48");
  });

  it("serialise their loaded attributes", () => {
    const t = new Token({ note: "n" });
    expect(JSON.parse(JSON.stringify(t))).toEqual({ id: t.id, note: "n" });
    expect(Object.keys({ ...t })).toEqual([]);
  });
});

forEachDialect((db) => {
  beforeAll(() => Base.metadata.createAll(db.engine));

  it("round-trips every kind of attribute through a session", async () => {
    const colour: [number, number, number] = [10, 20, 30];
    {
      await using s = new Session(db.engine);
      s.add(
        new Account({
          email: "rt@example.com",
          firstName: "Grace",
          lastName: "Hopper",
          favouriteColour: colour,
          legacyCode: "X1",
          balance: "12.50",
        }),
      );
      await s.commit();
    }
    await using s = new Session(db.engine);
    const [a] = await s.scalars(select(Account).where(Account.email.eq("rt@example.com")));
    expect(a).toBeInstanceOf(Account);
    expect(a!.favouriteColour).toEqual(colour);
    expect(a!.legacyCode).toBe("X1");
    expect(a!.balance).toBe("12.50");
    expect(a!.isActive).toBe(true);
    expect(a!.emailLength).toBe("rt@example.com".length);
    expect(a!.fullName).toBe("Grace Hopper");
    expect(a!.deletedAt).toBeNull();
    expect(a!.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("uses hybrids and column properties in queries", async () => {
    await using s = new Session(db.engine);
    s.addAll([
      new Account({ email: "h1@example.com", firstName: "Alan", lastName: "Turing", loginCount: 50 }),
      new Account({ email: "h2@example.com", firstName: "Barbara", loginCount: 1 }),
    ]);
    await s.flush();
    const regulars = await s.scalars(select(Account).where(Account.isRegular, Account.email.like("h%")));
    expect(regulars.map((a) => a.email)).toEqual(["h1@example.com"]);
    const names = await s.scalars(select(Account.fullName).where(Account.email.like("h%")).orderBy(Account.email));
    expect(names).toEqual(["Alan Turing", "Barbara "]);
    const lengths = await s.scalars(select(Account.emailLength).where(Account.email.eq("h2@example.com")));
    expect(Number(lengths[0])).toBe("h2@example.com".length);
    await s.rollback();
  });

  it("fills server defaults on rows inserted without the ORM", async () => {
    await using s = new Session(db.engine);
    const conn = await s.connection();
    await conn.execute(insert(Account).values({ email: "core@example.com", firstName: "Core", loginCount: 0, balance: "1.00" }));
    const [a] = await s.scalars(select(Account).where(Account.email.eq("core@example.com")));
    expect(a!.isActive).toBe(true);
    expect(a!.createdAt).toBeInstanceOf(Date);
    expect(a!.updatedAt).toBeInstanceOf(Date);
    await s.rollback();
  });

  it("sets updatedAt again when a row changes", async () => {
    await using s = new Session(db.engine);
    const a = new Account({ email: "ts@example.com", firstName: "T" });
    a.updatedAt = new Date("2020-01-01T00:00:00Z");
    s.add(a);
    await s.flush();
    a.loginCount = 1;
    await s.flush();
    expect(a.updatedAt.getTime()).toBeGreaterThan(new Date("2020-01-01T00:00:00Z").getTime());
    await s.refresh(a);
    expect(a.updatedAt.getTime()).toBeGreaterThan(new Date("2020-01-01T00:00:00Z").getTime());
    await s.rollback();
  });

  it("generates UUID primary keys in the application", async () => {
    const t = new Token({ note: "uuid" });
    expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
    {
      await using s = new Session(db.engine);
      s.add(t);
      await s.commit();
    }
    await using s = new Session(db.engine);
    const loaded = await s.get(Token, t.id);
    expect(loaded?.note).toBe("uuid");
    expect(loaded?.id).toBe(t.id);
    expect(await s.get(Token, randomUUID())).toBeUndefined();
    await expect(s.get(Token, "not-a-uuid")).rejects.toThrow(/get\(Token, …\): primary key id/);
  });

  it("loads, changes and deletes rows with composite primary keys", async () => {
    await using s = new Session(db.engine);
    const owner = new Account({ email: "cpk@example.com", firstName: "C" });
    s.add(owner);
    await s.flush();
    s.addAll([
      new Membership({ accountId: owner.id, groupCode: "admins", role: "owner" }),
      new Membership({ accountId: owner.id, groupCode: "users" }),
    ]);
    await s.commit();
    s.expungeAll();
    const m = await s.get(Membership, [owner.id, "admins"]);
    expect(m?.role).toBe("owner");
    expect(await s.get(Membership, { accountId: owner.id, groupCode: "admins" })).toBe(m);
    await expect(s.get(Membership, owner.id)).rejects.toThrow(/the primary key has 2 column\(s\) \(accountId, groupCode\)/);
    await expect(s.get(Membership, { accountId: owner.id, group: "x" })).rejects.toThrow(/'group' is not part of the primary key/);
    m!.role = "admin";
    await s.flush();
    const other = await s.get(Membership, [owner.id, "users"]);
    s.delete(other!);
    await s.commit();
    await using conn = await db.engine.connect();
    const rows = await conn.execute(select(Membership.groupCode, Membership.role).where(Membership.accountId.eq(owner.id)));
    expect(rows.rows).toEqual([{ groupCode: "admins", role: "admin" }]);
  });

  it("updates many rows with composite primary keys in one flush", async () => {
    await using s = new Session(db.engine);
    const owner = new Account({ email: "cpk-many@example.com", firstName: "M" });
    s.add(owner);
    await s.flush();
    const groups = ["g1", "g2", "g3", "g4"];
    const members = groups.map((g) => new Membership({ accountId: owner.id, groupCode: g, role: `start-${g}` }));
    s.addAll(members);
    await s.commit();
    members.forEach((m, i) => (m.role = `role-${i}`));
    await s.commit();
    await using conn = await db.engine.connect();
    const rows = await conn.execute(
      select(Membership.groupCode, Membership.role).where(Membership.accountId.eq(owner.id)).orderBy(Membership.groupCode),
    );
    expect(rows.rows).toEqual(groups.map((g, i) => ({ groupCode: g, role: `role-${i}` })));
  });

  it("reports an unloaded attribute with the way to load it", async () => {
    await using s = new Session(db.engine);
    const a = new Account({ email: "exp@example.com", firstName: "E" });
    s.add(a);
    await s.flush();
    s.expire(a, ["firstName"]);
    expect(() => a.firstName).toThrow(ObjectStateError);
    expect(() => a.firstName).toThrow(/Account\.firstName is not loaded .*await session\.refresh\(obj\)/);
    await s.refresh(a);
    expect(a.firstName).toBe("E");
    await s.rollback();
  });

  it("stores validated, normalised values and refuses values the column cannot hold before any SQL", async () => {
    await using s = new Session(db.engine);
    const a = new Account({ email: "val@example.com", firstName: "V" });
    expect(() => (a.lastName = 42 as never)).toThrow(/Account\.lastName/);
    expect(() => (a.createdAt = "yesterday" as never)).toThrow(/Account\.createdAt/);
    s.add(a);
    await s.flush();
    expect(a.id).toBeTypeOf("number");
    await s.rollback();
  });

  it("needs DateTime values for timestamp columns", () => {
    expect(() => new Account({ email: "x@y.z", firstName: "x", deletedAt: 5 as never })).toThrow(ArgumentError);
    expect(DateTime({ timezone: true }).kind).toBe("DateTime");
  });
});
