// IP fragment reassembly for IPv4 and IPv6, with Zeek's semantics: fragments are keyed by source,
// destination and identification; where fragments overlap the data seen first wins (weird
// "fragment_overlap", or "fragment_inconsistency" when the bytes differ); the datagram's size comes
// from the fragment without MF; a datagram is delivered once its data has no holes up to that size.
// Pending datagrams expire after a timeout in network time, and memory is bounded: past the limits
// the oldest pending datagram is dropped.
import type { Packet } from "../packet.ts";
import { foldSum, onesComplementSum } from "./checksum.ts";
import type { FragmentFields } from "./fragment-fields.ts";

/** Zeek's MIN_ACCEPTABLE_FRAG_SIZE and MAX_ACCEPTABLE_FRAG_SIZE. */
const MIN_ACCEPTABLE_FRAG_SIZE = 64;
const MAX_ACCEPTABLE_FRAG_SIZE = 64000;

/** How much reassembly may hold at once; past either bound the oldest pending datagram goes. */
export interface FragmentLimits {
  maxDatagrams: number;
  maxBytes: number;
}

const DEFAULT_LIMITS: FragmentLimits = { maxDatagrams: 16384, maxBytes: 64 * 1024 * 1024 };

export interface FragmentStats {
  fragmentsPending: number;
  fragmentsReassembled: number;
  fragmentsExpired: number;
  fragmentsEvicted: number;
}

/** One datagram being put back together. */
class Datagram {
  /** Payload bytes by offset in the datagram; grows as fragments arrive. */
  data = new Uint8Array(0);
  /** Received blocks [starts[i], ends[i]), sorted and disjoint. */
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** Payload size, known once the last fragment (no MF) is seen; 0 until then. */
  size = 0;

  constructor(
    readonly key: string,
    readonly deadline: number,
    /** The unfragmentable header of the first fragment seen (Zeek keeps that one). */
    readonly header: Uint8Array,
    /** IPv6: where in `header` the next-header byte naming the fragment header sits. */
    readonly nextHeaderFieldOff: number,
    /** Protocol of the payload; the offset-0 fragment has the final say. */
    public nextProto: number,
  ) {}
}

export class FragmentReassembler {
  private readonly pending = new Map<string, Datagram>();
  private pendingBytes = 0;
  private nextDeadline = Infinity;

  /** `timeout` in seconds of network time; 0 keeps datagrams until the memory bound evicts them. */
  constructor(
    private readonly timeout: number,
    private readonly weird: (name: string) => void,
    private readonly stats: FragmentStats,
    private readonly limits: FragmentLimits = DEFAULT_LIMITS,
  ) {}

  /** Drops the datagrams whose time is up at network time `now`. */
  expire(now: number): void {
    if (now < this.nextDeadline) return;
    this.nextDeadline = Infinity;
    for (const d of this.pending.values()) {
      if (d.deadline > now) {
        this.nextDeadline = d.deadline;
        break;
      }
      this.remove(d);
      this.stats.fragmentsExpired++;
    }
  }

  /**
   * Adds the fragment in pkt, decoded into `frag`, and captured whole. Returns the reassembled
   * datagram, a fresh buffer holding a header that no longer says "fragment", or null while
   * fragments are missing.
   */
  add(pkt: Packet, frag: FragmentFields): Uint8Array | null {
    const ip = pkt.ip;
    const v4 = pkt.ipVersion === 4;
    const key = fragmentKey(ip, pkt.srcOff, pkt.dstOff, v4 ? 4 : 16, frag.id);
    const headerLen = v4 ? pkt.ipHdrLen : frag.unfragmentableLen;
    let d = this.pending.get(key);
    if (d === undefined) {
      const header = ip.slice(pkt.ipOff, pkt.ipOff + headerLen);
      const deadline = this.timeout > 0 ? pkt.ts + this.timeout : Infinity;
      d = new Datagram(key, deadline, header, frag.nextHeaderFieldOff, pkt.proto);
      if (this.pending.size === 0) this.nextDeadline = d.deadline;
      this.pending.set(key, d);
    } else if (this.inconsistent(d, pkt, headerLen)) {
      this.weird("fragment_protocol_inconsistency");
    }
    if (frag.dontFragment) this.weird("fragment_with_DF"); // Linux UDP path-MTU discovery does this

    const len = pkt.ipLen - pkt.ipHdrLen;
    const upper = frag.offset + len;
    if (frag.offset === 0) d.nextProto = pkt.proto;
    if (!frag.more) {
      if (d.size === 0) d.size = upper;
      else if (upper !== d.size) {
        this.weird("fragment_size_inconsistency");
        if (upper > d.size) d.size = upper;
      }
    } else if (pkt.ipLen < MIN_ACCEPTABLE_FRAG_SIZE) {
      this.weird("excessively_small_fragment");
    }
    if (upper > MAX_ACCEPTABLE_FRAG_SIZE) this.weird("excessively_large_fragment");
    if (d.size !== 0 && upper > d.size) {
      // A fragment with MF that reaches past the end a last fragment announced.
      this.weird("fragment_size_inconsistency");
      d.size = upper;
    }
    if (len > 0) this.insert(d, frag.offset, upper, ip, pkt.ipOff + pkt.ipHdrLen);

    const datagram = this.complete(d);
    if (datagram !== null) {
      this.remove(d);
      this.stats.fragmentsReassembled++;
    } else {
      this.enforceLimits();
    }
    this.stats.fragmentsPending = this.pending.size;
    return datagram;
  }

