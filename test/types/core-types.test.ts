/** Type-level tests: inference of the public Core API. Checked by `tsc` (npm test runs it first). */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  BigInteger,
  Boolean,
  column,
  createEngine,
  DateTime,
  deleteFrom,
  Enum,
  func,
  insert,
  Integer,
  Json,
  MetaData,
  Numeric,
  select,
  sql,
  String,
  Table,
  update,
  Uuid,
  type InsertRow,
  type Result,
} from "athanor";
import { insert as pgInsert } from "athanor/dialects/postgres";

const md = new MetaData();
const users = new Table("users", md, {
  id: column(Integer, { primaryKey: true }),
  email: column(String(255), { unique: true }),
  name: column(String(100), { nullable: true }),
  active: column(Boolean, { default: true }),
  big: column(BigInteger, { nullable: true }),
  balance: column(Numeric(10, 2), { serverDefault: "0" }),
  createdAt: column(DateTime, { default: () => new Date() }),
  prefs: column(Json<{ theme: "dark" | "light" }>(), { nullable: true }),
  role: column(Enum(["admin", "member"]), { default: "member" }),
  token: column(Uuid),
});
const posts = new Table("posts", md, {
  id: column(Integer, { primaryKey: true }),
  authorId: column(Integer, { foreignKey: "users.id" }),
  title: column(String(200)),
});

describe("column and row types", () => {
  it("types columns from the definition, nullability included", () => {
    expectTypeOf(users.c.id.__ts).toEqualTypeOf<number>();
    expectTypeOf(users.c.name.__ts).toEqualTypeOf<string | null>();
    expectTypeOf(users.c.big.__ts).toEqualTypeOf<bigint | null>();
    expectTypeOf(users.c.balance.__ts).toEqualTypeOf<string>();
    expectTypeOf(users.c.createdAt.__ts).toEqualTypeOf<Date>();
    expectTypeOf(users.c.prefs.__ts).toEqualTypeOf<{ theme: "dark" | "light" } | null>();
    expectTypeOf(users.c.role.__ts).toEqualTypeOf<"admin" | "member">();
    expect(users.c.id.key).toBe("id");
  });

  it("types rows from what is selected", () => {
    const q = select(users.c.id, users.c.name, func.count(posts.c.id).as("posts"));
    expectTypeOf(q.__row).toEqualTypeOf<{ id: number; name: string | null; posts: number }>();
    const all = select(users);
    expectTypeOf<(typeof all)["__row"]["prefs"]>().toEqualTypeOf<{ theme: "dark" | "light" } | null>();
    expectTypeOf<(typeof all)["__row"]>().toHaveProperty("token");
    const obj = select({ userId: users.c.id, title: posts.c.title });
    expectTypeOf(obj.__row).toEqualTypeOf<{ userId: number; title: string }>();
  });

  it("types scalars and aggregates", () => {
    expectTypeOf(select(func.count()).__scalar).toEqualTypeOf<number>();
    expectTypeOf(select(func.max(users.c.createdAt)).__scalar).toEqualTypeOf<Date | null>();
    expectTypeOf(select(func.lower(users.c.name)).__scalar).toEqualTypeOf<string | null>();
    expectTypeOf(select(func.lower(users.c.email)).__scalar).toEqualTypeOf<string>();
    expectTypeOf(select(users.c.id.cast(String(10))).__scalar).toEqualTypeOf<string>();
    expectTypeOf(select(sql<number>`1`.as("one")).__row).toEqualTypeOf<{ one: number }>();
  });

  it("types subquery columns", () => {
    const sq = select(users.c.id, users.c.email.as("mail")).subquery("s");
    expectTypeOf(sq.c.mail.__ts).toEqualTypeOf<string>();
    expectTypeOf(select(sq.c.id, sq.c.mail).__row).toEqualTypeOf<{ id: number; mail: string }>();
  });

  it("types execute() results", async () => {
    const engine = createEngine("sqlite://:memory:");
    const run = async () => {
      await using conn = await engine.connect();
      const r = await conn.execute(select(users.c.id, users.c.email));
      expectTypeOf(r).toEqualTypeOf<Result<{ id: number; email: string }, number>>();
      expectTypeOf(r.one().email).toEqualTypeOf<string>();
      expectTypeOf(await conn.scalar(select(users.c.email))).toEqualTypeOf<string | undefined>();
      expectTypeOf(await conn.scalars(select(users.c.big))).toEqualTypeOf<(bigint | null)[]>();
      const ret = await conn.execute(insert(users).values({ email: "a", token: "t" }).returning(users.c.id));
      expectTypeOf(ret.rows).toEqualTypeOf<{ id: number }[]>();
      const raw = await conn.execute(sql`select 1`);
      expectTypeOf(raw.rows).toEqualTypeOf<Record<string, unknown>[]>();
    };
    expect(typeof run).toBe("function");
    await engine.dispose();
  });
});

