// The GRE header (RFC 2784 with RFC 2890's key and sequence number; RFC 2637's enhanced GRE of
// PPTP, version 1, carrying PPP), read the way Zeek's GRE analyzer reads it: what follows the header
// and in which framing (raw IP, Ethernet for transparent bridging and ERSPAN I/II/III, 802.11 for
// Aruba's access points), or the weird that ends the packet.
import { LinkType } from "../../core/packet.ts";
import { IPPROTO_IPV4, IPPROTO_IPV6 } from "./inner-ip.ts";

const FLAG_CHECKSUM = 0x8000;
const FLAG_ROUTING = 0x4000;
const FLAG_KEY = 0x2000;
const FLAG_SEQUENCE = 0x1000;
/** PPTP's acknowledgment number (RFC 2637 4.1). */
const FLAG_ACK = 0x0080;
const FLAGS_RESERVED = 0x0078;

const PROTO_TRANSPARENT_ETHERNET = 0x6558;
const PROTO_ERSPAN_I_II = 0x88be;
const PROTO_ERSPAN_III = 0x22eb;
const PROTO_PPP = 0x880b;
const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;

const ETHERNET_HEADER = 14;
const ERSPAN_II_HEADER = 8;
const ERSPAN_III_HEADER = 12;
const ERSPAN_III_SUBHEADER = 8;
/** PPTP's PPP address, control and protocol fields. */
const PPP_HEADER = 4;

export interface GrePayload {
  version: 0 | 1;
  /** How the payload is framed: LinkType.RAW (IP), EN10MB or IEEE802_11. */
  linkType: number;
  /** Version 1: the IP protocol of the PPP payload (4 or 41); version 0: the GRE protocol type. */
  proto: number;
  offset: number;
  length: number;
}

export type GreResult = GrePayload | { weird: string; addl?: string };

/** Bytes of the GRE header with these flags (the routing field is not supported, as in Zeek). */
function headerLength(flags: number): number {
  let len = 4;
  if (flags & FLAG_CHECKSUM) len += 4;
  if (flags & FLAG_KEY) len += 4;
  if (flags & FLAG_SEQUENCE) len += 4;
  if (flags & FLAG_ACK) len += 4;
  return len;
}

/** Reads the GRE packet of `len` bytes at data[off]. */
export function parseGre(data: Uint8Array, off: number, len: number): GreResult {
  if (len < 4) return { weird: "truncated_GRE" };
  const flags = (data[off] << 8) | data[off + 1];
  const protoType = (data[off + 2] << 8) | data[off + 3];
  const version = flags & 0x7;
  const greLen = headerLength(flags);
  if (version !== 0 && version !== 1) return { weird: "unknown_gre_version", addl: `version=${version}` };

  let linkType: number = LinkType.RAW;
  let ethLen = 0;
  let erspanLen = 0;
  if (version === 0) {
    if (protoType === PROTO_TRANSPARENT_ETHERNET) {
      if (len <= greLen + ETHERNET_HEADER) return { weird: "truncated_GRE" };
      ethLen = ETHERNET_HEADER;
      linkType = LinkType.EN10MB;
    } else if (protoType === PROTO_ERSPAN_I_II) {
      if (len <= greLen + ETHERNET_HEADER) return { weird: "truncated_GRE" };
      ethLen = ETHERNET_HEADER;
      linkType = LinkType.EN10MB;
      // Type II has a sequence number in GRE and its own 8-byte header; type I has neither.
      if (flags & FLAG_SEQUENCE) {
        erspanLen = ERSPAN_II_HEADER;
        if (len < greLen + ethLen + erspanLen) return { weird: "truncated_GRE" };
      }
    } else if (protoType === PROTO_ERSPAN_III) {
      if (len <= greLen + ETHERNET_HEADER + ERSPAN_III_HEADER) return { weird: "truncated_GRE" };
      erspanLen = ERSPAN_III_HEADER;
      ethLen = ETHERNET_HEADER;
      linkType = LinkType.EN10MB;
      // The O bit, last of the header: a platform-specific subheader follows.
      if (data[off + greLen + ERSPAN_III_HEADER - 1] & 0x01) {
        if (len <= greLen + erspanLen + ERSPAN_III_SUBHEADER + ethLen) return { weird: "truncated_GRE" };
        erspanLen += ERSPAN_III_SUBHEADER;
      }
    } else if (isAruba(protoType)) {
      if (len <= greLen) return { weird: "truncated_GRE" };
      linkType = LinkType.IEEE802_11;
    }
  } else if (protoType !== PROTO_PPP) {
    return { weird: "egre_protocol_type", addl: `proto=${protoType}` };
  }
  if (flags & FLAG_ROUTING) return { weird: "gre_routing" };
  if (flags & FLAGS_RESERVED) return { weird: "unknown_gre_flags" };
  const pptpLen = version === 1 ? PPP_HEADER : 0;
  if (len < greLen + pptpLen + ethLen + erspanLen) return { weird: "truncated_GRE" };

  let proto = protoType;
  if (version === 1) {
    const p = off + greLen + 2;
    const pppProto = (data[p] << 8) | data[p + 1];
    if (pppProto !== PPP_IPV4 && pppProto !== PPP_IPV6) return { weird: "non_ip_packet_in_encap" };
    proto = pppProto === PPP_IPV4 ? IPPROTO_IPV4 : IPPROTO_IPV6;
  }
  const skip = greLen + pptpLen + erspanLen;
  return { version, linkType, proto, offset: off + skip, length: len - skip };
}

/** Aruba's access points tunnel 802.11 frames in GRE with protocol types 0x8200-0x8370 and 0x9000. */
function isAruba(t: number): boolean {
  return ((t & 0x8200) === 0x8200 && (t & 0x0f) === 0) || ((t & 0x8300) === 0x8300 && (t & 0x0f) === 0 && t <= 0x8370) || t === 0x9000;
}
