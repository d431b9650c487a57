// A log stream's columns, declared once with Zeek's type names; every writer renders from this.

export type ZeekType =
  | "time"
  | "interval"
  | "addr"
  | "subnet"
  | "port"
  | "count"
  | "int"
  | "double"
  | "bool"
  | "string"
  | "enum"
  | `set[${string}]`
  | `vector[${string}]`;

/** One column; `name` is already flattened the way Zeek does it ("id.orig_h"). */
export interface Column {
  name: string;
  type: ZeekType;
}

/** `path` names the file: "conn" is written to conn.log. */
export interface LogSchema {
  path: string;
  columns: Column[];
}

/**
 * A value: undefined/null = unset (-); number for time/interval/double/count/int/port; bigint allowed
 * for count/int; boolean; string (JS string, written as UTF-8) or Uint8Array (raw bytes) for
 * string/enum/addr; arrays for set/vector.
 */
export type LogValue = undefined | null | number | bigint | boolean | string | Uint8Array | LogValue[];

/** How a number in a column is written: time and interval always carry six decimals in TSV. */
export type NumberKind = "seconds" | "double" | "integer";

/** The type of a set's or vector's elements, or the type itself for a scalar column. */
export function scalarType(type: ZeekType): string {
  const open = type.indexOf("[");
  return open < 0 ? type : type.slice(open + 1, -1);
}

export function numberKind(type: ZeekType): NumberKind {
  switch (scalarType(type)) {
    case "time":
    case "interval":
      return "seconds";
    case "double":
      return "double";
    default:
      return "integer";
  }
}
