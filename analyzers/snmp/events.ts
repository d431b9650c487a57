// Raises the event of one SNMP message, with Zeek's arguments (connection, is_orig, header, PDU
// or tag), when a script handles it. The parser already built the records in their API shapes.
import type { Connection } from "../conn/connection.ts";
import type { SnmpEvent } from "./parser.ts";

export function raiseSnmpEvent(conn: Connection, isOrig: boolean, e: SnmpEvent): void {
  const events = conn.events;
  if (!events.handles(e.name)) return;
  switch (e.name) {
    case "snmp_unknown_header_version":
      events.raise(e.name, [conn, isOrig, e.version]);
      return;
    case "snmp_encrypted_pdu":
      events.raise(e.name, [conn, isOrig, e.header]);
      return;
    case "snmp_unknown_pdu":
    case "snmp_unknown_scoped_pdu":
      events.raise(e.name, [conn, isOrig, e.header, e.tag]);
      return;
    default:
      events.raise(e.name, [conn, isOrig, e.header, e.pdu]);
  }
}
