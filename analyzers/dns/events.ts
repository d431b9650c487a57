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
export class DnsEventRaiser {
  private isQuery = 0;
  /** The section of the record at hand has its events (see record()). */
  private sectionEvents = true;

  constructor(private readonly conn: Connection) {}

  message(isQuery: boolean, length: number, result: DnsParseResult): void {
    const events = this.conn.events;
    const m: Partial<DnsMessage> | undefined = result.ok ? result.message : result.partial;
    if (m === undefined || m.header === undefined) return;
    if (!result.ok && !result.messageEvent) return;
    const msg = m.header;
    this.isQuery = isQuery ? 1 : 0;
    if (events.handles("dns_message")) this.raise("dns_message", [this.conn, isQuery, msg, length]);
    for (const q of m.questions ?? []) this.question(msg, q);
    for (const rr of m.answers ?? []) this.record(msg, rr, true);
    if (m.zone !== undefined) {
      for (const rr of m.authority ?? []) this.record(msg, rr, true);
      if (result.ok && events.handles("dns_dynamic_update")) this.raise("dns_dynamic_update", [this.conn, msg, m.zone.zname, m.zone.zclass]);
    }
    if (result.ok) {
      this.conn.addService("dns");
      if (m.zone === undefined) for (const rr of m.authority ?? []) this.record(msg, rr, result.message.authorityEvents);
      for (const rr of m.additional ?? []) this.record(msg, rr, true);
    }
    if ((result.ok || result.endEvent) && events.handles("dns_end")) this.raise("dns_end", [this.conn, msg]);
  }

  // The arguments come as one array, the connection first: the runtime takes it as it is.
  private raise<E extends DnsEvent>(event: E, args: [Connection, ...ArgsAfterConnection<E>]): void {
    this.conn.events.raise(event, args);
  }

  // Zeek's choice of event for a question: a query, a reply with no records at all, any other reply.
  private question(msg: DnsMsg, q: DnsQuestion): void {
    const event = !msg.QR
      ? "dns_request"
      : msg.num_answers === 0 && msg.num_auth === 0 && msg.num_addl === 0
        ? "dns_rejected"
        : "dns_query_reply";
    if (this.conn.events.handles(event)) this.raise(event, [this.conn, msg, q.query, q.qtype, q.qclass, q.original_query]);
  }

