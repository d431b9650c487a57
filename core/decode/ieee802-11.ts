// 802.11 data frames (DLT 105) and the radiotap header monitor-mode captures put before them
// (DLT 127). Only data frames with an RFC 1042 LLC/SNAP header lead to IP; management, control,
// null-data and protected frames carry nothing we can decode.
import type { Packet } from "../packet.ts";
import { decodeEthertype } from "./ethernet.ts";
import { NOT_IP, type LinkState } from "./link-state.ts";

const MAC_HEADER_LEN = 24;
const ADDR_LEN = 6;

// Frame control, first byte: type bits 2-3, subtype bits 4-7.
const FC_DATA_TYPE = 0x08;
const FC_SUBTYPE_NO_DATA = 0x40;
const FC_SUBTYPE_QOS = 0x80;
// Frame control, second byte (flags).
const FLAGS_DS_MASK = 0x03;
const FLAGS_TO_DS = 0x01;
const FLAGS_FROM_DS = 0x02;
const FLAGS_PROTECTED = 0x40;
const FLAGS_ORDER = 0x80;
const QOS_AMSDU_PRESENT = 0x80;

/** A radiotap header (its length is little-endian at offset 2) and the 802.11 frame after it. */
export function decodeRadiotap(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  if (ls.end - off <= 3) return ls.fail("truncated_radiotap_header");
  const headerLen = b[off + 2] | (b[off + 3] << 8);
  if (headerLen >= ls.end - off) return ls.fail("truncated_radiotap_header");
  return decodeIeee80211(ls, pkt, off + headerLen);
}

export function decodeIeee80211(ls: LinkState, pkt: Packet, off: number): number {
  const b = pkt.frame;
  let headerLen = MAC_HEADER_LEN;
  if (ls.end - off <= headerLen) return ls.fail("truncated_802_11_header");
  const fc = b[off];
  const flags = b[off + 1];
  if ((fc & FC_DATA_TYPE) === 0 || (fc & FC_SUBTYPE_NO_DATA) !== 0) return NOT_IP;
  const ds = flags & FLAGS_DS_MASK;
  if (ds === (FLAGS_TO_DS | FLAGS_FROM_DS)) headerLen += ADDR_LEN;
  if (ls.end - off <= headerLen) return ls.fail("truncated_802_11_header");
  let amsdu = false;
  if (fc & FC_SUBTYPE_QOS) {
    amsdu = (b[off + headerLen] & QOS_AMSDU_PRESENT) !== 0;
    headerLen += 2;
    // QoS data frames with the Order bit carry a 4-byte HT Control field (802.11n).
    if (flags & FLAGS_ORDER) headerLen += 4;
    if (ls.end - off <= headerLen) return ls.fail("truncated_802_11_header");
  }
  if (flags & FLAGS_PROTECTED) return NOT_IP;

  // The station addresses, as Zeek reports them, depend on the direction of the frame.
  switch (ds) {
    case 0:
      pkt.l2SrcOff = off + 10;
      pkt.l2DstOff = off + 4;
      break;
    case FLAGS_TO_DS:
      pkt.l2SrcOff = off + 10;
      pkt.l2DstOff = off + 16;
      break;
    case FLAGS_FROM_DS:
      pkt.l2SrcOff = off + 16;
      pkt.l2DstOff = off + 4;
      break;
    default:
      pkt.l2SrcOff = off + 24;
      pkt.l2DstOff = off + 16;
  }
  off += headerLen;

  if (amsdu) {
    // Only the first A-MSDU subframe is decoded: one frame gives one packet here.
    if (ls.end - off < 14) return ls.fail("truncated_802_11_amsdu_header");
    const subframeLen = (b[off + 12] << 8) | b[off + 13];
    if (ls.end - off < subframeLen + 14) return ls.fail("truncated_802_11_amsdu_packet");
    off += 14;
    ls.end = off + subframeLen;
  }

  if (ls.end - off < 8) return ls.fail("truncated_802_11_llc_header");
  // RFC 1042 encapsulation: DSAP/SSAP 0xAA, UI control, OUI 00-00-00, then an ethertype.
  if (b[off] !== 0xaa || b[off + 1] !== 0xaa || b[off + 2] !== 0x03 || (b[off + 3] | b[off + 4] | b[off + 5]) !== 0) {
    return NOT_IP;
  }
  return decodeEthertype(ls, pkt, (b[off + 6] << 8) | b[off + 7], off + 8, false);
}
