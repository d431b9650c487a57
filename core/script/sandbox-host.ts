// Runs a user's script in a QuickJS sandbox: a WebAssembly module, runtime and context per script,
// nothing in it but the `nsm` module (no file system, network, process, host timers, eval or Function
// constructor), a memory cap and a CPU deadline per call. The same source behaves as under the native
// host; where it cannot (a sandbox copies what crosses), the differences are:
// - Log.write rows are handed over in batches (one per call, chunks of CHUNK_ROWS within a long
//   one); the runtime validates them as it does native rows, and reports rather than throws.
// - A row of a stream the script created carries the stream's columns (what is logged), nested by
//   the dots in their names; rows of other streams cross as written. Sets cross as arrays.
// - A call that throws, runs past its deadline or runs out of memory is stopped and reported; the
//   whole rows it wrote before are kept, a row being written when it stopped is dropped.
// - The VM is not rebuilt after running out of memory: QuickJS fails the allocation, the call's
//   garbage is freed as it unwinds, and the next call runs. A script whose own state fills the cap
//   fails each call, reported, until it is reloaded (rebuilding it would silently rerun its top level).
// - A connection's record lives in the VM from its first event to forgetConnection(uid); fields from
//   the runtime's record are copied in before each event, the script's own fields (c.conn) stay.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten";
import { isEventName } from "./events.ts";
import { handlerOrder, type ColumnTypes, type HandlerRef, type LogRecord, type OptionValue, type ScriptHost, type StatsKind, type ScriptServices } from "./host.ts";
import { expandColumns } from "./log-streams.ts";
import { SandboxChannel, type VmError } from "./sandbox-channel.ts";
import { EVENT_ENCODERS, LANE_SLOTS, LaneReader, LaneWriter, RowSchema, SLOT, STATUS_OK, STATUS_OUT_OF_MEMORY, VALUES, readRows } from "./sandbox-lane.ts";
import { rowEncoderSource, shimSource } from "./sandbox-shim.ts";
import { SourceLines } from "./source-lines.ts";
import type { ConnectionRecord } from "./connection-record.ts";

export interface SandboxLimits {
  /** The VM's heap cap. */
  memoryBytes: number;
  /** CPU time of one call (a handler, a timer, a policy, the top level) before it is stopped. */
  deadlineMs: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { memoryBytes: 64 * 1024 * 1024, deadlineMs: 250 };

const PAGE_BYTES = 65536;
/** The module's own minimum memory (16 MiB: its static data and stack, QuickJS's runtime). */
const BASE_PAGES = 256;

let compiled: Promise<WebAssembly.Module> | undefined;
/** The memory cap each module was made for. */
const capOf = new WeakMap<QuickJSWASMModule, number>();

async function compile(): Promise<WebAssembly.Module> {
  const require = createRequire(createRequire(import.meta.url).resolve("quickjs-emscripten"));
  return WebAssembly.compile(await readFile(require.resolve("@jitl/quickjs-wasmfile-release-sync/wasm")));
}

/**
 * A QuickJS module for one sandbox: compiled once per process, instantiated with a WebAssembly
 * memory of its own that cannot grow past the sandbox's memory cap. That is the cap that holds:
 * this build's JS_SetMemoryLimit only refuses single allocations over the limit (emscripten has no
 * malloc_usable_size, so QuickJS counts 8 bytes per allocation), and a module per sandbox also keeps
 * one script's exhaustion or breakage away from every other script.
 */
export async function loadQuickJs(limits?: Partial<SandboxLimits>): Promise<QuickJSWASMModule> {
  const { memoryBytes } = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  const wasmMemory = new WebAssembly.Memory({ initial: BASE_PAGES, maximum: BASE_PAGES + Math.ceil(memoryBytes / PAGE_BYTES) });
  const module = await newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule: await (compiled ??= compile()), wasmMemory }));
  capOf.set(module, memoryBytes);
  return module;
}

