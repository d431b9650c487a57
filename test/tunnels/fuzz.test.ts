// Malformed tunnels never throw: mutations of valid GRE, PPTP, VXLAN, Geneve, Teredo, AYIYA and
// GTPv1 packets (and random bytes) on their protocols and ports go through the whole pipeline,
// nested too, and come out as weirds and logs; seeded, so a failure replays.
import { describe, expect, it } from "vitest";
import { be16, concatBytes, ethernetFrame, ipPacket } from "../fixtures/frames.ts";
import { runPipeline, type TimedFrame } from "../fixtures/pipeline.ts";
import { mutate, prng, randomBytes } from "../dns/fuzz-inputs.ts";

const INNER_V4 = ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 1234, dport: 53, payload: "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x01a\x00\x00\x01\x00\x01" });
const INNER_V6 = ipPacket({ src: "2001:0:4137:9e50::1", dst: "2001:db8::2", proto: "icmp", icmpType: 128 });
const INNER_ETH = ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "tcp", sport: 1000, dport: 80, flags: "S" });

/** A valid payload of each tunnel, and how it is carried: an IP protocol or a UDP port. */
const SEEDS: { carrier: number | { port: number }; payload: Uint8Array }[] = [
  { carrier: 47, payload: concatBytes([0xb0, 0x00], be16(0x0800), new Array(12).fill(0), INNER_V4) },
  { carrier: 47, payload: concatBytes([0x10, 0x00], be16(0x22eb), [0, 0, 0, 1], [0x20, 0x01, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 1], new Array(8).fill(0), INNER_ETH) },
  { carrier: 47, payload: concatBytes([0x30, 0x81], be16(0x880b), be16(INNER_V4.length + 4), be16(9), [0, 0, 0, 1, 0, 0, 0, 0, 0xff, 0x03], be16(0x0021), INNER_V4) },
  { carrier: 4, payload: INNER_V4 },
  { carrier: 41, payload: INNER_V6 },
  { carrier: { port: 4789 }, payload: concatBytes([0x08, 0, 0, 0, 0, 0, 1, 0], INNER_ETH) },
  { carrier: { port: 6081 }, payload: concatBytes([0x01, 0x00], be16(0x6558), [0, 0, 1, 0], [0, 1, 0x80, 0], INNER_ETH) },
  { carrier: { port: 3544 }, payload: concatBytes([0, 0, 0xf2, 0x7b, 0x3f, 0x57, 0xfe, 0xfd], INNER_V6) },
  { carrier: { port: 5072 }, payload: concatBytes([0x41, 0x52, 0x11, 41, 0, 0, 0, 0], new Array(36).fill(0), INNER_V6) },
  { carrier: { port: 2152 }, payload: concatBytes([0x34, 0xff], be16(INNER_V4.length + 8), [0, 0, 0, 1, 0, 0, 0, 0x85, 1, 0x10, 0x09, 0], INNER_V4) },
  { carrier: { port: 4754 }, payload: concatBytes([0, 0], be16(0x6558), INNER_ETH) },
];

function carried(carrier: number | { port: number }, payload: Uint8Array, sport: number): Uint8Array {
  return typeof carrier === "number"
    ? ethernetFrame({ src: "192.0.2.1", dst: "192.0.2.2", proto: carrier, payload })
    : ethernetFrame({ src: "192.0.2.1", dst: "192.0.2.2", proto: "udp", sport, dport: carrier.port, payload });
}

describe("malformed tunnels", () => {
  it("go through the pipeline as weirds, never a throw", () => {
    const rand = prng(4711);
    const frames: TimedFrame[] = [];
    let ts = 1;
    for (let round = 0; round < 60; round++) {
      for (const seed of SEEDS) {
        const payload = round % 6 === 5 ? randomBytes(rand, 120) : mutate(seed.payload, rand);
        frames.push({ ts: (ts += 0.01), frame: carried(seed.carrier, payload, 40000 + (round % 7)) });
        // The same mutation one level deeper, inside a valid VXLAN tunnel.
        const inner = carried(seed.carrier, payload, 41000 + (round % 7));
        frames.push({ ts: (ts += 0.01), frame: carried({ port: 4789 }, concatBytes([0x08, 0, 0, 0, 0, 0, 2, 0], inner), 42000) });
      }
    }
    const r = runPipeline(frames);
    expect(r.diagnostics).toEqual([]);
    // The valid outer VXLAN tunnel was seen throughout.
    expect(r.rows("conn").some((c) => c["id.resp_p"] === "4789" && c.service === "vxlan")).toBe(true);
    expect(r.rows("weird").length).toBeGreaterThan(0);
  }, 60_000);
});
