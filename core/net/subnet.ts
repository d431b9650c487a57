// Subnets (Zeek's `subnet` type) and sets of them, with membership tests cheap enough for the
// per-packet path: an address is compared in place, as 32-bit words under a mask, never converted
// to text or copied.
import { formatAddr, parseAddr } from "./address.ts";

/** Big-endian 32-bit word at buf[off], as a signed int (masks are kept in the same form). */
function word(buf: Uint8Array, off: number): number {
  return (buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3];
}

/** Mask of the word that holds bits [32 * index, 32 * index + 32) of a prefix of `prefixLen`. */
function wordMask(prefixLen: number, index: number): number {
  const bits = Math.min(Math.max(prefixLen - 32 * index, 0), 32);
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) | 0;
}

export class Subnet {
  readonly version: 4 | 6;
  // Four words and masks as plain fields (an IPv4 subnet uses the first), so `contains` reads
  // fields of one object shape and allocates nothing.
  private readonly w0: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly w3: number;
  private readonly m0: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly m3: number;

  /** `addr` holds 4 or 16 bytes; bits beyond the prefix are cleared, as Zeek does. */
  constructor(addr: Uint8Array, readonly prefixLen: number) {
    if (addr.length !== 4 && addr.length !== 16) throw new Error(`an address has 4 or 16 bytes, not ${addr.length}`);
    const maxLen = addr.length * 8;
    if (!Number.isInteger(prefixLen) || prefixLen < 0 || prefixLen > maxLen) {
      throw new Error(`prefix length ${prefixLen} out of range 0..${maxLen}`);
    }
    this.version = addr.length === 4 ? 4 : 6;
    const w = (i: number): number => (i * 4 < addr.length ? word(addr, i * 4) : 0);
    this.m0 = wordMask(prefixLen, 0);
    this.m1 = wordMask(prefixLen, 1);
    this.m2 = wordMask(prefixLen, 2);
    this.m3 = wordMask(prefixLen, 3);
    this.w0 = w(0) & this.m0;
    this.w1 = w(1) & this.m1;
    this.w2 = w(2) & this.m2;
    this.w3 = w(3) & this.m3;
  }

  /**
   * Parses "10.0.0.0/8", "fe80::/10" or Zeek's bracketed "[fe80::]/10". The prefix length is
   * required; host bits are cleared ("10.1.2.3/8" is 10.0.0.0/8), as in Zeek.
   */
  static parse(text: string): Subnet {
    const slash = text.lastIndexOf("/");
    if (slash < 0) throw new Error(`not a subnet: "${text}" (missing /prefix-length)`);
    let addrText = text.slice(0, slash);
    if (addrText.startsWith("[") && addrText.endsWith("]")) addrText = addrText.slice(1, -1);
    const lenText = text.slice(slash + 1);
    if (!/^[0-9]{1,3}$/.test(lenText)) throw new Error(`not a subnet: "${text}" (bad prefix length)`);
    let addr: Uint8Array;
    try {
      addr = parseAddr(addrText);
    } catch {
      throw new Error(`not a subnet: "${text}" (bad address)`);
    }
    const len = Number(lenText);
    if (len > addr.length * 8) throw new Error(`not a subnet: "${text}" (prefix longer than ${addr.length * 8})`);
    return new Subnet(addr, len);
  }

  /** Whether the `version` address at buf[off] lies in this subnet; other versions (and 0, no IP) never do. */
  contains(buf: Uint8Array, off: number, version: number): boolean {
    if (version !== this.version) return false;
    if ((word(buf, off) & this.m0) !== this.w0) return false;
    // Words past the prefix have a zero mask and need not be read.
    return (
      this.m1 === 0 ||
      ((word(buf, off + 4) & this.m1) === this.w1 &&
        (this.m2 === 0 ||
          ((word(buf, off + 8) & this.m2) === this.w2 && (this.m3 === 0 || (word(buf, off + 12) & this.m3) === this.w3))))
    );
  }

  /** Whether addresses whose first byte is `b` can lie in this subnet (its prefix allows that byte). */
  allowsFirstByte(b: number): boolean {
    return (((b << 24) ^ this.w0) & this.m0 & 0xff000000) === 0;
  }

