// The two bundled SNMP policies. policy/snmp/varbinds: for the corpus traces, its rows carry the
// same PDUs, request ids, OIDs and values as Zeek's event dumps. policy/snmp/default-communities:
// a row per session that used a default or empty community, accepted when the agent answered.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { resolveScript } from "../../core/script/catalog.ts";
import { logRows } from "../fixtures/logs.ts";
import { frameAt, runPipeline } from "../fixtures/pipeline.ts";
import { binding, community, NULL, octets, pdu, type Bytes } from "./ber-builder.ts";
import { CORPUS } from "../fixtures/corpus.ts";


/** Zeek's dump as one line per PDU: request id, then oid=value for each binding. */
function pdusFromDump(path: string): string[] {
  const out: string[] = [];
  let oid = "";
  for (const line of readFileSync(join(CORPUS, "baselines", path), "utf8").split("\n").slice(1)) {
    const id = /^ {4}request_id: +(\d+)$/.exec(line);
    if (id) out.push(id[1]);
    const o = /^ {4}oid: (.*)$/.exec(line);
    if (o) oid = o[1];
    const v = /^ {4}value \(tag=0x..\): (.*)$/.exec(line);
    if (v) out[out.length - 1] += ` ${oid}=${v[1] === "<unspecified>" ? "" : v[1]}`;
  }
  return out;
}

/**
 * Our rows the same way. An element "(empty)" is an empty value; a vector "(empty)" has no
 * elements, or one empty one (the OIDs say which). Zeek prints bytes escaped as the log writes them.
 */
function pdusFromLog(file: string): string[] {
  return logRows(file, "latin1").map((r) => {
    const oids = r.oids === "(empty)" ? [] : r.oids.split(",");
    const values = r.values.split(",");
    return [r.request_id, ...oids.map((o, i) => `${o}=${values[i] === "(empty)" ? "" : values[i]}`)].join(" ");
  });
}

describe.skipIf(!existsSync(CORPUS))("policy/snmp/varbinds on the corpus traces", () => {
  it.each([
    ["snmp/snmpv1_get.pcap", "scripts.base.protocols.snmp.v1/out1"],
    ["snmp/snmpv1_get_short.pcap", "scripts.base.protocols.snmp.v1/out2"],
    ["snmp/snmpv1_set.pcap", "scripts.base.protocols.snmp.v1/out3"],
    ["snmp/snmpv2_get.pcap", "scripts.base.protocols.snmp.v2/out1"],
    ["snmp/snmpv2_get_bulk.pcap", "scripts.base.protocols.snmp.v2/out2"],
    ["snmp/snmpv2_get_next.pcap", "scripts.base.protocols.snmp.v2/out3"],
    ["snmp/snmpv3_get_next.pcap", "scripts.base.protocols.snmp.v3/out1"],
  ])("%s", async (trace, dump) => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-snmp-varbinds-"));
    await runTrace({ source: join(CORPUS, "traces", trace), options: defaultOptions(), localNets: [], logs: { dir, format: "tsv" }, scripts: [resolveScript("policy/snmp/varbinds")] });
    const want = pdusFromDump(dump);
    expect(want.length).toBeGreaterThan(0);
    expect(pdusFromLog(join(dir, "snmp_varbinds.log"))).toEqual(want);
  }, 60_000);
});

const AGENT_ADDR = "192.0.2.1";
const client = (sport: number) => ({ src: "192.0.2.10", dst: AGENT_ADDR, proto: "udp" as const, sport, dport: 161 });
const agent = (dport: number) => ({ src: AGENT_ADDR, dst: "192.0.2.10", proto: "udp" as const, sport: 161, dport });
const at = (ts: number, spec: ReturnType<typeof client>, msg: Bytes) => frameAt(ts, { ...spec, payload: Uint8Array.from(msg) });
const get = (name: string, version = 1) => community(version, name, pdu(0xa0, 1, [binding("1.3.6.1.2.1.1.5.0", NULL)]));
const reply = (name: string, version = 1) => community(version, name, pdu(0xa2, 1, [binding("1.3.6.1.2.1.1.5.0", octets("host"))]));

describe("policy/snmp/default-communities", () => {
  const frames = [
    at(1, client(40001), get("public")), at(1.01, agent(40001), reply("public")), // guessed, and it worked
    at(2, client(40002), get("private", 0)), // guessed, no answer
    at(3, client(40003), get("n0t-a-d3fault")), at(3.01, agent(40003), reply("n0t-a-d3fault")), // not a default one
    at(4, client(40004), get("")), // empty
  ];

  it("reports default and empty communities, accepted when the agent answered", () => {
    const rows = runPipeline(frames, { policies: ["policy/snmp/default-communities"] }).rows("snmp_default_community");
    expect(rows.map((r) => [r["id.orig_p"], r.sub, r.accepted, r.note, r.src, r.dst, r.p])).toEqual([
      ["40001", "public", "T", "SNMP::Default_Community", "192.0.2.10", AGENT_ADDR, "161"],
      ["40002", "private", "F", "SNMP::Default_Community", "192.0.2.10", AGENT_ADDR, "161"],
      ["40004", "(empty)", "F", "SNMP::Default_Community", "192.0.2.10", AGENT_ADDR, "161"],
    ]);
    expect(rows[0].msg).toBe(`SNMP v2c request with community "public" from 192.0.2.10 to ${AGENT_ADDR}:161, answered by the agent`);
    expect(rows[1].msg).toBe(`SNMP v1 request with community "private" from 192.0.2.10 to ${AGENT_ADDR}:161`);
  });

  it("takes its list from SNMP::default_communities", () => {
    const rows = runPipeline(frames, { policies: ["policy/snmp/default-communities"], scriptSettings: { "SNMP::default_communities": "n0t-a-d3fault" } }).rows("snmp_default_community");
    expect(rows.map((r) => [r["id.orig_p"], r.sub, r.accepted])).toEqual([["40003", "n0t-a-d3fault", "T"], ["40004", "(empty)", "F"]]);
  });
});
