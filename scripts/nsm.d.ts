// The script API: what a script gets from `import { ... } from "nsm"`. The same declarations serve
// bundled scripts (run natively) and user scripts (run in the sandbox); `nsm check FILE.ts`
// type-checks a script against them. Names and argument orders follow Zeek's where Zeek has them.

// ---- Values -------------------------------------------------------------------------------

/** Seconds since the epoch (Zeek's `time`). */
export type Time = number;
/** Seconds (Zeek's `interval`). */
export type Interval = number;
/** An IPv4 dotted quad or an IPv6 address in compressed lower-case form. */
export type Addr = string;
/** A port number; the transport is in `ConnId.proto`. */
export type Port = number;
export type TransportProto = "tcp" | "udp" | "icmp" | "unknown_transport";

/** The connection's 5-tuple, originator → responder (Zeek's `conn_id`). */
export interface ConnId {
  orig_h: Addr;
  orig_p: Port;
  resp_h: Addr;
  resp_p: Port;
  proto: TransportProto;
}

/**
 * An endpoint's state. TCP: 0 inactive, 1 SYN sent, 2 SYN-ACK sent, 3 partial, 4 established,
 * 5 closed, 6 reset (Zeek's TCP_* constants). UDP and ICMP: 0 inactive, 1 active.
 */
export type EndpointState = number;

/** One side of a connection (Zeek's `endpoint`). */
export interface Endpoint {
  /** Payload bytes (TCP: from sequence numbers). */
  size: number;
  state: EndpointState;
  num_pkts: number;
  /** IP-level bytes (sum of the IP total-length fields). */
  num_bytes_ip: number;
  /** Link-layer address when the link has one. */
  l2_addr?: string;
}

/** A connection (Zeek's `connection` record). */
export interface Connection {
  uid: string;
  id: ConnId;
  orig: Endpoint;
  resp: Endpoint;
  start_time: Time;
  duration: Interval;
  /** Analyzers that confirmed their protocol, in order ("dns", "dhcp", ...). */
  service: string[];
  /** Zeek's history letters. */
  history: string;
  /** The IP protocol number. */
  ip_proto: number;
  vlan?: number;
  inner_vlan?: number;
  /** The tunnels the connection is inside, outermost first (Zeek's `c$tunnel`); absent off the wire. */
  tunnel?: EncapsulatingConn[];
  /** conn.log's record while it is being built (bundled scripts extend it; see base/conn). */
  conn?: Record<string, unknown>;
}

/** Zeek's Tunnel::Type values nsm decapsulates. */
export type TunnelType =
  | "Tunnel::IP" | "Tunnel::GRE" | "Tunnel::VXLAN" | "Tunnel::GENEVE" | "Tunnel::TEREDO" | "Tunnel::AYIYA" | "Tunnel::GTPv1";

/** One tunnel around a connection (Zeek's `Tunnel::EncapsulatingConn`). */
export interface EncapsulatingConn {
  /** The tunnel's endpoints as its first packet had them; the ports are 0 for IP and GRE tunnels. */
  cid: ConnId;
  tunnel_type: TunnelType;
  /** The tunnel's uid: for a tunnel over UDP, the uid of that UDP connection. */
  uid: string;
}

// ---- Events ---------------------------------------------------------------------------------

/** Every event a script can handle, with Zeek's argument order. */
export interface Events {
  /** After all scripts are loaded, before the first packet. */
  zeek_init: [];
  /** After the last packet, once every connection has been removed. */
  zeek_done: [];
  new_connection: [c: Connection];
  connection_established: [c: Connection];
  connection_attempt: [c: Connection];
  connection_rejected: [c: Connection];
  connection_finished: [c: Connection];
  connection_half_finished: [c: Connection];
  connection_reset: [c: Connection];
  partial_connection: [c: Connection];
  connection_timeout: [c: Connection];
  connection_flipped: [c: Connection];
  /** The connection leaves the table; its record is final. */
  connection_state_remove: [c: Connection];
  /** Bytes of one direction's stream were never seen (conn.log missed_bytes). */
  content_gap: [c: Connection, is_orig: boolean, seq: number, length: number];
  /** An analyzer confirmed its protocol on the connection (it is now in `c.service`). */
  analyzer_confirmation: [c: Connection, analyzer: string];
  /** Something malformed or unexpected on a connection. */
  conn_weird: [name: string, c: Connection, addl: string, source: string];
  /** Something malformed or unexpected outside any connection. */
  net_weird: [name: string, addl: string, source: string];
  /**
   * A packet of the connection came with other tunnels around it (`e`, empty for none) than
   * `c.tunnel`; at most Tunnel::max_changes_per_connection times per connection.
   */
  tunnel_changed: [c: Connection, e: EncapsulatingConn[]];
}

export type EventName = keyof Events;
export type Handler<E extends EventName> = (...args: Events[E]) => void;

/**
 * Handles an event. Handlers of one event run by descending priority (default 0), then in the
 * order scripts were loaded, as Zeek's &priority does.
 */
export declare function on<E extends EventName>(event: E, handler: Handler<E>, options?: { priority?: number }): void;

// ---- Logs -----------------------------------------------------------------------------------

