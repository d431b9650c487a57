// Teredo (RFC 4380) on UDP port 3544, and on any port where the payload looks like it: IPv6 behind
// optional authentication and origin indication headers. As in Zeek, the inner IPv6 packet must fill
// the datagram exactly (a bubble may carry trailing bytes), and the protocol is confirmed once both
// sides sent valid Teredo (Tunnel::delay_teredo_confirmation). Bubbles carry no packet to process.
import { LinkType } from "../../core/packet.ts";
import type { Connection } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { checkInnerIp, IPPROTO_IPV6 } from "./inner-ip.ts";
import { UdpTunnelAnalyzer } from "./udp-tunnel.ts";

export const TEREDO_PORTS: readonly number[] = [3544];

const ORIGIN_INDICATION_LENGTH = 8;
const IPV6_HEADER = 40;
const NO_NEXT_HEADER = 59;

export type TeredoResult = { offset: number; length: number; origin: boolean; auth: boolean } | { invalid: true; weird?: string };

/** Reads the Teredo encapsulation of the `len` bytes at data[off] down to its IPv6 header. */
export function parseTeredo(data: Uint8Array, off: number, len: number): TeredoResult {
  let origin = false;
  let auth = false;
  for (;;) {
    if (len < 2) return { invalid: true, weird: "truncated_Teredo" };
    const tag = (data[off] << 8) | data[off + 1];
    if (tag === 0) {
      if (origin) return { invalid: true };
      if (len < ORIGIN_INDICATION_LENGTH) return { invalid: true, weird: "truncated_Teredo_origin_indication" };
      origin = true;
      off += ORIGIN_INDICATION_LENGTH;
      len -= ORIGIN_INDICATION_LENGTH;
    } else if (tag === 1) {
      // Authentication comes first and once: client id and value lengths, a nonce, a confirmation byte.
      if (origin || auth) return { invalid: true };
      if (len < 4) return { invalid: true, weird: "truncated_Teredo_authentication" };
      const total = 4 + data[off + 2] + data[off + 3] + 8 + 1;
      if (len < total) return { invalid: true, weird: "truncated_Teredo_authentication" };
      auth = true;
      off += total;
      len -= total;
    } else if (tag >> 12 === 6) {
      if (len < IPV6_HEADER) return { invalid: true, weird: "truncated_IPv6_in_Teredo" };
      return { offset: off, length: len, origin, auth };
    } else {
      return { invalid: true };
    }
  }
}

/** Zeek's test for Teredo on a port registered to nothing (its old DPD signature, then a header walk). */
export function detectTeredo(data: Uint8Array, off: number, len: number): boolean {
  if (len < 40) return false;
  const b0 = data[off];
  if (len > 8 && b0 >> 4 !== 6 && (b0 !== 0 || (data[off + 1] !== 0 && data[off + 1] !== 1))) return false;
  // The signature: an IPv6 header from or to a Teredo address (the pattern matches a prefix of the payload).
  if (b0 >> 4 === 6 && (teredoPrefixAt(data, off + 8) || teredoPrefixAt(data, off + 24))) return true;
  let val = data[off + 1];
  if (val === 1) {
    const skip = 13 + data[off + 2] + data[off + 3];
    if (len < skip) return false;
    off += skip;
    len -= skip;
    if (len < 40) return false;
    val = (data[off] << 8) | data[off + 1];
  }
  if (val !== 0) return false;
  off += ORIGIN_INDICATION_LENGTH;
  len -= ORIGIN_INDICATION_LENGTH;
  return len >= 40 && data[off] >> 4 === 6;
}

/** The Teredo prefix 2001:0::/32. */
function teredoPrefixAt(data: Uint8Array, off: number): boolean {
  return data[off] === 0x20 && data[off + 1] === 0x01 && data[off + 2] === 0 && data[off + 3] === 0;
}

export class TeredoAnalyzer extends UdpTunnelAnalyzer {
  readonly name = "teredo";
  protected readonly source = "TEREDO";

  constructor(host: SessionHost) {
    super(host, "Tunnel::TEREDO");
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.violated || this.depthExceeded(conn)) return;
    const r = parseTeredo(data, offset, length);
    if ("invalid" in r) {
      // Zeek reports a malformed header only once the connection is known to be Teredo.
      if (r.weird !== undefined && conn.service.includes(this.name)) this.host.weird(conn, r.weird, "", this.source);
      this.violated = true;
      return;
    }
    const check = checkInnerIp(data, r.offset, r.length, IPPROTO_IPV6);
    const bubble = data[r.offset + 6] === NO_NEXT_HEADER;
    if (check === "too_large") {
      const payloadLength = (data[r.offset + 4] << 8) | data[r.offset + 5];
      if (!bubble || payloadLength !== 0) {
        this.violated = true;
        return;
      }
      this.host.weird(conn, "Teredo_bubble_with_payload", "", this.source);
    } else if (check !== "ok") {
      this.violated = true;
      return;
    }
    this.confirmValid(conn, isOrig, this.host.options["Tunnel::delay_teredo_confirmation"]);
    if (!bubble) this.forward(conn, data, r.offset, r.length, LinkType.RAW);
  }
}
