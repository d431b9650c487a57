// snmp.log as Zeek's base/protocols/snmp builds it. For the corpus traces the expected rows come
// from Zeek's own event dumps (baselines): per connection, the community of the first message and
// the number of bindings of its get/get-next, get-bulk, response and set PDUs; conn.log's service
// is snmp where the responder answered. Built messages check what the corpus has no case of:
// sysDescr and sysUpTime in a response, a v3 user, an encrypted v3 PDU, a v1 trap alone.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { logRows, type LogRow } from "../fixtures/logs.ts";
import { frameAt, runPipeline } from "../fixtures/pipeline.ts";
import { binding, community, int, NULL, octets, pdu, scopedPdu, seq, tlv, uint, v3, type Bytes } from "./ber-builder.ts";
import { CORPUS } from "../fixtures/corpus.ts";


interface Expected {
  community: string;
  get_requests: number;
  get_bulk_requests: number;
  get_responses: number;
  set_requests: number;
  answered: boolean;
}

/** Per originator port, what Zeek's event dump says base/snmp counts. */
function expectedFromDump(path: string): Map<string, Expected> {
  const sessions = new Map<string, Expected>();
  let current: Expected | undefined;
  let event = "";
  for (const line of readFileSync(join(CORPUS, "baselines", path), "utf8").split("\n").slice(1)) {
    if (/^snmp_/.test(line)) event = line;
    const id = /orig_p=(\d+)\//.exec(line);
    if (id) {
      current = sessions.get(id[1]);
      if (!current) sessions.set(id[1], (current = { community: "", get_requests: 0, get_bulk_requests: 0, get_responses: 0, set_requests: 0, answered: false }));
    }
    if (!current) continue;
    const c = /^ {2}\[community=(.*)\]$/.exec(line);
    if (c && current.community === "") current.community = c[1];
    if (line === "  is_orig: F") current.answered = true;
    if (line.startsWith("    oid: ")) {
      if (event === "snmp_get_request") current.get_requests++;
      else if (event === "snmp_get_bulk_request") current.get_bulk_requests++;
      else if (event === "snmp_response") current.get_responses++;
      else if (event === "snmp_set_request") current.set_requests++;
    }
  }
  return sessions;
}

async function logsOf(trace: string): Promise<{ snmp: LogRow[]; conn: LogRow[]; weird: LogRow[] }> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-snmp-log-"));
  await runTrace({ source: join(CORPUS, "traces", trace), options: defaultOptions(), localNets: [], logs: { dir, format: "tsv" } });
  return { snmp: logRows(join(dir, "snmp.log")), conn: logRows(join(dir, "conn.log")), weird: logRows(join(dir, "weird.log")) };
}

describe.skipIf(!existsSync(CORPUS))("snmp.log for the corpus traces, against Zeek's event dumps", () => {
  it.each([
    ["snmp/snmpv1_get.pcap", "scripts.base.protocols.snmp.v1/out1", "1"],
    ["snmp/snmpv1_get_short.pcap", "scripts.base.protocols.snmp.v1/out2", "1"],
    ["snmp/snmpv1_set.pcap", "scripts.base.protocols.snmp.v1/out3", "1"],
    ["snmp/snmpv1_trap.pcap", "scripts.base.protocols.snmp.v1/out4", "1"],
    ["snmp/snmpv2_get.pcap", "scripts.base.protocols.snmp.v2/out1", "2c"],
    ["snmp/snmpv2_get_bulk.pcap", "scripts.base.protocols.snmp.v2/out2", "2c"],
    ["snmp/snmpv2_get_next.pcap", "scripts.base.protocols.snmp.v2/out3", "2c"],
  ])("%s", async (trace, dump, version) => {
    const want = expectedFromDump(dump);
    const { snmp, conn } = await logsOf(trace);
    expect(snmp.map((r) => r["id.orig_p"]).sort()).toEqual([...want.keys()].sort());
    for (const row of snmp) {
      const w = want.get(row["id.orig_p"])!;
      expect(row).toMatchObject({
        version,
        community: w.community === "" ? "(empty)" : w.community,
        get_requests: String(w.get_requests),
        get_bulk_requests: String(w.get_bulk_requests),
        get_responses: String(w.get_responses),
        set_requests: String(w.set_requests),
      });
      const c = conn.find((r) => r.uid === row.uid)!;
      expect(c.service).toBe(w.answered ? "snmp" : "-");
    }
  }, 60_000);

  it("reports an overlong OID sub-identifier as Zeek's weird, outside the connection", async () => {
    const { weird } = await logsOf("snmp/snmp-oid-subidentifier-too-long.pcap");
    expect(weird.map((r) => [r.uid, r.name, r.addl])).toEqual([["-", "asn_oid_subidentifier_too_long", "11"]]);
  }, 60_000);
});