// QuickJS checks its own stack (the WebAssembly shadow stack) against a limit, but its C frames also
// use the host's native stack, up to 25 times as much in the parser. Past the native limit V8 throws
// through the WebAssembly frames and leaves the module broken; these limits keep QuickJS's "stack
// overflow" first with Node's default stack (measured: 32 KiB stays under 500 KiB of native stack
// once eval and Function are gone, which is about 180 nested JS calls; the parser, which only runs
// at load, gets 16 KiB).
const STACK_BYTES = 32 * 1024;
const PARSE_STACK_BYTES = 16 * 1024;

/** Forgotten connections are told to the VM with its next call, or in a call of their own past this. */
const FORGET_BATCH = 1024;

interface Dispatchers {
  load: QuickJSHandle;
  invoke: QuickJSHandle;
  timer: QuickJSHandle;
  policy: QuickJSHandle;
  forget: QuickJSHandle;
  salvage: QuickJSHandle;
  resend: QuickJSHandle;
}

type HostFunction = (...args: QuickJSHandle[]) => QuickJSHandle | void;

export class SandboxHost implements ScriptHost {
  readonly handlers: HandlerRef[] = [];
  private readonly limits: SandboxLimits;
  private readonly runtime: QuickJSRuntime;
  private readonly context: QuickJSContext;
  private readonly channel: SandboxChannel;
  private readonly writer = new LaneWriter();
  private readonly reader = new LaneReader();
  private vm: Dispatchers | undefined;
  /** Maps "at line N" of the transpiled code back to the script's source. */
  private lines = SourceLines.of("");
  private loaded = false;
  private disposed = false;
  /** Set when the host itself failed in a way that leaves the VM in an unknown state. */
  private broken = false;
  private readonly forgets: string[] = [];
  /** Calls into the VM in progress (a flush may run a policy of this script: a nested call). */
  private depth = 0;
  private flushing = 0;
  private deadline = 0;
  private timedOut = false;
  /** The handler after which the VM drops the connection's record (see load). */
  private lastRemove: HandlerRef | undefined;
  /** The string a policy call returned (its lane holds the record). */
  private result = "";
  /** The streams the script created, by the index their rows carry; and the latest by id. */
  private readonly schemas: RowSchema[] = [];
  private readonly schemaOf = new Map<string, RowSchema>();

  constructor(
    readonly path: string,
    private readonly services: ScriptServices,
    module: QuickJSWASMModule,
    limits?: Partial<SandboxLimits>,
  ) {
    this.limits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
    const cap = capOf.get(module);
    if (cap !== undefined && cap < this.limits.memoryBytes) {
      throw new Error(`${path}: the QuickJS module was made for a ${cap}-byte memory cap; give loadQuickJs the sandbox's limits`);
    }
    this.runtime = module.newRuntime();
    this.runtime.setMaxStackSize(STACK_BYTES);
    this.runtime.setInterruptHandler(() => this.pastDeadline());
    this.context = this.runtime.newContext();
    this.channel = new SandboxChannel(module, this.context);
    this.runtime.setMemoryLimit(this.limits.memoryBytes);
  }

