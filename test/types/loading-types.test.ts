/** Type-level tests: loader options chain only through relationships of the model the previous link loads. */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  column,
  declarativeBase,
  Integer,
  joinedload,
  mapped,
  MetaData,
  relationship,
  selectinload,
  String,
  type LoaderOption,
  type WriteOnlyCollection,
} from "athanor";

const Base = declarativeBase({ metadata: new MetaData() });

@mapped
class TUser extends Base.model("lt_users", {
  id: column(Integer, { primaryKey: true }),
  posts: relationship<TPost[]>("TPost", { backPopulates: "author" }),
  log: relationship<WriteOnlyCollection<TPost>>("TPost", { lazy: "writeOnly", viewonly: true }),
}) {}

@mapped
class TPost extends Base.model("lt_posts", {
  id: column(Integer, { primaryKey: true }),
  title: column(String(50)),
  userId: column(Integer, { foreignKey: "lt_users.id" }),
  author: relationship<TUser>("TUser", { backPopulates: "posts" }),
  tags: relationship<TTag[]>("TTag", {}),
}) {}

@mapped
class TTag extends Base.model("lt_tags", {
  id: column(Integer, { primaryKey: true }),
  postId: column(Integer, { foreignKey: "lt_posts.id" }),
  label: column(String(20)),
}) {}

describe("loader option types", () => {
  it("infer the model each link loads", () => {
    expectTypeOf(selectinload(TUser.posts)).toEqualTypeOf<LoaderOption<TPost>>();
    expectTypeOf(selectinload(TUser.posts).joinedload(TPost.author)).toEqualTypeOf<LoaderOption<TUser>>();
    expectTypeOf(joinedload(TPost.tags)).toEqualTypeOf<LoaderOption<TTag>>();
  });

  it("refuse a relationship of another model", () => {
    // @ts-expect-error TTag has no relationship holding TPost objects
    expect(() => selectinload(TPost.tags).selectinload(TUser.posts)).toThrow(/cannot follow TPost\.tags/);
  });

  it("type write-only collections", () => {
    expectTypeOf<TUser["log"]>().toEqualTypeOf<WriteOnlyCollection<TPost>>();
  });
});