const CLIENT = { src: "192.0.2.10", dst: "192.0.2.1", proto: "udp" as const, sport: 40000, dport: 161 };
const AGENT = { src: "192.0.2.1", dst: "192.0.2.10", proto: "udp" as const, sport: 161, dport: 40000 };
const send = (ts: number, spec: typeof CLIENT, msg: Bytes) => frameAt(ts, { ...spec, payload: Uint8Array.from(msg) });

describe("snmp.log from built messages", () => {
  it("takes display_string from sysDescr and up_since from sysUpTime (hundredths of a second before the response)", () => {
    const r = runPipeline([
      send(1000, CLIENT, community(1, "s3cret", pdu(0xa0, 1, [binding("1.3.6.1.2.1.1.1.0", NULL), binding("1.3.6.1.2.1.1.3.0", NULL)]))),
      send(1000.5, AGENT, community(1, "s3cret", pdu(0xa2, 1, [binding("1.3.6.1.2.1.1.1.0", octets("Linux box 6.1")), binding("1.3.6.1.2.1.1.3.0", uint(12345, 0x43))]))),
    ]);
    expect(r.rows("snmp")).toEqual([expect.objectContaining({
      ts: "1000.000000", duration: "0.500000", version: "2c", community: "s3cret", get_requests: "2", get_responses: "2",
      display_string: "Linux box 6.1", up_since: "877.050000",
    })]);
  });

  it("puts the v3 user name in community, once a message carries one", () => {
    const get = (user: string) => v3({ user, scoped: scopedPdu(pdu(0xa0, 1, [binding("1.3.6.1.2.1.1.5.0", NULL)])) });
    const r = runPipeline([send(10, CLIENT, get("")), send(10.1, CLIENT, get("bob")), send(10.2, CLIENT, get("carol"))]);
    expect(r.rows("snmp")).toEqual([expect.objectContaining({ version: "3", community: "bob", get_requests: "3" })]);
  });

  it("logs an encrypted v3 session without a community (Zeek has no user for it)", () => {
    const r = runPipeline([send(10, CLIENT, v3({ flags: 7, user: "dave", scoped: octets("\x11\x22\x33\x44") })), send(10.2, AGENT, v3({ flags: 3, user: "dave", scoped: octets("\x55\x66") }))]);
    expect(r.rows("snmp")).toEqual([expect.objectContaining({ version: "3", community: "-", get_requests: "0", get_responses: "0" })]);
    expect(r.rows("conn")[0].service).toBe("snmp");
  });

  it("counts get-bulk bindings apart, and sets", () => {
    const r = runPipeline([
      send(10, CLIENT, community(1, "private", tlv(0xa5, int(7), int(0), int(5), seq(binding("1.3.6.1.2.1.2.2.1.2", NULL), binding("1.3.6.1.2.1.2.2.1.10", NULL), binding("1.3.6.1.2.1.2.2.1.16", NULL))))),
      send(10.1, CLIENT, community(1, "private", pdu(0xa3, 8, [binding("1.3.6.1.2.1.1.5.0", octets("x")), binding("1.3.6.1.2.1.1.6.0", octets("y"))]))),
    ]);
    expect(r.rows("snmp")).toEqual([expect.objectContaining({ get_bulk_requests: "3", get_requests: "0", set_requests: "2", community: "private" })]);
  });

  it("writes a weird for a datagram on 161 that is not SNMP, and no row", () => {
    const r = runPipeline([send(10, CLIENT, [0x47, 0x45, 0x54, 0x20, 0x2f])]);
    expect(r.rows("snmp")).toEqual([]);
    expect(r.rows("weird").map((w) => w.name)).toEqual(["snmp_unexpected_tag"]);
  });
});
