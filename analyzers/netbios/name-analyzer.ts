// The NetBIOS name service on UDP 137, beside the DNS analyzer that reads the same datagrams into
// dns.log: each message is parsed as RFC 1002 has it and its events raised (query, response, node
// status, registration, release, WACK). It confirms nothing and keeps no timer: conn.log's service
// and the flow's lifetime stay DNS's, as in Zeek.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import type * as Api from "nsm";
import { raise } from "./events.ts";
import { NsOpcode, RR_NB, RR_NBSTAT, parseNameServiceMessage, type NsMessage } from "./name-service.ts";

export const NETBIOS_NS_PORTS: readonly number[] = [137];

const WEIRD_SOURCE = "NETBIOS_NS";

/** Failures DNS cannot see (it reads the same bytes and reports truncation itself): NetBIOS names and node status tables. */
const NETBIOS_ONLY_FAILURES = new Set([
  "netbios_bad_name_encoding", "netbios_bad_name_length", "netbios_empty_name", "netbios_node_status_truncated",
]);

export class NetbiosNameAnalyzer implements ConnectionAnalyzer {
  readonly name = "netbios_ns";
  /** The connection's flips this analyzer last saw: DNS may flip the flow on a packet before we get it. */
  private flips: number;

  constructor(
    conn: Connection,
    private readonly host: SessionHost,
  ) {
    this.flips = conn.flips;
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (conn.flips !== this.flips) {
      // The DNS analyzer flipped the connection on this very datagram: the direction we were given predates it.
      isOrig = !isOrig;
      this.flips = conn.flips;
    }
    const r = parseNameServiceMessage(data, offset, length);
    if (!r.ok) {
      if (NETBIOS_ONLY_FAILURES.has(r.reason)) this.host.weird(conn, r.reason, "", WEIRD_SOURCE);
      return;
    }
    raiseMessage(conn, isOrig, r.message);
  }
}

function raiseMessage(conn: Connection, isOrig: boolean, m: NsMessage): void {
  const msg = m.msg;
  switch (msg.opcode) {
    case NsOpcode.Query:
      if (!msg.is_response) {
        for (const q of m.questions) raise(conn, "netbios_name_query", isOrig, msg, q.name, q.qtype === RR_NBSTAT);
      } else if (m.nodeStatus) {
        raise(conn, "netbios_node_status", isOrig, msg, m.nodeStatus.name, m.nodeStatus.status);
      } else {
        raise(conn, "netbios_name_response", isOrig, msg, mainRecord(m));
      }
      return;
    case NsOpcode.Registration:
    case NsOpcode.Refresh:
    case NsOpcode.RefreshAlt:
    case NsOpcode.MultihomedRegistration:
      raise(conn, "netbios_name_registration", isOrig, msg, mainRecord(m));
      return;
    case NsOpcode.Release:
      raise(conn, "netbios_name_release", isOrig, msg, mainRecord(m));
      return;
    case NsOpcode.Wack:
      raise(conn, "netbios_name_wack", isOrig, msg, mainRecord(m));
      return;
  }
}

/**
 * The record a message is about: its first NB record (the answer of a response, the additional
 * record of a registration), else its first record, else one made from the question (a negative
 * response may carry none).
 */
function mainRecord(m: NsMessage): Api.NetbiosNsRecord {
  const rr = m.records.find((r) => r.rr_type === RR_NB) ?? m.records[0];
  if (rr) return rr;
  const q = m.questions[0];
  return { name: q?.name ?? { name: "", suffix: 0, scope: "" }, rr_type: q?.qtype ?? RR_NB, ttl: 0, entries: [] };
}
