// snmp.log: one row per SNMP session (a UDP flow), as Zeek's base/protocols/snmp writes it: the
// version and community (for v3, the first non-empty USM user name) of its first message, how
// many variable bindings its get, get-next, get-bulk, response and set PDUs carried, and what the
// agent's responses said about itself (sysDescr, and sysUpTime turned into the time it came up).
// The row is written when the connection goes.
import { on, Log, networkTime, type Connection, type SnmpHeader, type SnmpInfo } from "nsm";
import { loggable } from "./byte-strings.ts";

Log.createStream("SNMP::LOG", {
  path: "snmp",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    duration: "interval",
    version: "string",
    community: "string",
    get_requests: "count",
    get_bulk_requests: "count",
    get_responses: "count",
    set_requests: "count",
    display_string: "string",
    up_since: "time",
  },
});

/** Zeek's SNMP::version_map. */
const VERSIONS: Record<number, string> = { 0: "1", 1: "2c", 3: "3" };

const SYS_DESCR = "1.3.6.1.2.1.1.1.0";
const SYS_UP_TIME = "1.3.6.1.2.1.1.3.0";

/** The session's row, made at its first message; the community (or user) of the first that has one. */
function session(c: Connection, h: SnmpHeader): SnmpInfo {
  let s = c.snmp;
  if (s === undefined) {
    s = {
      ts: networkTime(),
      uid: c.uid,
      id: c.id,
      duration: 0,
      version: VERSIONS[h.version] ?? "unknown",
      get_requests: 0,
      get_bulk_requests: 0,
      get_responses: 0,
      set_requests: 0,
    };
    c.snmp = s;
  }
  if (s.community === undefined) {
    if (h.v1 !== undefined) s.community = h.v1.community;
    else if (h.v2 !== undefined) s.community = h.v2.community;
    else if (h.v3?.user_security_parameters !== undefined && h.v3.user_security_parameters.UserName.length > 0) {
      s.community = h.v3.user_security_parameters.UserName;
    }
  }
  s.duration = networkTime() - s.ts;
  return s;
}

const PRIORITY = { priority: 5 };

on("snmp_get_request", (c, _is_orig, h, pdu) => void (session(c, h).get_requests += pdu.bindings.length), PRIORITY);
on("snmp_get_next_request", (c, _is_orig, h, pdu) => void (session(c, h).get_requests += pdu.bindings.length), PRIORITY);
on("snmp_get_bulk_request", (c, _is_orig, h, pdu) => void (session(c, h).get_bulk_requests += pdu.bindings.length), PRIORITY);
on("snmp_set_request", (c, _is_orig, h, pdu) => void (session(c, h).set_requests += pdu.bindings.length), PRIORITY);

on(
  "snmp_response",
  (c, _is_orig, h, pdu) => {
    const s = session(c, h);
    s.get_responses += pdu.bindings.length;
    for (const b of pdu.bindings) {
      if (b.oid === SYS_DESCR && b.value.octets !== undefined) s.display_string = b.value.octets;
      else if (b.oid === SYS_UP_TIME && b.value.unsigned !== undefined) s.up_since = networkTime() - Number(b.value.unsigned) / 100;
    }
  },
  PRIORITY,
);

on("snmp_trap", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_trapV2", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_inform_request", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_report", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_unknown_pdu", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_unknown_scoped_pdu", (c, _is_orig, h) => void session(c, h), PRIORITY);
on("snmp_encrypted_pdu", (c, _is_orig, h) => void session(c, h), PRIORITY);

on("connection_state_remove", (c) => {
  const s = c.snmp;
  if (s === undefined) return;
  Log.write("SNMP::LOG", { ...s, community: loggable(s.community), display_string: loggable(s.display_string) });
});
