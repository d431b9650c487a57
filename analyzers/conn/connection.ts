// A connection as Zeek sees it: the 5-tuple oriented originator → responder, its history string, the
// packet/byte counters of the conn-size analyzer, and the transport session that keeps the protocol
// state (TCP endpoints, UDP/ICMP activity). Created by the ConnectionTable, logged when removed.

import type { ConnectionEvents } from "./connection-events.ts";
import type { Timer } from "../../core/timers.ts";
import type { Encapsulation } from "../tunnels/encapsulation.ts";

export type Transport = "tcp" | "udp" | "icmp" | "unknown_transport";

/** History bit of the X letter: an analyzer reached a limit and gave up (once per connection). */
export const HIST_ANALYZER_LIMIT_REACHED = 0x400;

/** What the transport keeps per connection; the conn log reads sizes and states through it. */
export interface TransportSession {
  /** Payload bytes as Zeek counts them (TCP: sequence space; UDP/ICMP: payload lengths). */
  size(isOrig: boolean): number;
  /** Zeek's endpoint state (TCP_* for TCP; 0 inactive / 1 active otherwise). */
  state(isOrig: boolean): number;
  flipRoles(): void;
  /** Called when the connection leaves the table, before it is logged. */
  done(): void;
}

/** Application analyzers a connection carries (DNS, DHCP, ...): they see payload and may confirm. */
export interface ConnectionAnalyzer {
  readonly name: string;
  /** A datagram (UDP) from one side. */
  deliver(conn: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void;
  /** In-order stream data (TCP) from one side; an analyzer that has this gets TCP reassembled. */
  deliverStream?(conn: Connection, isOrig: boolean, data: Uint8Array): void;
  /** One side's stream has ended (its FIN, or a reset, and all its data delivered): Zeek's EndpointEOF. */
  endOfStream?(conn: Connection, isOrig: boolean): void;
  done?(conn: Connection): void;
  /** An analyzer timer (TimerKind.Analyzer) fired. */
  timer?(conn: Connection, t: number): void;
}

/** Counts occurrences and says when one crosses the next power of ten (Zeek's ScaledHistoryEntry). */
export class ScaledCounter {
  private count = 0;
  private threshold = 1;

  hit(): boolean {
    if (++this.count !== this.threshold) return false;
    const next = this.threshold * 10;
    if (next > 0xffffffff) this.count = 0;
    else this.threshold = next;
    return true;
  }
}

export class Connection {
  readonly events: ConnectionEvents;
  readonly uid: string;
  readonly key: string;
  /** Creation order in its table. */
  readonly serial: number;
  readonly ipVersion: 4 | 6;
  /** Addresses as Zeek writes them (core/net/address.ts): text is what scripts and logs use. */
  origAddr: string;
  respAddr: string;
  origPort: number;
  respPort: number;
  readonly transport: Transport;
  readonly ipProto: number;
  readonly startTime: number;
  lastTime: number;

  history = "";
  /** Zeek's hist_seen: bits of history letters that are recorded only once. */
  histSeen = 0;

  /** Link-layer addresses as text; undefined when the link has none. */
  origL2: string | undefined;
  respL2: string | undefined;
  readonly vlan: number;
  readonly innerVlan: number;

  origPkts = 0;
  origIpBytes = 0;
  respPkts = 0;
  respIpBytes = 0;

  /** The tunnels around its last packet (Zeek's encapsulation); undefined off the wire. */
  encapsulation: Encapsulation | undefined = undefined;
  /** The tunnels scripts see (`c.tunnel`): the first ones, then each change announced by tunnel_changed. */
  tunnel: Encapsulation | undefined = undefined;
  /** tunnel_changed events raised so far. */
  tunnelChanges = 0;

  // Both lists are replaced, not grown, when they change: few connections carry more than one or two
  // entries, and a grown array keeps room for seventeen.
  /** Analyzer names that confirmed their protocol, in confirmation order (conn.log `service`). */
  service: string[] = [];
  analyzers: readonly ConnectionAnalyzer[] = [];