/** Zeek's column types. */
export type ColumnType =
  | "time" | "interval" | "addr" | "subnet" | "port" | "count" | "int" | "double" | "bool" | "string" | "enum"
  | `set[${string}]` | `vector[${string}]`;

/**
 * Columns in order, by their flattened names ("id.orig_h"). `id: "conn_id"` stands for the four
 * columns of a connection's id (id.orig_h, id.orig_p, id.resp_h, id.resp_p), as in Zeek.
 */
export type Columns = Record<string, ColumnType | "conn_id">;

/** A row: flattened names (`"id.orig_h"`) or nested records (`{ id: { orig_h } }`); missing = unset. */
export type LogRecord = Record<string, unknown>;

export interface StreamOptions<R extends LogRecord> {
  /** The file name without `.log`; letters, digits, `_` and `-` only. */
  path: string;
  columns: Columns;
  /** Runs before each write: may change the record; returning false drops it. */
  policy?: (rec: R) => boolean | void;
}

export declare const Log: {
  /** Creates a stream (Zeek's Log::create_stream). `id` names it for write(), e.g. "Conn::LOG". */
  createStream<R extends LogRecord>(id: string, options: StreamOptions<R>): void;
  /** Writes one row (Zeek's Log::write). */
  write(id: string, rec: LogRecord): void;
  /** Adds a policy hook to a stream, run after the stream's own (Zeek's Log::log_policy). */
  addPolicy<R extends LogRecord>(id: string, policy: (rec: R) => boolean | void): void;
  /** Appends columns to a stream (Zeek's `redef record ... += { ... &log }`); bundled scripts. */
  extend(id: string, columns: Columns): void;
};

// ---- Time, options, state, output ------------------------------------------------------------

/** The current network time: the timestamp of the packet being processed. */
export declare function networkTime(): Time;

/** Runs `fn` once `delay` seconds of network time have passed (Zeek's `schedule`). */
export declare function schedule(delay: Interval, fn: () => void): void;

/**
 * Declares an option that `--set NAME=VALUE` can change; returns its value (Zeek's `option`).
 * Names are module-qualified, e.g. "TopTalkers::interval".
 */
export declare function option(name: string, defaultValue: number): number;
export declare function option(name: string, defaultValue: string): string;
export declare function option(name: string, defaultValue: boolean): boolean;
/** A set of strings (Zeek's `set[string]` option): `--set NAME=a,b` replaces it, `--set NAME+=c` adds to it. */
export declare function option(name: string, defaultValue: readonly string[]): string[];

/**
 * Per-connection state of this script, kept until the connection is removed (Zeek's
 * `redef record connection += { ... }`).
 */
export declare function connectionState<T>(): {
  get(c: Connection): T | undefined;
  set(c: Connection, value: T): void;
  delete(c: Connection): void;
};

/** Writes a line to standard output (Zeek's `print`). */
export declare function print(...values: unknown[]): void;

/** Zeek's Site framework. */
export declare const Site: {
  /** In --local-nets or the private/special-purpose address space (Site::is_local_addr). */
  isLocalAddr(a: Addr): boolean;
};

/** Zeek's Reporter framework. */
export declare const Reporter: {
  /**
   * A weird outside any connection (Zeek's Reporter::net_weird): raised as net_weird once the
   * current handler is done, so weird.log has it; sampled as nsm's own weirds are.
   */
  netWeird(name: string, addl?: string, source?: string): void;
  /**
   * A weird about a connection (Zeek's Reporter::conn_weird): raised as conn_weird once the current
   * handler is done, so weird.log has it; sampled as nsm's own weirds are.
   */
  connWeird(c: Connection, name: string, addl?: string, source?: string): void;
};

/** The Community ID v1 of a connection (policy/conn/community-id-logging). */
export declare function communityId(c: Connection, seed?: number): string;

// ---- Health ---------------------------------------------------------------------------------
// Zeek's get_*_stats functions, with Zeek's record field names: counters since the run began, which
// policy/misc/stats and policy/misc/capture-loss turn into per-interval numbers.

/**
 * Packets and bytes the capture delivered (Zeek's NetStats). Live, `pkts_dropped` counts packets nsm
 * let go unanalysed under a flood; the kernel's drops are not known, and `pkts_link` is unset.
 */
export interface NetStats {
  pkts_recvd: number;
  bytes_recvd: number;
  pkts_dropped?: number;
  pkts_link?: number;
}

/** Connections in memory now and created over the run, per transport (Zeek's ConnStats). */
export interface ConnStats {
  num_tcp_conns: number;
  num_udp_conns: number;
  num_icmp_conns: number;
  cumulative_tcp_conns: number;
  cumulative_udp_conns: number;
  cumulative_icmp_conns: number;
}

/** The process (Zeek's ProcStats): resident memory in bytes, CPU seconds. */
export interface ProcStats {
  mem: number;
  user_time: Interval;
  system_time: Interval;
}

/** Events raised and handed to scripts (Zeek's EventStats; nsm dispatches each event as it is raised). */
export interface EventStats {
  queued: number;
  dispatched: number;
}

/** Timers pending now and scheduled over the run (Zeek's TimerStats). */
export interface TimerStats {
  current: number;
  cumulative: number;
}

/** TCP acks seen while both endpoints were established, and those acking data never seen (Zeek's GapStats). */
export interface GapStats {
  ack_events: number;
  ack_bytes: number;
  gap_events: number;
  gap_bytes: number;
}

