// Builds pcap and pcapng captures byte by byte, in either byte order, for the capture reader's tests
// (PcapWriter covers only little-endian microsecond pcap), and collects what readCapture delivers.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCapture, type CaptureResult } from "../../core/capture/reader.ts";

export interface DeliveredFrame {
  ts: number;
  linkType: number;
  caplen: number;
  wirelen: number;
  /** A copy: the reader's buffer is reused once the callback returns. */
  bytes: Buffer;
}

export async function collect(source: string): Promise<{ result: CaptureResult; frames: DeliveredFrame[] }> {
  const frames: DeliveredFrame[] = [];
  const result = await readCapture(source, (f) => {
    frames.push({
      ts: f.ts,
      linkType: f.linkType,
      caplen: f.caplen,
      wirelen: f.wirelen,
      bytes: Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen)),
    });
  });
  return { result, frames };
}

/** A temporary folder for one test file's captures. */
export function tempDir(): { file(name: string, bytes: Uint8Array): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "nsm-capture-"));
  return {
    file(name, bytes) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Distinct recognisable frame bytes: `length` bytes, each (seed + i) & 0xff. */
export function patternFrame(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (seed + i) & 0xff;
  return b;
}

function u16(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}

function u32(le: boolean, v: number): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

function u64(le: boolean, v: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (le) b.writeBigUInt64LE(BigInt.asUintN(64, v));
  else b.writeBigUInt64BE(BigInt.asUintN(64, v));
  return b;
}

// ---- classic pcap ----

export interface ClassicRecord {
  sec: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  frac: number;
  data: Uint8Array;
  wirelen?: number;
}

/** A classic pcap file; `linkTypeField` is written as is (upper bits may carry FCS information). */
export function classicPcap(le: boolean, nano: boolean, linkTypeField: number, records: ClassicRecord[]): Buffer {
  const parts = [
    u32(le, nano ? 0xa1b23c4d : 0xa1b2c3d4),
    u16(le, 2),
    u16(le, 4),
    u32(le, 0),
    u32(le, 0),
    u32(le, 262144),
    u32(le, linkTypeField),
  ];
  for (const r of records) {
    parts.push(u32(le, r.sec), u32(le, r.frac), u32(le, r.data.length), u32(le, r.wirelen ?? r.data.length), Buffer.from(r.data));
  }
  return Buffer.concat(parts);
}

// ---- pcapng ----

/** One pcapng block: type, total length, body padded to 32 bits, total length again. */
export function block(le: boolean, type: number, body: Uint8Array): Buffer {
  const padded = Buffer.alloc((body.length + 3) & ~3);
  padded.set(body);
  const length = 12 + padded.length;
  return Buffer.concat([u32(le, type), u32(le, length), padded, u32(le, length)]);
}

/** Options list (code, length, value padded) ending with opt_endofopt. */
export function options(le: boolean, opts: [code: number, value: Uint8Array][]): Buffer {
  const parts: Buffer[] = [];
  for (const [code, value] of opts) {
    const padded = Buffer.alloc((value.length + 3) & ~3);
    padded.set(value);
    parts.push(u16(le, code), u16(le, value.length), padded);
  }
  if (parts.length > 0) parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function sectionHeader(le: boolean): Buffer {
  return block(le, 0x0a0d0d0a, Buffer.concat([u32(le, 0x1a2b3c4d), u16(le, 1), u16(le, 0), u64(le, -1n)]));
}

export interface InterfaceSpec {
  linkType: number;
  snaplen?: number;
  /** The raw if_tsresol byte; absent: microseconds. */
  tsresol?: number;
  tsoffset?: bigint;
}

export function interfaceDescription(le: boolean, spec: InterfaceSpec): Buffer {
  const opts: [number, Uint8Array][] = [[2, Buffer.from("eth0")]];
  if (spec.tsresol !== undefined) opts.push([9, Uint8Array.of(spec.tsresol)]);
  if (spec.tsoffset !== undefined) opts.push([14, u64(le, spec.tsoffset)]);
  const fixed = Buffer.concat([u16(le, spec.linkType), u16(le, 0), u32(le, spec.snaplen ?? 262144)]);
  return block(le, 1, Buffer.concat([fixed, options(le, opts)]));
}

/** A packet block's timestamp: two 32-bit words, high first, each in the section's byte order. */
function timestamp(le: boolean, ticks: bigint): Buffer {
  return Buffer.concat([u32(le, Number(ticks >> 32n)), u32(le, Number(ticks & 0xffffffffn))]);
}

export function enhancedPacket(le: boolean, iface: number, ticks: bigint, data: Uint8Array, wirelen = data.length): Buffer {
  const head = Buffer.concat([u32(le, iface), timestamp(le, ticks), u32(le, data.length), u32(le, wirelen)]);
  return block(le, 6, Buffer.concat([head, data, options(le, [[1, Buffer.from("a comment")]])]));
}

export function simplePacket(le: boolean, data: Uint8Array, wirelen = data.length): Buffer {
  return block(le, 3, Buffer.concat([u32(le, wirelen), data]));
}

/** The obsolete Packet Block (type 2): a 16-bit interface id and a 16-bit drops count. */
export function obsoletePacket(le: boolean, iface: number, ticks: bigint, data: Uint8Array): Buffer {
  const head = Buffer.concat([
    u16(le, iface),
    u16(le, 0),
    timestamp(le, ticks),
    u32(le, data.length),
    u32(le, data.length),
  ]);
  return block(le, 2, Buffer.concat([head, data]));
}
