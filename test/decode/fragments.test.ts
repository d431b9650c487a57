// IP fragment reassembly (RFC 791, RFC 8200 §4.5) with Zeek's semantics: first data wins on overlap,
// Zeek's weird names, frag_timeout in network time, bounded memory.
import { describe, expect, it } from "vitest";
import { transportChecksumOk } from "../../core/decode/checksum.ts";
import { PacketDecoder, type DecoderOptions } from "../../core/decode/decoder.ts";
import { FragmentFields } from "../../core/decode/fragment-fields.ts";
import { FragmentReassembler } from "../../core/decode/fragments.ts";
import { decodeIpv4Header } from "../../core/decode/ipv4.ts";
import { LinkType, Packet } from "../../core/packet.ts";
import {
  fixIpv4Checksum,
  fragmentIpv4,
  fragmentIpv6,
  ipPacket,
  rawFrame,
  withIpv6ExtensionHeaders,
  type FragmentPiece,
} from "../fixtures/frames.ts";

const payload = Buffer.from(Array.from({ length: 300 }, (_, i) => i & 0xff));
const udp4 = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "udp", sport: 1111, dport: 53, payload, ipId: 0x1234 });
const udp6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "udp", sport: 5353, dport: 53, payload });
// UDP header and payload: 308 bytes, cut at multiples of 8.
const thirds: FragmentPiece[] = [
  { offset: 0, length: 104 },
  { offset: 104, length: 104 },
  { offset: 208, length: 100 },
];

function decoder(opts: Partial<DecoderOptions> = {}) {
  const weirds: string[] = [];
  const d = new PacketDecoder({ weird: (name) => weirds.push(name), skipChecksum: () => false, ...opts });
  const pkt = new Packet();
  /** Decodes each fragment as a raw-IP frame at network time `ts`; the decode() results. */
  const feed = (fragments: Uint8Array[], ts = 0) => fragments.map((f) => d.decode(rawFrame(f, LinkType.RAW, ts), pkt));
  return { d, weirds, pkt, feed };
}

function datagram(pkt: Packet): Buffer {
  return Buffer.from(pkt.ip.subarray(pkt.ipOff, pkt.ipOff + pkt.ipLen));
}

