// The DNS message parser: bytes of one message (a UDP payload, or one length-prefixed TCP message)
// to a typed DnsMessage, following Zeek's DNS analyzer step for step so that `ok` means exactly
// "Zeek confirms the protocol here": header, opcode and dns_max_queries checks, questions (or the
// zone, prerequisites and updates of a dynamic update), then the answer section. Authority and
// additional records come after confirmation and, like Zeek, are skipped unless asked for.
// It never throws: any failure is a result naming Zeek's weird or violation.
import { readQuestionName } from "./name.ts";
import { DnsReader } from "./reader.ts";
import { type HandledTypes, readRecord, readZone, type SectionContext } from "./resource-record.ts";
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
  | { ok: true; message: DnsMessage; weirds: readonly DnsWeird[] }
  | {
      ok: false;
      /** Zeek's weird/violation name; where Zeek stops without one, a name of ours saying why. */
      error: string;
      weirds: readonly DnsWeird[];
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

// Most sections hold no record: they all share these.
const NO_QUESTIONS: readonly DnsQuestion[] = [];
const NO_RECORDS: readonly DnsResourceRecord[] = [];

// Messages are parsed one at a time, each to its end: one reader and one section context serve
// them all, reset for each.
const reader = new DnsReader();
const section: SectionContext = {
  answerType: AnswerType.ANS,
  handledTypes: BASE_HANDLED_TYPES,
  skipEvent: false,
  dynamicUpdate: false,
  zclass: 0,
  rcode: 0,
};

export function parseDnsMessage(data: Uint8Array, offset: number, length: number, opts: DnsParseOptions = {}): DnsParseResult {
  const start = Math.max(0, Math.min(offset, data.length));
  const end = Math.max(start, Math.min(offset + Math.max(0, length), data.length));
  const netbios = opts.netbios ?? false;
  const r = reader;
  r.reset(data, start, end, opts.maxCompressionChainDepth ?? DEFAULT_MAX_COMPRESSION_CHAIN_DEPTH, opts.netbiosResponder ?? netbios, opts.tcp ?? false);
  try {
    return parseMessage(r, netbios, opts);
  } catch {
    // Unreachable by design (the fuzz tests hold it to that); no input may take the caller down,
    // and a bug shows in weird.log.
    r.weird("DNS_parser_internal_error");
    return failure("DNS_parser_internal_error", r.weirds, undefined, NO_EVENTS);
  }
}

function parseMessage(r: DnsReader, netbios: boolean, opts: DnsParseOptions): DnsParseResult {
  const start = r.start;
  if (r.remaining < HEADER_LENGTH) {
    r.weird("DNS_truncated_len_lt_hdr_len");
    return failure("DNS_truncated_len_lt_hdr_len", r.weirds, undefined, NO_EVENTS);
  }
  const header = readHeader(r.buf, start, netbios);
  const opcode = header.opcode;
  if (opcode !== DnsOpcode.QUERY && opcode !== DnsOpcode.DYNAMIC_UPDATE && opcode !== DnsOpcode.NOTIFY && !netbios) {
    r.weird("DNS_unknown_opcode", String(opcode), true);
    return failure("DNS_unknown_opcode", r.weirds, { header }, NO_EVENTS);
  }
  const message: DnsMessage = {
    header,
    questions: NO_QUESTIONS,
    answers: NO_RECORDS,
    authority: NO_RECORDS,
    additional: NO_RECORDS,
    authorityParsed: false,
    authorityEvents: false,
    additionalParsed: false,
  };
  const maxQueries = opts.maxQueries ?? DEFAULT_MAX_QUERIES;
  if (maxQueries > 0 && header.num_queries > maxQueries) {
    r.weird("DNS_Conn_count_too_large", `${header.num_queries} > ${maxQueries}`, true);
    return failure("DNS_Conn_count_too_large", r.weirds, { header }, VIOLATION);
  }

  r.pos = start + HEADER_LENGTH;
  const dynamicUpdate = opcode === DnsOpcode.DYNAMIC_UPDATE && !netbios;
  section.answerType = AnswerType.ANS;
  section.handledTypes = opts.handledTypes ?? BASE_HANDLED_TYPES;
  section.skipEvent = false;
  section.dynamicUpdate = dynamicUpdate;
  section.zclass = 0;
  section.rcode = header.rcode;

  if (dynamicUpdate) {
    if (header.num_queries !== 1) {
      r.weird("DNS_DU_invalid_zone_count", String(header.num_queries));
      return failure("DNS_DU_invalid_zone_count", r.weirds, message, ENDED);
    }
    const zone = readZone(r);
    if (zone === null) return stopped(r, message, ENDED);
    message.zone = zone;
    if (zone.ztype !== RRType.SOA) {
      r.fail("DNS_DU_incorrect_zone_type");
      return stopped(r, message, MESSAGE_ONLY);
    }
    section.zclass = zone.zclass;
    section.answerType = AnswerType.PREREQUISITE;
    message.answers = readSection(r, header.num_answers, section);
    if (r.error !== null) return stopped(r, message, ENDED);
    section.answerType = AnswerType.UPDATE;
    message.authority = readSection(r, header.num_auth, section);
    if (r.error !== null) return stopped(r, message, ENDED);
  } else {
    message.questions = readQuestions(r, header.num_queries);
    if (r.error !== null) return stopped(r, message, ENDED);
    message.answers = readSection(r, header.num_answers, section);
    if (r.error !== null) return stopped(r, message, ENDED);
  }

  // Confirmed. The rest only adds records; a failure there no longer undoes the confirmation.
  let skipAuth = opts.skipAllAuth ?? true;
  let skipAddl = opts.skipAllAddl ?? true;
  if (header.num_answers > 0) {
    skipAuth ||= header.num_auth === 0 || (opts.skipAuthFromServer ?? false);
    skipAddl ||= header.num_addl === 0 || (opts.skipAddlFromServer ?? false);
  }
  if (skipAuth && skipAddl) return { ok: true, message, weirds: r.weirds };

  if (!dynamicUpdate) {
    section.answerType = AnswerType.AUTH;
    section.skipEvent = skipAuth;
    message.authorityParsed = true;
    message.authorityEvents = !skipAuth;
    message.authority = readSection(r, header.num_auth, section);
    if (r.error !== null) {
      message.sectionError = r.error;
      return { ok: true, message, weirds: r.weirds };
    }
  }
  if (skipAddl) return { ok: true, message, weirds: r.weirds };
  section.answerType = AnswerType.ADDL;
  section.skipEvent = false;
  message.additionalParsed = true;
  message.additional = readSection(r, header.num_addl, section);
  if (r.error !== null) message.sectionError = r.error;
  return { ok: true, message, weirds: r.weirds };
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

function failure(error: string, weirds: readonly DnsWeird[], partial: Partial<DnsMessage> | undefined, stage: FailureStage): DnsParseResult {
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
  const q: DnsQuestion = { query: "", original_query: "", qtype: 0, qclass: 0 };
  if (!readQuestionName(r, q)) return null;
  if (r.remaining < 4) return r.fail("DNS_truncated_quest_too_short");
  q.qtype = r.u16();
  q.qclass = r.u16();
  return q;
}

// Reads up to `count` questions, stopping at the first failure (the reader then holds the reason).
// Most messages have one: no list grows for it.
function readQuestions(r: DnsReader, count: number): readonly DnsQuestion[] {
  let questions: DnsQuestion[] | undefined;
  for (let n = count; n > 0; n--) {
    const q = readQuestion(r);
    if (q === null) break;
    if (questions === undefined) questions = [q];
    else questions.push(q);
  }
  return questions ?? NO_QUESTIONS;
}

// Reads up to `count` records, stopping when the reader holds an error. A record that comes back
// with an error is one Zeek reports before giving up (a TXT whose strings miss RDLENGTH, an OPT
// with a truncated option): it is kept. A failing record sets the error (see readRecord).
function readSection(r: DnsReader, count: number, ctx: SectionContext): readonly DnsResourceRecord[] {
  let records: DnsResourceRecord[] | undefined;
  for (let n = count; n > 0 && r.error === null; n--) {
    const rr = readRecord(r, ctx);
    if (rr === null) break;
    if (records === undefined) records = [rr];
    else records.push(rr);
  }
  return records ?? NO_RECORDS;
}
