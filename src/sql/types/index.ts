/** Public surface of the type system. */
export { SqlType, NullType, UNTYPED, ValueTypeError, toType, type TypeArg, type TypeKind, type TypeValue } from "./sql-type.js";
export {
  Integer,
  SmallInteger,
  BigInteger,
  Float,
  Numeric,
  IntegerType,
  SmallIntegerType,
  BigIntegerType,
  FloatType,
  NumericType,
} from "./numeric-types.js";
export { String, Text, Uuid, Enum, StringType, TextType, UuidType, EnumType, type EnumOptions } from "./string-types.js";
export { DateOnly, DateTime, Time, DateOnlyType, DateTimeType, TimeType, type DateTimeOptions } from "./temporal-types.js";
export { Boolean, Json, Jsonb, LargeBinary, BooleanType, JsonType, JsonbType, LargeBinaryType } from "./misc-types.js";
export { TypeDecorator, customType, type CustomTypeOptions } from "./type-decorator.js";
export { NativeType, nativeType } from "./native-type.js";
