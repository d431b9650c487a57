// GTPv1-U (3GPP TS 29.281) on UDP ports 2152 and 2123: the G-PDU (message type 255) carries a user's
// IPv4 or IPv6 packet behind an 8-byte header, the optional sequence/N-PDU/next-type word and any
// extension headers. As in Zeek, the inner packet must fill the rest of the datagram exactly, and a
// valid G-PDU confirms (both directions first with Tunnel::delay_gtp_confirmation). Control messages
// are recognized but not decoded.
import { LinkType } from "../../core/packet.ts";
import type { Connection } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { checkInnerIp, IPPROTO_IPV4, IPPROTO_IPV6 } from "./inner-ip.ts";
import { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

export const GTPV1_PORTS: readonly number[] = [2152, 2123];

const HEADER_LENGTH = 8;
const FLAG_PT = 0x10;
const FLAG_E = 0x04;
const FLAGS_OPTIONAL = 0x07;
const MSG_G_PDU = 255;

export type Gtpv1Result =
  | { gpdu: true; nextProto: number; offset: number; length: number }
  /** Valid GTP that carries no user packet (GTP' or a control message). */
  | { gpdu: false }
  | { violation: string };

/** Reads the GTPv1 header of the `len` bytes at data[off]. */
export function parseGtpv1(data: Uint8Array, off: number, len: number): Gtpv1Result {
  if (len < HEADER_LENGTH) return { violation: "Truncated GTPv1 header" };
  const flags = data[off];
  let hdrLen = HEADER_LENGTH;
  if (flags & FLAGS_OPTIONAL) {
    hdrLen += 4;
    if (len < hdrLen) return { violation: "Truncated GTPv1 header" };
  }
  if (flags & FLAG_E) {
    // Extension headers: a length in 4-byte words (the length and next-type bytes included), until a next type of 0.
    for (;;) {
      if (len < hdrLen + 1) return { violation: "Truncated GTPv1 extension header" };
      const words = data[off + hdrLen];
      if (words === 0 || len < hdrLen + words * 4) return { violation: "Bad GTPv1 extension header" };
      hdrLen += words * 4;
      if (data[off + hdrLen - 1] === 0) break;
    }
  }
  if (flags >> 5 !== 1) return { violation: "GTPv1 bad Version" };
  if (!(flags & FLAG_PT) || data[off + 1] !== MSG_G_PDU) return { gpdu: false };
  const length = len - hdrLen;
  if (length < 20) return { violation: "Truncated GTPv1" };
  const version = data[off + hdrLen] >> 4;
  if (version !== 4 && version !== 6) return { violation: "non-IP packet in GTPv1" };
  return { gpdu: true, nextProto: version === 6 ? IPPROTO_IPV6 : IPPROTO_IPV4, offset: off + hdrLen, length };
}

export class Gtpv1Analyzer extends UdpTunnelAnalyzer {
  readonly name = "gtpv1";
  protected readonly source = "GTPV1";

  constructor(host: SessionHost) {
    super(host, "Tunnel::GTPv1");
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (length < HEADER_LENGTH) return;
    this.setValid(isOrig, false);
    const encap = this.host.packetEncapsulation();
    if (encap !== undefined && encap.length >= this.host.options["Tunnel::max_depth"]) {
      this.host.netWeird("tunnel_depth", "", this.source);
      return;
    }
    // GTP is never carried in GTP: such a datagram is an ordinary one that happens to use the port.
    if (encap !== undefined && encap[encap.length - 1].tunnel_type === "Tunnel::GTPv1") return;
    const r = parseGtpv1(data, offset, length);
    if ("violation" in r || !r.gpdu) return;
    if (checkInnerIp(data, r.offset, r.length, r.nextProto) !== "ok") return;
    this.confirmValid(conn, isOrig, this.host.options["Tunnel::delay_gtp_confirmation"]);
    this.forward(conn, data, r.offset, r.length, LinkType.RAW);
  }
}
