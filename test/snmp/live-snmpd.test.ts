// snmp.log and the SNMP policies against real software: net-snmp's snmpd serves in one network
// namespace (communities public and private, a v3 user with authNoPriv and one with authPriv),
// snmpget, snmpwalk, snmpbulkwalk, snmpset, snmptrap and snmpinform work from the other, tcpdump
// captures, and nsm's logs must say what the tools did: one session per tool run, its version and
// community (or v3 user), as many bindings as the tools asked for and printed, the OIDs and values
// they printed, the set value, the traps, and authPriv's PDUs as encrypted.
// Needs root and ip, snmpd, the snmp tools and tcpdump; skipped (with the reason) otherwise.
// Everything it creates (namespaces, veth pair, processes, files) is removed whatever happens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labUnavailable, NetnsLab, stop } from "../fixtures/netns.ts";
import type { LogRow } from "../fixtures/logs.ts";
import { runCapture } from "../fixtures/run-capture.ts";

const TOOLS = ["ip", "snmpd", "snmpget", "snmpwalk", "snmpbulkwalk", "snmpset", "snmptrap", "snmpinform", "tcpdump"];
const skipReason = labUnavailable(TOOLS, "apt-get install iproute2 snmpd snmp tcpdump");
if (skipReason) console.log(`live snmpd test skipped: ${skipReason}`);

