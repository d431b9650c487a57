// The connection table: finds or creates the connection of each decoded packet (Zeek's five-tuple
// key, originator/responder choice, reuse of a tuple), drives its transport session, counts its
// packets, runs the timers in network time and removes connections, which is when they are logged.
import type { Packet } from "./packet.ts";
import type { Options } from "./options.ts";
import { TimerQueue, type Timer } from "./timers.ts";
import { transportChecksumOk } from "./decode/checksum.ts";
import { Connection, HIST_ANALYZER_LIMIT_REACHED, ScaledCounter, type Transport } from "../analyzers/conn/connection.ts";
import type { ConnectionEvents } from "../analyzers/conn/connection-events.ts";
import { WeirdSampler } from "./weird-sampler.ts";
import { TimerKind, type SessionHost } from "../analyzers/conn/session-host.ts";
import { TcpSession, SYN, ACK, type TcpSegment } from "../analyzers/conn/tcp-session.ts";
import { DatagramSession } from "../analyzers/conn/datagram-session.ts";
import { PORT_TCP, PORT_UDP } from "../analyzers/conn/likely-server-ports.ts";
import { icmpCounterpart } from "../analyzers/conn/community-id.ts";
import { UidGenerator } from "./uid.ts";
import { FlowKey, FlowTable } from "./flow-table.ts";
import { AddressTexts, MacTexts } from "./net/address-texts.ts";
import { sameEncapsulation, type Encapsulation, type Tunnel } from "../analyzers/tunnels/encapsulation.ts";
import { looksLikeVxlan, VXLAN_PORT } from "../analyzers/tunnels/vxlan.ts";
import type { GapStats } from "../analyzers/conn/tcp-reassembler.ts";

/** Takes tunnelled packets apart and feeds what they carry back to the table (core/decapsulation.ts). */
export interface TunnelDecoding {
  /** An IP packet of protocol 4 (IP in IP), 41 (IPv6 in IP) or 47 (GRE). */
  ipTunnel(pkt: Packet): void;
  /** A GRE packet inside the datagram of `outer` (GRE over UDP). */
  gre(outer: Packet, data: Uint8Array, offset: number, length: number): void;
  /** A frame that the tunnel analyzer of a UDP connection found inside the datagram of `outer`. */
  udpTunnel(outer: Packet, tunnel: Tunnel, data: Uint8Array, offset: number, length: number, linkType: number): void;
}

/** Connections in the table now, and created over the run, per transport (Zeek's ConnStats). */
export type ConnCounts = Record<Transport, { active: number; cumulative: number }>;

export interface ConnectionHooks {
  /** A connection was created (after any flip decided at creation), before new_connection. */
  attachAnalyzers?(c: Connection): void;
  /** A datagram's payload (UDP) for application analyzers. */
  udpPayload?(c: Connection, isOrig: boolean, data: Uint8Array, offset: number, length: number): void;
  /** Tunnels; without it IP tunnels are unknown_transport connections and nothing is decapsulated. */
  tunnels?: TunnelDecoding;
}

const HIST_ORIG_DATA = 0x1;
const HIST_RESP_DATA = 0x2;

export class ConnectionTable implements SessionHost {
  private readonly conns = new FlowTable<Connection>();
  /** The key of the packet at hand. */
  private readonly flowKey = new FlowKey();
  private readonly timers = new TimerQueue<Connection>();
  private readonly uids = new UidGenerator();
  private readonly addrTexts = new AddressTexts();
  private readonly macTexts = new MacTexts();
  private readonly likelyServerPorts: Set<number>;
  networkTime = 0;
  /** The segment being processed, filled in place for each TCP packet. */
  private readonly segment: TcpSegment = { flags: 0, seq: 0, ack: 0, window: 0, len: 0, caplen: 0, data: new Uint8Array(0), dataOff: 0 };
  /** Verify checksums for this packet? (-C and ignore_checksums_nets). */
  checksumsFor: (pkt: Packet) => boolean;
  /** The UDP packet whose payload the analyzers are looking at, while they do: tunnel analyzers ask about it. */
  private current: Packet | undefined;

  constructor(
    readonly options: Options,
    private readonly events: ConnectionEvents,
    private readonly hooks: ConnectionHooks = {},
  ) {
    this.likelyServerPorts = options.likely_server_ports;
    const nets = options.ignore_checksums_nets;
    this.checksumsFor = options.ignore_checksums
      ? () => false
      : nets.length === 0
        ? () => true
        : (pkt) => !nets.some((n) => n.contains(pkt.ip, pkt.srcOff, pkt.ipVersion as 4 | 6));
  }

