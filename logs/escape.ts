// The byte-level escaping rules Zeek's ASCII writer applies to strings, shared by the TSV and JSON
// formats. A run of bytes stays as text when every byte is printable ASCII or belongs to an
// acceptable UTF-8 character; as soon as one byte is not, every byte of the run outside printable
// ASCII is written as \xNN (lower-case hex), valid UTF-8 included. "Acceptable" is stricter than
// well-formed: control characters (C0, DEL, C1), the private use area U+E000..U+F8FF and
// U+FFF0..U+FFFF count as bad.

/** HEX[b] is the four-character text \xNN for byte b. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => "\\x" + b.toString(16).padStart(2, "0"));

export function hexEscape(byte: number): string {
  return HEX[byte];
}

/** Backspace, form feed, newline, carriage return and tab: JSON has escapes of its own for these. */
function isLayoutControl(byte: number): boolean {
  return byte === 0x08 || byte === 0x0c || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Bytes a lead byte announces (1 for ASCII and for stray continuation bytes), up to 6 as in ConvertUTF. */
function sequenceLength(lead: number): number {
  if (lead < 0xc0) return 1;
  if (lead < 0xe0) return 2;
  if (lead < 0xf0) return 3;
  if (lead < 0xf8) return 4;
  return lead < 0xfc ? 5 : 6;
}

/** Length of the acceptable UTF-8 character at `i` (non-ASCII lead), or 0 if it is not one. */
function acceptableCharAt(bytes: Uint8Array, i: number, end: number): number {
  const lead = bytes[i];
  const length = sequenceLength(lead);
  if (length === 1 || length > 4 || i + length > end) return 0;
  let cp = lead & (0xff >> (length + 1));
  for (let k = 1; k < length; k++) {
    const b = bytes[i + k];
    if ((b & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  const shortest = length === 2 ? 0x80 : length === 3 ? 0x800 : 0x10000;
  if (cp < shortest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  if (cp <= 0x9f || (cp >= 0xe000 && cp <= 0xf8ff) || (cp >= 0xfff0 && cp <= 0xffff)) return 0;
  return length;
}

function isCleanRun(bytes: Uint8Array, start: number, end: number, keepLayout: boolean): boolean {
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if ((b >= 0x20 && b < 0x7f) || (keepLayout && isLayoutControl(b))) {
      i++;
      continue;
    }
    const length = acceptableCharAt(bytes, i, end);
    if (length === 0) return false;
    i += length;
  }
  return true;
}

/**
 * The text of bytes[start, end) by the rule above. With `keepLayout`, \b \f \n \r \t count as
 * printable (Zeek's JSON writer leaves them to the JSON encoder); the TSV writer escapes them.
 */
export function escapeRun(bytes: Uint8Array, start: number, end: number, keepLayout: boolean): string {
  if (isCleanRun(bytes, start, end, keepLayout)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8", start, end);
  }
  let out = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    out += (b >= 0x20 && b < 0x7f) || (keepLayout && isLayoutControl(b)) ? String.fromCharCode(b) : HEX[b];
  }
  return out;
}
