// Fuzzing at scale, the whole DNS path: hundreds of thousands of mutated corpus messages, random
// messages built field by field and random bytes go through the DNS analyzer (UDP datagrams, and
// TCP streams cut at random places) on connections of every kind it handles (53, NetBIOS 137,
// multicast mDNS, TCP 53), with the bundled scripts handling every event and writing dns.log. No
// exception may escape, no script may fail on what the analyzer hands it, the parser's last-resort
// guard must never fire, and no message may take long. Seeded, so a failure replays;
// NSM_DNS_FUZZ=N changes the number of messages.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Connection, ConnectionAnalyzer } from "../../analyzers/conn/connection.ts";
import { attachPortAnalyzers } from "../../analyzers/registry.ts";
import { ConnectionTable } from "../../core/connection-table.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { Packet } from "../../core/packet.ts";
import { applySetting, defaultOptions, isCoreOption } from "../../core/options.ts";
import { ScriptRuntime } from "../../core/script/runtime.ts";
import { NativeHost } from "../../core/script/native-host.ts";
import { transpileScriptSync } from "../../core/script/loader.ts";
import { BASE_SCRIPTS, SCRIPTS_DIR } from "../../core/script/catalog.ts";
import { LocalNets } from "../../core/site.ts";
import { ethernetFrame, type FrameSpec } from "../fixtures/frames.ts";
import { corpusSeeds, mutate, prng, randomBytes, randomMessage } from "./fuzz-inputs.ts";

const MESSAGES = Number(process.env.NSM_DNS_FUZZ ?? 200_000);

interface Flow {
  conn: Connection;
  dns: ConnectionAnalyzer;
}

describe("fuzzing the DNS analyzer and dns.log", () => {
  it(`${MESSAGES} messages: no throw, no script error, no internal-error guard, bounded time each`, () => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-dns-fuzz-"));
    const diagnostics: string[] = [];
    const runtime = new ScriptRuntime({ logs: { dir, format: "tsv" }, localNets: new LocalNets([], false), settings: new Map(), diagnostic: (l) => diagnostics.push(l) });
    for (const file of [...BASE_SCRIPTS, "policy/dns/auth-addl.ts", "policy/dns/log-original-query-case.ts"].map((s) => join(SCRIPTS_DIR, s))) {
      runtime.add(new NativeHost(file, runtime), transpileScriptSync(file));
    }
    const options = defaultOptions();
    // Read the authority and additional sections too, where core has Zeek's switches for them.
    for (const s of ["dns_skip_all_auth=F", "dns_skip_all_addl=F"]) if (isCoreOption(s.split("=")[0])) applySetting(options, s);

    let created: Connection | undefined;
    const table = new ConnectionTable(options, runtime, {
      attachAnalyzers(c) {
        attachPortAnalyzers(c, table);
        created = c;
      },
    });
    const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => false });
    const pkt = new Packet();
    const flowOf = (spec: FrameSpec, ts: number): Flow => {
      const frame = ethernetFrame(spec);
      table.advance(ts);
      runtime.advance(ts);
      expect(decoder.decode({ ts, data: frame, offset: 0, caplen: frame.length, wirelen: frame.length, linkType: 1 }, pkt)).toBe(true);
      table.packet(pkt);
      const conn = created!;
      return { conn, dns: conn.analyzers.find((a) => a.name === "dns")! };
    };

    const seeds = corpusSeeds();
    const rand = prng(0xd15ea5e);
    const pick = (n: number) => Math.floor(rand() * n);
    let flows: Flow[] = [];
    let t = 1000;

    for (let i = 0; i < MESSAGES; i++) {
      if (i % 5000 === 0) {
        // New connections now and then; the old ones time out and log what they still hold.
        t += 30;
        flows = [
          flowOf({ src: "10.0.0.1", dst: "10.0.0.53", proto: "udp", sport: 40000 + (i % 20000), dport: 53, payload: seeds[0] }, t),
          flowOf({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 137, dport: 137, payload: seeds[1] }, t),
          flowOf({ src: "10.0.0.1", dst: "224.0.0.251", proto: "udp", sport: 5353, dport: 5353, payload: seeds[2] }, t),
          flowOf({ src: "10.0.0.1", dst: "10.0.0.53", proto: "tcp", sport: 50000 + (i % 10000), dport: 53, flags: "S", seq: 1 }, t),
        ];
      }
      const kind = pick(10);
      const payload = kind < 6 ? mutate(seeds[pick(seeds.length)], rand) : kind < 9 ? randomMessage(rand) : randomBytes(rand);
      const flow = flows[pick(flows.length)];
      const isOrig = pick(2) === 0;
      t += 0.001;
      table.advance(t);
      runtime.advance(t);
      if (flow.conn.transport === "tcp") {
        // Length-prefixed, in up to three pieces, sometimes with a lying length.
        const framed = new Uint8Array(payload.length + 2);
        const length = pick(20) === 0 ? pick(65536) : payload.length;
        framed[0] = length >> 8;
        framed[1] = length & 0xff;
        framed.set(payload, 2);
        let at = 0;
        for (let piece = 0; piece < 3 && at < framed.length; piece++) {
          const end = piece === 2 ? framed.length : at + pick(framed.length - at + 1);
          flow.dns.deliverStream!(flow.conn, isOrig, framed.subarray(at, end));
          at = end;
        }
      } else {
        flow.dns.deliver(flow.conn, isOrig, payload, 0, payload.length);
      }
    }
    table.flushAll();
    runtime.finish();

    expect(diagnostics.slice(0, 5)).toEqual([]);
    expect(readFileSync(join(dir, "weird.log"), "utf8")).not.toContain("DNS_parser_internal_error");
    const rows = readFileSync(join(dir, "dns.log"), "utf8").split("\n").filter((l) => l && !l.startsWith("#")).length;
    console.log(`${MESSAGES} messages, ${rows} dns.log rows`);
    expect(rows).toBeGreaterThan(MESSAGES / 20);
  }, 600_000);
});
