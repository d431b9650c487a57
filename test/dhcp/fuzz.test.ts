// Random DHCP messages and random mutations of the corpus's: the parser must never throw, must name
// every failure and weird, must keep what it decodes inside the message, and must stay fast.
// Seeded, so a failure replays; modest counts (the machine is shared).
import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { parseDhcpMessage } from "../../analyzers/dhcp/parser.ts";
import { prng, type Random } from "../dns/fuzz-inputs.ts";
import { tracePayloads } from "../fixtures/trace-payloads.ts";
import { bootp, END, opt } from "./message-builder.ts";
import { TRACES } from "../fixtures/corpus.ts";

const DHCP_TRACES = `${TRACES}/dhcp`;
const OPTIONS_START = 240;

const seeds = readdirSync(DHCP_TRACES)
  .filter((f) => f.endsWith(".pcap"))
  .flatMap((f) => tracePayloads(`${DHCP_TRACES}/${f}`).map((m) => m.payload));

/** Codes the parser decodes, and a few it only lists, to draw random options from. */
const CODES = [1, 2, 3, 4, 5, 6, 12, 15, 19, 28, 42, 43, 44, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 77, 81, 82, 116, 252, 0, 119, 121];

function randomBytes(rand: Random, n: number): number[] {
  return Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** A message of random options, each of a random (often wrong) length, in the options field or an overloaded one. */
function randomMessage(rand: Random): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  const options = (count: number) =>
    Array.from({ length: count }, () => {
      const code = CODES[pick(CODES.length)];
      if (code === 0) return [0];
      if (code === 82) return opt(82, ...Array.from({ length: pick(4) }, () => opt(pick(8), randomBytes(rand, pick(6)))));
      return opt(code, randomBytes(rand, pick(3) === 0 ? pick(20) : [1, 2, 4, 8][pick(4)]));
    }).flat();
  const field = (size: number) => (rand() < 0.3 ? [...options(pick(4)), ...END].slice(0, size) : undefined);
  return bootp({ op: 1 + pick(2), xid: pick(2 ** 32), chaddr: randomBytes(rand, 16), sname: field(64), file: field(128) }, [...options(pick(12)), ...(rand() < 0.9 ? END : [])]);
}

function mutate(source: Uint8Array, rand: Random): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  let m = Uint8Array.from(source);
  for (let edits = 1 + pick(3); edits > 0; edits--) {
    switch (pick(4)) {
      case 0: // a byte of the options changed: codes and lengths go wrong
        if (m.length > OPTIONS_START) m[OPTIONS_START + pick(m.length - OPTIONS_START)] = pick(256);
        break;
      case 1: // anywhere
        if (m.length > 0) m[pick(m.length)] = pick(256);
        break;
      case 2: // cut short
        m = m.slice(0, pick(m.length + 1));
        break;
      case 3: // a random tail
        m = Uint8Array.from([...m, ...randomBytes(rand, pick(40))]);
        break;
    }
  }
  return m;
}

const NAME = /^DHCP_[a-z_]+$/;

describe("fuzzing the DHCP parser", () => {
  it("has seeds from the corpus", () => {
    expect(seeds.length).toBeGreaterThan(10);
  });

  it("never throws, names every failure and weird, and ends", () => {
    const rand = prng(0xd4c9);
    const iterations = 6000;
    let ok = 0;
    for (let i = 0; i < iterations; i++) {
      const input = i % 2 === 0 ? mutate(seeds[i % seeds.length], rand) : randomMessage(rand);
      const r = parseDhcpMessage(input, 0, input.length);
      for (const w of r.weirds) expect(w.name, `iteration ${i}`).toMatch(NAME);
      if (r.ok) {
        ok++;
        // Every option listed took at least its code byte of the message or of sname/file.
        expect(r.options.options.length, `iteration ${i}`).toBeLessThanOrEqual(input.length - OPTIONS_START + 64 + 128);
        expect(r.msg.m_type).toBeGreaterThanOrEqual(0);
        expect(r.msg.m_type).toBeLessThan(256);
      } else {
        expect(r.weirds.length, `iteration ${i}`).toBeGreaterThan(0);
      }
    }
    // Not everything may be rejected, or the option decoders go untested.
    expect(ok).toBeGreaterThan(iterations / 5);
  });

  it("reads nothing outside [offset, offset + length) of a shared buffer", () => {
    const rand = prng(99);
    for (let i = 0; i < 1500; i++) {
      const input = i % 2 === 0 ? mutate(seeds[i % seeds.length], rand) : randomMessage(rand);
      const padded = new Uint8Array(input.length + 64).fill(0xff);
      padded.set(input, 32);
      expect(parseDhcpMessage(padded, 32, input.length), `iteration ${i}`).toEqual(parseDhcpMessage(input, 0, input.length));
    }
  });
});
