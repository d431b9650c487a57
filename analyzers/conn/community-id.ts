// Community ID v1 (corelight/community-id-spec): a direction-free flow hash that Zeek, Suricata,
// Wireshark and others compute alike, so a flow can be found across their logs. It is
// "1:" + base64(sha1(seed . addrA . addrB . proto . 0 . portA . portB)), all in network byte
// order, with the endpoints ordered so the smaller address (then port) comes first.
import { createHash } from "node:crypto";

const ICMP = 1;
const ICMP6 = 58;

/** Request/reply ICMP types, both ways round (Zeek's ICMP4_counterpart). */
const ICMP4_COUNTERPARTS = new Map<number, number>([
  [8, 0], [0, 8], // echo
  [13, 14], [14, 13], // timestamp
  [15, 16], [16, 15], // information
  [10, 9], [9, 10], // router solicitation / advertisement
  [17, 18], [18, 17], // address mask
]);

/** The same for ICMPv6 (Zeek's ICMP6_counterpart). */
const ICMP6_COUNTERPARTS = new Map<number, number>([
  [128, 129], [129, 128], // echo
  [133, 134], [134, 133], // router solicitation / advertisement
  [135, 136], [136, 135], // neighbor solicitation / advertisement
  [130, 131], [131, 130], // multicast listener query / report
  [139, 140], [140, 139], // node information query / response
  [144, 145], [145, 144], // home agent address discovery request / reply
]);

/**
 * The ICMP type answering `type` (echo request 8 -> echo reply 0, ...), or -1 when `type` is a
 * one-way message (unreachable, time exceeded, ...). `proto` is 1 (ICMP) or 58 (ICMPv6). Zeek
 * uses this for an ICMP connection's responder "port"; Community ID uses it to pair directions.
 */
export function icmpCounterpart(proto: number, type: number): number {
  return (proto === ICMP6 ? ICMP6_COUNTERPARTS : ICMP4_COUNTERPARTS).get(type) ?? -1;
}

function hasPorts(proto: number): boolean {
  return proto === 6 || proto === 17 || proto === 132 || proto === ICMP || proto === ICMP6;
}

/** -1, 0 or 1 as address a (then port a) sorts before, with or after address b (then port b). */
function compareEndpoints(a: Uint8Array, portA: number, b: Uint8Array, portB: number): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return portA === portB ? 0 : portA < portB ? -1 : 1;
}

/**
 * The Community ID v1 of a flow, from its originator -> responder tuple.
 *
 * `srcAddr`/`dstAddr` hold exactly the address (4 bytes for `version` 4, 16 for 6). For TCP, UDP
 * and SCTP the ports are the transport ports; for ICMP/ICMPv6 `srcPort` is the message type and
 * `dstPort` the code: a request/reply type is paired with its counterpart so both directions hash
 * alike, a one-way type keeps its code (and its direction). Zeek's conn_id for ICMP (resp_p = the
 * counterpart type, or the code) gives the same result. Other protocols hash without ports.
 *
 * Endpoints are ordered by address bytes, then by port number, as the spec says. (Zeek 9 compares
 * equal addresses' ports in network byte order on little-endian hosts, so for a flow between an
 * address and itself it can disagree with the spec; we follow the spec.)
 */
export function communityId(
  srcAddr: Uint8Array,
  dstAddr: Uint8Array,
  version: 4 | 6,
  proto: number,
  srcPort: number,
  dstPort: number,
  seed = 0,
): string {
  const addrLen = version === 4 ? 4 : 16;
  if (srcAddr.length !== addrLen || dstAddr.length !== addrLen) {
    throw new Error(`community id: IPv${version} addresses must have ${addrLen} bytes`);
  }

  let oneWay = false;
  if (proto === ICMP || proto === ICMP6) {
    const counterpart = icmpCounterpart(proto, srcPort);
    if (counterpart < 0) oneWay = true;
    else dstPort = counterpart;
  }

  let [a, b, portA, portB] = [srcAddr, dstAddr, srcPort, dstPort];
  if (!oneWay && compareEndpoints(srcAddr, srcPort, dstAddr, dstPort) > 0) {
    [a, b, portA, portB] = [dstAddr, srcAddr, dstPort, srcPort];
  }

  const withPorts = hasPorts(proto);
  const input = new Uint8Array(2 + 2 * addrLen + 2 + (withPorts ? 4 : 0));
  const view = new DataView(input.buffer);
  view.setUint16(0, seed & 0xffff);
  input.set(a, 2);
  input.set(b, 2 + addrLen);
  let off = 2 + 2 * addrLen;
  input[off++] = proto;
  input[off++] = 0;
  if (withPorts) {
    view.setUint16(off, portA);
    view.setUint16(off + 2, portB);
  }
  return "1:" + createHash("sha1").update(input).digest("base64");
}
