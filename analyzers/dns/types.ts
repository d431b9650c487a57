// The typed shape of a parsed DNS message. Field names follow Zeek's records (dns_msg, dns_answer,
// dns_soa, dns_rrsig_rr, ...) so events and scripts can pass these objects on unchanged.
//
// Representation of Zeek `string` values: names and text (TXT strings, CAA tag/value, NAPTR fields,
// HINFO, ALPN ids) are byte strings, one JS char per byte (latin1), exactly the bytes Zeek holds; a
// writer must emit them as bytes (Buffer.from(s, "latin1")) so Zeek's \xNN escaping applies. Binary
// blobs (keys, digests, signatures, salts, cookies, bitmaps, raw rdata) are Uint8Array copies.
// Addresses are strings formatted the way Zeek prints an `addr`.
import type { DnsMsg } from "../../scripts/nsm.d.ts";

/** RR TYPE values the analyzer treats specially (IANA numbers). */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  LOC: 29,
  NBS: 32,
  SRV: 33,
  NAPTR: 35,
  A6: 38,
  OPT: 41,
  DS: 43,
  SSHFP: 44,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  NSEC3: 50,
  NSEC3PARAM: 51,
  SVCB: 64,
  HTTPS: 65,
  SPF: 99,
  TKEY: 249,
  TSIG: 250,
  CAA: 257,
  BINDS: 65534,
} as const;

/** DNS classes used by dynamic update (RFC 2136). */
export const DnsClass = { IN: 1, NONE: 254, ANY: 255 } as const;

/** Opcodes (RFC 1035, 1996, 2136). */
export const DnsOpcode = { QUERY: 0, NOTIFY: 4, DYNAMIC_UPDATE: 5 } as const;

/** Zeek's answer_type constants (DNS_ANS, DNS_AUTH, ...). */
export const AnswerType = { ANS: 1, AUTH: 2, ADDL: 3, PREREQUISITE: 4, UPDATE: 5 } as const;

/** Zeek's dns_msg, as scripts see it. */
export type { DnsMsg };

export interface DnsQuestion {
  /** The name lower-cased (A-Z only), as dns.log's `query` shows it. */
  query: string;
  /** The name as sent; parts reached through a compression pointer are lower-cased, as in Zeek. */
  original_query: string;
  qtype: number;
  qclass: number;
}

/** The zone of a dynamic update (its single "question"). */
export interface DnsZone {
  zname: string;
  ztype: number;
  zclass: number;
}

/** Zeek's dns_answer: the fixed part of a resource record. */
export interface DnsAnswer {
  /** AnswerType.ANS / AUTH / ADDL, or PREREQUISITE / UPDATE in a dynamic update. */
  answer_type: number;
  /** Owner name, lower-cased. */
  query: string;
  qtype: number;
  qclass: number;
  /** Seconds. */
  TTL: number;
}

export interface DnsResourceRecord extends DnsAnswer {
  rdlength: number;
  rdata: DnsRdata;
}

