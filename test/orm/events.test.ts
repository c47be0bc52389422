/**
 * Mapper events (listen()): write events around the flush's SQL, changes made by listeners,
 * listeners writing through the flush's connection, inheritance, removal, async listeners, `load`,
 * `set:<attribute>`; session events; and what does not fire them (bulk statements).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  ArgumentError,
  column,
  declarativeBase,
  defaultNamingConvention,
  deleteFrom,
  func,
  insert,
  inspect,
  Integer,
  listen,
  mapped,
  MetaData,
  select,
  Session,
  String,
  update,
  type Connection,
  type FlushEventInfo,
  type MapperEventContext,
  type ModelEvent,
} from "athanor";
import { forEachDialect } from "../support/dialects.js";
import { emptyTables } from "../support/orm.js";

const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });

@mapped
class Account extends Base.model("accounts", {
  id: column(Integer, { primaryKey: true }),
  email: column(String(255), { unique: true }),
  name: column(String(100), { nullable: true }),
  slug: column(String(120), { nullable: true }),
  status: column(String(20), { default: "new" }),
  balance: column(Integer, { default: 0 }),
}) {}

@mapped
class AuditEntry extends Base.model("audit_entries", {
  id: column(Integer, { primaryKey: true }),
  action: column(String(20)),
  subject: column(String(255)),
}) {}

@mapped
class Vehicle extends Base.model(
  "vehicles",
  {
    id: column(Integer, { primaryKey: true }),
    kind: column(String(20), { default: "vehicle" }),
    label: column(String(60)),
  },
  { polymorphicOn: "kind", polymorphicIdentity: "vehicle" },
) {}

@mapped
class Truck extends Base.subclass(Vehicle, "trucks", { payload: column(Integer) }, { polymorphicIdentity: "truck" }) {}

@mapped
class Bike extends Base.subclass(Vehicle, { gears: column(Integer, { nullable: true }) }, { polymorphicIdentity: "bike" }) {}

const WRITE_EVENTS = ["beforeInsert", "afterInsert", "beforeUpdate", "afterUpdate", "beforeDelete", "afterDelete"] as const;

/** Listeners registered by a test, removed after it (listeners are global to the model). */
const removers: Array<() => void> = [];
function on<C extends abstract new (...args: any) => any>(
  model: C,
  event: ModelEvent,
  fn: (target: InstanceType<C>, ctx: MapperEventContext) => void | Promise<void>,
): () => void {
  const remove = listen(model, event, fn);
  removers.push(remove);
  return remove;
}

