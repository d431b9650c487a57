// The script runtime with native hosts: handler order by priority across scripts, only subscribed
// events built, log streams (validation, policies, extensions), options from --set, timers in
// network time, print, and script errors contained and reported in reporter.log.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptRuntime } from "../../core/script/runtime.ts";
import { NativeHost } from "../../core/script/native-host.ts";
import { transpileScriptSync } from "../../core/script/loader.ts";
import { LocalNets } from "../../core/site.ts";
import { Subnet } from "../../core/net/subnet.ts";
import { logRows } from "../fixtures/logs.ts";

function setup(settings: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "nsm-rt-"));
  const printed: string[] = [];
  const diagnostics: string[] = [];
  const runtime = new ScriptRuntime({
    logs: { dir, format: "tsv" },
    localNets: new LocalNets([Subnet.parse("198.51.100.0/24")], false),
    settings: new Map(Object.entries(settings)),
    print: (l) => printed.push(l),
    diagnostic: (l) => diagnostics.push(l),
  });
  let n = 0;
  const load = (source: string) => {
    const file = join(dir, `script${n++}.ts`);
    writeFileSync(file, source);
    const host = new NativeHost(file, runtime);
    runtime.add(host, transpileScriptSync(file));
    return host;
  };
  const rows = (path: string) => logRows(join(dir, `${path}.log`));
  return { dir, runtime, load, rows, printed, diagnostics };
}

