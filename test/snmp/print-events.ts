// Prints every SNMP event the way Zeek's testing/scripts/snmp-test.zeek does (its output is the
// corpus baseline), so the test can compare ours with Zeek's line by line. Zeek's print renders
// strings with non-printable bytes as \xNN, booleans as T/F and unset optional fields as
// <uninitialized>; this script does the same.
import { on, print, type Connection, type SnmpBinding, type SnmpHeader, type SnmpPdu } from "nsm";

function str(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const b = s.charCodeAt(i);
    out += b < 0x20 || b > 0x7e ? "\\x" + b.toString(16).padStart(2, "0") : s[i];
  }
  return out;
}

const bool = (b: boolean) => (b ? "T" : "F");

function record(fields: [string, unknown][]): string {
  return "[" + fields.map(([k, v]) => `${k}=${v === undefined ? "<uninitialized>" : v}`).join(", ") + "]";
}

function conn(c: Connection, isOrig: boolean): void {
  const id = c.id;
  print(`  [orig_h=${id.orig_h}, orig_p=${id.orig_p}/${id.proto}, resp_h=${id.resp_h}, resp_p=${id.resp_p}/${id.proto}, proto=${c.ip_proto}, ctx=[]]`);
  print(`  is_orig: ${bool(isOrig)}`);
}

function header(h: SnmpHeader): void {
  if (h.v1) print(`  [community=${str(h.v1.community)}]`);
  else if (h.v2) print(`  [community=${str(h.v2.community)}]`);
  else if (h.v3) {
    const v = h.v3;
    const ctx = v.pdu_context && record([["engine_id", str(v.pdu_context.engine_id)], ["name", str(v.pdu_context.name)]]);
    const u = v.user_security_parameters;
    const usm = u && record([
      ["AuthoritativeEngineID", str(u.AuthoritativeEngineID)],
      ["AuthoritativeEngineBoots", u.AuthoritativeEngineBoots],
      ["AuthoritativeEngineTime", u.AuthoritativeEngineTime],
      ["UserName", str(u.UserName)],
      ["AuthenticationParameters", str(u.AuthenticationParameters)],
      ["PrivacyParameters", str(u.PrivacyParameters)],
    ]);
    print("  " + record([
      ["id", v.id], ["max_size", v.max_size], ["flags", v.flags], ["auth_flag", bool(v.auth_flag)], ["priv_flag", bool(v.priv_flag)],
      ["reportable_flag", bool(v.reportable_flag)], ["security_model", v.security_model], ["security_params", str(v.security_params)],
      ["pdu_context", ctx], ["user_security_parameters", usm],
    ]));
  }
}

const NAMED: Record<number, string> = { 0x05: "<unspecified>", 0x80: "<no such object>", 0x81: "<no such instance>", 0x82: "<end of mib view>" };

function bindings(list: SnmpBinding[]): void {
  for (const b of list) {
    print(`    oid: ${b.oid}`);
    const v = b.value;
    const shown = v.oid ?? v.signed ?? v.unsigned ?? v.address ?? (v.octets !== undefined ? str(v.octets) : (NAMED[v.tag] ?? "<unknown>"));
    print(`    value (tag=0x${v.tag.toString(16).padStart(2, "0")}): ${shown}`);
  }
}

function pdu(name: string, c: Connection, isOrig: boolean, h: SnmpHeader, p: SnmpPdu): void {
  print(name);
  conn(c, isOrig);
  header(h);
  print(`    request_id: ${p.request_id}`);
  print(`    error_stat: ${p.error_status}`);
  print(`    error_idx:  ${p.error_index}`);
  bindings(p.bindings);
}

// snmp-test.zeek prints get-next as "snmp_get_request" and the v2 trap as "snmp_trapv2".
on("snmp_get_request", (c, o, h, p) => pdu("snmp_get_request", c, o, h, p));
on("snmp_get_next_request", (c, o, h, p) => pdu("snmp_get_request", c, o, h, p));
on("snmp_response", (c, o, h, p) => pdu("snmp_response", c, o, h, p));
on("snmp_set_request", (c, o, h, p) => pdu("snmp_set_request", c, o, h, p));
on("snmp_inform_request", (c, o, h, p) => pdu("snmp_inform_request", c, o, h, p));
on("snmp_trapV2", (c, o, h, p) => pdu("snmp_trapv2", c, o, h, p));
on("snmp_report", (c, o, h, p) => pdu("snmp_report", c, o, h, p));

on("snmp_trap", (c, o, h, p) => {
  print("snmp_trap");
  conn(c, o);
  header(h);
  print(`    enterprise:    ${p.enterprise}`);
  print(`    agent:         ${p.agent}`);
  print(`    generic_trap:  ${p.generic_trap}`);
  print(`    specific_trap: ${p.specific_trap}`);
  print(`    time_stamp:    ${p.time_stamp}`);
  bindings(p.bindings);
});

on("snmp_get_bulk_request", (c, o, h, p) => {
  print("snmp_get_bulk_request");
  conn(c, o);
  header(h);
  print(`    request_id:      ${p.request_id}`);
  print(`    non_repeaters:   ${p.non_repeaters}`);
  print(`    max_repetitions: ${p.max_repetitions}`);
  bindings(p.bindings);
});

function tagged(name: string, c: Connection, isOrig: boolean, h: SnmpHeader, tag: number): void {
  print(name);
  conn(c, isOrig);
  header(h);
  print(`  tag: ${tag}`);
}

on("snmp_unknown_pdu", (c, o, h, tag) => tagged("snmp_unknown_pdu", c, o, h, tag));
on("snmp_unknown_scoped_pdu", (c, o, h, tag) => tagged("snmp_unknown_scoped_pdu", c, o, h, tag));

on("snmp_encrypted_pdu", (c, o, h) => {
  print("snmp_encrypted_pdu");
  conn(c, o);
  header(h);
});

on("snmp_unknown_header_version", (c, o, version) => {
  print("snmp_unknown_header_version");
  conn(c, o);
  print(`  version ${version}`);
});
