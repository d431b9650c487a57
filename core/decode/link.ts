// The first header of a frame, chosen by its DLT (link type): Ethernet, 802.11, the serial links
// (PPP, Cisco HDLC), Linux cooked captures, BSD loopback, raw IP. Returns the offset of the IP header
// in the frame buffer, or NOT_IP / MALFORMED / UNKNOWN_LINK.
import { LinkType, type Packet } from "../packet.ts";
import { decodeEthernet, decodeEthertype, decodeLlc, decodePppoeSession, decodePppProtocol } from "./ethernet.ts";
import { decodeIeee80211, decodeRadiotap } from "./ieee802-11.ts";
import { NOT_IP, UNKNOWN_LINK, type LinkState } from "./link-state.ts";

/** DLT_FDDI; Zeek decodes it (the corpus's llc.pcap is FDDI). */
const DLT_FDDI = 10;
/** DLT_RAW as some BSDs number it in their own captures. */
const DLT_RAW_BSD = 12;
const DLT_RAW_OPENBSD = 14;

// Address families BSD loopback headers use for IP: AF_INET, then AF_INET6 on NetBSD/OpenBSD,
// FreeBSD and Darwin.
const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

/** Cisco HDLC's address byte (unicast, broadcast); also how DLT 50 tells Cisco framing from PPP. */
const CHDLC_UNICAST = 0x0f;
const CHDLC_BROADCAST = 0x8f;

export function decodeLink(ls: LinkState, pkt: Packet): number {
  const off = pkt.frameOff;
  switch (pkt.linkType) {
    case LinkType.EN10MB:
      return decodeEthernet(ls, pkt, off);
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
    case DLT_RAW_BSD:
    case DLT_RAW_OPENBSD:
      return off;
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeLoopback(ls, pkt, off);
    case LinkType.LINUX_SLL:
      return decodeLinuxSll(ls, pkt, off);
    case LinkType.LINUX_SLL2:
      return decodeLinuxSll2(ls, pkt, off);
    case LinkType.PPP:
      return decodePpp(ls, pkt, off);
    case LinkType.PPP_SERIAL:
      return pkt.frame[off] === CHDLC_UNICAST || pkt.frame[off] === CHDLC_BROADCAST
        ? decodeCiscoHdlc(ls, pkt, off)
        : decodePpp(ls, pkt, off);
    case LinkType.PPP_ETHER:
      return decodePppoeSession(ls, pkt, off);
    case LinkType.C_HDLC:
      return decodeCiscoHdlc(ls, pkt, off);
    case LinkType.IEEE802_11:
      return decodeIeee80211(ls, pkt, off);
    case LinkType.IEEE802_11_RADIO:
      return decodeRadiotap(ls, pkt, off);
    case DLT_FDDI:
      return decodeFddi(ls, pkt, off);
    default:
      return UNKNOWN_LINK;
  }
}

/** BSD loopback: a 4-byte address family, in the capturing host's byte order (DLT 0) or network order (DLT 108). */
function decodeLoopback(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 4) return ls.fail("null_analyzer_failed");
  // Families are small numbers, so whichever end holds the non-zero byte tells the byte order.
  let family = -1;
  if ((b[off + 1] | b[off + 2] | b[off + 3]) === 0) family = b[off];
  else if ((b[off] | b[off + 1] | b[off + 2]) === 0) family = b[off + 3];
  switch (family) {
    case AF_INET:
    case AF_INET6_BSD:
    case AF_INET6_FREEBSD:
    case AF_INET6_DARWIN:
      return off + 4;
    default:
      return NOT_IP;
  }
}

/** Linux cooked capture v1: 16 bytes, the sender's address at 6, the ethertype at 14. */
function decodeLinuxSll(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 16) return ls.fail("truncated_Linux_SLL_header");
  pkt.l2SrcOff = off + 6;
  return decodeEthertype(ls, pkt, (b[off + 14] << 8) | b[off + 15], off + 16, false);
}

/** Linux cooked capture v2: 20 bytes, the ethertype first, the sender's address at 12. */
function decodeLinuxSll2(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 20) return ls.fail("truncated_Linux_SLL2_header");
  pkt.l2SrcOff = off + 12;
  return decodeEthertype(ls, pkt, (b[off] << 8) | b[off + 1], off + 20, false);
}

/**
 * PPP (RFC 1661), with or without the HDLC-like address/control bytes 0xFF 0x03 (RFC 1662), and with
 * a 1-byte protocol field when the peers negotiated protocol-field compression (odd first byte).
 */
function decodePpp(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 2) return ls.fail("truncated_ppp_header");
  if (b[off] === 0xff && b[off + 1] === 0x03) {
    if (ls.end - off <= 4) return ls.fail("truncated_ppp_hdlc_header");
    off += 2;
  }
  if (b[off] & 0x01) return decodePppProtocol(ls, pkt, b[off], off + 1);
  return decodePppProtocol(ls, pkt, (b[off] << 8) | b[off + 1], off + 2);
}

/** Cisco HDLC: address, control, then an ethertype. */
function decodeCiscoHdlc(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 4) return ls.fail("truncated_link_header");
  return decodeEthertype(ls, pkt, (b[off + 2] << 8) | b[off + 3], off + 4, false);
}

/**
 * FDDI: frame control and two addresses (13 bytes), then 802.2 LLC. Zeek reports no MAC addresses
 * for FDDI (its baseline for llc.pcap has none), so neither do we.
 */
function decodeFddi(ls: LinkState, pkt: Packet, off: number): number {
  if (ls.end - off <= 13 + 8) return ls.fail("FDDI_analyzer_failed");
  return decodeLlc(ls, pkt, off + 13);
}
