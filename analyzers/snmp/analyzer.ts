// SNMP on UDP ports 161 and 162, per connection: each datagram is one message, parsed on its own
// (analyzers/snmp/parser.ts) and its event raised for the scripts. As in Zeek, a message from the
// responder whose header could be read confirms the protocol (conn.log service "snmp"); a
// message that could not be read is a weird of the connection and raises no event.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { parseSnmpMessage } from "./parser.ts";
import { raiseSnmpEvent } from "./events.ts";

/** Agents (161) and trap receivers (162): Zeek's SNMP::ports. */
export const SNMP_PORTS: readonly number[] = [161, 162];

export class SnmpAnalyzer implements ConnectionAnalyzer {
  readonly name = "snmp";

  constructor(private readonly host: SessionHost) {}

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    const r = parseSnmpMessage(data, offset, length);
    for (const w of r.netWeirds) this.host.netWeird(w.name, w.addl);
    if (r.headerRead && !isOrig) conn.addService(this.name);
    if (r.failure !== undefined) this.host.weird(conn, r.failure, r.failureAddl);
    if (r.event !== undefined) raiseSnmpEvent(conn, isOrig, r.event);
  }
}
