// The sandbox host against its contract (core/script/host.ts, scripts/nsm.d.ts): what a handler
// receives, what leaves as log rows, policies, timers, options, per-connection state, print, and how
// load failures and handler errors are reported.
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transpileScriptSync } from "../../core/script/loader.ts";
import { printable } from "../../core/script/native-host.ts";
import { CHUNK_ROWS } from "../../core/script/sandbox-shim.ts";
import { connection, RecordingServices, sandbox, SCRIPT_PATH, transpile } from "./sandbox-services.ts";
import { SandboxHost, loadQuickJs } from "../../core/script/sandbox-host.ts";
import type { HandlerRef, LogRecord } from "../../core/script/host.ts";

/** Every leaf of a value as "path type value" lines, in key order, the same way on both sides. */
const LEAVES = `
function leaves(v, path, out) {
  if (v !== null && typeof v === "object") {
    for (const k of Object.keys(v)) leaves(v[k], path ? path + "." + k : k, out);
    if (Array.isArray(v)) out.push(path + " array " + v.length);
  } else out.push(path + " " + typeof v + " " + (typeof v === "string" ? JSON.stringify(v) : String(v)));
  return out;
}`;
const leaves = new Function(`${LEAVES}; return leaves;`)() as (v: unknown, path: string, out: string[]) => string[];

