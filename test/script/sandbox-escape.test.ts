// The sandbox as a boundary: a script that tries to reach the host, or to exhaust CPU, memory or the
// stack, is refused or stopped with a clear report, and the sandbox (and every other one) goes on.
import { describe, expect, it } from "vitest";
import type { HandlerRef, LogRecord } from "../../core/script/host.ts";
import { SandboxHost, loadQuickJs } from "../../core/script/sandbox-host.ts";
import { RecordingServices, sandbox, SCRIPT_PATH, transpile } from "./sandbox-services.ts";

function handler(host: SandboxHost, event: string): HandlerRef {
  return host.handlers.find((h) => h.event === event)!;
}

/** Each probe runs in the handler and prints what it got, or the error it met. */
async function probe(probes: Record<string, string>): Promise<Record<string, string>> {
  const names = Object.keys(probes);
  const { host, services } = await sandbox(`
    import { on, print } from "nsm";
    on("zeek_init", () => {
      ${names
        .map((name) => `try { print(${JSON.stringify(name)} + " => " + String(${probes[name]})); } catch (e) { print(${JSON.stringify(name)} + " => " + e.name + ": " + e.message); }`)
        .join("\n      ")}
    });
  `);
  host.invoke(handler(host, "zeek_init"), []);
  expect(services.reports).toEqual([]);
  return Object.fromEntries(services.lines.map((l) => l.split(" => ") as [string, string]));
}

