/** Type-level tests: what one model definition gives the compiler. Checked by `tsc` (npm test runs it first). */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  Boolean,
  column,
  createEngine,
  declarativeBase,
  deleteFrom,
  func,
  h,
  insert,
  Integer,
  listen,
  mapped,
  MetaData,
  Query,
  relationship,
  select,
  Session,
  sql,
  String,
  timestamps,
  update,
  type Column,
  type Expression,
  type InitArgs,
  type Result,
} from "athanor";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class User extends Base.model(
  "t_users",
  {
    id: column(Integer, { primaryKey: true }),
    email: column(String(255), { unique: true, index: true }),
    name: column(String(100), { nullable: true }),
    isActive: column(Boolean, { default: true, serverDefault: sql`true` }),
    posts: relationship<Post[]>("Post", { backPopulates: "author" }),
    ...timestamps(),
  },
  {
    hybrids: (u) => ({ label: h.coalesce(u.name, u.email) }),
    columnProperties: (c) => ({ emailLength: func.length(c.email) }),
    validates: { email: (v) => v.trim() },
  },
) {
  get displayName(): string {
    return this.name ?? this.email;
  }
}

@mapped
class Post extends Base.model("t_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(200)),
  authorId: column(Integer, { foreignKey: "t_users.id" }),
  author: relationship<User>("User", { backPopulates: "posts" }),
}) {}

@mapped
class Employee extends Base.model(
  "t_employees",
  { id: column(Integer, { primaryKey: true }), kind: column(String(20)), name: column(String(50)) },
  { polymorphicOn: "kind", polymorphicIdentity: "employee" },
) {}

@mapped
class Manager extends Base.subclass(Employee, { reports: column(Integer, { nullable: true }) }, { polymorphicIdentity: "manager" }) {}

@mapped
class Engineer extends Base.subclass(Employee, "t_engineers", { language: column(String(40)) }, { polymorphicIdentity: "engineer" }) {}

abstract class Entity extends Base.abstract({ id: column(Integer, { primaryKey: true }), ...timestamps() }) {
  describe(): string {
    return `#${this.id}`;
  }
}

@mapped
class Tag extends Entity.model("t_tags", { label: column(String(30)) }) {}

class PostQuery extends Query<Post> {
  titled(t: string): this {
    return this.where(Post.title.eq(t));
  }
}

