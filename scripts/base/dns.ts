// dns.log: one row per DNS transaction, as Zeek's base/protocols/dns writes it. A query and its
// reply are paired by transaction id on their connection (queries waiting in order, replies that
// came first waiting for their query); the row is written once both were seen, and whatever is
// still unpaired when the connection goes (timeout, end of input) is written then. Messages to a
// multicast address (mDNS, LLMNR) are logged one by one: their replies come on other flows.
// Each reply record adds its summary to `answers` (the per-type rendering below, Zeek's).
import { on, Log, option, networkTime, type Connection, type DnsAnswer, type DnsInfo, type DnsMsg } from "nsm";
import { isBinary, loggable } from "./byte-strings.ts";

declare module "nsm" {
  interface Connection {
    /** The transactions of the connection still waiting for their counterpart (Zeek's `c$dns_state`). */
    dns_state?: DnsState;
  }
}

Log.createStream("DNS::LOG", {
  path: "dns",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    proto: "enum",
    trans_id: "count",
    rtt: "interval",
    query: "string",
    qclass: "count",
    qclass_name: "string",
    qtype: "count",
    qtype_name: "string",
    rcode: "count",
    rcode_name: "string",
    AA: "bool",
    TC: "bool",
    RD: "bool",
    RA: "bool",
    Z: "count",
    answers: "vector[string]",
    TTLs: "vector[interval]",
    rejected: "bool",
    opcode: "count",
    opcode_name: "string",
  },
});

/** Unpaired messages kept per transaction id, and transaction ids kept, before they are logged as they are. */
const MAX_PENDING_MSGS = option("DNS::max_pending_msgs", 50);
const MAX_PENDING_QUERY_IDS = option("DNS::max_pending_query_ids", 50);

const OP_QUERY = 0;
const OP_NOTIFY = 4;
const OP_DYNAMIC_UPDATE = 5;
const ANS = 1;
const AUTH = 2;
const ADDL = 3;
const PREREQUISITE = 4;
const UPDATE = 5;
const CLASS_NONE = 254;
const CLASS_ANY = 255;
const TYPE_ANY = 255;

// ---- Names (Zeek's DNS consts) -----------------------------------------------------------------

const QUERY_TYPES: Record<number, string> = {
  1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR", 10: "NULL", 11: "WKS",
  12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN",
  21: "RT", 22: "NSAP", 23: "NSAP-PTR", 24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC",
  30: "NXT", 31: "EID", 32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6",
  39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG",
  47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 53: "SMIMEA", 55: "HIP",
  56: "NINFO", 57: "RKEY", 58: "TALINK", 59: "CDS", 60: "CDNSKEY", 61: "OPENPGPKEY", 62: "CSYNC",
  63: "ZONEMD", 64: "SVCB", 65: "HTTPS", 99: "SPF", 100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC",
  104: "NID", 105: "L32", 106: "L64", 107: "LP", 108: "EUI48", 109: "EUI64", 249: "TKEY", 250: "TSIG",
  251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "*", 256: "URI", 257: "CAA", 32768: "TA",
  32769: "DLV", 65281: "WINS", 65282: "WINS-R", 65422: "XPF", 65521: "INTEGRITY",
};

const RCODES: Record<number, string> = {
  0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 6: "YXDOMAIN",
  7: "YXRRSET", 8: "NXRRSet", 9: "NOTAUTH", 10: "NOTZONE", 11: "unassigned-11", 12: "unassigned-12",
  13: "unassigned-13", 14: "unassigned-14", 15: "unassigned-15", 16: "BADVERS", 17: "BADKEY", 18: "BADTIME",
  19: "BADMODE", 20: "BADNAME", 21: "BADALG", 22: "BADTRUNC", 23: "BADCOOKIE", 3842: "BADSIG",
};

const CLASSES: Record<number, string> = { 1: "C_INTERNET", 2: "C_CSNET", 3: "C_CHAOS", 4: "C_HESIOD", 254: "C_NONE", 255: "C_ANY" };

const OPCODES: Record<number, string> = { 0: "query", 1: "iquery", 2: "server-status", 4: "notify", 5: "dynamic-update", 6: "dso" };

