// One row of a JSON-lines log (Zeek's, or nsm's -j) as the texts a Zeek ASCII log would hold: T/F
// for booleans, "(empty)" for an empty string or container, container elements joined by commas,
// and numbers exactly as written (a JSON parser would turn 300.0 into 300 and 1.10 into 1.1). So
// `nsm cut` prints a JSON log's columns the way it prints the TSV log's.

/** Column name → text, in the row's order; undefined when the line is not a JSON object. */
export function jsonRow(line: string): Map<string, string> | undefined {
  try {
    return members(line);
  } catch {
    return undefined;
  }
}

class Malformed extends Error {}

function members(s: string): Map<string, string> {
  const row = new Map<string, string>();
  let i = skipSpace(s, 0);
  if (s[i] !== "{") throw new Malformed();
  i = skipSpace(s, i + 1);
  if (s[i] === "}") return row;
  for (;;) {
    const keyEnd = stringEnd(s, i);
    const key = JSON.parse(s.slice(i, keyEnd)) as string;
    i = skipSpace(s, keyEnd);
    if (s[i] !== ":") throw new Malformed();
    const start = skipSpace(s, i + 1);
    const end = valueEnd(s, start);
    row.set(key, fieldText(s.slice(start, end)));
    i = skipSpace(s, end);
    if (s[i] === "}") return row;
    if (s[i] !== ",") throw new Malformed();
    i = skipSpace(s, i + 1);
  }
}

function fieldText(raw: string): string {
  if (raw[0] !== "[") return raw === "null" ? "-" : scalarText(raw);
  const elements = arrayElements(raw);
  return elements.length === 0 ? "(empty)" : elements.map(scalarText).join(",");
}

function scalarText(raw: string): string {
  switch (raw[0]) {
    case '"':
      return stringText(JSON.parse(raw) as string);
    case "t":
      return "T";
    case "f":
      return "F";
    case "n":
      return "-";
  }
  return raw;
}

/** Zeek's ASCII rules for what would break a line or read as a marker. */
function stringText(s: string): string {
  if (s === "") return "(empty)";
  if (s === "-") return "\\x2d";
  if (s === "(empty)") return "\\x28empty)";
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"));
}

function arrayElements(raw: string): string[] {
  const out: string[] = [];
  let i = skipSpace(raw, 1);
  if (raw[i] === "]") return out;
  for (;;) {
    const end = valueEnd(raw, i);
    out.push(raw.slice(i, end));
    i = skipSpace(raw, end);
    if (raw[i] === "]") return out;
    if (raw[i] !== ",") throw new Malformed();
    i = skipSpace(raw, i + 1);
  }
}

function skipSpace(s: string, i: number): number {
  while (s[i] === " " || s[i] === "\t" || s[i] === "\r" || s[i] === "\n") i++;
  return i;
}

/** Index just past the string that starts (with its quote) at i. */
function stringEnd(s: string, i: number): number {
  if (s[i] !== '"') throw new Malformed();
  for (let k = i + 1; k < s.length; k++) {
    if (s[k] === "\\") k++;
    else if (s[k] === '"') return k + 1;
  }
  throw new Malformed();
}

/** Index just past the value at i: a string, a nested array or object, or a bare number or literal. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === "[" || c === "{") {
    let depth = 0;
    for (let k = i; k < s.length; k++) {
      if (s[k] === '"') k = stringEnd(s, k) - 1;
      else if (s[k] === "[" || s[k] === "{") depth++;
      else if ((s[k] === "]" || s[k] === "}") && --depth === 0) return k + 1;
    }
    throw new Malformed();
  }
  let k = i;
  while (k < s.length && /[-+.\w]/.test(s[k])) k++;
  if (k === i) throw new Malformed();
  return k;
}
