// The part of the transport header the connection table needs: ports (ICMP: type and code), and
// whether the minimal header is there at all (Zeek's CheckHeaderTrunc: TCP 20 bytes, UDP 8, ICMP 8).
import type { Packet } from "../packet.ts";

const PROTO_ICMP = 1;
const PROTO_TCP = 6;
const PROTO_UDP = 17;
const PROTO_ICMPV6 = 58;

function minimalHeaderLength(proto: number): number {
  switch (proto) {
    case PROTO_TCP:
      return 20;
    case PROTO_UDP:
    case PROTO_ICMP:
    case PROTO_ICMPV6:
      return 8;
    default:
      return 0;
  }
}

/** Sets srcPort/dstPort (ICMP: type and code) from whatever of them was captured. */
export function readPorts(pkt: Packet): void {
  const b = pkt.ip;
  const p = pkt.l4Off;
  switch (pkt.proto) {
    case PROTO_TCP:
    case PROTO_UDP:
      if (pkt.l4CapLen < 4) return;
      pkt.srcPort = (b[p] << 8) | b[p + 1];
      pkt.dstPort = (b[p + 2] << 8) | b[p + 3];
      return;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
      if (pkt.l4CapLen < 2) return;
      pkt.srcPort = b[p];
      pkt.dstPort = b[p + 1];
  }
}

/**
 * Checks that the minimal transport header is present and reads the ports. Returns "" when it is,
 * else Zeek's weird: "truncated_header" when the IP lengths leave no room for it,
 * "internally_truncated_header" when the capture cut it short. Other protocols need no header.
 */
export function decodeTransport(pkt: Packet): string {
  const min = minimalHeaderLength(pkt.proto);
  if (min === 0) return "";
  if (pkt.l4Len < min) return "truncated_header";
  if (pkt.l4CapLen < min) return "internally_truncated_header";
  readPorts(pkt);
  return "";
}

