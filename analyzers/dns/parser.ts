// The DNS message parser: bytes of one message (a UDP payload, or one length-prefixed TCP message)
// to a typed DnsMessage, following Zeek's DNS analyzer step for step so that `ok` means exactly
// "Zeek confirms the protocol here": header, opcode and dns_max_queries checks, questions (or the
// zone, prerequisites and updates of a dynamic update), then the answer section. Authority and
// additional records come after confirmation and, like Zeek, are skipped unless asked for.
// It never throws: any failure is a result naming Zeek's weird or violation.
import { readNameBothCases } from "./name.ts";
import { DnsReader } from "./reader.ts";
import { type HandledTypes, readRecord, readRecordStart, type SectionContext } from "./resource-record.ts";
import {
  AnswerType, DnsOpcode, type DnsMessage, type DnsMsg, type DnsQuestion, type DnsResourceRecord, type DnsWeird, RRType,
} from "./types.ts";

/** Zeek's defaults: dns_max_compression_chain_depth and dns_max_queries. */
export const DEFAULT_MAX_COMPRESSION_CHAIN_DEPTH = 20;
export const DEFAULT_MAX_QUERIES = 25;

/**
 * RR types that Zeek reads only when a script handles their event, and that Zeek's base DNS script
 * does handle. The others of that kind (HINFO, CAA, TKEY) are stepped over unless a caller adds them.
 */
export const BASE_HANDLED_TYPES: ReadonlySet<number> = new Set([
  RRType.WKS, RRType.TXT, RRType.SPF, RRType.RRSIG, RRType.DNSKEY, RRType.NSEC, RRType.NSEC3,
  RRType.NSEC3PARAM, RRType.DS, RRType.BINDS, RRType.SSHFP, RRType.LOC,
]);

export interface DnsParseOptions {
  /** dns_max_compression_chain_depth (default 20). */
  maxCompressionChainDepth?: number;
  /** dns_max_queries (default 25; 0 turns the check off). */
  maxQueries?: number;
  /** Either port is 137 (Zeek's is_netbios): NetBIOS opcodes are accepted, opcode 5 is a registration. */
  netbios?: boolean;
  /** The responder's port is 137 (default: `netbios`): labels may exceed 63 bytes, type 33 is NBSTAT. */
  netbiosResponder?: boolean;
  /** The message came over TCP (default false). */
  tcp?: boolean;
  /** RR types whose events have handlers (default BASE_HANDLED_TYPES); see SectionContext. */
  handledTypes?: HandledTypes;
  /** dns_skip_all_auth / dns_skip_all_addl (Zeek's default: true, true). */
  skipAllAuth?: boolean;
  skipAllAddl?: boolean;
  /** The responder is in dns_skip_auth / dns_skip_addl. */
  skipAuthFromServer?: boolean;
  skipAddlFromServer?: boolean;
}

export type DnsParseResult =
  | { ok: true; message: DnsMessage; weirds: DnsWeird[] }
  | {
      ok: false;
      /** Zeek's weird/violation name; where Zeek stops without one, a name of ours saying why. */
      error: string;
      weirds: DnsWeird[];
      /** Whatever was parsed before the failure (header, questions...). */
      partial?: Partial<DnsMessage>;
      /** Zeek reports an analyzer violation. */
      violation: boolean;
      /** Zeek raised dns_message for it (the header passed the opcode check). */
      messageEvent: boolean;
      /** Zeek raised dns_end for it. */
      endEvent: boolean;
    };

const HEADER_LENGTH = 12;

export function parseDnsMessage(data: Uint8Array, offset: number, length: number, opts: DnsParseOptions = {}): DnsParseResult {
  const weirds: DnsWeird[] = [];
  try {
    return parseMessage(data, offset, length, opts, weirds);
  } catch {
    // Unreachable by design (the fuzz tests hold it to that); no input may take the caller down,
    // and a bug shows in weird.log.
    weirds.push({ name: "DNS_parser_internal_error" });
    return failure("DNS_parser_internal_error", weirds, undefined, NO_EVENTS);
  }
}

