// Tunnels made by the Linux kernel: two network namespaces on a veth pair (10.83.0.1 and .2) get a
// VXLAN link (VNI 42, UDP 4789, outer checksum zero as RFC 7348 recommends: with the kernel's
// default, veth leaves a partial checksum for offload in the capture) and, where the kernel has the module, a GRE link between them; the
// client pings the server across each, tcpdump captures the veth (the outer packets only), and nsm
// must find the ICMP echo inside: one connection per tunnel with as many requests and replies as
// ping counted, tunnel_parents naming the tunnel, the tunnel in tunnel.log, and the outer traffic as
// Zeek has it (a VXLAN UDP connection with service vxlan; no connection at all for GRE).
// Needs root, iproute2, ping and tcpdump; skipped (with the reason) otherwise.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labUnavailable, NetnsLab } from "../fixtures/netns.ts";
import type { LogRow } from "../fixtures/logs.ts";
import { runCapture } from "../fixtures/run-capture.ts";

const toolsMissing = labUnavailable(["ip", "ping", "tcpdump"], "apt-get install iproute2 iputils-ping tcpdump");

/** Can this kernel make a link of this type? (VXLAN and GRE are modules: vxlan, ip_gre.) */
function kernelHasLink(type: string[]): boolean {
  if (toolsMissing) return false;
  const ns = `nsmtunprobe${process.pid % 100000}`;
  spawnSync("ip", ["netns", "add", ns]);
  const ok = spawnSync("ip", ["-n", ns, "link", "add", "probe0", "type", ...type]).status === 0;
  spawnSync("ip", ["netns", "del", ns]);
  return ok;
}

const lab = new NetnsLab("tun", "10.83.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;
const PINGS = 3;
const VXLAN = { server: "10.83.2.1", client: "10.83.2.2", vni: 42 };
const GRE = { server: "10.83.1.1", client: "10.83.1.2" };
const skipReason = toolsMissing || (kernelHasLink(["vxlan", "id", "1", "dstport", "4789"]) ? "" : "this kernel has no VXLAN (vxlan module)");
if (skipReason) console.log(`live kernel tunnel test skipped: ${skipReason}`);
const hasGre = kernelHasLink(["gre", "local", "10.0.0.1", "remote", "10.0.0.2"]);
if (!skipReason && !hasGre) console.log("live GRE case skipped: this kernel has no GRE (ip_gre module)");

/** The kernel's ping summary: requests sent and replies received. */
function pingCounts(out: string): { sent: number; received: number } {
  const m = /(\d+) packets transmitted, (\d+) received/.exec(out)!;
  return { sent: Number(m[1]), received: Number(m[2]) };
}

describe.skipIf(skipReason !== "")("tunnels made by the kernel, seen from the wire between its namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-tun-"));
  const capture = join(dir, "tunnels.pcap");
  let vxlanPing = { sent: 0, received: 0 };
  let grePing = { sent: 0, received: 0 };
  let conns: LogRow[] = [];
  let tunnels: LogRow[] = [];

  beforeAll(async () => {
    try {
      lab.create();
      for (const [side, local, remote, inner] of [
        ["server", SERVER, CLIENT, VXLAN.server],
        ["client", CLIENT, SERVER, VXLAN.client],
      ] as const) {
        const dev = lab.host(side).ifname;
        lab.exec(side, ["ip", "link", "add", "vx0", "type", "vxlan", "id", String(VXLAN.vni), "local", local, "remote", remote, "dstport", "4789", "noudpcsum", "dev", dev]);
        lab.exec(side, ["ip", "addr", "add", `${inner}/24`, "dev", "vx0"]);
        lab.exec(side, ["ip", "link", "set", "vx0", "up"]);
      }
      if (hasGre) {
        for (const [side, local, remote, inner] of [
          ["server", SERVER, CLIENT, GRE.server],
          ["client", CLIENT, SERVER, GRE.client],
        ] as const) {
          lab.exec(side, ["ip", "link", "add", "gre0", "type", "gre", "local", local, "remote", remote, "ttl", "64"]);
          lab.exec(side, ["ip", "addr", "add", `${inner}/30`, "dev", "gre0"]);
          lab.exec(side, ["ip", "link", "set", "gre0", "up"]);
        }
      }
      const ping = (addr: string) => pingCounts(lab.exec("client", ["ping", "-c", String(PINGS), "-i", "0.2", "-W", "2", addr], false));
      await lab.captureWhile("client", capture, [], () => {
        vxlanPing = ping(VXLAN.server);
        if (hasGre) grePing = ping(GRE.server);
      });
    } finally {
      await lab.destroy();
    }
    const run = await runCapture(capture, { checksums: true });
    conns = run.rows("conn");
    tunnels = run.rows("tunnel");
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("the ping across VXLAN is one ICMP connection inside the VXLAN UDP connections", () => {
    expect(vxlanPing).toEqual({ sent: PINGS, received: PINGS });
    const echo = conns.find((c) => c.proto === "icmp" && c["id.resp_h"] === VXLAN.server)!;
    expect(echo).toMatchObject({ "id.orig_h": VXLAN.client, "id.orig_p": "8", "id.resp_p": "0", orig_pkts: String(PINGS), resp_pkts: String(PINGS) });
    // The kernel picks the UDP source port by flow hash: each direction may be a UDP connection of its own.
    const outer = conns.filter((c) => c.proto === "udp" && c["id.resp_p"] === "4789");
    expect(outer.length).toBeGreaterThan(0);
    for (const c of outer) expect(c).toMatchObject({ service: "vxlan", tunnel_parents: "-" });
    const parents = echo.tunnel_parents.split(",");
    expect(parents.every((p) => outer.some((c) => c.uid === p))).toBe(true);
    for (const p of parents) {
      expect(tunnels.filter((t) => t.uid === p).map((t) => [t.tunnel_type, t.action])).toEqual([
        ["Tunnel::VXLAN", "Tunnel::DISCOVER"],
        ["Tunnel::VXLAN", "Tunnel::CLOSE"],
      ]);
    }
  });

  it.skipIf(!hasGre)("the ping across GRE is one ICMP connection inside a GRE tunnel, and GRE itself is no connection", () => {
    expect(grePing).toEqual({ sent: PINGS, received: PINGS });
    const echo = conns.find((c) => c.proto === "icmp" && c["id.resp_h"] === GRE.server)!;
    expect(echo).toMatchObject({ "id.orig_h": GRE.client, orig_pkts: String(PINGS), resp_pkts: String(PINGS) });
    const gre = tunnels.filter((t) => t.tunnel_type === "Tunnel::GRE");
    expect(gre.map((t) => [t["id.orig_h"], t["id.resp_h"], t.action])).toEqual([[CLIENT, SERVER, "Tunnel::DISCOVER"]]);
    expect(echo.tunnel_parents).toBe(gre[0].uid);
    expect(conns.some((c) => c.proto === "unknown_transport")).toBe(false);
  });
});
