// AYIYA ("Anything In Anything", the SixXS tunnel protocol) on UDP port 5072, and on any port where
// the payload looks like it: an 8-byte header, an identity and a signature whose lengths the header
// gives, then an IPv4 or IPv6 packet when the operation is "forward". A forward confirms, as in Zeek.
import { LinkType } from "../../core/packet.ts";
import type { Connection } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { IPPROTO_IPV4, IPPROTO_IPV6 } from "./inner-ip.ts";
import { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

export const AYIYA_PORTS: readonly number[] = [5072];

const HEADER_LENGTH = 8;
const OP_FORWARD = 1;

export type AyiyaResult = { forward: false } | { forward: true; nextHeader: number; offset: number; length: number } | { violation: string };

/** Reads the AYIYA header of the `len` bytes at data[off]. */
export function parseAyiya(data: Uint8Array, off: number, len: number): AyiyaResult {
  if (len < HEADER_LENGTH) return { violation: "Truncated AYIYA" };
  const identityLen = 1 << (data[off] >> 4);
  const signatureLen = (data[off + 1] >> 4) * 4;
  const hdrLen = HEADER_LENGTH + identityLen + signatureLen;
  if (len < hdrLen) return { violation: "Truncated AYIYA" };
  if ((data[off + 2] & 0x0f) !== OP_FORWARD) return { forward: false };
  return { forward: true, nextHeader: data[off + 3], offset: off + hdrLen, length: len - hdrLen };
}

/** Zeek's test for AYIYA on a port registered to nothing: IPv6 identity, SHA-1 signature, and so on. */
export function detectAyiya(data: Uint8Array, off: number, len: number): boolean {
  return len >= 3 && data[off + 1] === 0x52 && data[off + 2] === 0x11;
}

export class AyiyaAnalyzer extends UdpTunnelAnalyzer {
  readonly name = "ayiya";
  protected readonly source = "AYIYA";

  constructor(host: SessionHost) {
    super(host, "Tunnel::AYIYA");
  }

  deliver(conn: Connection, _isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.violated || this.depthExceeded(conn)) return;
    const r = parseAyiya(data, offset, length);
    if ("violation" in r) {
      this.violated = true;
      return;
    }
    if (!r.forward) return;
    conn.addService(this.name);
    if (r.length === 0) return this.host.packetWeird("ayiya_empty_packet", "", this.source);
    if (r.nextHeader === IPPROTO_IPV4 || r.nextHeader === IPPROTO_IPV6) this.forward(conn, data, r.offset, r.length, LinkType.RAW);
  }
}
