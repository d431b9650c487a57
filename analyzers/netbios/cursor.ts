// A bounds-checked reader over one NetBIOS message: every read checks that its bytes are there
// first; one that does not fit stops the parse with the reason (it becomes the weird's name). The
// Truncated throw never leaves this folder: each parser catches it at its entry point.
import { latin1 } from "../../core/bytes.ts";
import { formatAddr } from "../../core/net/address.ts";

/** Parsing stopped: `reason` names what was wrong. */
export class Truncated extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export class ByteCursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    /** Exclusive end of what may be read. */
    public end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) throw new Truncated(what);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  u16le(what: string): number {
    this.need(2, what);
    const v = this.buf[this.pos] | (this.buf[this.pos + 1] << 8);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  u32le(what: string): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }

  /** An IPv4 address in dotted form. */
  ipv4(what: string): string {
    this.need(4, what);
    const a = formatAddr(this.buf, this.pos, 4);
    this.pos += 4;
    return a;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }

  /** `n` bytes as a byte string (one character per byte, as Zeek's strings are). */
  latin1(n: number, what: string): string {
    this.need(n, what);
    const s = latin1(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** A NUL-terminated string (the NUL is consumed, not returned); the rest of the input without one. */
  cstring(): string {
    let i = this.pos;
    while (i < this.end && this.buf[i] !== 0) i++;
    const s = latin1(this.buf, this.pos, i);
    this.pos = i < this.end ? i + 1 : i;
    return s;
  }
}
