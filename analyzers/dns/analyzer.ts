// DNS on its ports, per connection: each datagram (or, over TCP, each length-prefixed message) is
// parsed and its events raised for the scripts (analyzers/dns/events.ts); a message Zeek's DNS
// analyzer accepts confirms the protocol (conn.log service "dns"); a reply seen first flips the
// connection; a limit reached marks the history with X; a UDP DNS flow idle for
// dns_session_timeout is removed.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import { HIST_ANALYZER_LIMIT_REACHED } from "../conn/connection.ts";
import type { ConnectionEvents } from "../conn/connection-events.ts";
import { TimerKind, type SessionHost } from "../conn/session-host.ts";
import { raiseDnsEvents, SKIPPABLE_TYPE_EVENTS } from "./events.ts";
import { type DnsParseOptions, parseDnsMessage } from "./parser.ts";
import type { HandledTypes } from "./resource-record.ts";

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
  private readonly parseOptions: DnsParseOptions;

  constructor(
    conn: Connection,
    private readonly host: SessionHost,
  ) {
    this.parseOptions = parseOptionsFor(conn, host);
    if (conn.transport === "udp") {
      // This analyzer is about to take the next slot in conn.analyzers; the timer names that slot.
      host.addTimer(conn, host.networkTime + host.options.dns_session_timeout, TimerKind.Analyzer, conn.analyzers.length);
    }
  }

  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void {
    let isQuery = isOrig;
    if (this.firstMessage && length >= HEADER_LENGTH && this.opcodeAccepted(data[offset + 2])) {
      // A response from the originator as the first message: the capture missed the query.
      const qr = data[offset + 2] & 0x80;
      if (qr && isOrig) {
        isQuery = false;
        if (!isMulticast(conn.respAddr)) conn.flipRoles();
      }
      this.firstMessage = false;
    }
    const r = parseDnsMessage(data, offset, length, this.parseOptions);
    for (const w of r.weirds) {
      this.host.weird(conn, w.name, w.addl);
      if (w.limitReached) conn.checkHistory(HIST_ANALYZER_LIMIT_REACHED, "X");
    }
    raiseDnsEvents(conn, isQuery, length, r);
  }

  // Over TCP each message is preceded by its 2-byte length (RFC 1035 4.2.2); a message may arrive in
  // pieces, and a piece may hold several messages. Unfinished bytes wait here, per direction.
  private heldFromOrig: Uint8Array | undefined;
  private heldFromResp: Uint8Array | undefined;

  deliverStream(conn: Connection, isOrig: boolean, data: Uint8Array): void {
    const held = isOrig ? this.heldFromOrig : this.heldFromResp;
    const buf = held ? concat(held, data) : data;
    let off = 0;
    while (buf.length - off >= 2) {
      const len = (buf[off] << 8) | buf[off + 1];
      if (buf.length - off - 2 < len) break;
      this.deliver(conn, isOrig, buf, off + 2, len);
      off += 2 + len;
    }
    const rest = off < buf.length ? buf.slice(off) : undefined;
    if (isOrig) this.heldFromOrig = rest;
    else this.heldFromResp = rest;
  }

  /** Query, notify and dynamic update everywhere; NetBIOS opcodes too on port 137 (Zeek's rule). */
  private opcodeAccepted(flagsHigh: number): boolean {
    const opcode = (flagsHigh >> 3) & 0xf;
    return this.parseOptions.netbios === true || opcode === OPCODE_QUERY || opcode === OPCODE_NOTIFY || opcode === OPCODE_UPDATE;
  }

  /** Zeek's DNS expiry: a UDP flow quiet for dns_session_timeout (less a second of grace) ends. */
  timer(conn: Connection, t: number): void {
    const timeout = this.host.options.dns_session_timeout;
    if (t - conn.lastTime >= timeout - 1) {
      conn.events.timeout(conn);
      this.host.remove(conn);
    }
    else this.host.addTimer(conn, t + timeout, TimerKind.Analyzer, conn.analyzers.indexOf(this));
  }
}

// A connection's parse options depend only on its kind (NetBIOS name service or not, responder
// or either side, UDP or TCP) and on the run: the host's options and the scripts its connections'
// events reach. They are made once per host and kind, not per connection.
const parseOptionsByHost = new WeakMap<SessionHost, DnsParseOptions[]>();

function parseOptionsFor(conn: Connection, host: SessionHost): DnsParseOptions {
  const netbiosResponder = conn.respPort === NETBIOS_NS_PORT;
  const netbios = netbiosResponder || conn.origPort === NETBIOS_NS_PORT;
  const tcp = conn.transport === "tcp";
  let byKind = parseOptionsByHost.get(host);
  if (byKind === undefined) {
    byKind = [];
    parseOptionsByHost.set(host, byKind);
  }
  const options = host.options;
  // Zeek's dns_skip_all_auth and dns_skip_all_addl (both T by default: those sections are not read).
  return (byKind[(netbios ? 1 : 0) | (netbiosResponder ? 2 : 0) | (tcp ? 4 : 0)] ??= {
    netbios,
    netbiosResponder,
    tcp,
    maxQueries: options.dns_max_queries,
    maxCompressionChainDepth: options.dns_max_compression_chain_depth,
    handledTypes: new ScriptHandledTypes(conn.events),
    skipAllAuth: options.dns_skip_all_auth,
    skipAllAddl: options.dns_skip_all_addl,
  });
}

/** Zeek reads some RR types only when a script handles their event: asks the loaded scripts. */
class ScriptHandledTypes implements HandledTypes {
  constructor(private readonly events: ConnectionEvents) {}

  has(type: number): boolean {
    const event = SKIPPABLE_TYPE_EVENTS.get(type);
    return event !== undefined && this.events.handles(event);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** By the address's text: ff00::/8, or 224.0.0.0/4 (parseInt reads the first octet). */
function isMulticast(addr: string): boolean {
  if (addr.includes(":")) return addr.startsWith("ff");
  const first = parseInt(addr, 10);
  return first >= 224 && first <= 239;
}