  /**
   * The events of one record. `sectionEvents` is false for an authority section Zeek reads only to
   * reach the additional one; a few events (TSIG, EDNS options, SVCB/HTTPS) Zeek raises even then.
   */
  private record(msg: DnsMsg, rr: DnsResourceRecord, sectionEvents: boolean): void {
    const d = rr.rdata;
    this.sectionEvents = sectionEvents;
    switch (d.kind) {
      case "A":
        if (this.wants("dns_A_reply")) this.raise("dns_A_reply", [this.conn, msg, answer(rr), d.a]);
        return;
      case "AAAA":
        if (this.wants("dns_AAAA_reply")) this.raise("dns_AAAA_reply", [this.conn, msg, answer(rr), d.a]);
        return;
      case "A6":
        if (this.wants("dns_A6_reply")) this.raise("dns_A6_reply", [this.conn, msg, answer(rr), d.a]);
        return;
      case "NS":
        if (this.wants("dns_NS_reply")) this.raise("dns_NS_reply", [this.conn, msg, answer(rr), d.name]);
        return;
      case "CNAME":
        if (this.wants("dns_CNAME_reply")) this.raise("dns_CNAME_reply", [this.conn, msg, answer(rr), d.name]);
        return;
      case "PTR":
        if (this.wants("dns_PTR_reply")) this.raise("dns_PTR_reply", [this.conn, msg, answer(rr), d.name]);
        return;
      case "SOA":
        if (this.wants("dns_SOA_reply")) {
          const { mname, rname, serial, refresh, retry, expire, minimum } = d;
          this.raise("dns_SOA_reply", [this.conn, msg, answer(rr), { mname, rname, serial, refresh, retry, expire, minimum }]);
        }
        return;
      case "MX":
        if (this.wants("dns_MX_reply")) this.raise("dns_MX_reply", [this.conn, msg, answer(rr), d.name, d.preference]);
        return;
      case "SRV":
        if (this.wants("dns_SRV_reply")) this.raise("dns_SRV_reply", [this.conn, msg, answer(rr), d.target, d.priority, d.weight, d.p]);
        return;
      case "NAPTR":
        if (this.wants("dns_NAPTR_reply")) {
          const { order, preference, flags, service, regexp, replacement } = d;
          this.raise("dns_NAPTR_reply", [this.conn, msg, answer(rr), { order, preference, flags, service, regexp, replacement }]);
        }
        return;
      case "TXT":
        if (this.wants("dns_TXT_reply")) this.raise("dns_TXT_reply", [this.conn, msg, answer(rr), d.strs]);
        return;
      case "SPF":
        if (this.wants("dns_SPF_reply")) this.raise("dns_SPF_reply", [this.conn, msg, answer(rr), d.strs]);
        return;
      case "HINFO":
        if (this.wants("dns_HINFO_reply")) this.raise("dns_HINFO_reply", [this.conn, msg, answer(rr), d.cpu, d.os]);
        return;
      case "WKS":
        if (this.wants("dns_WKS_reply")) this.raise("dns_WKS_reply", [this.conn, msg, answer(rr)]);
        return;
      case "CAA":
        if (this.wants("dns_CAA_reply")) this.raise("dns_CAA_reply", [this.conn, msg, answer(rr), d.flags, d.tag, d.value]);
        return;
      case "OPT":
        this.edns(msg, rr, d, sectionEvents);
        return;
      case "TKEY":
        if (this.wants("dns_TKEY")) {
          this.raise("dns_TKEY", [this.conn, msg, {
            query: rr.query,
            qtype: rr.answer_type,
            alg_name: d.alg_name,
            inception: d.inception,
            expiration: d.expiration,
            mode: d.mode,
            rr_error: d.rr_error,
            key_data: bytes(d.key_data),
            is_query: this.isQuery,
          }]);
        }
        return;
      case "TSIG":
        if (this.wants("dns_TSIG_addl")) {
          this.raise("dns_TSIG_addl", [this.conn, msg, {
            query: rr.query,
            qtype: rr.answer_type,
            alg_name: d.alg_name,
            sig: bytes(d.sig),
            time_signed: d.time_signed,
            fudge: d.fudge,
            orig_id: d.orig_id,
            rr_error: d.rr_error,
            is_query: this.isQuery,
          }]);
        }
        return;
      case "RRSIG":
        if (this.wants("dns_RRSIG")) {
          this.raise("dns_RRSIG", [this.conn, msg, answer(rr), {
            ...this.owner(rr),
            type_covered: d.type_covered,
            algorithm: d.algorithm,
            labels: d.labels,
            orig_ttl: d.orig_ttl,
            sig_exp: d.sig_exp,
            sig_incep: d.sig_incep,
            key_tag: d.key_tag,
            signer_name: d.signer_name,
            signature: bytes(d.signature),
            is_query: this.isQuery,
          }]);
        }
        return;
      case "DNSKEY":
        if (this.wants("dns_DNSKEY")) {
          const { flags, protocol, algorithm } = d;
          this.raise("dns_DNSKEY", [this.conn, msg, answer(rr), { ...this.owner(rr), flags, protocol, algorithm, public_key: bytes(d.public_key), is_query: this.isQuery }]);
        }
        return;
      case "NSEC":
        if (this.wants("dns_NSEC")) this.raise("dns_NSEC", [this.conn, msg, answer(rr), d.next_name, d.bitmaps.map(bytes)]);
        return;
      case "NSEC3":
        if (this.wants("dns_NSEC3")) {
          const { nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len, nsec_hlen } = d;
          this.raise("dns_NSEC3", [this.conn, msg, answer(rr), {
            ...this.owner(rr),
            nsec_flags,
            nsec_hash_algo,
            nsec_iter,
            nsec_salt_len,
            nsec_salt: bytes(d.nsec_salt),
            nsec_hlen,
            nsec_hash: bytes(d.nsec_hash),
            bitmaps: d.bitmaps.map(bytes),
            is_query: this.isQuery,
          }]);
        }
        return;
      case "NSEC3PARAM":
        if (this.wants("dns_NSEC3PARAM")) {
          const { nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len } = d;
          this.raise("dns_NSEC3PARAM", [this.conn, msg, answer(rr), {
            ...this.owner(rr),
            nsec_flags,
            nsec_hash_algo,
            nsec_iter,
            nsec_salt_len,
            nsec_salt: bytes(d.nsec_salt),
            is_query: this.isQuery,
          }]);
        }
        return;
      case "DS":
        if (this.wants("dns_DS")) {
          const { key_tag, algorithm, digest_type } = d;
          this.raise("dns_DS", [this.conn, msg, answer(rr), { ...this.owner(rr), key_tag, algorithm, digest_type, digest_val: bytes(d.digest_val), is_query: this.isQuery }]);
        }
        return;
      case "BINDS":
        if (this.wants("dns_BINDS")) {
          const { algorithm, key_id, removal_flag, complete_flag } = d;
          this.raise("dns_BINDS", [this.conn, msg, answer(rr), { ...this.owner(rr), algorithm, key_id, removal_flag, complete_flag, is_query: this.isQuery }]);
        }
        return;
      case "SSHFP":
        if (this.wants("dns_SSHFP")) this.raise("dns_SSHFP", [this.conn, msg, answer(rr), d.algo, d.fptype, bytes(d.fingerprint)]);
        return;
      case "LOC":
        if (this.wants("dns_LOC")) {
          const { version, size, horiz_pre, vert_pre, latitude, longitude, altitude } = d;
          this.raise("dns_LOC", [this.conn, msg, answer(rr), { ...this.owner(rr), version, size, horiz_pre, vert_pre, latitude, longitude, altitude, is_query: this.isQuery }]);
        }
        return;
      case "SVCB":
      case "HTTPS": {
        const event = d.kind === "SVCB" ? "dns_SVCB" : "dns_HTTPS";
        if (this.wants(event)) {
          const svcb: Api.DnsSvcbRr = { svc_priority: d.svc_priority, target_name: d.target_name };
          if (d.svc_params !== undefined) {
            svcb.svc_params = d.svc_params.map(({ raw, ...param }) => (raw === undefined ? param : { ...param, raw: bytes(raw) }));
          }
          this.raise(event, [this.conn, msg, answer(rr), svcb]);
        }
        return;
      }
      case "unknown":
        if (this.wants("dns_unknown_reply")) this.raise("dns_unknown_reply", [this.conn, msg, answer(rr)]);
        return;
      case "prerequisite":
        if (this.wants("dns_dynamic_update_pre")) this.raise("dns_dynamic_update_pre", [this.conn, msg, answer(rr)]);
        return;
      case "delete":
        if (this.wants("dns_dynamic_update_del")) this.raise("dns_dynamic_update_del", [this.conn, msg, answer(rr)]);
        return;
      case "unparsed":
      case "none":
        return;
    }
  }