export declare function getNetStats(): NetStats;
export declare function getConnStats(): ConnStats;
export declare function getProcStats(): ProcStats;
export declare function getEventStats(): EventStats;
export declare function getTimerStats(): TimerStats;
export declare function getGapStats(): GapStats;
/** True when packets come from an interface (`nsm -i`), false for a capture file. */
export declare function readingLiveTraffic(): boolean;
/** The wall clock (Zeek's current_time); networkTime() lags it by the packet processing delay. */
export declare function currentTime(): Time;

// ---- DNS ------------------------------------------------------------------------------------
// The DNS analyzer's events (Zeek's events.bif for DNS, same names and argument orders) and the
// records they carry (Zeek's dns_* record types, same field names). Zeek `string` values are byte
// strings here: one character per byte (latin1), the bytes as they were on the wire; names are
// lower-cased (A-Z only) except `original_query`. Zeek `addr` values are Addr strings; `time` and
// `interval` values are seconds.

/** Zeek's dns_msg: the header of one DNS message. For a dynamic update the counts are zones, prerequisites, updates. */
export interface DnsMsg {
  /** Transaction ID. */
  id: number;
  opcode: number;
  rcode: number;
  QR: boolean;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  /** The 3-bit Z field (it includes the AD and CD bits). */
  Z: number;
  AD: boolean;
  CD: boolean;
  num_queries: number;
  num_answers: number;
  num_auth: number;
  num_addl: number;
  /** Either port is 137 (NetBIOS name service). */
  is_netbios: boolean;
}

/** Zeek's dns_answer: the fixed part of a resource record. */
export interface DnsAnswer {
  /** 1 answer, 2 authority, 3 additional, 4 prerequisite, 5 update (Zeek's DNS_ANS, DNS_AUTH, ...). */
  answer_type: number;
  /** Owner name. */
  query: string;
  qtype: number;
  qclass: number;
  TTL: Interval;
}

export interface DnsSoa {
  mname: string;
  rname: string;
  serial: number;
  refresh: Interval;
  retry: Interval;
  expire: Interval;
  minimum: Interval;
}

/** Zeek's dns_edns_additional, with Zeek's field assignments: `qtype` holds the answer type, `t` the RR type (41). */
export interface DnsEdnsAdditional {
  query: string;
  qtype: number;
  t: number;
  /** The requestor's UDP payload size (the OPT record's class). */
  payload_size: number;
  extended_rcode: number;
  version: number;
  z_field: number;
  TTL: Interval;
  /** 1 when the message came from the originator. */
  is_query: number;
}

export interface DnsEdnsEcs {
  family: "v4" | "v6";
  source_prefix_len: number;
  scope_prefix_len: number;
  address: Addr;
}

export interface DnsEdnsTcpKeepalive {
  keepalive_timeout_omitted: boolean;
  /** In units of 100 ms. */
  keepalive_timeout: number;
}

export interface DnsEdnsCookie {
  client_cookie: string;
  /** "" when the client sent none. */
  server_cookie: string;
}

/** Zeek's dns_tkey (`qtype` holds the answer type, as in Zeek). */
export interface DnsTkey {
  query: string;
  qtype: number;
  alg_name: string;
  inception: Time;
  expiration: Time;
  mode: number;
  rr_error: number;
  key_data: string;
  is_query: number;
}

/** Zeek's dns_tsig_additional (`qtype` holds the answer type, as in Zeek). */
export interface DnsTsigAdditional {
  query: string;
  qtype: number;
  alg_name: string;
  sig: string;
  time_signed: Time;
  fudge: Time;
  orig_id: number;
  rr_error: number;
  is_query: number;
}

export interface DnsRrsigRr {
  query: string;
  answer_type: number;
  type_covered: number;
  algorithm: number;
  labels: number;
  orig_ttl: Interval;
  sig_exp: Time;
  sig_incep: Time;
  key_tag: number;
  signer_name: string;
  signature: string;
  is_query: number;
}

export interface DnsDnskeyRr {
  query: string;
  answer_type: number;
  flags: number;
  protocol: number;
  algorithm: number;
  public_key: string;
  is_query: number;
}

export interface DnsNsec3Rr {
  query: string;
  answer_type: number;
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: string;
  nsec_hlen: number;
  nsec_hash: string;
  bitmaps: string[];
  is_query: number;
}

export interface DnsNsec3paramRr {
  query: string;
  answer_type: number;
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: string;
  is_query: number;
}

export interface DnsDsRr {
  query: string;
  answer_type: number;
  key_tag: number;
  algorithm: number;
  digest_type: number;
  digest_val: string;
  is_query: number;
}

/** BIND 9's signing-state record (type 65534). */
export interface DnsBindsRr {
  query: string;
  answer_type: number;
  algorithm: number;
  key_id: number;
  removal_flag: number;
  complete_flag: number;
  is_query: number;
}

export interface DnsLocRr {
  query: string;
  answer_type: number;
  version: number;
  size: number;
  horiz_pre: number;
  vert_pre: number;
  latitude: number;
  longitude: number;
  altitude: number;
  is_query: number;
}

