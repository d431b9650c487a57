// The one mutable record a packet fills on its way through decoding. A single instance is reused for
// every packet of a run, so the hot path allocates nothing per packet; whatever must outlive the
// packet (addresses of a new connection, payload handed to an analyzer) is copied out explicitly.
// A packet found inside a tunnel gets a Packet of its own, one per depth of encapsulation.
import type { Encapsulation } from "../analyzers/tunnels/encapsulation.ts";

/** DLT_* link-layer header types, as libpcap numbers them (pcap and pcapng share them). */
export const LinkType = {
  NULL: 0,
  EN10MB: 1,
  RAW: 101,
  PPP_SERIAL: 50,
  PPP_ETHER: 51,
  C_HDLC: 104,
  IEEE802_11: 105,
  LOOP: 108,
  LINUX_SLL: 113,
  IEEE802_11_RADIO: 127,
  PPP: 9,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** A frame as a capture source hands it over: valid only until the callback returns. */
export interface RawFrame {
  /** Network time of the packet, seconds since the epoch. */
  ts: number;
  /** Buffer holding the frame's bytes at [offset, offset + caplen). */
  data: Uint8Array;
  offset: number;
  caplen: number;
  /** Length on the wire; larger than caplen when the capture was snapped. */
  wirelen: number;
  linkType: number;
}

export class Packet {
  ts = 0;
  /** The captured frame. */
  frame: Uint8Array = new Uint8Array(0);
  frameOff = 0;
  caplen = 0;
  wirelen = 0;
  linkType = 0;

  // Link layer. Offsets are into `frame`; -1 when the link has no such field.
  l2SrcOff = -1;
  l2DstOff = -1;
  /** Outer and inner 802.1Q/802.1ad VLAN ids; -1 when absent. */
  vlan = -1;
  innerVlan = -1;
  /** Number of VLAN tags seen (a `vlan` filter matches any of them). */
  vlanDepth = 0;
  mpls = false;

  // Network layer. `ip` is the buffer holding the IP header; for a reassembled fragment it is a
  // fresh buffer, otherwise it is `frame`.
  ip: Uint8Array = new Uint8Array(0);
  /** 4 or 6; 0 when the packet carries no IP (ARP, LLC, ...). */
  ipVersion = 0;
  ipOff = 0;
  /** Bytes of IP header before the transport header (IPv6: fixed header plus extension headers). */
  ipHdrLen = 0;
  /** Total length of the IP packet as its header states (IPv6: 40 + payload length). */
  ipLen = 0;
  /** Bytes of the IP packet actually present from ipOff (capped by caplen and ipLen). */
  ipCapLen = 0;
  /** Transport protocol number (6, 17, 1, 58, 132, ...). */
  proto = 0;
  ttl = 0;
  /** Offsets of the 4- or 16-byte addresses inside `ip`. */
  srcOff = 0;
  dstOff = 0;

  // Transport layer, offsets into `ip`.
  l4Off = 0;
  /** Transport length the IP header implies (ipLen - ipHdrLen). */
  l4Len = 0;
  /** Transport bytes actually captured. */
  l4CapLen = 0;
  srcPort = 0;
  dstPort = 0;

  /** The tunnels this packet came out of, outermost first; undefined for a packet off the wire. */
  encap: Encapsulation | undefined = undefined;
}
