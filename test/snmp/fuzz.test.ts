// Random mutations of real SNMP messages (every classic-pcap SNMP trace of the corpus) and of
// built ones (traps, bulk requests, v3 in clear and encrypted), and random bytes: the parser must
// never throw, must name why it failed (a weird), must never read outside its window, and must
// stay fast on any input. Seeded, so a failure replays.
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseSnmpMessage } from "../../analyzers/snmp/parser.ts";
import { mutate, prng } from "../dns/fuzz-inputs.ts";
import { tracePayloads } from "../fixtures/trace-payloads.ts";
import { binding, community, int, NULL, octets, oid, pdu, scopedPdu, seq, tlv, uint, v3 } from "./ber-builder.ts";
import { CORPUS } from "../fixtures/corpus.ts";

const TRACES = join(CORPUS, "traces", "snmp");

function seeds(): Uint8Array[] {
  const fromTraces = readdirSync(TRACES)
    .filter((f) => f.endsWith(".pcap"))
    .flatMap((f) => tracePayloads(`${TRACES}/${f}`))
    .filter((m) => m.proto === "udp" && [161, 162].some((p) => p === m.sport || p === m.dport))
    .map((m) => m.payload);
  const built = [
    community(0, "public", tlv(0xa4, oid("1.3.6.1.4.1.9"), tlv(0x40, [10, 0, 0, 1]), int(6), int(1), uint(99, 0x43), seq(binding("1.3.6.1.2.1.1.5.0", octets("x"))))),
    community(1, "private", tlv(0xa5, int(3), int(0), int(20), seq(binding("1.3.6.1.2.1.2", NULL)))),
    community(1, "public", pdu(0xa7, 8, [binding("1.3.6.1.2.1.1.3.0", uint(5, 0x43)), binding("1.3.6.1.6.3.1.1.4.1.0", oid("1.3.6.1.6.3.1.1.5.1"))])),
    community(1, "public", pdu(0xa2, 8, [binding("1.3.6.1.2.1.31.1.1.1.6.1", uint(2n ** 63n, 0x46)), binding("1.3.6.1.2.1.1.1.0", tlv(0x24, octets("a"), octets("b")))])),
    v3({ scoped: scopedPdu(pdu(0xa0, 1, [binding("1.3.6.1.2.1.1.1.0", NULL)])) }),
    v3({ flags: 7, scoped: octets("\x01\x02\x03\x04\x05\x06\x07\x08") }),
  ].map((b) => Uint8Array.from(b));
  return [...fromTraces, ...built];
}

const corpus = seeds();

describe("fuzzing the SNMP parser", () => {
  it("has seeds from every kind of message", () => {
    expect(corpus.length).toBeGreaterThan(50);
  });

  it("never throws, always names a failure, and ends", () => {
    const rand = prng(0x5a4d);
    let events = 0;
    const iterations = 6000;
    for (let i = 0; i < iterations; i++) {
      const input = rand() < 0.05 ? Uint8Array.from({ length: Math.floor(rand() * 80) }, () => Math.floor(rand() * 256)) : mutate(corpus[i % corpus.length], rand);
      const r = parseSnmpMessage(input, 0, input.length);
      if (r.event !== undefined) events++;
      else expect(r.failure, `iteration ${i}`).toMatch(/^snmp_[a-z_0-9]+$/);
      for (const w of r.netWeirds) expect(w.name).toMatch(/^asn_[a-z_]+$/);
    }
    // Mutations must not all be rejected, or the deep paths go untested.
    expect(events).toBeGreaterThan(iterations / 10);
  });

  it("reads inside a shared buffer without looking outside [offset, offset + length)", () => {
    const rand = prng(11);
    for (let i = 0; i < 1000; i++) {
      const input = mutate(corpus[i % corpus.length], rand);
      const padded = new Uint8Array(input.length + 64).fill(0x30);
      padded.set(input, 32);
      const alone = parseSnmpMessage(input, 0, input.length);
      const inside = parseSnmpMessage(padded, 32, input.length);
      expect(inside.event, `iteration ${i}`).toEqual(alone.event);
      expect(inside.failure, `iteration ${i}`).toBe(alone.failure);
    }
  });

  it("survives constructed strings nested two hundred deep", () => {
    let nested: number[] = octets("deep");
    for (let d = 0; d < 200; d++) nested = tlv(0x24, nested);
    const r = parseSnmpMessage(Uint8Array.from(community(1, "public", pdu(0xa2, 1, [binding("1.3.6.1", nested)]))), 0, 1e6);
    expect(r.event).toBeUndefined();
    expect(r.failure).toBe("snmp_nesting_too_deep");
  });
});
