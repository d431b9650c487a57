// One API, two hosts: base/dns (and policy/dns/auth-addl, which only adds columns) run in the
// QuickJS sandbox instead of natively write the same dns.log for the same trace: every DNS event's
// records cross into the sandbox intact, and names that are not text leave it as the same bytes.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCapture } from "../fixtures/run-capture.ts";
import { TRACES } from "../fixtures/corpus.ts";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { header, message, name, pointer, question, rr } from "./message-builder.ts";
import { frameAt } from "../fixtures/pipeline.ts";


/** Names and TXT strings with bytes that are not text (no corpus trace has them in dns.log). */
function bytesTrace(): string {
  const path = join(mkdtempSync(join(tmpdir(), "nsm-dns-bytes-")), "bytes.pcap");
  const writer = new PcapWriter(path);
  const qname = [4, 0x63, 0x61, 0x66, 0xe9, 3, 0x5c, 0x00, 0x2c, ...name("example")];
  const q = message(header({ id: 1, rd: true, qd: 1 }), question(qname, 16));
  const r = message(header({ id: 1, qr: true, qd: 1, an: 1 }), question(qname, 16), rr(pointer(12), 16, [4, 0xff, 0x09, 0x2c, 0x41]));
  for (const { ts, frame } of [
    frameAt(1, { src: "10.0.0.1", dst: "10.0.0.53", proto: "udp", sport: 1234, dport: 53, payload: q }),
    frameAt(1.01, { src: "10.0.0.53", dst: "10.0.0.1", proto: "udp", sport: 53, dport: 1234, payload: r }),
  ]) writer.write(ts, frame);
  writer.close();
  return path;
}

async function dnsLog(trace: string, sandboxAll: boolean, policies: string[]): Promise<string[]> {
  return (await runCapture(trace.startsWith("/") ? trace : join(TRACES, trace), { sandboxAll, scripts: policies })).lines("dns.log");
}

describe("dns.log from native and sandboxed hosts", () => {
  it.each([
    { trace: "wikipedia.pcap", policies: [] },
    { trace: "dns/dns-invalid-names.pcap", policies: [] },
    { trace: "dns/dynamic-update.pcap", policies: [] },
    { trace: "dnssec/nsec.pcap", policies: ["policy/dns/auth-addl"] },
  ])("$trace $policies", async ({ trace, policies }) => {
    const native = await dnsLog(trace, false, policies);
    expect(native.length).toBeGreaterThan(9);
    expect(await dnsLog(trace, true, policies)).toEqual(native);
  }, 60_000);

  it("writes the same bytes for names and answers that are not text", async () => {
    const trace = bytesTrace();
    const native = await dnsLog(trace, false, []);
    // A comma is escaped only inside a vector's element.
    expect(native.at(-2)).toContain("\tcaf\\xe9.\\\\\\x00,.example\t");
    expect(native.at(-2)).toContain("\tTXT 4 \\xff\\x09\\x2cA\t");
    expect(await dnsLog(trace, true, [])).toEqual(native);
  }, 60_000);
});
