// Ethernet and what an ethertype leads to before IP: 802.1Q/802.1ad tags, MPLS label stacks, PPPoE
// sessions, VN-Tag, 802.1ah PBB, Cisco FabricPath, and 802.3 frames with 802.2 LLC/SNAP. Each
// returns the offset of the IP header, NOT_IP, or MALFORMED with the weird name Zeek uses.
import type { Packet } from "../packet.ts";
import { NOT_IP, type LinkState } from "./link-state.ts";

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
const ETHERTYPE_MPLS = 0x8847;
const ETHERTYPE_MPLS_MULTICAST = 0x8848;
const ETHERTYPE_PPPOE_SESSION = 0x8864;
const ETHERTYPE_VNTAG = 0x8926;
const ETHERTYPE_PBB = 0x88e7;
const ETHERTYPE_FABRICPATH = 0x8903;
/** Type/length values up to this are 802.3 lengths; from 1536 on they are ethertypes. */
const MAX_8023_LENGTH = 1500;
const MIN_ETHERTYPE = 1536;

const PPP_IPV4 = 0x0021;
const PPP_IPV6 = 0x0057;
const PPP_MPLS = 0x0281;
const PPP_MPLS_MULTICAST = 0x0283;

/** An Ethernet frame (II or 802.3) starting at `off`. */
export function decodeEthernet(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  // Zeek wants more than the 14 header bytes before it looks at a frame at all.
  if (ls.end - off <= 16) return ls.fail("truncated_ethernet_frame");
  if (((b[off + 12] << 8) | b[off + 13]) === ETHERTYPE_FABRICPATH) {
    // FabricPath puts a whole Ethernet frame behind its 16-byte outer header.
    if (ls.end - off <= 16 + 14) return ls.fail("truncated_link_header_cfp");
    off += 16;
  }
  pkt.l2DstOff = off;
  pkt.l2SrcOff = off + 6;
  return decodeEthertype(ls, pkt, (b[off + 12] << 8) | b[off + 13], off + 14, true);
}

/**
 * The payload of type `type` at `off`. `typeOrLength` says whether a value up to 1500 is an 802.3
 * length (Ethernet and VLAN tags) or just a protocol we do not know (SLL, SNAP, 802.11, HDLC).
 */
export function decodeEthertype(ls: LinkState, pkt: Packet, type: number, off: number, typeOrLength: boolean): number {
  const b = pkt.frame;
  let tagged = false;
  for (;;) {
    if (!ls.enter()) return ls.fail("max_packet_analyzer_depth_exceeded");
    switch (type) {
      case ETHERTYPE_IPV4:
      case ETHERTYPE_IPV6:
        return off;
      case ETHERTYPE_VLAN:
      case ETHERTYPE_QINQ:
      case ETHERTYPE_QINQ_OLD:
        if (ls.end - off <= 4) return ls.fail("truncated_VLAN_header");
        addVlanTag(pkt, ((b[off] << 8) | b[off + 1]) & 0x0fff);
        type = (b[off + 2] << 8) | b[off + 3];
        off += 4;
        tagged = true;
        typeOrLength = true;
        continue;
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MULTICAST:
        return decodeMpls(ls, pkt, off);
      case ETHERTYPE_PPPOE_SESSION:
        return decodePppoeSession(ls, pkt, off);
      case ETHERTYPE_VNTAG:
        if (ls.end - off <= 6) return ls.fail("truncated_vntag_header");
        type = (b[off + 4] << 8) | b[off + 5];
        off += 6;
        continue;
      case ETHERTYPE_PBB:
        // The 4-byte I-TAG is followed by the customer's own Ethernet frame, MAC addresses and all.
        if (ls.end - off <= 18) return ls.fail("truncated_PBB_header");
        return decodeEthernet(ls, pkt, off + 4);
    }
    if (type >= MIN_ETHERTYPE || !typeOrLength) return NOT_IP;
    if (type > MAX_8023_LENGTH) return ls.fail(tagged ? "undefined_vlan_protocol" : "undefined_ether_type");
    // An 802.3 frame: the field is the length of the LLC payload, anything after it is padding.
    if (ls.end - off < 2) return ls.fail(tagged ? "truncated_VLAN_header" : "truncated_ethernet_frame");
    if (ls.end - off > type) ls.end = off + type;
    return decodeLlc(ls, pkt, off);
  }
}

/** An 802.2 LLC header at `off`; only SNAP with an Ethernet ethertype leads anywhere. */
export function decodeLlc(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  const len = ls.end - off;
  ls.llc = true;
  if (len >= 2 && b[off] === 0xaa && b[off + 1] === 0xaa) {
    if (len < 3) return ls.fail("truncated_snap_llc_header");
    const llcLen = llcHeaderLength(b[off + 2]);
    if (len < llcLen + 5) return ls.fail("truncated_snap_header");
    const oui = off + llcLen;
    // Ethertypes only mean Ethernet's protocols under OUI 00-00-00 (RFC 1042).
    if ((b[oui] | b[oui + 1] | b[oui + 2]) !== 0) return NOT_IP;
    return decodeEthertype(ls, pkt, (b[oui + 3] << 8) | b[oui + 4], oui + 5, false);
  }
  if (len >= 2 && b[off] === 0xff && b[off + 1] === 0xff) return NOT_IP; // Novell raw 802.3 (IPX)
  if (len < 3 || len < llcHeaderLength(b[off + 2])) return ls.fail("truncated_llc_header");
  return NOT_IP;
}

/** U-format PDUs (control field's low bits 11) have a 1-byte control field, I and S formats 2. */
function llcHeaderLength(control: number): number {
  return (control & 0x03) === 0x03 ? 3 : 4;
}

function addVlanTag(pkt: Packet, id: number): void {
  if (pkt.vlanDepth === 0) pkt.vlan = id;
  else if (pkt.vlanDepth === 1) pkt.innerVlan = id;
  pkt.vlanDepth++;
}

/** An MPLS label stack (RFC 3032); the payload's protocol is not encoded, the IP decoder guesses it. */
export function decodeMpls(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  pkt.mpls = true;
  for (;;) {
    if (ls.end - off <= 4) return ls.fail("truncated_link_header");
    const bottomOfStack = b[off + 2] & 0x01;
    off += 4;
    if (bottomOfStack) return off;
  }
}

/** A PPPoE session header (RFC 2516) with the PPP protocol field after it. */
export function decodePppoeSession(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 8) return ls.fail("truncated_pppoe_header");
  const payloadLength = (b[off + 4] << 8) | b[off + 5];
  const present = ls.end - off - 6;
  if (payloadLength < present) ls.notices.add("pppoe_extra_data_after_payload");
  else if (payloadLength > present) ls.notices.add("pppoe_truncated_payload");
  const end = off + 8 + (payloadLength >= 2 ? payloadLength - 2 : 0);
  if (end < ls.end) ls.end = end;
  return decodePppProtocol(ls, pkt, (b[off + 6] << 8) | b[off + 7], off + 8);
}

/** The payload of a PPP frame whose protocol field (RFC 1661) is `protocol`. */
export function decodePppProtocol(ls: LinkState, pkt: Packet, protocol: number, off: number): number {
  switch (protocol) {
    case PPP_IPV4:
    case PPP_IPV6:
      return off;
    case PPP_MPLS:
    case PPP_MPLS_MULTICAST:
      return decodeMpls(ls, pkt, off);
    default:
      return NOT_IP;
  }
}
