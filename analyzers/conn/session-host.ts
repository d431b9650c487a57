// What a transport session needs from the connection table that owns it: network time, options,
// timers, weirds and removal. Keeps the sessions free of any knowledge of the table itself.
import type { Options } from "../../core/options.ts";
import type { Connection } from "./connection.ts";
import type { Encapsulation, Tunnel } from "../tunnels/encapsulation.ts";
import type { GapStats } from "./tcp-reassembler.ts";

export const enum TimerKind {
  /** Session timer: no packet for `inactivityTimeout`. */
  Inactivity,
  /** TCP analyzer timers (Zeek's ExpireTimer, AttemptTimer, ConnDeleteTimer). */
  TcpExpire,
  TcpAttempt,
  TcpDelete,
  TcpReset,
  /** A timer of the connection's application analyzer; `gen` is its index in `analyzers`. */
  Analyzer,
}

export interface SessionHost {
  readonly options: Options;
  readonly networkTime: number;
  /** The run's ack and gap counters (capture-loss estimates). */
  readonly gapStats: GapStats;
  weird(conn: Connection, name: string, addl?: string, source?: string): void;
  /** A weird outside any connection (Zeek's reporter weirds without a connection). */
  netWeird(name: string, addl?: string, source?: string): void;
  /** Schedules a timer; `gen` is the owner's to interpret (the analyzer's slot for Analyzer). */
  addTimer(conn: Connection, due: number, kind: TimerKind, gen: number): void;
  /** Cancels the connection's pending timers of these kinds. */
  cancelTimers(conn: Connection, ...kinds: TimerKind[]): void;
  setInactivityTimeout(conn: Connection, timeout: number): void;
  remove(conn: Connection): void;
  isLikelyServerPort(portWithTransport: number): boolean;

  // Tunnels: what a tunnel analyzer on a UDP connection needs of the datagram being processed.
  /** The tunnels around the datagram being processed; undefined for one off the wire. */
  packetEncapsulation(): Encapsulation | undefined;
  /** A weird about the datagram rather than its connection (Zeek's packet weirds): "_in_tunnel" is appended inside a tunnel. */
  packetWeird(name: string, addl: string, source: string): void;
  /** The frame at data[offset, offset + length), framed as `linkType`, came out of `tunnel`: decode it and process what it holds. */
  decapsulate(tunnel: Tunnel, data: Uint8Array, offset: number, length: number, linkType: number): void;
  /** GRE over UDP: the GRE packet in the datagram, taken apart as GRE over IP between the datagram's addresses. */
  decapsulateGre(data: Uint8Array, offset: number, length: number): void;
}
