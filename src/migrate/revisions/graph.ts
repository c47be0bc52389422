/**
 * The revision graph: revisions linked by their down revisions (and `dependsOn` prerequisites)
 * into a DAG, validated once, plus the walks the migration runner needs: which revisions an upgrade
 * or downgrade applies and in what order, and how the version table's rows (one per current head)
 * change with each step. Pure logic: no database, no file system. Semantics follow Alembic's
 * `alembic/script/revision.py` (see docs/architecture.md and the Alembic reference notes).
 */
import { RevisionError } from "../../util/errors.js";
import type { Revision } from "./revision.js";

/** Identifiers with a meaning of their own; no revision id or branch label may use them. */
const RESERVED = new Set(["head", "heads", "base", "current"]);

/** `+N`, `-N`, `<rev>+N`, `<rev>-N`. */
const RELATIVE = /^(.*?)([+-])(\d+)$/;

/** A validated revision graph. Revisions are kept in the order they were given (ties are broken by it). */
export class RevisionGraph {
  /** Revisions by id, in input order. */
  private readonly byId = new Map<string, Revision>();
  /** Revision ids by branch label. */
  private readonly byLabel = new Map<string, string>();
  /** Children through down revisions (not dependencies), by id. */
  private readonly children = new Map<string, string[]>();
  /** Revisions that depend on a revision through `dependsOn`, by id. */
  private readonly dependents = new Map<string, string[]>();
  /** Resolved `dependsOn` (labels turned into ids), by id. */
  private readonly deps = new Map<string, string[]>();

  /** Revisions nothing revises (dependencies do not count), in input order. */
  readonly heads: readonly string[];
  /** Revisions with no down revision, in input order. */
  readonly bases: readonly string[];
  /** Revisions revised by more than one revision, in input order. */
  readonly branchPoints: readonly string[];

  constructor(revisions: Iterable<Revision>) {
    for (const rev of revisions) {
      if (typeof rev.id !== "string" || rev.id.trim() === "" || /\s/.test(rev.id)) {
        throw new RevisionError(
          `${where(rev)}has an invalid revision id ${JSON.stringify(rev.id)}; ids are non-empty and contain no spaces`,
        );
      }
      if (RESERVED.has(rev.id)) {
        throw new RevisionError(`${where(rev)}uses the reserved word '${rev.id}' as its revision id; choose another id`);
      }
      const existing = this.byId.get(rev.id);
      if (existing !== undefined) {
        throw new RevisionError(
          `Revision '${rev.id}' is defined twice${existing.file !== undefined || rev.file !== undefined ? ` (in ${existing.file ?? "?"} and ${rev.file ?? "?"})` : ""}; give one of them a new id`,
        );
      }
      this.byId.set(rev.id, rev);
      this.children.set(rev.id, []);
      this.dependents.set(rev.id, []);
    }
    for (const rev of this.byId.values()) {
      for (const label of rev.branchLabels ?? []) {
        if (RESERVED.has(label) || this.byId.has(label)) {
          throw new RevisionError(
            `${where(rev)}uses '${label}' as a branch label, which is ${RESERVED.has(label) ? "a reserved word" : "also a revision id"}; choose another label`,
          );
        }
        const other = this.byLabel.get(label);
        if (other !== undefined) {
          throw new RevisionError(
            `Branch label '${label}' is used by both revision '${other}' and revision '${rev.id}'; a label names one branch`,
          );
        }
        this.byLabel.set(label, rev.id);
      }
    }
    for (const rev of this.byId.values()) {
      const seen = new Set<string>();
      for (const down of rev.downRevisions) {
        if (!this.byId.has(down)) {
          throw new RevisionError(
            `Revision '${rev.id}'${inFile(rev)} revises '${down}', which does not exist; fix its down revisions or restore the missing revision file`,
          );
        }
        if (seen.has(down)) throw new RevisionError(`Revision '${rev.id}'${inFile(rev)} lists down revision '${down}' twice; list it once`);
        seen.add(down);
        this.children.get(down)!.push(rev.id);
      }
      const deps: string[] = [];
      for (const dep of rev.dependsOn ?? []) {
        const id = this.byId.has(dep) ? dep : this.byLabel.get(dep);
        if (id === undefined) {
          throw new RevisionError(
            `Revision '${rev.id}'${inFile(rev)} depends on '${dep}', which is neither a revision nor a branch label; fix its dependsOn or restore the missing revision file`,
          );
        }
        if (!deps.includes(id)) {
          deps.push(id);
          this.dependents.get(id)!.push(rev.id);
        }
      }
      this.deps.set(rev.id, deps);
    }
    this.checkCycles();
    const ids = [...this.byId.keys()];
    this.heads = ids.filter((id) => this.children.get(id)!.length === 0);
    this.bases = ids.filter((id) => this.byId.get(id)!.downRevisions.length === 0);
    this.branchPoints = ids.filter((id) => this.children.get(id)!.length > 1);
  }