/** One SvcParam: `key` and the member for that key, or `raw` for a reserved key or a malformed value. */
export interface DnsSvcbParam {
  key: number;
  mandatory?: number[];
  alpn?: string[];
  p?: number;
  hint?: Addr[];
  /** Base64 of the ECHConfigList. */
  ech?: string;
  raw?: string;
}

export interface DnsSvcbRr {
  svc_priority: number;
  /** "." for the owner itself. */
  target_name: string;
  svc_params?: DnsSvcbParam[];
}

export interface DnsNaptrRr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}

/** A dns.log row as base/dns builds it (Zeek's DNS::Info); policy scripts add their columns to it. */
export interface DnsInfo {
  ts: Time;
  uid: string;
  id: ConnId;
  proto: TransportProto;
  trans_id?: number;
  rtt?: Interval;
  query?: string;
  qclass?: number;
  qclass_name?: string;
  qtype?: number;
  qtype_name?: string;
  rcode?: number;
  rcode_name?: string;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  Z: number;
  answers?: string[];
  TTLs?: Interval[];
  rejected: boolean;
  opcode?: number;
  opcode_name?: string;
  /** Records of the authority and additional sections (logged by policy/dns/auth-addl). */
  auth?: string[];
  addl?: string[];
  /** The question as sent (logged by policy/dns/log-original-query-case). */
  original_query?: string;
  total_answers?: number;
  total_replies?: number;
  saw_query: boolean;
  saw_reply: boolean;
  [column: string]: unknown;
}

export interface Connection {
  /** The DNS transaction in progress (base/dns), as Zeek's `c$dns`. */
  dns?: DnsInfo;
}

export interface Events {
  /** Any DNS message, before it is parsed further; `is_orig` is true for the originator's. */
  dns_message: [c: Connection, is_orig: boolean, msg: DnsMsg, len: number];
  /** A question in a query (QR clear). */
  dns_request: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  /** A question in a reply that carries no records at all. */
  dns_rejected: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  /** A question in a reply that carries records. */
  dns_query_reply: [c: Connection, msg: DnsMsg, query: string, qtype: number, qclass: number, original_query: string];
  dns_A_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: Addr];
  dns_AAAA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: Addr];
  dns_A6_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, a: Addr];
  dns_NS_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_CNAME_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_PTR_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string];
  dns_SOA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, soa: DnsSoa];
  dns_WKS_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  dns_HINFO_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, cpu: string, os: string];
  dns_MX_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, name: string, preference: number];
  dns_TXT_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, strs: string[]];
  dns_SPF_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, strs: string[]];
  dns_CAA_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, flags: number, tag: string, value: string];
  dns_SRV_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, target: string, priority: number, weight: number, p: number];
  dns_NAPTR_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer, naptr: DnsNaptrRr];
  /** A record of a type the analyzer does not know. */
  dns_unknown_reply: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  /** The OPT pseudo-record (EDNS). */
  dns_EDNS_addl: [c: Connection, msg: DnsMsg, ans: DnsEdnsAdditional];
  dns_EDNS_ecs: [c: Connection, msg: DnsMsg, opt: DnsEdnsEcs];
  dns_EDNS_tcp_keepalive: [c: Connection, msg: DnsMsg, opt: DnsEdnsTcpKeepalive];
  dns_EDNS_cookie: [c: Connection, msg: DnsMsg, opt: DnsEdnsCookie];
  dns_TKEY: [c: Connection, msg: DnsMsg, ans: DnsTkey];
  dns_TSIG_addl: [c: Connection, msg: DnsMsg, ans: DnsTsigAdditional];
  dns_RRSIG: [c: Connection, msg: DnsMsg, ans: DnsAnswer, rrsig: DnsRrsigRr];
  dns_DNSKEY: [c: Connection, msg: DnsMsg, ans: DnsAnswer, dnskey: DnsDnskeyRr];
  dns_NSEC: [c: Connection, msg: DnsMsg, ans: DnsAnswer, next_name: string, bitmaps: string[]];
  dns_NSEC3: [c: Connection, msg: DnsMsg, ans: DnsAnswer, nsec3: DnsNsec3Rr];
  dns_NSEC3PARAM: [c: Connection, msg: DnsMsg, ans: DnsAnswer, nsec3param: DnsNsec3paramRr];
  dns_DS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, ds: DnsDsRr];
  dns_BINDS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, binds: DnsBindsRr];
  dns_SSHFP: [c: Connection, msg: DnsMsg, ans: DnsAnswer, algo: number, fptype: number, fingerprint: string];
  dns_LOC: [c: Connection, msg: DnsMsg, ans: DnsAnswer, loc: DnsLocRr];
  dns_SVCB: [c: Connection, msg: DnsMsg, ans: DnsAnswer, svcb: DnsSvcbRr];
  dns_HTTPS: [c: Connection, msg: DnsMsg, ans: DnsAnswer, https: DnsSvcbRr];
  /** The message is done (not raised for one Zeek gives up on at the header). */
  dns_end: [c: Connection, msg: DnsMsg];
  /** A dynamic update whose zone, prerequisites and updates parsed. */
  dns_dynamic_update: [c: Connection, msg: DnsMsg, zname: string, zclass: number];
  dns_dynamic_update_pre: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
  /** An update that deletes (class ANY, TTL 0, no RDATA). */
  dns_dynamic_update_del: [c: Connection, msg: DnsMsg, ans: DnsAnswer];
}

