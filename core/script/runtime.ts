// The script runtime: loads scripts into their hosts, orders every event's handlers by priority
// across all scripts, hands each event only to the scripts that handle it, and serves what scripts
// ask for: log streams (validated rows, policy hooks, extensions), timers in network time, options,
// print, Site and Community ID. Script errors go to reporter.log plus one diagnostic line.
import type { Connection } from "../../analyzers/conn/connection.ts";
import type { ConnectionEvents } from "../../analyzers/conn/connection-events.ts";
import { communityId } from "../../analyzers/conn/community-id.ts";
import { parseAddr } from "../net/address.ts";
import type { LocalNets } from "../site.ts";
import { TimerQueue } from "../timers.ts";
import { BadOptionError } from "../errors.ts";
import { parseOptionValue } from "../options.ts";
import { EVENTS, type EventName } from "./events.ts";
import { handlerOrder, type ColumnTypes, type HandlerRef, type LogRecord, type OptionValue, type ScriptHost, type ScriptServices, type StatsKind, type StatsRecord } from "./host.ts";
import { connectionOf, connectionRecord, flipRecord } from "./connection-record.ts";
import { LogStreams } from "./log-streams.ts";
import type { WriterOptions } from "../../logs/writer.ts";

interface Entry {
  host: ScriptHost;
  ref: HandlerRef;
  /** Load order of the script, to keep equal priorities in load order. */
  order: number;
}

interface ScriptTimer {
  host: ScriptHost;
  index: number;
}

export interface RuntimeOptions {
  logs: WriterOptions;
  localNets: LocalNets;
  /** `--set` values not known to core; scripts' option() declarations consume them. */
  settings: Map<string, string>;
  /** `--set NAME+=VALUE` values not known to core, in order: added to a set option's value. */
  additions?: Map<string, string[]>;
  /** Where print() goes (stdout by default). */
  print?: (line: string) => void;
  /** One diagnostic line per script error (stderr through pino in the CLI). */
  diagnostic?: (line: string) => void;
  /**
   * Where a weird a script raises goes: the connection table's, which samples weirds as Zeek does.
   * Without it the weird is raised as it is.
   */
  weird?: (name: string, c: Connection | undefined, addl: string, source: string) => void;
}

/** What the run tells the runtime for the health scripts' stats (core/pipeline.ts provides it). */
export interface RunStatsSource {
  readonly live: boolean;
  /** The wall clock, seconds since the epoch. */
  now(): number;
  net(): StatsRecord;
  conn(): StatsRecord;
  /** Timers of the connection table (the runtime adds its own). */
  timers(): { current: number; cumulative: number };
  gap(): StatsRecord;
}

const REPORTER_COLUMNS: ColumnTypes = { ts: "time", level: "enum", message: "string", location: "string" };

export class ScriptRuntime implements ScriptServices, ConnectionEvents {
  private readonly hosts: ScriptHost[] = [];
  private readonly entries = {} as Record<EventName, Entry[]>;
  /** Fast check before an event's arguments are built: does any script handle it? */
  private readonly listening = {} as Record<EventName, boolean>;
  private readonly timers = new TimerQueue<ScriptTimer>();
  private readonly options = new Map<string, OptionValue>();
  private readonly consumedSettings = new Set<string>();
  private loadOrder = 0;
  /** Weirds scripts raised, waiting for the event or timer that raised them to finish (Zeek queues them). */
  private readonly pendingWeirds: [name: string, addl: string, source: string, c: Connection | undefined][] = [];
  /** Connections scripts have a record of, by uid, until they are removed: a script's conn weird names one by uid. */
  private dispatching = 0;
  private readonly order = new Map<ScriptHost, number>();
  readonly streams: LogStreams;
  time = 0;
  /** Events delivered to scripts, and weirds reported (after sampling), for the run's summary. */
  eventsDispatched = 0;
  weirdsReported = 0;
  statsSource: RunStatsSource | undefined;

  constructor(private readonly opts: RuntimeOptions) {
    for (const name of Object.keys(EVENTS) as EventName[]) {
      this.entries[name] = [];
      this.listening[name] = false;
    }
    this.streams = new LogStreams(opts.logs, (script, message) => this.report(script, "error", message), () => this.time);
    this.streams.create("nsm", "Reporter::LOG", "reporter", REPORTER_COLUMNS, undefined);
  }

  /** The script whose top level is running: its registrations must find it before it is added. */
  private loading: ScriptHost | undefined;

  private load(host: ScriptHost, code: string): void {
    this.loading = host;
    try {
      host.load(code);
    } finally {
      this.loading = undefined;
    }
  }

  /** Loads a script into `host` and adds its handlers; throws if the script fails to load. */
  add(host: ScriptHost, code: string): void {
    this.load(host, code);
    this.hosts.push(host);
    this.order.set(host, this.loadOrder++);
    this.addHandlers(host);
  }