const NETBIOS_OPCODES: Record<number, string> = {
  0: "netbios-query", 5: "netbios-registration", 6: "netbios-release", 7: "netbios-wack", 8: "netbios-refresh",
};

const queryTypeName = (t: number) => QUERY_TYPES[t] ?? `query-${t}`;
const rcodeName = (r: number) => RCODES[r] ?? `rcode-${r}`;
const className = (c: number) => CLASSES[c] ?? `qclass-${c}`;
const opcodeName = (msg: DnsMsg) =>
  msg.is_netbios ? (NETBIOS_OPCODES[msg.opcode] ?? `netbios-opcode-${msg.opcode}`) : (OPCODES[msg.opcode] ?? `opcode-${msg.opcode}`);

/** Query, dynamic update and notify are tracked; other opcodes are not logged. */
const tracked = (msg: DnsMsg) => msg.opcode === OP_QUERY || msg.opcode === OP_DYNAMIC_UPDATE || msg.opcode === OP_NOTIFY;

// ---- Pairing queries and replies ---------------------------------------------------------------

/** Messages waiting for their counterpart, per transaction id, oldest first. */
type Pending = Map<number, DnsInfo[]>;

interface DnsState {
  /** The one query most recently left waiting (the common case, kept apart from the queue). */
  pendingQuery: DnsInfo | undefined;
  pendingQueries: Pending | undefined;
  pendingReplies: Pending | undefined;
  /** The responder address last checked for multicast, and the answer (checked once, not per message). */
  respH: string;
  multicast: boolean;
}

function newSession(c: Connection, transId: number): DnsInfo {
  return {
    ts: networkTime(),
    uid: c.uid,
    id: { ...c.id },
    proto: c.id.proto,
    trans_id: transId,
    AA: false,
    TC: false,
    RD: false,
    RA: false,
    Z: 0,
    rejected: false,
    saw_query: false,
    saw_reply: false,
  };
}

function logQueue(queue: DnsInfo[]): void {
  for (const info of queue) write(info);
}

function logPending(pending: Pending): void {
  for (const queue of pending.values()) logQueue(queue);
  pending.clear();
}

function enqueue(pending: Pending, id: number, info: DnsInfo): void {
  const queue = pending.get(id);
  if (queue === undefined) {
    // Too many ids waiting: they will never be matched; log them as they are.
    if (pending.size > MAX_PENDING_QUERY_IDS) logPending(pending);
    pending.set(id, [info]);
  } else if (queue.length > MAX_PENDING_MSGS) {
    logQueue(queue);
    pending.set(id, [info]);
  } else queue.push(info);
}

function pop(pending: Pending, id: number): DnsInfo {
  const queue = pending.get(id)!;
  const info = queue.shift()!;
  if (queue.length === 0) pending.delete(id);
  return info;
}

const has = (pending: Pending | undefined, id: number): boolean => (pending?.get(id)?.length ?? 0) > 0;

/** 224.0.0.0/4 and ff00::/8 (Zeek's DNS::multicast_subnets). */
function isMulticast(addr: string): boolean {
  if (addr.includes(":")) return addr.toLowerCase().startsWith("ff");
  const first = Number(addr.slice(0, addr.indexOf(".")));
  return first >= 224 && first <= 239;
}