// ---- NetBIOS --------------------------------------------------------------------------------
// The NetBIOS analyzers' events (analyzers/netbios): the name service on UDP 137 (beside DNS, which
// reads the same packets into dns.log as Zeek does), the datagram service on UDP 138 with the browser
// announcements its datagrams carry, and the session service on TCP 139 (Zeek's netbios_session_*
// events, same names and argument orders, plus typed ones). Names are byte strings without their
// padding; the 16th byte is `suffix`.

/** A NetBIOS name: up to 15 bytes, the suffix byte that says which service it names, the scope id. */
export interface NetbiosName {
  name: string;
  suffix: number;
  /** "" when none. */
  scope: string;
}

/** The header of one name-service message (RFC 1002 4.2.1). */
export interface NetbiosNsMsg {
  trans_id: number;
  /** 0 query, 5 registration, 6 release, 7 WACK, 8 (or 9) refresh, 15 multi-homed registration. */
  opcode: number;
  /** "query", "registration", "release", "wack", "refresh", "multihomed_registration" ("opcode-N" otherwise). */
  opcode_name: string;
  is_response: boolean;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  /** The B flag: sent as a broadcast. */
  broadcast: boolean;
  /** 0, or 1 FMT_ERR, 2 SRV_ERR, 3 NAM_ERR, 4 IMP_ERR, 5 RFS_ERR, 6 ACT_ERR, 7 CFT_ERR. */
  rcode: number;
  num_queries: number;
  num_answers: number;
  num_auth: number;
  num_addl: number;
}

/** One (flags, address) pair of NB RDATA. */
export interface NetbiosNbEntry {
  addr: Addr;
  /** The G flag: a group name. */
  is_group: boolean;
  /** Owner node type: "B" broadcast, "P" point-to-point, "M" mixed, "H" hybrid. */
  node_type: "B" | "P" | "M" | "H";
}

/** A name-service resource record; for NB records the addresses, for others `entries` is empty. */
export interface NetbiosNsRecord {
  name: NetbiosName;
  /** 0x20 NB, 0x21 NBSTAT, 1 A, 2 NS, 10 NULL. */
  rr_type: number;
  ttl: Interval;
  entries: NetbiosNbEntry[];
}

/** One name of a node status reply's table (RFC 1002 4.2.18). */
export interface NetbiosNodeStatusName {
  name: string;
  suffix: number;
  is_group: boolean;
  node_type: "B" | "P" | "M" | "H";
  deregistering: boolean;
  conflict: boolean;
  active: boolean;
  permanent: boolean;
}

export interface NetbiosNodeStatus {
  names: NetbiosNodeStatusName[];
  /** The unit id (most stacks put the MAC address there), "aa:bb:cc:dd:ee:ff"; absent when the reply has no statistics. */
  unit_id?: string;
}

/** A datagram-service message (RFC 1002 4.4). */
export interface NetbiosDatagram {
  /** 0x10 direct unique, 0x11 direct group, 0x12 broadcast, 0x13 error, 0x14-0x16 datagram query and its responses. */
  msg_type: number;
  msg_type_name: string;
  dgm_id: number;
  /** The M flag: more fragments follow. */
  more: boolean;
  /** The F flag: this is the first fragment. */
  first: boolean;
  /** Source node type: "B", "P", "M" or "NBDD". */
  node_type: "B" | "P" | "M" | "NBDD";
  src_addr: Addr;
  src_port: Port;
  dgm_length?: number;
  packet_offset?: number;
  src_name?: NetbiosName;
  dst_name?: NetbiosName;
  user_data_len?: number;
  /** An error datagram's code (0x82 destination name not present, 0x83/0x84 invalid source/destination name). */
  error_code?: number;
  error_name?: string;
  /** The mailslot the user data writes to (an SMB Transaction), e.g. "\MAILSLOT\BROWSE". */
  mailslot?: string;
  /** The browser command on \MAILSLOT\BROWSE, e.g. "host_announcement", "election_request". */
  browser_cmd?: string;
}

/** A host, domain or local master announcement (MS-BRWS). For a domain announcement `server_name` is the workgroup and `comment` its master browser. */
export interface NetbiosBrowserAnnouncement {
  command: string;
  update_count: number;
  /** How often the server announces itself. */
  periodicity: Interval;
  server_name: string;
  os_major: number;
  os_minor: number;
  /** The SV_TYPE flags as sent. */
  server_type: number;
  /** The flags set, by name ("workstation", "server", "master_browser", ...). */
  server_type_names: string[];
  browser_major: number;
  browser_minor: number;
  comment: string;
}

/** A session-service response (RFC 1002 4.3.3-4.3.5). */
export interface NetbiosSessionResponse {
  /** 0x82 positive, 0x83 negative, 0x84 retarget. */
  msg_type: number;
  accepted: boolean;
  /** A negative response's code: 0x80 not listening on called name, 0x81 not listening for calling name, 0x82 called name not present, 0x83 insufficient resources, 0x8f unspecified. */
  error_code?: number;
  error_name?: string;
  retarget_addr?: Addr;
  retarget_port?: Port;
}

