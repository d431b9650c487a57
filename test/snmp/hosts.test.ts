// One API, two hosts: base/snmp and the SNMP policies give the same logs when they run in the
// QuickJS sandbox as natively: every SNMP record crosses into the sandbox intact, a Counter64 past
// 2^53 as a bigint, and byte strings that are not text leave it as the same bytes.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCapture } from "../fixtures/run-capture.ts";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { frameAt } from "../fixtures/pipeline.ts";
import { binding, community, NULL, octets, pdu, uint } from "./ber-builder.ts";
import { CORPUS } from "../fixtures/corpus.ts";

const traces = join(CORPUS, "traces");
const POLICIES = ["policy/snmp/varbinds", "policy/snmp/default-communities"];

/** A get and its response: a Counter64 of 2^63 + 1, and a sysDescr and community that are not text. */
function wideValuesTrace(): string {
  const path = join(mkdtempSync(join(tmpdir(), "nsm-snmp-wide-")), "wide.pcap");
  const writer = new PcapWriter(path);
  const oids = ["1.3.6.1.2.1.31.1.1.1.6.1", "1.3.6.1.2.1.1.1.0"];
  const get = community(1, "caf\xe9", pdu(0xa0, 3, oids.map((o) => binding(o, NULL))));
  const response = community(1, "caf\xe9", pdu(0xa2, 3, [binding(oids[0], uint(2n ** 63n + 1n, 0x46)), binding(oids[1], octets("box \xff\x00,1"))]));
  for (const { ts, frame } of [
    frameAt(5, { src: "10.0.0.2", dst: "10.0.0.1", proto: "udp", sport: 4000, dport: 161, payload: Uint8Array.from(get) }),
    frameAt(5.01, { src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 161, dport: 4000, payload: Uint8Array.from(response) }),
  ]) writer.write(ts, frame);
  writer.close();
  return path;
}

/** Every log of a run, without the #open/#close lines. */
async function logs(trace: string, sandboxAll: boolean): Promise<Record<string, string[]>> {
  const run = await runCapture(trace, { sandboxAll, scripts: POLICIES });
  return Object.fromEntries(run.files().map((f) => [f, run.lines(f)]));
}

describe("SNMP logs from native and sandboxed hosts", () => {
  it.each(["snmp/snmpwalk-short.pcap", "snmp/snmpv3_get_next.pcap", "snmp/snmpv1_trap.pcap"].filter((t) => existsSync(join(traces, t))))("%s", async (trace) => {
    const native = await logs(join(traces, trace), false);
    expect(native["snmp.log"].length).toBeGreaterThan(8);
    expect(await logs(join(traces, trace), true)).toEqual(native);
  }, 60_000);

  it("carries a Counter64 past 2^53 and bytes that are not text", async () => {
    const trace = wideValuesTrace();
    const native = await logs(trace, false);
    const response = native["snmp_varbinds.log"].find((l) => l.includes("\tresponse\t"))!;
    expect(response).toContain("\t9223372036854775809,box \\xff\\x00\\x2c1");
    expect(response).toContain("\tcaf\\xe9\t");
    expect(native["snmp.log"].find((l) => !l.startsWith("#"))).toContain("\tbox \\xff\\x00,1\t");
    expect(await logs(trace, true)).toEqual(native);
  }, 60_000);
});