describe("model types", () => {
  it("types instances: nullable columns are T | null, relationships as declared, methods and hybrids kept", () => {
    const u = new User({ email: "a@b.c" });
    expectTypeOf(u.id).toEqualTypeOf<number>();
    expectTypeOf(u.email).toEqualTypeOf<string>();
    expectTypeOf(u.name).toEqualTypeOf<string | null>();
    expectTypeOf(u.isActive).toEqualTypeOf<boolean>();
    expectTypeOf(u.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(u.posts).toEqualTypeOf<Post[]>();
    expectTypeOf(u.displayName).toEqualTypeOf<string>();
    expectTypeOf(u.label).toEqualTypeOf<string>();
    expectTypeOf(u.emailLength).toEqualTypeOf<number>();
    expectTypeOf(new Post({ title: "t" }).author).toEqualTypeOf<User>();
    expect(u.email).toBe("a@b.c");
  });

  it("requires at construction exactly the NOT NULL columns without a default, generated value or relationship", () => {
    type Init = InitArgs<(typeof User)["__attrs"]>;
    expectTypeOf<Init>().toHaveProperty("email");
    expectTypeOf<Init["email"]>().toEqualTypeOf<string>();
    expectTypeOf<Init["name"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Init["id"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Init["isActive"]>().toEqualTypeOf<boolean | undefined>();
    expect(new Post({ title: "t", authorId: 1 }).authorId).toBe(1);
    const rejected = () => {
      // @ts-expect-error email is required
      new User({});
      // @ts-expect-error wrong value type
      new User({ email: 5 });
      // @ts-expect-error unknown attribute
      new User({ email: "a", nickname: "x" });
      // @ts-expect-error a nullable column takes null, not undefined... but a non-null one takes neither
      new User({ email: null });
      // @ts-expect-error instances are read-only where computed: hybrids
      new User({ email: "a" }).label = "x";
    };
    expect(typeof rejected).toBe("function");
  });

  it("types class-side attributes as columns and expressions", () => {
    expectTypeOf(User.email).toEqualTypeOf<Column<"email", string, false>>();
    expectTypeOf(User.name).toEqualTypeOf<Column<"name", string | null, true>>();
    expectTypeOf(User.label).toEqualTypeOf<Expression<string>>();
    expectTypeOf(User.email.eq("x")).toMatchTypeOf<Expression<boolean | null, any>>();
    expect(User.email.name).toBe("email");
  });

  it("types statements on mapped classes", () => {
    const q = select(User).where(User.email.eq("x"));
    expectTypeOf(q.__row).toEqualTypeOf<{ t_users: User }>();
    expectTypeOf(q.__scalar).toEqualTypeOf<User>();
    const mixed = select(User, func.count(Post.id).as("n"));
    expectTypeOf(mixed.__row).toEqualTypeOf<{ t_users: User; n: number }>();
    const cols = select(User.id, User.name);
    expectTypeOf(cols.__row).toEqualTypeOf<{ id: number; name: string | null }>();
    const ret = insert(User).values({ email: "a" }).returning(User);
    expectTypeOf(ret.__scalar).toEqualTypeOf<User>();
    expect(update(User).set({ name: null }).where(User.id.eq(1)).node.kind).toBe("Update");
    expect(deleteFrom(Post).where(Post.id.eq(1)).node.kind).toBe("Delete");
    const rejected = () => {
      // @ts-expect-error email is required
      insert(User).values({ name: "x" });
      // @ts-expect-error wrong type for the column
      update(User).set({ email: 5 });
      // @ts-expect-error no such column
      select(User).where(User.nope.eq(1));
    };
    expect(typeof rejected).toBe("function");
  });

  it("types session results", async () => {
    const engine = createEngine("sqlite://:memory:");
    const run = async () => {
      await using s = new Session(engine);
      expectTypeOf(await s.get(User, 1)).toEqualTypeOf<User | undefined>();
      expectTypeOf(await s.getOne(Post, 1)).toEqualTypeOf<Post>();
      expectTypeOf(await s.scalars(select(User))).toEqualTypeOf<User[]>();
      expectTypeOf(await s.scalar(select(User.email))).toEqualTypeOf<string | undefined>();
      const r = await s.execute(select(User, Post).join(Post));
      expectTypeOf(r).toEqualTypeOf<Result<{ t_users: User; t_posts: Post }, User>>();
      expectTypeOf(await s.merge(new User({ email: "x" }))).toEqualTypeOf<User>();
      expectTypeOf(await new PostQuery(Post).titled("x").all(s)).toEqualTypeOf<Post[]>();
      expectTypeOf(new PostQuery(Post).titled("x").limit(1)).toEqualTypeOf<PostQuery>();
      expectTypeOf(await s.scalars(insert(User).returning(User), [{ email: "a" }])).toEqualTypeOf<User[]>();
      await s.execute(insert(User), [{ email: "a" }, { email: "b", name: null }]);
      await s.execute(update(User), [{ id: 1, name: "x" }]);
      // @ts-expect-error bulk insert rows are checked: email is required
      await s.execute(insert(User), [{ name: "x" }]);
      // @ts-expect-error bulk insert rows are checked: unknown column
      await s.execute(insert(User), [{ email: "a", emial: "typo" }]);
      // @ts-expect-error bulk update rows are checked: wrong value type
      await s.execute(update(User), [{ id: 1, name: 5 }]);
    };
    expect(typeof run).toBe("function");
    await engine.dispose();
  });

  it("types subclasses and abstract bases", () => {
    const m = new Manager({ name: "M" });
    expectTypeOf(m.reports).toEqualTypeOf<number | null>();
    expectTypeOf(m.name).toEqualTypeOf<string>();
    expectTypeOf(m).toMatchTypeOf<Employee>();
    const e = new Engineer({ name: "E", language: "ts" });
    expectTypeOf(e.language).toEqualTypeOf<string>();
    expectTypeOf(Engineer.language).toEqualTypeOf<Column<"language", string, false>>();
    expectTypeOf(select(Engineer).__scalar).toEqualTypeOf<Engineer>();
    const t = new Tag({ label: "x" });
    expectTypeOf(t.describe()).toEqualTypeOf<string>();
    expectTypeOf(t.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(Tag.label).toEqualTypeOf<Column<"label", string, false>>();
    const rejected = () => {
      // @ts-expect-error language is required for engineers
      new Engineer({ name: "E" });
      // @ts-expect-error label is required
      new Tag({});
    };
    expect(typeof rejected).toBe("function");
  });

  it("types event listeners from the model", () => {
    const off = listen(User, "set:email", (user, value, old) => {
      expectTypeOf(user).toEqualTypeOf<User>();
      expectTypeOf(value).toEqualTypeOf<string>();
      expectTypeOf(old).toEqualTypeOf<string | undefined>();
      return value.toLowerCase();
    });
    off();
    const off2 = listen(Post, "beforeInsert", (post) => {
      expectTypeOf(post).toEqualTypeOf<Post>();
    });
    off2();
    const rejected = () => {
      // @ts-expect-error no such attribute
      listen(User, "set:nope", () => undefined);
    };
    expect(typeof rejected).toBe("function");
  });
});
