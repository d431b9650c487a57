// Pulls DNS messages out of the corpus traces for the DNS tests: classic pcap, Ethernet / null /
// raw-IP / Linux SLL links, IPv4 and IPv6, UDP payloads as they are and TCP streams split on
// their 2-byte length prefixes (RFC 1035 §4.2.2). Deliberately small: no IP reassembly, no
// checksum checks; a test-local stand-in until core's capture reader and decoder exist.
import { readFileSync } from "node:fs";

export interface TraceMessage {
  /** Index of the packet in the trace (TCP: of the segment that started the message). */
  packet: number;
  proto: "udp" | "tcp";
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Uint8Array;
}

export function readDnsMessages(path: string): TraceMessage[] {
  const file = readFileSync(path);
  const magic = file.readUInt32LE(0);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${path}: not a classic pcap`);
  }
  const u32 = (at: number) => (little ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const linkType = u32(20) & 0xffff;
  const messages: TraceMessage[] = [];
  const streams = new Map<string, { first: number; segments: Map<number, Uint8Array>; meta: Omit<TraceMessage, "payload" | "packet"> }>();

  let at = 24;
  for (let packet = 0; at + 16 <= file.length; packet++) {
    const caplen = u32(at + 8);
    const frame = new Uint8Array(file.buffer, file.byteOffset + at + 16, Math.min(caplen, file.length - at - 16));
    at += 16 + caplen;
    const seg = transportOf(frame, linkType);
    if (seg === null) continue;
    if (seg.proto === "udp") {
      messages.push({ packet, ...seg.meta, payload: seg.payload });
    } else if (seg.payload.length > 0) {
      const key = `${seg.meta.src}|${seg.meta.sport}|${seg.meta.dst}|${seg.meta.dport}`;
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { first: packet, segments: new Map(), meta: seg.meta }));
      if (!s.segments.has(seg.seq)) s.segments.set(seg.seq, seg.payload);
    }
  }

  for (const s of streams.values()) {
    const ordered = [...s.segments.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
    const stream = Buffer.concat(ordered);
    for (let p = 0; p + 2 <= stream.length; ) {
      const len = stream.readUInt16BE(p);
      messages.push({ packet: s.first, ...s.meta, payload: stream.subarray(p + 2, Math.min(stream.length, p + 2 + len)) });
      p += 2 + len;
    }
  }
  return messages;
}

interface Segment {
  proto: "udp" | "tcp";
  seq: number;
  meta: Omit<TraceMessage, "payload" | "packet">;
  payload: Uint8Array;
}

function transportOf(f: Uint8Array, linkType: number): Segment | null {
  const v = new DataView(f.buffer, f.byteOffset, f.byteLength);
  let off: number;
  switch (linkType) {
    case 0: // BSD loopback: 4-byte family
      off = 4;
      break;
    case 1: {
      off = 14;
      let type = v.getUint16(12);
      while (type === 0x8100 || type === 0x88a8) {
        type = v.getUint16(off + 2);
        off += 4;
      }
      if (type !== 0x0800 && type !== 0x86dd) return null;
      break;
    }
    case 113: // Linux cooked
      off = 16;
      break;
    case 101:
    case 228:
    case 229:
      off = 0;
      break;
    default:
      return null;
  }
  if (off >= f.length) return null;
  const version = f[off] >> 4;
  let proto: number;
  let l4: number;
  let end: number;
  let src: string;
  let dst: string;
  if (version === 4) {
    const ihl = (f[off] & 0xf) * 4;
    if ((v.getUint16(off + 6) & 0x3fff) !== 0) return null; // fragment
    proto = f[off + 9];
    l4 = off + ihl;
    end = Math.min(f.length, off + v.getUint16(off + 2));
    src = [...f.subarray(off + 12, off + 16)].join(".");
    dst = [...f.subarray(off + 16, off + 20)].join(".");
  } else if (version === 6) {
    proto = f[off + 6];
    l4 = off + 40;
    end = Math.min(f.length, off + 40 + v.getUint16(off + 4));
    src = hex16(f, off + 8);
    dst = hex16(f, off + 24);
    while (proto === 0 || proto === 43 || proto === 60) {
      proto = f[l4];
      l4 += (f[l4 + 1] + 1) * 8;
    }
  } else {
    return null;
  }
  if (proto === 17) {
    const meta = { proto: "udp" as const, src, dst, sport: v.getUint16(l4), dport: v.getUint16(l4 + 2) };
    const udpEnd = Math.min(end, l4 + v.getUint16(l4 + 4));
    return { proto: "udp", seq: 0, meta, payload: f.slice(l4 + 8, udpEnd) };
  }
  if (proto === 6) {
    const meta = { proto: "tcp" as const, src, dst, sport: v.getUint16(l4), dport: v.getUint16(l4 + 2) };
    const dataOff = (f[l4 + 12] >> 4) * 4;
    return { proto: "tcp", seq: v.getUint32(l4 + 4), meta, payload: f.slice(l4 + dataOff, end) };
  }
  return null;
}

function hex16(f: Uint8Array, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((f[at + i] << 8) | f[at + i + 1]).toString(16));
  return groups.join(":");
}