  /** Connections created over the run. */
  created = 0;
  readonly counts: ConnCounts = {
    tcp: { active: 0, cumulative: 0 },
    udp: { active: 0, cumulative: 0 },
    icmp: { active: 0, cumulative: 0 },
    unknown_transport: { active: 0, cumulative: 0 },
  };
  readonly gapStats: GapStats = { ackEvents: 0, ackBytes: 0, gapEvents: 0, gapBytes: 0 };

  /** Timers pending, and scheduled over the run. */
  get timerCounts(): { current: number; cumulative: number } {
    return { current: this.timers.size, cumulative: this.timers.added };
  }

  get size(): number {
    return this.conns.size;
  }

  /** Moves network time to `t`, firing every timer due by then (before the packet at `t`). */
  advance(t: number): void {
    if (t > this.networkTime) this.networkTime = t;
    const now = this.networkTime;
    for (let timer = this.timers.popDue(now); timer; timer = this.timers.popDue(now)) {
      const conn = timer.target;
      unlinkTimer(conn, timer);
      this.fire(conn, timer.kind, timer.due, timer.gen);
    }
  }

  /** End of input: every connection still open is removed and logged. */
  flushAll(): void {
    for (const c of this.conns.values()) this.remove(c);
  }

  // SessionHost

  private readonly weirds = new WeirdSampler();

  weird(conn: Connection, name: string, addl = "", source = ""): void {
    conn.weird = true;
    if (this.weirds.permit(name, conn)) this.events.weird(name, conn, addl, source);
  }

  /** A weird outside any connection (decoding, truncated transport headers). */
  netWeird(name: string, addl = "", source = ""): void {
    if (this.weirds.permit(name, undefined)) this.events.weird(name, undefined, addl, source);
  }

  /** A uid from the connections' sequence, for a tunnel that is no connection (IP and GRE). */
  newUid(): string {
    return this.uids.next();
  }

  packetEncapsulation(): Encapsulation | undefined {
    return this.current?.encap;
  }

  packetWeird(name: string, addl: string, source: string): void {
    this.netWeird(this.current?.encap === undefined ? name : name + "_in_tunnel", addl, source);
  }

  decapsulate(tunnel: Tunnel, data: Uint8Array, offset: number, length: number, linkType: number): void {
    const outer = this.current;
    if (outer === undefined || this.hooks.tunnels === undefined) return;
    this.hooks.tunnels.udpTunnel(outer, tunnel, data, offset, length, linkType);
    this.current = outer;
  }

  decapsulateGre(data: Uint8Array, offset: number, length: number): void {
    const outer = this.current;
    if (outer === undefined || this.hooks.tunnels === undefined) return;
    this.hooks.tunnels.gre(outer, data, offset, length);
    this.current = outer;
  }

  addTimer(conn: Connection, due: number, kind: TimerKind, gen: number): void {
    if (conn.removed) return;
    const t = this.timers.add(due, conn, kind, gen);
    t.next = conn.timers;
    conn.timers = t;
  }

  setInactivityTimeout(conn: Connection, timeout: number): void {
    const previous = conn.inactivityTimeout;
    if (timeout === previous) return;
    conn.inactivityTimeout = timeout;
    // A longer timeout keeps the pending timer: when it fires it sees the connection is not idle
    // long enough yet and reschedules itself at lastTime + timeout, which is where a new timer
    // would have been put. Only a shorter (or no) timeout needs the timer replaced.
    if (previous !== 0 && timeout > previous) return;
    this.cancelTimers(conn, TimerKind.Inactivity);
    if (timeout) this.addTimer(conn, conn.lastTime + timeout, TimerKind.Inactivity, 0);
  }

  cancelTimers(conn: Connection, ...kinds: TimerKind[]): void {
    for (let t = conn.timers, next; t !== undefined; t = next) {
      next = t.next;
      if (kinds.includes(t.kind)) {
        this.timers.cancel(t);
        unlinkTimer(conn, t);
      }
    }
  }

  remove(conn: Connection): void {
    if (conn.removed) return;
    conn.removed = true;
    this.conns.delete(conn);
    this.counts[conn.transport].active--;
    for (let t = conn.timers, next; t !== undefined; t = next) {
      next = t.next;
      t.next = undefined;
      this.timers.cancel(t);
    }
    conn.timers = undefined;
    conn.session.done();
    for (const a of conn.analyzers) a.done?.(conn);
    this.events.stateRemove(conn);
  }