export interface Events {
  /** A name query request: for the name's addresses (NB) or, `nbstat`, for the node's name table. */
  netbios_name_query: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, name: NetbiosName, nbstat: boolean];
  /** A query response, positive (addresses in `rr.entries`) or negative (`msg.rcode`); not raised for node status replies. */
  netbios_name_response: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, rr: NetbiosNsRecord];
  /** A registration, refresh or multi-homed registration request (`msg.is_response` false) or its response. */
  netbios_name_registration: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, rr: NetbiosNsRecord];
  /** A release request or its response. */
  netbios_name_release: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, rr: NetbiosNsRecord];
  /** A wait-for-acknowledgement: the server is checking a registration; `rr.ttl` is how long to wait. */
  netbios_name_wack: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, rr: NetbiosNsRecord];
  /** A node status reply: the node's names and its unit id. */
  netbios_node_status: [c: Connection, is_orig: boolean, msg: NetbiosNsMsg, name: NetbiosName, status: NetbiosNodeStatus];
  /** Any datagram-service message (after the announcement it carries, if any). */
  netbios_datagram: [c: Connection, is_orig: boolean, dgm: NetbiosDatagram];
  /** A browser announcement carried by a datagram. */
  netbios_browser_announcement: [c: Connection, dgm: NetbiosDatagram, ann: NetbiosBrowserAnnouncement];
  /** Every session-service message and (as Zeek) every datagram-service one: its type and payload length. */
  netbios_session_message: [c: Connection, is_orig: boolean, msg_type: number, data_len: number];
  /** A session request; `msg` is the called name decoded, 16 bytes with its suffix (Zeek's). */
  netbios_session_request: [c: Connection, msg: string];
  /** A positive session response; `msg` its payload. */
  netbios_session_accepted: [c: Connection, msg: string];
  /** A negative session response; `msg` its payload (the error code). */
  netbios_session_rejected: [c: Connection, msg: string];
  /** A session message that is not SMB. */
  netbios_session_raw_message: [c: Connection, is_orig: boolean, msg: string];
  /** A retarget response; `msg` its payload (address and port). */
  netbios_session_ret_arg_resp: [c: Connection, msg: string];
  netbios_session_keepalive: [c: Connection, msg: string];
  /** A session request, its called and calling names decoded. */
  netbios_session_call: [c: Connection, called: NetbiosName, calling: NetbiosName];
  /** A session response, decoded. */
  netbios_session_response: [c: Connection, resp: NetbiosSessionResponse];
}

// ---- DHCP -----------------------------------------------------------------------------------
// The DHCP analyzer's event (Zeek's dhcp_message) and the records it carries (Zeek's DHCP::Msg,
// DHCP::Options and their parts, same field names). Byte strings are latin1 as for DNS; addresses
// are Addr strings; MAC addresses are "aa:bb:cc:dd:ee:ff".

/** Zeek's DHCP::Msg: the fixed BOOTP part of a message (RFC 2131 §2). */
export interface DhcpMsg {
  /** 1 BOOTREQUEST, 2 BOOTREPLY. */
  op: number;
  /** The DHCP message type (option 53); 0 when the message has none (plain BOOTP). */
  m_type: number;
  /** Transaction ID. */
  xid: number;
  /** Seconds since the client began acquiring or renewing. */
  secs: Interval;
  flags: number;
  ciaddr: Addr;
  yiaddr: Addr;
  siaddr: Addr;
  giaddr: Addr;
  /** The client hardware address as a MAC (6 bytes, or 8 when bytes 7-8 are not zero). */
  chaddr: string;
  /** Server host name, trailing NULs dropped; "" when empty or carrying overloaded options. */
  sname: string;
  /** Boot file name, trailing NULs dropped; "" when empty or carrying overloaded options. */
  file_n: string;
}

/** Zeek's DHCP::ClientID (option 61): a MAC for hardware types other than 0, else the raw bytes. */
export interface DhcpClientId {
  hwtype: number;
  hwaddr: string;
}

/** Zeek's DHCP::ClientFQDN (option 81, RFC 4702): the domain name as it was on the wire. */
export interface DhcpClientFqdn {
  flags: number;
  rcode1: number;
  rcode2: number;
  domain_name: string;
}

/** Zeek's DHCP::SubOpt: one sub-option of the relay agent information (option 82, RFC 3046). */
export interface DhcpSubOpt {
  /** 1 circuit id, 2 remote id, 6 subscriber id, ... */
  code: number;
  value: string;
}

