// Runs a trusted script (scripts/base, scripts/policy) directly in V8: its CommonJS code gets a
// `require("nsm")` that returns the API bound to this script. Handlers are called with the runtime's
// own records, so a call costs what a function call costs. Errors are reported, never rethrown.
import type { ColumnTypes, HandlerRef, LogRecord, OptionValue, ScriptHost, ScriptServices } from "./host.ts";
import { isEventName, type EventName } from "./events.ts";

type Fn = (...args: never[]) => unknown;

export class NativeHost implements ScriptHost {
  readonly handlers: HandlerRef[] = [];
  private readonly fns: Fn[] = [];
  /** Scheduled functions, dropped once they have run. */
  private readonly timers = new Map<number, () => void>();
  private nextTimer = 0;
  private readonly policies: ((rec: LogRecord) => boolean | void)[] = [];

  constructor(
    readonly path: string,
    private readonly services: ScriptServices,
  ) {}

  load(code: string): void {
    const api = this.api();
    const module = { exports: {} };
    const require = (name: string) => {
      if (name === "nsm") return api;
      throw new Error(`module "${name}" is not available to scripts`);
    };
    new Function("require", "module", "exports", code)(require, module, module.exports);
  }

  invoke(ref: HandlerRef, args: readonly unknown[]): void {
    try {
      (this.fns[ref.index] as (...a: readonly unknown[]) => void)(...args);
    } catch (e) {
      this.services.report(this.path, "error", `${ref.event} handler threw: ${describe(e)}`);
    }
  }

  runTimer(timerIndex: number): void {
    const fn = this.timers.get(timerIndex);
    if (!fn) return;
    this.timers.delete(timerIndex);
    try {
      fn();
    } catch (e) {
      this.services.report(this.path, "error", `scheduled function threw: ${describe(e)}`);
    }
  }

  runPolicy(policyIndex: number, rec: LogRecord): LogRecord | false {
    try {
      return this.policies[policyIndex](rec) === false ? false : rec;
    } catch (e) {
      this.services.report(this.path, "error", `log policy threw: ${describe(e)}`);
      return rec;
    }
  }

  /** Per-connection state is keyed by the connection record, which dies with the connection. */
  forgetConnection(): void {}

  dispose(): void {}

  private api() {
    const s = this.services;
    const path = this.path;
    const addPolicy = (p: (rec: LogRecord) => boolean | void) => this.policies.push(p) - 1;
    return {
      on: (event: EventName, handler: Fn, options?: { priority?: number }) => {
        if (!isEventName(event)) throw new Error(`on("${event}"): no such event`);
        if (typeof handler !== "function") throw new Error(`on("${event}"): the handler must be a function`);
        this.handlers.push({ event, priority: options?.priority ?? 0, index: this.fns.length });
        this.fns.push(handler);
      },
      Log: {
        createStream: (id: string, o: { path: string; columns: ColumnTypes; policy?: (rec: LogRecord) => boolean | void }) =>
          s.createStream(path, id, o.path, o.columns, o.policy ? addPolicy(o.policy) : undefined),
        write: (id: string, rec: LogRecord) => s.write(path, id, rec),
        addPolicy: (id: string, p: (rec: LogRecord) => boolean | void) => s.addPolicy(path, id, addPolicy(p)),
        extend: (id: string, columns: ColumnTypes) => s.extend(path, id, columns),
      },
      networkTime: () => s.networkTime(),
      schedule: (delay: number, fn: () => void) => {
        const index = this.nextTimer++;
        this.timers.set(index, fn);
        s.schedule(path, delay, index);
      },
      option: (name: string, defaultValue: OptionValue) => s.option(path, name, defaultValue),
      connectionState: () => {
        const m = new WeakMap<object, unknown>();
        return {
          get: (c: object) => m.get(c),
          set: (c: object, v: unknown) => void m.set(c, v),
          delete: (c: object) => void m.delete(c),
        };
      },
      print: (...values: unknown[]) => s.print(path, values.map(printable).join(", ")),
      Site: { isLocalAddr: (a: string) => s.isLocalAddr(a) },
      communityId: (c: LogRecord, seed = 0) => s.communityId(c, seed),
      Reporter: {
        netWeird: (name: string, addl = "", source = "") => s.netWeird(path, String(name), String(addl), String(source)),
        connWeird: (c: unknown, name: string, addl = "", source = "") => s.connWeird(path, c, String(name), String(addl), String(source)),
      },
      getNetStats: () => s.stats("net"),
      getConnStats: () => s.stats("conn"),
      getProcStats: () => s.stats("proc"),
      getEventStats: () => s.stats("event"),
      getTimerStats: () => s.stats("timer"),
      getGapStats: () => s.stats("gap"),
      readingLiveTraffic: () => s.stats("run").reading_live_traffic,
      currentTime: () => s.stats("run").current_time,
    };
  }
}

/** Zeek's print: strings as they are, everything else as JSON. */
export function printable(v: unknown): string {
  return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v) ?? String(v);
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
