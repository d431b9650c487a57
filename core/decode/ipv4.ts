// The IPv4 header (RFC 791): fills the network-layer fields of a Packet. Lengths are checked by the
// decoder, the same way for both IP versions.
import type { Packet } from "../packet.ts";
import type { FragmentFields } from "./fragment-fields.ts";

const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const OFFSET_MASK = 0x1fff;

/** Reads the IPv4 header at pkt.ip[pkt.ipOff]; the caller made sure 20 bytes are there. */
export function decodeIpv4Header(pkt: Packet, frag: FragmentFields): void {
  const b = pkt.ip;
  const o = pkt.ipOff;
  pkt.ipVersion = 4;
  pkt.ipHdrLen = (b[o] & 0x0f) * 4;
  pkt.ipLen = (b[o + 2] << 8) | b[o + 3];
  pkt.ttl = b[o + 8];
  pkt.proto = b[o + 9];
  pkt.srcOff = o + 12;
  pkt.dstOff = o + 16;
  const flagsOffset = (b[o + 6] << 8) | b[o + 7];
  frag.isFragment = (flagsOffset & (FLAG_MF | OFFSET_MASK)) !== 0;
  frag.offset = (flagsOffset & OFFSET_MASK) * 8;
  frag.more = (flagsOffset & FLAG_MF) !== 0;
  frag.dontFragment = (flagsOffset & FLAG_DF) !== 0;
  frag.id = (b[o + 4] << 8) | b[o + 5];
}