export interface DnsSoa {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface DnsNaptr {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}

export interface DnsLoc {
  version: number;
  size: number;
  horiz_pre: number;
  vert_pre: number;
  latitude: number;
  longitude: number;
  altitude: number;
}

export interface DnsRrsig {
  type_covered: number;
  algorithm: number;
  labels: number;
  orig_ttl: number;
  /** Seconds since the epoch. */
  sig_exp: number;
  sig_incep: number;
  key_tag: number;
  signer_name: string;
  signature: Uint8Array;
}

export interface DnsDnskey {
  flags: number;
  protocol: number;
  algorithm: number;
  public_key: Uint8Array;
}

export interface DnsDs {
  key_tag: number;
  algorithm: number;
  digest_type: number;
  digest_val: Uint8Array;
}

export interface DnsNsec3 {
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: Uint8Array;
  nsec_hlen: number;
  nsec_hash: Uint8Array;
  bitmaps: Uint8Array[];
}

export interface DnsNsec3param {
  nsec_flags: number;
  nsec_hash_algo: number;
  nsec_iter: number;
  nsec_salt_len: number;
  nsec_salt: Uint8Array;
}

export interface DnsBinds {
  algorithm: number;
  key_id: number;
  removal_flag: number;
  complete_flag: number;
}

/** One SvcParam; exactly the fields Zeek's dns_svcb_param sets for its key are present. */
export interface DnsSvcbParam {
  key: number;
  mandatory?: number[];
  alpn?: string[];
  p?: number;
  hint?: string[];
  /** Base64 of the ECHConfigList, as Zeek gives it. */
  ech?: string;
  /** A reserved key's value, or a malformed one. */
  raw?: Uint8Array;
}

export interface DnsSvcb {
  svc_priority: number;
  /** "." for the root (AliasMode to the owner itself). */
  target_name: string;
  svc_params?: DnsSvcbParam[];
}

export interface DnsTkey {
  alg_name: string;
  inception: number;
  expiration: number;
  mode: number;
  rr_error: number;
  key_data: Uint8Array;
}

export interface DnsTsig {
  alg_name: string;
  sig: Uint8Array;
  /** Zeek's reading: the first 32 bits of the 48-bit time plus the last 16 bits as milliseconds. */
  time_signed: number;
  fudge: number;
  orig_id: number;
  rr_error: number;
}

export interface DnsEdnsEcs {
  family: "v4" | "v6";
  source_prefix_len: number;
  scope_prefix_len: number;
  address: string;
}

export interface DnsEdnsCookie {
  client_cookie: Uint8Array;
  /** Empty when the client sent no server cookie. */
  server_cookie: Uint8Array;
}

export interface DnsEdnsTcpKeepalive {
  keepalive_timeout_omitted: boolean;
  keepalive_timeout: number;
}

/** One EDNS option; the typed member is present when Zeek raises that option's event. */
export interface DnsEdnsOption {
  code: number;
  data: Uint8Array;
  ecs?: DnsEdnsEcs;
  cookie?: DnsEdnsCookie;
  tcp_keepalive?: DnsEdnsTcpKeepalive;
}

/** The OPT pseudo-RR, with the fields of Zeek's dns_edns_additional. */
export interface DnsEdns {
  payload_size: number;
  /** (TTL's upper 8 bits << 4) | header rcode. */
  extended_rcode: number;
  version: number;
  z_field: number;
  options: DnsEdnsOption[];
}

/**
 * Typed RDATA, tagged by `kind`. Besides one kind per RR type:
 * - "unknown": a type Zeek does not know (it raises dns_unknown_reply and DNS_RR_unknown_type).
 * - "unparsed": a type Zeek knows but skips without an event (NBS, NBSTAT on port 137, or a
 *   type with no handler whose content did not decode).
 * - "prerequisite" / "delete": dynamic-update entries behind dns_dynamic_update_pre / _del.
 * - "none": a dynamic-update entry Zeek neither parses nor reports (its rdata is left unread).
 */
export type DnsRdata =
  | { kind: "A"; a: string }
  | { kind: "AAAA" | "A6"; a: string }
  | { kind: "NS" | "CNAME" | "PTR"; name: string }
  | ({ kind: "SOA" } & DnsSoa)
  | { kind: "MX"; name: string; preference: number }
  | { kind: "TXT" | "SPF"; strs: string[] }
  | { kind: "HINFO"; cpu: string; os: string }
  | { kind: "WKS"; address: string | null; protocol: number | null; bitmap: Uint8Array }
  | { kind: "SRV"; target: string; priority: number; weight: number; p: number }
  | ({ kind: "NAPTR" } & DnsNaptr)
  | { kind: "CAA"; flags: number; tag: string; value: string }
  | ({ kind: "LOC" } & DnsLoc)
  | { kind: "SSHFP"; algo: number; fptype: number; fingerprint: Uint8Array }
  | ({ kind: "RRSIG" } & DnsRrsig)
  | ({ kind: "DNSKEY" } & DnsDnskey)
  | ({ kind: "DS" } & DnsDs)
  | { kind: "NSEC"; next_name: string; bitmaps: Uint8Array[] }
  | ({ kind: "NSEC3" } & DnsNsec3)
  | ({ kind: "NSEC3PARAM" } & DnsNsec3param)
  | ({ kind: "BINDS" } & DnsBinds)
  | ({ kind: "SVCB" | "HTTPS" } & DnsSvcb)
  | ({ kind: "TKEY" } & DnsTkey)
  | ({ kind: "TSIG" } & DnsTsig)
  | ({ kind: "OPT" } & DnsEdns)
  | { kind: "unknown"; data: Uint8Array }
  | { kind: "unparsed"; data: Uint8Array }
  | { kind: "prerequisite" }
  | { kind: "delete" }
  | { kind: "none" };

export interface DnsMessage {
  header: DnsMsg;
  questions: readonly DnsQuestion[];
  /** Dynamic update only. */
  zone?: DnsZone;
  /** Answer section; the prerequisites of a dynamic update. */
  answers: readonly DnsResourceRecord[];
  /** Authority section; the updates of a dynamic update. */
  authority: readonly DnsResourceRecord[];
  additional: readonly DnsResourceRecord[];
  /** False when Zeek skips the section (dns_skip_all_auth and friends); it is then left empty. */
  authorityParsed: boolean;
  /** Zeek raises events for the authority records (false when it read them only to reach the additional ones). */
  authorityEvents: boolean;
  additionalParsed: boolean;
  /** Why parsing stopped in the authority or additional section, after confirmation. */
  sectionError?: string;
}

export interface DnsWeird {
  /** Zeek's weird name. */
  name: string;
  /** Zeek's addl text, when it gives one. */
  addl?: string;
  /** Zeek also marks the connection's history with 'X' (a limit was reached, analysis gives up). */
  limitReached?: boolean;
}
