/** SQLite's SQL spelling: JSON paths as `$."key"[0]`, OFFSET needs LIMIT, compound members unparenthesised. */
import type { FuncNode, JsonPathNode, BindNode } from "../../sql/nodes/expression-nodes.js";
import type { SelectLike } from "../../sql/nodes/from-nodes.js";
import { SqlCompiler } from "../../sql/compiler/sql-compiler.js";
import { jsonPathString } from "../../sql/compiler/json-path.js";

export class SqliteCompiler extends SqlCompiler {
  protected pathBind(n: JsonPathNode): string {
    return this.bind(n.path, { transform: (v) => jsonPathString(v as (string | number)[], "SQLite") });
  }

  protected override visitJsonPath(n: JsonPathNode): string {
    const doc = this.expr(n.operand);
    if (!n.asText) return `(${doc} -> ${this.pathBind(n)})`;
    // ->> returns SQL values (1 for true); spell booleans like the other databases' text extraction.
    const t = `json_type(${doc}, ${this.pathBind(n)})`;
    return `(CASE ${t} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(${doc} ->> ${this.pathBind(n)} AS TEXT) END)`;
  }

  protected override visitFunc(n: FuncNode): string {
    // SQLite has no now(); this keeps millisecond precision, in UTC like CURRENT_TIMESTAMP.
    if (n.name === "now" && n.args.length === 0) return "strftime('%Y-%m-%d %H:%M:%f', 'now')";
    return super.visitFunc(n);
  }

  protected override limitOffset(limit: BindNode | undefined, offset: BindNode | undefined): string {
    if (offset && !limit) return ` LIMIT -1 OFFSET ${this.bind(offset)}`;
    return super.limitOffset(limit, offset);
  }

  /** SQLite forbids parentheses around compound members; a member with its own LIMIT becomes a subquery. */
  protected override compoundMember(m: SelectLike): string {
    const own = m.kind === "Compound" || m.orderBy.length > 0 || m.limit !== undefined || m.offset !== undefined;
    const sql = this.selectLike(m, "from");
    return own ? `SELECT * FROM (${sql})` : sql;
  }
}
