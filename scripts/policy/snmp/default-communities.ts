// policy/snmp/default-communities: a notice-style row in snmp_default_community.log for each
// SNMPv1/v2c session that used a community anyone would try first (a vendor default such as
// "public" or "private", or an empty one), with whether the agent answered it: a response means
// the guess worked and the device is open to whoever sends it. One row per session and community,
// written when the session ends.
//
//   nsm -r trace.pcap policy/snmp/default-communities --set SNMP::default_communities=public,private,acme
import { on, Log, option, connectionState, type Connection, type SnmpHeader } from "nsm";

/** Communities reported, comma-separated (an empty community is always reported). */
const DEFAULT_COMMUNITIES = new Set(
  option("SNMP::default_communities", "public,private,community,snmp,snmpd,admin,manager,cisco,default,secret,monitor,read,write,test,guest,all,0,1234")
    .split(",")
    .map((s) => s.trim()),
);

Log.createStream("SNMP::DEFAULT_COMMUNITY", {
  path: "snmp_default_community",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    note: "enum",
    msg: "string",
    sub: "string", // the community
    src: "addr",
    dst: "addr",
    p: "port",
    accepted: "bool", // the agent answered with a response carrying this community
  },
});

interface Seen {
  ts: number;
  version: string;
  accepted: boolean;
}

/** Per session, the default communities seen so far. */
const state = connectionState<Map<string, Seen>>();

function community(h: SnmpHeader): [string, string] | undefined {
  if (h.v1) return [h.v1.community, "v1"];
  if (h.v2) return [h.v2.community, "v2c"];
  return undefined;
}

function seen(c: Connection, h: SnmpHeader, isResponse: boolean): void {
  const found = community(h);
  if (found === undefined) return;
  const [name, version] = found;
  if (name !== "" && !DEFAULT_COMMUNITIES.has(name)) return;
  let communities = state.get(c);
  if (communities === undefined) state.set(c, (communities = new Map()));
  let s = communities.get(name);
  if (s === undefined) communities.set(name, (s = { ts: c.snmp?.ts ?? c.start_time, version, accepted: false }));
  if (isResponse) s.accepted = true;
}

on("snmp_get_request", (c, _is_orig, h) => seen(c, h, false));
on("snmp_get_next_request", (c, _is_orig, h) => seen(c, h, false));
on("snmp_get_bulk_request", (c, _is_orig, h) => seen(c, h, false));
on("snmp_set_request", (c, _is_orig, h) => seen(c, h, false));
on("snmp_trap", (c, _is_orig, h) => seen(c, h, false));
on("snmp_trapV2", (c, _is_orig, h) => seen(c, h, false));
on("snmp_inform_request", (c, _is_orig, h) => seen(c, h, false));
on("snmp_response", (c, is_orig, h) => seen(c, h, !is_orig));

on("connection_state_remove", (c) => {
  const communities = state.get(c);
  if (communities === undefined) return;
  for (const [name, s] of communities) {
    const shown = name === "" ? "an empty community" : `community "${name}"`;
    Log.write("SNMP::DEFAULT_COMMUNITY", {
      ts: s.ts,
      uid: c.uid,
      id: c.id,
      note: "SNMP::Default_Community",
      msg: `SNMP ${s.version} request with ${shown} from ${c.id.orig_h} to ${c.id.resp_h}:${c.id.resp_p}${s.accepted ? ", answered by the agent" : ""}`,
      sub: name,
      src: c.id.orig_h,
      dst: c.id.resp_h,
      p: c.id.resp_p,
      accepted: s.accepted,
    });
  }
});