  private inconsistent(d: Datagram, pkt: Packet, headerLen: number): boolean {
    if (d.header.length !== headerLen) return true;
    // IPv4 compares the protocol of every fragment; IPv6 the next header after the fragment header.
    return pkt.ipVersion === 4 ? pkt.proto !== d.header[9] : pkt.proto !== d.nextProto;
  }

  /** Stores [start, end) from src[srcOff...], keeping whatever earlier fragments already put there. */
  private insert(d: Datagram, start: number, end: number, src: Uint8Array, srcOff: number): void {
    this.reserve(d, end);
    const { starts, ends, data } = d;
    let i = 0;
    while (i < starts.length && ends[i] <= start) i++;
    let cur = start;
    while (cur < end) {
      if (i < starts.length && starts[i] < end) {
        const blockStart = starts[i];
        const blockEnd = ends[i];
        if (cur < blockStart) {
          data.set(src.subarray(srcOff + cur - start, srcOff + blockStart - start), cur);
          starts.splice(i, 0, cur);
          ends.splice(i, 0, blockStart);
          i++;
          cur = blockStart;
        }
        const overlapEnd = Math.min(end, blockEnd);
        this.weird(sameBytes(data, cur, src, srcOff + cur - start, overlapEnd - cur) ? "fragment_overlap" : "fragment_inconsistency");
        cur = overlapEnd;
        i++;
      } else {
        data.set(src.subarray(srcOff + cur - start, srcOff + end - start), cur);
        starts.splice(i, 0, cur);
        ends.splice(i, 0, end);
        cur = end;
      }
    }
  }

  private reserve(d: Datagram, size: number): void {
    if (d.data.length >= size) return;
    let capacity = Math.max(d.data.length * 2, 2048);
    while (capacity < size) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(d.data);
    this.pendingBytes += capacity - d.data.length;
    d.data = grown;
  }

  /** The whole datagram once the data from 0 to its size has no holes, else null. */
  private complete(d: Datagram): Uint8Array | null {
    const { starts, ends } = d;
    if (starts.length === 0 || starts[0] > 0 || d.size === 0) return null;
    let i = 0;
    while (i + 1 < starts.length && ends[i] === starts[i + 1]) i++;
    if (i + 1 < starts.length) {
      // A hole; if the data before it already reaches the announced size, fragments of two
      // datagrams got mixed up, and the contiguous part is what we deliver.
      if (ends[i] < d.size) return null;
      this.weird("fragment_size_inconsistency");
      d.size = ends[i];
    } else if (ends[i] > d.size) {
      this.weird("fragment_size_inconsistency");
      d.size = ends[i];
    } else if (ends[i] < d.size) {
      return null;
    }
    const headerLen = d.header.length;
    const out = new Uint8Array(headerLen + d.size);
    out.set(d.header);
    out.set(d.data.subarray(0, d.size), headerLen);
    if ((out[0] >> 4) === 4) {
      out[2] = out.length >> 8;
      out[3] = out.length & 0xff;
      out[6] &= 0x40; // keep DF, clear MF and the offset
      out[7] = 0;
      out[10] = 0;
      out[11] = 0;
      const checksum = ~foldSum(onesComplementSum(out, 0, headerLen)) & 0xffff;
      out[10] = checksum >> 8;
      out[11] = checksum & 0xff;
    } else {
      const payloadLen = out.length - 40;
      out[4] = payloadLen >> 8;
      out[5] = payloadLen & 0xff;
      // The fragment header is gone: whoever named it now names the payload.
      out[d.nextHeaderFieldOff] = d.nextProto;
    }
    return out;
  }

  private enforceLimits(): void {
    while (this.pending.size > this.limits.maxDatagrams || this.pendingBytes > this.limits.maxBytes) {
      const oldest = this.pending.values().next().value;
      if (oldest === undefined) return;
      this.remove(oldest);
      this.stats.fragmentsEvicted++;
    }
  }

  private remove(d: Datagram): void {
    this.pending.delete(d.key);
    this.pendingBytes -= d.data.length;
    this.stats.fragmentsPending = this.pending.size;
  }
}

/** Source, destination and identification, as a string (fragments are rare enough to afford one). */
function fragmentKey(ip: Uint8Array, srcOff: number, dstOff: number, addrLen: number, id: number): string {
  let key = String.fromCharCode(id >>> 16, id & 0xffff);
  for (let i = 0; i < addrLen; i += 2) key += String.fromCharCode((ip[srcOff + i] << 8) | ip[srcOff + i + 1]);
  for (let i = 0; i < addrLen; i += 2) key += String.fromCharCode((ip[dstOff + i] << 8) | ip[dstOff + i + 1]);
  return key;
}

function sameBytes(a: Uint8Array, aOff: number, b: Uint8Array, bOff: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOff + i] !== b[bOff + i]) return false;
  return true;
}
