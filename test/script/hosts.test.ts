// One API, two hosts: the bundled conn.log and weird.log scripts, run in the QuickJS sandbox instead
// of natively, write the same logs for the same trace.
import { describe, expect, it } from "vitest";
import { runCapture } from "../fixtures/run-capture.ts";
import { TRACES } from "../fixtures/corpus.ts";

async function logs(trace: string, sandboxAll: boolean): Promise<{ conn: string[]; weird: string[] }> {
  // Checksums verified: the corrupt trace's bad ones are weirds.
  const run = await runCapture(`${TRACES}/${trace}`, { sandboxAll, checksums: true });
  return { conn: run.lines("conn.log"), weird: run.lines("weird.log") };
}

describe("native and sandboxed hosts", () => {
  it.each(["wikipedia.pcap", "dns/dns-corrupt.pcap"])("write the same conn.log and weird.log (%s)", async (trace) => {
    const native = await logs(trace, false);
    const sandboxed = await logs(trace, true);
    expect(native.conn.length).toBeGreaterThan(8);
    expect(sandboxed.conn).toEqual(native.conn);
    expect(sandboxed.weird).toEqual(native.weird);
  }, 60_000);

  it("has weirds to compare in the corrupt trace", async () => {
    expect((await logs("dns/dns-corrupt.pcap", false)).weird.filter((l) => l.includes("bad_UDP_checksum")).length).toBeGreaterThan(0);
  }, 60_000);
});
