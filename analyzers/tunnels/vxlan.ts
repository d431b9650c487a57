// VXLAN (RFC 7348) on UDP port 4789: an 8-byte header with the I flag and the 24-bit network
// identifier, then an Ethernet frame. A valid header confirms the protocol, as in Zeek.
import { LinkType } from "../../core/packet.ts";
import type { Connection } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

export const VXLAN_PORT = 4789;
export const VXLAN_PORTS: readonly number[] = [VXLAN_PORT];

const HEADER_LENGTH = 8;
const FLAG_I = 0x08;

export type VxlanResult = { vni: number; offset: number; length: number } | { violation: string };

/** Reads the VXLAN header of the `len` bytes at data[off]. */
export function parseVxlan(data: Uint8Array, off: number, len: number): VxlanResult {
  if (len < HEADER_LENGTH) return { violation: "VXLAN header truncation" };
  if ((data[off] & FLAG_I) === 0) return { violation: "VXLAN 'I' flag not set" };
  const vni = (data[off + 4] << 16) | (data[off + 5] << 8) | data[off + 6];
  return { vni, offset: off + HEADER_LENGTH, length: len - HEADER_LENGTH };
}

/** Zeek's UDP checksum exemption: a datagram to a VXLAN port that looks like VXLAN around Ethernet. */
export function looksLikeVxlan(data: Uint8Array, payloadOff: number, payloadLen: number): boolean {
  return payloadLen > HEADER_LENGTH + 14 && (data[payloadOff] & FLAG_I) !== 0;
}

export class VxlanAnalyzer extends UdpTunnelAnalyzer {
  readonly name = "vxlan";
  protected readonly source = "VXLAN";

  constructor(host: SessionHost) {
    super(host, "Tunnel::VXLAN");
  }

  deliver(conn: Connection, _isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.violated || this.depthExceeded(conn)) return;
    const r = parseVxlan(data, offset, length);
    if ("violation" in r) {
      this.violated = true;
      return;
    }
    conn.addService(this.name);
    if (r.length === 0) return this.host.packetWeird("vxlan_empty_packet", "", this.source);
    this.forward(conn, data, r.offset, r.length, LinkType.EN10MB);
  }
}
