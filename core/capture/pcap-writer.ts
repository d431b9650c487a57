// Writes classic pcap (microsecond, little-endian): the fixtures and the benchmark build captures
// with it, and it is the format `tcpdump -w` produces, so anything it writes opens everywhere.
import { openSync, writeSync, closeSync } from "node:fs";

const FLUSH_AT = 1 << 20;

export class PcapWriter {
  private readonly fd: number;
  private chunks: Uint8Array[] = [];
  private pending = 0;

  constructor(path: string, linkType = 1, snaplen = 262144) {
    this.fd = openSync(path, "w");
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(snaplen, 16);
    h.writeUInt32LE(linkType, 20);
    this.push(h);
  }

  /** Appends one frame; `ts` in seconds. `wirelen` defaults to the captured length. */
  write(ts: number, frame: Uint8Array, wirelen = frame.length): void {
    const h = Buffer.alloc(16);
    const sec = Math.floor(ts);
    h.writeUInt32LE(sec, 0);
    h.writeUInt32LE(Math.round((ts - sec) * 1e6), 4);
    h.writeUInt32LE(frame.length, 8);
    h.writeUInt32LE(wirelen, 12);
    this.push(h);
    this.push(frame);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.pending += b.length;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pending === 0) return;
    writeSync(this.fd, Buffer.concat(this.chunks, this.pending));
    this.chunks = [];
    this.pending = 0;
  }
}
