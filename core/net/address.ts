// IP and MAC addresses as they come off the wire: bytes to the text Zeek writes in its logs, and
// text (options, filters, scripts) to bytes. Formatting happens when a log line is written, never
// per packet.

const HEX = "0123456789abcdef";

/**
 * Text of the 4- or 16-byte address at buf[off].
 *
 * IPv4 is a dotted quad. IPv6 follows RFC 5952 (lower case, no leading zeros, the longest run of
 * two or more zero groups becomes "::", the first one on a tie) with the exceptions Zeek makes,
 * since Zeek's logs are what we must match:
 * - an IPv4-mapped address (::ffff:a.b.c.d) prints as the bare dotted quad "a.b.c.d": Zeek stores
 *   every IPv4 address in that form and cannot tell the two apart (IPAddr::GetFamily);
 * - IPv4-compatible (::a.b.c.d, with a non-zero seventh group) and IPv4-translated
 *   (::ffff:0:a.b.c.d) addresses end in a dotted quad, as zeek_inet_ntop6 renders them.
 */
export function formatAddr(buf: Uint8Array, off: number, version: 4 | 6): string {
  if (version === 4 || isV4Mapped(buf, off)) {
    const o = version === 4 ? off : off + 12;
    return `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`;
  }
  return formatV6(buf, off);
}

function isV4Mapped(buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 10; i++) if (buf[off + i] !== 0) return false;
  return buf[off + 10] === 0xff && buf[off + 11] === 0xff;
}

function formatV6(buf: Uint8Array, off: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((buf[off + 2 * i] << 8) | buf[off + 2 * i + 1]);

  // The longest run of zero groups; strictly longer wins, so the first run is kept on a tie.
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestBase = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;

  const embedsV4 =
    bestBase === 0 &&
    (bestLen === 6 || (bestLen === 4 && words[4] === 0xffff && words[5] === 0));

  let text = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) text += ":";
      continue;
    }
    if (i !== 0) text += ":";
    if (i === 6 && embedsV4) {
      return text + `${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
    }
    text += words[i].toString(16);
  }
  if (bestBase >= 0 && bestBase + bestLen === 8) text += ":";
  return text;
}

/** "00:11:22:aa:bb:cc": the six bytes at buf[off], lower case. */
export function formatMac(buf: Uint8Array, off: number): string {
  let text = "";
  for (let i = 0; i < 6; i++) {
    const b = buf[off + i];
    if (i) text += ":";
    text += HEX[b >> 4] + HEX[b & 15];
  }
  return text;
}

/**
 * Parses an IPv4 dotted quad or an IPv6 address (with an optional trailing dotted quad) into 4 or
 * 16 bytes. Throws a plain Error naming the input on anything else, including IPv4 parts with
 * leading zeros (some parsers read those as octal, so they are ambiguous) and IPv6 zone ids.
 */
export function parseAddr(text: string): Uint8Array {
  const bytes = text.includes(":") ? parseV6(text) : parseV4(text);
  if (!bytes) throw new Error(`not an IP address: "${text}"`);
  return bytes;
}

function parseV4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const n = decimalOctet(parts[i]);
    if (n < 0) return null;
    out[i] = n;
  }
  return out;
}

/** The value of a decimal 0..255 without leading zeros, or -1. */
function decimalOctet(part: string): number {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return -1;
  const n = Number(part);
  return n <= 255 ? n : -1;
}

function parseV6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];

  // A trailing dotted quad stands for the last two groups.
  const all = halves.length === 2 ? tail : head;
  let v4: Uint8Array | null = null;
  if (all.length > 0 && all[all.length - 1].includes(".")) {
    v4 = parseV4(all.pop()!);
    if (!v4) return null;
  }
  const wordCount = head.length + tail.length + (v4 ? 2 : 0);
  if (halves.length === 2 ? wordCount > 7 : wordCount !== 8) return null;

  const out = new Uint8Array(16);
  const put = (groups: string[], start: number): boolean => {
    for (let i = 0; i < groups.length; i++) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(groups[i])) return false;
      const w = parseInt(groups[i], 16);
      out[(start + i) * 2] = w >> 8;
      out[(start + i) * 2 + 1] = w & 0xff;
    }
    return true;
  };
  if (!put(head, 0)) return null;
  if (!put(tail, 8 - tail.length - (v4 ? 2 : 0))) return null;
  if (v4) out.set(v4, 12);
  return out;
}