async function accountIds(conn: Connection): Promise<number[]> {
  return (await conn.scalars(select(Account.id).orderBy(Account.id))).map(Number);
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
    it("listeners get the model's instance type; set: listeners the attribute's type", () => {
      const typed = (): void => {
        listen(Account, "beforeInsert", (a, ctx) => {
          expectTypeOf(a).toEqualTypeOf<Account>();
          expectTypeOf(ctx.connection).toEqualTypeOf<Connection | undefined>();
        });
        listen(Account, "set:balance", (a, value, old) => {
          expectTypeOf(a).toEqualTypeOf<Account>();
          expectTypeOf(value).toEqualTypeOf<number>();
          expectTypeOf(old).toEqualTypeOf<number | undefined>();
          return value;
        });
        listen(Truck, "set:label", (t, value) => {
          expectTypeOf(t).toEqualTypeOf<Truck>();
          expectTypeOf(value).toEqualTypeOf<string>();
        });
        // @ts-expect-error not an attribute of Account
        listen(Account, "set:nope", () => undefined);
        // @ts-expect-error not an event
        listen(Account, "afterSave", () => undefined);
      };
      expect(typeof typed).toBe("function"); // type assertions only; not run (listeners are global)
    });
  });

  beforeAll(() => Base.metadata.createAll(db.engine));
  beforeEach(() => emptyTables(db.engine, Base.metadata));
  afterEach(() => {
    for (const r of removers.splice(0)) r();
  });

  describe("write events", () => {
    it("fire once per object, in order around the SQL, with the flush's connection", async () => {
      const log: string[] = [];
      const stop = db.engine.on("afterExecute", (e) => {
        const m = /^\s*(INSERT|UPDATE|DELETE)\b[^`"]*[`"]?(\w+)/i.exec(e.sql);
        if (m) log.push(`sql:${m[1]!.toUpperCase()} ${m[2]}`);
      });
      const existence: Array<[string, string, number]> = [];
      const exists = async (a: Account, ctx: MapperEventContext): Promise<number> =>
        Number(await ctx.connection!.scalar(select(func.count()).from(inspect(Account).table).where(Account.id.eq(a.id))));
      try {
        for (const ev of WRITE_EVENTS)
          on(Account, ev, async (a, ctx) => {
            log.push(`${ev}:${a.email}`);
            expect(ctx.mapper.name).toBe("Account");
            expect(ctx.connection).toBeDefined();
            if (ev === "afterInsert" || ev === "beforeDelete" || ev === "afterDelete") existence.push([ev, a.email, await exists(a, ctx)]);
            if (ev === "afterInsert") expect(typeof a.id).toBe("number");
          });
        await using s = new Session(db.engine);
        const a = new Account({ email: "a@x" });
        const b = new Account({ email: "b@x" });
        s.addAll([a, b]);
        await s.flush();
        const inserts = log.filter((l) => l.startsWith("sql:INSERT"));
        expect(inserts.length).toBeGreaterThan(0);
        expect(log.filter((l) => l.startsWith("beforeInsert"))).toEqual(["beforeInsert:a@x", "beforeInsert:b@x"]);
        expect(log.filter((l) => l.startsWith("afterInsert"))).toEqual(["afterInsert:a@x", "afterInsert:b@x"]);
        const firstInsert = log.indexOf(inserts[0]!);
        const lastInsert = log.lastIndexOf(inserts[inserts.length - 1]!);
        expect(log.lastIndexOf("beforeInsert:b@x")).toBeLessThan(firstInsert);
        expect(log.indexOf("afterInsert:a@x")).toBeGreaterThan(lastInsert);
        expect(log.some((l) => /^(before|after)(Update|Delete)/.test(l))).toBe(false);

        log.length = 0;
        a.name = "Ada";
        await s.flush();
        expect(log).toEqual(["beforeUpdate:a@x", "sql:UPDATE accounts", "afterUpdate:a@x"]);

        log.length = 0;
        s.delete(b);
        await s.flush();
        expect(log).toEqual(["beforeDelete:b@x", "sql:DELETE accounts", "afterDelete:b@x"]);
        expect(existence).toEqual([
          ["afterInsert", "a@x", 1],
          ["afterInsert", "b@x", 1],
          ["beforeDelete", "b@x", 1],
          ["afterDelete", "b@x", 0],
        ]);
        // A flush with nothing to write fires nothing.
        log.length = 0;
        await s.flush();
        expect(log).toEqual([]);
      } finally {
        stop();
      }
    });

    it("beforeInsert and beforeUpdate listeners may change the object's own columns, and the change is written", async () => {
      on(Account, "beforeInsert", (a) => {
        a.slug = a.email.split("@")[0]!.toUpperCase();
      });
      on(Account, "beforeUpdate", (a) => {
        a.status = "changed";
        a.slug = `${a.slug}-v2`;
      });
      await using s = new Session(db.engine);
      const a = new Account({ email: "grace@x" });
      s.add(a);
      await s.flush();
      expect(a.slug).toBe("GRACE");
      const conn = await s.connection();
      const row = async () => (await conn.execute(select(Account.slug, Account.status, Account.name).where(Account.id.eq(a.id)))).rows[0];
      expect(await row()).toEqual({ slug: "GRACE", status: "new", name: null });
      expect(s.isModified(a)).toBe(false);

      a.name = "Grace";
      await s.flush();
      expect(await row()).toEqual({ slug: "GRACE-v2", status: "changed", name: "Grace" });
      expect(s.isModified(a)).toBe(false);
      expect(s.dirty).toEqual([]);
      expect(inspect(a).modified).toEqual([]);
    });

    it("an afterInsert listener's audit rows written through context.connection commit with the session", async () => {
      on(Account, "afterInsert", async (a, ctx) => {
        await ctx.connection!.execute(insert(AuditEntry).values({ action: "created", subject: a.email }));
      });
      {
        await using s = new Session(db.engine);
        s.addAll([new Account({ email: "c1@x" }), new Account({ email: "c2@x" })]);
        await s.commit();
      }
      await using conn = await db.engine.connect();
      const audit = await conn.execute(select(AuditEntry.action, AuditEntry.subject).orderBy(AuditEntry.subject));
      expect(audit.rows).toEqual([
        { action: "created", subject: "c1@x" },
        { action: "created", subject: "c2@x" },
      ]);
    });

    it("and roll back with it", async () => {
      on(Account, "afterInsert", async (a, ctx) => {
        await ctx.connection!.execute(insert(AuditEntry).values({ action: "created", subject: a.email }));
      });
      {
        await using s = new Session(db.engine);
        s.add(new Account({ email: "r1@x" }));
        await s.flush();
        const conn = await s.connection();
        expect(await conn.scalars(select(AuditEntry.subject))).toEqual(["r1@x"]);
        await s.rollback();
      }
      await using conn = await db.engine.connect();
      expect(await conn.scalars(select(AuditEntry.subject))).toEqual([]);
      expect(await accountIds(conn)).toEqual([]);
    });

    it("a listener that throws fails the flush, and nothing of it is kept", async () => {
      on(Account, "beforeUpdate", (a) => {
        if (a.balance < 0) throw new ArgumentError(`balance of ${a.email} cannot be negative`);
      });
      await using s = new Session(db.engine);
      const a = new Account({ email: "neg@x" });
      s.add(a);
      await s.commit();
      a.balance = -5;
      const err = await s.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArgumentError);
      expect((err as Error).message).toMatch(/balance of neg@x cannot be negative/);
      await s.rollback();
      expect(a.balance).toBe(0);
    });

    it("listeners on a base class fire for subclass objects; a subclass's listeners only for its own", async () => {
      const base: string[] = [];
      const trucks: string[] = [];
      on(Vehicle, "beforeInsert", (v, ctx) => void base.push(`${ctx.mapper.name}:${v.label}`));
      on(Vehicle, "afterDelete", (v, ctx) => void base.push(`deleted ${ctx.mapper.name}:${v.label}`));
      on(Truck, "beforeInsert", (t) => void trucks.push(`${t.label}/${t.payload}`));
      await using s = new Session(db.engine);
      const truck = new Truck({ label: "T1", payload: 12 });
      s.addAll([new Vehicle({ label: "V1" }), truck, new Bike({ label: "B1", gears: 21 })]);
      await s.flush();
      expect(base.sort()).toEqual(["Bike:B1", "Truck:T1", "Vehicle:V1"]);
      expect(trucks).toEqual(["T1/12"]);
      s.delete(truck);
      await s.flush();
      expect(base).toContain("deleted Truck:T1");
    });

    it("removing a listener stops it (removing twice is harmless)", async () => {
      let calls = 0;
      const remove = on(Account, "beforeInsert", () => void calls++);
      await using s = new Session(db.engine);
      s.add(new Account({ email: "l1@x" }));
      await s.flush();
      expect(calls).toBe(1);
      remove();
      remove();
      s.add(new Account({ email: "l2@x" }));
      await s.flush();
      expect(calls).toBe(1);
      // Another listener on the same event is unaffected by the removal.
      let other = 0;
      on(Account, "beforeInsert", () => void other++);
      s.add(new Account({ email: "l3@x" }));
      await s.flush();
      expect([calls, other]).toEqual([1, 1]);
    });

    it("async listeners are awaited, one after another, before the flush goes on", async () => {
      const steps: string[] = [];
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      on(Account, "beforeInsert", async (a) => {
        steps.push("first:start");
        await pause(20);
        a.status = "checked";
        steps.push("first:end");
      });
      on(Account, "beforeInsert", async () => {
        steps.push("second:start");
        await pause(5);
        steps.push("second:end");
      });
      let seenInDb: number | undefined;
      on(Account, "afterInsert", async (a, ctx) => {
        await pause(10);
        seenInDb = Number(await ctx.connection!.scalar(select(func.count()).from(inspect(Account).table).where(Account.id.eq(a.id))));
      });
      await using s = new Session(db.engine);
      const a = new Account({ email: "async@x" });
      s.add(a);
      await s.flush();
      expect(steps).toEqual(["first:start", "first:end", "second:start", "second:end"]);
      expect(seenInDb).toBe(1);
      const conn = await s.connection();
      expect(await conn.scalar(select(Account.status).where(Account.id.eq(a.id)))).toBe("checked");
    });
  });

  describe("load", () => {
    it("fires for objects built from rows, not for identity-map hits or objects the session inserted", async () => {
      const ids: number[] = [];
      {
        await using s = new Session(db.engine);
        const objs = [new Account({ email: "ld1@x" }), new Account({ email: "ld2@x" })];
        s.addAll(objs);
        await s.commit();
        ids.push(...objs.map((o) => o.id));
      }
      const loaded: Array<[string, string]> = [];
      on(Account, "load", (a, ctx) => void loaded.push([a.email, ctx.mapper.name]));
      await using s = new Session(db.engine);
      const inserted = new Account({ email: "ld3@x" });
      s.add(inserted);
      await s.flush();
      expect(loaded).toEqual([]);

      const all = await s.scalars(select(Account).orderBy(Account.id));
      expect(all).toHaveLength(3);
      expect(all[2]).toBe(inserted);
      expect(loaded).toEqual([
        ["ld1@x", "Account"],
        ["ld2@x", "Account"],
      ]);
      // Identity-map hits: no new events.
      await s.scalars(select(Account));
      await s.get(Account, ids[0]!);
      expect(loaded).toHaveLength(2);
      // Once the session forgets them, loading builds new objects again.
      s.expungeAll();
      await s.get(Account, ids[1]!);
      expect(loaded.map((l) => l[0])).toEqual(["ld1@x", "ld2@x", "ld2@x"]);
    });

    it("fires for subclass objects loaded through the base, and they are complete by then", async () => {
      {
        await using s = new Session(db.engine);
        s.addAll([new Truck({ label: "LT", payload: 30 }), new Bike({ label: "LB", gears: 3 })]);
        await s.commit();
      }
      const seen: string[] = [];
      on(Vehicle, "load", (v) => {
        if (v instanceof Truck) seen.push(`truck ${v.label} ${v.payload}`);
        else if (v instanceof Bike) seen.push(`bike ${v.label} ${v.gears}`);
        else seen.push(`vehicle ${v.label}`);
      });
      await using s = new Session(db.engine);
      const all = await s.scalars(select(Vehicle));
      expect(all).toHaveLength(2);
      expect(seen.sort()).toEqual(["bike LB 3", "truck LT 30"]);
    });
  });

  describe("set:<attribute>", () => {
    it("sees the new and the old value, and may replace the value (constructor included)", async () => {
      const calls: Array<[string, unknown, unknown]> = [];
      removers.push(
        listen(Account, "set:name", (a, value, old) => {
          calls.push([a.email ?? "?", value, old]);
          return value === null ? null : value.trim();
        }),
      );
      const a = new Account({ email: "set@x", name: "  Ada  " });
      expect(a.name).toBe("Ada");
      expect(calls).toEqual([["set@x", "  Ada  ", undefined]]);
      a.name = " Ada Lovelace ";
      expect(a.name).toBe("Ada Lovelace");
      expect(calls[1]).toEqual(["set@x", " Ada Lovelace ", "Ada"]);

      await using s = new Session(db.engine);
      s.add(a);
      await s.flush();
      a.name = "  Countess ";
      expect(s.isModified(a)).toBe(true);
      await s.flush();
      const conn = await s.connection();
      expect(await conn.scalar(select(Account.name).where(Account.id.eq(a.id)))).toBe("Countess");
      expect(calls[calls.length - 1]).toEqual(["set@x", "  Countess ", "Ada Lovelace"]);
    });

    it("is inherited by subclasses, is not fired by loading, and its replacement is still type-checked", async () => {
      const seen: Array<[string, unknown, unknown]> = [];
      removers.push(
        listen(Vehicle, "set:label", (v, value, old) => {
          seen.push([inspect(v).model.name, value, old]);
          return value.toUpperCase();
        }),
      );
      const t = new Truck({ label: "hauler", payload: 1 });
      expect(t.label).toBe("HAULER");
      {
        await using s = new Session(db.engine);
        s.add(t);
        await s.commit();
      }
      await using s = new Session(db.engine);
      const calls = seen.length;
      const loaded = await s.getOne(Vehicle, t.id);
      expect(loaded).toBeInstanceOf(Truck);
      expect(seen.length, "loading a row does not fire set listeners").toBe(calls);
      loaded.label = "big hauler";
      expect(seen[seen.length - 1]).toEqual(["Truck", "big hauler", "HAULER"]);
      expect(loaded.label).toBe("BIG HAULER");
      // The listener's replacement is still type-checked.
      removers.push(listen(Account, "set:balance", () => "lots" as unknown as number));
      const err = caught(() => new Account({ email: "t@x", balance: 5 }));
      expect(err).toBeInstanceOf(ArgumentError);
      expect(err.message).toMatch(/Account\.balance/);
    });
  });

  describe("errors", () => {
    it("unknown events, unknown or non-column attributes and non-models raise ArgumentError", () => {
      const unknownEvent = caught(() => listen(Account, "afterSave" as ModelEvent, () => undefined));
      expect(unknownEvent).toBeInstanceOf(ArgumentError);
      expect(unknownEvent.message).toMatch(/"afterSave"\): unknown event/);
      expect(unknownEvent.message).toMatch(/beforeInsert/);
      const unknownAttr = caught(() => listen(Account, "set:nickname" as "set:name", () => undefined));
      expect(unknownAttr).toBeInstanceOf(ArgumentError);
      expect(unknownAttr.message).toMatch(/'nickname' is not a column attribute of Account/);
      expect(unknownAttr.message).toMatch(/email/);
      // A subclass's column is not an attribute of its base.
      const subAttr = caught(() => listen(Vehicle, "set:payload" as "set:label", () => undefined));
      expect(subAttr).toBeInstanceOf(ArgumentError);
      expect(subAttr.message).toMatch(/'payload'/);
      class Plain {}
      const notMapped = caught(() => listen(Plain, "load", () => undefined));
      expect(notMapped).toBeInstanceOf(ArgumentError);
      expect(notMapped.message).toMatch(/mapped class/);
      const notFn = caught(() => listen(Account, "load", "nope" as never));
      expect(notFn).toBeInstanceOf(ArgumentError);
      expect(notFn.message).toMatch(/must be a function/);
      const session = new Session(db.engine);
      const badSessionEvent = caught(() => session.on("beforeCommit" as "afterCommit", () => undefined));
      expect(badSessionEvent).toBeInstanceOf(ArgumentError);
      expect(badSessionEvent.message).toMatch(/unknown session event 'beforeCommit'/);
    });
  });

  describe("session events", () => {
    it("beforeFlush may add objects, which the same flush writes; afterFlush sees what was flushed", async () => {
      await using s = new Session(db.engine);
      const before: FlushEventInfo[] = [];
      const after: Array<{ info: FlushEventInfo; pendingNow: number }> = [];
      s.on("beforeFlush", (session, info) => {
        before.push(info);
        for (const o of info.new) if (o instanceof Account) session.add(new AuditEntry({ action: "signup", subject: o.email }));
      });
      s.on("afterFlush", (session, info) => void after.push({ info, pendingNow: session.new.length }));
      const a = new Account({ email: "bf@x" });
      s.add(a);
      let inserts = 0;
      const stop = db.engine.on("afterExecute", (e) => {
        if (/^\s*INSERT/i.test(e.sql)) inserts++;
      });
      try {
        await s.flush();
      } finally {
        stop();
      }
      expect(before).toHaveLength(1);
      expect(before[0]!.new).toEqual([a]);
      expect(after).toHaveLength(1);
      const flushed = after[0]!.info.new;
      expect(flushed).toHaveLength(2);
      expect(flushed[0]).toBe(a);
      expect(flushed[1]).toBeInstanceOf(AuditEntry);
      expect(after[0]!.pendingNow).toBe(0);
      expect(inspect(flushed[1]!).status).toBe("persistent");
      expect(inserts).toBe(2);
      const conn = await s.connection();
      expect(await conn.scalars(select(AuditEntry.subject))).toEqual(["bf@x"]);
      // afterFlush lists changed and deleted objects too.
      a.name = "Changed";
      await s.flush();
      expect(after[1]!.info.dirty).toEqual([a]);
      s.delete(a);
      await s.flush();
      expect(after[2]!.info.deleted).toEqual([a]);
    });

    it("afterBegin, afterCommit and afterRollback fire; async listeners are awaited; the remover stops a listener", async () => {
      await using s = new Session(db.engine);
      const log: string[] = [];
      s.on("afterBegin", async () => {
        await new Promise((r) => setTimeout(r, 5));
        log.push("begin");
      });
      const stopCommit = s.on("afterCommit", (session) => {
        expect(session).toBe(s);
        expect(session.inTransaction).toBe(false);
        log.push("commit");
      });
      s.on("afterRollback", () => void log.push("rollback"));
      expect(log).toEqual([]);
      s.add(new Account({ email: "tx1@x" }));
      await s.flush();
      expect(log).toEqual(["begin"]);
      await s.commit();
      expect(log).toEqual(["begin", "commit"]);
      await s.scalars(select(Account));
      expect(log).toEqual(["begin", "commit", "begin"]);
      await s.rollback();
      expect(log).toEqual(["begin", "commit", "begin", "rollback"]);
      stopCommit();
      s.add(new Account({ email: "tx2@x" }));
      await s.commit();
      expect(log).toEqual(["begin", "commit", "begin", "rollback", "begin"]);
    });
  });

  describe("bulk statements", () => {
    it("do not fire mapper write events", async () => {
      const fired: string[] = [];
      for (const ev of WRITE_EVENTS) on(Account, ev, (a) => void fired.push(`${ev}:${a.email}`));
      await using s = new Session(db.engine);
      await s.execute(insert(Account), [{ email: "bulk1@x" }, { email: "bulk2@x" }]);
      const conn = await s.connection();
      const ids = await accountIds(conn);
      expect(ids).toHaveLength(2);
      await s.execute(update(Account), [{ id: ids[0]!, name: "by key" }]);
      await s.execute(update(Account).set({ status: "bulk" }).where(Account.email.like("bulk%")));
      await s.execute(deleteFrom(Account).where(Account.id.eq(ids[1]!)));
      if (db.caps.insertReturning) {
        const made = await s.scalars(insert(Account).returning(Account), [{ email: "bulk3@x" }]);
        expect(made[0]!.email).toBe("bulk3@x");
      }
      // Loaded objects kept in step by a bulk UPDATE do not fire update events either.
      const loaded = await s.getOne(Account, ids[0]!);
      await s.execute(update(Account).set({ balance: 7 }).where(Account.id.eq(ids[0]!)));
      expect(loaded.balance).toBe(7);
      expect(fired).toEqual([]);
      expect(await conn.execute(select(Account.name, Account.status).where(Account.id.eq(ids[0]!)))).toMatchObject({
        rows: [{ name: "by key", status: "bulk" }],
      });
    });
  });
});