  session!: TransportSession;
  inactivityTimeout = 0;
  /** Timers pending for this connection, linked through `next`; cancelled when it is removed. */
  timers: Timer<Connection> | undefined = undefined;
  /** Session timers are dead once the connection leaves the table. */
  removed = false;
  weird = false;
  /** Role swaps so far: who keeps a view of the roles sees from this whether it is still current. */
  flips = 0;
  /** The table key names the originator first (a flip inverts it): packets are oriented by the key. */
  origFirst: boolean;
  /** The record scripts see, kept up to date by the script runtime (see core/script). */
  record: unknown = undefined;

  constructor(init: {
    events: ConnectionEvents;
    uid: string;
    key: string;
    serial: number;
    ipVersion: 4 | 6;
    origAddr: string;
    respAddr: string;
    origFirst: boolean;
    origPort: number;
    respPort: number;
    transport: Transport;
    ipProto: number;
    time: number;
    origL2: string | undefined;
    respL2: string | undefined;
    vlan: number;
    innerVlan: number;
  }) {
    this.events = init.events;
    this.uid = init.uid;
    this.key = init.key;
    this.serial = init.serial;
    this.ipVersion = init.ipVersion;
    this.origAddr = init.origAddr;
    this.respAddr = init.respAddr;
    this.origFirst = init.origFirst;
    this.origPort = init.origPort;
    this.respPort = init.respPort;
    this.transport = init.transport;
    this.ipProto = init.ipProto;
    this.startTime = init.time;
    this.lastTime = init.time;
    this.origL2 = init.origL2;
    this.respL2 = init.respL2;
    this.vlan = init.vlan;
    this.innerVlan = init.innerVlan;
  }

  addHistory(code: string): void {
    this.history += code;
  }

  /**
   * Records `code` only the first time `mask` is seen (Zeek's CheckHistory). Returns true when it
   * had been seen before: the caller may then repeat the letter under its own rule.
   */
  checkHistory(mask: number, code: string): boolean {
    if ((this.histSeen & mask) !== 0) return true;
    this.histSeen |= mask;
    this.history += code;
    return false;
  }

  /** The logarithmic letters (C, G, T, W): recorded at the 1st, 10th, 100th... occurrence. */
  scaledHistory(code: string, counter: ScaledCounter): void {
    if (counter.hit()) this.history += code;
  }

  /** An analyzer confirmed its protocol: conn.log's service, and analyzer_confirmation. */
  addService(name: string): void {
    if (this.service.includes(name)) return;
    this.service = [...this.service, name];
    this.events.confirmation(this, name);
  }

  /** A confirmed analyzer failed (Zeek's DPD after a violation): it leaves conn.log's service. */
  removeService(name: string): void {
    if (this.service.includes(name)) this.service = this.service.filter((s) => s !== name);
  }

  addAnalyzer(a: ConnectionAnalyzer): void {
    this.analyzers = [...this.analyzers, a];
  }

  /** A detector found what the connection carries: the analyzer takes its slot (timers name slots). */
  replaceAnalyzer(old: ConnectionAnalyzer, found: ConnectionAnalyzer): void {
    this.analyzers = this.analyzers.map((a) => (a === old ? found : a));
  }

  /** Swaps originator and responder (Zeek's FlipRoles): addresses, counters, session, then `^`. */
  flipRoles(): void {
    [this.origAddr, this.respAddr] = [this.respAddr, this.origAddr];
    [this.origPort, this.respPort] = [this.respPort, this.origPort];
    [this.origL2, this.respL2] = [this.respL2, this.origL2];
    [this.origPkts, this.respPkts] = [this.respPkts, this.origPkts];
    [this.origIpBytes, this.respIpBytes] = [this.respIpBytes, this.origIpBytes];
    this.origFirst = !this.origFirst;
    this.flips++;
    this.session.flipRoles();
    this.addHistory("^");
    this.events.flipped(this);
  }

  get duration(): number {
    return this.lastTime - this.startTime;
  }
}