  /** Every revision, in the order given to the constructor. */
  get revisions(): Revision[] {
    return [...this.byId.values()];
  }

  /** Whether a revision has exactly this id. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * The revision identified by a full id, a branch label, or a unique prefix of an id. An ambiguous
   * prefix and an unknown identifier are errors.
   */
  get(idOrPrefix: string): Revision {
    const at = /^(.+)@(head|base)$/.exec(idOrPrefix);
    if (at) return this.byId.get(this.branchEnd(this.get(at[1]!).id, at[2] as "head" | "base"))!;
    const exact = this.byId.get(idOrPrefix) ?? this.byId.get(this.byLabel.get(idOrPrefix) ?? "");
    if (exact !== undefined) return exact;
    const candidates = idOrPrefix === "" ? [] : [...this.byId.keys()].filter((id) => id.startsWith(idOrPrefix));
    if (candidates.length === 1) return this.byId.get(candidates[0]!)!;
    if (candidates.length > 1) {
      throw new RevisionError(`Multiple revisions start with '${idOrPrefix}': ${candidates.join(", ")}; give more characters of the id`);
    }
    throw new RevisionError(
      `Can't locate revision identified by '${idOrPrefix}'; give a revision id (or a unique prefix of one) or a branch label that exists — \`history\` lists them`,
    );
  }

  /**
   * The heads of a set of applied revisions (the runner records every applied revision, not only
   * the heads): those that no other applied revision revises. Ids the graph lacks are left out.
   */
  headsOf(applied: Iterable<string>): string[] {
    const set = new Set([...applied].filter((id) => this.byId.has(id)));
    return [...this.byId.keys()].filter((id) => set.has(id) && !this.children.get(id)!.some((c) => set.has(c)));
  }

  /** Whether `rev` is a head (nothing revises it). */
  isHead(id: string): boolean {
    return this.children.get(this.get(id).id)!.length === 0;
  }

  /** Whether more than one revision revises `rev`. */
  isBranchPoint(id: string): boolean {
    return this.children.get(this.get(id).id)!.length > 1;
  }

  /** Whether `rev` has several down revisions. */
  isMergePoint(id: string): boolean {
    return this.get(id).downRevisions.length > 1;
  }

  /** Every revision, newest first: each revision before its down revisions and dependencies. */
  history(): Revision[] {
    return this.topological([...this.byId.keys()])
      .reverse()
      .map((id) => this.byId.get(id)!);
  }

  /**
   * One history line, as Alembic's `history` prints it:
   * `<down>[ (<dependencies>)] -> <rev>[ (<labels>)][ (head)][ (branchpoint)][ (mergepoint)], <message>`,
   * with `<base>` for a revision without down revisions and the message's first line.
   */
  describe(idOrPrefix: string): string {
    const rev = this.get(idOrPrefix);
    const down = rev.downRevisions.length === 0 ? "<base>" : rev.downRevisions.join(", ");
    const deps = this.deps.get(rev.id)!;
    let text = `${down}${deps.length > 0 ? ` (${deps.join(", ")})` : ""} -> ${rev.id}`;
    if (rev.branchLabels !== undefined && rev.branchLabels.length > 0) text += ` (${rev.branchLabels.join(", ")})`;
    if (this.children.get(rev.id)!.length === 0) text += " (head)";
    if (this.children.get(rev.id)!.length > 1) text += " (branchpoint)";
    if (rev.downRevisions.length > 1) text += " (mergepoint)";
    return `${text}, ${rev.message.split("\n")[0]!.trim()}`;
  }