  /** The network address (host bits cleared): 4 or 16 bytes. */
  network(): Uint8Array {
    const out = new Uint8Array(this.version === 4 ? 4 : 16);
    const words = [this.w0, this.w1, this.w2, this.w3];
    for (let i = 0; i < out.length; i++) out[i] = (words[i >> 2] >>> (24 - 8 * (i & 3))) & 0xff;
    return out;
  }

  /** Zeek's rendering: "10.0.0.0/8", "fe80::/10". */
  toString(): string {
    return `${formatAddr(this.network(), 0, this.version)}/${this.prefixLen}`;
  }
}

/**
 * A set of subnets answering "is this address in any of them" (Zeek's `addr in set[subnet]`). Each
 * member is filed under every first byte its addresses can have, so a test looks only at the few
 * members of the address's first byte, not at every member.
 */
export class SubnetSet {
  private readonly v4 = byFirstByte();
  private readonly v6 = byFirstByte();
  private count = 0;

  constructor(subnets: Iterable<Subnet> = []) {
    for (const s of subnets) this.add(s);
  }

  /** A set built from subnet texts, e.g. PRIVATE_ADDRESS_SPACE; throws on the first bad one. */
  static parse(texts: Iterable<string>): SubnetSet {
    const set = new SubnetSet();
    for (const t of texts) set.add(Subnet.parse(t));
    return set;
  }

  add(s: Subnet): void {
    const lists = s.version === 4 ? this.v4 : this.v6;
    for (let b = 0; b < 256; b++) if (s.allowsFirstByte(b)) (lists[b] ??= []).push(s);
    this.count++;
  }

  /** Whether the `version` address at buf[off] lies in any member; version 0 (no IP) never does. */
  contains(buf: Uint8Array, off: number, version: number): boolean {
    const lists = version === 4 ? this.v4 : version === 6 ? this.v6 : null;
    const list = lists?.[buf[off]];
    if (list === undefined) return false;
    for (let i = 0; i < list.length; i++) if (list[i].contains(buf, off, version)) return true;
    return false;
  }

  get size(): number {
    return this.count;
  }
}

function byFirstByte(): (Subnet[] | undefined)[] {
  return new Array<Subnet[] | undefined>(256).fill(undefined);
}

/**
 * Zeek's default `Site::private_address_space`: the IANA special-purpose blocks that are not
 * routable, each IPv4 block also as its 6to4 (2002::/16) image. Copied in order from
 * scripts/base/utils/site.zeek of zeek/zeek at a13de64fbbdb01f90961c04719b308fbbb6d199e
 * (9.1.0-dev, the commit our corpus comes from), written as Zeek prints subnets.
 */
export const PRIVATE_ADDRESS_SPACE: readonly string[] = Object.freeze([
  "0.0.0.0/8",
  "2002::/24",
  "10.0.0.0/8",
  "2002:a00::/24",
  "100.64.0.0/10",
  "2002:6440::/26",
  "127.0.0.0/8",
  "2002:7f00::/24",
  "169.254.0.0/16",
  "2002:a9fe::/32",
  "172.16.0.0/12",
  "2002:ac10::/28",
  "192.0.0.0/24",
  "2002:c000::/40",
  "192.0.2.0/24",
  "2002:c000:200::/40",
  "192.168.0.0/16",
  "2002:c0a8::/32",
  "198.18.0.0/15",
  "2002:c612::/31",
  "198.51.100.0/24",
  "2002:c633:6400::/40",
  "203.0.113.0/24",
  "2002:cb00:7100::/40",
  "224.0.0.0/24",
  "2002:e000::/40",
  "239.0.0.0/8",
  "2002:ef00::/24",
  "240.0.0.0/4",
  "2002:f000::/20",
  "255.255.255.255/32",
  "2002:ffff:ffff::/48",
  "::/128",
  "::1/128",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/23",
  "2001:2::/48",
  "2001:db8::/32",
  "fc00::/7",
  "fe80::/10",
  "fec0::/10",
]);
