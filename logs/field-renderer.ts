// Per-column rendering shared by the writers: each column gets, once, a function for the value it
// usually holds (a number, a string, a bool of its type), falling back to the format's general
// rendering for anything else (unset, bigint, bytes, sets and vectors). Only the scalar texts
// differ between TSV and JSON.
import { numberKind, scalarType, type LogValue, type NumberKind, type ZeekType } from "./schema.ts";

export type FieldRenderer = (v: LogValue) => string;

/** How a format writes the common scalars of a column. */
export interface ScalarTexts {
  seconds(v: number): string;
  double(v: number): string;
  text(v: string): string;
  bool(v: boolean): string;
}

export function rendererFor(type: ZeekType, texts: ScalarTexts, general: (v: LogValue, kind: NumberKind) => string): FieldRenderer {
  const kind = numberKind(type);
  const fallback: FieldRenderer = (v) => general(v, kind);
  if (type !== scalarType(type)) return fallback;
  switch (type) {
    case "time":
    case "interval":
      return (v) => (typeof v === "number" ? texts.seconds(v) : fallback(v));
    case "double":
      return (v) => (typeof v === "number" ? texts.double(v) : fallback(v));
    case "count":
    case "int":
    case "port":
      return (v) => (typeof v === "number" && Number.isSafeInteger(v) ? "" + v : fallback(v));
    case "string":
    case "enum":
    case "addr":
    case "subnet":
      return (v) => (typeof v === "string" ? texts.text(v) : fallback(v));
    case "bool":
      return (v) => (typeof v === "boolean" ? texts.bool(v) : fallback(v));
    default:
      return fallback;
  }
}
