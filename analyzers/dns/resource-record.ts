// One resource record: owner, type, class, TTL, RDLENGTH, then the RDATA decoder for its type, the
// way Zeek's DNS analyzer walks it. Zeek skips the RDATA of some types when no script handles their
// event; those are decoded here all the same, but quietly (no weird, no failure) and the cursor
// moves as Zeek's would. Dynamic-update prerequisites and updates follow RFC 2136's class/TTL rules.
import {
  decodeA, decodeAAAA, decodeCAA, decodeHINFO, decodeLOC, decodeMX, decodeNAPTR, decodeNameRecord, decodeSOA, decodeSPF,
  decodeSRV, decodeSSHFP, decodeTXT, decodeWKS, type RdataDecoder,
} from "./rdata.ts";
import { decodeBINDS, decodeDNSKEY, decodeDS, decodeNSEC, decodeNSEC3, decodeNSEC3PARAM, decodeRRSIG } from "./rdata-dnssec.ts";
import { decodeOPT } from "./rdata-edns.ts";
import { decodeSVCB } from "./rdata-svcb.ts";
import { decodeTKEY, decodeTSIG } from "./rdata-tsig.ts";
import { readName } from "./name.ts";
import type { DnsReader } from "./reader.ts";
import { AnswerType, DnsClass, type DnsRdata, type DnsResourceRecord, type DnsZone, RRType } from "./types.ts";

/** Which RR types have a handled event: a Set, or the analyzer's view of the loaded scripts. */
export interface HandledTypes {
  has(type: number): boolean;
}

/** How the records of one section are read. */
export interface SectionContext {
  answerType: number;
  /** RR types whose Zeek event has a handler; the others of the skippable kind are skipped. */
  handledTypes: HandledTypes;
  /** Zeek parses this section only for its side effects (dns_skip_auth and friends): no handlers run. */
  skipEvent: boolean;
  dynamicUpdate: boolean;
  /** The zone's class, for dynamic-update checks. */
  zclass: number;
  /** The header's rcode, the low bits of an OPT record's extended rcode. */
  rcode: number;
}

const NONE: DnsRdata = Object.freeze({ kind: "none" });

/** The zone of a dynamic update: laid out as the start of a record (owner name, type, class). */
export function readZone(r: DnsReader): DnsZone | null {
  const zname = readName(r);
  if (zname === null) return null;
  if (r.remaining < 4) return r.fail("DNS_truncated_ans_too_short");
  const ztype = r.u16();
  return { zname, ztype, zclass: r.u16() };
}

/** Reads one record; null when the section cannot go on (the reader then holds the reason). */
export function readRecord(r: DnsReader, ctx: SectionContext): DnsResourceRecord | null {
  const query = readName(r);
  if (query === null) return null;
  if (r.remaining < 4) return r.fail("DNS_truncated_ans_too_short");
  const qtype = r.u16();
  const qclass = r.u16();
  const TTL = r.u32();
  const rdlength = r.u16();
  if (rdlength > r.remaining) return r.fail("DNS_truncated_RR_rdlength_lt_len");
  const rr: DnsResourceRecord = { answer_type: ctx.answerType, query, qtype, qclass, TTL, rdlength, rdata: NONE };

  if (ctx.dynamicUpdate) {
    const entry = dynamicUpdateEntry(r, rr, ctx.zclass);
    if (entry !== null) {
      rr.rdata = entry;
      return rr;
    }
  }
  if (rdlength === 0 && r.remaining > 0) {
    if (ctx.dynamicUpdate) return rr;
    return r.fail("DNS_zero_rdlength");
  }
  const rdata = readRdata(r, rr, ctx);
  if (rdata === null) return null;
  rr.rdata = rdata;
  return rr;
}

// RFC 2136 §2.4/§2.5 checks; null when the entry is an ordinary record to decode.
function dynamicUpdateEntry(r: DnsReader, rr: DnsResourceRecord, zclass: number): DnsRdata | null {
  if (rr.answer_type === AnswerType.UPDATE) {
    if (rr.qclass === DnsClass.ANY && rr.TTL === 0 && rr.rdlength === 0) return { kind: "delete" };
    if ((rr.qclass === DnsClass.NONE && rr.TTL === 0) || rr.qclass === zclass) return null;
    r.weird("DNS_dynamic_update_invalid_update");
    return NONE;
  }
  if (rr.answer_type === AnswerType.PREREQUISITE) {
    // Zeek never reads a prerequisite's RDATA.
    if (rr.TTL !== 0) {
      r.weird("DNS_dynamic_update_prereq_nonzero_ttl", String(rr.TTL | 0));
      return NONE;
    }
    const emptyAnyOrNone = (rr.qclass === DnsClass.ANY || rr.qclass === DnsClass.NONE) && rr.rdlength === 0;
    if (emptyAnyOrNone || rr.qclass === zclass) return { kind: "prerequisite" };
    r.weird("DNS_dynamic_update_invalid_prereq");
    return NONE;
  }
  return null;
}

