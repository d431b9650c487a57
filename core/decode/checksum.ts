// The Internet checksum (RFC 1071) over IP headers and transport segments. The connection code asks
// `transportChecksumOk` (Zeek marks history C/c and skips the packet on a bad one); the decoder checks
// the IPv4 header checksum itself.
import type { Packet } from "../packet.ts";

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;

/** Sum of the big-endian 16-bit words of b[off, off+len), an odd last byte padded with zero. */
export function onesComplementSum(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  let i = off;
  if (len >= LONG_SUM) {
    // Four bytes a read: both 16-bit halves of each big-endian word are added. The sum stays exact
    // far beyond any packet (2^53 / 2^17 words).
    const view = viewOf(b);
    const base = b.byteOffset;
    for (const end4 = off + (len & ~3); i < end4; i += 4) {
      const w = view.getUint32(base + i);
      sum += (w >>> 16) + (w & 0xffff);
    }
  }
  for (const end2 = off + (len & ~1); i < end2; i += 2) sum += (b[i] << 8) | b[i + 1];
  if (len & 1) sum += b[i] << 8;
  return sum;
}

/** Lengths from which the word-at-a-time sum pays for finding its view. */
const LONG_SUM = 64;
let viewed: ArrayBufferLike | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** A DataView over all of b's buffer: packets come from a few large buffers, so it is made rarely. */
function viewOf(b: Uint8Array): DataView<ArrayBufferLike> {
  if (b.buffer !== viewed) {
    viewed = b.buffer;
    view = new DataView(b.buffer);
  }
  return view;
}

/** Folds a sum of 16-bit words to 16 bits, end-around carry included. */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/** True when the IPv4 header at ip[off, off+hdrLen) carries a correct header checksum. */
export function ipv4HeaderChecksumOk(ip: Uint8Array, off: number, hdrLen: number): boolean {
  return foldSum(onesComplementSum(ip, off, hdrLen)) === 0xffff;
}

/**
 * Verifies the TCP/UDP/ICMP/ICMPv6 checksum of the transport segment in pkt, pseudo-header included
 * where RFC 793/768/4443 (and RFC 8200 §8.1 for IPv6) put one. A zero UDP checksum over IPv4 means
 * "none" and passes; over IPv6 it is verified like any other, as Zeek does. A segment that was not
 * captured whole passes: Zeek does not verify what it cannot see.
 */
export function transportChecksumOk(pkt: Packet): boolean {
  const proto = pkt.proto;
  if (proto !== PROTO_TCP && proto !== PROTO_UDP && proto !== PROTO_ICMP && proto !== PROTO_ICMPV6) return true;
  const len = pkt.l4Len;
  if (pkt.l4CapLen < len) return true;
  const ip = pkt.ip;
  if (proto === PROTO_UDP && pkt.ipVersion === 4 && len >= 8 && (ip[pkt.l4Off + 6] | ip[pkt.l4Off + 7]) === 0) {
    return true;
  }
  let sum = onesComplementSum(ip, pkt.l4Off, len);
  // ICMP (for IPv4) is the one protocol here without a pseudo-header.
  if (proto !== PROTO_ICMP) {
    const addrLen = pkt.ipVersion === 4 ? 4 : 16;
    sum += onesComplementSum(ip, pkt.srcOff, addrLen) + onesComplementSum(ip, pkt.dstOff, addrLen);
    // Protocol and length; IPv6 writes them as 32-bit fields, which sum to the same words.
    sum += proto + (len % 0x10000) + Math.floor(len / 0x10000);
  }
  return foldSum(sum) === 0xffff;
}
