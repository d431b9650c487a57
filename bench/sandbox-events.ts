// Sandbox figures for `npm run bench`: events per second into a sandboxed script whose
// connection_state_remove handler writes one conn.log-like row (arguments in, the row out, the
// connection forgotten after, as the runtime does), the same into a handler that writes nothing, and
// what a loaded sandboxed script that subscribes to nothing costs per event (the runtime never calls
// it; it only hears forgetConnection when a connection is removed).
import { transformSync } from "esbuild";
import type { ConnectionRecord } from "../core/script/connection-record.ts";
import type { LogRecord, ScriptServices } from "../core/script/host.ts";
import { SandboxHost, loadQuickJs } from "../core/script/sandbox-host.ts";
import { transpileScript } from "../core/script/loader.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SandboxEventsResult {
  events: number;
  eventsPerSecond: number;
  /** The same events into a handler that writes nothing: the cost of the call and the connection alone. */
  noRowEventsPerSecond: number;
  /** Rows the handler wrote that reached the services, per run. */
  rows: number;
  /** ns per event for a sandboxed script with no handlers, over an empty loop. */
  idleNsPerEvent: number;
  /** The reload path, median of several once warm: the script file transpiled and loaded into a fresh sandbox. */
  reloadMs: number;
}

const WRITER = `
import { on, Log } from "nsm";
Log.createStream("Bench::LOG", {
  path: "bench",
  columns: { ts: "time", uid: "string", "id.orig_h": "addr", "id.orig_p": "port", "id.resp_h": "addr", "id.resp_p": "port",
    proto: "enum", duration: "interval", orig_bytes: "count", resp_bytes: "count", history: "string" },
});
on("connection_state_remove", (c) => {
  Log.write("Bench::LOG", { ts: c.start_time, uid: c.uid, id: c.id, proto: c.id.proto, duration: c.duration,
    orig_bytes: c.orig.size, resp_bytes: c.resp.size, history: c.history });
});
`;

const NO_ROW = `import { on } from "nsm";\non("connection_state_remove", (c) => {});\n`;

const IDLE = `import { Log } from "nsm";\nLog.createStream("Idle::LOG", { path: "idle", columns: { ts: "time" } });\n`;

function services(onWrite: (rec: LogRecord) => void): ScriptServices {
  return {
    networkTime: () => 1700000000,
    createStream: () => {},
    write: (_s, _id, rec) => onWrite(rec),
    addPolicy: () => {},
    extend: () => {},
    schedule: () => {},
    option: (_s, _n, d) => d,
    print: () => {},
    isLocalAddr: () => false,
    communityId: () => "",
    netWeird: () => {},
    connWeird: () => {},
    stats: () => ({}),
    report: (_s, _l, message) => {
      throw new Error(`the benchmark script failed: ${message}`);
    },
  };
}

function connections(n: number): ConnectionRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    uid: `C${(1e12 + i * 7919).toString(36)}x${i}`,
    id: { orig_h: `10.0.${(i >> 8) & 255}.${i & 255}`, orig_p: 1024 + (i % 60000), resp_h: "93.184.216.34", resp_p: 443, proto: "tcp" },
    orig: { size: 1200 + i, state: 5, num_pkts: 12, num_bytes_ip: 1800 + i, l2_addr: undefined },
    resp: { size: 56000 + i, state: 5, num_pkts: 40, num_bytes_ip: 60000 + i, l2_addr: undefined },
    start_time: 1700000000 + i * 0.001,
    duration: 2.5,
    service: ["ssl"],
    history: "ShADadFf",
    ip_proto: 6,
    vlan: undefined,
    inner_vlan: undefined,
    conn: undefined,
  }));
}

async function host(source: string, s: ScriptServices): Promise<SandboxHost> {
  const h = new SandboxHost("/bench/sandbox.ts", s, await loadQuickJs());
  h.load(transformSync(source, { loader: "ts", format: "cjs" }).code);
  return h;
}

const RUNS = 3;

/**
 * events/s of `events` connection_state_remove events into `source`'s handler, each connection
 * forgotten after: the best of three runs, after a warm-up.
 */
async function eventsPerSecond(source: string, records: ConnectionRecord[], events: number, onWrite: (rec: LogRecord) => void): Promise<number> {
  const h = await host(source, services(onWrite));
  const ref = h.handlers[0];
  const args: [ConnectionRecord] = [records[0]];
  const run = (n: number): number => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const c = records[i % records.length];
      args[0] = c;
      h.invoke(ref, args);
      h.forgetConnection(c.uid);
    }
    return (performance.now() - t0) / 1000;
  };
  run(Math.min(20_000, events));
  // Best of three, as the floor is: the figure is the sandbox's cost, not whatever else ran then.
  let seconds = Infinity;
  for (let i = 0; i < RUNS; i++) seconds = Math.min(seconds, run(events));
  h.dispose();
  return Math.round(events / seconds);
}

/** Runs `events` events through the writer script and the no-row script, then the idle check. */
export async function measureSandboxEvents(events = 200_000): Promise<SandboxEventsResult> {
  const records = connections(Math.min(events, 50_000));
  let rows = 0;
  const perSecond = await eventsPerSecond(WRITER, records, events, () => rows++);
  rows = (rows - Math.min(20_000, events)) / RUNS;
  const noRow = await eventsPerSecond(NO_ROW, records, events, () => {});

  const idle = await host(IDLE, services(() => {}));
  const uids = records.map((c) => c.uid);
  const loop = (withIdle: boolean): number => {
    const t0 = performance.now();
    for (let i = 0; i < events; i++) if (withIdle) idle.forgetConnection(uids[i % uids.length]);
    return performance.now() - t0;
  };
  loop(true);
  const idleNs = ((loop(true) - loop(false)) * 1e6) / events;
  idle.dispose();
  return {
    events,
    eventsPerSecond: perSecond,
    noRowEventsPerSecond: noRow,
    rows,
    idleNsPerEvent: Math.max(0, Math.round(idleNs * 10) / 10),
    reloadMs: await reloadMs(WRITER),
  };
}

/**
 * What a hot reload does to a changed file (core/script/reloader.ts), timed. A reload happens in a
 * run that has loaded its scripts already, so the first few (esbuild's service starting, QuickJS's
 * module compiled) are not counted.
 */
async function reloadMs(source: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-bench-reload-"));
  const file = join(dir, "writer.ts");
  writeFileSync(file, source);
  const times: number[] = [];
  for (let i = 0; i < 3 + 9; i++) {
    const t0 = performance.now();
    const h = new SandboxHost(file, services(() => {}), await loadQuickJs());
    h.load(await transpileScript(file));
    times.push(performance.now() - t0);
    h.dispose();
  }
  rmSync(dir, { recursive: true, force: true });
  const warm = times.slice(3).sort((a, b) => a - b);
  return Math.round(warm[4] * 10) / 10;
}
