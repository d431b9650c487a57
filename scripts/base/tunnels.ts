// tunnel.log: the tunnels nsm took packets out of, as Zeek's base/frameworks/tunnels logs them. A
// tunnel is discovered when a connection inside it is first seen (or moves into it); a tunnel over
// UDP is closed when its UDP connection is removed; a tunnel no new connection was seen in for
// Tunnel::expiration_interval expires.
import { on, Log, networkTime, option, schedule, type ConnId, type Connection, type EncapsulatingConn } from "nsm";

Log.createStream("Tunnel::LOG", {
  path: "tunnel",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    tunnel_type: "enum",
    action: "enum",
  },
});

const expirationInterval = option("Tunnel::expiration_interval", 3600);

interface Active {
  uid: string;
  id: ConnId;
  tunnel_type: string;
  /** Network time of the last connection seen in the tunnel. */
  used: number;
}

/** Tunnels discovered and not yet closed or expired, by their endpoints (Zeek's Tunnel::active). */
const active = new Map<string, Active>();

function key(id: ConnId): string {
  return `${id.orig_h}|${id.orig_p}|${id.resp_h}|${id.resp_p}|${id.proto}`;
}

function write(t: Active, action: string): void {
  Log.write("Tunnel::LOG", { ts: networkTime(), uid: t.uid, id: t.id, tunnel_type: t.tunnel_type, action });
}

function close(k: string, t: Active, action: string): void {
  write(t, action);
  active.delete(k);
}

/** Checks an active tunnel once it may have gone unused for the expiration interval. */
function watch(k: string, t: Active): void {
  schedule(t.used + expirationInterval - networkTime(), () => {
    if (active.get(k) !== t) return;
    if (networkTime() - t.used >= expirationInterval) close(k, t, "Tunnel::EXPIRE");
    else watch(k, t);
  });
}

function register(e: EncapsulatingConn[] | undefined): void {
  if (e === undefined) return;
  for (const ec of e) {
    const k = key(ec.cid);
    const known = active.get(k);
    if (known !== undefined) {
      known.used = networkTime();
      continue;
    }
    const t: Active = { uid: ec.uid, id: ec.cid, tunnel_type: ec.tunnel_type, used: networkTime() };
    active.set(k, t);
    write(t, "Tunnel::DISCOVER");
    watch(k, t);
  }
}

on("new_connection", (c) => register(c.tunnel), { priority: 5 });
on("tunnel_changed", (_c, e) => register(e), { priority: 5 });

// A tunnel's own UDP connection leaves: the tunnel is closed (Zeek's removal hook, before conn.log's row).
on(
  "connection_state_remove",
  (c: Connection) => {
    const k = key(c.id);
    const t = active.get(k);
    if (t !== undefined && t.uid === c.uid) close(k, t, "Tunnel::CLOSE");
  },
  { priority: -3 },
);
