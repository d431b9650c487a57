// The NetBIOS name service message (RFC 1002 4.2): the DNS header with NetBIOS opcodes and the B
// (broadcast) flag, questions for NB (addresses) or NBSTAT (node status), and resource records whose
// NB RDATA lists (flags, IPv4 address) pairs and whose NBSTAT RDATA is a node's name table and
// unit id. Pure: bytes in, a typed message (or the reason it could not be read) out.
import type * as Api from "nsm";
import { ByteCursor, Truncated } from "./cursor.ts";
import { readNetbiosName, rawName } from "./name.ts";

const NS_HEADER_LENGTH = 12;
export const RR_NB = 0x20;
export const RR_NBSTAT = 0x21;

export const enum NsOpcode {
  Query = 0,
  Registration = 5,
  Release = 6,
  Wack = 7,
  Refresh = 8,
  /** Some stacks send refreshes with opcode 9 (RFC 1002's table has a typo). */
  RefreshAlt = 9,
  MultihomedRegistration = 15,
}

const OPCODE_NAMES: Record<number, string> = {
  0: "query", 5: "registration", 6: "release", 7: "wack", 8: "refresh", 9: "refresh", 15: "multihomed_registration",
};

/** Owner node types (ONT) of the NB flags: broadcast, point-to-point, mixed, hybrid (Microsoft's). */
const NODE_TYPES = ["B", "P", "M", "H"] as const;

export interface NsQuestion {
  name: Api.NetbiosName;
  qtype: number;
}

export interface NsMessage {
  msg: Api.NetbiosNsMsg;
  questions: NsQuestion[];
  /** Answer, authority and additional records, in that order. */
  records: Api.NetbiosNsRecord[];
  /** The node status of an NBSTAT answer. */
  nodeStatus?: { name: Api.NetbiosName; status: Api.NetbiosNodeStatus };
}

export type NsParseResult = { ok: true; message: NsMessage } | { ok: false; reason: string };

export function parseNameServiceMessage(buf: Uint8Array, offset: number, length: number): NsParseResult {
  const c = new ByteCursor(buf, offset, offset + length);
  try {
    return { ok: true, message: readMessage(c, offset) };
  } catch (e) {
    if (e instanceof Truncated) return { ok: false, reason: e.reason };
    throw e;
  }
}

function readMessage(c: ByteCursor, start: number): NsMessage {
  c.need(NS_HEADER_LENGTH, "netbios_ns_truncated_header");
  const transId = c.u16("");
  const flags = c.u16("");
  const opcode = (flags >> 11) & 0xf;
  const msg: Api.NetbiosNsMsg = {
    trans_id: transId,
    opcode,
    opcode_name: OPCODE_NAMES[opcode] ?? `opcode-${opcode}`,
    is_response: (flags & 0x8000) !== 0,
    AA: (flags & 0x0400) !== 0,
    TC: (flags & 0x0200) !== 0,
    RD: (flags & 0x0100) !== 0,
    RA: (flags & 0x0080) !== 0,
    broadcast: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    num_queries: c.u16(""),
    num_answers: c.u16(""),
    num_auth: c.u16(""),
    num_addl: c.u16(""),
  };
  const out: NsMessage = { msg, questions: [], records: [] };
  for (let i = 0; i < msg.num_queries; i++) {
    const name = readNetbiosName(c, start);
    const qtype = c.u16("netbios_ns_truncated_question");
    c.skip(2, "netbios_ns_truncated_question");
    out.questions.push({ name, qtype });
  }
  const numRecords = msg.num_answers + msg.num_auth + msg.num_addl;
  for (let i = 0; i < numRecords; i++) out.records.push(readRecord(c, start, msg, out));
  return out;
}

function readRecord(c: ByteCursor, start: number, msg: Api.NetbiosNsMsg, out: NsMessage): Api.NetbiosNsRecord {
  const name = readNetbiosName(c, start);
  const rrType = c.u16("netbios_ns_truncated_record");
  c.skip(2, "netbios_ns_truncated_record");
  const ttl = c.u32("netbios_ns_truncated_record");
  const rdLength = c.u16("netbios_ns_truncated_record");
  c.need(rdLength, "netbios_ns_truncated_rdata");
  const rdata = new ByteCursor(c.buf, c.pos, c.pos + rdLength);
  c.pos += rdLength;
  const rr: Api.NetbiosNsRecord = { name, rr_type: rrType, ttl, entries: [] };
  // A WACK's RDATA is the request's flags, not addresses.
  if (rrType === RR_NB && msg.opcode !== NsOpcode.Wack) {
    while (rdata.remaining >= 6) {
      const nbFlags = rdata.u16("");
      rr.entries.push({ addr: rdata.ipv4(""), is_group: (nbFlags & 0x8000) !== 0, node_type: NODE_TYPES[(nbFlags >> 13) & 3] });
    }
  } else if (rrType === RR_NBSTAT && msg.is_response) {
    out.nodeStatus = { name, status: readNodeStatus(rdata) };
  }
  return rr;
}

/** RFC 1002 4.2.18: the name table, then the statistics, of which the unit id (a MAC) comes first. */
function readNodeStatus(c: ByteCursor): Api.NetbiosNodeStatus {
  const count = c.u8("netbios_node_status_truncated");
  const names: Api.NetbiosNodeStatusName[] = [];
  for (let i = 0; i < count; i++) {
    const n = rawName(c);
    const flags = c.u16("netbios_node_status_truncated");
    names.push({
      name: n.name,
      suffix: n.suffix,
      is_group: (flags & 0x8000) !== 0,
      node_type: NODE_TYPES[(flags >> 13) & 3],
      deregistering: (flags & 0x1000) !== 0,
      conflict: (flags & 0x0800) !== 0,
      active: (flags & 0x0400) !== 0,
      permanent: (flags & 0x0200) !== 0,
    });
  }
  // Some stacks send the table without the statistics: no unit id then.
  if (c.remaining < 6) return { names };
  const b = c.buf;
  const p = c.pos;
  return { names, unit_id: [0, 1, 2, 3, 4, 5].map((i) => b[p + i].toString(16).padStart(2, "0")).join(":") };
}