/** Finds or starts the transaction this message belongs to: c.dns. */
function setSession(c: Connection, msg: DnsMsg, isQuery: boolean): void {
  const respH = c.id.resp_h;
  let state = c.dns_state;
  if (state === undefined) {
    state = { pendingQuery: undefined, pendingQueries: undefined, pendingReplies: undefined, respH, multicast: isMulticast(respH) };
    c.dns_state = state;
  } else if (state.respH !== respH) {
    state.respH = respH;
    state.multicast = isMulticast(respH);
  }

  if (state.multicast) {
    // No pairing: each message is its own row, written at its dns_end.
    c.dns = newSession(c, msg.id);
    c.dns.saw_query = true;
    c.dns.saw_reply = true;
  } else if (isQuery) {
    if (has(state.pendingReplies, msg.id)) {
      c.dns = pop(state.pendingReplies!, msg.id);
    } else {
      c.dns = newSession(c, msg.id);
      if (state.pendingQuery === undefined) state.pendingQuery = c.dns;
      else enqueue((state.pendingQueries ??= new Map()), msg.id, c.dns);
    }
  } else if (state.pendingQuery !== undefined && state.pendingQuery.trans_id === msg.id) {
    c.dns = state.pendingQuery;
    state.pendingQuery = undefined;
    const queries = state.pendingQueries;
    if (queries !== undefined) {
      // Refill the fast path so that queued queries keep their order: one with this id first,
      // else the oldest of any id.
      if (has(queries, msg.id)) state.pendingQuery = pop(queries, msg.id);
      else {
        for (const id of queries.keys()) {
          if (!has(queries, id)) continue;
          state.pendingQuery = pop(queries, id);
          break;
        }
      }
    }
  } else if (has(state.pendingQueries, msg.id)) {
    c.dns = pop(state.pendingQueries!, msg.id);
  } else {
    c.dns = newSession(c, msg.id);
    enqueue((state.pendingReplies ??= new Map()), msg.id, c.dns);
  }

  const info = c.dns;
  if (!isQuery) {
    info.rcode = msg.rcode;
    info.rcode_name = rcodeName(msg.rcode);
    info.total_answers ??= msg.num_answers;
    info.total_replies ??= msg.num_answers + msg.num_addl + msg.num_auth;
    if (msg.rcode !== 0 && msg.num_queries === 0) info.rejected = true;
  }
  info.opcode = msg.opcode;
  info.opcode_name = opcodeName(msg);
}

// ---- Events ------------------------------------------------------------------------------------

on(
  "dns_message",
  (c, _isOrig, msg) => {
    if (tracked(msg)) setSession(c, msg, !msg.QR);
  },
  { priority: 5 },
);

on(
  "dns_request",
  (c, msg, query, qtype, qclass) => {
    if (!tracked(msg) || c.dns === undefined) return;
    const info = c.dns;
    info.RD = msg.RD;
    info.TC = msg.TC;
    info.qclass = qclass;
    info.qclass_name = className(qclass);
    info.qtype = qtype;
    info.qtype_name = queryTypeName(qtype);
    info.Z = msg.Z;
    if (c.id.resp_p === 137 && c.id.proto === "udp") {
      // NetBIOS name service: the name is first-level encoded; type 33 there is NBSTAT, not SRV.
      const decoded = decodeNetbiosName(query);
      if (decoded !== "") query = decoded;
      if (info.qtype_name === "SRV") info.qtype_name = "NBSTAT";
    }
    info.query = query;
  },
  { priority: 5 },
);

on(
  "dns_rejected",
  (c) => {
    if (c.dns !== undefined) c.dns.rejected = true;
  },
  { priority: 5 },
);

on(
  "dns_end",
  (c, msg) => {
    if (c.dns === undefined) return;
    if (msg.QR) c.dns.saw_reply = true;
    else c.dns.saw_query = true;
  },
  { priority: 5 },
);

on(
  "dns_end",
  (c) => {
    if (c.dns !== undefined && c.dns.saw_reply && c.dns.saw_query) {
      write(c.dns);
      c.dns = undefined;
    }
  },
  { priority: -5 },
);

// Whatever is still unpaired is logged when the connection goes.
on("connection_state_remove", (c) => {
  const state = c.dns_state;
  if (state === undefined) return;
  if (state.pendingQuery !== undefined) write(state.pendingQuery);
  if (state.pendingQueries !== undefined) logPending(state.pendingQueries);
  if (state.pendingReplies !== undefined) logPending(state.pendingReplies);
  c.dns_state = undefined;
});

// ---- Replies: each record's summary --------------------------------------------------------------

