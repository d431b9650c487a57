// Zeek's DNS events for one parsed message, raised in the order Zeek raises them: dns_message, one
// event per question, one per record of the answer section (or the prerequisites and updates of a
// dynamic update, then dns_dynamic_update), the confirmation, the authority and additional records,
// dns_end. An event is built only when a script handles it. Records are turned into the shapes of
// scripts/nsm.d.ts here: binary fields become byte strings, as Zeek's are strings.
import type { Connection } from "../conn/connection.ts";
import type * as Api from "nsm";
import type { DnsParseResult } from "./parser.ts";
import { latin1 } from "../../core/bytes.ts";
import {
  type DnsEdns, type DnsMessage, type DnsMsg, type DnsQuestion, type DnsResourceRecord, RRType,
} from "./types.ts";

type DnsEvent = Extract<keyof Api.Events, `dns_${string}`>;
type ArgsAfterConnection<E extends DnsEvent> = Api.Events[E] extends [Api.Connection, ...infer Rest] ? Rest : never;

/** The event of each RR type whose RDATA Zeek reads only when that event is handled. */
export const SKIPPABLE_TYPE_EVENTS: ReadonlyMap<number, DnsEvent> = new Map<number, DnsEvent>([
  [RRType.WKS, "dns_WKS_reply"],
  [RRType.HINFO, "dns_HINFO_reply"],
  [RRType.TXT, "dns_TXT_reply"],
  [RRType.SPF, "dns_SPF_reply"],
  [RRType.CAA, "dns_CAA_reply"],
  [RRType.TKEY, "dns_TKEY"],
  [RRType.RRSIG, "dns_RRSIG"],
  [RRType.DNSKEY, "dns_DNSKEY"],
  [RRType.NSEC, "dns_NSEC"],
  [RRType.NSEC3, "dns_NSEC3"],
  [RRType.NSEC3PARAM, "dns_NSEC3PARAM"],
  [RRType.DS, "dns_DS"],
  [RRType.BINDS, "dns_BINDS"],
  [RRType.SSHFP, "dns_SSHFP"],
  [RRType.LOC, "dns_LOC"],
]);

/** Raises the events of one message. `isQuery` is Zeek's: from the originator (after any flip). */
export function raiseDnsEvents(conn: Connection, isQuery: boolean, length: number, result: DnsParseResult): void {
  const events = conn.events;
  const m: Partial<DnsMessage> | undefined = result.ok ? result.message : result.partial;
  if (m === undefined || m.header === undefined) return;
  if (!result.ok && !result.messageEvent) return;
  const msg = m.header;
  const queryFlag = isQuery ? 1 : 0;
  if (events.handles("dns_message")) raise(conn, "dns_message", [conn, isQuery, msg, length]);
  for (const q of m.questions ?? []) question(conn, msg, q);
  for (const rr of m.answers ?? []) record(conn, msg, rr, true, queryFlag);
  if (m.zone !== undefined) {
    for (const rr of m.authority ?? []) record(conn, msg, rr, true, queryFlag);
    if (result.ok && events.handles("dns_dynamic_update")) raise(conn, "dns_dynamic_update", [conn, msg, m.zone.zname, m.zone.zclass]);
  }
  if (result.ok) {
    conn.addService("dns");
    if (m.zone === undefined) for (const rr of m.authority ?? []) record(conn, msg, rr, result.message.authorityEvents, queryFlag);
    for (const rr of m.additional ?? []) record(conn, msg, rr, true, queryFlag);
  }
  if ((result.ok || result.endEvent) && events.handles("dns_end")) raise(conn, "dns_end", [conn, msg]);
}

// The arguments come as one array, the connection first: the runtime takes it as it is.
function raise<E extends DnsEvent>(conn: Connection, event: E, args: [Connection, ...ArgsAfterConnection<E>]): void {
  conn.events.raise(event, args);
}

