// Builds BOOTP/DHCP messages for the DHCP tests, laid out as RFC 2131 Figure 1 (the fixed header,
// the magic cookie of RFC 2132 §2) and RFC 2132 §2 (options: code, length, value; PAD and END alone).
import { be16, ipv4Bytes, macBytes } from "../fixtures/frames.ts";

export interface BootpFields {
  op?: number;
  htype?: number;
  hlen?: number;
  hops?: number;
  xid?: number;
  secs?: number;
  flags?: number;
  ciaddr?: string;
  yiaddr?: string;
  siaddr?: string;
  giaddr?: string;
  /** A MAC address ("02:00:00:00:00:01"), or up to 16 raw bytes. */
  chaddr?: string | number[];
  sname?: string | number[];
  file?: string | number[];
  cookie?: number;
}

/** DHCP message types (RFC 2132 §9.6). */
export const DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;

export const PAD = [0];
export const END = [255];

type Value = number | number[] | string | Uint8Array;

function bytesOf(v: Value): number[] {
  if (typeof v === "number") return [v];
  if (typeof v === "string") return [...Buffer.from(v, "latin1")];
  return [...v];
}

/** One option: its code, the length of the value, the value (numbers are single bytes). */
export function opt(code: number, ...value: Value[]): number[] {
  const bytes = value.flatMap(bytesOf);
  return [code, bytes.length, ...bytes];
}

export const be32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const ip = (a: string): number[] => [...ipv4Bytes(a)];

function field(value: string | number[] | undefined, size: number): number[] {
  const bytes = value === undefined ? [] : typeof value === "string" ? [...Buffer.from(value, "latin1")] : value;
  return [...bytes, ...new Array(size - bytes.length).fill(0)];
}

/** A BOOTP message: the fixed header, the cookie, then `options` exactly as given (END is not added). */
export function bootp(f: BootpFields, options: number[] = []): Uint8Array {
  const chaddr = typeof f.chaddr === "string" ? [...macBytes(f.chaddr)] : f.chaddr;
  return Uint8Array.from([
    f.op ?? 1, f.htype ?? 1, f.hlen ?? 6, f.hops ?? 0,
    ...be32(f.xid ?? 0x12345678),
    ...be16(f.secs ?? 0),
    ...be16(f.flags ?? 0),
    ...ip(f.ciaddr ?? "0.0.0.0"),
    ...ip(f.yiaddr ?? "0.0.0.0"),
    ...ip(f.siaddr ?? "0.0.0.0"),
    ...ip(f.giaddr ?? "0.0.0.0"),
    ...field(chaddr, 16),
    ...field(f.sname, 64),
    ...field(f.file, 128),
    ...be32(f.cookie ?? 0x63825363),
    ...options,
  ]);
}

/** A DHCP message of `type`: option 53 first, then `options`, then END (the way clients and servers send them). */
export function dhcp(type: number, f: BootpFields, ...options: number[][]): Uint8Array {
  return bootp({ op: type === OFFER || type === ACK || type === NAK ? 2 : 1, ...f }, [...opt(53, type), ...options.flat(), ...END]);
}