describe("IPv4 reassembly", () => {
  it.each([
    { order: [0, 1, 2] },
    { order: [2, 1, 0] },
    { order: [1, 2, 0] },
    { order: [2, 0, 1] },
  ])("fragments in order $order give back the original datagram", ({ order }) => {
    const fragments = fragmentIpv4(udp4, thirds);
    const { d, weirds, pkt, feed } = decoder();
    expect(feed(order.map((i) => fragments[i]))).toEqual([false, false, true]);
    expect(weirds).toEqual([]);
    // A fresh buffer, header fixed up (length, no MF, checksum): byte for byte the unfragmented packet.
    expect(pkt.ipOff).toBe(0);
    expect(datagram(pkt)).toEqual(udp4);
    expect([pkt.ipHdrLen, pkt.ipCapLen, pkt.l4Len, pkt.l4CapLen, pkt.proto, pkt.srcPort, pkt.dstPort]).toEqual([20, 328, 308, 308, 17, 1111, 53]);
    expect(transportChecksumOk(pkt)).toBe(true);
    expect(d.stats).toMatchObject({ ip: 3, fragments: 3, fragmentsReassembled: 1, fragmentsPending: 0, dropped: 0 });
  });

  it("lets the filter see ports on the first fragment only, as BPF does", () => {
    const seen: number[][] = [];
    const { feed } = decoder({ filter: (p) => (seen.push([p.srcPort, p.dstPort]), true) });
    expect(feed(fragmentIpv4(udp4, thirds))).toEqual([false, false, true]);
    expect(seen).toEqual([
      [1111, 53],
      [0, 0],
      [0, 0],
    ]);
  });

  it("never completes a datagram whose fragments the filter rejected", () => {
    const { d, feed } = decoder({ filter: (p) => p.dstPort === 53 });
    expect(feed(fragmentIpv4(udp4, thirds))).toEqual([false, false, false]);
    expect(d.stats).toMatchObject({ filtered: 2, fragmentsPending: 1, fragmentsReassembled: 0 });
  });

  it("reports an overlap that repeats the same bytes, and reassembles", () => {
    const { weirds, pkt, feed } = decoder();
    const overlapping = fragmentIpv4(udp4, [{ offset: 0, length: 104 }, { offset: 96, length: 112 }, thirds[2]]);
    expect(feed(overlapping)).toEqual([false, false, true]);
    expect(weirds).toEqual(["fragment_overlap"]);
    expect(datagram(pkt)).toEqual(udp4);
  });

  it("keeps the data seen first where overlapping fragments disagree", () => {
    const { weirds, pkt, feed } = decoder();
    const disagreeing = fragmentIpv4(udp4, [{ offset: 0, length: 104 }, { offset: 96, length: 112, fill: 0xaa }, thirds[2]]);
    expect(feed(disagreeing)).toEqual([false, false, true]);
    expect(weirds).toEqual(["fragment_inconsistency"]);
    const expected = Buffer.from(udp4);
    expected.fill(0xaa, 20 + 104, 20 + 208);
    expect(datagram(pkt)).toEqual(expected);
  });

  it("drops a datagram still incomplete after frag_timeout (Zeek's 5 min) of network time", () => {
    const [first, second, last] = fragmentIpv4(udp4, thirds);
    const { d, feed } = decoder();
    expect(feed([first, second], 1000)).toEqual([false, false]);
    expect(d.stats.fragmentsPending).toBe(1);
    expect(feed([ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp" })], 1299)).toEqual([true]);
    expect(d.stats).toMatchObject({ fragmentsPending: 1, fragmentsExpired: 0 });
    expect(feed([ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp" })], 1300)).toEqual([true]);
    expect(d.stats).toMatchObject({ fragmentsPending: 0, fragmentsExpired: 1 });
    // The last fragment now starts a datagram of its own.
    expect(feed([last], 1301)).toEqual([false]);
    expect(d.stats).toMatchObject({ fragmentsPending: 1, fragmentsReassembled: 0 });
  });

  it("keeps waiting forever with a frag_timeout of 0", () => {
    const [first, second, last] = fragmentIpv4(udp4, thirds);
    const { feed } = decoder({ fragTimeout: 0 });
    expect(feed([first, second], 0)).toEqual([false, false]);
    expect(feed([last], 1e6)).toEqual([true]);
  });

  it("keeps datagrams with different identification or addresses apart", () => {
    const other = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "udp", sport: 2222, dport: 53, payload, ipId: 0x5678 });
    const otherSource = ipPacket({ src: "192.0.2.9", dst: "198.51.100.2", proto: "udp", sport: 3333, dport: 53, payload, ipId: 0x1234 });
    const [a0, a1, a2] = fragmentIpv4(udp4, thirds);
    const [b0, b1, b2] = fragmentIpv4(other, thirds);
    const [c0, c1, c2] = fragmentIpv4(otherSource, thirds);
    const { d, pkt, weirds } = decoder();
    const ports: number[] = [];
    for (const f of [a0, b0, c0, b1, a1, c1, c2, a2, b2]) if (d.decode(rawFrame(f, LinkType.RAW), pkt)) ports.push(pkt.srcPort);
    expect(ports).toEqual([3333, 1111, 2222]);
    expect(weirds).toEqual([]);
  });

  it.each([
    {
      weird: "fragment_with_DF",
      fragments: () => fragmentIpv4(udp4, thirds, { dontFragment: true }),
      expected: ["fragment_with_DF", "fragment_with_DF", "fragment_with_DF"],
    },
    {
      weird: "excessively_small_fragment",
      fragments: () => fragmentIpv4(udp4, [{ offset: 0, length: 8 }, { offset: 8, length: 300 }]),
      expected: ["excessively_small_fragment"],
    },
    {
      weird: "fragment_size_inconsistency",
      // Two "last" fragments that end in different places.
      fragments: () => fragmentIpv4(udp4, [thirds[2], { offset: 104, length: 104, more: false }, thirds[0]]),
      expected: ["fragment_size_inconsistency"],
    },
    {
      weird: "fragment_protocol_inconsistency",
      fragments: () => {
        const f = fragmentIpv4(udp4, thirds);
        f[1][9] = 6;
        fixIpv4Checksum(f[1]);
        return f;
      },
      expected: ["fragment_protocol_inconsistency"],
    },
  ])("reports $weird and still reassembles", ({ fragments, expected }) => {
    const { weirds, pkt, feed } = decoder();
    const results = feed(fragments());
    expect(results[results.length - 1]).toBe(true);
    expect(weirds).toEqual(expected);
    expect(pkt.l4Len).toBe(308);
  });

  it("reports excessively_large_fragment for data past 64000 bytes", () => {
    const big = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "udp", sport: 1, dport: 2, payload: Buffer.alloc(64100, 7) });
    const { weirds, pkt, feed } = decoder();
    const results = feed(fragmentIpv4(big, [{ offset: 0, length: 32000 }, { offset: 32000, length: 32000 }, { offset: 64000, length: 108 }]));
    expect(results).toEqual([false, false, true]);
    expect(weirds).toEqual(["excessively_large_fragment"]);
    expect(pkt.ipLen).toBe(big.length);
    expect(transportChecksumOk(pkt)).toBe(true);
  });

  it("does not reassemble fragments that were not captured whole; a first fragment still counts", () => {
    const [first, second] = fragmentIpv4(udp4, thirds);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(rawFrame(second.subarray(0, 60), LinkType.RAW, 0, second.length), pkt)).toBe(false);
    expect(d.decode(rawFrame(first.subarray(0, 60), LinkType.RAW, 0, first.length), pkt)).toBe(true);
    expect(weirds).toEqual(["incompletely_captured_fragment", "incompletely_captured_fragment"]);
    expect([pkt.srcPort, pkt.dstPort, pkt.l4CapLen]).toEqual([1111, 53, 40]);
    expect(d.stats).toMatchObject({ fragments: 0, dropped: 1 });
  });
});

describe("IPv6 reassembly", () => {
  it.each([{ order: [0, 1, 2] }, { order: [2, 0, 1] }])("fragments in order $order give back the original datagram", ({ order }) => {
    const fragments = fragmentIpv6(udp6, thirds, 0xdeadbeef);
    const { d, weirds, pkt, feed } = decoder();
    expect(feed(order.map((i) => fragments[i]))).toEqual([false, false, true]);
    expect(weirds).toEqual([]);
    expect(datagram(pkt)).toEqual(udp6);
    expect([pkt.ipHdrLen, pkt.proto, pkt.srcPort, pkt.dstPort]).toEqual([40, 17, 5353, 53]);
    expect(transportChecksumOk(pkt)).toBe(true);
    expect(d.stats).toMatchObject({ fragmentsReassembled: 1, fragmentsPending: 0 });
  });

  it("keeps the unfragmentable extension headers and parses the fragmentable ones after reassembly", () => {
    const withHeaders = withIpv6ExtensionHeaders(udp6, [
      { type: 0, body: [1, 4, 0, 0, 0, 0] }, // hop-by-hop: unfragmentable
      { type: 60, body: [1, 4, 0, 0, 0, 0] }, // destination options: fragmentable
    ]);
    // After the 48 unfragmentable bytes: destination options (8) and UDP (308) = 316 bytes.
    const fragments = fragmentIpv6(withHeaders, [{ offset: 0, length: 160 }, { offset: 160, length: 156 }], 7, 48);
    const { weirds, pkt, feed } = decoder();
    expect(feed([fragments[1], fragments[0]])).toEqual([false, true]);
    expect(weirds).toEqual([]);
    expect(datagram(pkt)).toEqual(withHeaders);
    expect([pkt.ipHdrLen, pkt.proto, pkt.srcPort]).toEqual([56, 17, 5353]);
    expect(transportChecksumOk(pkt)).toBe(true);
  });

  it("delivers an atomic fragment (offset 0, no more fragments) at once", () => {
    const [atomic] = fragmentIpv6(udp6, [{ offset: 0, length: 308 }]);
    const { pkt, feed } = decoder();
    expect(feed([atomic])).toEqual([true]);
    expect(datagram(pkt)).toEqual(udp6);
  });
});

describe("reassembly memory", () => {
  it("drops the oldest pending datagram when past its bounds", () => {
    const stats = { fragmentsPending: 0, fragmentsReassembled: 0, fragmentsExpired: 0, fragmentsEvicted: 0 };
    const reassembler = new FragmentReassembler(0, () => {}, stats, { maxDatagrams: 2, maxBytes: 1 << 20 });
    const frag = new FragmentFields();
    const pkt = new Packet();
    const add = (ip: Uint8Array) => {
      pkt.ip = ip;
      pkt.ipOff = 0;
      decodeIpv4Header(pkt, frag);
      return reassembler.add(pkt, frag);
    };
    const datagrams = [1, 2, 3].map((id) => fragmentIpv4(ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", payload, ipId: id }), thirds));
    for (const [first, second] of datagrams) expect(add(first) ?? add(second)).toBeNull();
    expect(stats).toMatchObject({ fragmentsPending: 2, fragmentsEvicted: 1 });
    expect(add(datagrams[0][2])).toBeNull(); // the oldest is gone: this starts over
    expect(add(datagrams[2][2])).not.toBeNull();
    expect(stats).toMatchObject({ fragmentsReassembled: 1 });
  });
});
