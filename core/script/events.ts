// The events scripts can handle, with the kinds of their arguments in Zeek's order. The runtime uses
// the kinds to build each event's arguments only when some script handles it, and the sandbox
// generates one marshaller per event from them.

/**
 * "connection": the Connection record; "record": any other plain data (protocol messages), copied
 * as it is; the scalars as named.
 */
export type ArgKind = "connection" | "string" | "bool" | "count" | "double" | "record";

export const EVENTS = {
  zeek_init: [],
  zeek_done: [],
  new_connection: ["connection"],
  connection_established: ["connection"],
  connection_attempt: ["connection"],
  connection_rejected: ["connection"],
  connection_finished: ["connection"],
  connection_half_finished: ["connection"],
  connection_reset: ["connection"],
  partial_connection: ["connection"],
  connection_timeout: ["connection"],
  connection_flipped: ["connection"],
  connection_state_remove: ["connection"],
  content_gap: ["connection", "bool", "count", "count"],
  analyzer_confirmation: ["connection", "string"],
  conn_weird: ["string", "connection", "string", "string"],
  net_weird: ["string", "string", "string"],
  // Tunnels (core/decapsulation.ts): Zeek's tunnel_changed, the connection and its new stack.
  tunnel_changed: ["connection", "record"],
  // DNS (analyzers/dns): Zeek's events.bif, same order of arguments.
  dns_message: ["connection", "bool", "record", "count"],
  dns_request: ["connection", "record", "string", "count", "count", "string"],
  dns_rejected: ["connection", "record", "string", "count", "count", "string"],
  dns_query_reply: ["connection", "record", "string", "count", "count", "string"],
  dns_A_reply: ["connection", "record", "record", "string"],
  dns_AAAA_reply: ["connection", "record", "record", "string"],
  dns_A6_reply: ["connection", "record", "record", "string"],
  dns_NS_reply: ["connection", "record", "record", "string"],
  dns_CNAME_reply: ["connection", "record", "record", "string"],
  dns_PTR_reply: ["connection", "record", "record", "string"],
  dns_SOA_reply: ["connection", "record", "record", "record"],
  dns_WKS_reply: ["connection", "record", "record"],
  dns_HINFO_reply: ["connection", "record", "record", "string", "string"],
  dns_MX_reply: ["connection", "record", "record", "string", "count"],
  dns_TXT_reply: ["connection", "record", "record", "record"],
  dns_SPF_reply: ["connection", "record", "record", "record"],
  dns_CAA_reply: ["connection", "record", "record", "count", "string", "string"],
  dns_SRV_reply: ["connection", "record", "record", "string", "count", "count", "count"],
  dns_NAPTR_reply: ["connection", "record", "record", "record"],
  dns_unknown_reply: ["connection", "record", "record"],
  dns_EDNS_addl: ["connection", "record", "record"],
  dns_EDNS_ecs: ["connection", "record", "record"],
  dns_EDNS_tcp_keepalive: ["connection", "record", "record"],
  dns_EDNS_cookie: ["connection", "record", "record"],
  dns_TKEY: ["connection", "record", "record"],
  dns_TSIG_addl: ["connection", "record", "record"],
  dns_RRSIG: ["connection", "record", "record", "record"],
  dns_DNSKEY: ["connection", "record", "record", "record"],
  dns_NSEC: ["connection", "record", "record", "string", "record"],
  dns_NSEC3: ["connection", "record", "record", "record"],
  dns_NSEC3PARAM: ["connection", "record", "record", "record"],
  dns_DS: ["connection", "record", "record", "record"],
  dns_BINDS: ["connection", "record", "record", "record"],
  dns_SSHFP: ["connection", "record", "record", "count", "count", "string"],
  dns_LOC: ["connection", "record", "record", "record"],
  dns_SVCB: ["connection", "record", "record", "record"],
  dns_HTTPS: ["connection", "record", "record", "record"],
  dns_end: ["connection", "record"],
  dns_dynamic_update: ["connection", "record", "string", "count"],
  dns_dynamic_update_pre: ["connection", "record", "record"],
  dns_dynamic_update_del: ["connection", "record", "record"],
  // NetBIOS (analyzers/netbios); the netbios_session_* ones as Zeek's events.bif has them.
  netbios_name_query: ["connection", "bool", "record", "record", "bool"],
  netbios_name_response: ["connection", "bool", "record", "record"],
  netbios_name_registration: ["connection", "bool", "record", "record"],
  netbios_name_release: ["connection", "bool", "record", "record"],
  netbios_name_wack: ["connection", "bool", "record", "record"],
  netbios_node_status: ["connection", "bool", "record", "record", "record"],
  netbios_datagram: ["connection", "bool", "record"],
  netbios_browser_announcement: ["connection", "record", "record"],
  netbios_session_message: ["connection", "bool", "count", "count"],
  netbios_session_request: ["connection", "string"],
  netbios_session_accepted: ["connection", "string"],
  netbios_session_rejected: ["connection", "string"],
  netbios_session_raw_message: ["connection", "bool", "string"],
  netbios_session_ret_arg_resp: ["connection", "string"],
  netbios_session_keepalive: ["connection", "string"],
  netbios_session_call: ["connection", "record", "record"],
  netbios_session_response: ["connection", "record"],
  // DHCP (analyzers/dhcp): Zeek's events.bif.
  dhcp_message: ["connection", "bool", "record", "record"],
  // SNMP (analyzers/snmp): Zeek's events.bif, same order of arguments.
  snmp_get_request: ["connection", "bool", "record", "record"],
  snmp_get_next_request: ["connection", "bool", "record", "record"],
  snmp_get_bulk_request: ["connection", "bool", "record", "record"],
  snmp_response: ["connection", "bool", "record", "record"],
  snmp_set_request: ["connection", "bool", "record", "record"],
  snmp_trap: ["connection", "bool", "record", "record"],
  snmp_trapV2: ["connection", "bool", "record", "record"],
  snmp_inform_request: ["connection", "bool", "record", "record"],
  snmp_report: ["connection", "bool", "record", "record"],
  snmp_unknown_pdu: ["connection", "bool", "record", "count"],
  snmp_unknown_scoped_pdu: ["connection", "bool", "record", "count"],
  snmp_encrypted_pdu: ["connection", "bool", "record"],
  snmp_unknown_header_version: ["connection", "bool", "count"],
  // FTP (analyzers/ftp): Zeek's events.bif, same order of arguments.
  ftp_request: ["connection", "string", "string"],
  ftp_reply: ["connection", "count", "string", "bool"],
  ftp_starttls: ["connection"],
} as const satisfies Record<string, readonly ArgKind[]>;

export type EventName = keyof typeof EVENTS;

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(EVENTS, name);
}
