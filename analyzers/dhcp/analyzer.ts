// DHCP on its ports, per connection: each datagram is parsed (parser.ts) and raised to the scripts
// as dhcp_message; one message is enough to confirm the protocol (a DHCP "connection" often has
// only one). A message Zeek's analyzer cannot read, or one without a DHCP message type, is an
// analyzer violation, and Zeek's DPD then stops the analyzer on the connection and takes "dhcp"
// out of its service.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { violationDisables } from "../conn/dpd.ts";
import { parseDhcpMessage } from "./parser.ts";

/** Server ports 67 and 4011, client port 68 (Zeek's DHCP::server_ports and client_ports). */
export const DHCP_PORTS: readonly number[] = [67, 68, 4011];

export class DhcpAnalyzer implements ConnectionAnalyzer {
  readonly name = "dhcp";
  private disabled = false;

  constructor(private readonly host: SessionHost) {}

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.disabled) return;
    const r = parseDhcpMessage(data, offset, length);
    for (const w of r.weirds) this.host.weird(conn, w.name, w.addl);
    if (!r.ok) {
      this.violation(conn);
      return;
    }
    if (conn.events.handles("dhcp_message")) conn.events.raise("dhcp_message", [conn, isOrig, r.msg, r.options]);
    // Without a message type it is BOOTP, not DHCP: Zeek calls that a violation too.
    if (r.msg.m_type === 0 && this.violation(conn)) return;
    conn.addService(this.name);
  }

  /** Zeek's DPD on a violation: disables the analyzer unless the connection is already large. */
  private violation(conn: Connection): boolean {
    this.disabled = violationDisables(conn, this.name, this.host.options);
    return this.disabled;
  }
}
