// Zeek's ASCII (TSV) log format: the meta header, one line per row, the #close trailer. Byte for byte
// what Zeek's ASCII writer produces with the same markers (see corpus/zeek/LOG-FORMAT.md §1-§4).
// Strings that need no escaping (nearly all of conn.log) are recognised by one regular expression
// and copied; only the rest go through the byte-level rules of escape.ts. Each column gets its
// renderer once, when the format is made, with a fast path for the value it usually holds.

import { escapeRun, hexEscape } from "./escape.ts";
import { formatDouble, formatFixed6, formatWhole } from "./numbers.ts";
import type { Column, LogValue, NumberKind } from "./schema.ts";
import { rendererFor, type FieldRenderer } from "./field-renderer.ts";

/** The configurable strings of Zeek's ASCII writer (LogAscii::separator and friends). */
export interface TsvMarkers {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  /** Starts every meta line; assumed to begin with an ASCII character. */
  metaPrefix: string;
}

export const ZEEK_TSV_MARKERS: Readonly<TsvMarkers> = {
  separator: "\t",
  setSeparator: ",",
  emptyField: "(empty)",
  unsetField: "-",
  metaPrefix: "#",
};

/** Anything but printable ASCII, and the backslash: a string without these may still hold a separator. */
const NEEDS_BYTE_RULES = /[^\x20-\x5b\x5d-\x7e]/;
const encoder = new TextEncoder();

/** How strings are escaped in one context: a top-level field, or an element of a set or vector. */
class StringContext {
  /** Escape sequences, sorted bytewise as Zeek keeps them. */
  private readonly sequences: Uint8Array[];
  /** The printable ones, which NEEDS_BYTE_RULES does not catch. */
  private readonly printableSequences: string[];
  readonly unsetText: string;
  readonly emptyText: string;

  constructor(
    sequences: string[],
    private readonly markers: TsvMarkers,
  ) {
    const sorted = [...new Set(sequences)].map((s) => encoder.encode(s)).sort(compareBytes);
    this.sequences = sorted;
    this.printableSequences = sequences.filter((s) => !NEEDS_BYTE_RULES.test(s));
    this.unsetText = this.escape(encoder.encode(markers.unsetField));
    this.emptyText = this.escape(encoder.encode(markers.emptyField));
  }

  string(s: string): string {
    if (s.length === 0) return this.emptyText;
    if (s === this.markers.unsetField || s === this.markers.emptyField) return this.reserved(encoder.encode(s));
    if (!NEEDS_BYTE_RULES.test(s) && !this.holdsPrintableSequence(s)) return s;
    return this.escape(encoder.encode(s));
  }

  bytes(b: Uint8Array): string {
    if (b.length === 0) return this.emptyText;
    if (sameBytes(b, this.markers.unsetField) || sameBytes(b, this.markers.emptyField)) return this.reserved(b);
    return this.escape(b);
  }

  private holdsPrintableSequence(s: string): boolean {
    for (const seq of this.printableSequences) if (s.includes(seq)) return true;
    return false;
  }

  /** A value equal to a marker gets its first byte escaped, so a reader cannot take it for the marker. */
  private reserved(b: Uint8Array): string {
    return hexEscape(b[0]) + this.escape(b.subarray(1));
  }

  /** Splits at backslashes and escape sequences, which are always hex-escaped (a backslash doubled). */
  private escape(b: Uint8Array): string {
    let out = "";
    let runStart = 0;
    let i = 0;
    while (i < b.length) {
      const length = b[i] === 0x5c ? 1 : this.sequenceAt(b, i);
      if (length === 0) {
        i++;
        continue;
      }
      out += escapeRun(b, runStart, i, false);
      for (let k = i; k < i + length; k++) out += b[k] === 0x5c ? "\\\\" : hexEscape(b[k]);
      i += length;
      runStart = i;
    }
    return out + escapeRun(b, runStart, b.length, false);
  }

