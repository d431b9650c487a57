// Classic pcap (libpcap's savefile): a 24-byte file header, then per packet a 16-byte record header
// (seconds, fraction, captured length, wire length) and the captured bytes. Either byte order, with
// microsecond (magic a1b2c3d4) or nanosecond (a1b23c4d) fractions.
//
// Network time is whole seconds plus whole microseconds, the way libpcap hands a nanosecond file to
// Zeek: the same double Zeek computes, so durations and logged times match Zeek's to the last digit.
import type { RawFrame } from "../packet.ts";
import { MAX_CAPLEN, placeOf, type CaptureScanner, type ReadBuffer } from "./scanner.ts";

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

export class PcapScanner implements CaptureScanner {
  packets = 0;
  bytes = 0;
  broken: string | undefined;
  private linkType = -1;

  /** `fractionPerUsec`: 1 for a microsecond file, 1000 for a nanosecond one. */
  constructor(
    private readonly buf: ReadBuffer,
    private readonly littleEndian: boolean,
    private readonly fractionPerUsec: number,
    private readonly frame: RawFrame,
    private readonly onFrame: (frame: RawFrame) => void,
  ) {}

  scan(pos: number, end: number): number {
    const { view, bytes: data } = this.buf;
    const le = this.littleEndian;
    if (this.linkType < 0) {
      if (end - pos < FILE_HEADER) return pos;
      // The upper bits of the link-type field may carry FCS information (libpcap's LT_FCS_*).
      this.linkType = view.getUint32(pos + 20, le) & 0xffff;
      pos += FILE_HEADER;
    }
    const frame = this.frame;
    const onFrame = this.onFrame;
    const linkType = this.linkType;
    const perUsec = this.fractionPerUsec;
    let packets = this.packets;
    let bytes = this.bytes;
    while (end - pos >= RECORD_HEADER) {
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > MAX_CAPLEN) {
        this.broken =
          `capture corrupt ${placeOf(this.buf.base + pos, packets, true)}: record header says ` +
          `${caplen} captured bytes, more than the ${MAX_CAPLEN} a packet can have`;
        break;
      }
      const next = pos + RECORD_HEADER + caplen;
      if (next > end) break;
      frame.ts = view.getUint32(pos, le) + Math.floor(view.getUint32(pos + 4, le) / perUsec) / 1e6;
      frame.data = data;
      frame.offset = pos + RECORD_HEADER;
      frame.caplen = caplen;
      frame.wirelen = view.getUint32(pos + 12, le);
      frame.linkType = linkType;
      onFrame(frame);
      packets++;
      bytes += caplen;
      pos = next;
    }
    this.packets = packets;
    this.bytes = bytes;
    return pos;
  }

  describeCut(pos: number, end: number): string {
    const have = end - pos;
    const at = this.buf.base + pos;
    if (this.linkType < 0) {
      return `capture truncated at byte ${at}: the file ends ${have} bytes into the ${FILE_HEADER}-byte pcap file header`;
    }
    const place = placeOf(at, this.packets, true);
    if (have < RECORD_HEADER) {
      return `capture truncated ${place}: the file ends ${have} bytes into the ${RECORD_HEADER}-byte record header`;
    }
    const caplen = this.buf.view.getUint32(pos + 8, this.littleEndian);
    return `capture truncated ${place}: record header says ${caplen} bytes, file ends after ${have - RECORD_HEADER}`;
  }
}