/** Adds one record's summary to the transaction (Zeek's DNS::do_reply). */
function reply(c: Connection, msg: DnsMsg, ans: DnsAnswer, summary: string): void {
  const info = c.dns;
  if (!tracked(msg) || !msg.QR || info === undefined) return;
  // The authority and additional sections, for policy/dns/auth-addl (standard queries only).
  if (msg.opcode === OP_QUERY && (ans.answer_type === AUTH || ans.answer_type === ADDL)) {
    const set = ans.answer_type === AUTH ? (info.auth ??= []) : (info.addl ??= []);
    if (!set.includes(summary)) set.push(summary);
  }
  if (ans.answer_type !== ANS && ans.answer_type !== PREREQUISITE && ans.answer_type !== UPDATE) return;
  info.query ??= ans.query;
  info.AA = msg.AA;
  info.RA = msg.RA;
  if (info.rtt === undefined) {
    // No time between query and reply means only the reply was seen.
    const rtt = networkTime() - info.ts;
    if (rtt !== 0) info.rtt = rtt;
  }
  if (summary === "") return;
  if (msg.opcode === OP_DYNAMIC_UPDATE && ans.answer_type === UPDATE && !summary.startsWith("del:")) summary = `add: ${summary}`;
  // Most replies have one answer: its lists are made at their size.
  if (info.answers === undefined) info.answers = [summary];
  else info.answers.push(summary);
  if (info.TTLs === undefined) info.TTLs = [ans.TTL];
  else info.TTLs.push(ans.TTL);
}

/** An address record: in a dynamic update, with its type and owner. */
function addressReply(type: string) {
  return (c: Connection, msg: DnsMsg, ans: DnsAnswer, a: string) =>
    reply(c, msg, ans, msg.opcode === OP_DYNAMIC_UPDATE && !msg.is_netbios ? `${type} ${ans.query} ${a}` : a);
}

/** TXT and SPF: each string with its length. */
const strings = (type: string, strs: string[]) => strs.map((s) => `${type} ${s.length} ${s}`).join(" ");

const PRIORITY = { priority: 5 };
on("dns_A_reply", addressReply("A"), PRIORITY);
on("dns_AAAA_reply", addressReply("AAAA"), PRIORITY);
on("dns_A6_reply", addressReply("A6"), PRIORITY);
on("dns_NS_reply", (c, msg, ans, name) => reply(c, msg, ans, name), PRIORITY);
on("dns_CNAME_reply", (c, msg, ans, name) => reply(c, msg, ans, name), PRIORITY);
on("dns_PTR_reply", (c, msg, ans, name) => reply(c, msg, ans, name), PRIORITY);
on("dns_MX_reply", (c, msg, ans, name) => reply(c, msg, ans, name), PRIORITY);
on("dns_SOA_reply", (c, msg, ans, soa) => reply(c, msg, ans, soa.mname), PRIORITY);
on("dns_WKS_reply", (c, msg, ans) => reply(c, msg, ans, ""), PRIORITY);
on("dns_SRV_reply", (c, msg, ans, target) => reply(c, msg, ans, target), PRIORITY);
on("dns_TXT_reply", (c, msg, ans, strs) => reply(c, msg, ans, strings("TXT", strs)), PRIORITY);
on("dns_SPF_reply", (c, msg, ans, strs) => reply(c, msg, ans, strings("SPF", strs)), PRIORITY);
on("dns_unknown_reply", (c, msg, ans) => reply(c, msg, ans, `<unknown type=${ans.qtype}>`), PRIORITY);
on(
  "dns_NAPTR_reply",
  (c, msg, ans, n) => {
    const rewrite = [n.regexp, n.replacement].filter((s) => s !== "").join(" ");
    reply(c, msg, ans, `NAPTR ${n.order} ${n.preference} ${n.flags} ${n.service} ${rewrite}`);
  },
  PRIORITY,
);
on("dns_RRSIG", (c, msg, ans, rrsig) => reply(c, msg, ans, `RRSIG ${rrsig.type_covered} ${rrsig.signer_name === "" ? "<Root>" : rrsig.signer_name}`), PRIORITY);
on("dns_DNSKEY", (c, msg, ans, dnskey) => reply(c, msg, ans, `DNSKEY ${dnskey.algorithm}`), PRIORITY);
on("dns_NSEC", (c, msg, ans, nextName) => reply(c, msg, ans, `NSEC ${ans.query} ${nextName}`), PRIORITY);
on("dns_NSEC3", (c, msg, ans) => reply(c, msg, ans, "NSEC3"), PRIORITY);
on("dns_NSEC3PARAM", (c, msg, ans) => reply(c, msg, ans, "NSEC3PARAM"), PRIORITY);
on("dns_DS", (c, msg, ans, ds) => reply(c, msg, ans, `DS ${ds.algorithm} ${ds.digest_type}`), PRIORITY);
on("dns_BINDS", (c, msg, ans) => reply(c, msg, ans, "BIND9 signing signal"), PRIORITY);
on("dns_SSHFP", (c, msg, ans, _algo, _fptype, fingerprint) => reply(c, msg, ans, `SSHFP: ${hex(fingerprint)}`), PRIORITY);
on("dns_LOC", (c, msg, ans, loc) => reply(c, msg, ans, `LOC:  ${loc.size} ${loc.horiz_pre} ${loc.vert_pre}`), PRIORITY);

