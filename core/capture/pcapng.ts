// pcapng: a sequence of blocks (type, total length, body, total length again). A Section Header Block
// starts each section and sets its byte order; Interface Description Blocks number the section's
// interfaces, each with its own link type, timestamp resolution (if_tsresol) and offset (if_tsoffset);
// Enhanced, Simple and (obsolete) Packet Blocks carry the frames. Every other block is skipped whole.
import type { RawFrame } from "../packet.ts";
import { MAX_BLOCK, MAX_CAPLEN, placeOf, type CaptureScanner, type ReadBuffer } from "./scanner.ts";

const SECTION_HEADER = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION = 1;
const PACKET = 2;
const SIMPLE_PACKET = 3;
const ENHANCED_PACKET = 6;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

/** Smallest legal total length of a block of this type (header, fixed fields, trailer). */
function minLength(type: number): number {
  switch (type) {
    case SECTION_HEADER:
      return 28;
    case INTERFACE_DESCRIPTION:
      return 20;
    case PACKET:
    case ENHANCED_PACKET:
      return 32;
    case SIMPLE_PACKET:
      return 16;
    default:
      return 12;
  }
}

const BLOCK_NAME: Record<number, string> = {
  [SECTION_HEADER]: "section header block",
  [INTERFACE_DESCRIPTION]: "interface description block",
  [PACKET]: "packet block",
  [SIMPLE_PACKET]: "simple packet block",
  [ENHANCED_PACKET]: "enhanced packet block",
};

const TWO_32 = 4294967296;

/**
 * Network time of a 64-bit tick count (hi, lo) at `ticksPerSec`, the way libpcap hands it to Zeek:
 * whole seconds (plus if_tsoffset) and whole microseconds, truncated, summed as Zeek sums them.
 * Exact for every resolution up to 2^32 ticks/s (nanoseconds included); the long division runs in
 * 16-bit steps so that no intermediate value passes 2^53.
 */
export function ticksToTime(hi: number, lo: number, ticksPerSec: number, offsetSec: number): number {
  let sec: number;
  let rem: number;
  if (ticksPerSec > TWO_32) {
    // Finer than 0.23 ns: no software writes this; a double gets within a microsecond.
    const t = (hi * TWO_32 + lo) / ticksPerSec;
    sec = Math.floor(t);
    return sec + offsetSec + Math.floor((t - sec) * 1e6) / 1e6;
  }
  if (hi < 0x100000) {
    const t = hi * TWO_32 + lo; // below 2^52: exact, and so is floor(t / ticksPerSec)
    sec = Math.floor(t / ticksPerSec);
    rem = t - sec * ticksPerSec;
  } else {
    const qHi = Math.floor(hi / ticksPerSec);
    let x = (hi - qHi * ticksPerSec) * 65536 + (lo >>> 16);
    const qMid = Math.floor(x / ticksPerSec);
    x = (x - qMid * ticksPerSec) * 65536 + (lo & 0xffff);
    const qLo = Math.floor(x / ticksPerSec);
    rem = x - qLo * ticksPerSec;
    sec = qHi * TWO_32 + qMid * 65536 + qLo;
  }
  const usec = ticksPerSec === 1e6 ? rem : Math.floor((rem * 1e6) / ticksPerSec);
  return sec + offsetSec + usec / 1e6;
}

export class PcapngScanner implements CaptureScanner {
  packets = 0;
  bytes = 0;
  broken: string | undefined;
  private littleEndian = true;
  // The current section's interfaces, by interface id.
  private readonly linkTypes: number[] = [];
  private readonly snaplens: number[] = [];
  private readonly ticksPerSec: number[] = [];
  private readonly offsetSec: number[] = [];
  /** A Simple Packet Block has no timestamp: it takes the last one seen. */
  private lastTs = 0;

  constructor(
    private readonly buf: ReadBuffer,
    private readonly frame: RawFrame,
    private readonly onFrame: (frame: RawFrame) => void,
  ) {}

