/**
 * Behaviour every dialect shares: composing processors for custom types, checking enum values
 * read back, rendering DDL literals from bind-processed values, savepoint SQL. Dialects extend it
 * and supply per-type processors and literal spellings. Names no concrete dialect.
 */
import { CompileError, DataError, type AthanorError } from "../util/errors.js";
import type { SqlType } from "../sql/types/sql-type.js";
import { checkPlainValue } from "../sql/types/sql-type.js";
import type { EnumType } from "../sql/types/string-types.js";
import type { TypeDecorator } from "../sql/types/type-decorator.js";
import type { BindNode } from "../sql/nodes/expression-nodes.js";
import type { Capabilities } from "../sql/compiler/capabilities.js";
import type { IdentifierPreparer } from "../sql/compiler/identifier-preparer.js";
import type { TypeCompiler } from "../sql/compiler/type-compiler.js";
import type { SqlCompiler } from "../sql/compiler/sql-compiler.js";
import type { DdlCompiler } from "../sql/compiler/ddl-compiler.js";
import { quoteStringLiteral } from "../sql/compiler/ddl-literals.js";
import type {
  BindProcessor,
  Dialect,
  DialectOptions,
  Driver,
  DriverColumn,
  DriverConnection,
  ExecuteHints,
  ResultProcessor,
} from "./dialect.js";
import type { ParsedUrl } from "./url.js";
import type { Introspector } from "./introspection.js";
import type { MigrationLockImpl } from "./migration-lock.js";
import type { TableRebuildImpl } from "./table-rebuild.js";

export abstract class DialectBase implements Dialect {
  abstract readonly name: string;
  abstract caps: Capabilities;
  abstract readonly preparer: IdentifierPreparer;
  abstract readonly typeCompiler: TypeCompiler;
  abstract readonly paramStyle: "qmark" | "numeric";
  readonly singleConnection: boolean = false;
  readonly insertIdIsFirstRow: boolean = false;
  serverFlavor = "";

  abstract createCompiler(binds: readonly BindNode[]): SqlCompiler;
  abstract createDdlCompiler(): DdlCompiler;
  abstract createDriver(url: ParsedUrl, options: DialectOptions): Driver;
  abstract initialize(conn: DriverConnection): Promise<void>;
  abstract translateError(error: unknown, sql: string | undefined): AthanorError;
  abstract isDisconnect(error: unknown): boolean;
  abstract existingTables(conn: DriverConnection, schema: string | undefined): Promise<Set<string>>;
  abstract untypedResultProcessor(column: DriverColumn): ResultProcessor | undefined;
  abstract executeHints(types: readonly (SqlType<unknown> | undefined)[]): ExecuteHints;
  abstract readonly introspector: Introspector;
  abstract readonly migrationLock: MigrationLockImpl;
  readonly tableRebuild: TableRebuildImpl | undefined = undefined;

  /** Bind processing of a built-in (non-decorator) type. */
  protected abstract bindFor(type: SqlType<unknown>): BindProcessor | undefined;
  /** Result processing of a built-in (non-decorator) type. */
  protected abstract resultFor(type: SqlType<unknown>, hints: ExecuteHints): ResultProcessor | undefined;

  async existingEnumTypes(_conn: DriverConnection, _schema: string | undefined): Promise<Set<string>> {
    return new Set();
  }

  connectStatements(): readonly string[] {
    return [];
  }

  bindProcessor(type: SqlType<unknown>): BindProcessor | undefined {
    // A decorator's validate() already ran toDriver and the impl's validation.
    if (type.kind === "Decorator") return this.bindProcessor((type as unknown as TypeDecorator<unknown>).impl);
    return this.bindFor(type);
  }

  resultProcessor(type: SqlType<unknown>, hints: ExecuteHints = {}): ResultProcessor | undefined {
    if (type.kind === "Decorator") {
      const deco = type as unknown as TypeDecorator<unknown>;
      const inner = this.resultProcessor(deco.impl, hints);
      return inner === undefined ? (v) => deco.fromDriver(v) : (v) => deco.fromDriver(inner(v));
    }
    const base = this.resultFor(type, hints);
    if (type.kind !== "Enum") return base;
    const e = type as unknown as EnumType;
    return (v) => {
      const s = base === undefined ? v : base(v);
      if (e.has(s)) return s;
      throw new DataError(
        `the database returned ${JSON.stringify(s)} for an ${e.describe()} column, which is not one of its values; add the value to the Enum or fix the data`,
      );
    };
  }

  /** Renders a value of `type` as a literal: validated and bind-processed like a parameter would be. */
  renderLiteral(value: unknown, type: SqlType<unknown>): string {
    if (value === null || value === undefined) return "NULL";
    const checked = type.kind === "Null" ? checkPlainValue(type, value) : type.validate(value);
    const bind = this.bindProcessor(type);
    return this.literalFor(bind === undefined ? checked : bind(checked));
  }

  /** Spells a driver-ready value as SQL. Only reached by DDL, which cannot carry parameters. */
  protected literalFor(v: unknown): string {
    switch (typeof v) {
      case "string":
        return this.stringLiteral(v);
      case "number":
        if (!Number.isFinite(v)) throw new CompileError(`cannot render ${v} as a SQL literal`);
        return String(v);
      case "bigint":
        return v.toString();
      case "boolean":
        return v ? "TRUE" : "FALSE";
      default:
        if (Buffer.isBuffer(v)) return `X'${v.toString("hex")}'`;
        throw new CompileError(`cannot render a ${typeof v} value as a SQL literal in DDL`);
    }
  }

  /** A string literal; MySQL overrides to escape backslashes too. */
  protected stringLiteral(text: string): string {
    try {
      return quoteStringLiteral(text);
    } catch (err) {
      throw new CompileError((err as Error).message);
    }
  }

  beginSql(): string {
    return "BEGIN";
  }
  savepointSql(name: string): string {
    return `SAVEPOINT ${this.preparer.quote(name)}`;
  }
  releaseSavepointSql(name: string): string {
    return `RELEASE SAVEPOINT ${this.preparer.quote(name)}`;
  }
  rollbackToSavepointSql(name: string): string {
    return `ROLLBACK TO SAVEPOINT ${this.preparer.quote(name)}`;
  }
}