  /**
   * The revisions an upgrade applies, in order: every down revision and dependency before its
   * revision. `currentHeads` are the version table's rows. Targets: `head` (the single head),
   * `heads` (all), a revision id / unique prefix / branch label, `+N` (N steps from the current
   * head), `<rev>+N`. A target that is one of the current heads gives nothing; one
   * already applied below them is an error (as in Alembic: going back is a downgrade).
   */
  upgradePath(currentHeads: readonly string[], target: string): Revision[] {
    const applied = this.appliedSet(currentHeads);
    const targets = this.upgradeTargets(currentHeads, target);
    for (const t of targets) {
      if (applied.has(t) && !currentHeads.includes(t)) {
        throw new RevisionError(
          `Destination '${t}' is not a valid upgrade target from current head(s) ${list(currentHeads)}: it is already applied below them; downgrade to go back to it`,
        );
      }
    }
    return this.topological(targets)
      .filter((id) => !applied.has(id))
      .map((id) => this.byId.get(id)!);
  }

  /**
   * The revisions a downgrade undoes, in order: each revision before its down revisions and before
   * the revisions it depends on. Targets: `base` (undo everything), `-N` (N steps below the current
   * head), a revision id / prefix / label (undo everything applied above it; it stays applied),
   * `<rev>-N`. Revisions on other branches are left alone.
   */
  downgradePath(currentHeads: readonly string[], target: string): Revision[] {
    const applied = this.appliedSet(currentHeads);
    let undo: Set<string>;
    if (target === "base") {
      undo = applied;
    } else if (target === "head" || target === "heads" || target === "current") {
      throw new RevisionError(`'${target}' is not a downgrade target; give 'base', '-N', a revision id or '<rev>-N'`);
    } else {
      const dest = this.downgradeDestination(currentHeads, target);
      if (dest.kind === "revision") {
        if (!applied.has(dest.id)) {
          throw new RevisionError(
            `Revision '${dest.id}' is not applied (current heads: ${list(currentHeads)}), so it is not a valid downgrade target; give a revision below the current heads`,
          );
        }
        undo = this.above(dest.id, applied);
      } else {
        // Walked down to the base below `dest.base`: undo that base and everything applied above it.
        undo = this.above(dest.base, applied);
        undo.add(dest.base);
      }
    }
    const order = this.topological([...this.byId.keys()].filter((id) => undo.has(id))).filter((id) => undo.has(id));
    return order.reverse().map((id) => this.byId.get(id)!);
  }

  /**
   * The version table's rows after applying `rev` on top of `heads`: its down revisions leave the
   * table and it enters (an UPDATE for a plain step, an INSERT for a new base or a second child of a
   * branch point, DELETEs plus an UPDATE for a merge). Rows keep their positions; the revision
   * takes the place of its first down revision found in `heads`.
   */
  headsAfterUpgrade(heads: readonly string[], rev: string): string[] {
    const r = this.get(rev);
    const applied = this.appliedSet(heads);
    if (applied.has(r.id))
      throw new RevisionError(`Revision '${r.id}' is already applied (current heads: ${list(heads)}); it cannot be applied again`);
    const missing = [...r.downRevisions, ...this.deps.get(r.id)!].filter((d) => !applied.has(d));
    if (missing.length > 0) {
      throw new RevisionError(
        `Revision '${r.id}' cannot be applied before ${list(missing)} (current heads: ${list(heads)}); apply them first`,
      );
    }
    const downs = new Set(r.downRevisions);
    const out: string[] = [];
    let placed = false;
    for (const h of heads) {
      if (!downs.has(h)) out.push(h);
      else if (!placed) {
        out.push(r.id);
        placed = true;
      }
    }
    if (!placed) out.push(r.id);
    return out;
  }

  /**
   * The version table's rows after undoing `rev`, which must be one of `heads` and have no applied
   * dependent: it leaves the table, and each of its down revisions that no other applied revision
   * revises takes its place (nothing for a base; several rows for a merge point).
   */
  headsAfterDowngrade(heads: readonly string[], rev: string): string[] {
    const r = this.get(rev);
    if (!heads.includes(r.id)) {
      const applied = this.appliedSet(heads);
      throw new RevisionError(
        applied.has(r.id)
          ? `Revision '${r.id}' cannot be undone while revisions above it are applied (current heads: ${list(heads)}); undo those first`
          : `Revision '${r.id}' is not applied (current heads: ${list(heads)}), so it cannot be undone`,
      );
    }
    const rest = heads.filter((h) => h !== r.id);
    const restApplied = this.appliedSet([...rest, ...r.downRevisions]);
    const blocking = this.dependents.get(r.id)!.filter((d) => restApplied.has(d));
    if (blocking.length > 0) {
      throw new RevisionError(
        `Revision '${r.id}' cannot be undone while ${list(blocking)}, which depend(s) on it, are applied; undo them first`,
      );
    }
    const out: string[] = [];
    for (const h of heads) {
      if (h !== r.id) {
        out.push(h);
        continue;
      }
      for (const d of r.downRevisions) {
        const stillRevised = this.children.get(d)!.some((c) => c !== r.id && restApplied.has(c));
        if (!stillRevised && !out.includes(d) && !rest.includes(d)) out.push(d);
      }
    }
    return out;
  }