/** Zeek's DHCP::Options: the options Zeek decodes; a field is absent when its option was not sent. */
export interface DhcpOptions {
  /** Every option code in order, pads (0) included, END (255) not (always present). */
  options: number[];
  /** Option 1. */
  subnet_mask?: Addr;
  /** Option 3. */
  routers?: Addr[];
  /** Option 6. */
  dns_servers?: Addr[];
  /** Option 12. */
  host_name?: string;
  /** Option 15 (trailing NULs dropped). */
  domain_name?: string;
  /** Option 19. */
  forwarding?: boolean;
  /** Option 28. */
  broadcast?: Addr;
  /** Option 43, raw. */
  vendor?: string;
  /** Option 44. */
  nbns?: Addr[];
  /** Option 50. */
  addr_request?: Addr;
  /** Option 51. */
  lease?: Interval;
  /** Option 54. */
  serv_addr?: Addr;
  /** Option 55: the codes the client asks for. */
  param_list?: number[];
  /** Option 56. */
  message?: string;
  /** Option 57. */
  max_msg_size?: number;
  /** Option 58 (T1). */
  renewal_time?: Interval;
  /** Option 59 (T2). */
  rebinding_time?: Interval;
  /** Option 60. */
  vendor_class?: string;
  /** Option 61. */
  client_id?: DhcpClientId;
  /** Option 77, raw. */
  user_class?: string;
  /** Option 81. */
  client_fqdn?: DhcpClientFqdn;
  /** Option 82. */
  sub_opt?: DhcpSubOpt[];
  /** Option 116. */
  auto_config?: boolean;
  /** Option 252 (one trailing newline dropped). */
  auto_proxy_config?: string;
  /** Option 2: seconds from UTC. */
  time_offset?: number;
  /** Option 4. */
  time_servers?: Addr[];
  /** Option 5. */
  name_servers?: Addr[];
  /** Option 42. */
  ntp_servers?: Addr[];
}

/** A dhcp.log row as base/dhcp builds it (Zeek's DHCP::Info); policy scripts add their columns. */
export interface DhcpInfo {
  ts: Time;
  uids: string[];
  client_addr?: Addr;
  server_addr?: Addr;
  client_port?: Port;
  server_port?: Port;
  mac?: string;
  host_name?: string;
  client_fqdn?: string;
  domain?: string;
  requested_addr?: Addr;
  assigned_addr?: Addr;
  lease_time?: Interval;
  client_message?: string;
  server_message?: string;
  msg_types: string[];
  duration: Interval;
  /** The client's chaddr, used for `mac` when nothing better was seen (not logged). */
  client_chaddr?: string;
  [column: string]: unknown;
}

export interface Connection {
  /**
   * The DHCP transaction the current message joined (base/dhcp sets it before any handler of
   * priority below -5 runs: Zeek's DHCP::log_info).
   */
  dhcp?: DhcpInfo;
}

export interface Events {
  /** Any DHCP message; `is_orig` is true for one from the flow's originator. */
  dhcp_message: [c: Connection, is_orig: boolean, msg: DhcpMsg, options: DhcpOptions];
}

// ---- SNMP -----------------------------------------------------------------------------------
// The SNMP analyzer's events (Zeek's events.bif for SNMP, same names and argument orders) and the
// records they carry (Zeek's SNMP:: record types, same field names). Strings are byte strings (one
// character per byte). Zeek `int` fields are signed, `count` fields unsigned; a value that a
// number cannot hold exactly (beyond 2^53, as a Counter64 may be) comes as a bigint.

/** An integer that is a bigint only when a number would lose precision. */
export type SnmpInteger = number | bigint;

/** SNMPv1 (version 0): the community. */
export interface SnmpHeaderV1 {
  community: string;
}

/** SNMPv2c (version 1): the community. */
export interface SnmpHeaderV2 {
  community: string;
}

/** The context of a plaintext SNMPv3 scoped PDU. */
export interface SnmpScopedPduContext {
  engine_id: string;
  name: string;
}

/** The User-based Security Model's parameters (RFC 3414), field names as Zeek's. */
export interface SnmpUserSecurityParameters {
  AuthoritativeEngineID: string;
  AuthoritativeEngineBoots: number;
  AuthoritativeEngineTime: number;
  UserName: string;
  /** The HMAC as sent (12 zero bytes in a message being authenticated, or empty). */
  AuthenticationParameters: string;
  /** The privacy salt (empty without privacy). */
  PrivacyParameters: string;
}

/** SNMPv3 (version 3): the message header (RFC 3412). */
export interface SnmpHeaderV3 {
  /** msgID. */
  id: number;
  max_size: number;
  /** msgFlags' first octet. */
  flags: number;
  auth_flag: boolean;
  priv_flag: boolean;
  reportable_flag: boolean;
  /** 3 is the USM. */
  security_model: number;
  /** msgSecurityParameters as sent (for the USM, a BER sequence). */
  security_params: string;
  /** Set when the scoped PDU is in clear. */
  pdu_context?: SnmpScopedPduContext;
  /** Set for the USM when the scoped PDU is in clear (as Zeek 9 delivers it: not with an encrypted PDU). */
  user_security_parameters?: SnmpUserSecurityParameters;
}

/** Zeek's SNMP::Header: `version` says which of v1, v2, v3 is set. */
export interface SnmpHeader {
  /** 0 for v1, 1 for v2c, 3 for v3. */
  version: number;
  v1?: SnmpHeaderV1;
  v2?: SnmpHeaderV2;
  v3?: SnmpHeaderV3;
}

/**
 * A variable binding's value (Zeek's SNMP::ObjectValue): `tag` is the value's BER identifier
 * octet and says which member is set. 0x02 INTEGER: `signed`; 0x41 Counter32, 0x42 Gauge32
 * (Unsigned32), 0x43 TimeTicks, 0x46 Counter64: `unsigned`; 0x40 IpAddress: `address` ("::" when
 * not four bytes, as Zeek); 0x06: `oid`; 0x04 OCTET STRING, 0x44 Opaque and any other tag:
 * `octets` (the content as sent); 0x05 NULL (unSpecified), 0x80 noSuchObject, 0x81
 * noSuchInstance, 0x82 endOfMibView: nothing else.
 */
