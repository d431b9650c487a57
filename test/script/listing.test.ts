// `nsm events` and `nsm scripts` are generated, not kept by hand: every event the runtime knows
// (core/script/events.ts) is listed with as many typed arguments as it carries, an event added to
// the declarations appears, and each bundled script is described by its own header comment.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EVENTS } from "../../core/script/events.ts";
import { eventSignatures, formatEvents } from "../../core/script/event-listing.ts";
import { describeScript, listScripts } from "../../core/script/script-listing.ts";
import { BASE_SCRIPTS, POLICY_SCRIPTS } from "../../core/script/catalog.ts";
import { nsm } from "../fixtures/nsm-bin.ts";

describe("nsm events", { timeout: 60_000 }, () => {
  it("lists exactly the runtime's events, each with its number of arguments", async () => {
    const listed = await eventSignatures();
    expect(listed.map((e) => e.name).sort()).toEqual(Object.keys(EVENTS).sort());
    for (const e of listed) expect(e.arity, e.name).toBe((EVENTS as Record<string, readonly string[]>)[e.name].length);
  });

  it("reads every `interface Events` of a declaration file, doc comments included", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "nsm-events-")), "api.d.ts");
    writeFileSync(
      file,
      [
        "export interface Events {\n  /** First. */\n  a_event: [c: Connection];\n}",
        "export interface Other { not_an_event: [x: number]; }",
        "export interface Events {\n  b_event: [c: Connection, m: Record<string, number>, ok: boolean];\n}",
      ].join("\n"),
    );
    const events = await eventSignatures(file);
    expect(formatEvents(events)).toBe("a_event(c: Connection)\n    First.\nb_event(c: Connection, m: Record<string, number>, ok: boolean)");
    expect(events.map((e) => e.arity)).toEqual([1, 3]);
  });

  it("prints signatures from the command line, filtered by name", () => {
    const r = nsm(["events", "dns_A"], { cwd: tmpdir() });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")).toContain("dns_A_reply(c: Connection, msg: DnsMsg, ans: DnsAnswer, a: Addr)");
    expect(r.stdout).not.toContain("new_connection");
  });
});

describe("nsm scripts", { timeout: 60_000 }, () => {
  it("takes a script's description from the first clause of its header comment", () => {
    expect(describeScript("policy/x/y", "// policy/x/y: does a thing. More.\n// Even more.\nimport x;")).toBe("does a thing");
    expect(describeScript("base/foo", "// foo.log: one row per foo, as Zeek writes it: the details\n// follow.\n")).toBe("foo.log: one row per foo, as Zeek writes it");
  });

  it("lists every bundled script with a description", () => {
    const { base, policy } = listScripts();
    expect(base.map((s) => s.name + ".ts")).toEqual(BASE_SCRIPTS);
    expect(policy.map((s) => s.name)).toEqual(POLICY_SCRIPTS);
    for (const s of [...base, ...policy]) expect(s.description.length, s.name).toBeGreaterThan(10);
    const out = nsm(["scripts"], { cwd: tmpdir() }).stdout;
    for (const s of [...base, ...policy]) expect(out).toContain(`${s.name}`);
    expect(out).toMatch(/base\/conn +conn\.log: one row per connection/);
  });
});