  // ---- internals -------------------------------------------------------------------------

  /** The revisions applied when the version table holds `heads`: their down revisions and dependencies, transitively. */
  private appliedSet(heads: readonly string[]): Set<string> {
    const out = new Set<string>();
    const stack: string[] = [];
    for (const h of heads) {
      if (!this.byId.has(h)) {
        throw new RevisionError(
          `Can't locate revision identified by '${h}', which the version table holds; restore its revision file, or stamp the database with a revision that exists`,
        );
      }
      stack.push(h);
    }
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...this.byId.get(id)!.downRevisions, ...this.deps.get(id)!);
    }
    return out;
  }

  /** `of`'s descendants (through down revisions and dependencies) that are in `within`, without `of`. */
  private above(of: string, within: Set<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...this.children.get(of)!, ...this.dependents.get(of)!];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (out.has(id) || !within.has(id)) continue;
      out.add(id);
      stack.push(...this.children.get(id)!, ...this.dependents.get(id)!);
    }
    return out;
  }

  /**
   * `roots` and everything below them (down revisions, then dependencies), each after what it
   * needs, by depth-first post-order from the roots in order.
   */
  private topological(roots: readonly string[]): string[] {
    const done = new Set<string>();
    const order: string[] = [];
    for (const root of roots) {
      if (done.has(root)) continue;
      const stack: Array<{ id: string; next: string[] }> = [{ id: root, next: this.needs(root) }];
      done.add(root);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const n = top.next.shift();
        if (n === undefined) {
          order.push(top.id);
          stack.pop();
        } else if (!done.has(n)) {
          done.add(n);
          stack.push({ id: n, next: this.needs(n) });
        }
      }
    }
    return order;
  }

  private needs(id: string): string[] {
    return [...this.byId.get(id)!.downRevisions, ...this.deps.get(id)!];
  }

  private checkCycles(): void {
    const state = new Map<string, 1 | 2>();
    for (const start of this.byId.keys()) {
      if (state.has(start)) continue;
      const stack: Array<{ id: string; next: string[] }> = [{ id: start, next: this.needs(start) }];
      state.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        const n = top.next.shift();
        if (n === undefined) {
          state.set(top.id, 2);
          stack.pop();
        } else if (state.get(n) === 1) {
          const path = stack.map((f) => f.id);
          const cycle = [...path.slice(path.indexOf(n)), n].reverse();
          throw new RevisionError(
            `Revisions form a cycle: ${cycle.join(" -> ")} (each revises or depends on the one before it); fix their down revisions or dependsOn`,
          );
        } else if (!state.has(n)) {
          state.set(n, 1);
          stack.push({ id: n, next: this.needs(n) });
        }
      }
    }
  }

  /** `<rev>@head` / `<rev>@base`: the one head above, or the one base below, a revision (or label). */
  private branchEnd(from: string, end: "head" | "base"): string {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const next = end === "head" ? this.children.get(id)! : this.byId.get(id)!.downRevisions;
      if (next.length === 0) found.add(id);
      stack.push(...next);
    }
    if (found.size > 1)
      throw new RevisionError(
        `'${from}@${end}' is ambiguous: the branch has several ${end}s (${list([...found].sort())}); name one of them instead`,
      );
    return [...found][0]!;
  }

  /** The single head, for `head`; an error when there are several. */
  private singleHead(): string[] {
    if (this.heads.length > 1) {
      throw new RevisionError(
        `Multiple head revisions are present for given argument 'head' (${this.heads.join(", ")}); please specify a specific target revision, or 'heads' for all heads`,
      );
    }
    return [...this.heads];
  }

  /** A revision an identifier names, where `head` also means the single head. */
  private resolveStart(ident: string): string {
    if (ident === "head") {
      const h = this.singleHead();
      if (h.length === 0) throw new RevisionError("There are no revisions, so 'head' names nothing; create a revision first");
      return h[0]!;
    }
    return this.get(ident).id;
  }

  private upgradeTargets(currentHeads: readonly string[], target: string): string[] {
    if (target === "head") return this.singleHead();
    if (target === "heads") return [...this.heads];
    if (target === "base") return [];
    if (this.isIdentifier(target)) return [this.get(target).id];
    const m = RELATIVE.exec(target);
    if (m === null) return [this.get(target).id]; // unknown: get() raises the "Can't locate" error
    const [, from, sign, digits] = m as unknown as [string, string, string, string];
    if (sign === "-") {
      throw new RevisionError(
        `'${target}' is a relative downgrade target; an upgrade takes 'head', 'heads', a revision, '+N' or '<rev>+N'`,
      );
    }
    const steps = Number(digits);
    let cur: string | undefined;
    if (from === "") {
      if (currentHeads.length > 1) {
        throw new RevisionError(
          `Ambiguous walk: '${target}' is relative to the current head, but there are several (${list(currentHeads)}); give '<rev>+N' or a revision`,
        );
      }
      if (currentHeads.length === 1) this.appliedSet(currentHeads);
      cur = currentHeads[0];
    } else {
      cur = this.resolveStart(from);
    }
    for (let i = 0; i < steps; i++) {
      const next = cur === undefined ? this.bases : this.children.get(cur)!;
      const at = cur === undefined ? "base" : `'${cur}'`;
      if (next.length === 0) {
        throw new RevisionError(
          `Relative revision '${target}' goes beyond the head: only ${i} step(s) are possible from the start; give a smaller N`,
        );
      }
      if (next.length > 1) {
        throw new RevisionError(
          `Ambiguous walk: '${target}' reaches ${at}, which ${cur === undefined ? "has several bases" : "is a branch point"} (${next.join(", ")}); give a revision on the branch you want`,
        );
      }
      cur = next[0]!;
    }
    return cur === undefined ? [] : [cur];
  }

  private downgradeDestination(
    currentHeads: readonly string[],
    target: string,
  ): { kind: "revision"; id: string } | { kind: "base"; base: string } {
    if (this.isIdentifier(target)) return { kind: "revision", id: this.get(target).id };
    const m = RELATIVE.exec(target);
    if (m === null) return { kind: "revision", id: this.get(target).id };
    const [, from, sign, digits] = m as unknown as [string, string, string, string];
    if (sign === "+") {
      throw new RevisionError(`'${target}' is a relative upgrade target; a downgrade takes 'base', '-N', a revision or '<rev>-N'`);
    }
    let cur: string;
    if (from === "") {
      if (currentHeads.length === 0) throw new RevisionError(`Nothing is applied, so '${target}' cannot go down from the current head`);
      if (currentHeads.length > 1) {
        throw new RevisionError(
          `Ambiguous walk: '${target}' is relative to the current head, but there are several (${list(currentHeads)}); give '<rev>-N' or a revision`,
        );
      }
      this.appliedSet(currentHeads);
      cur = currentHeads[0]!;
    } else {
      cur = this.resolveStart(from);
    }
    const steps = Number(digits);
    for (let i = 0; i < steps; i++) {
      const downs = this.byId.get(cur)!.downRevisions;
      if (downs.length === 0) {
        if (i === steps - 1) return { kind: "base", base: cur };
        throw new RevisionError(`Relative revision '${target}' goes below the base: only ${i + 1} step(s) are possible; give a smaller N`);
      }
      if (downs.length > 1) {
        throw new RevisionError(
          `Ambiguous walk: '${target}' reaches '${cur}', which is a merge point (${downs.join(", ")}); give a revision on the branch you want`,
        );
      }
      cur = downs[0]!;
    }
    return { kind: "revision", id: cur };
  }

  /** Whether `s` names a revision by exact id or label (so `a-1` is an id when a revision has that id). */
  private isIdentifier(s: string): boolean {
    return this.byId.has(s) || this.byLabel.has(s);
  }
}

function where(rev: Revision): string {
  return rev.file !== undefined ? `The revision in ${rev.file} ` : "A revision ";
}

function inFile(rev: Revision): string {
  return rev.file !== undefined ? ` (${rev.file})` : "";
}

function list(ids: readonly string[]): string {
  return ids.length === 0 ? "none" : ids.map((i) => `'${i}'`).join(", ");
}