function parseMessage(data: Uint8Array, offset: number, length: number, opts: DnsParseOptions, weirds: DnsWeird[]): DnsParseResult {
  const start = Math.max(0, Math.min(offset, data.length));
  const end = Math.max(start, Math.min(offset + Math.max(0, length), data.length));
  const netbios = opts.netbios ?? false;
  if (end - start < HEADER_LENGTH) {
    weirds.push({ name: "DNS_truncated_len_lt_hdr_len" });
    return failure("DNS_truncated_len_lt_hdr_len", weirds, undefined, NO_EVENTS);
  }
  const header = readHeader(data, start, netbios);
  const opcode = header.opcode;
  if (opcode !== DnsOpcode.QUERY && opcode !== DnsOpcode.DYNAMIC_UPDATE && opcode !== DnsOpcode.NOTIFY && !netbios) {
    weirds.push({ name: "DNS_unknown_opcode", addl: String(opcode), limitReached: true });
    return failure("DNS_unknown_opcode", weirds, { header }, NO_EVENTS);
  }
  const message: DnsMessage = {
    header,
    questions: [],
    answers: [],
    authority: [],
    additional: [],
    authorityParsed: false,
    authorityEvents: false,
    additionalParsed: false,
  };
  const maxQueries = opts.maxQueries ?? DEFAULT_MAX_QUERIES;
  if (maxQueries > 0 && header.num_queries > maxQueries) {
    weirds.push({ name: "DNS_Conn_count_too_large", addl: `${header.num_queries} > ${maxQueries}`, limitReached: true });
    return failure("DNS_Conn_count_too_large", weirds, { header }, VIOLATION);
  }

  const r = new DnsReader(data, start, end, weirds, {
    maxCompressionDepth: opts.maxCompressionChainDepth ?? DEFAULT_MAX_COMPRESSION_CHAIN_DEPTH,
    netbiosResponder: opts.netbiosResponder ?? netbios,
    tcp: opts.tcp ?? false,
  });
  r.pos = start + HEADER_LENGTH;
  const dynamicUpdate = opcode === DnsOpcode.DYNAMIC_UPDATE && !netbios;
  const section: SectionContext = {
    answerType: AnswerType.ANS,
    handledTypes: opts.handledTypes ?? BASE_HANDLED_TYPES,
    skipEvent: false,
    dynamicUpdate,
    zclass: 0,
    rcode: header.rcode,
  };

  if (dynamicUpdate) {
    if (header.num_queries !== 1) {
      weirds.push({ name: "DNS_DU_invalid_zone_count", addl: String(header.num_queries) });
      return failure("DNS_DU_invalid_zone_count", weirds, message, ENDED);
    }
    const zone = readRecordStart(r);
    if (zone === null) return stopped(r, message, ENDED);
    message.zone = { zname: zone.query, ztype: zone.qtype, zclass: zone.qclass };
    if (zone.qtype !== RRType.SOA) {
      r.fail("DNS_DU_incorrect_zone_type");
      return stopped(r, message, MESSAGE_ONLY);
    }
    section.zclass = zone.qclass;
    section.answerType = AnswerType.PREREQUISITE;
    if (!readSection(r, header.num_answers, section, message.answers)) return stopped(r, message, ENDED);
    section.answerType = AnswerType.UPDATE;
    if (!readSection(r, header.num_auth, section, message.authority)) return stopped(r, message, ENDED);
  } else {
    for (let n = header.num_queries; n > 0; n--) {
      const question = readQuestion(r);
      if (question === null) return stopped(r, message, ENDED);
      message.questions.push(question);
    }
    if (!readSection(r, header.num_answers, section, message.answers)) return stopped(r, message, ENDED);
  }

  // Confirmed. The rest only adds records; a failure there no longer undoes the confirmation.
  let skipAuth = opts.skipAllAuth ?? true;
  let skipAddl = opts.skipAllAddl ?? true;
  if (header.num_answers > 0) {
    skipAuth ||= header.num_auth === 0 || (opts.skipAuthFromServer ?? false);
    skipAddl ||= header.num_addl === 0 || (opts.skipAddlFromServer ?? false);
  }
  if (skipAuth && skipAddl) return { ok: true, message, weirds };

  if (!dynamicUpdate) {
    section.answerType = AnswerType.AUTH;
    section.skipEvent = skipAuth;
    message.authorityParsed = true;
    message.authorityEvents = !skipAuth;
    if (!readSection(r, header.num_auth, section, message.authority)) {
      message.sectionError = r.error ?? "DNS_parse_error";
      return { ok: true, message, weirds };
    }
  }
  if (skipAddl) return { ok: true, message, weirds };
  section.answerType = AnswerType.ADDL;
  section.skipEvent = false;
  message.additionalParsed = true;
  if (!readSection(r, header.num_addl, section, message.additional)) message.sectionError = r.error ?? "DNS_parse_error";
  return { ok: true, message, weirds };
}