  isLikelyServerPort(p: number): boolean {
    return this.likelyServerPorts.has(p);
  }

  private fire(conn: Connection, kind: TimerKind, due: number, gen: number): void {
    if (conn.removed) return;
    if (kind === TimerKind.Inactivity) {
      if (conn.lastTime + conn.inactivityTimeout <= due) {
        this.events.timeout(conn);
        this.remove(conn);
      }
      else this.addTimer(conn, conn.lastTime + conn.inactivityTimeout, TimerKind.Inactivity, gen);
      return;
    }
    if (kind === TimerKind.Analyzer) conn.analyzers[gen]?.timer?.(conn, due);
    else (conn.session as TcpSession).timer(kind, due);
  }

  /** Handles one decoded IP packet (the decoder returned true for it). */
  packet(pkt: Packet): void {
    const proto = pkt.proto;
    if (proto === 6) this.tcp(pkt);
    else if (proto === 17) this.udp(pkt);
    else if (proto === 1 || proto === 58) this.icmp(pkt);
    else if ((proto === 4 || proto === 41 || proto === 47) && this.hooks.tunnels !== undefined) this.hooks.tunnels.ipTunnel(pkt);
    else this.unknown(pkt);
  }

  private headerPresent(pkt: Packet, min: number): boolean {
    if (pkt.l4Len && pkt.l4Len < min) {
      this.netWeird(pkt.encap === undefined ? "truncated_header" : "truncated_header_in_tunnel");
      return false;
    }
    if (pkt.l4CapLen < min) {
      this.netWeird(pkt.encap === undefined ? "internally_truncated_header" : "internally_truncated_header_in_tunnel");
      return false;
    }
    return true;
  }

  /**
   * A packet of a known connection came with other tunnels around it than the last one (Zeek's
   * CheckEncapsulation): tunnel_changed, up to Tunnel::max_changes_per_connection times.
   */
  private encapsulationChanged(conn: Connection, encap: Encapsulation | undefined): void {
    const same = sameEncapsulation(conn.encapsulation, encap);
    conn.encapsulation = encap;
    if (same || !this.events.handles("tunnel_changed")) return;
    const limit = this.options["Tunnel::max_changes_per_connection"];
    if (limit !== 0 && conn.tunnelChanges >= limit) {
      this.weird(conn, "tunnel_max_changes_per_connection_exceeded", String(limit));
      conn.checkHistory(HIST_ANALYZER_LIMIT_REACHED, "X");
      return;
    }
    conn.tunnelChanges++;
    const now: Encapsulation = encap ?? [];
    this.events.raise("tunnel_changed", [conn, now]);
    // What scripts see as c.tunnel from now on (Zeek's base/protocols/conn sets it in its handler).
    conn.tunnel = encap;
  }

  private tcp(pkt: Packet): void {
    if (!this.headerPresent(pkt, 20)) return;
    const ip = pkt.ip;
    const o = pkt.l4Off;
    const flags = ip[o + 13];
    const seq = ((ip[o + 4] << 24) | (ip[o + 5] << 16) | (ip[o + 6] << 8) | ip[o + 7]) >>> 0;
    let conn = this.lookup(pkt, 6, pkt.srcPort, pkt.dstPort, false);
    if (conn !== undefined && (conn.session as TcpSession).isReuse(flags, seq, this.networkTime)) {
      this.remove(conn);
      conn = undefined;
    }
    if (conn !== undefined && conn.encapsulation !== pkt.encap) this.encapsulationChanged(conn, pkt.encap);
    if (conn === undefined) {
      let flip = false;
      if (!(flags & SYN) || flags & ACK) {
        const opts = this.options;
        if (!opts.partial_connection_ok) return;
        if (flags & SYN && !opts.tcp_SYN_ack_ok) return;
        if (this.isLikelyServerPort(pkt.srcPort | PORT_TCP)) {
          // Both plausible servers: flip only for a non-SYN-ACK towards the higher port.
          flip = this.isLikelyServerPort(pkt.dstPort | PORT_TCP) ? !(flags & SYN) && pkt.srcPort < pkt.dstPort : true;
        }
      }
      conn = this.create(pkt, "tcp", pkt.srcPort, pkt.dstPort, flip);
    }
    const session = conn.session as TcpSession;
    let isOrig = this.isOrig(conn);

    const hdrLen = (ip[o + 12] >> 4) * 4;
    const len = pkt.l4Len || pkt.l4CapLen;
    if (hdrLen < 20) {
      this.weird(conn, "bad_TCP_header_len");
      return;
    }
    if (hdrLen > len || hdrLen > pkt.l4CapLen) {
      this.weird(conn, "truncated_header");
      return;
    }
    const payloadLen = len - hdrLen;
    const payloadCap = pkt.l4CapLen - hdrLen;
    if (payloadCap >= payloadLen && this.checksumsFor(pkt) && !transportChecksumOk(pkt)) {
      this.weird(conn, "bad_TCP_checksum");
      session.checksumError(isOrig);
      return;
    }
    const seg = this.segment;
    seg.flags = flags;
    seg.seq = seq;
    seg.ack = ((ip[o + 8] << 24) | (ip[o + 9] << 16) | (ip[o + 10] << 8) | ip[o + 11]) >>> 0;
    seg.window = (ip[o + 14] << 8) | ip[o + 15];
    seg.len = payloadLen;
    seg.caplen = payloadCap;
    seg.data = ip;
    seg.dataOff = o + hdrLen;
    isOrig = session.process(isOrig, seg, this.networkTime);
    this.count(conn, isOrig, pkt);
  }

