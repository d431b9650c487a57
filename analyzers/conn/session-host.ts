// What a transport session needs from the connection table that owns it: network time, options,
// timers, weirds and removal. Keeps the sessions free of any knowledge of the table itself.
import type { Options } from "../../core/options.ts";
import type { Connection } from "./connection.ts";
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
  /** Schedules a timer; `gen` is the owner's to interpret (the analyzer's slot for Analyzer). */
  addTimer(conn: Connection, due: number, kind: TimerKind, gen: number): void;
  /** Cancels the connection's pending timers of these kinds. */
  cancelTimers(conn: Connection, ...kinds: TimerKind[]): void;
  setInactivityTimeout(conn: Connection, timeout: number): void;
  remove(conn: Connection): void;
  isLikelyServerPort(portWithTransport: number): boolean;
}
