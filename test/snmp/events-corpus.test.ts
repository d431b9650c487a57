// Our SNMP events for the corpus traces, printed by a user script (run in the sandbox, so every
// record crosses into it) in the format of Zeek's snmp-test.zeek, equal line for line to what Zeek
// printed for the same traces: event names, headers (community, v3 header and USM fields),
// request ids, error status and index, every OID and value.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { resolveScript } from "../../core/script/catalog.ts";
import { CORPUS } from "../fixtures/corpus.ts";

const here = dirname(fileURLToPath(import.meta.url));

async function printed(trace: string, script: string, ignoreChecksums = false): Promise<string[]> {
  const lines: string[] = [];
  const options = defaultOptions();
  options.ignore_checksums = ignoreChecksums;
  await runTrace({
    source: join(CORPUS, "traces", trace),
    options,
    localNets: [],
    logs: { dir: mkdtempSync(join(tmpdir(), "nsm-snmp-events-")), format: "tsv" },
    scripts: [resolveScript(join(here, script))],
    print: (l) => lines.push(l),
  });
  return lines;
}

/** A baseline without btest's banner line. */
function baseline(path: string): string[] {
  const lines = readFileSync(join(CORPUS, "baselines", path), "utf8").split("\n");
  return lines.slice(1, lines.at(-1) === "" ? -1 : undefined);
}

describe.skipIf(!existsSync(CORPUS))("SNMP events against Zeek's event dumps", () => {
  it.each([
    ["snmp/snmpv1_get.pcap", "scripts.base.protocols.snmp.v1/out1"],
    ["snmp/snmpv1_get_short.pcap", "scripts.base.protocols.snmp.v1/out2"],
    ["snmp/snmpv1_set.pcap", "scripts.base.protocols.snmp.v1/out3"],
    ["snmp/snmpv1_trap.pcap", "scripts.base.protocols.snmp.v1/out4"],
    ["snmp/snmpv2_get.pcap", "scripts.base.protocols.snmp.v2/out1"],
    ["snmp/snmpv2_get_bulk.pcap", "scripts.base.protocols.snmp.v2/out2"],
    ["snmp/snmpv2_get_next.pcap", "scripts.base.protocols.snmp.v2/out3"],
    ["snmp/snmpv3_get_next.pcap", "scripts.base.protocols.snmp.v3/out1"],
    ["snmp/snmp-crash-62790.pcap", "scripts.base.protocols.snmp.snmp-crash-62790/out1"],
  ])("%s", async (trace, expected) => {
    const want = baseline(expected);
    expect(want.length).toBeGreaterThan(5);
    expect(await printed(trace, "print-events.ts")).toEqual(want);
  }, 60_000);

  it("IpAddress values of the responses of an snmpwalk (Zeek's snmp-addr, run with -C)", async () => {
    const want = baseline("scripts.base.protocols.snmp.snmp-addr/.stdout");
    expect(await printed("snmp/snmpwalk-short.pcap", "print-addresses.ts", true)).toEqual(want);
  }, 60_000);
});