describe("sandbox: no way out to the host", () => {
  it("has no process, require of anything but nsm, host timers or globals of the host", async () => {
    const got = await probe({
      process: "process",
      globalProcess: "globalThis.process",
      fs: 'require("fs")',
      childProcess: 'require("child_process")',
      setTimeout: "setTimeout(() => {}, 0)",
      setInterval: "typeof setInterval",
      queueMicrotask: "typeof queueMicrotask",
      lane: "typeof globalThis.__nsmLane",
      globals: "Object.getOwnPropertyNames(globalThis).filter((n) => !/^[A-Z]/.test(n)).sort().join(' ')",
    });
    expect(got).toEqual({
      process: "ReferenceError: 'process' is not defined",
      globalProcess: "undefined",
      fs: 'Error: module "fs" is not available in the sandbox',
      childProcess: 'Error: module "child_process" is not available in the sandbox',
      setTimeout: "ReferenceError: 'setTimeout' is not defined",
      setInterval: "undefined",
      queueMicrotask: "undefined",
      lane: "undefined",
      globals: expect.any(String),
    });
    // What is left of the global object is the language's own: no host functions, no nsm internals.
    expect(got.globals.split(" ")).toEqual(["decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "eval", "globalThis", "isFinite", "isNaN", "parseFloat", "parseInt", "undefined", "unescape"]);
  });

  it("compiles no code from strings: eval and every Function constructor refuse", async () => {
    const got = await probe({
      functionThis: 'Function("return this")()',
      constructorConstructor: '(() => 1).constructor.constructor("return globalThis")()',
      apiConstructor: 'print.constructor("return process")()',
      generator: "Object.getPrototypeOf(function* () {}).constructor('yield 1')",
      async: "(async () => {}).constructor('return 1')",
      asyncGenerator: "Object.getPrototypeOf(async function* () {}).constructor('yield 1')",
      eval: 'eval("1 + 1")',
      indirectEval: '(0, eval)("1 + 1")',
      instanceOf: "(() => 1) instanceof Function",
    });
    const refused = (what: string) => `EvalError: ${what} is not available in the sandbox`;
    expect(got).toEqual({
      functionThis: refused("Function()"),
      constructorConstructor: refused("Function()"),
      apiConstructor: refused("Function()"),
      generator: refused("Function()"),
      async: refused("Function()"),
      asyncGenerator: refused("Function()"),
      eval: refused("eval()"),
      indirectEval: refused("eval()"),
      instanceOf: "true",
    });
  });

  it("gives the nsm module frozen, and keeps one sandbox's globals from another", async () => {
    const got = await probe({ frozen: 'Object.isFrozen(require("nsm")) && Object.isFrozen(require("nsm").Log)' });
    expect(got.frozen).toBe("true");
    const a = await sandbox(`globalThis.shared = "from a"; Object.prototype.polluted = 1;`);
    const b = await sandbox(`import { print } from "nsm"; print(typeof (globalThis as any).shared, typeof ({} as any).polluted);`);
    expect(b.services.lines).toEqual(["undefined, undefined"]);
    a.host.dispose();
  });

  it("passes stream paths and records as they are: validating them is the runtime's job", async () => {
    const { host, services } = await sandbox(`
      import { on, Log } from "nsm";
      Log.createStream("X::LOG", { path: "../../x", columns: { n: "count" } });
      on("zeek_init", () => Log.write("X::LOG", { n: "not a count" as any }));
    `);
    host.invoke(handler(host, "zeek_init"), []);
    expect(services.streams[0].path).toBe("../../x");
    expect(services.rows).toEqual([{ id: "X::LOG", rec: { n: "not a count" } }]);
  });
});

describe("sandbox: exhaustion is contained", () => {
  it("stops a billion-iteration loop at the deadline, even inside try, and the next call works", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      on("connection_state_remove", () => { let n = 0; for (let i = 0; i < 1e9; i++) n += i; print(n); });
      on("zeek_done", () => { try { for (;;) {} } catch { print("caught"); } });
      on("zeek_init", () => print("alive"));
    `);
    const t0 = performance.now();
    host.invoke(handler(host, "connection_state_remove"), [(await import("./sandbox-services.ts")).connection()]);
    const took = performance.now() - t0;
    host.invoke(handler(host, "zeek_done"), []);
    host.invoke(handler(host, "zeek_init"), []);
    expect(services.reports).toEqual([
      "error: connection_state_remove handler exceeded the 250 ms deadline and was stopped",
      "error: zeek_done handler exceeded the 250 ms deadline and was stopped",
    ]);
    expect(services.lines).toEqual(["alive"]);
    expect(took).toBeLessThan(2000);
  });

  it("stops 1 GB allocations at the memory cap, and the next call works", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      on("zeek_init", () => { new ArrayBuffer(1e9); });
      on("zeek_done", () => { "x".repeat(1e9); });
      on("new_connection", () => { const keep = []; for (;;) keep.push(new Array(100000).fill(1)); });
      on("connection_state_remove", () => print([1, 2, 3].map((x) => x * 2).join()));
    `, { memoryBytes: 16 * 1024 * 1024 });
    const { connection } = await import("./sandbox-services.ts");
    host.invoke(handler(host, "zeek_init"), []);
    host.invoke(handler(host, "zeek_done"), []);
    host.invoke(handler(host, "new_connection"), [connection()]);
    host.invoke(handler(host, "connection_state_remove"), [connection()]);
    expect(services.reports).toEqual([
      expect.stringMatching(/^error: zeek_init handler (ran out of memory \(16 MiB limit\) and was stopped|threw: RangeError: .*)$/),
      expect.stringMatching(/^error: zeek_done handler (ran out of memory \(16 MiB limit\) and was stopped|threw: (RangeError|InternalError): .*)$/),
      "error: new_connection handler ran out of memory (16 MiB limit) and was stopped",
    ]);
    expect(services.lines).toEqual(["2,4,6"]);
  });

  it("reports a script whose own state fills the cap on each call until it is reloaded", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      const kept: number[][] = [];
      on("zeek_init", () => { for (;;) kept.push(new Array(100000).fill(1)); });
      on("zeek_done", () => print("a", "b", [kept.length > 0]));
    `, { memoryBytes: 8 * 1024 * 1024 });
    host.invoke(handler(host, "zeek_init"), []);
    host.invoke(handler(host, "zeek_done"), []);
    expect(services.reports[0]).toBe("error: zeek_init handler ran out of memory (8 MiB limit) and was stopped");
    expect(services.reports.length + services.lines.length).toBe(2);
  });

  it("reports runaway recursion as a stack overflow and goes on; deep nesting never reaches the host's stack", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      function down(n: number): number { return down(n + 1) + 1; }
      on("zeek_init", () => down(0));
      on("zeek_done", () => {
        let o: any = {};
        for (let i = 0; i < 100000; i++) o = { o };
        print(JSON.stringify(o).length);
      });
      on("new_connection", () => JSON.parse("[".repeat(100000) + "]".repeat(100000)));
      on("connection_state_remove", () => print("alive"));
    `);
    const { connection } = await import("./sandbox-services.ts");
    host.invoke(handler(host, "zeek_init"), []);
    host.invoke(handler(host, "zeek_done"), []);
    host.invoke(handler(host, "new_connection"), [connection()]);
    host.invoke(handler(host, "connection_state_remove"), [connection()]);
    expect(services.reports).toEqual([
      expect.stringMatching(/^error: zeek_init handler threw: InternalError: stack overflow at line \d+$/),
      expect.stringMatching(/^error: zeek_done handler threw: InternalError: stack overflow/),
      expect.stringMatching(/^error: new_connection handler threw: SyntaxError: stack overflow/),
    ]);
    expect(services.lines).toEqual(["alive"]);
  });

  it("refuses a script nested too deeply to parse, without harm", async () => {
    const host = new SandboxHost(SCRIPT_PATH, new RecordingServices(), await loadQuickJs());
    expect(() => host.load(`var x = ${"(".repeat(100000)}1${")".repeat(100000)};`)).toThrow(/^\/scripts\/user\.ts: (InternalError|SyntaxError): stack overflow/);
    const { services } = await sandbox(`import { print } from "nsm"; print("next script loads");`);
    expect(services.lines).toEqual(["next script loads"]);
  });

  it("a handler writing a million rows: stopped cleanly, every row handed over whole, in batches", async () => {
    const services = new RecordingServices();
    let rows = 0;
    let torn = 0;
    services.write = (_script: string, _id: string, rec: LogRecord) => {
      if (rec.n !== rows || rec.s !== `line ${rows}` || rec.t !== 1700000000.5) torn++;
      rows++;
    };
    const { host } = await sandbox(
      `import { on, Log, networkTime } from "nsm";
       Log.createStream("Flood::LOG", { path: "flood", columns: { n: "count", s: "string", t: "time" } });
       on("zeek_init", () => { for (let n = 0; n < 1e6; n++) Log.write("Flood::LOG", { n, s: "line " + n, t: networkTime() }); });`,
      undefined,
      services,
    );
    const heapBefore = process.memoryUsage().heapUsed;
    host.invoke(handler(host, "zeek_init"), []);
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    expect(torn).toBe(0);
    if (services.reports.length > 0) {
      expect(services.reports).toEqual(["error: zeek_init handler exceeded the 250 ms deadline and was stopped"]);
      expect(rows).toBeGreaterThan(1000);
    } else {
      expect(rows).toBe(1e6);
    }
    expect(heapGrowth).toBeLessThan(64 * 1024 * 1024);
  });

  it("stops a policy that loops, keeping the record", async () => {
    const { host, services } = await sandbox(`
      import { Log } from "nsm";
      Log.createStream("L::LOG", { path: "l", columns: { a: "count" }, policy: () => { for (;;) {} } });
    `, { deadlineMs: 50 });
    const rec = { a: 1 };
    expect(host.runPolicy(0, rec)).toBe(rec);
    expect(services.reports).toEqual(["error: log policy exceeded the 50 ms deadline and was stopped"]);
  });

  it("runs many sandboxes side by side, one failing not touching the others", async () => {
    const sandboxes = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        sandbox(`import { on, print } from "nsm"; on("zeek_init", () => { if (${i} === 2) for (;;) {} print("script ${i}"); });`, { deadlineMs: 20 }),
      ),
    );
    for (const { host } of sandboxes) host.invoke(handler(host, "zeek_init"), []);
    expect(sandboxes.map((s) => s.services.lines.join() || s.services.reports.join())).toEqual([
      "script 0",
      "script 1",
      "error: zeek_init handler exceeded the 20 ms deadline and was stopped",
      "script 3",
    ]);
    for (const { host } of sandboxes) host.dispose();
  });
});

describe("sandbox: transpiled as the loader does", () => {
  it("loads esbuild's CommonJS with import * and default interop", async () => {
    const { host, services } = await sandbox(`
      import * as nsm from "nsm";
      import { on } from "nsm";
      on("zeek_init", () => nsm.print(typeof nsm.Log.write, typeof nsm.connectionState));
      export const answer = 42;
    `);
    host.invoke(handler(host, "zeek_init"), []);
    expect(services.lines).toEqual(["function, function"]);
    expect(transpile("export const a = 1;")).toContain("module.exports");
  });
});