export interface SnmpObjectValue {
  tag: number;
  oid?: string;
  signed?: SnmpInteger;
  unsigned?: SnmpInteger;
  address?: Addr;
  octets?: string;
}

/** One variable binding: an OID in dotted decimal and its value. */
export interface SnmpBinding {
  oid: string;
  value: SnmpObjectValue;
}

/** The PDU of get, get-next, response, set, v2 trap, inform and report (Zeek's SNMP::PDU). */
export interface SnmpPdu {
  request_id: number;
  error_status: number;
  error_index: number;
  bindings: SnmpBinding[];
}

/** An SNMPv1 Trap-PDU (RFC 1157). */
export interface SnmpTrapPdu {
  enterprise: string;
  /** agent-addr ("::" when not four bytes). */
  agent: Addr;
  generic_trap: number;
  specific_trap: number;
  /** TimeTicks (hundredths of a second) since the agent's (re)initialisation. */
  time_stamp: number;
  bindings: SnmpBinding[];
}

/** A GetBulkRequest-PDU (RFC 3416). */
export interface SnmpBulkPdu {
  request_id: number;
  non_repeaters: number;
  max_repetitions: number;
  bindings: SnmpBinding[];
}

/** An snmp.log row as base/snmp builds it (Zeek's SNMP::Info). */
export interface SnmpInfo {
  ts: Time;
  uid: string;
  id: ConnId;
  duration: Interval;
  version: string;
  community?: string;
  get_requests: number;
  get_bulk_requests: number;
  get_responses: number;
  set_requests: number;
  display_string?: string;
  up_since?: Time;
  [column: string]: unknown;
}

export interface Connection {
  /** The SNMP session's row being built (base/snmp), as Zeek's `c$snmp`. */
  snmp?: SnmpInfo;
}

export interface Events {
  snmp_get_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_get_next_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_get_bulk_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpBulkPdu];
  /** A Response-PDU (GetResponse in v1). */
  snmp_response: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_set_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  /** An SNMPv1 trap. */
  snmp_trap: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpTrapPdu];
  /** An SNMPv2 trap. */
  snmp_trapV2: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_inform_request: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  snmp_report: [c: Connection, is_orig: boolean, header: SnmpHeader, pdu: SnmpPdu];
  /** A PDU of a type not known (`tag` is its identifier octet). */
  snmp_unknown_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader, tag: number];
  /** An SNMPv3 scoped PDU neither in clear (a SEQUENCE) nor encrypted (an OCTET STRING). */
  snmp_unknown_scoped_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader, tag: number];
  /** An SNMPv3 scoped PDU encrypted (authPriv). */
  snmp_encrypted_pdu: [c: Connection, is_orig: boolean, header: SnmpHeader];
  /** A message whose version is none of 0, 1, 3. */
  snmp_unknown_header_version: [c: Connection, is_orig: boolean, version: number];
}

// ---- FTP ------------------------------------------------------------------------------------
// The FTP analyzer's events (Zeek's events.bif for FTP, same names and argument orders). Commands
// and replies are byte strings (latin1), as the control channel carried them.

/** A data channel a command or reply announced (Zeek's FTP::ExpectedDataChannel). */
export interface FtpExpectedDataChannel {
  /** Announced by PASV or EPSV (the client connects), not PORT or EPRT (the server connects). */
  passive: boolean;
  orig_h: Addr;
  resp_h: Addr;
  resp_p: Port;
}

/** A command waiting for its reply (Zeek's FTP::CmdArg). */
export interface FtpCmdArg {
  ts: Time;
  cmd: string;
  arg: string;
  seq: number;
  cwd_consumed: boolean;
}

/** An ftp.log row and the session state base/ftp keeps with it (Zeek's FTP::Info). */
export interface FtpInfo {
  ts: Time;
  uid: string;
  id: ConnId;
  user: string;
  password?: string;
  command?: string;
  arg?: string;
  mime_type?: string;
  file_size?: number;
  reply_code?: number;
  reply_msg?: string;
  data_channel?: FtpExpectedDataChannel;
  fuid?: string;
  /** The client's working directory as the replies told it. */
  cwd: string;
  cmdarg?: FtpCmdArg;
  /** Commands without a reply yet, by sequence number. */
  pending_commands: Map<number, FtpCmdArg>;
  command_seq: number;
  passive: boolean;
  capture_password: boolean;
  logged_command_seen: boolean;
  [column: string]: unknown;
}

export interface Connection {
  /** The FTP session's state (base/ftp), as Zeek's `c$ftp`. */
  ftp?: FtpInfo;
}

export interface Events {
  /** A client command: the command word upper-cased, and its argument (Zeek's ftp_request). */
  ftp_request: [c: Connection, command: string, arg: string];
  /**
   * A server reply line. `cont_resp` is true for every line of a multi-line reply but its last;
   * the lines inside one have `code` 0 and the whole line as `msg`.
   */
  ftp_reply: [c: Connection, code: number, msg: string, cont_resp: boolean];
  /** The server accepted AUTH TLS: the control channel is TLS from here on, and no FTP event follows. */
  ftp_starttls: [c: Connection];
}
