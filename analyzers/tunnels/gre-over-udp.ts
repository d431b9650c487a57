// GRE over UDP (RFC 8086) on port 4754: the datagram holds a GRE packet, taken apart as GRE over IP
// between the datagram's addresses (Zeek's GRE analyzer under UDP). It confirms nothing: the UDP
// connection is logged without a service, its inner connections name the GRE tunnel as parent.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";

export const GRE_UDP_PORTS: readonly number[] = [4754];

export class GreOverUdpAnalyzer implements ConnectionAnalyzer {
  readonly name = "gre";

  constructor(private readonly host: SessionHost) {}

  deliver(_conn: Connection, _isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    this.host.decapsulateGre(data, offset, length);
  }
}
