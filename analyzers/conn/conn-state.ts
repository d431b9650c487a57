// conn.log's conn_state: a summary of both endpoints' final states, by Zeek's table (see the README's
// conn.log section for what each value means).
import type { Connection } from "./connection.ts";
import { DatagramSession } from "./datagram-session.ts";
import { EndpointState as S } from "./tcp-endpoint.ts";
import type { TcpSession } from "./tcp-session.ts";

const RSTOS0 = /^\^?S[^HAFGIQ]*R.*/;

export function connState(c: Connection): string {
  if (c.transport === "tcp") {
    const s = c.session as TcpSession;
    const os = s.stateOf(true);
    const rs = s.stateOf(false);
    const oInactive = os === S.Inactive || os === S.Partial;
    const rInactive = rs === S.Inactive || rs === S.Partial;
    if (rs === S.Reset) {
      if (os === S.SynSent || os === S.SynAckSent || (os === S.Reset && s.size(true) === 0 && s.size(false) === 0)) return "REJ";
      return oInactive ? "RSTRH" : "RSTR";
    }
    if (os === S.Reset) {
      if (rInactive) return RSTOS0.test(c.history) ? "RSTOS0" : "OTH";
      return "RSTO";
    }
    if (rs === S.Closed && os === S.Closed) return "SF";
    if (os === S.Closed) return rInactive ? "SH" : "S2";
    if (rs === S.Closed) return oInactive ? "SHR" : "S3";
    if (os === S.SynSent && rs === S.Inactive) return "S0";
    if (os === S.Established && rs === S.Established) return "S1";
    return "OTH";
  }
  if (c.transport === "udp") {
    const s = c.session as DatagramSession;
    if (s.active(true)) return s.active(false) ? "SF" : "S0";
    return s.active(false) ? "SHR" : "OTH";
  }
  return "OTH";
}
