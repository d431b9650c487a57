// Watch list: every connection to or from an address you care about (a known-bad server from threat
// intel, a host under investigation, a crown-jewel database) goes to watch_list.log twice: when it
// starts, as an early warning that needs no wait for the connection to end, and when it ends, with
// its service, duration and sizes.
//
//   nsm -r trace.pcap examples/scripts/watch-list.ts --set WatchList::addresses=203.0.113.7,2001:db8::66
import { on, Log, option, type Addr, type Connection } from "nsm";

/**
 * The addresses, comma-separated, written as nsm writes them (IPv6 compressed; case does not
 * matter). Empty by default: the script then handles no event and costs nothing.
 */
const WATCHED = new Set(
  option("WatchList::addresses", "")
    .split(",")
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a !== ""),
);

Log.createStream("WatchList::LOG", {
  path: "watch_list",
  columns: {
    ts: "time", // when the connection started, as in conn.log
    uid: "string",
    id: "conn_id",
    proto: "enum",
    side: "string", // which end is watched: "orig", "resp" or "both"
    watched: "addr", // the watched address (the originator's when both are)
    status: "string", // "open" (it started) or "closed" (it ended)
    service: "string",
    duration: "interval",
    orig_bytes: "count",
    resp_bytes: "count",
  },
});

/** Which end of the connection is on the watch list, if any. */
function watchedSide(orig: Addr, resp: Addr): "orig" | "resp" | "both" | undefined {
  const o = WATCHED.has(orig);
  const r = WATCHED.has(resp);
  return o && r ? "both" : o ? "orig" : r ? "resp" : undefined;
}

/** The row for `c`, or undefined when neither end is watched. Sides are looked up each time: a
 * connection can be flipped between its start and its end. */
function match(c: Connection, status: "open" | "closed") {
  const side = watchedSide(c.id.orig_h, c.id.resp_h);
  if (side === undefined) return undefined;
  return { ts: c.start_time, uid: c.uid, id: c.id, proto: c.id.proto, side, watched: side === "resp" ? c.id.resp_h : c.id.orig_h, status };
}

if (WATCHED.size > 0) {
  on("new_connection", (c) => {
    const rec = match(c, "open");
    if (rec) Log.write("WatchList::LOG", rec);
  });

  on("connection_state_remove", (c) => {
    const rec = match(c, "closed");
    if (!rec) return;
    Log.write("WatchList::LOG", {
      ...rec,
      service: c.service.length > 0 ? c.service.join(",").toLowerCase() : undefined,
      duration: c.duration,
      orig_bytes: c.orig.size,
      resp_bytes: c.resp.size,
    });
  });
}