on(
  "dns_dynamic_update_pre",
  (c, msg, ans) => {
    let what: string;
    if (ans.qclass === CLASS_NONE && ans.qtype === TYPE_ANY) what = `NameNotInUse ${ans.query}`;
    else if (ans.qclass === CLASS_ANY && ans.qtype === TYPE_ANY) what = `NameInUse ${ans.query}`;
    else if (ans.qclass === CLASS_NONE) what = `NoRRSet ${queryTypeName(ans.qtype)} ${ans.query}`;
    else what = `RRSetExists ${queryTypeName(ans.qtype)} ${ans.query}`;
    reply(c, msg, ans, `pre: ${what}`);
  },
  PRIORITY,
);

on(
  "dns_dynamic_update_del",
  (c, msg, ans) => {
    let what: string;
    if (ans.qclass === CLASS_ANY && ans.qtype === TYPE_ANY) what = `RRSet * ${ans.query}`;
    else if (ans.qclass === CLASS_NONE) what = `RR ${queryTypeName(ans.qtype)} ${ans.query}`;
    else what = `RRSet ${queryTypeName(ans.qtype)}`;
    reply(c, msg, ans, `del: ${what}`);
  },
  PRIORITY,
);

// ---- Writing -----------------------------------------------------------------------------------

const anyBinary = (strings: string[] | undefined) => strings !== undefined && strings.some(isBinary);

/** Writes the row; names and answers that are not plain ASCII go as bytes (on a copy: rare). */
function write(info: DnsInfo): void {
  const plain = !isBinary(info.query) && !isBinary(info.original_query);
  if (plain && !anyBinary(info.answers) && !anyBinary(info.auth) && !anyBinary(info.addl)) {
    Log.write("DNS::LOG", info);
    return;
  }
  const row: Record<string, unknown> = { ...info };
  row.query = loggable(info.query);
  row.original_query = loggable(info.original_query);
  if (info.answers !== undefined) row.answers = info.answers.map(loggable);
  if (info.auth !== undefined) row.auth = info.auth.map(loggable);
  if (info.addl !== undefined) row.addl = info.addl.map(loggable);
  Log.write("DNS::LOG", row);
}

function hex(bytes: string): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += bytes.charCodeAt(i).toString(16).padStart(2, "0");
  return out;
}

/**
 * NetBIOS first-level decoding (RFC 1001 §14.1), Zeek's decode_netbios_name: 32 letters 'A'-'P'
 * (either case), two per byte; the name stops at the first byte that is not alphanumeric,
 * punctuation, a space or below 3; the 16th byte (the suffix) and trailing spaces and NULs are
 * dropped. "" when the text is not such an encoding.
 */
function decodeNetbiosName(encoded: string): string {
  if (encoded.length !== 32) return "";
  let name = "";
  for (let i = 0; i < 32; i += 2) {
    const hi = netbiosNibble(encoded.charCodeAt(i));
    const lo = netbiosNibble(encoded.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return "";
    const b = (hi << 4) | lo;
    if (!((b >= 0x20 && b <= 0x7e) || b < 3)) break;
    name += String.fromCharCode(b);
  }
  return name.slice(0, 15).replace(/[ \x00]+$/, "");
}

function netbiosNibble(c: number): number {
  const upper = c >= 0x61 && c <= 0x7a ? c - 0x20 : c;
  return upper >= 0x41 && upper <= 0x50 ? upper - 0x41 : -1;
}