describe("statement inputs", () => {
  it("makes defaulted, nullable and generated columns optional on insert", () => {
    type Row = InsertRow<typeof users.c>;
    const minimal: Row = { email: "a", token: "t" };
    expect(minimal.email).toBe("a");
    expectTypeOf<Row["email"]>().toEqualTypeOf<string | import("athanor").Expression<string | null, any>>();
    expectTypeOf<Row["name"]>().toEqualTypeOf<string | null | undefined | import("athanor").Expression<string | null, any>>();
    expectTypeOf<Row["id"]>().toEqualTypeOf<number | undefined | import("athanor").Expression<number | null, any>>();
    expect(insert(users).values({ email: "a", token: "t", name: null, role: "admin" }).node.rows).toHaveLength(1);
    // Type-checked, never run: each line must fail to compile.
    const rejected = () => {
      // @ts-expect-error email is required
      insert(users).values({ token: "t" });
      // @ts-expect-error wrong value type
      insert(users).values({ email: 5, token: "t" });
      // @ts-expect-error unknown column
      insert(users).values({ email: "a", token: "t", nope: 1 });
      // @ts-expect-error not one of the enum values
      insert(users).values({ email: "a", token: "t", role: "owner" });
      // @ts-expect-error not nullable
      insert(users).values({ email: null, token: "t" });
    };
    expect(typeof rejected).toBe("function");
  });

  it("checks comparison operands against the column type", () => {
    const ok = select(users.c.id).where(
      users.c.email.eq("x"),
      users.c.name.eq(null),
      users.c.id.in([1, 2]),
      posts.c.authorId.eq(users.c.id),
    );
    expect(ok.node.where).toBeDefined();
    const rejected = () => {
      // @ts-expect-error a number is not a string
      select(users.c.id).where(users.c.email.eq(5));
      // @ts-expect-error email is not nullable
      select(users.c.id).where(users.c.email.eq(null));
      // @ts-expect-error bigint column compares with bigints
      select(users.c.id).where(users.c.big.gt("5"));
    };
    expect(typeof rejected).toBe("function");
  });

  it("types update values and upserts", () => {
    expect(update(users).set({ name: "x", active: users.c.active }).node.set).toHaveLength(2);
    expect(deleteFrom(users).where(users.c.id.eq(1)).node.where).toBeDefined();
    const ins = pgInsert(users).values({ email: "a", token: "t" });
    expect(ins.onConflictDoUpdate({ target: users.c.email, set: { name: ins.excluded.name } }).node.onConflict).toBeDefined();
    const rejected = () => {
      // @ts-expect-error wrong type in set()
      update(users).set({ active: "yes" });
      // @ts-expect-error unknown column in set
      ins.onConflictDoUpdate({ target: users.c.email, set: { nope: 1 } });
    };
    expect(typeof rejected).toBe("function");
  });
});
