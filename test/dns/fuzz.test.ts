// Random mutations of real DNS messages (every corpus DNS trace): the parser must never throw or
// hit its internal-error guard, must always say why it failed, and must stay fast on any input.
// Seeded, so a failure replays.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BASE_HANDLED_TYPES, type DnsParseOptions, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { RRType } from "../../analyzers/dns/types.ts";
import { readDnsMessages } from "./trace-messages.ts";

const TRACES = "/work/shared/corpus/zeek/traces";
const seeds: Uint8Array[] = [
  ...readdirSync(TRACES).filter((f) => f.startsWith("dns")).map((f) => `${TRACES}/${f}`),
  ...readdirSync(`${TRACES}/dns`).map((f) => `${TRACES}/dns/${f}`),
  ...readdirSync(`${TRACES}/dnssec`).map((f) => `${TRACES}/dnssec/${f}`),
]
  .filter((path) => path.endsWith(".pcap"))
  .flatMap((path) => readDnsMessages(path).map((m) => m.payload))
  .filter((p) => p.length >= 12);

// mulberry32
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(source: Uint8Array, rand: () => number): Uint8Array {
  let m = Uint8Array.from(source);
  const pick = (n: number) => Math.floor(rand() * n);
  for (let edits = 1 + pick(4); edits > 0; edits--) {
    switch (pick(6)) {
      case 0: // flip a byte
        m[pick(m.length)] = pick(256);
        break;
      case 1: // plant a compression pointer anywhere
        if (m.length > 1) {
          const at = pick(m.length - 1);
          m[at] = 0xc0 | pick(0x40);
          m[at + 1] = pick(256);
        }
        break;
      case 2: // cut it short
        m = m.slice(0, pick(m.length + 1));
        break;
      case 3: // random tail
        m = Uint8Array.from([...m, ...Array.from({ length: pick(64) }, () => pick(256))]);
        break;
      case 4: // inflate a header count
        if (m.length >= 12) m[4 + 2 * pick(4) + pick(2)] = pick(256);
        break;
      case 5: // repeat a slice (shifts everything after it)
        if (m.length > 0) {
          const from = pick(m.length);
          const to = Math.min(m.length, from + pick(32));
          m = Uint8Array.from([...m.subarray(0, to), ...m.subarray(from, to), ...m.subarray(to)]);
        }
        break;
    }
  }
  return m;
}

function randomOptions(rand: () => number): DnsParseOptions {
  return {
    netbios: rand() < 0.2,
    netbiosResponder: rand() < 0.2,
    tcp: rand() < 0.5,
    skipAllAuth: rand() < 0.5,
    skipAllAddl: rand() < 0.5,
    maxCompressionChainDepth: Math.floor(rand() * 30),
    maxQueries: rand() < 0.1 ? 0 : 25,
    handledTypes: rand() < 0.5 ? BASE_HANDLED_TYPES : new Set([...BASE_HANDLED_TYPES, RRType.HINFO, RRType.CAA, RRType.TKEY]),
  };
}

describe("fuzzing with mutated corpus messages", () => {
  it("has seeds", () => {
    expect(seeds.length).toBeGreaterThan(100);
  });

  it("never throws, always explains a failure, and stays fast", () => {
    const rand = prng(0x5eed);
    let slowest = 0;
    let confirmed = 0;
    const iterations = 20000;
    for (let i = 0; i < iterations; i++) {
      const input = mutate(seeds[i % seeds.length], rand);
      const opts = randomOptions(rand);
      const t0 = performance.now();
      const result = parseDnsMessage(input, 0, input.length, opts);
      slowest = Math.max(slowest, performance.now() - t0);
      if (result.ok) {
        confirmed++;
        expect(result.message.questions.length).toBeLessThanOrEqual(result.message.header.num_queries);
      } else {
        expect(result.error, `iteration ${i}`).toMatch(/^[A-Za-z0-9_]+$/);
      }
      for (const w of result.weirds) expect(w.name, `iteration ${i}`).toMatch(/^[A-Za-z0-9_]+$/);
    }
    // Mutations must not all be rejected, or the deep paths go untested.
    expect(confirmed).toBeGreaterThan(iterations / 10);
    expect(slowest).toBeLessThan(100);
  });

  it("reads inside a shared buffer without looking outside [offset, offset + length)", () => {
    const rand = prng(7);
    for (let i = 0; i < 2000; i++) {
      const input = mutate(seeds[i % seeds.length], rand);
      const padded = new Uint8Array(input.length + 64).fill(0xc0);
      padded.set(input, 32);
      const alone = parseDnsMessage(input, 0, input.length);
      const inside = parseDnsMessage(padded, 32, input.length);
      expect(JSON.stringify(inside), `iteration ${i}`).toBe(JSON.stringify(alone));
    }
  });
});
