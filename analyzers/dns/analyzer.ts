// DNS on its ports, as far as the connection is concerned: each datagram (or, over TCP, each
// length-prefixed message) is parsed; a message Zeek's DNS analyzer accepts confirms the protocol
// (conn.log service "dns"); a reply seen first flips the connection; a limit reached marks the
// history with X; a UDP DNS flow idle for dns_session_timeout is removed.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import { HIST_ANALYZER_LIMIT_REACHED } from "../conn/connection.ts";
import { TimerKind, type SessionHost } from "../conn/session-host.ts";
import { parseDnsMessage } from "./parser.ts";

/** Zeek's DNS::ports: DNS, NetBIOS name service, mDNS and LLMNR. */
export const DNS_UDP_PORTS: readonly number[] = [53, 137, 5353, 5355];
export const DNS_TCP_PORTS: readonly number[] = [53];

const NETBIOS_NS_PORT = 137;
const HEADER_LENGTH = 12;
const OPCODE_QUERY = 0;
const OPCODE_NOTIFY = 4;
const OPCODE_UPDATE = 5;

export class DnsAnalyzer implements ConnectionAnalyzer {
  readonly name = "dns";
  private firstMessage = true;
  private readonly netbios: boolean;

  constructor(
    conn: Connection,
    private readonly host: SessionHost,
  ) {
    this.netbios = conn.respPort === NETBIOS_NS_PORT || conn.origPort === NETBIOS_NS_PORT;
    if (conn.transport === "udp") {
      // This analyzer is about to take the next slot in conn.analyzers; the timer names that slot.
      host.addTimer(conn, host.networkTime + host.options.dns_session_timeout, TimerKind.Analyzer, conn.analyzers.length);
    }
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    if (this.firstMessage && length >= HEADER_LENGTH && this.opcodeAccepted(data[offset + 2])) {
      // A response from the originator as the first message: the capture missed the query.
      const qr = data[offset + 2] & 0x80;
      if (qr && isOrig && !isMulticast(conn.respAddr)) conn.flipRoles();
      this.firstMessage = false;
    }
    const r = parseDnsMessage(data, offset, length, {
      netbios: this.netbios,
      netbiosResponder: conn.respPort === NETBIOS_NS_PORT,
      tcp: conn.transport === "tcp",
      maxQueries: this.host.options.dns_max_queries,
      maxCompressionChainDepth: this.host.options.dns_max_compression_chain_depth,
    });
    for (const w of r.weirds) {
      this.host.weird(conn, w.name, w.addl);
      if (w.limitReached) conn.checkHistory(HIST_ANALYZER_LIMIT_REACHED, "X");
    }
    if (r.ok) conn.addService("dns");
  }

  /** Query, notify and dynamic update everywhere; NetBIOS opcodes too on port 137 (Zeek's rule). */
  private opcodeAccepted(flagsHigh: number): boolean {
    const opcode = (flagsHigh >> 3) & 0xf;
    return this.netbios || opcode === OPCODE_QUERY || opcode === OPCODE_NOTIFY || opcode === OPCODE_UPDATE;
  }

  /** Zeek's DNS expiry: a UDP flow quiet for dns_session_timeout (less a second of grace) ends. */
  timer(conn: Connection, t: number): void {
    const timeout = this.host.options.dns_session_timeout;
    if (t - conn.lastTime >= timeout - 1) this.host.remove(conn);
    else this.host.addTimer(conn, t + timeout, TimerKind.Analyzer, conn.analyzers.indexOf(this));
  }
}

function isMulticast(addr: Uint8Array): boolean {
  return addr.length === 4 ? addr[0] >= 224 && addr[0] <= 239 : addr[0] === 0xff;
}
