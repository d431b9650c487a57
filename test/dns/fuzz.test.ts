// Random mutations of real DNS messages (every corpus DNS trace): the parser must never throw or
// hit its internal-error guard, must always say why it failed, and must stay fast on any input.
// Seeded, so a failure replays.
import { describe, expect, it } from "vitest";
import { BASE_HANDLED_TYPES, type DnsParseOptions, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { RRType } from "../../analyzers/dns/types.ts";
import { corpusSeeds, mutate, prng } from "./fuzz-inputs.ts";

const seeds = corpusSeeds();

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

  it("never throws, always explains a failure, and ends", () => {
    const rand = prng(0x5eed);
    let confirmed = 0;
    const iterations = 20000;
    for (let i = 0; i < iterations; i++) {
      const input = mutate(seeds[i % seeds.length], rand);
      const opts = randomOptions(rand);
      const result = parseDnsMessage(input, 0, input.length, opts);
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