describe("script runtime", () => {
  it("runs an event's handlers by priority, then in load order", () => {
    const { runtime, load, printed } = setup();
    load(`import { on, print } from "nsm"; on("zeek_init", () => print("a0")); on("zeek_init", () => print("a10"), { priority: 10 });`);
    load(`import { on, print } from "nsm"; on("zeek_init", () => print("b0")); on("zeek_init", () => print("b-5"), { priority: -5 });`);
    runtime.start();
    expect(printed).toEqual(["a10", "a0", "b0", "b-5"]);
  });

  it("only listens to events some script handles", () => {
    const { runtime, load } = setup();
    load(`import { on } from "nsm"; on("connection_established", () => {});`);
    expect(runtime.handles("connection_established")).toBe(true);
    expect(runtime.handles("connection_state_remove")).toBe(false);
  });

  it("writes validated rows, flattening nested records, and runs policy hooks", () => {
    const { runtime, load, rows } = setup();
    load(`
      import { on, Log } from "nsm";
      Log.createStream("T::LOG", { path: "t", columns: { ts: "time", "id.orig_h": "addr", n: "count", tags: "set[string]" },
        policy: (rec) => rec.n !== 13 });
      Log.addPolicy("T::LOG", (rec: { n?: number; tags?: string[] }) => { if (rec.n === 2) rec.tags = ["changed"]; });
      on("zeek_init", () => {
        Log.write("T::LOG", { ts: 1.5, id: { orig_h: "10.0.0.1" }, n: 1, tags: ["a", "b"] });
        Log.write("T::LOG", { ts: 2, "id.orig_h": "::1", n: 2 });
        Log.write("T::LOG", { ts: 3, n: 13 });
      });`);
    runtime.start();
    runtime.finish();
    expect(rows("t")).toEqual([
      { ts: "1.500000", "id.orig_h": "10.0.0.1", n: "1", tags: "a,b" },
      { ts: "2.000000", "id.orig_h": "::1", n: "2", tags: "changed" },
    ]);
  });

  it("refuses a row with a wrongly typed value, reports it, and goes on", () => {
    const { runtime, load, rows, diagnostics } = setup();
    load(`
      import { on, Log } from "nsm";
      Log.createStream("T::LOG", { path: "t", columns: { n: "count" } });
      on("zeek_init", () => { Log.write("T::LOG", { n: "many" }); Log.write("T::LOG", { n: 7 }); });`);
    runtime.start();
    runtime.finish();
    expect(rows("t")).toEqual([{ n: "7" }]);
    const reporter = rows("reporter");
    expect(reporter).toHaveLength(1);
    expect(reporter[0].level).toBe("Reporter::ERROR");
    expect(reporter[0].message).toMatch(/column "n" is count, got string "many"; row dropped/);
    expect(diagnostics.join("\n")).toMatch(/row dropped/);
  });

  it("refuses a stream path that would leave the log folder", () => {
    const { load } = setup();
    expect(() => load(`import { Log } from "nsm"; Log.createStream("X", { path: "../../x", columns: {} });`)).toThrow(/must be letters, digits/);
  });

  it("lets policy scripts extend a stream before it writes", () => {
    const { runtime, load, rows } = setup();
    load(`import { on, Log } from "nsm"; Log.createStream("T::LOG", { path: "t", columns: { a: "count" } });
      on("zeek_init", () => Log.write("T::LOG", { a: 1, b: "x" }), { priority: -5 });`);
    load(`import { Log } from "nsm"; Log.extend("T::LOG", { b: "string" });`);
    runtime.start();
    runtime.finish();
    expect(rows("t")).toEqual([{ a: "1", b: "x" }]);
  });

  it("takes declared options from --set, and refuses unknown ones", () => {
    const ok = setup({ "My::limit": "5 min", "My::name": "hello" });
    ok.load(`import { on, option, print } from "nsm";
      const limit = option("My::limit", 10); const name = option("My::name", "x"); const flag = option("My::flag", true);
      on("zeek_init", () => print(limit, name, flag));`);
    ok.runtime.start();
    expect(ok.printed).toEqual(["300, hello, true"]);

    const bad = setup({ "Nobody::declares": "1" });
    bad.load(`import { option } from "nsm"; option("My::other", 1);`);
    expect(() => bad.runtime.start()).toThrow(/unknown option "Nobody::declares"/);
  });

  it("runs scheduled functions in network time", () => {
    const { runtime, load, printed } = setup();
    load(`import { on, schedule, print, networkTime } from "nsm";
      on("zeek_init", () => schedule(10, () => print("fired at " + networkTime())));`);
    runtime.advance(100);
    runtime.start();
    runtime.advance(105);
    expect(printed).toEqual([]);
    runtime.advance(110);
    expect(printed).toEqual(["fired at 110"]);
  });

  it("contains a handler that throws and keeps the other scripts running", () => {
    const { runtime, load, printed, rows } = setup();
    load(`import { on } from "nsm"; on("zeek_init", () => { throw new TypeError("boom"); });`);
    load(`import { on, print } from "nsm"; on("zeek_init", () => print("still here"));`);
    runtime.start();
    runtime.finish();
    expect(printed).toEqual(["still here"]);
    expect(rows("reporter")[0].message).toMatch(/zeek_init handler threw: TypeError: boom/);
  });

  it("keeps a reloaded script's log open, or starts a new file when its columns changed", () => {
    const { dir, runtime, load } = setup();
    const v1 = `import { on, Log } from "nsm"; Log.createStream("R::LOG", { path: "r", columns: { a: "count" } });
      on("zeek_init", () => Log.write("R::LOG", { a: 1 }));`;
    const prev = load(v1);
    runtime.start();
    const file = join(dir, "script0.ts");
    const same = new NativeHost(file, runtime);
    runtime.replace(prev, same, transpileScriptSync(file)); // same source: zeek_init writes a=1 again
    writeFileSync(file, `import { on, Log } from "nsm"; Log.createStream("R::LOG", { path: "r", columns: { a: "count", b: "string" } });
      on("zeek_init", () => Log.write("R::LOG", { a: 2, b: "new" }));`);
    runtime.replace(same, new NativeHost(file, runtime), transpileScriptSync(file));
    runtime.finish();
    const files = readdirSync(dir).filter((f) => f === "r.log" || f.startsWith("r__"));
    expect(files).toHaveLength(2);
    // Set aside under its open and close times, as a rotated log is.
    const aside = files.find((f) => f !== "r.log")!;
    expect(aside).toMatch(/^r__\d{4}(-\d\d){5}__\d{4}(-\d\d){5}__\.log$/);
    const old = readFileSync(join(dir, aside), "utf8");
    expect(old).toMatch(/#fields\ta\n/);
    expect(old.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["1", "1"]);
    expect(old).toMatch(/\n#close\t/);
    const fresh = readFileSync(join(dir, "r.log"), "utf8");
    expect(fresh).toMatch(/#fields\ta\tb\n/);
    expect(fresh.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["2\tnew"]);
  });

  it("raises a script's Reporter.netWeird as net_weird once the raising handler is done (Zeek queues it)", () => {
    const { runtime, load, printed } = setup();
    load(`import { on, print } from "nsm"; on("net_weird", (name, addl, source) => print("net_weird", name, addl, source));`);
    load(`import { on, print, Reporter } from "nsm"; on("zeek_init", () => { Reporter.netWeird("Script_weird", "3", "Test"); print("after"); });`);
    runtime.start();
    expect(printed).toEqual(["after", "net_weird, Script_weird, 3, Test"]);
  });

  it("answers Site.isLocalAddr from the local networks", () => {
    const { runtime, load, printed } = setup();
    load(`import { on, print, Site } from "nsm"; on("zeek_init", () => print(Site.isLocalAddr("198.51.100.7"), Site.isLocalAddr("10.0.0.1")));`);
    runtime.start();
    expect(printed).toEqual(["true, false"]);
  });
});