/** Which of dns_message, dns_end and an analyzer violation Zeek raises for a failed message. */
interface FailureStage {
  violation: boolean;
  messageEvent: boolean;
  endEvent: boolean;
}
const NO_EVENTS: FailureStage = { violation: false, messageEvent: false, endEvent: false };
const MESSAGE_ONLY: FailureStage = { violation: false, messageEvent: true, endEvent: false };
const ENDED: FailureStage = { violation: false, messageEvent: true, endEvent: true };
const VIOLATION: FailureStage = { violation: true, messageEvent: true, endEvent: true };

function failure(error: string, weirds: DnsWeird[], partial: Partial<DnsMessage> | undefined, stage: FailureStage): DnsParseResult {
  return { ok: false, error, weirds, partial, ...stage };
}

// Parsing stopped at the reader's reason.
function stopped(r: DnsReader, message: DnsMessage, stage: FailureStage): DnsParseResult {
  return failure(r.error ?? "DNS_parse_error", r.weirds, message, r.violation ? VIOLATION : stage);
}

function readHeader(b: Uint8Array, at: number, netbios: boolean): DnsMsg {
  const flags = u16At(b, at + 2);
  return {
    id: u16At(b, at),
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    QR: (flags & 0x8000) !== 0,
    AA: (flags & 0x0400) !== 0,
    TC: (flags & 0x0200) !== 0,
    RD: (flags & 0x0100) !== 0,
    RA: (flags & 0x0080) !== 0,
    Z: (flags >> 4) & 0x7,
    AD: (flags & 0x0020) !== 0,
    CD: (flags & 0x0010) !== 0,
    num_queries: u16At(b, at + 4),
    num_answers: u16At(b, at + 6),
    num_auth: u16At(b, at + 8),
    num_addl: u16At(b, at + 10),
    is_netbios: netbios,
  };
}

function u16At(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function readQuestion(r: DnsReader): DnsQuestion | null {
  const names = readNameBothCases(r);
  if (names === null) return null;
  if (r.remaining < 4) return r.fail("DNS_truncated_quest_too_short");
  const [original_query, query] = names;
  return { query, original_query, qtype: r.u16(), qclass: r.u16() };
}

// Reads `count` records into `into`; false when one fails (the reader holds the reason). A record
// that comes back while the reader holds an error is one Zeek reports before giving up (a TXT
// whose strings miss RDLENGTH, an OPT with a truncated option): it is kept, and parsing stops.
function readSection(r: DnsReader, count: number, ctx: SectionContext, into: DnsResourceRecord[]): boolean {
  for (let n = count; n > 0; n--) {
    const rr = readRecord(r, ctx);
    if (rr === null) return false;
    into.push(rr);
    if (r.error !== null) return false;
  }
  return true;
}
