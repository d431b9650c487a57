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
  /** conn.log's record while it is being built (bundled scripts extend it; see base/conn). */
  conn?: Record<string, unknown>;
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
