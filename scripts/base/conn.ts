// conn.log: one row per connection, written when the connection is removed, as Zeek's
// base/protocols/conn does it: the record is started when the connection appears, completed when it
// is removed (duration and sizes only when it lasted), and written last so that policy scripts can
// add their columns in between.
import { on, Log, Site, type Connection, type EncapsulatingConn } from "nsm";

Log.createStream("Conn::LOG", {
  path: "conn",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    proto: "enum",
    service: "string",
    duration: "interval",
    orig_bytes: "count",
    resp_bytes: "count",
    conn_state: "string",
    local_orig: "bool",
    local_resp: "bool",
    missed_bytes: "count",
    history: "string",
    orig_pkts: "count",
    orig_ip_bytes: "count",
    resp_pkts: "count",
    resp_ip_bytes: "count",
    tunnel_parents: "set[string]",
    ip_proto: "count",
  },
});

// Endpoint states (Zeek's TCP_* and UDP_* constants).
const TCP_INACTIVE = 0;
const TCP_SYN_SENT = 1;
const TCP_SYN_ACK_SENT = 2;
const TCP_PARTIAL = 3;
const TCP_ESTABLISHED = 4;
const TCP_CLOSED = 5;
const TCP_RESET = 6;
const UDP_ACTIVE = 1;

/** conn_state: both endpoints' final states summed up, by Zeek's table. */
function connState(c: Connection): string {
  const os = c.orig.state;
  const rs = c.resp.state;
  if (c.id.proto === "tcp") {
    const oInactive = os === TCP_INACTIVE || os === TCP_PARTIAL;
    const rInactive = rs === TCP_INACTIVE || rs === TCP_PARTIAL;
    if (rs === TCP_RESET) {
      if (os === TCP_SYN_SENT || os === TCP_SYN_ACK_SENT || (os === TCP_RESET && c.orig.size === 0 && c.resp.size === 0)) return "REJ";
      return oInactive ? "RSTRH" : "RSTR";
    }
    if (os === TCP_RESET) {
      if (rInactive) return /^\^?S[^HAFGIQ]*R.*/.test(c.history) ? "RSTOS0" : "OTH";
      return "RSTO";
    }
    if (rs === TCP_CLOSED && os === TCP_CLOSED) return "SF";
    if (os === TCP_CLOSED) return rInactive ? "SH" : "S2";
    if (rs === TCP_CLOSED) return oInactive ? "SHR" : "S3";
    if (os === TCP_SYN_SENT && rs === TCP_INACTIVE) return "S0";
    if (os === TCP_ESTABLISHED && rs === TCP_ESTABLISHED) return "S1";
    return "OTH";
  }
  if (c.id.proto === "udp") {
    if (os === UDP_ACTIVE) return rs === UDP_ACTIVE ? "SF" : "S0";
    return rs === UDP_ACTIVE ? "SHR" : "OTH";
  }
  return "OTH";
}

/**
 * The row being built for a connection (Zeek starts it at new_connection; starting it on first use
 * gives the same row without an event for every new connection). Every column is there from the
 * start, unset ones undefined, so the record is made once in its final shape.
 */
function info(c: Connection): Record<string, unknown> {
  return (c.conn ??= {
    ts: c.start_time,
    uid: c.uid,
    id: c.id,
    proto: c.id.proto,
    service: undefined,
    duration: undefined,
    orig_bytes: undefined,
    resp_bytes: undefined,
    conn_state: undefined,
    local_orig: undefined,
    local_resp: undefined,
    missed_bytes: 0,
    history: undefined,
    orig_pkts: undefined,
    orig_ip_bytes: undefined,
    resp_pkts: undefined,
    resp_ip_bytes: undefined,
    tunnel_parents: undefined,
    ip_proto: undefined,
  });
}

/** tunnel_parents: the innermost tunnel of every stack the connection was seen in (Zeek's set). */
function addTunnelParent(c: Connection, e: EncapsulatingConn[] | undefined): void {
  if (e === undefined || e.length === 0) return;
  const rec = info(c);
  const parents = (rec.tunnel_parents ??= []) as string[];
  const uid = e[e.length - 1].uid;
  if (!parents.includes(uid)) parents.push(uid);
}

on(
  "tunnel_changed",
  (c, e) => {
    // The stack it had so far (Zeek records it when the connection starts), then the new one.
    addTunnelParent(c, c.tunnel);
    addTunnelParent(c, e);
  },
  { priority: 5 },
);

on(
  "content_gap",
  (c, _is_orig, _seq, length) => {
    const rec = info(c);
    rec.missed_bytes = (rec.missed_bytes as number) + length;
  },
  { priority: 5 },
);

on(
  "connection_state_remove",
  (c) => {
    const rec = info(c);
    rec.id = c.id;
    if (c.duration > 0) {
      rec.duration = c.duration;
      rec.orig_bytes = c.orig.size;
      rec.resp_bytes = c.resp.size;
    }
    rec.orig_pkts = c.orig.num_pkts;
    rec.orig_ip_bytes = c.orig.num_bytes_ip;
    rec.resp_pkts = c.resp.num_pkts;
    rec.resp_ip_bytes = c.resp.num_bytes_ip;
    if (c.service.length > 0) rec.service = c.service.join(",").toLowerCase();
    rec.conn_state = connState(c);
    if (c.history !== "") rec.history = c.history;
    rec.local_orig = Site.isLocalAddr(c.id.orig_h);
    rec.local_resp = Site.isLocalAddr(c.id.resp_h);
    rec.ip_proto = c.ip_proto;
    addTunnelParent(c, c.tunnel);
  },
  { priority: 5 },
);

on("connection_state_remove", (c) => Log.write("Conn::LOG", c.conn!), { priority: -5 });