  private udp(pkt: Packet): void {
    if (!this.headerPresent(pkt, 8)) return;
    let conn = this.lookup(pkt, 17, pkt.srcPort, pkt.dstPort, false);
    if (conn === undefined) {
      const flip = this.isLikelyServerPort(pkt.srcPort | PORT_UDP) && !this.isLikelyServerPort(pkt.dstPort | PORT_UDP);
      conn = this.create(pkt, "udp", pkt.srcPort, pkt.dstPort, flip);
    } else if (conn.encapsulation !== pkt.encap) this.encapsulationChanged(conn, pkt.encap);
    const isOrig = this.isOrig(conn);
    const session = conn.session as DatagramSession;

    const ip = pkt.ip;
    const o = pkt.l4Off;
    const len = pkt.l4Len || pkt.l4CapLen;
    const v4ZeroSum = pkt.ipVersion === 4 && ip[o + 6] === 0 && ip[o + 7] === 0;
    if (
      !v4ZeroSum &&
      pkt.l4CapLen >= len &&
      pkt.wirelen <= pkt.caplen &&
      this.checksumsFor(pkt) &&
      !(pkt.dstPort === VXLAN_PORT && this.vxlanChecksumExempt(pkt, len)) &&
      !transportChecksumOk(pkt)
    ) {
      this.weird(conn, "bad_UDP_checksum");
      conn.scaledHistory(isOrig ? "C" : "c", isOrig ? (session.origChecksums ??= new ScaledCounter()) : (session.respChecksums ??= new ScaledCounter()));
      return;
    }
    const ulen = (ip[o + 4] << 8) | ip[o + 5];
    if (ulen !== len) this.weird(conn, "UDP_datagram_length_mismatch", `${ulen} != ${len}`);
    conn.lastTime = this.networkTime;
    if (isOrig) conn.checkHistory(HIST_ORIG_DATA, "D");
    else conn.checkHistory(HIST_RESP_DATA, "d");
    session.addLength(isOrig, ulen - 8);
    const payload = Math.min(len, pkt.l4CapLen) - 8;
    if (this.hooks.udpPayload && payload >= 0) {
      this.current = pkt;
      this.hooks.udpPayload(conn, isOrig, ip, o + 8, payload);
      this.current = undefined;
    }
    // Counted last, with the direction the packet arrived in, even if an analyzer flipped the
    // connection on it: Zeek's conn-size analyzer sits behind the protocol analyzers.
    this.count(conn, isOrig, pkt);
  }

  /** VXLAN's checksum should be zero; a non-zero one is checked only with Tunnel::validate_vxlan_checksums (Zeek's rule). */
  private vxlanChecksumExempt(pkt: Packet, len: number): boolean {
    const o = pkt.l4Off;
    if (!looksLikeVxlan(pkt.ip, o + 8, len - 8)) return false;
    return (pkt.ip[o + 6] === 0 && pkt.ip[o + 7] === 0) || !this.options["Tunnel::validate_vxlan_checksums"];
  }