  /**
   * Hot reload: `next` replaces `prev` between two events. If `next` fails to load, `prev` keeps
   * running and the error is thrown to the caller.
   */
  replace(prev: ScriptHost, next: ScriptHost, code: string): void {
    this.load(next, code);
    const i = this.hosts.indexOf(prev);
    this.hosts[i] = next;
    this.order.set(next, this.order.get(prev)!);
    this.order.delete(prev);
    for (const name of Object.keys(this.entries) as EventName[]) {
      this.entries[name] = this.entries[name].filter((e) => e.host !== prev);
    }
    this.streams.hostRetired(prev);
    prev.dispose();
    this.addHandlers(next);
    this.runInit(next);
  }

  /** After every script is loaded: unknown --set names are errors, then zeek_init runs. */
  start(): void {
    for (const name of [...this.opts.settings.keys(), ...(this.opts.additions?.keys() ?? [])]) {
      if (!this.consumedSettings.has(name)) throw new BadOptionError(`unknown option "${name}" (not an nsm option, and no loaded script declares it)`);
    }
    this.dispatch("zeek_init", []);
  }

  /** End of input, after every connection was removed: zeek_done, then every log is closed. */
  finish(): void {
    this.dispatch("zeek_done", []);
    this.streams.closeAll();
    for (const h of this.hosts) h.dispose();
  }

  dispatch(event: EventName, args: readonly unknown[]): void {
    const list = this.entries[event];
    this.dispatching++;
    this.eventsDispatched++;
    for (let i = 0; i < list.length; i++) list[i].host.invoke(list[i].ref, args);
    this.dispatching--;
    if (this.dispatching === 0 && this.pendingWeirds.length > 0) this.raisePendingWeirds();
  }

  private raisePendingWeirds(): void {
    const raise = this.opts.weird ?? ((name, c, addl, source) => this.weird(name, c, addl, source));
    for (const [name, addl, source, c] of this.pendingWeirds.splice(0)) raise(name, c, addl, source);
  }

  /** Network time moves to `t`: a log rotation due by then happens, then the script timers due run. */
  advance(t: number): void {
    this.time = t;
    if (!(t < this.streams.rotationDue)) this.streams.rotate(t);
    for (let timer = this.timers.popDue(t); timer; timer = this.timers.popDue(t)) {
      const { host, index } = timer.target;
      if (this.hosts.includes(host)) host.runTimer(index);
    }
    if (this.pendingWeirds.length > 0) this.raisePendingWeirds();
  }

  private addHandlers(host: ScriptHost): void {
    const order = this.order.get(host)!;
    for (const ref of host.handlers) {
      const list = this.entries[ref.event];
      list.push({ host, ref, order });
      list.sort((a, b) => b.ref.priority - a.ref.priority || a.order - b.order || handlerOrder(a.ref, b.ref));
      this.listening[ref.event] = true;
    }
  }

  private runInit(host: ScriptHost): void {
    for (const ref of host.handlers) if (ref.event === "zeek_init") host.invoke(ref, []);
  }

  // ---- ConnectionEvents: each event is built only when some script handles it ----

  private conn(event: EventName, c: Connection): void {
    if (this.listening[event]) this.dispatch(event, [connectionRecord(c)]);
  }

  newConnection(c: Connection): void {
    this.conn("new_connection", c);
  }
  established(c: Connection): void {
    this.conn("connection_established", c);
  }
  attempt(c: Connection): void {
    this.conn("connection_attempt", c);
  }
  rejected(c: Connection): void {
    this.conn("connection_rejected", c);
  }
  finished(c: Connection): void {
    this.conn("connection_finished", c);
  }
  halfFinished(c: Connection): void {
    this.conn("connection_half_finished", c);
  }
  reset(c: Connection): void {
    this.conn("connection_reset", c);
  }
  partial(c: Connection): void {
    this.conn("partial_connection", c);
  }
  timeout(c: Connection): void {
    this.conn("connection_timeout", c);
  }
  flipped(c: Connection): void {
    flipRecord(c);
    this.conn("connection_flipped", c);
  }
  stateRemove(c: Connection): void {
    this.conn("connection_state_remove", c);
    if (c.record !== undefined) for (const h of this.hosts) h.forgetConnection(c.uid);
  }
  contentGap(c: Connection, isOrig: boolean, seq: number, length: number): void {
    if (this.listening.content_gap) this.dispatch("content_gap", [connectionRecord(c), isOrig, seq, length]);
  }
  confirmation(c: Connection, analyzer: string): void {
    if (this.listening.analyzer_confirmation) this.dispatch("analyzer_confirmation", [connectionRecord(c), analyzer]);
  }
  weird(name: string, c: Connection | undefined, addl: string, source: string): void {
    this.weirdsReported++;
    if (c === undefined) {
      if (this.listening.net_weird) this.dispatch("net_weird", [name, addl, source]);
    } else if (this.listening.conn_weird) {
      this.dispatch("conn_weird", [name, connectionRecord(c), addl, source]);
    }
  }

  handles(event: string): boolean {
    return this.listening[event as EventName] === true;
  }

