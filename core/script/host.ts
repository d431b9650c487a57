// The contract between the script runtime and the two script hosts (native V8 for bundled scripts,
// the QuickJS sandbox for user scripts). A script's code is the same in both; only the `nsm` module
// it imports is provided differently. Everything that crosses is plain data.
import type { EventName } from "./events.ts";

export type ColumnTypes = Record<string, string>;
/** A string array is a Zeek set[string] option. */
export type OptionValue = number | string | boolean | string[];
export type LogRecord = Record<string, unknown>;

/** One `on(...)` registration; the runtime orders all of an event's handlers by priority. */
export interface HandlerRef {
  event: EventName;
  priority: number;
  /** Position among this script's registrations. */
  index: number;
}

/** The order of one script's handlers of an event: higher priority first, then as registered. */
export function handlerOrder(a: HandlerRef, b: HandlerRef): number {
  return b.priority - a.priority || a.index - b.index;
}

/** Zeek's get_net_stats, get_conn_stats, get_proc_stats, get_event_stats, get_timer_stats, get_gap_stats; "run" is reading_live_traffic and current_time. */
export type StatsKind = "net" | "conn" | "proc" | "event" | "timer" | "gap" | "run";
export type StatsRecord = Record<string, number | boolean | undefined>;

/** What a script may ask of nsm. The runtime implements it; `script` names the caller. */
export interface ScriptServices {
  networkTime(): number;
  createStream(script: string, id: string, path: string, columns: ColumnTypes, policyIndex: number | undefined): void;
  write(script: string, id: string, rec: LogRecord): void;
  addPolicy(script: string, id: string, policyIndex: number): void;
  extend(script: string, id: string, columns: ColumnTypes): void;
  schedule(script: string, delay: number, timerIndex: number): void;
  option(script: string, name: string, defaultValue: OptionValue): OptionValue;
  print(script: string, line: string): void;
  isLocalAddr(addr: string): boolean;
  communityId(c: LogRecord, seed: number): string;
  /** A weird a script raises outside any connection (Reporter::net_weird). */
  netWeird(script: string, name: string, addl: string, source: string): void;
  /**
   * A weird a script raises about a connection (Reporter::conn_weird): `c` is the record the script
   * was given; anything else is ignored.
   */
  connWeird(script: string, c: unknown, name: string, addl: string, source: string): void;
  /** Counters for health scripts (policy/misc/stats, policy/misc/capture-loss), Zeek's field names. */
  stats(kind: StatsKind): StatsRecord;
  /** A script error (throw, timeout, out of memory): reporter.log and one diagnostic line. */
  report(script: string, level: "error" | "warning", message: string): void;
}

export interface ScriptHost {
  /** The script's file, as shown in reports. */
  readonly path: string;
  /** Runs the script's top level: its registrations. `code` is CommonJS that requires "nsm". */
  load(code: string): void;
  /** The script's handlers, known after load(). */
  readonly handlers: readonly HandlerRef[];
  /** Calls one handler. A throw, timeout or exhaustion is reported and contained, never rethrown. */
  invoke(ref: HandlerRef, args: readonly unknown[]): void;
  /** Calls the function given to schedule() under `timerIndex`. */
  runTimer(timerIndex: number): void;
  /** Runs a log policy hook; returns the (possibly changed) record, or false to drop it. */
  runPolicy(policyIndex: number, rec: LogRecord): LogRecord | false;
  /** The connection is gone: drop this script's per-connection state for it. */
  forgetConnection(uid: string): void;
  dispose(): void;
}
