// DHCP on its ports: a BOOTP message carrying the DHCP magic cookie confirms the protocol (one
// message is enough: a DHCP "connection" often has only one). The full parser and dhcp.log come
// with the DHCP analyzer proper.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";

/** Server ports 67 and 4011, client port 68 (Zeek's DHCP::ports). */
export const DHCP_PORTS: readonly number[] = [67, 68, 4011];

const BOOTP_FIXED_LENGTH = 236;
const MAGIC_COOKIE = 0x63825363;

export class DhcpAnalyzer implements ConnectionAnalyzer {
  readonly name = "dhcp";

  deliver(conn: Connection, _isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (length < BOOTP_FIXED_LENGTH + 4) return;
    const op = data[offset];
    const o = offset + BOOTP_FIXED_LENGTH;
    const cookie = ((data[o] << 24) | (data[o + 1] << 16) | (data[o + 2] << 8) | data[o + 3]) >>> 0;
    if ((op === 1 || op === 2) && cookie === MAGIC_COOKIE) conn.addService(this.name);
  }
}