  raise(event: string, args: unknown[]): void {
    if (!this.listening[event as EventName]) return;
    const kinds: readonly string[] = EVENTS[event as EventName];
    for (let i = 0; i < kinds.length; i++) if (kinds[i] === "connection") args[i] = connectionRecord(args[i] as Connection);
    this.dispatch(event as EventName, args);
  }

  // ---- ScriptServices ----

  networkTime(): number {
    return this.time;
  }

  createStream(script: string, id: string, path: string, columns: ColumnTypes, policyIndex: number | undefined): void {
    this.streams.create(script, id, path, columns, policyIndex === undefined ? undefined : { host: this.hostOf(script), index: policyIndex });
  }

  write(script: string, id: string, rec: LogRecord): void {
    this.streams.write(script, id, rec);
  }

  addPolicy(script: string, id: string, policyIndex: number): void {
    this.streams.addPolicy(script, id, { host: this.hostOf(script), index: policyIndex });
  }

  extend(script: string, id: string, columns: ColumnTypes): void {
    this.streams.extend(script, id, columns);
  }

  schedule(script: string, delay: number, timerIndex: number): void {
    this.timers.add(this.time + delay, { host: this.hostOf(script), index: timerIndex }, 0);
  }

  option(script: string, name: string, defaultValue: OptionValue): OptionValue {
    const known = this.options.get(name);
    if (known !== undefined) return known;
    let value = defaultValue;
    const kind = Array.isArray(defaultValue) ? "set[string]" : typeof defaultValue === "boolean" ? "bool" : typeof defaultValue === "number" ? "interval" : "string";
    const text = this.opts.settings.get(name);
    if (text !== undefined) {
      value = parseOptionValue(name, kind, text) as OptionValue;
      this.consumedSettings.add(name);
    }
    const added = this.opts.additions?.get(name);
    if (added !== undefined) {
      if (!Array.isArray(value)) throw new BadOptionError(`--set ${name}+=: only sets can be added to`);
      const set = new Set(value);
      for (const t of added) for (const item of parseOptionValue(name, kind, t) as string[]) set.add(item);
      value = [...set];
      this.consumedSettings.add(name);
    }
    this.options.set(name, value);
    return value;
  }

  print(_script: string, line: string): void {
    (this.opts.print ?? ((l) => process.stdout.write(l + "\n")))(line);
  }

  isLocalAddr(addr: string): boolean {
    return typeof addr === "string" && this.opts.localNets.containsText(addr);
  }

  netWeird(_script: string, name: string, addl: string, source: string): void {
    this.pendingWeirds.push([name, addl, source, undefined]);
  }

  connWeird(_script: string, c: unknown, name: string, addl: string, source: string): void {
    const conn = connectionOf(c);
    if (conn !== undefined) this.pendingWeirds.push([name, addl, source, conn]);
  }

  communityId(c: LogRecord, seed: number): string {
    const rec = c as { id: { orig_h: string; resp_h: string; orig_p: number; resp_p: number }; ip_proto: number };
    const a = parseAddr(rec.id.orig_h);
    return communityId(a, parseAddr(rec.id.resp_h), a.length === 4 ? 4 : 6, rec.ip_proto, rec.id.orig_p, rec.id.resp_p, seed);
  }

  stats(kind: StatsKind): StatsRecord {
    const src = this.statsSource;
    switch (kind) {
      case "event":
        // Events are dispatched as they are raised: every queued event is dispatched at once.
        return { queued: this.eventsDispatched, dispatched: this.eventsDispatched };
      case "proc": {
        const cpu = process.cpuUsage();
        return { mem: process.memoryUsage.rss(), user_time: cpu.user / 1e6, system_time: cpu.system / 1e6 };
      }
      case "timer": {
        const t = src?.timers() ?? { current: 0, cumulative: 0 };
        return { current: t.current + this.timers.size, cumulative: t.cumulative + this.timers.added };
      }
      case "run":
        return { reading_live_traffic: src?.live ?? false, current_time: src?.now() ?? Date.now() / 1000 };
      case "net":
        return src?.net() ?? { pkts_recvd: 0, bytes_recvd: 0 };
      case "conn":
        return src?.conn() ?? {};
      case "gap":
        return src?.gap() ?? { ack_events: 0, ack_bytes: 0, gap_events: 0, gap_bytes: 0 };
    }
    throw new Error(`no such statistics: ${String(kind)}`);
  }

  report(script: string, level: "error" | "warning", message: string): void {
    this.streams.write("nsm", "Reporter::LOG", {
      ts: this.time,
      level: level === "error" ? "Reporter::ERROR" : "Reporter::WARNING",
      message,
      location: script,
    });
    this.opts.diagnostic?.(`${level}: ${script}: ${message}`);
  }

  private hostOf(script: string): ScriptHost {
    const h = this.loading?.path === script ? this.loading : this.hosts.find((x) => x.path === script);
    if (!h) throw new Error(`no script loaded from ${script}`);
    return h;
  }
}
