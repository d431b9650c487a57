// Builds NetBIOS messages byte by byte as RFC 1002 lays them out (and the SMB mailslot write and
// browser announcement of MS-MAIL/MS-BRWS), for the parser, session and fuzz tests.
import { be16, concatBytes, ipv4Bytes } from "../fixtures/frames.ts";

/** RFC 1001 14.1: each half-byte of the 16-byte name as 'A' + value; then the scope labels. */
export function encodeName(name: string, suffix: number, scope = "", pad = 0x20): Buffer {
  const raw = Buffer.alloc(16, pad);
  raw.write(name, "latin1");
  raw[15] = suffix;
  const letters = [...raw].flatMap((b) => [0x41 + (b >> 4), 0x41 + (b & 0xf)]);
  const labels = scope === "" ? [] : scope.split(".").flatMap((l) => [l.length, ...Buffer.from(l, "latin1")]);
  return concatBytes([32, ...letters], labels, [0]);
}

export interface NsHeader {
  id: number;
  response?: boolean;
  opcode?: number;
  /** NM_FLAGS bits as letters: A (AA), T (TC), D (RD), R (RA), B (broadcast). */
  nm?: string;
  rcode?: number;
  qd?: number;
  an?: number;
  ns?: number;
  ar?: number;
}

export function nsHeader(h: NsHeader): Buffer {
  const nm = h.nm ?? "";
  const flags = (h.response ? 0x8000 : 0) | ((h.opcode ?? 0) << 11) | (nm.includes("A") ? 0x400 : 0) | (nm.includes("T") ? 0x200 : 0) |
    (nm.includes("D") ? 0x100 : 0) | (nm.includes("R") ? 0x80 : 0) | (nm.includes("B") ? 0x10 : 0) | (h.rcode ?? 0);
  return concatBytes(be16(h.id), be16(flags), be16(h.qd ?? 0), be16(h.an ?? 0), be16(h.ns ?? 0), be16(h.ar ?? 0));
}

export function question(name: Buffer, type = 0x20): Buffer {
  return concatBytes(name, be16(type), be16(1));
}

export function record(name: Buffer | number[], type: number, ttl: number, rdata: Buffer): Buffer {
  return concatBytes(name, be16(type), be16(1), [ttl >>> 24, (ttl >> 16) & 0xff, (ttl >> 8) & 0xff, ttl & 0xff], be16(rdata.length), rdata);
}

/** NB RDATA entries: G flag, owner node type (0 B .. 3 H), address. */
export function nbEntries(entries: { group?: boolean; ont?: number; addr: string }[]): Buffer {
  return concatBytes(...entries.map((e) => concatBytes(be16((e.group ? 0x8000 : 0) | ((e.ont ?? 0) << 13)), ipv4Bytes(e.addr))));
}

/** NBSTAT RDATA: the name table, then the unit id and the rest of the statistics (zeros). */
export function nodeStatusRdata(names: { name: string; suffix: number; flags: number }[], unitId: number[]): Buffer {
  const table = names.map((n) => {
    const raw = Buffer.alloc(16, 0x20);
    raw.write(n.name, "latin1");
    raw[15] = n.suffix;
    return concatBytes(raw, be16(n.flags));
  });
  return concatBytes([names.length], ...table, unitId, Buffer.alloc(40));
}

export interface DgmSpec {
  type: number;
  id: number;
  /** Flag byte: M 0x01, F 0x02, node type << 2. */
  flags?: number;
  srcIp: string;
  srcPort?: number;
  src?: Buffer;
  dst?: Buffer;
  userData?: Buffer;
  errorCode?: number;
  /** Overrides the length field. */
  dgmLength?: number;
}

export function datagram(d: DgmSpec): Buffer {
  const head = concatBytes([d.type, d.flags ?? 0x02], be16(d.id), ipv4Bytes(d.srcIp), be16(d.srcPort ?? 138));
  if (d.type === 0x13) return concatBytes(head, [d.errorCode ?? 0x82]);
  if (d.type >= 0x14) return concatBytes(head, d.dst!);
  const body = concatBytes(d.src!, d.dst!, d.userData ?? Buffer.alloc(0));
  return concatBytes(head, be16(d.dgmLength ?? body.length), be16(0), body);
}

export interface AnnouncementSpec {
  command: number;
  serverName: string;
  osMajor: number;
  osMinor: number;
  serverType: number;
  comment: string;
  periodicityMs?: number;
}

/** MS-BRWS host/domain/local master announcement. */
export function announcement(a: AnnouncementSpec): Buffer {
  const name = Buffer.alloc(16, 0);
  name.write(a.serverName, "latin1");
  const p = a.periodicityMs ?? 720000;
  const t = a.serverType >>> 0;
  return concatBytes([a.command, 1], [p & 0xff, (p >> 8) & 0xff, (p >> 16) & 0xff, p >>> 24], name, [a.osMajor, a.osMinor],
    [t & 0xff, (t >> 8) & 0xff, (t >> 16) & 0xff, t >>> 24], [15, 1], [0x55, 0xaa], Buffer.from(a.comment + "\0", "latin1"));
}

const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];

/** An SMB1 Transaction request writing `data` to `mailslot` (MS-MAIL 2.2.1): 17 words, 3 setup words. */
export function mailslotWrite(mailslot: string, data: Buffer): Buffer {
  const header = concatBytes([0xff, 0x53, 0x4d, 0x42, 0x25], Buffer.alloc(27));
  const name = Buffer.from(mailslot + "\0", "latin1");
  const wordCount = 17;
  const dataOffset = 32 + 1 + wordCount * 2 + 2 + name.length;
  const words = concatBytes(le16(0), le16(data.length), le16(0), le16(0), [0, 0], le16(0), [0, 0, 0, 0], le16(0),
    le16(0), le16(0), le16(data.length), le16(dataOffset), [3, 0], le16(1), le16(1), le16(2));
  return concatBytes(header, [wordCount], words, le16(name.length + data.length), name, data);
}

/** A session-service message: type, flags (length extension bit), length, payload. */
export function sessionMessage(type: number, payload: Buffer | number[]): Buffer {
  const body = payload instanceof Buffer ? payload : Buffer.from(payload);
  return concatBytes([type, (body.length >> 16) & 1], be16(body.length & 0xffff), body);
}
