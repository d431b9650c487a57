// Geneve (RFC 8926) on UDP port 6081: an 8-byte header, options in 4-byte words, then the payload
// of the header's protocol type: Ethernet (0x6558), IPv4 or IPv6. A valid header confirms.
import { LinkType } from "../../core/packet.ts";
import type { Connection } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

export const GENEVE_PORTS: readonly number[] = [6081];

const HEADER_LENGTH = 8;
const PROTO_ETHERNET = 0x6558;
const PROTO_IPV4 = 0x0800;
const PROTO_IPV6 = 0x86dd;

export type GeneveResult =
  | { vni: number; protocol: number; offset: number; length: number }
  | { violation: string }
  | { weird: string; addl: string };

/** Reads the Geneve header of the `len` bytes at data[off]. */
export function parseGeneve(data: Uint8Array, off: number, len: number): GeneveResult {
  if (len < HEADER_LENGTH) return { violation: "Geneve header truncation" };
  const version = data[off] >> 6;
  if (version !== 0) return { weird: "geneve_invalid_version", addl: String(version) };
  const hdrLen = HEADER_LENGTH + (data[off] & 0x3f) * 4;
  if (len < hdrLen) return { violation: "Geneve option header truncation" };
  const protocol = (data[off + 2] << 8) | data[off + 3];
  const vni = (data[off + 4] << 16) | (data[off + 5] << 8) | data[off + 6];
  return { vni, protocol, offset: off + hdrLen, length: len - hdrLen };
}

/** How a Geneve payload is framed; -1 for protocols that carry no IP (ARP) or that we do not know. */
export function geneveLinkType(protocol: number): number {
  if (protocol === PROTO_ETHERNET) return LinkType.EN10MB;
  if (protocol === PROTO_IPV4 || protocol === PROTO_IPV6) return LinkType.RAW;
  return -1;
}

export class GeneveAnalyzer extends UdpTunnelAnalyzer {
  readonly name = "geneve";
  protected readonly source = "GENEVE";

  constructor(host: SessionHost) {
    super(host, "Tunnel::GENEVE");
  }

  deliver(conn: Connection, _isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.violated || this.depthExceeded(conn)) return;
    const r = parseGeneve(data, offset, length);
    if ("violation" in r) {
      this.violated = true;
      return;
    }
    if ("weird" in r) return this.host.packetWeird(r.weird, r.addl, this.source);
    conn.addService(this.name);
    if (r.length === 0) return this.host.packetWeird("geneve_empty_packet", "", this.source);
    const link = geneveLinkType(r.protocol);
    if (link >= 0) this.forward(conn, data, r.offset, r.length, link);
  }
}
