// One direction of an FTP control channel cut into lines as Zeek's NVT analyzer cuts it (FTP rides
// on Telnet's network virtual terminal, RFC 959 5.3): a line ends at LF, with a CR before it
// dropped; a CR alone stays in the line; Telnet commands (IAC ...) are taken out, IAC IAC stands
// for one 0xff byte. A line longer than the buffer's cap is handed on cut, with Zeek's weird. The
// buffer grows by doubling from 128 bytes, as Zeek's does, so the weird's numbers are Zeek's.
// Telnet option negotiation is not followed (Zeek's binary and encryption modes change nothing here).

/** Zeek's ContentLine default cap: 16 MiB less 100 bytes. */
export const NVT_MAX_LINE_LENGTH = 16 * 1024 * 1024 - 100;

const INITIAL_BUFFER = 128;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const IAC = 255;
const SB = 250;
const SE = 240;
const WILL = 251;
const DONT = 254;

/** What the reader needs from its analyzer: where lines go, and how its weirds are raised. */
export interface NvtOwner {
  /** A complete line: the first `length` bytes of `line` (valid only during the call). */
  line(line: Uint8Array, length: number): void;
  /** A weird Zeek raises once per connection (its FlagEvent): the owner keeps the once. */
  weirdOnce(name: "line_terminated_with_single_CR" | "NUL_in_line"): void;
  /** A limit reached: a weird with `addl`, and the history's X. */
  limitReached(name: "nvt_line_size_exceeded" | "nvt_option_size_exceeded", addl: string): void;
  /** A NUL at the very start of a partial connection is a keep-alive, not a fault (Zeek's CheckNUL). */
  nulIsKeepAlive(): boolean;
}

export class NvtLineReader {
  private buf = new Uint8Array(INITIAL_BUFFER);
  /** Zeek's buf_len: the buffer's size as Zeek's would be, which the limit and its weird use. */
  private bufLen = INITIAL_BUFFER;
  private offset = 0;
  private lastChar = 0;
  private pendingIac = false;
  private iacPos = 0;
  private isSuboption = false;
  private lastWasIac = false;
  /** NULs are checked until the first one that is not a keep-alive; after it they are data. */
  private flagNuls = true;

  constructor(
    private readonly owner: NvtOwner,
    private readonly maxLineLength = NVT_MAX_LINE_LENGTH,
  ) {}

  /** Bytes of an unfinished line are waiting. */
  hasPartialLine(): boolean {
    return this.offset > 0;
  }

  feed(data: Uint8Array): void {
    let i = 0;
    while (i < data.length) i = this.pendingIac ? this.scanOption(data, i) : this.deliverChunk(data, i);
  }

  /** The stream ended: an unfinished line is ended as if by LF (Zeek's EndpointEOF). */
  endOfStream(): void {
    if (this.offset > 0) this.feed(LF_ONLY);
  }

  /** Plain bytes up to a Telnet IAC or the end; returns where it stopped. */
  private deliverChunk(data: Uint8Array, i: number): number {
    for (; i < data.length; i++) {
      if (this.offset >= this.bufLen && !this.grow()) {
        this.owner.limitReached("nvt_line_size_exceeded", String(this.bufLen));
        // Zeek hands on all but the buffer's last byte and drops the byte that did not fit too.
        this.emit(this.bufLen - 1);
        this.lastChar = 0;
        continue;
      }
      const c = data[i];
      switch (c) {
        case LF:
          if (this.lastChar === CR) {
            // The CR is the line's last byte; a CR that could not be kept (offset 0) ends nothing.
            if (this.offset > 0) this.emit(this.offset - 1);
          } else {
            this.emit(this.offset);
          }
          break;
        case NUL:
          // A NUL after CR is harmless (Solaris Telnet servers send CR NUL).
          if (this.lastChar === CR) break;
          if (this.flagNuls) this.checkNul();
          else this.buf[this.offset++] = c;
          break;
        case IAC:
          this.pendingIac = true;
          this.iacPos = this.offset;
          this.isSuboption = false;
          this.buf[this.offset++] = c;
          return i + 1;
        default:
          this.buf[this.offset++] = c;
      }
      if (this.lastChar === CR && c !== LF && c !== NUL) this.owner.weirdOnce("line_terminated_with_single_CR");
      this.lastChar = c;
    }
    return i;
  }

  /** The bytes after an IAC: an escaped 0xff, a 2- or 3-byte command, or a suboption up to IAC SE. */
  private scanOption(data: Uint8Array, i: number): number {
    if (this.iacPos === this.offset - 1) {
      const code = data[i];
      if (code === IAC) {
        // IAC IAC: the first stays as a data byte.
        this.pendingIac = false;
        this.lastChar = code;
      } else if (code === SB || (code >= WILL && code <= DONT)) {
        this.isSuboption = code === SB;
        this.lastWasIac = false;
        this.ensure(this.offset + 1);
        this.buf[this.offset++] = code;
      } else {
        // A 2-byte command: it and its IAC go.
        this.offset--;
        this.pendingIac = false;
      }
      return i + 1;
    }
    if (!this.isSuboption) {
      // The third byte of WILL/WONT/DO/DONT: the command leaves the line.
      this.offset -= 2;
      this.pendingIac = false;
      return i + 1;
    }
    for (; i < data.length; i++) {
      if (this.offset >= this.bufLen && !this.grow()) {
        this.owner.limitReached("nvt_option_size_exceeded", String(this.bufLen));
        // The suboption is given up with the line so far; this byte is read again as data.
        this.pendingIac = this.isSuboption = false;
        this.offset = 0;
        this.lastChar = 0;
        return i;
      }
      const code = data[i];
      if (!this.lastWasIac) {
        this.buf[this.offset++] = code;
        this.lastWasIac = code === IAC;
        continue;
      }
      this.lastWasIac = false;
      if (code === IAC) continue; // an escaped 0xff inside the suboption
      // IAC SE ends the suboption; IAC and anything else ends it too (as BSD Telnet does), and that
      // IAC starts a new command whose first byte is this one.
      this.offset = this.iacPos;
      this.pendingIac = this.isSuboption = false;
      if (code === SE) return i + 1;
      this.pendingIac = true;
      this.iacPos = this.offset;
      this.buf[this.offset++] = IAC;
      return i;
    }
    return i;
  }

  /** A NUL in a line: a weird (once), and NULs are data from then on; the NUL itself is dropped. */
  private checkNul(): void {
    if (this.owner.nulIsKeepAlive()) return;
    this.owner.weirdOnce("NUL_in_line");
    this.flagNuls = false;
  }

  private emit(length: number): void {
    this.owner.line(this.buf, length);
    this.offset = 0;
  }

  /** Doubles the buffer up to the cap (Zeek's InitBufferSafe); false once it is at the cap. */
  private grow(): boolean {
    if (this.bufLen >= this.maxLineLength) return false;
    this.resize(Math.min(this.bufLen * 2, this.maxLineLength));
    return true;
  }

  /** Room for `size` bytes whatever the cap (Zeek's InitBuffer, used for option bytes). */
  private ensure(size: number): void {
    if (this.bufLen < size) this.resize(size);
  }

  private resize(size: number): void {
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.offset));
    this.buf = next;
    this.bufLen = size;
  }
}

const LF_ONLY = Uint8Array.of(LF);
