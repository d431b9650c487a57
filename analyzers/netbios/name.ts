// NetBIOS names (RFC 1001 14, RFC 1002 4.1): 16 bytes, the first 15 the name padded with spaces, the
// 16th the suffix that says which service the name stands for; on the wire in "first-level
// encoding" (each half-byte as a letter 'A'..'P', so 32 letters in one label) followed by the
// scope id as DNS labels. The name service may point back to an earlier name as DNS does.
import { ByteCursor, Truncated } from "./cursor.ts";
import { latin1 } from "../../core/bytes.ts";

export interface NetbiosName {
  /** The first 15 bytes without their padding (spaces, or NULs after "*"), as a byte string. */
  name: string;
  /** The 16th byte. */
  suffix: number;
  /** The scope id ("" when none), dot-separated. */
  scope: string;
}

const ENCODED_LENGTH = 32;
const POINTER = 0xc0;
/** More pointers than this in one name is a loop. */
const MAX_POINTERS = 8;

/**
 * Reads an encoded name at the cursor. `msgStart` is where pointers count from (the name service);
 * undefined where pointers are not allowed (datagrams, sessions).
 */
export function readNetbiosName(c: ByteCursor, msgStart?: number): NetbiosName {
  const buf = c.buf;
  let pos = c.pos;
  let resumeAt = -1;
  let pointers = 0;
  let first: NetbiosName | undefined;
  const scope: string[] = [];
  for (;;) {
    if (pos >= c.end) throw new Truncated("netbios_name_truncated");
    const len = buf[pos];
    if ((len & POINTER) === POINTER) {
      if (msgStart === undefined || pos + 1 >= c.end) throw new Truncated("netbios_bad_name_pointer");
      if (resumeAt < 0) resumeAt = pos + 2;
      if (++pointers > MAX_POINTERS) throw new Truncated("netbios_name_pointer_loop");
      const target = msgStart + (((len & 0x3f) << 8) | buf[pos + 1]);
      if (target >= c.end) throw new Truncated("netbios_bad_name_pointer");
      pos = target;
      continue;
    }
    if (len & POINTER) throw new Truncated("netbios_bad_label_type");
    pos++;
    if (len === 0) break;
    if (pos + len > c.end) throw new Truncated("netbios_name_truncated");
    if (first === undefined) {
      if (len !== ENCODED_LENGTH) throw new Truncated("netbios_bad_name_length");
      first = decodeFirstLevel(buf, pos);
    } else scope.push(latin1(buf, pos, pos + len));
    pos += len;
  }
  if (first === undefined) throw new Truncated("netbios_empty_name");
  first.scope = scope.join(".");
  c.pos = resumeAt >= 0 ? resumeAt : pos;
  return first;
}

/** The 32 letters at `pos` back to the 16 bytes they encode. */
function decodeFirstLevel(buf: Uint8Array, pos: number): NetbiosName {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const hi = buf[pos + 2 * i] - 0x41;
    const lo = buf[pos + 2 * i + 1] - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) throw new Truncated("netbios_bad_name_encoding");
    bytes[i] = (hi << 4) | lo;
  }
  return fromRaw(bytes, 0);
}

/** A 16-byte name as it is in a node status table (not encoded). */
export function rawName(c: ByteCursor): NetbiosName {
  c.need(16, "netbios_node_status_truncated");
  const n = fromRaw(c.buf, c.pos);
  c.pos += 16;
  return n;
}

function fromRaw(bytes: Uint8Array, at: number): NetbiosName {
  let end = at + 15;
  while (end > at && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
  return { name: latin1(bytes, at, end), suffix: bytes[at + 15], scope: "" };
}
