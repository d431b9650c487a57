// A bounds-checked cursor over one DNS message, with Zeek's reading rules: a fixed-size read that
// does not fit yields 0 and consumes nothing; a stream read takes what is left. It also collects the
// weirds of the message and the reason parsing stopped.
import type { DnsWeird } from "./types.ts";
import { latin1 } from "../../core/bytes.ts";

// Most messages raise no weird: they all share this list, and a message gets its own at its first.
const NO_WEIRDS: readonly DnsWeird[] = [];

/** Messages are parsed one at a time, each to its end: one reader serves them all, reset for each. */
export class DnsReader {
  buf: Uint8Array = new Uint8Array(0);
  /** Offset of the message's first byte (compression offsets count from here). */
  start = 0;
  pos = 0;
  /** Exclusive end of what may be read; narrowed while following a compression pointer. */
  end = 0;
  /** dns_max_compression_chain_depth. */
  maxCompressionDepth = 0;
  /** The responder's port is 137: NetBIOS names may have labels over 63 bytes, SRV means NBSTAT. */
  netbiosResponder = false;
  /** The message came over TCP (an EDNS TCP keepalive over UDP is a weird). */
  tcp = false;
  /** The reason parsing stopped: Zeek's weird name, or a name of ours where Zeek stops silently. */
  error: string | null = null;
  /** The failure is an analyzer violation in Zeek. */
  violation = false;
  /** While set, weirds are dropped: Zeek would not have looked at these bytes at all. */
  quiet = false;
  /**
   * The last question name that decoded plainly (no pointer, no weird): where it starts and ends,
   * and its lower-cased text. A record's owner is most often a pointer to it (see name.ts).
   */
  questionNameAt = -1;
  questionNameEnd = -1;
  questionName = "";
  private ownWeirds: DnsWeird[] | null = null;

  /** Starts on the message at buf[start, end). */
  reset(buf: Uint8Array, start: number, end: number, maxCompressionDepth: number, netbiosResponder: boolean, tcp: boolean): void {
    this.buf = buf;
    this.start = start;
    this.pos = start;
    this.end = end;
    this.maxCompressionDepth = maxCompressionDepth;
    this.netbiosResponder = netbiosResponder;
    this.tcp = tcp;
    this.error = null;
    this.violation = false;
    this.quiet = false;
    this.questionNameAt = -1;
    this.questionNameEnd = -1;
    this.questionName = "";
    this.ownWeirds = null;
  }

  /** The weirds of the message so far, in order. */
  get weirds(): readonly DnsWeird[] {
    return this.ownWeirds ?? NO_WEIRDS;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.end - this.pos < 1) return 0;
    return this.buf[this.pos++];
  }

  u16(): number {
    if (this.end - this.pos < 2) return 0;
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u32(): number {
    if (this.end - this.pos < 4) return 0;
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  /** Up to `n` bytes (fewer if the message ends first), copied. */
  bytes(n: number): Uint8Array {
    const take = Math.max(0, Math.min(n, this.end - this.pos));
    const out = this.buf.slice(this.pos, this.pos + take);
    this.pos += take;
    return out;
  }

  /** Up to `n` bytes as a byte string. */
  text(n: number): string {
    const take = Math.max(0, Math.min(n, this.end - this.pos));
    const s = latin1(this.buf, this.pos, this.pos + take);
    this.pos += take;
    return s;
  }

  /** Moves past `n` bytes, never beyond the end. */
  skip(n: number): void {
    this.pos = Math.min(this.end, this.pos + Math.max(0, n));
  }

  weird(name: string, addl?: string, limitReached = false): void {
    if (this.quiet) return;
    const w: DnsWeird = { name };
    if (addl !== undefined) w.addl = addl;
    if (limitReached) w.limitReached = true;
    if (this.ownWeirds === null) this.ownWeirds = [w];
    else this.ownWeirds.push(w);
  }

  /** Stops parsing with a weird of the same name; returns null for the caller to pass on. */
  fail(name: string, addl?: string): null {
    this.weird(name, addl);
    this.error = name;
    return null;
  }

  /** Stops parsing where Zeek stops without a weird; `name` only explains why. */
  failSilently(name: string): null {
    this.error = name;
    return null;
  }

  /** Stops parsing with an analyzer violation (no weird). */
  violate(name: string): null {
    this.violation = true;
    this.error = name;
    return null;
  }
}
