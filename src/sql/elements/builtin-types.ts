/** Shared instances of the types the expression layer gives to derived expressions. */
import { BooleanType } from "../types/misc-types.js";
import { IntegerType, FloatType } from "../types/numeric-types.js";
import { TextType } from "../types/string-types.js";
import type { TypeKind } from "../types/sql-type.js";

export const BOOLEAN_TYPE = new BooleanType();
export const TEXT_TYPE = new TextType();
export const INTEGER_TYPE = new IntegerType();
export const FLOAT_TYPE = new FloatType();
export const STRING_TYPES: ReadonlySet<TypeKind> = new Set<TypeKind>(["String", "Text", "Enum", "Uuid"]);
export const JSON_KINDS: ReadonlySet<TypeKind> = new Set<TypeKind>(["Json", "Jsonb"]);