// Zeek's choice of event for a question: a query, a reply with no records at all, any other reply.
function question(conn: Connection, msg: DnsMsg, q: DnsQuestion): void {
  const event = !msg.QR
    ? "dns_request"
    : msg.num_answers === 0 && msg.num_auth === 0 && msg.num_addl === 0
      ? "dns_rejected"
      : "dns_query_reply";
  if (conn.events.handles(event)) raise(conn, event, [conn, msg, q.query, q.qtype, q.qclass, q.original_query]);
}

/**
 * The events of one record. `sectionEvents` is false for an authority section Zeek reads only to
 * reach the additional one; a few events (TSIG, EDNS options, SVCB/HTTPS) Zeek raises even then.
 * `isQuery` is the is_query field of the records Zeek builds: 1 for a query, else 0.
 */
function record(conn: Connection, msg: DnsMsg, rr: DnsResourceRecord, sectionEvents: boolean, isQuery: number): void {
  const d = rr.rdata;
  switch (d.kind) {
    case "A":
      if (wants(conn, "dns_A_reply", sectionEvents)) raise(conn, "dns_A_reply", [conn, msg, answer(rr), d.a]);
      return;
    case "AAAA":
      if (wants(conn, "dns_AAAA_reply", sectionEvents)) raise(conn, "dns_AAAA_reply", [conn, msg, answer(rr), d.a]);
      return;
    case "A6":
      if (wants(conn, "dns_A6_reply", sectionEvents)) raise(conn, "dns_A6_reply", [conn, msg, answer(rr), d.a]);
      return;
    case "NS":
      if (wants(conn, "dns_NS_reply", sectionEvents)) raise(conn, "dns_NS_reply", [conn, msg, answer(rr), d.name]);
      return;
    case "CNAME":
      if (wants(conn, "dns_CNAME_reply", sectionEvents)) raise(conn, "dns_CNAME_reply", [conn, msg, answer(rr), d.name]);
      return;
    case "PTR":
      if (wants(conn, "dns_PTR_reply", sectionEvents)) raise(conn, "dns_PTR_reply", [conn, msg, answer(rr), d.name]);
      return;
    case "SOA":
      if (wants(conn, "dns_SOA_reply", sectionEvents)) {
        const { mname, rname, serial, refresh, retry, expire, minimum } = d;
        raise(conn, "dns_SOA_reply", [conn, msg, answer(rr), { mname, rname, serial, refresh, retry, expire, minimum }]);
      }
      return;
    case "MX":
      if (wants(conn, "dns_MX_reply", sectionEvents)) raise(conn, "dns_MX_reply", [conn, msg, answer(rr), d.name, d.preference]);
      return;
    case "SRV":
      if (wants(conn, "dns_SRV_reply", sectionEvents)) raise(conn, "dns_SRV_reply", [conn, msg, answer(rr), d.target, d.priority, d.weight, d.p]);
      return;
    case "NAPTR":
      if (wants(conn, "dns_NAPTR_reply", sectionEvents)) {
        const { order, preference, flags, service, regexp, replacement } = d;
        raise(conn, "dns_NAPTR_reply", [conn, msg, answer(rr), { order, preference, flags, service, regexp, replacement }]);
      }
      return;
    case "TXT":
      if (wants(conn, "dns_TXT_reply", sectionEvents)) raise(conn, "dns_TXT_reply", [conn, msg, answer(rr), d.strs]);
      return;
    case "SPF":
      if (wants(conn, "dns_SPF_reply", sectionEvents)) raise(conn, "dns_SPF_reply", [conn, msg, answer(rr), d.strs]);
      return;
    case "HINFO":
      if (wants(conn, "dns_HINFO_reply", sectionEvents)) raise(conn, "dns_HINFO_reply", [conn, msg, answer(rr), d.cpu, d.os]);
      return;
    case "WKS":
      if (wants(conn, "dns_WKS_reply", sectionEvents)) raise(conn, "dns_WKS_reply", [conn, msg, answer(rr)]);
      return;
    case "CAA":
      if (wants(conn, "dns_CAA_reply", sectionEvents)) raise(conn, "dns_CAA_reply", [conn, msg, answer(rr), d.flags, d.tag, d.value]);
      return;
    case "OPT":
      edns(conn, msg, rr, d, sectionEvents, isQuery);
      return;
    case "TKEY":
      if (wants(conn, "dns_TKEY", sectionEvents)) {
        raise(conn, "dns_TKEY", [conn, msg, {
          query: rr.query,
          qtype: rr.answer_type,
          alg_name: d.alg_name,
          inception: d.inception,
          expiration: d.expiration,
          mode: d.mode,
          rr_error: d.rr_error,
          key_data: bytes(d.key_data),
          is_query: isQuery,
        }]);
      }
      return;
    case "TSIG":
      if (wants(conn, "dns_TSIG_addl", sectionEvents)) {
        raise(conn, "dns_TSIG_addl", [conn, msg, {
          query: rr.query,
          qtype: rr.answer_type,
          alg_name: d.alg_name,
          sig: bytes(d.sig),
          time_signed: d.time_signed,
          fudge: d.fudge,
          orig_id: d.orig_id,
          rr_error: d.rr_error,
          is_query: isQuery,
        }]);
      }
      return;
    case "RRSIG":
      if (wants(conn, "dns_RRSIG", sectionEvents)) {
        raise(conn, "dns_RRSIG", [conn, msg, answer(rr), {
          ...owner(rr),
          type_covered: d.type_covered,
          algorithm: d.algorithm,
          labels: d.labels,
          orig_ttl: d.orig_ttl,
          sig_exp: d.sig_exp,
          sig_incep: d.sig_incep,
          key_tag: d.key_tag,
          signer_name: d.signer_name,
          signature: bytes(d.signature),
          is_query: isQuery,
        }]);
      }
      return;
    case "DNSKEY":
      if (wants(conn, "dns_DNSKEY", sectionEvents)) {
        const { flags, protocol, algorithm } = d;
        raise(conn, "dns_DNSKEY", [conn, msg, answer(rr), { ...owner(rr), flags, protocol, algorithm, public_key: bytes(d.public_key), is_query: isQuery }]);
      }
      return;
    case "NSEC":
      if (wants(conn, "dns_NSEC", sectionEvents)) raise(conn, "dns_NSEC", [conn, msg, answer(rr), d.next_name, d.bitmaps.map(bytes)]);
      return;
    case "NSEC3":
      if (wants(conn, "dns_NSEC3", sectionEvents)) {
        const { nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len, nsec_hlen } = d;
        raise(conn, "dns_NSEC3", [conn, msg, answer(rr), {
          ...owner(rr),
          nsec_flags,
          nsec_hash_algo,
          nsec_iter,
          nsec_salt_len,
          nsec_salt: bytes(d.nsec_salt),
          nsec_hlen,
          nsec_hash: bytes(d.nsec_hash),
          bitmaps: d.bitmaps.map(bytes),
          is_query: isQuery,
        }]);
      }
      return;
    case "NSEC3PARAM":
      if (wants(conn, "dns_NSEC3PARAM", sectionEvents)) {
        const { nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len } = d;
        raise(conn, "dns_NSEC3PARAM", [conn, msg, answer(rr), {
          ...owner(rr),
          nsec_flags,
          nsec_hash_algo,
          nsec_iter,
          nsec_salt_len,
          nsec_salt: bytes(d.nsec_salt),
          is_query: isQuery,
        }]);
      }
      return;
    case "DS":
      if (wants(conn, "dns_DS", sectionEvents)) {
        const { key_tag, algorithm, digest_type } = d;
        raise(conn, "dns_DS", [conn, msg, answer(rr), { ...owner(rr), key_tag, algorithm, digest_type, digest_val: bytes(d.digest_val), is_query: isQuery }]);
      }
      return;
    case "BINDS":
      if (wants(conn, "dns_BINDS", sectionEvents)) {
        const { algorithm, key_id, removal_flag, complete_flag } = d;
        raise(conn, "dns_BINDS", [conn, msg, answer(rr), { ...owner(rr), algorithm, key_id, removal_flag, complete_flag, is_query: isQuery }]);
      }
      return;
    case "SSHFP":
      if (wants(conn, "dns_SSHFP", sectionEvents)) raise(conn, "dns_SSHFP", [conn, msg, answer(rr), d.algo, d.fptype, bytes(d.fingerprint)]);
      return;
    case "LOC":
      if (wants(conn, "dns_LOC", sectionEvents)) {
        const { version, size, horiz_pre, vert_pre, latitude, longitude, altitude } = d;
        raise(conn, "dns_LOC", [conn, msg, answer(rr), { ...owner(rr), version, size, horiz_pre, vert_pre, latitude, longitude, altitude, is_query: isQuery }]);
      }
      return;
    case "SVCB":
    case "HTTPS": {
      const event = d.kind === "SVCB" ? "dns_SVCB" : "dns_HTTPS";
      if (wants(conn, event, sectionEvents)) {
        const svcb: Api.DnsSvcbRr = { svc_priority: d.svc_priority, target_name: d.target_name };
        if (d.svc_params !== undefined) {
          svcb.svc_params = d.svc_params.map(({ raw, ...param }) => (raw === undefined ? param : { ...param, raw: bytes(raw) }));
        }
        raise(conn, event, [conn, msg, answer(rr), svcb]);
      }
      return;
    }
    case "unknown":
      if (wants(conn, "dns_unknown_reply", sectionEvents)) raise(conn, "dns_unknown_reply", [conn, msg, answer(rr)]);
      return;
    case "prerequisite":
      if (wants(conn, "dns_dynamic_update_pre", sectionEvents)) raise(conn, "dns_dynamic_update_pre", [conn, msg, answer(rr)]);
      return;
    case "delete":
      if (wants(conn, "dns_dynamic_update_del", sectionEvents)) raise(conn, "dns_dynamic_update_del", [conn, msg, answer(rr)]);
      return;
    case "unparsed":
    case "none":
      return;
  }
}

