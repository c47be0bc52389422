import { describe, expect, it } from "vitest";
import {
  check,
  column,
  conv,
  defaultNamingConvention,
  index,
  Integer,
  MetaData,
  SchemaError,
  sql,
  String,
  Table,
  truncateName,
  unique,
  func,
  ArgumentError,
} from "athanor";
import { ddl } from "../support/compile.js";

describe("naming conventions", () => {
  const widelyUsed = {
    ix: "ix_%(column_0_label)s",
    uq: "uq_%(table_name)s_%(column_0_name)s",
    ck: "ck_%(table_name)s_%(constraint_name)s",
    fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    pk: "pk_%(table_name)s",
  };

  it("names every constraint kind from the templates", () => {
    const md = new MetaData({ namingConvention: widelyUsed });
    const user = new Table("user", md, {
      id: column(Integer, { primaryKey: true }),
      name: column(String(50), { index: true }),
      email: column(String(50), { unique: true }),
    });
    const post = new Table(
      "post",
      md,
      { id: column(Integer, { primaryKey: true }), authorId: column(Integer, { name: "author_id", foreignKey: "user.id" }) },
      (c) => [check(sql`${c.id} > 0`, { name: "positive" })],
    );
    expect(user.primaryKey.name).toBe("pk_user");
    expect(user.indexes[0]!.name).toBe("ix_user_name");
    expect(user.uniqueConstraints[0]!.name).toBe("uq_user_email");
    expect(post.foreignKeys[0]!.name).toBe("fk_post_author_id_user");
    expect(post.checkConstraints[0]!.name).toBe("ck_post_positive");
  });

  it("unique + index on one column is a single unique index named by the ix template", () => {
    const md = new MetaData({ namingConvention: widelyUsed });
    const t = new Table("user", md, { id: column(Integer, { primaryKey: true }), name: column(String(50), { unique: true, index: true }) });
    expect(t.uniqueConstraints).toHaveLength(0);
    expect(t.indexes).toHaveLength(1);
    expect(t.indexes[0]!.unique).toBe(true);
    expect(t.indexes[0]!.name).toBe("ix_user_name");
  });

  it("supports every column token form, referred columns, keys, labels and schemas", () => {
    const md = new MetaData({
      namingConvention: {
        uq: "uq_%(column_0N_name)s__%(column_0_N_name)s__%(column_1_key)s__%(column_0_N_label)s__%(column_5_name)s",
        fk: "fk_%(referred_column_0_name)s_%(referred_column_0N_name)s",
        ix: "ix_%(column_0_label)s",
      },
    });
    const a = new Table("a", md, { x: column(Integer, { primaryKey: true }), y: column(Integer, { primaryKey: true }) }, { schema: "s" });
    const b = new Table(
      "b",
      md,
      {
        data: column(Integer, { name: "Data" }),
        data2: column(Integer, { name: "Data2" }),
        p: column(Integer),
        q: column(Integer, { index: true }),
      },
      { schema: "s", items: (c) => [unique([c.data, c.data2])] },
    );
    expect(b.uniqueConstraints[0]!.name).toBe("uq_DataData2__Data_Data2__data2__s_b_Data_s_b_Data2__");
    expect(b.indexes[0]!.name).toBe("ix_s_b_q");
    void a;
  });

  it("referred column tokens and composite foreign keys", async () => {
    const { ForeignKeyConstraint } = await import("athanor");
    const md = new MetaData({
      namingConvention: { fk: "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s_%(referred_column_0_N_name)s" },
    });
    new Table("parent", md, { a: column(Integer, { primaryKey: true }), b: column(Integer, { primaryKey: true }) });
    const child = new Table("child", md, { id: column(Integer, { primaryKey: true }), pa: column(Integer), pb: column(Integer) }, (c) => [
      new ForeignKeyConstraint([c.pa, c.pb], ["parent.a", "parent.b"]),
    ]);
    expect(child.foreignKeys[0]!.name).toBe("fk_child_pa_pb_parent_a_b");
  });

  it("explicit names win unless the template embeds %(constraint_name)s", () => {
    const md = new MetaData({ namingConvention: widelyUsed });
    const t = new Table("t", md, { id: column(Integer, { primaryKey: true }), a: column(Integer) }, (c) => [
      unique([c.a], { name: "my_uq" }),
      check(sql`${c.a} > 1`, { name: "big" }),
      check(sql`${c.a} < 9`, { name: conv("exactly_this") }),
    ]);
    expect(t.uniqueConstraints[0]!.name).toBe("my_uq");
    expect(t.checkConstraints.map((k) => k.name)).toEqual(["ck_t_big", "exactly_this"]);
  });

  it("a %(constraint_name)s template without a name is an error that says to name the constraint", () => {
    const md = new MetaData({ namingConvention: widelyUsed });
    expect(() => new Table("t", md, { id: column(Integer, { primaryKey: true }) }, (c) => [check(sql`${c.id} > 0`)])).toThrow(
      /needs an explicit name: pass \{ name: "…" \}/,
    );
  });

  it("custom tokens and unknown tokens", () => {
    const md = new MetaData({
      namingConvention: { uq: "uq_%(table_name)s_%(cols_upper)s", cols_upper: (c) => c.columns.map((x) => x.name.toUpperCase()).join("") },
    });
    const t = new Table("t", md, { id: column(Integer, { primaryKey: true }), a: column(Integer, { unique: true }) });
    expect(t.uniqueConstraints[0]!.name).toBe("uq_t_A");
    expect(() => new MetaData({ namingConvention: { uq: "uq_%(tabel_name)s" } })).toThrow(/unknown token %\(tabel_name\)s/);
  });

  it("without a convention an index still gets the default ix name; unique stays unnamed", () => {
    const md = new MetaData();
    const t = new Table("t", md, {
      id: column(Integer, { primaryKey: true }),
      a: column(Integer, { index: true, nullable: true }),
      b: column(Integer, { unique: true }),
    });
    expect(t.indexes[0]!.name).toBe("ix_t_a");
    expect(t.uniqueConstraints[0]!.name).toBeUndefined();
    expect(ddl([t])[0]).toContain('UNIQUE ("b")');
  });

  it("an index with no name and no ix template is refused", () => {
    const md = new MetaData({ namingConvention: { pk: "pk_%(table_name)s" } });
    expect(() => new Table("t", md, { id: column(Integer, { primaryKey: true }), a: column(Integer, { index: true }) })).toThrow(
      SchemaError,
    );
  });

  it("truncates long generated names with an md5 suffix (SQLAlchemy's test vectors)", () => {
    expect(truncateName("uq_user_dataData2Data3", 15)).toBe("uq_user_2769");
    expect(truncateName("ix_user_dataData2Data3", 15)).toBe("ix_user_2de9");
    expect(truncateName("fk_address_UserDataUserData2UserData3_user_dataData2Data3", 15)).toBe("fk_addr_f9ff");
    expect(truncateName("uq_long_names_information_channel_code_billing_conventions_and_more_text", 63)).toMatch(
      /^uq_long_names_information_channel_code_billing_conventi_[0-9a-f]{4}$/,
    );
    expect(truncateName("short", 63)).toBe("short");
  });

  it("the default convention names multi-column constraints after all their columns", () => {
    const md = new MetaData({ namingConvention: defaultNamingConvention });
    const t = new Table("orders", md, { id: column(Integer, { primaryKey: true }), a: column(Integer), b: column(Integer) }, (c) => [
      unique([c.a, c.b]),
      index([c.a, c.b]),
      index([func.lower(sql<string>`${c.b}`)]),
    ]);
    expect(t.uniqueConstraints[0]!.name).toBe("uq_orders_a_b");
    expect(t.indexes.map((i) => i.name)).toEqual(["ix_orders_a_b", "ix_orders_b"]);
  });

  it("refuses a second table with the same name in one MetaData", () => {
    const md = new MetaData();
    new Table("t", md, { id: column(Integer, { primaryKey: true }) });
    expect(() => new Table("t", md, { id: column(Integer, { primaryKey: true }) })).toThrow(/already defined in this MetaData/);
    expect(() => new Table("", md, { id: column(Integer) })).toThrow(ArgumentError);
  });
});