  private sequenceAt(b: Uint8Array, i: number): number {
    for (const seq of this.sequences) {
      if (i + seq.length > b.length) continue;
      let k = 0;
      while (k < seq.length && b[i + k] === seq[k]) k++;
      if (k === seq.length) return seq.length;
    }
    return 0;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function sameBytes(b: Uint8Array, ascii: string): boolean {
  if (b.length !== ascii.length) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** Escapes for meta-line values: whitespace and anything not printable ASCII, per byte. */
function metaValue(s: string): string {
  let out = "";
  for (const b of encoder.encode(s)) out += b > 0x20 && b < 0x7f ? String.fromCharCode(b) : hexEscape(b);
  return out;
}

/** Zeek's wall-clock stamp for #open/#close: local time, YYYY-MM-DD-HH-MM-SS. */
export function metaTimestamp(d: Date): string {
  const two = (n: number) => (n < 10 ? "0" + n : "" + n);
  return (
    d.getFullYear() +
    "-" + two(d.getMonth() + 1) +
    "-" + two(d.getDate()) +
    "-" + two(d.getHours()) +
    "-" + two(d.getMinutes()) +
    "-" + two(d.getSeconds())
  );
}

/** A column's text for a set value (never undefined or null). */

export class TsvFormat {
  private readonly markers: TsvMarkers;
  private readonly renderers: FieldRenderer[];
  private readonly field: StringContext;
  private readonly element: StringContext;
  private readonly escapedPrefixStart: string;
  /** Each field's text of the row being formatted, reused from row to row. */
  private readonly fields: string[];

  constructor(
    private readonly columns: readonly Column[],
    markers: Partial<TsvMarkers> = {},
  ) {
    this.markers = { ...ZEEK_TSV_MARKERS, ...markers };
    this.field = new StringContext([this.markers.separator], this.markers);
    this.element = new StringContext([this.markers.separator, this.markers.setSeparator], this.markers);
    this.escapedPrefixStart = hexEscape(this.markers.metaPrefix.charCodeAt(0));
    const field = this.field;
    const texts = {
      seconds: formatFixed6,
      double: formatDouble,
      text: (v: string) => field.string(v),
      bool: (v: boolean) => (v ? "T" : "F"),
    };
    this.renderers = columns.map((c) => rendererFor(c.type, texts, (v, kind) => this.value(v, kind, field)));
    this.fields = columns.map(() => "");
  }

  /** The meta lines from #separator to #types, as Zeek writes them when it opens the file. */
  header(path: string, openedAt: Date): string {
    const { separator, metaPrefix } = this.markers;
    const meta = (key: string, value: string) => metaPrefix + key + separator + value + "\n";
    return (
      metaPrefix + "separator " + metaValue(separator) + "\n" +
      meta("set_separator", metaValue(this.markers.setSeparator)) +
      meta("empty_field", metaValue(this.markers.emptyField)) +
      meta("unset_field", metaValue(this.markers.unsetField)) +
      meta("path", metaValue(path)) +
      meta("open", metaTimestamp(openedAt)) +
      meta("fields", this.columns.map((c) => c.name).join(separator)) +
      meta("types", this.columns.map((c) => c.type).join(separator))
    );
  }

  trailer(closedAt: Date): string {
    return this.markers.metaPrefix + "close" + this.markers.separator + metaTimestamp(closedAt) + "\n";
  }

  /** One row, newline included; missing trailing values are unset. */
  line(values: readonly LogValue[]): string {
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const v = values[i];
      fields[i] = v === undefined || v === null ? this.field.unsetText : this.renderers[i](v);
    }
    // join() copies the fields into one flat string; concatenating them would leave a tree of
    // string pieces that has to be walked again when the line is encoded.
    let line = fields.join(this.markers.separator);
    // A row must never pass for a meta line.
    if (line.startsWith(this.markers.metaPrefix)) line = this.escapedPrefixStart + line.slice(1);
    return line + "\n";
  }

  private value(v: LogValue, kind: NumberKind, strings: StringContext): string {
    if (v === undefined || v === null) return strings.unsetText;
    switch (typeof v) {
      case "string":
        return strings.string(v);
      case "number":
        if (kind === "seconds") return formatFixed6(v);
        return kind === "integer" && Number.isInteger(v) ? formatWhole(v) : formatDouble(v);
      case "bigint":
        return v.toString();
      case "boolean":
        return v ? "T" : "F";
    }
    if (v instanceof Uint8Array) return strings.bytes(v);
    if (v.length === 0) return strings.emptyText;
    let out = this.value(v[0], kind, this.element);
    for (let j = 1; j < v.length; j++) out += this.markers.setSeparator + this.value(v[j], kind, this.element);
    return out;
  }
}
