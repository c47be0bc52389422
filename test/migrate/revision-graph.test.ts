/**
 * The revision graph without a database: validation, heads/bases/branch points, identifiers
 * (prefixes, relative steps), upgrade and downgrade paths, history lines, the version table's rows
 * through a branch and a merge, and the slug / file-name rules of new revision files.
 */
import { describe, expect, it } from "vitest";
import { RevisionError } from "../../src/util/errors.js";
import { newRevisionId, type Revision } from "../../src/migrate/revisions/revision.js";
import { RevisionGraph } from "../../src/migrate/revisions/graph.js";
import { DEFAULT_FILE_TEMPLATE, revisionFileName, slugify } from "../../src/migrate/revisions/file-name.js";

function rev(id: string, downRevisions: string[] = [], extra: Partial<Revision> = {}): Revision {
  return { id, downRevisions, message: `create ${id}`, ...extra };
}

const ids = (revs: Revision[]): string[] => revs.map((r) => r.id);

/** Throws `fn` and returns the message, asserting the class. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RevisionError);
    return (e as Error).message;
  }
  throw new Error("expected a RevisionError");
}

// a1 <- b2 <- c3 <- d4
const linear = () => new RevisionGraph([rev("a1"), rev("b2", ["a1"]), rev("c3", ["b2"]), rev("d4", ["c3"])]);

//            x1 <- x2
//          /          \
// r0 <- r1             m9 <- z9
//          \          /
//            y1 -----
const branched = () =>
  new RevisionGraph([
    rev("r0"),
    rev("r1", ["r0"]),
    rev("x1", ["r1"]),
    rev("x2", ["x1"]),
    rev("y1", ["r1"]),
    rev("m9", ["x2", "y1"], { message: "merge x and y" }),
    rev("z9", ["m9"]),
  ]);

// the same without the merge: two heads
const twoHeads = () => new RevisionGraph([rev("r0"), rev("r1", ["r0"]), rev("x1", ["r1"]), rev("x2", ["x1"]), rev("y1", ["r1"])]);

describe("revision ids", () => {
  it("are 12 hex characters, different each time", () => {
    const a = newRevisionId();
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(newRevisionId()).not.toBe(a);
  });
});

describe("validation", () => {
  it("rejects a duplicate id, naming both files", () => {
    expect(errorOf(() => new RevisionGraph([rev("a1", [], { file: "one.ts" }), rev("a1", [], { file: "two.ts" })]))).toBe(
      "Revision 'a1' is defined twice (in one.ts and two.ts); give one of them a new id",
    );
  });
  it("rejects a down revision that does not exist, naming both", () => {
    expect(errorOf(() => new RevisionGraph([rev("a1"), rev("b2", ["zz"], { file: "b2.ts" })]))).toBe(
      "Revision 'b2' (b2.ts) revises 'zz', which does not exist; fix its down revisions or restore the missing revision file",
    );
  });
  it("rejects an unknown dependency", () => {
    expect(errorOf(() => new RevisionGraph([rev("a1", [], { dependsOn: ["nope"] })]))).toMatch(
      /^Revision 'a1' depends on 'nope', which is neither a revision nor a branch label/,
    );
  });
  it("rejects cycles, through down revisions and through dependencies, and self-references", () => {
    expect(errorOf(() => new RevisionGraph([rev("a1", ["c3"]), rev("b2", ["a1"]), rev("c3", ["b2"])]))).toMatch(
      /^Revisions form a cycle: (a1 -> b2 -> c3 -> a1|b2 -> c3 -> a1 -> b2|c3 -> a1 -> b2 -> c3) /,
    );
    expect(errorOf(() => new RevisionGraph([rev("a1", [], { dependsOn: ["b2"] }), rev("b2", ["a1"])]))).toMatch(
      /^Revisions form a cycle: /,
    );
    expect(errorOf(() => new RevisionGraph([rev("a1", ["a1"])]))).toMatch(/^Revisions form a cycle: a1 -> a1 /);
  });
  it("rejects reserved words as ids or labels and a label used twice", () => {
    expect(errorOf(() => new RevisionGraph([rev("head")]))).toMatch(/reserved word 'head'/);
    expect(errorOf(() => new RevisionGraph([rev("a1", [], { branchLabels: ["base"] })]))).toMatch(
      /'base' as a branch label, which is a reserved word/,
    );
    expect(errorOf(() => new RevisionGraph([rev("a1", [], { branchLabels: ["x"] }), rev("b2", [], { branchLabels: ["x"] })]))).toBe(
      "Branch label 'x' is used by both revision 'a1' and revision 'b2'; a label names one branch",
    );
  });
  it("accepts an empty graph", () => {
    const g = new RevisionGraph([]);
    expect(g.heads).toEqual([]);
    expect(g.upgradePath([], "head")).toEqual([]);
  });
});

describe("structure", () => {
  it("linear chain: one base, one head, no branch point", () => {
    const g = linear();
    expect(g.heads).toEqual(["d4"]);
    expect(g.bases).toEqual(["a1"]);
    expect(g.branchPoints).toEqual([]);
  });
  it("branch and merge", () => {
    const g = branched();
    expect(g.heads).toEqual(["z9"]);
    expect(g.bases).toEqual(["r0"]);
    expect(g.branchPoints).toEqual(["r1"]);
    expect(g.isMergePoint("m9")).toBe(true);
    expect(g.isMergePoint("x2")).toBe(false);
    expect(twoHeads().heads).toEqual(["x2", "y1"]);
  });
  it("a dependency does not make its target a non-head", () => {
    const g = new RevisionGraph([rev("a1"), rev("b1", [], { dependsOn: ["a1"] })]);
    expect(g.heads).toEqual(["a1", "b1"]);
  });
});

describe("identifiers", () => {
  const g = new RevisionGraph([
    rev("1a2b3c4d5e6f"),
    rev("1a2bffff0000", ["1a2b3c4d5e6f"]),
    rev("9f9f00000000", ["1a2bffff0000"], { branchLabels: ["billing"] }),
  ]);
  it("full id, unique prefix, branch label", () => {
    expect(g.get("1a2b3c4d5e6f").id).toBe("1a2b3c4d5e6f");
    expect(g.get("1a2b3").id).toBe("1a2b3c4d5e6f");
    expect(g.get("9f").id).toBe("9f9f00000000");
    expect(g.get("billing").id).toBe("9f9f00000000");
  });
  it("ambiguous prefix lists the candidates", () => {
    expect(errorOf(() => g.get("1a2b"))).toBe(
      "Multiple revisions start with '1a2b': 1a2b3c4d5e6f, 1a2bffff0000; give more characters of the id",
    );
  });
  it("unknown identifier says what to do", () => {
    expect(errorOf(() => g.get("dead"))).toBe(
      "Can't locate revision identified by 'dead'; give a revision id (or a unique prefix of one) or a branch label that exists — `history` lists them",
    );
    expect(errorOf(() => g.get(""))).toMatch(/^Can't locate revision identified by ''/);
  });
  it("an id that looks relative is taken as the id", () => {
    const h = new RevisionGraph([rev("init"), rev("init-1", ["init"]), rev("next", ["init-1"])]);
    expect(ids(h.upgradePath([], "init-1"))).toEqual(["init", "init-1"]);
    expect(ids(h.downgradePath(["next"], "init-1"))).toEqual(["next"]);
  });
});

describe("upgradePath", () => {
  it("head / heads / revision / prefix from base and from the middle", () => {
    const g = linear();
    expect(ids(g.upgradePath([], "head"))).toEqual(["a1", "b2", "c3", "d4"]);
    expect(ids(g.upgradePath(["b2"], "head"))).toEqual(["c3", "d4"]);
    expect(ids(g.upgradePath(["b2"], "heads"))).toEqual(["c3", "d4"]);
    expect(ids(g.upgradePath([], "c3"))).toEqual(["a1", "b2", "c3"]);
    expect(ids(g.upgradePath(["a1"], "c"))).toEqual(["b2", "c3"]);
    expect(ids(g.upgradePath(["d4"], "head"))).toEqual([]);
    expect(ids(g.upgradePath(["d4"], "d4"))).toEqual([]);
    expect(errorOf(() => g.upgradePath(["d4"], "b2"))).toBe(
      "Destination 'b2' is not a valid upgrade target from current head(s) 'd4': it is already applied below them; downgrade to go back to it",
    );
    expect(ids(g.upgradePath(["b2"], "base"))).toEqual([]);
  });
  it("+N relative to current, and <rev>+N", () => {
    const g = linear();
    expect(ids(g.upgradePath([], "+1"))).toEqual(["a1"]);
    expect(ids(g.upgradePath(["a1"], "+2"))).toEqual(["b2", "c3"]);
    expect(ids(g.upgradePath([], "b2+1"))).toEqual(["a1", "b2", "c3"]);
    expect(ids(g.upgradePath(["a1"], "a1+3"))).toEqual(["b2", "c3", "d4"]);
    expect(ids(g.upgradePath(["a1"], "head+0"))).toEqual(["b2", "c3", "d4"]);
  });
  it("+N beyond the head is an error", () => {
    expect(errorOf(() => linear().upgradePath(["c3"], "+2"))).toBe(
      "Relative revision '+2' goes beyond the head: only 1 step(s) are possible from the start; give a smaller N",
    );
  });
  it("branch and merge: everything in topological order", () => {
    const g = branched();
    const path = ids(g.upgradePath([], "head"));
    expect(path).toEqual(["r0", "r1", "x1", "x2", "y1", "m9", "z9"]);
    const pos = (id: string) => path.indexOf(id);
    for (const r of g.revisions) for (const d of r.downRevisions) expect(pos(d)).toBeLessThan(pos(r.id));
    expect(ids(g.upgradePath(["x2"], "head"))).toEqual(["y1", "m9", "z9"]);
    expect(ids(g.upgradePath(["x1", "y1"], "m9"))).toEqual(["x2", "m9"]);
    // a step onto a merge point is not ambiguous; the merge's other parent comes along
    expect(ids(g.upgradePath(["x2"], "+1"))).toEqual(["y1", "m9"]);
  });
  it("head with several heads is an error; heads applies every branch", () => {
    const g = twoHeads();
    expect(errorOf(() => g.upgradePath([], "head"))).toBe(
      "Multiple head revisions are present for given argument 'head' (x2, y1); please specify a specific target revision, or 'heads' for all heads",
    );
    expect(ids(g.upgradePath([], "heads"))).toEqual(["r0", "r1", "x1", "x2", "y1"]);
    expect(ids(g.upgradePath(["x1"], "heads"))).toEqual(["x2", "y1"]);
    expect(ids(g.upgradePath([], "y1"))).toEqual(["r0", "r1", "y1"]);
  });
  it("a relative walk across a branch point is ambiguous", () => {
    const g = twoHeads();
    expect(errorOf(() => g.upgradePath(["r1"], "+1"))).toBe(
      "Ambiguous walk: '+1' reaches 'r1', which is a branch point (x1, y1); give a revision on the branch you want",
    );
    expect(errorOf(() => g.upgradePath([], "r0+2"))).toMatch(/^Ambiguous walk: 'r0\+2' reaches 'r1', which is a branch point/);
    expect(errorOf(() => g.upgradePath(["x2", "y1"], "+1"))).toBe(
      "Ambiguous walk: '+1' is relative to the current head, but there are several ('x2', 'y1'); give '<rev>+N' or a revision",
    );
    const twoBases = new RevisionGraph([rev("a1"), rev("b1")]);
    expect(errorOf(() => twoBases.upgradePath([], "+1"))).toMatch(
      /^Ambiguous walk: '\+1' reaches base, which has several bases \(a1, b1\)/,
    );
  });
  it("dependsOn is applied first, even from another branch", () => {
    const g = new RevisionGraph([rev("a1"), rev("a2", ["a1"]), rev("b1", [], { dependsOn: ["a2"] }), rev("b2", ["b1"])]);
    expect(ids(g.upgradePath([], "b2"))).toEqual(["a1", "a2", "b1", "b2"]);
    expect(ids(g.upgradePath(["a1"], "b1"))).toEqual(["a2", "b1"]);
    const byLabel = new RevisionGraph([rev("a1", [], { branchLabels: ["core"] }), rev("b1", [], { dependsOn: ["core"] })]);
    expect(ids(byLabel.upgradePath([], "b1"))).toEqual(["a1", "b1"]);
  });
  it("wrong-direction and unknown targets", () => {
    const g = linear();
    expect(errorOf(() => g.upgradePath(["c3"], "-1"))).toBe(
      "'-1' is a relative downgrade target; an upgrade takes 'head', 'heads', a revision, '+N' or '<rev>+N'",
    );
    expect(errorOf(() => g.upgradePath([], "zz"))).toMatch(/^Can't locate revision identified by 'zz'/);
    expect(errorOf(() => g.upgradePath(["gone"], "head"))).toBe(
      "Can't locate revision identified by 'gone', which the version table holds; restore its revision file, or stamp the database with a revision that exists",
    );
  });
});

describe("downgradePath", () => {
  it("base / -N / revision / <rev>-N on a chain", () => {
    const g = linear();
    expect(ids(g.downgradePath(["d4"], "base"))).toEqual(["d4", "c3", "b2", "a1"]);
    expect(ids(g.downgradePath(["d4"], "-1"))).toEqual(["d4"]);
    expect(ids(g.downgradePath(["d4"], "-2"))).toEqual(["d4", "c3"]);
    expect(ids(g.downgradePath(["d4"], "-4"))).toEqual(["d4", "c3", "b2", "a1"]);
    expect(ids(g.downgradePath(["d4"], "b2"))).toEqual(["d4", "c3"]);
    expect(ids(g.downgradePath(["d4"], "b"))).toEqual(["d4", "c3"]);
    expect(ids(g.downgradePath(["d4"], "c3-1"))).toEqual(["d4", "c3"]);
    expect(ids(g.downgradePath(["c3"], "d4-3"))).toEqual(["c3", "b2"]);
    expect(ids(g.downgradePath(["d4"], "d4"))).toEqual([]);
    expect(ids(g.downgradePath([], "base"))).toEqual([]);
  });
  it("-N below the base, from nothing, and wrong-direction targets are errors", () => {
    const g = linear();
    expect(errorOf(() => g.downgradePath(["b2"], "-3"))).toBe(
      "Relative revision '-3' goes below the base: only 2 step(s) are possible; give a smaller N",
    );
    expect(errorOf(() => g.downgradePath([], "-1"))).toBe("Nothing is applied, so '-1' cannot go down from the current head");
    expect(errorOf(() => g.downgradePath(["d4"], "+1"))).toMatch(/^'\+1' is a relative upgrade target/);
    expect(errorOf(() => g.downgradePath(["d4"], "head"))).toMatch(/^'head' is not a downgrade target/);
  });
  it("a target that is not applied is an error", () => {
    expect(errorOf(() => linear().downgradePath(["b2"], "c3"))).toBe(
      "Revision 'c3' is not applied (current heads: 'b2'), so it is not a valid downgrade target; give a revision below the current heads",
    );
  });
  it("through a merge: to a revision on one branch undoes only what is above it", () => {
    const g = branched();
    expect(ids(g.downgradePath(["z9"], "x1"))).toEqual(["z9", "m9", "x2"]);
    expect(ids(g.downgradePath(["z9"], "-1"))).toEqual(["z9"]);
    expect(ids(g.downgradePath(["m9"], "x2"))).toEqual(["m9"]);
    expect(ids(g.downgradePath(["z9"], "r1"))).toEqual(["z9", "m9", "y1", "x2", "x1"]);
    expect(ids(g.downgradePath(["z9"], "base"))).toEqual(["z9", "m9", "y1", "x2", "x1", "r1", "r0"]);
  });
  it("a relative walk across a merge point or from several heads is ambiguous", () => {
    expect(errorOf(() => branched().downgradePath(["z9"], "-2"))).toBe(
      "Ambiguous walk: '-2' reaches 'm9', which is a merge point (x2, y1); give a revision on the branch you want",
    );
    expect(errorOf(() => twoHeads().downgradePath(["x2", "y1"], "-1"))).toBe(
      "Ambiguous walk: '-1' is relative to the current head, but there are several ('x2', 'y1'); give '<rev>-N' or a revision",
    );
    expect(ids(twoHeads().downgradePath(["x2", "y1"], "x2-1"))).toEqual(["x2"]);
  });
  it("other branches are left alone; dependents are undone before their dependency", () => {
    expect(ids(twoHeads().downgradePath(["x2", "y1"], "r1"))).toEqual(["y1", "x2", "x1"]);
    const g = new RevisionGraph([rev("a1"), rev("a2", ["a1"]), rev("b1", [], { dependsOn: ["a2"] }), rev("b2", ["b1"])]);
    // b2's branch depends on a2: undoing a2 undoes b1 and b2 first; undoing b1 leaves a2 applied.
    expect(ids(g.downgradePath(["a2", "b2"], "a1"))).toEqual(["b2", "b1", "a2"]);
    expect(ids(g.downgradePath(["a2", "b2"], "b2-2"))).toEqual(["b2", "b1"]);
  });
});

describe("history and describe", () => {
  it("newest first", () => {
    expect(ids(linear().history())).toEqual(["d4", "c3", "b2", "a1"]);
    const h = ids(branched().history());
    expect(h[0]).toBe("z9");
    expect(h[h.length - 1]).toBe("r0");
    expect(h.indexOf("m9")).toBeLessThan(h.indexOf("y1"));
    expect(h.indexOf("m9")).toBeLessThan(h.indexOf("x2"));
  });
  it("lines like Alembic's history", () => {
    const g = branched();
    expect(g.describe("r0")).toBe("<base> -> r0, create r0");
    expect(g.describe("r1")).toBe("r0 -> r1 (branchpoint), create r1");
    expect(g.describe("m9")).toBe("x2, y1 -> m9 (mergepoint), merge x and y");
    expect(g.describe("z9")).toBe("m9 -> z9 (head), create z9");
    const d = new RevisionGraph([rev("a1", [], { branchLabels: ["core"] }), rev("b1", [], { dependsOn: ["a1"], message: "first\nmore" })]);
    expect(d.describe("a1")).toBe("<base> -> a1 (core) (head), create a1");
    expect(d.describe("b1")).toBe("<base> (a1) -> b1 (head), first");
  });
});

describe("<rev>@head and <rev>@base", () => {
  it("name the one head above and the one base below a revision or branch label", () => {
    const g = new RevisionGraph([
      rev("r0"),
      rev("r1", ["r0"]),
      rev("x1", ["r1"], { branchLabels: ["feature"] }),
      rev("x2", ["x1"]),
      rev("y1", ["r1"]),
    ]);
    expect(g.get("feature@head").id).toBe("x2");
    expect(g.get("feature@base").id).toBe("r0");
    expect(g.get("y1@base").id).toBe("r0");
    expect(ids(g.upgradePath(["r1"], "feature@head"))).toEqual(["x1", "x2"]);
    expect(ids(g.downgradePath(["x2", "y1"], "feature@head-1"))).toEqual(["x2"]);
    expect(errorOf(() => g.get("r1@head"))).toMatch(/'r1@head' is ambiguous: the branch has several heads \('x2', 'y1'\)/);
    expect(errorOf(() => g.get("nope@head"))).toMatch(/Can't locate revision identified by 'nope'/);
  });
});

describe("version table rows (heads bookkeeping)", () => {
  it("walks up through a branch and a merge, then back down", () => {
    const g = branched();
    let heads: string[] = [];
    const seen: string[][] = [];
    for (const r of g.upgradePath(heads, "head")) {
      heads = g.headsAfterUpgrade(heads, r.id);
      seen.push(heads);
    }
    expect(seen).toEqual([["r0"], ["r1"], ["x1"], ["x2"], ["x2", "y1"], ["m9"], ["z9"]]);
    const down: string[][] = [];
    for (const r of g.downgradePath(heads, "base")) {
      heads = g.headsAfterDowngrade(heads, r.id);
      down.push(heads);
    }
    expect(down).toEqual([["m9"], ["x2", "y1"], ["x2"], ["x1"], ["r1"], ["r0"], []]);
  });
  it("a branch point's second child adds a row; undoing it removes only that row", () => {
    const g = twoHeads();
    expect(g.headsAfterUpgrade(["x1"], "y1")).toEqual(["x1", "y1"]);
    expect(g.headsAfterDowngrade(["x1", "y1"], "y1")).toEqual(["x1"]);
    expect(g.headsAfterDowngrade(["x1", "y1"], "x1")).toEqual(["y1"]);
    expect(g.headsAfterDowngrade(["x1"], "x1")).toEqual(["r1"]);
  });
  it("a dependency keeps its own row", () => {
    const g = new RevisionGraph([rev("a1"), rev("b1", [], { dependsOn: ["a1"] })]);
    expect(g.headsAfterUpgrade(["a1"], "b1")).toEqual(["a1", "b1"]);
    expect(g.headsAfterDowngrade(["a1", "b1"], "b1")).toEqual(["a1"]);
    expect(errorOf(() => g.headsAfterDowngrade(["a1", "b1"], "a1"))).toBe(
      "Revision 'a1' cannot be undone while 'b1', which depend(s) on it, are applied; undo them first",
    );
  });
  it("refuses steps out of order", () => {
    const g = linear();
    expect(errorOf(() => g.headsAfterUpgrade(["a1"], "c3"))).toBe(
      "Revision 'c3' cannot be applied before 'b2' (current heads: 'a1'); apply them first",
    );
    expect(errorOf(() => g.headsAfterUpgrade(["b2"], "a1"))).toBe(
      "Revision 'a1' is already applied (current heads: 'b2'); it cannot be applied again",
    );
    expect(errorOf(() => g.headsAfterDowngrade(["c3"], "b2"))).toBe(
      "Revision 'b2' cannot be undone while revisions above it are applied (current heads: 'c3'); undo those first",
    );
    expect(errorOf(() => g.headsAfterDowngrade(["b2"], "d4"))).toBe(
      "Revision 'd4' is not applied (current heads: 'b2'), so it cannot be undone",
    );
  });
});

describe("slugs and file names", () => {
  it("slugify joins word runs with _ and lower-cases", () => {
    expect(slugify("Initial schema: users & posts!")).toBe("initial_schema_users_posts");
    expect(slugify("  add   Column--to  orders ")).toBe("add_column_to_orders");
    expect(slugify("Ändere Größe")).toBe("ändere_größe");
    expect(slugify("")).toBe("");
  });
  it("a long message is cut at 40, dropping the partial word, ending with _ (as Alembic)", () => {
    const msg = "Add billing address and shipping preferences to the customer table"; // 66 chars
    // joined: add_billing_address_and_shipping_preferences_... ; the first 40: "add_billing_address_and_shipping_prefere"
    expect(slugify(msg)).toBe("add_billing_address_and_shipping_");
    expect(slugify(msg).length).toBeLessThanOrEqual(40);
    const sixty = "Create the invoices table with totals and currency by region";
    expect(sixty.length).toBe(60);
    // first 40 of the slug: "create_the_invoices_table_with_totals_an" -> the partial "an" is dropped
    expect(slugify(sixty)).toBe("create_the_invoices_table_with_totals_");
    expect(slugify(sixty, 80)).toBe("create_the_invoices_table_with_totals_and_currency_by_region");
    expect(slugify("abcdefghij abcdefghij", 15)).toBe("abcdefghij_");
    expect(slugify("x".repeat(50))).toBe(`${"x".repeat(40)}_`);
    expect(slugify("exactly forty characters long message ok")).toBe("exactly_forty_characters_long_message_ok");
  });
  const date = new Date(Date.UTC(2026, 0, 17, 9, 30, 5));
  it("default template", () => {
    expect(revisionFileName(DEFAULT_FILE_TEMPLATE, { rev: "ab12cd34ef56", slug: "create_users_table", date })).toBe(
      "20260117_0930_create_users_table.ts",
    );
  });
  it("every token, %% and the local time zone", () => {
    expect(
      revisionFileName("%(rev)s-%(epoch)s-%(year)d%(month).2d%(day).2d%(hour).2d%(minute).2d%(second).2d-100%%-%(slug)s", {
        rev: "ab12",
        slug: "s",
        date,
      }),
    ).toBe(`ab12-${Date.UTC(2026, 0, 17, 9, 30, 5) / 1000}-20260117093005-100%-s.ts`);
    const local = new Date(2026, 11, 31, 23, 59, 58);
    expect(
      revisionFileName(
        "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d",
        { rev: "r", slug: "s", date: local },
        { timezone: "local" },
      ),
    ).toBe("20261231_235958.ts");
  });
  it("UTC fields by default, local ones with timezone: 'local' (checked in a zone far from UTC)", () => {
    const saved = process.env.TZ;
    process.env.TZ = "Pacific/Auckland"; // UTC+13 in January
    try {
      const lateUtc = new Date(Date.UTC(2026, 0, 31, 23, 30, 5));
      const values = { rev: "r", slug: "s", date: lateUtc };
      expect(revisionFileName("%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d", values)).toBe("20260131_233005.ts");
      expect(revisionFileName("%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d%(second).2d", values, { timezone: "local" })).toBe(
        "20260201_123005.ts",
      );
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
  it("an unknown token is an error naming it", () => {
    expect(() => revisionFileName("%(rev)s_%(branch)s", { rev: "r", slug: "s", date })).toThrow(
      /^Unknown token %\(branch\)s in the revision file template/,
    );
    expect(() => revisionFileName("%(month)d", { rev: "r", slug: "s", date })).toThrow(/^Unknown token %\(month\)d /);
  });
});