  // dns_EDNS_addl for the record, then one event per option Zeek decodes.
  private edns(msg: DnsMsg, rr: DnsResourceRecord, d: DnsEdns, sectionEvents: boolean): void {
    const events = this.conn.events;
    if (sectionEvents && events.handles("dns_EDNS_addl")) {
      this.raise("dns_EDNS_addl", [this.conn, msg, {
        query: rr.query,
        qtype: rr.answer_type,
        t: rr.qtype,
        payload_size: d.payload_size,
        extended_rcode: d.extended_rcode,
        version: d.version,
        z_field: d.z_field,
        TTL: rr.TTL,
        is_query: this.isQuery,
      }]);
    }
    for (const option of d.options) {
      if (option.ecs !== undefined && events.handles("dns_EDNS_ecs")) this.raise("dns_EDNS_ecs", [this.conn, msg, { ...option.ecs }]);
      if (option.cookie !== undefined && events.handles("dns_EDNS_cookie")) {
        this.raise("dns_EDNS_cookie", [this.conn, msg, { client_cookie: bytes(option.cookie.client_cookie), server_cookie: bytes(option.cookie.server_cookie) }]);
      }
      if (option.tcp_keepalive !== undefined && events.handles("dns_EDNS_tcp_keepalive")) {
        this.raise("dns_EDNS_tcp_keepalive", [this.conn, msg, { ...option.tcp_keepalive }]);
      }
    }
  }

  private wants(event: DnsEvent): boolean {
    return this.conn.events.handles(event) && (this.sectionEvents || ALWAYS_RAISED.has(event));
  }

  private owner(rr: DnsResourceRecord): { query: string; answer_type: number } {
    return { query: rr.query, answer_type: rr.answer_type };
  }
}

/** Events Zeek raises for a record even in a section it reads only for its side effects. */
const ALWAYS_RAISED: ReadonlySet<DnsEvent> = new Set<DnsEvent>(["dns_TSIG_addl", "dns_SVCB", "dns_HTTPS"]);

function answer(rr: DnsResourceRecord): Api.DnsAnswer {
  return { answer_type: rr.answer_type, query: rr.query, qtype: rr.qtype, qclass: rr.qclass, TTL: rr.TTL };
}

function bytes(b: Uint8Array): string {
  return latin1(b, 0, b.length);
}
