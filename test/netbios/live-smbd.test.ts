// Session establishment against real software: Samba's smbd listens on TCP 139 in one network
// namespace; from the other, a small client sends NetBIOS session requests (RFC 1002 4.3.2) for two
// called names and prints the header of each answer; tcpdump captures. netbios.log must have one
// session row per request with the names the client sent and the answer smbd gave, conn.log no
// service (Zeek's NetBIOS analyzer never confirms) and weird.log nothing from the session service.
// Needs root, ip, smbd, node and tcpdump; skipped (with the reason) otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labUnavailable, NetnsLab, stop } from "../fixtures/netns.ts";
import type { LogRow } from "../fixtures/logs.ts";
import { runCapture } from "../fixtures/run-capture.ts";

const skipReason = labUnavailable(["ip", "smbd", "tcpdump"], "apt-get install iproute2 samba tcpdump");
if (skipReason) console.log(`live smbd test skipped: ${skipReason}`);

const lab = new NetnsLab("nbs", "10.82.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
const CALLED = [["SMBSRV", 0x20], ["*SMBSERVER", 0x20]] as const;
const CALLING = "NBTCLIENT";

/** The client: one connection per called name, a session request, the answer's header printed as hex. */
const CLIENT_SOURCE = `
import net from "node:net";
const [server, calling, ...called] = process.argv.slice(2);
const encode = (name, suffix) => {
  const raw = Buffer.alloc(16, 0x20);
  raw.write(name, "latin1");
  raw[15] = suffix;
  return Buffer.from([32, ...[...raw].flatMap((b) => [0x41 + (b >> 4), 0x41 + (b & 15)]), 0]);
};
const ask = (name, suffix) => new Promise((resolve) => {
  const body = Buffer.concat([encode(name, suffix), encode(calling, 0)]);
  const s = net.connect(139, server, () => s.write(Buffer.concat([Buffer.from([0x81, 0, 0, body.length]), body])));
  s.once("data", (d) => { console.log(name, d.subarray(0, 5).toString("hex")); s.end(); });
  s.on("close", resolve);
  s.on("error", (e) => { console.log(name, "error", e.message); resolve(); });
});
for (let i = 0; i < called.length; i += 2) await ask(called[i], Number(called[i + 1]));
`;

describe.skipIf(skipReason !== "")("session establishment against smbd in network namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-nbs-"));
  const capture = join(dir, "nbs.pcap");
  const answers = new Map<string, string>();
  let rows: LogRow[] = [];
  let conns: LogRow[] = [];
  let weirds: LogRow[] = [];

  beforeAll(async () => {
    const dirs = ["lock", "state", "cache", "private", "pid", "ncalrpc", "log"];
    for (const d of dirs) mkdirSync(join(dir, d));
    const conf = join(dir, "smb.conf");
    writeFileSync(conf, ["[global]", "netbios name = SMBSRV", "workgroup = NSMLAB", `interfaces = ${SERVER}/24`, "bind interfaces only = yes",
      "smb ports = 139", "load printers = no", "disable spoolss = yes",
      ...["lock", "state", "cache", "pid"].map((d) => `${d} directory = ${join(dir, d)}`),
      `private dir = ${join(dir, "private")}`, `ncalrpc dir = ${join(dir, "ncalrpc")}`, `log file = ${join(dir, "log", "smbd.log")}`].join("\n") + "\n");
    const client = join(dir, "client.mjs");
    writeFileSync(client, CLIENT_SOURCE);
    try {
      lab.create();
      const tcpdump = await lab.capture("client", capture, ["tcp", "port", "139"]);
      // smbd signals its whole process group when it stops: it must have a group of its own (no --no-process-group).
      await lab.start("server", ["smbd", "--foreground", "--debug-stdout", "--debuglevel=1", `--configfile=${conf}`], /smbd version .* started/);
      // smbd opens its socket a moment after it says it started.
      for (let i = 0; i < 50 && !lab.exec("server", ["ss", "-ltn"]).includes(`${SERVER}:139`); i++) await new Promise((r) => setTimeout(r, 100));
      const out = lab.exec("client", [process.execPath, client, SERVER, CALLING, ...CALLED.flatMap(([n, s]) => [n, String(s)])]);
      for (const line of out.trim().split("\n")) {
        const [name, hex] = line.split(" ");
        answers.set(name, hex);
      }
      await new Promise((r) => setTimeout(r, 300));
      await stop(tcpdump, "SIGINT");
    } finally {
      await lab.destroy();
    }
    const run = await runCapture(capture);
    rows = run.rows("netbios");
    conns = run.rows("conn");
    weirds = run.rows("weird");
  }, 60_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("smbd answered every request with a session response", () => {
    expect([...answers.keys()]).toEqual(CALLED.map(([n]) => n));
    for (const hex of answers.values()) expect(["82", "83", "84"]).toContain(hex.slice(0, 2));
  });

  it("one session row per request: the called and calling names sent, the answer smbd gave", () => {
    expect(rows.length).toBe(CALLED.length);
    for (const [name, suffix] of CALLED) {
      const r = rows.find((x) => x.name === name)!;
      const answer = answers.get(name)!;
      const response = { "82": "positive", "83": "negative", "84": "retarget" }[answer.slice(0, 2)];
      expect([r.service, r.msg_type, r["id.orig_h"], r["id.resp_h"], r["id.resp_p"], r.name_suffix, r.src_name, r.src_suffix, r.response])
        .toEqual(["session", "session_request", CLIENT, SERVER, "139", `<${suffix.toString(16)}>`, CALLING, "<00>", response]);
      // A negative answer's code is its payload's first byte.
      expect(r.rcode).toBe(response === "negative" ? String(parseInt(answer.slice(8, 10), 16)) : "-");
      expect(Number(r.rtt)).toBeGreaterThan(0);
    }
  });

  it("conn.log has no service for 139 and the session service raised no weird", () => {
    expect(conns.filter((c) => c["id.resp_p"] === "139").map((c) => c.service)).toEqual(CALLED.map(() => "-"));
    expect(weirds.filter((w) => w.source === "NETBIOSSSN" || w.source === "CONTENTS_NETBIOSSSN")).toEqual([]);
  });
});
