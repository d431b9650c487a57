// One API, two hosts: base/dhcp run in the QuickJS sandbox instead of natively writes the same
// dhcp.log: the DHCP records cross into the sandbox intact, the expiry timers run on the same
// schedule, and host names that are not text leave it as the same bytes.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCapture } from "../fixtures/run-capture.ts";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { frameAt } from "../fixtures/pipeline.ts";
import { DISCOVER, dhcp, opt } from "./message-builder.ts";
import { TRACES } from "../fixtures/corpus.ts";

const DHCP_TRACES = `${TRACES}/dhcp`;

/** Messages of one transaction 4 s apart (expiry passes split it), with a host name that is not text. */
function timedTrace(): string {
  const path = join(mkdtempSync(join(tmpdir(), "nsm-dhcp-hosts-")), "timed.pcap");
  const writer = new PcapWriter(path);
  for (let i = 0; i < 12; i++) {
    const message = dhcp(DISCOVER, { xid: 5, chaddr: "02:00:00:00:00:05" }, opt(12, [0x63, 0x61, 0x66, 0xe9, 0x2c]));
    const { ts, frame } = frameAt(1000 + 4 * i, { src: "0.0.0.0", dst: "255.255.255.255", proto: "udp", sport: 68, dport: 67, payload: message });
    writer.write(ts, frame);
  }
  writer.close();
  return path;
}

async function logs(trace: string, sandboxAll: boolean, scriptSettings: Record<string, string> = {}): Promise<{ dhcp: string[]; weird: string[] }> {
  const run = await runCapture(trace, { sandboxAll, scriptSettings });
  return { dhcp: run.lines("dhcp.log"), weird: run.lines("weird.log") };
}

const dhcpLog = async (trace: string, sandboxAll: boolean) => (await logs(trace, sandboxAll)).dhcp;

describe.skipIf(!existsSync(DHCP_TRACES))("dhcp.log from native and sandboxed hosts", () => {
  it.each(["dhcp.pcap", "dhcp_flood.pcap", "dhcp_time_and_nameserver.pcap"])("%s", async (trace) => {
    const native = await dhcpLog(join(DHCP_TRACES, trace), false);
    expect(native.filter((l) => l && !l.startsWith("#")).length).toBeGreaterThan(0);
    expect(await dhcpLog(join(DHCP_TRACES, trace), true)).toEqual(native);
  }, 60_000);

  it("evicts transactions and raises the weird alike (dhcp-unique-xid-join-data-growth.pcapng)", async () => {
    const trace = join(DHCP_TRACES, "dhcp-unique-xid-join-data-growth.pcapng");
    const settings = { "DHCP::max_tracked_transactions": "5" };
    const native = await logs(trace, false, settings);
    expect(native.dhcp.filter((l) => l && !l.startsWith("#")).length).toBe(50);
    // 45 evictions, one weird.log row: Zeek's weird framework silences the repeats.
    expect(native.weird.filter((l) => l.includes("\tDHCP_max_tracked_transactions_exceeded\t5\t")).length).toBe(1);
    expect(await logs(trace, true, settings)).toEqual(native);
  }, 60_000);

  it("runs the expiry schedule and writes bytes alike", async () => {
    const trace = timedTrace();
    const native = await dhcpLog(trace, false);
    expect(native.filter((l) => l && !l.startsWith("#")).length).toBe(2);
    expect(native.at(-2)).toContain("\tcaf\\xe9,\t");
    expect(await dhcpLog(trace, true)).toEqual(native);
  }, 60_000);
});
