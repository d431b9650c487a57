// policy/snmp/varbinds: one row per SNMP PDU in snmp_varbinds.log, with every variable binding's
// OID, value type and value, which Zeek's snmp.log leaves out (it only counts them): what was
// asked, what was set, what the agent answered, what a trap carried. An encrypted v3 PDU (authPriv)
// gets a row too, with no bindings: that there was one is itself worth seeing.
import { on, Log, networkTime, type Connection, type SnmpBinding, type SnmpHeader, type SnmpObjectValue } from "nsm";
import { loggable } from "../../base/byte-strings.ts";

Log.createStream("SNMP::VARBINDS", {
  path: "snmp_varbinds",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    is_orig: "bool",
    version: "string",
    community: "string", // v1/v2c: the community; v3: the USM user name (unset when encrypted)
    pdu: "string",
    request_id: "int",
    error_status: "count",
    error_index: "count",
    enterprise: "string", // v1 traps
    oids: "vector[string]",
    types: "vector[string]",
    values: "vector[string]",
  },
});

const VERSIONS: Record<number, string> = { 0: "1", 1: "2c", 3: "3" };

/** SMIv2's names for the value types (RFC 2578, RFC 3416's exceptions). */
const TYPES: Record<number, string> = {
  0x02: "Integer32", 0x04: "OCTET STRING", 0x05: "NULL", 0x06: "OBJECT IDENTIFIER", 0x40: "IpAddress",
  0x41: "Counter32", 0x42: "Gauge32", 0x43: "TimeTicks", 0x44: "Opaque", 0x46: "Counter64",
  0x80: "noSuchObject", 0x81: "noSuchInstance", 0x82: "endOfMibView",
};

function typeName(tag: number): string {
  return TYPES[tag] ?? `tag-0x${tag.toString(16).padStart(2, "0")}`;
}

function valueText(v: SnmpObjectValue): string {
  const n = v.signed ?? v.unsigned;
  if (n !== undefined) return String(n);
  return v.oid ?? v.address ?? v.octets ?? "";
}

function communityOf(h: SnmpHeader): string | undefined {
  return h.v1?.community ?? h.v2?.community ?? h.v3?.user_security_parameters?.UserName;
}

interface Pdu {
  request_id?: number;
  error_status?: number;
  error_index?: number;
  enterprise?: string;
  bindings?: SnmpBinding[];
}

function write(c: Connection, isOrig: boolean, h: SnmpHeader, pdu: string, p: Pdu): void {
  const bindings = p.bindings ?? [];
  Log.write("SNMP::VARBINDS", {
    ts: networkTime(),
    uid: c.uid,
    id: c.id,
    is_orig: isOrig,
    version: VERSIONS[h.version] ?? "unknown",
    community: loggable(communityOf(h)),
    pdu,
    request_id: p.request_id,
    error_status: p.error_status,
    error_index: p.error_index,
    enterprise: p.enterprise,
    oids: bindings.map((b) => b.oid),
    types: bindings.map((b) => typeName(b.value.tag)),
    values: bindings.map((b) => loggable(valueText(b.value))),
  });
}

on("snmp_get_request", (c, o, h, p) => write(c, o, h, "get_request", p));
on("snmp_get_next_request", (c, o, h, p) => write(c, o, h, "get_next_request", p));
on("snmp_response", (c, o, h, p) => write(c, o, h, "response", p));
on("snmp_set_request", (c, o, h, p) => write(c, o, h, "set_request", p));
on("snmp_trapV2", (c, o, h, p) => write(c, o, h, "trapV2", p));
on("snmp_inform_request", (c, o, h, p) => write(c, o, h, "inform_request", p));
on("snmp_report", (c, o, h, p) => write(c, o, h, "report", p));
on("snmp_get_bulk_request", (c, o, h, p) => write(c, o, h, "get_bulk_request", { request_id: p.request_id, bindings: p.bindings }));
on("snmp_trap", (c, o, h, p) => write(c, o, h, "trap", { enterprise: p.enterprise, bindings: p.bindings }));
on("snmp_encrypted_pdu", (c, o, h) => write(c, o, h, "encrypted", {}));
on("snmp_unknown_pdu", (c, o, h, tag) => write(c, o, h, `unknown-0x${tag.toString(16)}`, {}));
