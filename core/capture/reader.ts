// Reads a capture file (or standard input) and streams its frames: detects pcap or pcapng from the
// first four bytes, then lets that format's scanner walk one reused buffer, refilled in chunks. A
// record cut by the end of a chunk is carried over to the start of the next, so memory stays flat
// whatever the file's size, and each frame is handed over where it lies in the buffer (zero copy).
import { NotACaptureError } from "../errors.ts";
import type { RawFrame } from "../packet.ts";
import { openCaptureInput, type CaptureInput } from "./capture-input.ts";
import { PcapScanner } from "./pcap.ts";
import { PcapngScanner } from "./pcapng.ts";
import { MAX_BLOCK, type CaptureScanner, type ReadBuffer } from "./scanner.ts";

export interface CaptureResult {
  packets: number;
  /** Captured bytes delivered (sum of caplen). */
  bytes: number;
  /** set when the file broke: one clear sentence saying where (byte offset, packet number) and why */
  truncated?: string;
}

/**
 * How far a read has got, for a progress display: updated once per chunk read (every few MB), never
 * per packet, so watching costs the reader nothing.
 */
export interface ReadProgress {
  /** Bytes read from the input so far. */
  bytes: number;
  /** Packets handed over so far (as of the last chunk). */
  packets: number;
  /** The input's size, when known. */
  size: number | undefined;
}

const READ_BYTES = 4 * 1024 * 1024;

/** Streams every frame of a pcap or pcapng file (or standard input for "-") to onFrame, in file order. Throws NotACaptureError (core/errors.ts) only when the input is not a capture at all. */
export async function readCapture(source: string, onFrame: (frame: RawFrame) => void, progress?: ReadProgress): Promise<CaptureResult> {
  const input = openCaptureInput(source);
  try {
    return await scanInput(input, onFrame, progress ?? { bytes: 0, packets: 0, size: undefined });
  } finally {
    input.close();
  }
}

/** Every frame of a capture already in memory, synchronously: the same scanners over one buffer. */
export function scanCapture(name: string, bytes: Uint8Array, onFrame: (frame: RawFrame) => void): CaptureResult {
  const buf: ReadBuffer = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), base: 0 };
  const frame: RawFrame = { ts: 0, data: bytes, offset: 0, caplen: 0, wirelen: 0, linkType: 0 };
  const scanner = scannerFor(name, buf, bytes.length, frame, onFrame);
  const pos = scanner.scan(0, bytes.length);
  return resultOf(scanner, scanner.broken ?? (pos < bytes.length ? scanner.describeCut(pos, bytes.length) : undefined));
}

async function scanInput(input: CaptureInput, onFrame: (frame: RawFrame) => void, progress: ReadProgress): Promise<CaptureResult> {
  progress.size = input.size;
  // Big enough for the largest legal pcapng block; a plain read fills only READ_BYTES of it.
  const bytes = Buffer.allocUnsafe(MAX_BLOCK);
  const buf: ReadBuffer = { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), base: 0 };
  const frame: RawFrame = { ts: 0, data: bytes, offset: 0, caplen: 0, wirelen: 0, linkType: 0 };
  let scanner: CaptureScanner | undefined;
  let filled = 0;
  let pos = 0;
  for (;;) {
    if (pos > 0) {
      bytes.copyWithin(0, pos, filled);
      buf.base += pos;
      filled -= pos;
      pos = 0;
    }
    // A scanner leaves at most one incomplete record, never larger than the buffer, so there is room.
    const n = await input.read(bytes, filled, Math.min(READ_BYTES, bytes.length - filled));
    filled += n;
    progress.bytes += n;
    if (scanner === undefined) {
      if (filled < 4 && n > 0) continue;
      scanner = scannerFor(input.name, buf, filled, frame, onFrame);
    }
    pos = scanner.scan(pos, filled);
    progress.packets = scanner.packets;
    if (scanner.broken !== undefined) return resultOf(scanner, scanner.broken);
    if (n === 0) return resultOf(scanner, pos < filled ? scanner.describeCut(pos, filled) : undefined);
  }
}

function scannerFor(
  name: string,
  buf: ReadBuffer,
  filled: number,
  frame: RawFrame,
  onFrame: (frame: RawFrame) => void,
): CaptureScanner {
  if (filled === 0) throw new NotACaptureError(`${name} is empty: not a pcap or pcapng capture`);
  if (filled < 4) throw new NotACaptureError(`${name} is only ${filled} bytes long: not a pcap or pcapng capture`);
  const magic = buf.view.getUint32(0, true);
  switch (magic) {
    case 0xa1b2c3d4:
      return new PcapScanner(buf, true, 1, frame, onFrame);
    case 0xd4c3b2a1:
      return new PcapScanner(buf, false, 1, frame, onFrame);
    case 0xa1b23c4d:
      return new PcapScanner(buf, true, 1000, frame, onFrame);
    case 0x4d3cb2a1:
      return new PcapScanner(buf, false, 1000, frame, onFrame);
    case 0x0a0d0d0a:
      return new PcapngScanner(buf, frame, onFrame);
  }
  const start = Array.from(buf.bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new NotACaptureError(`${name} is not a pcap or pcapng capture (it starts with bytes ${start})`);
}

function resultOf(scanner: CaptureScanner, truncated: string | undefined): CaptureResult {
  const result: CaptureResult = { packets: scanner.packets, bytes: scanner.bytes };
  if (truncated !== undefined) result.truncated = truncated;
  return result;
}
