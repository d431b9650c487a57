// Zeek's JSON-lines log format (LogAscii::use_json=T, see corpus/zeek/LOG-FORMAT.md §11): one object
// per row, keys in column order with their dotted names, unset fields left out, time as epoch
// seconds. Strings get the \xNN rule of escape.ts first and JSON's escapes after it, so a byte 0x07
// comes out as "\\x07", as in Zeek. Each column gets its renderer once, when the format is made,
// with a fast path for the value it usually holds.

import { escapeRun } from "./escape.ts";
import { formatJsonDouble, formatWhole } from "./numbers.ts";
import type { Column, LogValue, NumberKind } from "./schema.ts";
import { rendererFor, type FieldRenderer, type ScalarTexts } from "./field-renderer.ts";

/** Anything that is not printable ASCII needs the byte-level rules before JSON escaping. */
const NEEDS_BYTE_RULES = /[^\x20-\x7e]/;
/** Printable ASCII other than quote and backslash goes between quotes as it is. */
const NEEDS_JSON_ESCAPE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
const encoder = new TextEncoder();

function jsonString(s: string): string {
  if (!NEEDS_JSON_ESCAPE.test(s)) return '"' + s + '"';
  if (!NEEDS_BYTE_RULES.test(s)) return JSON.stringify(s);
  return jsonBytes(encoder.encode(s));
}

function jsonBytes(b: Uint8Array): string {
  return JSON.stringify(escapeRun(b, 0, b.length, true));
}

/** A column's JSON text for a set value (never undefined or null). */

export class JsonFormat {
  /** `"name":` for each column, JSON-escaped once, and the same after a comma. */
  private readonly keys: string[];
  private readonly laterKeys: string[];
  private readonly renderers: FieldRenderer[];

  constructor(columns: readonly Column[]) {
    this.keys = columns.map((c) => JSON.stringify(c.name) + ":");
    this.laterKeys = this.keys.map((k) => "," + k);
    this.renderers = columns.map((c) => rendererFor(c.type, JSON_TEXTS, value));
  }

  /** One row, newline included. */
  line(values: readonly LogValue[]): string {
    let line = "{";
    let empty = true;
    for (let i = 0; i < this.renderers.length; i++) {
      const v = values[i];
      if (v === undefined || v === null) continue;
      line = line + (empty ? this.keys[i] : this.laterKeys[i]) + this.renderers[i](v);
      empty = false;
    }
    return line + "}\n";
  }
}

const JSON_TEXTS: ScalarTexts = {
  seconds: formatJsonDouble,
  double: formatJsonDouble,
  text: (v) => jsonString(v),
  bool: (v) => (v ? "true" : "false"),
};

function value(v: LogValue, kind: NumberKind): string {
  if (v === undefined || v === null) return "null"; // a hole in a vector
  switch (typeof v) {
    case "string":
      return jsonString(v);
    case "number":
      return kind === "integer" && Number.isInteger(v) ? formatWhole(v) : formatJsonDouble(v);
    case "bigint":
      return v.toString();
    case "boolean":
      return v ? "true" : "false";
  }
  if (v instanceof Uint8Array) return jsonBytes(v);
  let out = "[";
  for (let j = 0; j < v.length; j++) out += (j > 0 ? "," : "") + value(v[j], kind);
  return out + "]";
}
