// The Zeek corpus's tunnel traces (GRE, PPTP, GRE over UDP, ERSPAN I/II/III, VXLAN, Geneve, Teredo,
// AYIYA, GTPv1) through nsm, checked against the conn.log Zeek wrote for each: every row and every
// field but the uids, and tunnel_parents by what the parents are (the tuple of the UDP connection a
// parent is, or an IP/GRE tunnel, which has no row). The bundled scripts run natively and in the
// sandbox, and must give the same logs.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { logRows, type LogRow } from "../fixtures/logs.ts";

const CORPUS = new URL("../../../shared/corpus/zeek/", import.meta.url).pathname;

const TRACES = [
  { trace: "tunnels/gre-sample.pcap", baseline: "core.tunnels.gre" },
  { trace: "tunnels/gre-pptp.pcap", baseline: "core.tunnels.gre-pptp" },
  { trace: "tunnels/gre-over-udp-4754.pcap", baseline: "core.tunnels.gre-over-udp" },
  { trace: "tunnels/gtp/gtp7_ipv6.pcap", baseline: "core.tunnels.gtp.inner_ipv6" },
  { trace: "tunnels/Teredo.pcap", baseline: "core.tunnels.teredo" },
  { trace: "tunnels/ayiya3.pcap", baseline: "core.tunnels.ayiya" },
  { trace: "tunnels/vxlan.pcap", baseline: "core.tunnels.vxlan" },
  { trace: "tunnels/geneve.pcap", baseline: "core.tunnels.geneve" },
  { trace: "erspanI.pcap", baseline: "core.erspanI" },
  { trace: "erspanII.pcap", baseline: "core.erspanII" },
  { trace: "erspanIII.pcap", baseline: "core.erspanIII" },
];

async function run(trace: string, sandboxAll = false): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-tunnel-"));
  await runTrace({ source: join(CORPUS, "traces", trace), options: defaultOptions(), localNets: [], logs: { dir, format: "tsv" }, sandboxAll });
  return dir;
}

/** Services nsm has analyzers for; Zeek's others (ssh, http, ...) are left out of the comparison, as the conformance tool does. */
const SERVICES = new Set(["dns", "dhcp", "ntp", "vxlan", "geneve", "teredo", "ayiya", "gtpv1"]);

const tuple = (r: LogRow) => `${r.proto} ${r["id.orig_h"]}:${r["id.orig_p"]} > ${r["id.resp_h"]}:${r["id.resp_p"]}`;

/** A row as text without its uids; each parent is named by the tuple of its row, or "ip-tunnel". */
function signatures(rows: LogRow[]): string[] {
  const byUid = new Map(rows.map((r) => [r.uid, tuple(r)]));
  return rows
    .map((r) => {
      const parents = r.tunnel_parents === "-" ? "-" : r.tunnel_parents.split(",").map((u) => byUid.get(u) ?? "ip-tunnel").sort().join(" + ");
      const service = r.service.split(",").filter((x) => SERVICES.has(x)).join(",") || "-";
      const fields = Object.entries({ ...r, service }).filter(([k]) => k !== "ts" && k !== "uid" && k !== "tunnel_parents");
      return `${fields.map(([k, v]) => `${k}=${v}`).join(" ")} parents=${parents}`;
    })
    .sort();
}

describe("Zeek corpus tunnel traces", () => {
  it.each(TRACES)("$trace: conn.log as in $baseline", async ({ trace, baseline }) => {
    const ours = logRows(join(await run(trace), "conn.log"), "latin1");
    const zeeks = logRows(join(CORPUS, "baselines", baseline, "conn.log"), "latin1");
    expect(signatures(ours)).toEqual(signatures(zeeks));
  });

  it("every IP or GRE parent is a tunnel.log uid and no conn.log uid", async () => {
    const dir = await run("tunnels/gre-pptp.pcap");
    const conns = logRows(join(dir, "conn.log"));
    const tunnels = logRows(join(dir, "tunnel.log"));
    // Zeek's tunnel.log for this trace: an IPv4-in-IPv6 tunnel, inside it the PPTP GRE tunnel, both discovered.
    expect(tunnels.map((t) => [t["id.orig_h"], t["id.resp_h"], t.tunnel_type, t.action])).toEqual([
      ["2402:f000:1:8e01::5555", "2607:fcd0:100:2300::b108:2a6b", "Tunnel::IP", "Tunnel::DISCOVER"],
      ["16.0.0.200", "192.52.166.154", "Tunnel::GRE", "Tunnel::DISCOVER"],
    ]);
    expect(conns.map((c) => c.tunnel_parents)).toEqual([tunnels[1].uid]);
  });

  it("tunnel.log over UDP: discovered with the first inner connection, closed with the UDP connection (Zeek's rows)", async () => {
    const tunnels = logRows(join(await run("tunnels/vxlan.pcap"), "tunnel.log"));
    const row = (t: LogRow) => [t["id.orig_h"], t["id.orig_p"], t.action];
    // Both close at the end of the trace; Zeek flushes connections in an order of its own.
    expect(tunnels.slice(0, 2).map(row)).toEqual([
      ["192.168.56.11", "48134", "Tunnel::DISCOVER"],
      ["192.168.56.12", "38071", "Tunnel::DISCOVER"],
    ]);
    expect(tunnels.slice(2).map(row).sort()).toEqual([
      ["192.168.56.11", "48134", "Tunnel::CLOSE"],
      ["192.168.56.12", "38071", "Tunnel::CLOSE"],
    ]);
  });

  it("the sandbox gives the same logs as the native host", async () => {
    const native = await run("tunnels/Teredo.pcap");
    const sandboxed = await run("tunnels/Teredo.pcap", true);
    for (const log of ["conn.log", "tunnel.log"]) {
      const strip = (dir: string) => readFileSync(join(dir, log), "utf8").replace(/^#(open|close).*$/gm, "");
      expect(strip(sandboxed)).toBe(strip(native));
    }
  });
});