  private icmp(pkt: Packet): void {
    if (!this.headerPresent(pkt, 8)) return;
    const type = pkt.srcPort;
    const pair = icmpCounterpart(pkt.proto, type);
    const oneWay = pair < 0;
    // A type without a reply type is one-way: its code stands in for the responder port.
    const counterpart = oneWay ? pkt.dstPort : pair;
    let conn = this.lookup(pkt, pkt.proto, type, counterpart, oneWay);
    if (conn === undefined) conn = this.create(pkt, "icmp", type, counterpart, false);
    else if (conn.encapsulation !== pkt.encap) this.encapsulationChanged(conn, pkt.encap);
    const isOrig = this.isOrig(conn);
    const len = pkt.l4Len || pkt.l4CapLen;
    if (pkt.l4CapLen >= len && this.checksumsFor(pkt) && !transportChecksumOk(pkt)) {
      this.weird(conn, "bad_ICMP_checksum");
      return;
    }
    conn.lastTime = this.networkTime;
    (conn.session as DatagramSession).addLength(isOrig, len - 8);
    if (pkt.l4CapLen >= len) this.count(conn, isOrig, pkt);
  }

  private unknown(pkt: Packet): void {
    let conn = this.lookup(pkt, pkt.proto, 0, 0, false);
    if (conn === undefined) conn = this.create(pkt, "unknown_transport", 0, 0, false);
    else if (conn.encapsulation !== pkt.encap) this.encapsulationChanged(conn, pkt.encap);
    const isOrig = this.isOrig(conn);
    conn.lastTime = this.networkTime;
    this.count(conn, isOrig, pkt);
  }

  /**
   * Does the packet whose key was made last come from the originator? Its source is the key's first
   * endpoint or not, as the originator is; a packet from an endpoint to itself is always the originator's.
   */
  private isOrig(conn: Connection): boolean {
    const k = this.flowKey;
    return k.self || k.srcFirst === conn.origFirst;
  }

  /** The connection of the packet's flow, if the table has it; the key stays for create() and isOrig(). */
  private lookup(pkt: Packet, proto: number, srcPort: number, dstPort: number, oneWay: boolean): Connection | undefined {
    const k = this.flowKey.of(pkt, proto, srcPort, dstPort, oneWay);
    return this.conns.find(k.codes, k.length);
  }

  private count(conn: Connection, isOrig: boolean, pkt: Packet): void {
    if (isOrig) {
      conn.origPkts++;
      conn.origIpBytes += pkt.ipLen;
    } else {
      conn.respPkts++;
      conn.respIpBytes += pkt.ipLen;
    }
  }

  private create(pkt: Packet, transport: Transport, srcPort: number, dstPort: number, flip: boolean): Connection {
    const version = pkt.ipVersion as 4 | 6;
    const conn = new Connection({
      events: this.events,
      uid: this.uids.next(),
      key: this.flowKey.text(),
      serial: this.created,
      ipVersion: version,
      origAddr: this.addrTexts.text(pkt.ip, pkt.srcOff, version),
      respAddr: this.addrTexts.text(pkt.ip, pkt.dstOff, version),
      origFirst: this.flowKey.srcFirst,
      origPort: srcPort,
      respPort: dstPort,
      transport,
      ipProto: pkt.proto,
      time: this.networkTime,
      origL2: this.macTexts.text(pkt.frame, pkt.l2SrcOff),
      respL2: this.macTexts.text(pkt.frame, pkt.l2DstOff),
      vlan: pkt.vlan,
      innerVlan: pkt.innerVlan,
    });
    conn.encapsulation = conn.tunnel = pkt.encap;
    this.conns.add(conn);
    this.created++;
    const counts = this.counts[transport];
    counts.active++;
    counts.cumulative++;
    const opts = this.options;
    if (transport === "tcp") {
      conn.session = new TcpSession(conn, this);
    } else {
      conn.session = new DatagramSession();
      const timeout =
        transport === "udp" ? opts.udp_inactivity_timeout : transport === "icmp" ? opts.icmp_inactivity_timeout : opts.unknown_ip_inactivity_timeout;
      this.setInactivityTimeout(conn, timeout);
    }
    if (flip && !isBroadcast(pkt.ip, pkt.dstOff, version)) conn.flipRoles();
    this.hooks.attachAnalyzers?.(conn);
    this.events.newConnection(conn);
    return conn;
  }
}

function isBroadcast(ip: Uint8Array, off: number, version: 4 | 6): boolean {
  return version === 4 && ip[off] === 255 && ip[off + 1] === 255 && ip[off + 2] === 255 && ip[off + 3] === 255;
}

/** Takes a fired or cancelled timer out of its connection's list (a dead timer links to nothing). */
function unlinkTimer(conn: Connection, timer: Timer<Connection>): void {
  if (conn.timers === timer) conn.timers = timer.next;
  else for (let t = conn.timers; t !== undefined; t = t.next) {
    if (t.next === timer) {
      t.next = timer.next;
      break;
    }
  }
  timer.next = undefined;
}