  scan(pos: number, end: number): number {
    const { view, bytes: data } = this.buf;
    const frame = this.frame;
    const onFrame = this.onFrame;
    let le = this.littleEndian;
    while (end - pos >= 12) {
      const type = view.getUint32(pos, le); // a section header's type reads the same either way
      if (type === SECTION_HEADER) {
        const order = this.sectionOrder(pos);
        if (order === undefined) {
          const magic = view.getUint32(pos + 8, false).toString(16).padStart(8, "0");
          this.fail(pos, type, `has byte-order magic 0x${magic}, neither 0x1a2b3c4d nor 0x4d3c2b1a`);
          break;
        }
        le = order;
      }
      const length = view.getUint32(pos + 4, le);
      if (length % 4 !== 0 || length < minLength(type) || length > MAX_BLOCK) {
        this.fail(pos, type, `has an impossible length of ${length} bytes (a multiple of 4, from ${minLength(type)} to ${MAX_BLOCK})`);
        break;
      }
      if (pos + length > end) break;
      if (view.getUint32(pos + length - 4, le) !== length) {
        this.fail(pos, type, `says ${length} bytes at its start but ${view.getUint32(pos + length - 4, le)} at its end`);
        break;
      }
      if (type === ENHANCED_PACKET || type === PACKET) {
        const iface = type === ENHANCED_PACKET ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
        if (iface >= this.linkTypes.length) {
          this.fail(pos, type, `refers to interface ${iface}, but the section describes ${this.linkTypes.length}`);
          break;
        }
        const caplen = view.getUint32(pos + 20, le);
        if (caplen > MAX_CAPLEN || caplen > length - 32) {
          const limit = caplen > MAX_CAPLEN ? `the ${MAX_CAPLEN} a packet can have` : `its ${length}-byte block holds`;
          this.fail(pos, type, `says ${caplen} captured bytes, more than ${limit}`);
          break;
        }
        const ts = ticksToTime(view.getUint32(pos + 12, le), view.getUint32(pos + 16, le), this.ticksPerSec[iface], this.offsetSec[iface]);
        this.lastTs = ts;
        frame.ts = ts;
        frame.data = data;
        frame.offset = pos + 28;
        frame.caplen = caplen;
        frame.wirelen = view.getUint32(pos + 24, le);
        frame.linkType = this.linkTypes[iface];
        onFrame(frame);
        this.packets++;
        this.bytes += caplen;
      } else if (type === SIMPLE_PACKET) {
        if (this.linkTypes.length === 0) {
          this.fail(pos, type, "comes before any interface description block");
          break;
        }
        // The block holds the frame cut to the interface's snaplen (0: none) and padded to 32 bits.
        const wirelen = view.getUint32(pos + 8, le);
        const caplen = Math.min(wirelen, this.snaplens[0] || wirelen, length - 16);
        if (caplen > MAX_CAPLEN) {
          this.fail(pos, type, `holds ${caplen} captured bytes, more than the ${MAX_CAPLEN} a packet can have`);
          break;
        }
        frame.ts = this.lastTs;
        frame.data = data;
        frame.offset = pos + 12;
        frame.caplen = caplen;
        frame.wirelen = wirelen;
        frame.linkType = this.linkTypes[0];
        onFrame(frame);
        this.packets++;
        this.bytes += caplen;
      } else if (type === SECTION_HEADER) {
        this.littleEndian = le;
        this.linkTypes.length = this.snaplens.length = this.ticksPerSec.length = this.offsetSec.length = 0;
      } else if (type === INTERFACE_DESCRIPTION) {
        if (!this.describeInterface(pos, length, le)) break;
      }
      pos += length;
    }
    return pos;
  }

  describeCut(pos: number, end: number): string {
    const have = end - pos;
    const at = this.buf.base + pos;
    if (have < 12) {
      return `capture truncated ${placeOf(at, this.packets, false)}: the file ends ${have} bytes into a block header`;
    }
    const type = this.buf.view.getUint32(pos, this.littleEndian);
    const le = (type === SECTION_HEADER ? this.sectionOrder(pos) : undefined) ?? this.littleEndian;
    const length = this.buf.view.getUint32(pos + 4, le);
    return `capture truncated ${placeOf(at, this.packets, isPacketBlock(type))}: ${blockName(type)} says ${length} bytes, file ends after ${have}`;
  }

  /** Byte order of the section whose header starts at pos (little-endian: true); undefined if neither. */
  private sectionOrder(pos: number): boolean | undefined {
    const magic = this.buf.view.getUint32(pos + 8, true);
    if (magic === BYTE_ORDER_MAGIC) return true;
    if (magic === 0x4d3c2b1a) return false;
    return undefined;
  }

  /** Reads an Interface Description Block's link type, snaplen and timestamp options. */
  private describeInterface(pos: number, length: number, le: boolean): boolean {
    const view = this.buf.view;
    let ticksPerSec = 1e6;
    let offsetSec = 0;
    const optionsEnd = pos + length - 4;
    for (let p = pos + 16; p + 4 <= optionsEnd; ) {
      const code = view.getUint16(p, le);
      const size = view.getUint16(p + 2, le);
      if (code === 0) break; // opt_endofopt
      if (p + 4 + size > optionsEnd) {
        this.fail(pos, INTERFACE_DESCRIPTION, `has option ${code} running past the end of the block`);
        return false;
      }
      if (code === OPT_IF_TSRESOL && size >= 1) {
        const v = view.getUint8(p + 4);
        ticksPerSec = v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
      } else if (code === OPT_IF_TSOFFSET && size >= 8) {
        // A signed 64-bit count of seconds.
        offsetSec = le
          ? view.getInt32(p + 8, true) * TWO_32 + view.getUint32(p + 4, true)
          : view.getInt32(p + 4, false) * TWO_32 + view.getUint32(p + 8, false);
      }
      p += 4 + ((size + 3) & ~3);
    }
    this.linkTypes.push(view.getUint16(pos + 8, le));
    this.snaplens.push(view.getUint32(pos + 12, le));
    this.ticksPerSec.push(ticksPerSec);
    this.offsetSec.push(offsetSec);
    return true;
  }

  private fail(pos: number, type: number, why: string): void {
    this.broken = `capture corrupt ${placeOf(this.buf.base + pos, this.packets, isPacketBlock(type))}: ${blockName(type)} ${why}`;
  }
}

function isPacketBlock(type: number): boolean {
  return type === ENHANCED_PACKET || type === PACKET || type === SIMPLE_PACKET;
}

function blockName(type: number): string {
  return BLOCK_NAME[type] ?? `block of type 0x${type.toString(16).padStart(8, "0")}`;
}