const lab = new NetnsLab("snmp", "10.80.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
const SYS_DESCR = "nsm live SNMP agent";
const NEW_SYS_NAME = "nsm-lab-renamed";

const AUTH = ["-a", "SHA", "-A", "authpass1234"];
const PRIV = ["-x", "AES", "-X", "privpass1234"];
/** Numeric OIDs out (-On), one try, a short timeout. */
const COMMON = ["-On", "-r", "0", "-t", "2"];

interface Run {
  label: string;
  cmd: string[];
  out: string;
}

/** The "OID = TYPE: value" lines a tool printed, as [oid without the leading dot, value]. */
function printed(out: string): [string, string][] {
  return [...out.matchAll(/^\.([\d.]+) = (?:[\w-]+: )?(.*)$/gm)].map((m) => [m[1], m[2].replace(/^"(.*)"$/, "$1")]);
}

describe.skipIf(skipReason !== "")("snmp.log against net-snmp's snmpd and tools in network namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-snmp-"));
  const capture = join(dir, "snmp.pcap");
  const runs: Run[] = [];
  let snmp: LogRow[] = [];
  let varbinds: LogRow[] = [];
  let defaults: LogRow[] = [];
  let conns: LogRow[] = [];

  beforeAll(async () => {
    const conf = join(dir, "snmpd.conf");
    writeFileSync(conf, [
      `rocommunity public ${CLIENT}`,
      `rwcommunity private ${CLIENT}`,
      "createUser authuser SHA authpass1234",
      "createUser privuser SHA authpass1234 AES privpass1234",
      "rouser authuser auth",
      "rouser privuser priv",
      `sysDescr ${SYS_DESCR}`,
      "sysLocation netns lab",
      "",
    ].join("\n"));
    mkdirSync(join(dir, "server-state"));
    mkdirSync(join(dir, "client-state"));
    const run = (label: string, cmd: string[]) => {
      const out = lab.exec("client", ["env", `SNMP_PERSISTENT_DIR=${join(dir, "client-state")}`, "SNMPCONFPATH=/dev/null", ...cmd], false);
      runs.push({ label, cmd, out });
    };
    try {
      lab.create();
      await lab.start("server",
        ["env", `SNMP_PERSISTENT_DIR=${join(dir, "server-state")}`, "snmpd", "-f", "-Lo", "-C", "-c", conf, "-p", join(dir, "snmpd.pid"), `udp:${SERVER}:161`],
        /NET-SNMP version/);
      // A small snaplen: libpcap's ring then has many small blocks instead of four of 512 KiB, which
      // --immediate-mode retires one per packet, so a tcpdump stalled on a busy machine drops none.
      const tcpdump = await lab.capture("client", capture, ["-s", "1500", "-B", "8192", "udp"]);
      run("v1 get", ["snmpget", "-v1", "-c", "public", ...COMMON, SERVER, "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"]);
      run("v2c walk", ["snmpwalk", "-v2c", "-c", "public", ...COMMON, SERVER, "1.3.6.1.2.1.1"]);
      run("v2c bulkwalk", ["snmpbulkwalk", "-v2c", "-c", "public", "-Cr5", ...COMMON, SERVER, "1.3.6.1.2.1.1"]);
      run("v2c set", ["snmpset", "-v2c", "-c", "private", ...COMMON, SERVER, "1.3.6.1.2.1.1.5.0", "s", NEW_SYS_NAME]);
      run("v3 authNoPriv", ["snmpget", "-v3", "-l", "authNoPriv", "-u", "authuser", ...AUTH, ...COMMON, SERVER, "1.3.6.1.2.1.1.1.0"]);
      run("v3 authPriv", ["snmpget", "-v3", "-l", "authPriv", "-u", "privuser", ...AUTH, ...PRIV, ...COMMON, SERVER, "1.3.6.1.2.1.1.5.0"]);
      run("v1 trap", ["snmptrap", "-v1", "-c", "public", `${SERVER}:162`, "1.3.6.1.4.1.8072.2.3.1", CLIENT, "6", "17", "4242", "1.3.6.1.2.1.1.6.0", "s", "trap room"]);
      run("v2c trap", ["snmptrap", "-v2c", "-c", "public", `${SERVER}:162`, "4242", "1.3.6.1.6.3.1.1.5.1", "1.3.6.1.2.1.1.6.0", "s", "trap room"]);
      run("v2c inform", ["snmpinform", "-v2c", "-c", "public", "-r", "0", "-t", "1", `${SERVER}:162`, "4242", "1.3.6.1.6.3.1.1.5.2"]);
      await new Promise((r) => setTimeout(r, 300));
      await stop(tcpdump, "SIGINT");
    } finally {
      await lab.destroy();
    }

    // Checksums are left to the veth's offload, so the capture holds partial ones: nsm -C.
    const logs = await runCapture(capture, { scripts: ["policy/snmp/varbinds", "policy/snmp/default-communities"] });
    const byTime = (a: LogRow, b: LogRow) => Number(a.ts) - Number(b.ts);
    snmp = logs.rows("snmp").sort(byTime);
    varbinds = logs.rows("snmp_varbinds");
    defaults = logs.rows("snmp_default_community");
    conns = logs.rows("conn");
  }, 90_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const out = (label: string) => runs.find((r) => r.label === label)!.out;
  const session = (i: number) => snmp[i];
  const pdusOf = (row: LogRow) => varbinds.filter((v) => v.uid === row.uid);

  it("the tools got answers from snmpd", () => {
    expect(printed(out("v1 get")).map(([o]) => o)).toEqual(["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0"]);
    expect(printed(out("v2c walk")).length).toBeGreaterThan(5);
    expect(printed(out("v2c bulkwalk")).length).toBe(printed(out("v2c walk")).length);
    expect(out("v2c set")).toContain(NEW_SYS_NAME);
    expect(printed(out("v3 authNoPriv"))).toEqual([["1.3.6.1.2.1.1.1.0", SYS_DESCR]]);
    expect(printed(out("v3 authPriv"))).toEqual([["1.3.6.1.2.1.1.5.0", NEW_SYS_NAME]]);
  });

  it("logs one session per tool run, in order, with its version and community or v3 user", () => {
    expect(snmp.map((r) => [r.version, r.community, r["id.orig_h"], r["id.resp_h"], r["id.resp_p"]])).toEqual([
      ["1", "public", CLIENT, SERVER, "161"],
      ["2c", "public", CLIENT, SERVER, "161"],
      ["2c", "public", CLIENT, SERVER, "161"],
      ["2c", "private", CLIENT, SERVER, "161"],
      ["3", "authuser", CLIENT, SERVER, "161"],
      // authPriv: the discovery exchange has no user, and Zeek takes none from an encrypted PDU.
      ["3", "-", CLIENT, SERVER, "161"],
      ["1", "public", CLIENT, SERVER, "162"],
      ["2c", "public", CLIENT, SERVER, "162"],
      ["2c", "public", CLIENT, SERVER, "162"],
    ]);
  });

  it("counts the bindings the tools asked for and got", () => {
    const walked = printed(out("v2c walk")).length;
    const counts = (r: LogRow) => [r.get_requests, r.get_bulk_requests, r.get_responses, r.set_requests].map(Number);
    expect(counts(session(0))).toEqual([2, 0, 2, 0]);
    // get-next until the agent answers with an OID past the subtree: one more than walk printed.
    expect(counts(session(1))).toEqual([walked + 1, 0, walked + 1, 0]);
    const bulk = counts(session(2));
    expect(bulk[0]).toBe(0);
    expect(bulk[1]).toBe(Math.ceil((walked + 1) / 5));
    expect(bulk[2]).toBeGreaterThan(walked);
    expect(counts(session(3))).toEqual([0, 0, 1, 1]);
    // v3: the discovery get has no binding; the report is not a response.
    expect(counts(session(4))).toEqual([1, 0, 1, 0]);
    expect(counts(session(5))).toEqual([0, 0, 0, 0]);
  });

  it("takes display_string from sysDescr and up_since from sysUpTime", () => {
    expect(session(0).display_string).toBe(SYS_DESCR);
    const upSince = Number(session(0).up_since);
    expect(upSince).toBeGreaterThan(Number(session(0).ts) - 120);
    expect(upSince).toBeLessThanOrEqual(Number(session(0).ts) + 1);
  });

  it("logs every OID and value snmpwalk and snmpbulkwalk printed", () => {
    // The log escapes a comma inside an element (and any byte not printable) as \xNN.
    const unescape = (v: string) => v.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    const responses = (row: LogRow) => pdusOf(row).filter((p) => p.pdu === "response").flatMap((p) => {
      const values = p.values.split(",").map(unescape);
      return p.oids.split(",").map((o, i): [string, string] => [o, values[i]]);
    });
    for (const i of [1, 2]) {
      const got = new Map(responses(session(i)));
      for (const [oid, value] of printed(out(i === 1 ? "v2c walk" : "v2c bulkwalk"))) {
        expect(got.has(oid), oid).toBe(true);
        // Strings as printed; numbers and OIDs end what the tool printed (it may add units or names).
        if (!/Timeticks|OID/.test(value)) expect(value.endsWith(got.get(oid)!) || got.get(oid) === value, `${oid}: ${value}`).toBe(true);
      }
    }
    expect(pdusOf(session(2)).filter((p) => p.pdu === "get_bulk_request").length).toBe(Number(session(2).get_bulk_requests));
  });

  it("logs the set request and its value, and the v3 PDUs (report, then the request in clear or encrypted)", () => {
    expect(pdusOf(session(3)).map((p) => [p.pdu, p.oids, p.values])).toEqual([
      ["set_request", "1.3.6.1.2.1.1.5.0", NEW_SYS_NAME],
      ["response", "1.3.6.1.2.1.1.5.0", NEW_SYS_NAME],
    ]);
    expect(pdusOf(session(4)).map((p) => [p.pdu, p.community, p.oids])).toEqual([
      ["get_request", "(empty)", "(empty)"],
      ["report", "(empty)", "1.3.6.1.6.3.15.1.1.4.0"], // usmStatsUnknownEngineIDs
      ["get_request", "authuser", "1.3.6.1.2.1.1.1.0"],
      ["response", "authuser", "1.3.6.1.2.1.1.1.0"],
    ]);
    expect(pdusOf(session(4))[3].values).toBe(SYS_DESCR);
    expect(pdusOf(session(5)).map((p) => [p.pdu, p.is_orig])).toEqual([
      ["get_request", "T"],
      ["report", "F"],
      ["encrypted", "T"],
      ["encrypted", "F"],
    ]);
  });

  it("logs the traps and the inform with what they carried", () => {
    const [v1, v2, inform] = [6, 7, 8].map((i) => pdusOf(session(i))[0]);
    expect([v1.pdu, v1.enterprise, v1.oids, v1.values]).toEqual(["trap", "1.3.6.1.4.1.8072.2.3.1", "1.3.6.1.2.1.1.6.0", "trap room"]);
    // A v2 trap starts with sysUpTime.0 and snmpTrapOID.0 (RFC 3416 4.2.6).
    expect([v2.pdu, v2.oids, v2.values]).toEqual(["trapV2", "1.3.6.1.2.1.1.3.0,1.3.6.1.6.3.1.1.4.1.0,1.3.6.1.2.1.1.6.0", "4242,1.3.6.1.6.3.1.1.5.1,trap room"]);
    expect([inform.pdu, inform.oids, inform.values]).toEqual(["inform_request", "1.3.6.1.2.1.1.3.0,1.3.6.1.6.3.1.1.4.1.0", "4242,1.3.6.1.6.3.1.1.5.2"]);
  });

  it("confirms SNMP where the agent answered (conn.log service), not on the trap port", () => {
    const service = (i: number) => conns.find((c) => c.uid === session(i).uid)!.service;
    expect([0, 1, 2, 3, 4, 5].map(service)).toEqual(new Array(6).fill("snmp"));
    expect([6, 7, 8].map(service)).toEqual(["-", "-", "-"]);
  });

  it("flags the default communities, accepted where the agent answered", () => {
    const flagged = defaults.map((d) => [d.sub, d.accepted, d.p]).sort();
    expect(flagged).toEqual([
      ["private", "T", "161"],
      ["public", "F", "162"],
      ["public", "F", "162"],
      ["public", "F", "162"],
      ["public", "T", "161"],
      ["public", "T", "161"],
      ["public", "T", "161"],
    ]);
  });
});
