// examples/scripts/dns-tunneling.ts on queries built here: long names whose payload labels are
// close to random are reported, with their entropy (exact for payloads built with known letter
// counts) and a running count per client and parent domain; ordinary long names, short names and
// NetBIOS names are not; the thresholds are options.
import { describe, expect, it } from "vitest";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { header, message, name, question } from "./message-builder.ts";
import { frameAt, runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "examples", "scripts", "dns-tunneling.ts");
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const HEX = "0123456789abcdef";

function queryFrame(ts: number, id: number, qname: string, client = "10.0.0.5"): TimedFrame {
  const payload = message(header({ id, rd: true, qd: 1 }), question(name(qname), 16));
  return frameAt(ts, { src: client, dst: "10.0.0.1", proto: "udp", sport: 50000 + id, dport: 53, payload });
}

// Every one of the 32 base32 letters twice: exactly log2(32) = 5 bits per character.
const tunnel1 = `${BASE32}.${BASE32}.tunnel.example`;
const tunnel2 = `${[...BASE32].reverse().join("")}.${BASE32}.tunnel.example`;
// Every hex digit four times: exactly 4 bits per character.
const hexTunnel = `${HEX.repeat(2)}.${HEX.repeat(2)}.c2.example`;
const ordinary = "mailserverclusternodereplicabackupsecondarycorp.example.com";

const traffic = [
  queryFrame(1, 1, tunnel1),
  queryFrame(2, 2, "www.example.com"),
  queryFrame(3, 3, ordinary),
  queryFrame(4, 4, tunnel2),
  queryFrame(5, 5, hexTunnel),
  queryFrame(6, 6, tunnel1, "10.0.0.6"),
];

describe("examples/scripts/dns-tunneling.ts", () => {
  it("reports long random-looking names, counting them per client and domain", () => {
    const run = runPipeline(traffic, { scripts: [SCRIPT] });
    const rows = run.rows("dns_tunneling");
    expect(rows.map((r) => [r.ts, r["id.orig_h"], r.query, r.qtype, r.length, r.entropy, r.domain, r.count])).toEqual([
      ["1.000000", "10.0.0.5", tunnel1, "16", "80", "5.0", "tunnel.example", "1"],
      ["4.000000", "10.0.0.5", tunnel2, "16", "80", "5.0", "tunnel.example", "2"],
      ["6.000000", "10.0.0.6", tunnel1, "16", "80", "5.0", "tunnel.example", "1"],
    ]);
    // Each row names the connection dns.log has for the same query.
    const dns = run.rows("dns").map((r) => `${r.uid} ${r.query}`);
    for (const r of rows) expect(dns).toContain(`${r.uid} ${r.query}`);
    expect(run.diagnostics).toEqual([]);
  });

  it("takes its thresholds from --set: a lower entropy bar catches hex (and ordinary long names), a higher length bar drops all", () => {
    const hex = runPipeline(traffic, { scripts: [SCRIPT], scriptSettings: { "DnsTunneling::min_entropy": "3.6" } }).rows("dns_tunneling");
    expect(hex.map((r) => [r.query, r.entropy])).toEqual([
      [tunnel1, "5.0"],
      [ordinary, "3.902"],
      [tunnel2, "5.0"],
      [hexTunnel, "4.0"],
      [tunnel1, "5.0"],
    ]);
    const none = runPipeline(traffic, { scripts: [SCRIPT], scriptSettings: { "DnsTunneling::min_length": "81" } }).rows("dns_tunneling");
    expect(none).toEqual([]);
  });
});
