// Builds DNS messages byte by byte for the DNS tests (RFC 1035 §4.1 layout).

export type Bytes = number[];

export interface HeaderSpec {
  id?: number;
  qr?: boolean;
  opcode?: number;
  aa?: boolean;
  tc?: boolean;
  rd?: boolean;
  ra?: boolean;
  z?: number;
  rcode?: number;
  qd?: number;
  an?: number;
  ns?: number;
  ar?: number;
}

export const u16 = (v: number): Bytes => [(v >> 8) & 0xff, v & 0xff];
export const u32 = (v: number): Bytes => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
export const ascii = (s: string): Bytes => [...s].map((c) => c.charCodeAt(0));

export function header(h: HeaderSpec = {}): Bytes {
  const flags =
    (h.qr ? 0x8000 : 0) |
    ((h.opcode ?? 0) << 11) |
    (h.aa ? 0x0400 : 0) |
    (h.tc ? 0x0200 : 0) |
    (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) |
    ((h.z ?? 0) << 4) |
    (h.rcode ?? 0);
  return [...u16(h.id ?? 0x1234), ...u16(flags), ...u16(h.qd ?? 0), ...u16(h.an ?? 0), ...u16(h.ns ?? 0), ...u16(h.ar ?? 0)];
}

/** Uncompressed name: "www.example.com" → 3www7example3com0; "" is the root. */
export function name(n: string): Bytes {
  const out: Bytes = [];
  for (const label of n.split(".").filter((l) => l !== "")) out.push(label.length, ...ascii(label));
  out.push(0);
  return out;
}

/** A compression pointer to `offset`. */
export const pointer = (offset: number): Bytes => [0xc0 | (offset >> 8), offset & 0xff];

export function question(qname: Bytes, qtype = 1, qclass = 1): Bytes {
  return [...qname, ...u16(qtype), ...u16(qclass)];
}

/** A resource record; `rdlength` defaults to the RDATA's length. */
export function rr(owner: Bytes, type: number, rdata: Bytes, opts: { class?: number; ttl?: number; rdlength?: number } = {}): Bytes {
  return [...owner, ...u16(type), ...u16(opts.class ?? 1), ...u32(opts.ttl ?? 300), ...u16(opts.rdlength ?? rdata.length), ...rdata];
}

/** <character-string>s: a length byte, then the bytes. */
export function strings(...ss: string[]): Bytes {
  return ss.flatMap((s) => [s.length, ...ascii(s)]);
}

export function message(...parts: Bytes[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/** Offset of the question name in a message built as header + question: 12. */
export const FIRST_NAME_OFFSET = 12;
