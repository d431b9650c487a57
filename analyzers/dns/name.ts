// Domain names (RFC 1035 §3.1, §4.1.4): labels and compression pointers, decoded the way Zeek does.
// A pointer must point before itself, and the name it leads to must end before the pointer, so a
// chain can never loop; its depth is still capped (dns_max_compression_chain_depth). Zeek's rules
// kept here: the part reached through a pointer is always lower-cased, a name is decoded into a
// 512-byte buffer (1023 for TSIG), labels over 63 bytes are refused except on NetBIOS, a name of 255
// bytes or more is only a weird, and reaching the depth cap ends the name there without failing.
import type { DnsReader } from "./reader.ts";
import type { DnsQuestion } from "./types.ts";

/** Room Zeek gives a decoded name. */
export const NAME_CAPACITY = 512;
/** Room for a TSIG algorithm name. */
export const TSIG_NAME_CAPACITY = 1023;

// Names are decoded here, one at a time; a pointer's target is appended in place. A Buffer, for
// its native latin1 decoding.
const scratch = Buffer.alloc(TSIG_NAME_CAPACITY + 1);
const DOT = 0x2e;

/**
 * Reads the name at the cursor, leaving the cursor after it. Returns the name without its trailing
 * dot (the root is ""), lower-cased when `downcase`; null on failure (the reader holds the reason).
 */
export function readName(r: DnsReader, downcase = true, capacity = NAME_CAPACITY): string | null {
  if (capacity >= NAME_CAPACITY && pointsToQuestionName(r)) {
    r.pos += 2;
    return r.questionName;
  }
  const end = extractName(r, capacity, downcase);
  return end < 0 ? null : scratch.toString("latin1", 0, end);
}

/** Reads a question's name into it: `original_query` as sent, `query` lower-cased. False on failure. */
export function readQuestionName(r: DnsReader, q: DnsQuestion): boolean {
  const at = r.pos;
  const weirds = r.weirds.length;
  const end = extractName(r, NAME_CAPACITY, false);
  if (end < 0) return false;
  const original = scratch.toString("latin1", 0, end);
  // Most names are sent in lower case already: one string serves as both.
  const query = upperCase && lowerCase(0, end) ? scratch.toString("latin1", 0, end) : original;
  // A name ending in a '.' byte would lose it again behind a pointer (each level drops one).
  if (levels === 1 && r.weirds.length === weirds && !r.quiet && !query.endsWith(".")) {
    r.questionNameAt = at;
    r.questionNameEnd = r.pos;
    r.questionName = query;
  }
  q.original_query = original;
  q.query = query;
  return true;
}

// The name at the cursor is only a pointer to the plainly decoded question name: decoding it would
// give that name lower-cased (the pointer's depth of 1 is within any cap but 0), with no weird.
function pointsToQuestionName(r: DnsReader): boolean {
  const p = r.pos;
  if (r.questionNameAt < 0 || r.questionNameEnd > p || p + 2 > r.end || r.maxCompressionDepth < 1) return false;
  const offset = r.questionNameAt - r.start;
  return r.buf[p] === (0xc0 | (offset >> 8)) && r.buf[p + 1] === (offset & 0xff);
}

// Decodes into scratch; returns the end of what it wrote, or -1 on failure. Each pointer followed
// opens a level (Zeek recurses); when the name ends, levels are closed innermost first, each
// checking its own length, dropping its trailing dot and lower-casing its part. Iterative, so a
// long chain cannot exhaust the stack (14-bit offsets that only go backwards: 8192 at most).
// The stack of levels is kept between names, with its depth apart (emptying an array frees its
// storage, and the next name would allocate it again).
const levelStarts: number[] = [];
let levels = 0;
// Whether the name decoded last holds an upper-case letter: most do not, and need no lower-casing.
let upperCase = false;

function extractName(r: DnsReader, room: number, downcase: boolean): number {
  let out = 0;
  let depth = 0;
  const buf = r.buf;
  const end = r.end;
  let resumeAt = -1;
  levelStarts[0] = 0;
  levels = 1;
  upperCase = false;
  for (;;) {
    if (r.pos >= r.end) return failName(r, "dns_invalid_name", resumeAt, end);
    const labelAt = r.pos;
    const labelLen = buf[r.pos++];
    if (labelLen === 0) break;

    if ((labelLen & 0xc0) === 0xc0) {
      if (r.pos >= r.end) return failName(r, "dns_invalid_name", resumeAt, end);
      const offset = ((labelLen & 0x3f) << 8) | buf[r.pos++];
      if (offset >= labelAt - r.start) return failName(r, "DNS_label_forward_compress_offset", resumeAt, end);
      if (resumeAt < 0) resumeAt = r.pos;
      if (++depth > r.maxCompressionDepth) {
        r.weird("DNS_max_compression_chain_depth_exceeded", String(depth), true);
        break;
      }
      // The target must end before the pointer.
      r.pos = r.start + offset;
      r.end = labelAt;
      levelStarts[levels++] = out;
      continue;
    }

    if (labelLen > r.end - r.pos) {
      r.pos = r.end; // Zeek consumes the rest of the message
      return failName(r, "DNS_label_len_gt_pkt", resumeAt, end);
    }
    if (labelLen > 63 && !r.netbiosResponder) return failName(r, "DNS_label_too_long", resumeAt, end);
    if (labelLen >= room) return failName(r, "DNS_label_len_gt_name_len", resumeAt, end);

    const from = r.pos;
    for (let i = 0; i < labelLen; i++) {
      const c = buf[from + i];
      scratch[out + i] = c;
      if (c >= 0x41 && c <= 0x5a) upperCase = true;
    }
    scratch[out + labelLen] = DOT;
    out += labelLen + 1;
    room -= labelLen + 1;
    r.pos += labelLen;
  }

  for (let level = levels - 1; level >= 0; level--) {
    const first = levelStarts[level];
    if (out - first >= 255) r.weird("DNS_NAME_too_long");
    if (out - first >= 2 && scratch[out - 1] === DOT) out--;
    if (upperCase && (downcase || level > 0)) lowerCase(first, out);
  }
  if (resumeAt >= 0) r.pos = resumeAt;
  r.end = end;
  return out;
}

function failName(r: DnsReader, name: string, resumeAt: number, end: number): number {
  r.fail(name);
  if (resumeAt >= 0) r.pos = resumeAt;
  r.end = end;
  return -1;
}

// ASCII only, as C's tolower in the C locale. True when a letter changed.
function lowerCase(from: number, to: number): boolean {
  let changed = false;
  for (let i = from; i < to; i++) {
    const c = scratch[i];
    if (c >= 0x41 && c <= 0x5a) {
      scratch[i] = c + 0x20;
      changed = true;
    }
  }
  return changed;
}