/** The line of the transpiled script that holds `needle` (reports give lines of the code loaded). */
function lineOf(code: string, needle: string): number {
  return code.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

/** The script's handler of `event` (the one of that priority, when given). */
function ref(host: SandboxHost, event: string, priority?: number): HandlerRef {
  const r = host.handlers.find((h) => h.event === event && (priority === undefined || h.priority === priority));
  if (!r) throw new Error(`no handler for ${event}`);
  return r;
}

describe("sandbox: handler arguments", () => {
  it("a Connection arrives field by field with its values and types", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      ${LEAVES}
      on("connection_state_remove", (c) => print(leaves(c, "", []).join("\\n")));
    `);
    const full = connection({
      orig: { size: 0, state: 1, num_pkts: 1, num_bytes_ip: 60, l2_addr: "00:11:22:33:44:55" },
      resp: { size: 2 ** 53 - 1, state: 6, num_pkts: 0, num_bytes_ip: 0, l2_addr: "66:77:88:99:aa:bb" },
      service: ["dns", "http"],
      vlan: 10,
      inner_vlan: 20,
      conn: { ts: 1.5, uid: "CHhAvVGS1DHFjwGM9", tunnel: ["a", "b"], local_orig: false, missed_bytes: 0 },
    });
    for (const c of [connection(), full, connection({ uid: "C2", service: [], history: "" })]) {
      host.invoke(ref(host, "connection_state_remove"), [c]);
    }
    const expected = (c: object) =>
      leaves(JSON.parse(JSON.stringify(c)), "", []).join("\n");
    expect(services.reports).toEqual([]);
    expect(services.lines).toEqual([expected(connection()), expected(full), expected(connection({ uid: "C2", service: [], history: "" }))]);
    expect(services.lines[1]).toContain("resp.size number 9007199254740991");
    expect(services.lines[1]).toContain("inner_vlan number 20");
    expect(services.lines[1]).toContain("conn.tunnel array 2");
  });

  it("keeps the key order of the runtime's record and leaves unset optional fields out", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      on("new_connection", (c) => print(Object.keys(c).join(","), Object.keys(c.orig).join(","), "vlan" in c));
    `);
    host.invoke(ref(host, "new_connection"), [connection({ vlan: 7 })]);
    expect(services.lines).toEqual(["uid,id,orig,resp,start_time,duration,service,history,ip_proto,vlan, size,state,num_pkts,num_bytes_ip, true"]);
  });

  it("strings that a C string cannot carry arrive intact", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      on("conn_weird", (name, c, addl, source) => print(JSON.stringify([name, c.history, c.service, addl, source])));
    `);
    const odd = ["nul\0byte", "lone \ud800 surrogate", "emoji 😀 é", "unit\x1fseparator", ""];
    host.invoke(ref(host, "conn_weird"), [odd[0], connection({ history: odd[1], service: [odd[2], odd[3]] }), odd[3], odd[2]]);
    expect(services.lines.map((l) => JSON.parse(l))).toEqual([[odd[0], odd[1], [odd[2], odd[3]], odd[3], odd[2]]]);
  });

  it("passes booleans, counts and strings of the other events by kind", async () => {
    const { host, services } = await sandbox(`
      import { on, print } from "nsm";
      const show = (...a) => print(a.map((v) => typeof v + ":" + (typeof v === "object" ? v.uid : v)).join(" "));
      on("content_gap", show);
      on("analyzer_confirmation", show);
      on("net_weird", show);
      on("zeek_init", show);
    `);
    host.invoke(ref(host, "content_gap"), [connection(), true, 4294967295, 1460]);
    host.invoke(ref(host, "content_gap"), [connection(), false, 0, 0]);
    host.invoke(ref(host, "analyzer_confirmation"), [connection(), "dns"]);
    host.invoke(ref(host, "net_weird"), ["bad_IP_checksum", "", "IP"]);
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.lines).toEqual([
      "object:CHhAvVGS1DHFjwGM9 boolean:true number:4294967295 number:1460",
      "object:CHhAvVGS1DHFjwGM9 boolean:false number:0 number:0",
      "object:CHhAvVGS1DHFjwGM9 string:dns",
      "string:bad_IP_checksum string: string:IP",
      "",
    ]);
  });

  it("reports arguments of the wrong kind instead of calling the handler", async () => {
    const { host, services } = await sandbox(`import { on, print } from "nsm"; on("analyzer_confirmation", () => print("called"));`);
    host.invoke(ref(host, "analyzer_confirmation"), [connection(), 42]);
    expect(services.lines).toEqual([]);
    expect(services.reports).toEqual(["error: analyzer_confirmation handler was not called: expected a string argument, got number"]);
  });
});

describe("sandbox: per-connection records and state", () => {
  const SCRIPT = `
    import { on, Log, connectionState } from "nsm";
    const seen = connectionState<number>();
    let first;
    on("new_connection", (c) => { c.conn = { uid: c.uid, gaps: 0 }; seen.set(c, 1); first = c; });
    on("content_gap", (c, _o, _s, len) => { c.conn.gaps += len; seen.set(c, seen.get(c) + 1); });
    on("connection_state_remove", (c) => {
      Log.write("State::LOG", { same: c === first, conn: c.conn, seen: seen.get(c) ?? null, state: c.orig.state });
    });
  `;

  it("keeps a connection's record across its events, refreshed from the runtime's", async () => {
    const { host, services } = await sandbox(SCRIPT);
    const c = connection();
    host.invoke(ref(host, "new_connection"), [c]);
    host.invoke(ref(host, "content_gap"), [c, true, 1, 100]);
    host.invoke(ref(host, "content_gap"), [c, false, 1, 20]);
    host.invoke(ref(host, "connection_state_remove"), [connection({ orig: { ...c.orig, state: 6 } })]);
    expect(services.rows).toEqual([{ id: "State::LOG", rec: { same: true, conn: { uid: c.uid, gaps: 120 }, seen: 3, state: 6 } }]);
  });

  it("forgets the record and the state once the connection is gone", async () => {
    const { host, services } = await sandbox(SCRIPT);
    host.invoke(ref(host, "new_connection"), [connection()]);
    host.forgetConnection(connection().uid);
    host.invoke(ref(host, "connection_state_remove"), [connection()]);
    expect(services.rows.map((r) => r.rec)).toEqual([{ same: false, seen: null, state: 5 }]);
  });

  it("keeps the record through every connection_state_remove handler, and drops it and its state after the last", async () => {
    const { host, services } = await sandbox(`
      import { on, Log, connectionState } from "nsm";
      const seen = connectionState<string>();
      on("connection_state_remove", (c) => Log.write("Order::LOG", { handler: "low", mark: c.mark ?? null, seen: seen.get(c) ?? null }), { priority: -5 });
      on("connection_state_remove", (c) => { c.mark = "set"; seen.set(c, "high"); }, { priority: 5 });
      on("new_connection", (c) => Log.write("Order::LOG", { handler: "new", mark: c.mark ?? null, seen: seen.get(c) ?? null }));
    `);
    const c = connection();
    // The runtime's order: priority 5 first, then -5, which is the connection's last event here.
    host.invoke(ref(host, "connection_state_remove", 5), [c]);
    host.invoke(ref(host, "connection_state_remove", -5), [c]);
    // Only an event after the last (which the runtime never raises) shows what the VM still holds.
    host.invoke(ref(host, "new_connection"), [c]);
    expect(services.rows.map((r) => r.rec)).toEqual([
      { handler: "low", mark: "set", seen: "high" },
      { handler: "new", mark: null, seen: null },
    ]);
  });

  it("copies the runtime's conn over the script's own when the runtime has one", async () => {
    const { host, services } = await sandbox(SCRIPT);
    host.invoke(ref(host, "new_connection"), [connection()]);
    host.invoke(ref(host, "connection_state_remove"), [connection({ conn: { from: "native" } })]);
    expect(services.rows[0].rec.conn).toEqual({ from: "native" });
  });
});

describe("sandbox: log streams", () => {
  it("creates streams and hands rows over in order, after the call, as records of their columns", async () => {
    const { host, services } = await sandbox(`
      import { on, Log } from "nsm";
      Log.createStream("Conn::LOG", { path: "conn", columns: { ts: "time", uid: "string", "id.orig_h": "addr", "id.resp_p": "port", service: "set[string]" } });
      on("connection_state_remove", (c) => {
        Log.write("Conn::LOG", { ts: c.start_time, uid: c.uid, id: c.id, extra: "not a column", service: c.service });
        Log.write("Conn::LOG", { ts: 2, "id.orig_h": "10.0.0.1", uid: undefined });
        Log.write("Conn::LOG", { ts: "not a time", id: { orig_h: 5 } });
      });
    `);
    expect(services.streams).toEqual([
      { script: SCRIPT_PATH, id: "Conn::LOG", path: "conn", columns: { ts: "time", uid: "string", "id.orig_h": "addr", "id.resp_p": "port", service: "set[string]" }, policyIndex: undefined },
    ]);
    host.invoke(ref(host, "connection_state_remove"), [connection()]);
    expect(services.rows).toEqual([
      { id: "Conn::LOG", rec: { ts: 1700000000.123456, uid: "CHhAvVGS1DHFjwGM9", id: { orig_h: "192.168.1.100", resp_p: 443 }, service: ["ssl"] } },
      { id: "Conn::LOG", rec: { ts: 2, id: { orig_h: "10.0.0.1" } } },
      // Wrong types cross as they are: the runtime validates rows.
      { id: "Conn::LOG", rec: { ts: "not a time", id: { orig_h: 5 } } },
    ]);
  });

  it("hands over rows of many columns, each value as it was, whether or not it has its column's type", async () => {
    // 70 columns: three mask slots; each column gets a value of its type, another type, or none.
    const types = ["count", "string", "bool", "time", "set[string]", "addr", "double"];
    const columns = Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`c${i}`, types[i % types.length]]));
    const values = [7, "text", true, 1.5, ["a", "b"], "10.0.0.1", -0.25, "oops", 12, undefined, false, { x: 1 }];
    const { host, services } = await sandbox(`
      import { on, Log } from "nsm";
      Log.createStream("Wide::LOG", { path: "wide", columns: ${JSON.stringify(columns)} });
      const values = ${JSON.stringify(values).replace("null", "undefined")};
      on("connection_state_remove", () => {
        const row = {};
        for (let i = 0; i < 70; i++) row["c" + i] = values[(i * 5) % values.length];
        Log.write("Wide::LOG", row);
      });
    `);
    host.invoke(ref(host, "connection_state_remove"), [connection()]);
    const expected: Record<string, unknown> = {};
    for (let i = 0; i < 70; i++) {
      const v = values[(i * 5) % values.length];
      if (v !== undefined) expected[`c${i}`] = v;
    }
    expect(services.rows).toEqual([{ id: "Wide::LOG", rec: expected }]);
  });

  it("passes records for streams it did not create as written, every kind of value included", async () => {
    const { host, services } = await sandbox(`
      import { on, Log } from "nsm";
      on("zeek_init", () => Log.write("Other::LOG", {
        n: -0, big: 2n ** 64n, t: true, f: false, nul: null, und: undefined, s: "x\\0y",
        arr: [1, "a", [2]], set: new Set(["b", "c"]), bytes: new Uint8Array([0, 200, 255]),
        nested: { a: { b: { c: 1 } } }, fn: () => 1,
      }));
    `);
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.rows).toEqual([
      {
        id: "Other::LOG",
        rec: {
          n: -0, big: 2n ** 64n, t: true, f: false, nul: null, und: undefined, s: "x\0y",
          arr: [1, "a", [2]], set: ["b", "c"], bytes: new Uint8Array([0, 200, 255]),
          nested: { a: { b: { c: 1 } } }, fn: undefined,
        },
      },
    ]);
    expect(Object.is(services.rows[0].rec.n, -0)).toBe(true);
  });

  it("hands long runs of rows over in chunks during the call, none lost, none torn", async () => {
    const { host, services } = await sandbox(`
      import { on, Log, print } from "nsm";
      Log.createStream("Many::LOG", { path: "many", columns: { n: "count", s: "string" } });
      on("zeek_init", () => {
        for (let n = 0; n < 2500; n++) Log.write("Many::LOG", { n, s: "row " + n });
        print("done writing");
      });
    `);
    let rowsBeforePrint = -1;
    services.onWrite = () => {
      if (services.lines.length > 0 && rowsBeforePrint < 0) rowsBeforePrint = services.rows.length - 1;
    };
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.rows.length).toBe(2500);
    expect(services.rows.every((r, n) => r.rec.n === n && r.rec.s === `row ${n}`)).toBe(true);
    expect(rowsBeforePrint).toBe(2 * CHUNK_ROWS);
  });

  it("passes a stream path through unchanged (the runtime validates it) and surfaces its refusal in the script", async () => {
    const { services } = await sandbox(`
      import { Log, print } from "nsm";
      Log.createStream("Escape::LOG", { path: "../../x", columns: { a: "string" } });
      try { Log.createStream("Refused::LOG", { path: "r", columns: {} }); } catch (e) { print(e.message); }
      try { Log.write(42 as any, {}); } catch (e) { print(e.name + ": " + e.message); }
    `);
    expect(services.streams.map((s) => s.path)).toEqual(["../../x"]);
    expect(services.lines).toEqual(['Log.createStream("Refused::LOG"): refused', "TypeError: Log.write: the stream id must be a string"]);
  });

  it("runs policies: a changed record comes back, false drops it, a throw keeps it", async () => {
    const { host, services } = await sandbox(`
      import { Log } from "nsm";
      Log.createStream("P::LOG", { path: "p", columns: { a: "count" }, policy: (rec) => { rec.a = rec.a * 2; rec.added = [rec.id.orig_h]; } });
      Log.addPolicy("P::LOG", (rec) => rec.a !== 0);
      Log.addPolicy("P::LOG", () => { throw new RangeError("bad policy"); });
      Log.extend("P::LOG", { added: "vector[addr]" });
    `);
    expect(services.streams[0].policyIndex).toBe(0);
    expect(services.policies).toEqual([
      { id: "P::LOG", policyIndex: 1 },
      { id: "P::LOG", policyIndex: 2 },
    ]);
    expect(services.extensions).toEqual([{ id: "P::LOG", columns: { added: "vector[addr]" } }]);
    expect(host.runPolicy(0, { a: 21, id: { orig_h: "10.1.1.1" } })).toEqual({ a: 42, id: { orig_h: "10.1.1.1" }, added: ["10.1.1.1"] });
    expect(host.runPolicy(1, { a: 0 })).toBe(false);
    expect(host.runPolicy(1, { a: 1 })).toEqual({ a: 1 });
    const kept = { a: 3 };
    expect(host.runPolicy(2, kept)).toBe(kept);
    expect(services.reports).toEqual([expect.stringMatching(/^error: log policy threw: RangeError: bad policy at line \d+$/)]);
  });

  it("runs its own policy while its rows are being handed over, as the runtime does on each write", async () => {
    const { host, services } = await sandbox(`
      import { on, Log } from "nsm";
      Log.createStream("Own::LOG", { path: "own", columns: { n: "count", odd: "bool" }, policy: (rec) => { rec.odd = rec.n % 2 === 1; return rec.n % 3 !== 0; } });
      Log.write("Own::LOG", { n: 1 });
      on("zeek_init", () => { for (let n = 2; n < 2500; n++) Log.write("Own::LOG", { n }); });
    `);
    const kept: LogRecord[] = [];
    const replay = services.rows.splice(0);
    services.onWrite = (row) => {
      const rec = host.runPolicy(0, row.rec);
      if (rec !== false) kept.push(rec);
    };
    for (const row of replay) services.write(SCRIPT_PATH, row.id, row.rec);
    host.invoke(ref(host, "zeek_init"), []);
    const expected = Array.from({ length: 2499 }, (_, i) => i + 1).filter((n) => n % 3 !== 0);
    expect(kept.map((r) => r.n)).toEqual(expected);
    expect(kept.every((r) => r.odd === ((r.n as number) % 2 === 1))).toBe(true);
    expect(services.reports).toEqual([]);
  });

  it("round-trips every kind of value through a policy", async () => {
    const { host } = await sandbox(`import { Log } from "nsm"; Log.createStream("R::LOG", { path: "r", columns: {}, policy: () => {} });`);
    const rec = {
      num: 1.5, neg: -0, inf: Infinity, nan: NaN, max: Number.MAX_SAFE_INTEGER, big: -(2n ** 70n),
      str: "", odd: "a\0b\ud800c😀\x1f", yes: true, no: false, nul: null, und: undefined,
      arr: [[], [1, [2, [3]]], { x: "y" }], bytes: new Uint8Array([1, 2, 255]), ["__proto__"]: { p: 1 }, "dotted.key": 1,
    };
    const back = host.runPolicy(0, rec) as Record<string, unknown>;
    expect(back).toEqual(rec);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.is(back.neg, -0)).toBe(true);
  });
});

describe("sandbox: timers, options, time, print, Site, Community ID", () => {
  it("schedules in network time and runs each timer once", async () => {
    const { host, services } = await sandbox(`
      import { on, schedule, print, networkTime } from "nsm";
      on("zeek_init", () => schedule(5, () => print("fired at", networkTime())));
    `);
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.timers).toEqual([{ delay: 5, timerIndex: 0 }]);
    services.time = 1700000005.5;
    host.runTimer(0);
    host.runTimer(0);
    expect(services.lines).toEqual(["fired at, 1700000005.5"]);
  });

  it("reads options with their defaults", async () => {
    const services = new RecordingServices();
    services.options.set("Top::n", 10).set("Top::name", "x");
    await sandbox(
      `import { option, print } from "nsm";
       print(option("Top::n", 3), option("Top::name", "y"), option("Top::on", false), typeof option("Top::n", 3));`,
      undefined,
      services,
    );
    expect(services.lines).toEqual(["10, x, false, number"]);
  });

  it("prints as the native host does", async () => {
    const values = ["text", 1, 1.5e300, -0, NaN, true, null, undefined, [1, "x", null], { a: { b: [true] } }, ""];
    const { services } = await sandbox(`
      import { print } from "nsm";
      print("text", 1, 1.5e300, -0, NaN, true, null, undefined, [1, "x", null], { a: { b: [true] } }, "");
      print();
    `);
    expect(services.lines).toEqual([values.map(printable).join(", "), ""]);
  });

  it("asks Site and Community ID of the runtime", async () => {
    const { host, services } = await sandbox(`
      import { on, print, Site, communityId } from "nsm";
      on("new_connection", (c) => print(Site.isLocalAddr(c.id.orig_h), Site.isLocalAddr("8.8.8.8"), communityId(c), communityId(c, 7)));
    `);
    host.invoke(ref(host, "new_connection"), [connection({ id: { ...connection().id, orig_h: "10.0.0.5" } })]);
    expect(services.lines).toEqual(["true, false, 1:fake, 1:fake"]);
    expect(services.communityIds).toEqual([
      { c: { id: { ...connection().id, orig_h: "10.0.0.5" }, ip_proto: 6 }, seed: 0 },
      { c: { id: { ...connection().id, orig_h: "10.0.0.5" }, ip_proto: 6 }, seed: 7 },
    ]);
  });

  it("hands Reporter.netWeird to the runtime as text, addl and source defaulting to empty", async () => {
    const { host, services } = await sandbox(`
      import { on, Reporter } from "nsm";
      on("new_connection", () => { Reporter.netWeird("My_weird", "7", "Mine"); Reporter.netWeird("Bare"); });
    `);
    host.invoke(ref(host, "new_connection"), [connection()]);
    expect(services.weirds).toEqual([["My_weird", "7", "Mine"], ["Bare", "", ""]]);
  });
});

describe("sandbox: health statistics", () => {
  it("asks the runtime for each of Zeek's get_*_stats and the run's mode", async () => {
    const { services } = await sandbox(`
      import { print, getNetStats, getConnStats, getProcStats, getEventStats, getTimerStats, getGapStats, readingLiveTraffic, currentTime } from "nsm";
      for (const s of [getNetStats(), getConnStats(), getProcStats(), getEventStats(), getTimerStats(), getGapStats()]) print(Object.keys(s).filter((k) => s[k] === true));
      print(readingLiveTraffic(), currentTime());
    `);
    expect(services.lines).toEqual(['["net"]', '["conn"]', '["proc"]', '["event"]', '["timer"]', '["gap"]', "true, 1700000001.25"]);
  });
});

describe("sandbox: loading and errors", () => {
  async function loadError(source: string): Promise<string> {
    const host = new SandboxHost(SCRIPT_PATH, new RecordingServices(), await loadQuickJs());
    try {
      host.load(source);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("the script loaded");
  }

  it("records handlers with their priorities, in order", async () => {
    const { host } = await sandbox(`
      import { on } from "nsm";
      on("zeek_init", () => {});
      on("connection_state_remove", () => {}, { priority: -5 });
      on("connection_state_remove", () => {}, { priority: 5 });
    `);
    expect(host.handlers).toEqual([
      { event: "zeek_init", priority: 0, index: 0 },
      { event: "connection_state_remove", priority: -5, index: 1 },
      { event: "connection_state_remove", priority: 5, index: 2 },
    ]);
  });

  it("fails to load with the reason", async () => {
    expect(await loadError("let x = ;")).toMatch(/^\/scripts\/user\.ts: SyntaxError: .* at line 1$/);
    const boom = transpile(`const a = 1;\nif (a) {\n  throw new Error("boom");\n}`);
    expect(await loadError(boom)).toBe(`/scripts/user.ts: its top level threw: Error: boom at line ${lineOf(boom, "boom")}`);
    expect(await loadError(transpile(`import { on } from "nsm"; on("no_such_event" as any, () => {});`))).toBe('/scripts/user.ts: its top level threw: Error: on("no_such_event"): no such event at line 2');
    expect(await loadError(transpile(`import { readFileSync } from "fs"; readFileSync("/etc/passwd");`))).toMatch(/threw: Error: module "fs" is not available in the sandbox/);
    expect(await loadError(`for (;;) {}`)).toBe("/scripts/user.ts: its top level exceeded the 250 ms deadline and was stopped");
  });

  it("reports a handler that throws, with its line, and goes on", async () => {
    const source = `import { on, print } from "nsm";
on("new_connection", (c) => {
  const x: any = undefined;
  print(x.y);
});
on("connection_state_remove", () => { throw "plain string"; });
on("zeek_done", () => { on("zeek_init", () => {}); });
on("zeek_init", () => print("still here"));`;
    const { host, services } = await sandbox(source);
    const code = transpile(source);
    host.invoke(ref(host, "new_connection"), [connection()]);
    host.invoke(ref(host, "connection_state_remove"), [connection()]);
    host.invoke(ref(host, "zeek_done"), []);
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.reports).toEqual([
      `error: new_connection handler threw: TypeError: cannot read property 'y' of undefined at line ${lineOf(code, "x.y")}`,
      "error: connection_state_remove handler threw: plain string",
      `error: zeek_done handler threw: Error: on(): handlers are added while the script loads, not later at line ${lineOf(code, '("zeek_init", () => {')}`,
    ]);
    expect(services.lines).toEqual(["still here"]);
  });

  it("names the line of the TypeScript source, through the loader's source map", async () => {
    // Types, an interface and comments vanish in the JavaScript, so its lines are not the source's.
    const source = `import { on, type Connection } from "nsm";

/** What this script keeps. */
interface Seen {
  count: number;
}

const seen: Seen = { count: 0 };

on("new_connection", (c: Connection) => {
  seen.count += 1;
  const missing: { y: number } | undefined = undefined;
  if (c.uid) seen.count += missing!.y;
});
throw new Error("loaded: " + String(seen.count));
`;
    const dir = mkdtempSync(join(tmpdir(), "nsm-lines-"));
    const file = join(dir, "lines.ts");
    writeFileSync(file, source);
    const code = transpileScriptSync(file);
    const lineIn = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    expect(lineIn(code, "missing.y")).not.toBe(lineIn(source, "missing!.y"));

    const services = new RecordingServices();
    const host = new SandboxHost(SCRIPT_PATH, services, await loadQuickJs());
    expect(() => host.load(code)).toThrow(new RegExp(`its top level threw: Error: loaded: 0 at \\S*lines\\.ts:${lineIn(source, "throw new Error")}$`));

    const host2 = new SandboxHost(SCRIPT_PATH, services, await loadQuickJs());
    host2.load(code.replace(/^throw new Error.*$/m, ""));
    host2.invoke(ref(host2, "new_connection"), [connection()]);
    expect(services.reports).toEqual([expect.stringMatching(new RegExp(`^error: new_connection handler threw: TypeError: .* at \\S*lines\\.ts:${lineIn(source, "missing!.y")}$`))]);
    host2.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the whole rows a failing handler wrote before it failed", async () => {
    const source = `
      import { on, Log } from "nsm";
      on("zeek_init", () => {
        Log.write("A::LOG", { n: 1 });
        const cyclic: any = { n: 2 };
        cyclic.self = cyclic;
        Log.write("A::LOG", cyclic);
      });
    `;
    const { host, services } = await sandbox(source);
    host.invoke(ref(host, "zeek_init"), []);
    expect(services.rows).toEqual([{ id: "A::LOG", rec: { n: 1 } }]);
    const line = lineOf(transpile(source), "A::LOG\", cyclic");
    expect(services.reports).toEqual([`error: zeek_init handler threw: TypeError: the value is nested more than 32 levels deep (is it cyclic?) at line ${line}`]);
  });

  it("runs one script per host, and nothing after dispose", async () => {
    const { host, services } = await sandbox(`import { on, print } from "nsm"; on("zeek_init", () => print("x"));`);
    expect(() => host.load("")).toThrow(/runs one script once/);
    host.dispose();
    host.invoke({ event: "zeek_init", priority: 0, index: 0 }, []);
    host.dispose();
    expect(services.lines).toEqual([]);
  });
});