// dns_EDNS_addl for the record, then one event per option Zeek decodes.
function edns(conn: Connection, msg: DnsMsg, rr: DnsResourceRecord, d: DnsEdns, sectionEvents: boolean, isQuery: number): void {
  const events = conn.events;
  if (sectionEvents && events.handles("dns_EDNS_addl")) {
    raise(conn, "dns_EDNS_addl", [conn, msg, {
      query: rr.query,
      qtype: rr.answer_type,
      t: rr.qtype,
      payload_size: d.payload_size,
      extended_rcode: d.extended_rcode,
      version: d.version,
      z_field: d.z_field,
      TTL: rr.TTL,
      is_query: isQuery,
    }]);
  }
  for (const option of d.options) {
    if (option.ecs !== undefined && events.handles("dns_EDNS_ecs")) raise(conn, "dns_EDNS_ecs", [conn, msg, { ...option.ecs }]);
    if (option.cookie !== undefined && events.handles("dns_EDNS_cookie")) {
      raise(conn, "dns_EDNS_cookie", [conn, msg, { client_cookie: bytes(option.cookie.client_cookie), server_cookie: bytes(option.cookie.server_cookie) }]);
    }
    if (option.tcp_keepalive !== undefined && events.handles("dns_EDNS_tcp_keepalive")) {
      raise(conn, "dns_EDNS_tcp_keepalive", [conn, msg, { ...option.tcp_keepalive }]);
    }
  }
}

function wants(conn: Connection, event: DnsEvent, sectionEvents: boolean): boolean {
  return conn.events.handles(event) && (sectionEvents || ALWAYS_RAISED.has(event));
}

function owner(rr: DnsResourceRecord): { query: string; answer_type: number } {
  return { query: rr.query, answer_type: rr.answer_type };
}

/** Events Zeek raises for a record even in a section it reads only for its side effects. */
const ALWAYS_RAISED: ReadonlySet<DnsEvent> = new Set<DnsEvent>(["dns_TSIG_addl", "dns_SVCB", "dns_HTTPS"]);

function answer(rr: DnsResourceRecord): Api.DnsAnswer {
  return { answer_type: rr.answer_type, query: rr.query, qtype: rr.qtype, qclass: rr.qclass, TTL: rr.TTL };
}

function bytes(b: Uint8Array): string {
  return latin1(b, 0, b.length);
}
