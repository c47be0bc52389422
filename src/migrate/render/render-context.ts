/**
 * What rendering one revision file shares: the names it imports from "athanor" (computed from
 * what the rendered operations use), the dialect that spells SQL expressions when given, and the
 * rendering of types and SQL fragments. Used by the render/ modules only.
 */
import { CompileError } from "../../util/errors.js";
import type { Dialect } from "../../engine/dialect.js";
import type { ExprNode } from "../../sql/nodes/expression-nodes.js";
import type { ResolvedName } from "../../sql/schema/constraints.js";
import type { SqlType } from "../../sql/types/sql-type.js";
import type { NumericType } from "../../sql/types/numeric-types.js";
import type { EnumType, StringType } from "../../sql/types/string-types.js";
import type { DateTimeType } from "../../sql/types/temporal-types.js";
import type { NativeType } from "../../sql/types/native-type.js";
import { baseType } from "../../sql/types/type-decorator.js";
import { array, call, object, text, type Doc } from "./layout.js";
import { portableSql } from "./portable-sql.js";
import { sqlTemplate, templateText, tsMember, tsString } from "./ts-literals.js";

/** Types that are constants in the public API (`Integer`), not factories (`Text()`). */
const CONSTANTS = new Set(["Integer", "SmallInteger", "BigInteger", "Float", "Boolean", "LargeBinary"]);
/** Factories without arguments, by type kind. */
const NO_ARGS: Record<string, string> = { Text: "Text", Uuid: "Uuid", Date: "DateOnly", Time: "Time", Json: "Json", Jsonb: "Jsonb" };

export class RenderContext {
  readonly #imports = new Set<string>();
  constructor(readonly dialect: Dialect | undefined) {}

  /** Notes a name imported from "athanor"; returns it. */
  use(name: string): string {
    this.#imports.add(name);
    return name;
  }

  /** The names to import from "athanor", in alphabetical order whatever the case. */
  get imports(): string[] {
    return [...this.#imports].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || (a < b ? -1 : 1));
  }

  /** A constraint or index name as the database has it (fitted to the dialect's length limit when known). */
  dbName(name: ResolvedName): string {
    return this.dialect ? this.dialect.preparer.fittedName(name) : name.value;
  }

  /** A type as a call of the public type factories: `String(100)`, `Numeric(10, 2)`, `Enum(["a"], { name: "e" })`. */
  type(t: SqlType<unknown>): Doc {
    const type = baseType(t);
    const kind = type.kind;
    if (CONSTANTS.has(kind)) return text(this.use(kind));
    const bare = NO_ARGS[kind];
    if (bare) return call(this.use(bare));
    switch (kind) {
      case "String": {
        const length = (type as unknown as StringType).length;
        return length === undefined ? call(this.use("String")) : call(this.use("String"), text(String(length)));
      }
      case "Numeric": {
        const { precision, scale } = type as unknown as NumericType;
        const args = precision === undefined ? [] : scale === undefined ? [precision] : [precision, scale];
        return call(this.use("Numeric"), ...args.map((n) => text(String(n))));
      }
      case "DateTime":
        return (type as unknown as DateTimeType).timezone
          ? call(this.use("DateTime"), object([["timezone", text("true")]]))
          : call(this.use("DateTime"));
      case "Enum": {
        const e = type as unknown as EnumType;
        const values = array(e.values.map((v) => text(tsString(v))));
        return e.name === undefined
          ? call(this.use("Enum"), values)
          : call(this.use("Enum"), values, object([["name", text(tsString(e.name))]]));
      }
      case "Native":
        return call(this.use("nativeType"), text(tsString((type as unknown as NativeType).spelling)));
    }
    throw new CompileError(
      `a revision file cannot spell the type ${type.describe()}; give the column a public type (String, Integer, nativeType("…"), …) or edit the file by hand`,
    );
  }

  /**
   * An SQL expression as a sql`…` template, written without the dialect where it can be
   * (portable-sql.ts): columns become `${c.name}` inside a table's item list (`columns` is the
   * name of the columns parameter there) and names elsewhere. Other expressions are spelled by
   * the dialect.
   */
  sql(node: ExprNode, where: string, columns?: string): Doc {
    this.use("sql");
    const column = (name: string) => (columns ? `\${${tsMember(columns, name)}}` : templateText(this.quote(name)));
    const body = portableSql(node, column);
    return body === undefined ? this.#compiled(node, where) : text(`sql\`${body}\``);
  }

  #compiled(node: ExprNode, where: string): Doc {
    if (!this.dialect)
      throw new CompileError(
        `${where}: this expression is spelled by the database's dialect; pass the dialect to renderRevision (dialect: engine.dialect), or write the expression with sql\`…\``,
      );
    return text(sqlTemplate(this.dialect.createCompiler([]).ddlExpression(node)));
  }

  /** A column name inside SQL text: quoted by the dialect when known, else bare. */
  quote(name: string): string {
    return this.dialect ? this.dialect.preparer.quote(name) : name;
  }
}