  load(code: string): void {
    if (this.loaded || this.disposed) throw new Error(`${this.path}: a sandbox runs one script once; a reload gets a new sandbox`);
    this.loaded = true;
    this.lines = SourceLines.of(code);
    try {
      this.vm = this.setUp();
      const main = this.compile(code);
      let reason: string | undefined;
      try {
        this.begin(0);
        reason = this.call(this.vm.load, main);
      } finally {
        main.dispose();
      }
      if (reason !== undefined) throw new Error(`${this.path}: its top level ${this.lines.locate(reason)}`);
      // The handler that gets a connection's last event: the one the runtime calls last of this
      // script's connection_state_remove handlers.
      this.lastRemove = this.handlers.filter((h) => h.event === "connection_state_remove").sort(handlerOrder).at(-1);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  invoke(ref: HandlerRef, args: readonly unknown[]): void {
    if (!this.usable()) return;
    const w = this.begin(ref.index);
    const last = ref === this.lastRemove;
    w.f[SLOT.last] = last ? 1 : 0;
    try {
      EVENT_ENCODERS[ref.event](w, args);
    } catch (e) {
      this.report(`${ref.event} handler was not called: ${(e as Error).message}`);
      return;
    }
    const reason = this.call(this.vm!.invoke);
    if (reason !== undefined) this.report(`${ref.event} handler ${reason}`);
    // The VM dropped the record after the handler (unless the call was stopped midway, when the
    // usual forgetConnection still tells it).
    else if (last) this.writer.sent.delete((args[0] as ConnectionRecord).uid);
  }

  runTimer(timerIndex: number): void {
    if (!this.usable()) return;
    this.begin(timerIndex);
    const reason = this.call(this.vm!.timer);
    if (reason !== undefined) this.report(`scheduled function ${reason}`);
  }

  runPolicy(policyIndex: number, rec: LogRecord): LogRecord | false {
    if (!this.usable()) return rec;
    const w = this.begin(policyIndex);
    try {
      w.value(rec, 0);
    } catch (e) {
      this.report(`log policy was not called: ${(e as Error).message}`);
      return rec;
    }
    const reason = this.call(this.vm!.policy, undefined, true);
    if (reason !== undefined) {
      this.report(`log policy ${reason}`);
      return rec;
    }
    try {
      this.reader.start(this.channel.lane(), this.result);
      const out = this.reader.value();
      return out === false ? false : out !== null && typeof out === "object" ? (out as LogRecord) : rec;
    } catch (e) {
      this.report(`log policy: ${(e as Error).message}`);
      return rec;
    }
  }

  forgetConnection(uid: string): void {
    if (!this.writer.sent.delete(uid)) return;
    this.forgets.push(uid);
    if (this.forgets.length >= FORGET_BATCH && this.usable()) {
      this.begin(0);
      const reason = this.call(this.vm!.forget);
      if (reason !== undefined) this.report(`dropping the state of closed connections ${reason}`);
    }
  }

  /** Frees the VM. A broken one is not entered again: it goes with its module, which is its own. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.broken) return;
    if (this.vm) for (const h of Object.values(this.vm)) h.dispose();
    this.channel.dispose();
    this.context.dispose();
    this.runtime.dispose();
  }

  // ---- Calls into the VM ----

  /** A call may nest in another only inside a flush (the runtime running this script's policy). */
  private usable(): boolean {
    return this.vm !== undefined && !this.disposed && !this.broken && (this.depth === 0 || this.flushing > 0);
  }

  /** Starts a call's input: header, then the connections to forget, then the caller's values. */
  private begin(index: number): LaneWriter {
    const w = this.writer;
    const lane = this.channel.lane();
    w.start(lane);
    lane[SLOT.index] = index;
    lane[SLOT.networkTime] = this.services.networkTime();
    lane[SLOT.forgets] = this.forgets.length;
    for (let i = 0; i < this.forgets.length; i++) w.string(this.forgets[i]);
    return w;
  }

  /**
   * Runs a dispatcher with the input begun; hands the rows it wrote to the runtime. Returns why the
   * call failed ("threw: ...", "exceeded ..."), or undefined. With `keepResult` the returned string
   * is kept in `result` and the lane is left for the caller to read.
   */
  private call(fn: QuickJSHandle, extra?: QuickJSHandle, keepResult = false): string | undefined {
    const w = this.writer;
    if (w.k > LANE_SLOTS) return "was not called: its arguments are too large for the sandbox";
    const outer = this.depth === 0;
    if (outer) this.startClock();
    w.f[SLOT.fresh] = outer ? 1 : 0;
    this.forgets.length = 0;
    let s: string | null;
    // The returned string is read inside the clock too: turning it into text may run script code.
    this.depth++;
    try {
      s = this.channel.call(fn, w.s, extra);
    } catch (e) {
      return this.fail(e);
    } finally {
      this.depth--;
    }
    if (s === null) return this.escaped();
    const lane = this.channel.lane();
    const status = lane[SLOT.status];
    if (status === STATUS_OK && keepResult) {
      this.result = s;
      return undefined;
    }
    const message = status === STATUS_OK ? "" : s.substring(s.length - lane[SLOT.messageLength]);
    this.deliver(s, lane);
    if (status === STATUS_OK) return undefined;
    return status === STATUS_OUT_OF_MEMORY ? this.outOfMemory() : `threw: ${message}`;
  }

  private startClock(): void {
    this.deadline = performance.now() + this.limits.deadlineMs;
    this.timedOut = false;
  }

  private pastDeadline(): boolean {
    if (this.depth === 0 || performance.now() <= this.deadline) return false;
    this.timedOut = true;
    return true;
  }

  /** The exception left the VM's own try (a deadline, memory, or the script's catch was bypassed). */
  private escaped(): string {
    const failure = this.channel.failure;
    const reason = this.timedOut
      ? `exceeded the ${this.limits.deadlineMs} ms deadline and was stopped`
      : isOutOfMemory(failure)
        ? this.outOfMemory()
        : `threw: ${describeVmError(failure, this.path)}`;
    this.salvage();
    return reason;
  }

  /** Hands over the whole rows a stopped call wrote, and clears the VM's output for the next. */
  private salvage(): void {
    const { deadline, timedOut } = this;
    this.startClock();
    this.depth++;
    let s: string | null = null;
    try {
      s = this.channel.call(this.vm!.salvage, "");
    } catch {
      // The next outer call starts with fresh output anyway.
    } finally {
      this.depth--;
      this.deadline = deadline;
      this.timedOut = timedOut;
    }
    if (s !== null) this.deliver(s, this.channel.lane());
  }

  /** The host side failed mid-call (a lane that does not parse, the host's own stack): stop the script. */
  private fail(e: unknown): string {
    this.broken = true;
    return `stopped the sandbox: ${(e as Error).message}`;
  }

  private outOfMemory(): string {
    const mib = this.limits.memoryBytes / (1024 * 1024);
    return `ran out of memory (${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB limit) and was stopped`;
  }

  /** Rows in the lane and `s`: all decoded first (a write may call back into this VM), then written. */
  private deliver(s: string, lane: Float64Array): void {
    const end = Math.min(lane[SLOT.end], LANE_SLOTS);
    if (!(end > VALUES)) return;
    let rows: unknown[];
    try {
      this.reader.start(lane, s);
      rows = readRows(this.reader, end, this.schemas);
    } catch (e) {
      this.report(`Log.write: ${(e as Error).message}`);
      return;
    }
    for (let i = 0; i < rows.length; i += 2) {
      try {
        this.services.write(this.path, rows[i] as string, rows[i + 1] as LogRecord);
      } catch (e) {
        this.report(`Log.write("${rows[i] as string}"): ${(e as Error).message}`);
      }
    }
  }

  /** The VM's flush(): a chunk of rows in the middle of a call. */
  private flushed(batch: QuickJSHandle): void {
    const s = this.channel.stringOf(batch.value);
    this.flushing++;
    try {
      this.deliver(s, this.channel.lane());
    } finally {
      this.flushing--;
    }
  }

  private report(message: string): void {
    this.services.report(this.path, "error", this.lines.locate(message));
  }

  // ---- Setting the VM up ----

  private setUp(): Dispatchers {
    const ctx = this.context;
    const host = ctx.newObject();
    for (const [name, fn] of Object.entries(this.hostFunctions())) ctx.newFunction(name, fn).consume((h) => ctx.setProp(host, name, h));
    const shim = ctx.unwrapResult(ctx.evalCode(shimSource(this.path), "nsm:sandbox"));
    const api = ctx.unwrapResult(ctx.callFunction(shim, ctx.undefined, host));
    shim.dispose();
    host.dispose();
    const get = (name: keyof Dispatchers) => ctx.getProp(api, name);
    const vm: Dispatchers = {
      load: get("load"),
      invoke: get("invoke"),
      timer: get("timer"),
      policy: get("policy"),
      forget: get("forget"),
      salvage: get("salvage"),
      resend: get("resend"),
    };
    api.dispose();
    this.channel.resend = vm.resend;
    return vm;
  }

  /** The script's code as a function of require, module and exports; its lines keep their numbers. */
  private compile(code: string): QuickJSHandle {
    this.runtime.setMaxStackSize(PARSE_STACK_BYTES);
    const result = this.context.evalCode(`(function (require, module, exports) {${code}\n})`, this.path);
    this.runtime.setMaxStackSize(STACK_BYTES);
    if (result.error) {
      const failure = this.context.dump(result.error) as VmError;
      result.error.dispose();
      throw new Error(`${this.path}: ${this.lines.locate(describeVmError(failure, this.path))}`);
    }
    return result.value;
  }

  /** A stream the script created (or extended): the schema its rows cross by, and its VM encoder. */
  private schema(id: string, columns: (readonly [name: string, type: string])[]): QuickJSHandle {
    const schema = new RowSchema(id, columns);
    this.schemaOf.set(id, schema);
    const handle = this.context.unwrapResult(this.context.evalCode(rowEncoderSource(this.schemas.length, schema), "nsm:stream"));
    this.schemas.push(schema);
    return handle;
  }

  /** What the shim calls. Strings other than a batch arrive as JSON text (C strings stop at a NUL). */
  private hostFunctions(): Record<string, HostFunction> {
    const ctx = this.context;
    const s = this.services;
    const path = this.path;
    const args = (h: QuickJSHandle) => {
      const v: unknown = JSON.parse(ctx.getString(h));
      if (!Array.isArray(v)) throw new TypeError("malformed call from the sandbox");
      return v as unknown[];
    };
    return {
      flush: (batch) => this.flushed(batch),
      on: (event, priority) => {
        const name = ctx.getString(event);
        const p = ctx.getNumber(priority);
        if (!isEventName(name)) throw new Error(`on("${name}"): no such event`);
        this.handlers.push({ event: name, priority: p, index: this.handlers.length });
      },
      createStream: (h) => {
        const [id, streamPath, columns, policy] = args(h);
        s.createStream(path, id as string, streamPath as string, columns as ColumnTypes, typeof policy === "number" && policy >= 0 ? policy : undefined);
        return this.schema(id as string, Object.entries(expandColumns(columns as ColumnTypes)));
      },
      addPolicy: (h) => {
        const [id, index] = args(h);
        s.addPolicy(path, id as string, index as number);
      },
      extend: (h) => {
        const [id, columns] = args(h);
        s.extend(path, id as string, columns as ColumnTypes);
        const known = this.schemaOf.get(id as string);
        if (known) return this.schema(known.id, [...known.columns, ...Object.entries(expandColumns(columns as ColumnTypes))]);
      },
      schedule: (delay, index) => s.schedule(path, ctx.getNumber(delay), ctx.getNumber(index)),
      option: (h) => {
        const [name, defaultValue] = args(h);
        return ctx.newString(JSON.stringify(s.option(path, name as string, defaultValue as OptionValue)));
      },
      print: (h) => s.print(path, String(JSON.parse(ctx.getString(h)))),
      isLocalAddr: (h) => (s.isLocalAddr(args(h)[0] as string) ? ctx.true : ctx.false),
      communityId: (h) => {
        const [c, seed] = args(h);
        return ctx.newString(s.communityId(c as LogRecord, seed as number));
      },
      netWeird: (h) => {
        const [name, addl, source] = args(h);
        s.netWeird(path, name as string, addl as string, source as string);
      },
      connWeird: (h) => {
        const [uid, name, addl, source] = args(h);
        s.connWeird(path, this.writer.sent.get(uid as string), name as string, addl as string, source as string);
      },
      stats: (h) => ctx.newString(JSON.stringify(s.stats(args(h)[0] as StatsKind))),
    };
  }
}

function isOutOfMemory(e: VmError | string | undefined): boolean {
  return typeof e === "object" && e.message === "out of memory";
}

/** "TypeError: x is not a function at line 3" (the line of the transpiled script). */
function describeVmError(e: VmError | string | undefined, file: string): string {
  if (typeof e !== "object") return String(e);
  const stack = e.stack ?? "";
  const at = stack.indexOf(`${file}:`);
  const line = at < 0 ? 0 : parseInt(stack.slice(at + file.length + 1), 10);
  return `${e.name ?? "Error"}: ${e.message ?? ""}${line > 0 ? ` at line ${line}` : ""}`;
}
