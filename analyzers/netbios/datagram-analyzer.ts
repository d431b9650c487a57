// The NetBIOS datagram service on UDP 138: each datagram is parsed (header, names, fragments,
// errors), the browser message its mailslot write carries is read, and the events raised. Zeek runs
// no analyzer here by default, so this one confirms nothing and keeps no timer: conn.log stays as
// Zeek writes it (service unset).
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { parseMailslot } from "./browser.ts";
import { parseDatagram } from "./datagram.ts";
import { raise } from "./events.ts";

export const NETBIOS_DGM_PORTS: readonly number[] = [138];

/** Zeek's NetBIOS analyzer reads both the datagram and the session service, and names its weirds so. */
export const NETBIOSSSN_SOURCE = "NETBIOSSSN";
/** The fixed header Zeek counts before the payload length of netbios_session_message. */
const DGM_HEADER_LENGTH = 14;

export class NetbiosDatagramAnalyzer implements ConnectionAnalyzer {
  readonly name = "netbios_dgm";

  constructor(private readonly host: SessionHost) {}

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    const r = parseDatagram(data, offset, length);
    for (const w of r.weirds) this.host.weird(conn, w.name, w.addl ?? "", NETBIOSSSN_SOURCE);
    const dgm = r.dgm;
    if (dgm === undefined) return;
    if (length >= DGM_HEADER_LENGTH) {
      const payload = Math.min(length - DGM_HEADER_LENGTH, dgm.dgm_length ?? length);
      raise(conn, "netbios_session_message", isOrig, dgm.msg_type, payload);
    }
    // Only a whole (unfragmented) datagram holds a whole mailslot message.
    const mailslot = r.userData && dgm.first && !dgm.more ? parseMailslot(data, r.userData.start, r.userData.end) : undefined;
    if (mailslot) {
      dgm.mailslot = mailslot.mailslot;
      dgm.browser_cmd = mailslot.command;
    }
    // The announcement first: netbios_datagram closes the datagram, as dns_end closes a DNS message.
    if (mailslot?.announcement) raise(conn, "netbios_browser_announcement", dgm, mailslot.announcement);
    raise(conn, "netbios_datagram", isOrig, dgm);
  }
}
