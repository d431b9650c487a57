// Long-lived connections: tunnels, exfiltration that trickles, remote shells left open, beacons that
// keep one flow alive. Anything that stays open longer than a threshold is reported to
// long_conns.log while it is still open (once per threshold: after 1 h, 2 h, ... by default), and
// once more when it ends, with its final sizes: the analyst need not wait for conn.log. As with Zeek's
// connection polling, each connection gets a timer of its own; one that has ended by then costs a
// call that finds it gone.
//
//   nsm -r trace.pcap examples/scripts/long-connections.ts --set LongConnections::threshold=10min
import { on, Log, option, schedule, networkTime, connectionState, type Connection } from "nsm";

/** How long a connection must last to be reported, and how often it is reported while open. */
const THRESHOLD = option("LongConnections::threshold", 3600);

Log.createStream("LongConnections::LOG", {
  path: "long_conns",
  columns: {
    ts: "time", // when the connection started, as in conn.log
    uid: "string",
    id: "conn_id",
    proto: "enum",
    service: "string",
    duration: "interval", // so far while open; first to last packet once closed
    orig_bytes: "count", // payload sizes, known once closed
    resp_bytes: "count",
    status: "string", // "open" or "closed"
  },
});

/**
 * Each open connection as this script last saw it in an event, and whether it was reported open. A
 * scheduled check sees no packet, so it reads what the connection's events left here: the addresses
 * (a connection can be flipped), and the service once an analyzer confirms it. Bytes are not
 * refreshed between events, so "open" rows leave them unset rather than report stale counts.
 */
interface Open {
  conn: Connection;
  reported: boolean;
}
const open = connectionState<Open>();

function row(c: Connection, duration: number, status: "open" | "closed") {
  return {
    ts: c.start_time,
    uid: c.uid,
    id: c.id,
    proto: c.id.proto,
    service: c.service.length > 0 ? c.service.join(",").toLowerCase() : undefined,
    duration,
    status,
  };
}

/** Reports connection `first` if it is still open, and plans the next check. */
function check(first: Connection): void {
  const o = open.get(first);
  if (o === undefined) return; // removed since: its "closed" row says the rest
  const c = o.conn;
  const openFor = networkTime() - c.start_time;
  Log.write("LongConnections::LOG", row(c, openFor, "open"));
  o.reported = true;
  // The next check is due at the next whole multiple of the threshold after the start; timers fire
  // with the first packet at or after their time, so after a quiet spell this one may have run late.
  schedule((Math.floor(openFor / THRESHOLD) + 1) * THRESHOLD - openFor, () => check(first));
}

on("new_connection", (c) => {
  open.set(c, { conn: c, reported: false });
  schedule(THRESHOLD, () => check(c));
});

const refresh = (c: Connection) => {
  const o = open.get(c);
  if (o !== undefined) o.conn = c;
};
on("connection_flipped", refresh);
on("analyzer_confirmation", refresh);

// A connection reported open gets its closed row even if its last packet came before the threshold.
on("connection_state_remove", (c) => {
  const o = open.get(c);
  open.delete(c); // a check still scheduled for it will find it gone
  if (c.duration <= THRESHOLD && !o?.reported) return;
  Log.write("LongConnections::LOG", { ...row(c, c.duration, "closed"), orig_bytes: c.orig.size, resp_bytes: c.resp.size });
});