function readRdata(r: DnsReader, rr: DnsResourceRecord, ctx: SectionContext): DnsRdata | null {
  const len = rr.rdlength;
  const type = rr.qtype;
  switch (type) {
    case RRType.A:
      return decodeA(r, len);
    case RRType.AAAA:
      return decodeAAAA(r, "AAAA");
    case RRType.A6:
      return decodeAAAA(r, "A6");
    case RRType.NS:
      return decodeNameRecord(r, len, "NS");
    case RRType.CNAME:
      return decodeNameRecord(r, len, "CNAME");
    case RRType.PTR:
      return decodeNameRecord(r, len, "PTR");
    case RRType.SOA:
      return decodeSOA(r, len);
    case RRType.MX:
      return decodeMX(r, len);
    case RRType.SRV:
      // On NetBIOS this type number is NBSTAT, which Zeek neither parses nor steps over.
      if (r.netbiosResponder) return { kind: "unparsed", data: r.buf.slice(r.pos, r.pos + len) };
      return decodeSRV(r, len);
    case RRType.NAPTR:
      return decodeNAPTR(r, len);
    case RRType.NBS:
      return { kind: "unparsed", data: r.bytes(len) };
    case RRType.OPT:
      return decodeOPT(r, len, rr.qclass, rr.TTL, ctx.rcode);
    case RRType.TSIG:
      return decodeTSIG(r);
    case RRType.SVCB:
      return decodeSVCB(r, len, "SVCB");
    case RRType.HTTPS:
      return decodeSVCB(r, len, "HTTPS");
    case RRType.LOC:
      if (len !== 16) return r.fail("dns_invalid_loc_length");
      return readSkippable(r, rr, ctx, decodeLOC);
    case RRType.WKS:
      // Handled, Zeek reports it without reading it: the cursor stays at the RDATA.
      return readSkippable(r, rr, ctx, decodeWKS);
    case RRType.HINFO:
      return readSkippable(r, rr, ctx, decodeHINFO);
    case RRType.TXT:
      return readSkippable(r, rr, ctx, decodeTXT);
    case RRType.SPF:
      return readSkippable(r, rr, ctx, decodeSPF);
    case RRType.CAA:
      return readSkippable(r, rr, ctx, decodeCAA);
    case RRType.TKEY:
      return readSkippable(r, rr, ctx, decodeTKEY);
    case RRType.RRSIG:
      return readSkippable(r, rr, ctx, decodeRRSIG);
    case RRType.DNSKEY:
      return readSkippable(r, rr, ctx, decodeDNSKEY);
    case RRType.NSEC:
      return readSkippable(r, rr, ctx, decodeNSEC);
    case RRType.NSEC3:
      return readSkippable(r, rr, ctx, decodeNSEC3);
    case RRType.NSEC3PARAM:
      return readSkippable(r, rr, ctx, decodeNSEC3PARAM);
    case RRType.DS:
      return readSkippable(r, rr, ctx, decodeDS);
    case RRType.BINDS:
      return readSkippable(r, rr, ctx, decodeBINDS);
    case RRType.SSHFP:
      return readSkippable(r, rr, ctx, decodeSSHFP);
    default:
      r.weird("DNS_RR_unknown_type", String(type));
      return { kind: "unknown", data: r.bytes(len) };
  }
}

// The types Zeek reads only when their event is handled (asked here, not for every record: the
// common types have no such rule). Unhandled, the RDATA is decoded quietly: its weirds and
// failures do not count, and the cursor ends right after it whatever was read.
function readSkippable(r: DnsReader, rr: DnsResourceRecord, ctx: SectionContext, decode: RdataDecoder): DnsRdata | null {
  const rdlength = rr.rdlength;
  if (!ctx.skipEvent && ctx.handledTypes.has(rr.qtype)) return decode(r, rdlength);
  const from = r.pos;
  r.quiet = true;
  const rdata = decode(r, rdlength);
  const failed = rdata === null || r.error !== null;
  r.quiet = false;
  r.error = null;
  r.violation = false;
  r.pos = from + rdlength;
  return failed ? { kind: "unparsed", data: r.buf.slice(from, from + rdlength) } : rdata;
}
