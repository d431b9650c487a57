// A bounds-checked cursor over one DNS message, with Zeek's reading rules: a fixed-size read that
// does not fit yields 0 and consumes nothing; a stream read takes what is left. It also collects the
// weirds of the message and the reason parsing stopped.
import type { DnsWeird } from "./types.ts";
import { latin1 } from "../../core/bytes.ts";

export interface ReaderSettings {
  /** dns_max_compression_chain_depth. */
  maxCompressionDepth: number;
  /** The responder's port is 137: NetBIOS names may have labels over 63 bytes, SRV means NBSTAT. */
  netbiosResponder: boolean;
  /** The message came over TCP (an EDNS TCP keepalive over UDP is a weird). */
  tcp: boolean;
}

export class DnsReader {
  pos: number;
  /** Exclusive end of what may be read; narrowed while following a compression pointer. */
  end: number;
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

  constructor(
    readonly buf: Uint8Array,
    /** Offset of the message's first byte (compression offsets count from here). */
    readonly start: number,
    end: number,
    readonly weirds: DnsWeird[],
    readonly settings: ReaderSettings,
  ) {
    this.pos = start;
    this.end = end;
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
    this.weirds.push(w);
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
