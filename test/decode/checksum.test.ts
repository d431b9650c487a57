// The Internet checksum (RFC 1071) over IPv4 headers and TCP/UDP/ICMP/ICMPv6 segments, pseudo-headers
// per RFC 793/768 and RFC 8200 §8.1. Real captures with checksums tcpdump calls correct are checked
// in corpus.test.ts.
import { describe, expect, it } from "vitest";
import { ipv4HeaderChecksumOk, transportChecksumOk } from "../../core/decode/checksum.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { LinkType, Packet } from "../../core/packet.ts";
import { ipPacket, ipv6Bytes, rawFrame, withIpv6ExtensionHeaders, type FrameSpec } from "../fixtures/frames.ts";

/** Decodes `ip` as raw IP into a Packet; `caplen` snaps it. */
function decoded(ip: Uint8Array, caplen = ip.length): Packet {
  const d = new PacketDecoder({ weird: () => {}, skipChecksum: () => true });
  const pkt = new Packet();
  expect(d.decode(rawFrame(ip.subarray(0, caplen), LinkType.RAW, 0, ip.length), pkt)).toBe(true);
  return pkt;
}

describe("IPv4 header checksum", () => {
  // The worked example of a header with checksum 0xb861 that most textbooks use.
  const header = Buffer.from("45000073000040004011b861c0a80001c0a800c7", "hex");

  it("accepts a correct header", () => {
    expect(ipv4HeaderChecksumOk(header, 0, 20)).toBe(true);
  });

  it("rejects a header with one bit flipped", () => {
    const bad = Buffer.from(header);
    bad[8] ^= 0x01; // TTL
    expect(ipv4HeaderChecksumOk(bad, 0, 20)).toBe(false);
  });
});

describe("transport checksums", () => {
  const v4 = { src: "192.0.2.1", dst: "198.51.100.2" };
  const v6 = { src: "2001:db8::1", dst: "2001:db8::2" };
  const cases: { name: string; spec: FrameSpec }[] = [
    { name: "TCP over IPv4", spec: { ...v4, proto: "tcp", sport: 1, dport: 2, flags: "SA", payload: "tcp data" } },
    { name: "UDP over IPv4", spec: { ...v4, proto: "udp", sport: 53, dport: 53, payload: "udp" } },
    { name: "ICMP", spec: { ...v4, proto: "icmp", icmpType: 8, payload: "ping" } },
    { name: "TCP over IPv6", spec: { ...v6, proto: "tcp", sport: 1, dport: 2, flags: "S" } },
    { name: "UDP over IPv6, odd length", spec: { ...v6, proto: "udp", sport: 547, dport: 546, payload: "odd" } },
    { name: "ICMPv6", spec: { ...v6, proto: "icmp", icmpType: 128, payload: "ping6" } },
  ];

  it.each(cases)("$name: correct", ({ spec }) => {
    expect(transportChecksumOk(decoded(ipPacket(spec)))).toBe(true);
  });

  it.each(cases)("$name: corrupted", ({ spec }) => {
    expect(transportChecksumOk(decoded(ipPacket({ ...spec, badChecksum: true })))).toBe(false);
  });

  it.each(cases)("$name: a flipped data bit", ({ spec }) => {
    const ip = ipPacket(spec);
    ip[ip.length - 1] ^= 0x10;
    expect(transportChecksumOk(decoded(ip))).toBe(false);
  });

  it("takes a zero UDP checksum over IPv4 as none (RFC 768)", () => {
    const ip = ipPacket({ ...v4, proto: "udp", sport: 1, dport: 2, payload: "anything" });
    ip.writeUInt16BE(0, 20 + 6);
    expect(transportChecksumOk(decoded(ip))).toBe(true);
  });

  it("verifies a zero UDP checksum over IPv6 like any other: it is mandatory there (RFC 8200 §8.1)", () => {
    const ip = ipPacket({ ...v6, proto: "udp", sport: 1, dport: 2, payload: "anything" });
    ip.writeUInt16BE(0, 40 + 6);
    expect(transportChecksumOk(decoded(ip))).toBe(false);
  });

  it("does not judge a segment it did not see whole", () => {
    const ip = ipPacket({ ...v4, proto: "tcp", sport: 1, dport: 2, payload: "x".repeat(100), badChecksum: true });
    expect(transportChecksumOk(decoded(ip, 60))).toBe(true);
  });

  it("puts a routing header's final destination in the IPv6 pseudo-header", () => {
    const final = "2001:db8::99";
    // Checksummed for the final destination, sent to an intermediate router first.
    const toFinal = ipPacket({ src: "2001:db8::1", dst: final, proto: "udp", sport: 1, dport: 2, payload: "routed" });
    toFinal.set(ipv6Bytes("2001:db8::fe"), 24);
    const routed = withIpv6ExtensionHeaders(toFinal, [{ type: 43, body: [2, 1, 0, 0, 0, 0, ...ipv6Bytes(final)] }]);
    expect(transportChecksumOk(decoded(routed))).toBe(true);
  });

  it("passes protocols without a checksum it knows", () => {
    expect(transportChecksumOk(decoded(ipPacket({ ...v4, proto: 89, payload: "ospf hello" })))).toBe(true);
  });
});
