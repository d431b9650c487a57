// netbios.log against real software: Samba's nmbd serves NetBIOS names in one network namespace,
// nmblookup asks from another (a name it has and one it has not, unicast and broadcast, a node
// status query), tcpdump captures; nmbd's registrations at start and its host announcement are in
// the capture too. nsm's netbios.log must say what nmblookup printed (names, suffixes, group bits,
// addresses, unit id) and what smb.conf told nmbd (names, workgroup, comment); host-inventory must
// make one row of the server. Needs root, ip, nmbd, nmblookup and tcpdump; skipped (with the
// reason) otherwise. Everything it makes (namespaces, processes, files) goes, whatever happens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labUnavailable, NetnsLab, stop } from "../fixtures/netns.ts";
import type { LogRow } from "../fixtures/logs.ts";
import { runCapture } from "../fixtures/run-capture.ts";

const skipReason = labUnavailable(["ip", "nmbd", "nmblookup", "tcpdump"], "apt-get install iproute2 samba tcpdump");
if (skipReason) console.log(`live nmbd test skipped: ${skipReason}`);

const lab = new NetnsLab("nbt", "10.81.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
const BCAST = "10.81.0.255";
const NETBIOS_NAME = "NBTSRV";
const WORKGROUP = "NSMLAB";
const COMMENT = "nsm lab server";

interface Found {
  addr: string;
  name: string;
  suffix: string;
}

/** nmblookup's answer lines ("10.81.0.1 NBTSRV<00>"); none when it printed "name_query failed". */
function parseLookup(out: string): Found[] {
  return [...out.matchAll(/^(\d+\.\d+\.\d+\.\d+) (\S+)<([0-9a-f]{2})>$/gm)].map((m) => ({ addr: m[1], name: m[2], suffix: `<${m[3]}>` }));
}

interface StatusName {
  name: string;
  suffix: string;
  group: boolean;
}

/** nmblookup -A: the name table ("\tNBTSRV          <00> -         B <ACTIVE>") and the MAC line. */
function parseStatus(out: string): { names: StatusName[]; mac: string } {
  const names = [...out.matchAll(/^\t(\S+)\s+<([0-9a-f]{2})> - (<GROUP> )?\s*[BPMH] /gm)].map((m) => ({ name: m[1], suffix: `<${m[2]}>`, group: m[3] !== undefined }));
  const mac = /MAC Address = ([0-9A-F-]{17})/.exec(out)![1].replace(/-/g, ":").toLowerCase();
  return { names, mac };
}

describe.skipIf(skipReason !== "")("netbios.log against nmbd and nmblookup in network namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-nbt-"));
  const capture = join(dir, "nbt.pcap");
  let foundUnicast: Found[] = [];
  let notFound = "";
  let foundBroadcast: Found[] = [];
  let status: { names: StatusName[]; mac: string } = { names: [], mac: "" };
  let rows: LogRow[] = [];
  let hosts: LogRow[] = [];

  const config = (file: string, lines: string[]) => {
    writeFileSync(file, ["[global]", ...lines.map((l) => `  ${l}`)].join("\n") + "\n");
    return file;
  };

  beforeAll(async () => {
    for (const d of ["lock", "state", "cache", "private", "pid", "log", "ncalrpc"]) mkdirSync(join(dir, d));
    const serverConf = config(join(dir, "server.conf"), [
      `netbios name = ${NETBIOS_NAME}`, `workgroup = ${WORKGROUP}`, `server string = ${COMMENT}`,
      `interfaces = ${SERVER}/24`, "bind interfaces only = yes",
      ...["lock", "state", "cache", "pid"].map((d) => `${d} directory = ${join(dir, d)}`),
      `private dir = ${join(dir, "private")}`, `ncalrpc dir = ${join(dir, "ncalrpc")}`, `log file = ${join(dir, "log", "nmbd.log")}`,
    ]);
    const clientConf = config(join(dir, "client.conf"), [
      "netbios name = NBTCLIENT", `workgroup = ${WORKGROUP}`, `interfaces = ${CLIENT}/24`, "bind interfaces only = yes",
      ...["lock", "state", "cache"].map((d) => `${d} directory = ${join(dir, d)}`),
    ]);
    const lookup = (args: string[]) => lab.exec("client", ["nmblookup", `--configfile=${clientConf}`, ...args], false);
    try {
      lab.create();
      const tcpdump = await lab.capture("client", capture, ["udp", "port", "137", "or", "udp", "port", "138"]);
      // nmbd answers a broadcast for its names only once their registration is done (seconds, more on
      // a loaded machine); at debug level 3 it says so as it adds them to the interface's subnet.
      const registered = new RegExp(`Added netbios name ${NETBIOS_NAME}<00> .* to subnet ${SERVER.replace(/\./g, "\\.")}`);
      await lab.start("server", ["nmbd", "--foreground", "--debug-stdout", "--debuglevel=3", `--configfile=${serverConf}`], registered, 30_000);
      foundUnicast = parseLookup(lookup(["-U", SERVER, "--recursion", NETBIOS_NAME]));
      notFound = lookup(["-U", SERVER, "--recursion", "NOSUCHHOST"]);
      foundBroadcast = parseLookup(lookup(["-B", BCAST, NETBIOS_NAME]));
      status = parseStatus(lookup(["-A", SERVER]));
      await new Promise((r) => setTimeout(r, 500));
      await stop(tcpdump, "SIGINT");
    } finally {
      await lab.destroy();
    }
    const run = await runCapture(capture, { scripts: ["policy/netbios/host-inventory"] });
    rows = run.rows("netbios");
    hosts = run.rows("netbios_hosts");
  }, 60_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("nmblookup found the server's name both ways, not the other one, and read its name table", () => {
    expect(foundUnicast).toEqual([{ addr: SERVER, name: NETBIOS_NAME, suffix: "<00>" }]);
    expect(foundBroadcast).toContainEqual({ addr: SERVER, name: NETBIOS_NAME, suffix: "<00>" });
    expect(notFound).toContain("name_query failed to find name NOSUCHHOST");
    expect(status.names).toContainEqual({ name: NETBIOS_NAME, suffix: "<20>", group: false });
    expect(status.names).toContainEqual({ name: WORKGROUP, suffix: "<00>", group: true });
  });

  const nameRow = (msgType: string, name: string, broadcast: boolean) =>
    rows.filter((r) => r.service === "name" && r.msg_type === msgType && r.name === name && r["id.orig_h"] === CLIENT && r.broadcast === (broadcast ? "T" : "F"));

  it("the unicast query: one row, answered with the address nmblookup printed", () => {
    const [r, ...more] = nameRow("query", NETBIOS_NAME, false);
    expect(more).toEqual([]);
    expect([r["id.resp_h"], r["id.resp_p"], r.name_suffix, r.name_type, r.response, r.rcode_name, r.addrs, r.is_group])
      .toEqual([SERVER, "137", foundUnicast[0].suffix, "Workstation Service", "positive", "NOERROR", foundUnicast[0].addr, "F"]);
    expect(Number(r.rtt)).toBeGreaterThan(0);
  });

  it("the name nobody has: a query row (its retry joined to it) without an answer", () => {
    const [r, ...more] = nameRow("query", "NOSUCHHOST", false);
    expect(more).toEqual([]);
    expect([r.response, r.addrs]).toEqual(["-", "-"]);
  });

  it("the broadcast query: sent to the broadcast address, every answer's address joined", () => {
    const [r] = nameRow("query", NETBIOS_NAME, true);
    expect([r["id.resp_h"], r.name_suffix, r.response]).toEqual([BCAST, "<00>", "positive"]);
    expect(r.addrs.split(",")).toEqual([...new Set(foundBroadcast.map((f) => f.addr))]);
  });

  it("node status: the name table and the unit id nmblookup printed", () => {
    const [r] = rows.filter((x) => x.msg_type === "node_status" && x["id.orig_h"] === CLIENT);
    expect(r.names.split(",")).toEqual(status.names.map((n) => `${n.name}${n.suffix}${n.group ? " group" : ""}`));
    expect([r.mac, r.addrs, r.response]).toEqual([status.mac, SERVER, "positive"]);
  });

  it("nmbd's registrations at start: each name of its table, with its group bit, for its address", () => {
    const registered = rows.filter((r) => r.msg_type === "registration" && r["id.orig_h"] === SERVER);
    // Names nmbd takes later (as master browser) may or may not be in the table yet.
    for (const n of status.names.filter((x) => x.suffix !== "<1d>" && x.suffix !== "<01>")) {
      const r = registered.find((x) => x.name === n.name && x.name_suffix === n.suffix);
      expect(r, `${n.name}${n.suffix}`).toBeDefined();
      expect([r!.broadcast, r!["id.resp_h"], r!.addrs, r!.is_group, r!.node_type]).toEqual(["T", BCAST, SERVER, n.group ? "T" : "F", "B"]);
    }
  });

  it("nmbd's host announcement: its name, its comment, to its workgroup", () => {
    const [r] = rows.filter((x) => x.browser_cmd === "host_announcement");
    expect([r.service, r.msg_type, r.src_name, r.name, r.name_suffix, r.server_name, r.comment, r.addrs, r.mailslot])
      .toEqual(["datagram", "direct_group", NETBIOS_NAME, WORKGROUP, "<1d>", NETBIOS_NAME, COMMENT, SERVER, "\\\\MAILSLOT\\\\BROWSE"]);
    expect(r.server_type.split(",")).toEqual(expect.arrayContaining(["workstation", "server"]));
  });

  it("host-inventory: one row for the server, with its address, workgroup, role and (unit id being zeros) its link-layer address", () => {
    const [h, ...more] = hosts.filter((x) => x.name === NETBIOS_NAME);
    expect(more).toEqual([]);
    expect([h.addrs, h.workgroup, h.mac, h.comment]).toEqual([SERVER, WORKGROUP, status.mac === "00:00:00:00:00:00" ? lab.server.mac : status.mac, COMMENT]);
    expect(h.role.split(",")).toContain("server");
    expect(h.sources.split(",")).toEqual(expect.arrayContaining(["registration", "node_status", "announcement"]));
  });
});
