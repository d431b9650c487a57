// The network layer: IPv4 options, IPv6 extension headers (RFC 8200) with a routing header's final
// destination and a home address option (RFC 6275), Zeek's IP-analyzer checks and weird names for
// malformed headers, the IPv4 header checksum, transport headers, and where the packet filter applies.
import { describe, expect, it } from "vitest";
import { PacketDecoder, type DecoderOptions } from "../../core/decode/decoder.ts";
import { LinkType, Packet, type RawFrame } from "../../core/packet.ts";
import {
  concatBytes,
  ethernetHeader,
  fixIpv4Checksum,
  ipPacket,
  ipv6Bytes,
  pppoeSession,
  rawFrame,
  withIpv4Options,
  withIpv6ExtensionHeaders,
} from "../fixtures/frames.ts";

function decoder(opts: Partial<DecoderOptions> = {}) {
  const weirds: string[] = [];
  const d = new PacketDecoder({ weird: (name) => weirds.push(name), skipChecksum: () => false, ...opts });
  return { d, weirds, pkt: new Packet() };
}

function hex(b: Uint8Array, off: number, len: number): string {
  return Buffer.from(b.subarray(off, off + len)).toString("hex");
}

/** `packet` with its bytes changed by `edit`, IPv4 header checksum recomputed. */
function edited(packet: Uint8Array, edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(packet);
  edit(b);
  if (b[0] >> 4 === 4) fixIpv4Checksum(b);
  return b;
}

const udp4 = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "udp", sport: 1111, dport: 53, payload: "hello" });
const tcp4 = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "tcp", sport: 40000, dport: 80, flags: "A", payload: "x".repeat(100) });
const udp6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "udp", sport: 5353, dport: 5353, payload: "mdns" });
const raw = (bytes: Uint8Array, wirelen = bytes.length): RawFrame => rawFrame(bytes, LinkType.RAW, 0, wirelen);

describe("IPv4", () => {
  it("skips header options: the transport header follows IHL*4 bytes", () => {
    // Record Route (RFC 791 §3.1): type 7, length 11, pointer 4, two empty slots.
    const withOptions = withIpv4Options(udp4, [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    const { d, weirds, pkt } = decoder();
    const frame = raw(withOptions);
    expect(d.decode(frame, pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect([pkt.ipHdrLen, pkt.ipLen, pkt.l4Off - pkt.ipOff, pkt.l4Len]).toEqual([32, udp4.length + 12, 32, 13]);
    expect([pkt.proto, pkt.srcPort, pkt.dstPort, pkt.ttl]).toEqual([17, 1111, 53, 64]);
  });

  it("drops a packet whose header checksum is wrong, unless checksums are skipped for it", () => {
    const bad = Buffer.from(udp4);
    bad[10] ^= 0xff;
    const strict = decoder();
    expect(strict.d.decode(raw(bad), strict.pkt)).toBe(false);
    expect(strict.weirds).toEqual(["bad_IP_checksum"]);
    expect(strict.d.stats).toMatchObject({ ip: 1, dropped: 1 });

    const seen: string[] = [];
    const lenient = decoder({
      skipChecksum: (pkt) => {
        seen.push(hex(pkt.ip, pkt.srcOff, 4));
        return true;
      },
    });
    expect(lenient.d.decode(raw(bad), lenient.pkt)).toBe(true);
    expect(lenient.weirds).toEqual([]);
    // Asked with the addresses already decoded (ignore_checksums_nets matches on the source).
    expect(seen).toEqual(["c0000201"]);
  });

  it("takes the captured length when TCP segmentation offload zeroed the total length and checksums are off", () => {
    const tso = edited(tcp4, (b) => b.writeUInt16BE(0, 2));
    const strict = decoder();
    expect(strict.d.decode(raw(tso), strict.pkt)).toBe(false);
    expect(strict.weirds).toEqual(["ip_hdr_len_zero"]);

    const lenient = decoder({ skipChecksum: () => true });
    expect(lenient.d.decode(raw(tso), lenient.pkt)).toBe(true);
    expect(lenient.weirds).toEqual(["ip_hdr_len_zero"]);
    expect([lenient.pkt.ipLen, lenient.pkt.l4Len]).toEqual([tcp4.length, tcp4.length - 20]);
  });

  it("decodes a snapped packet whose headers were captured, lengths telling what is missing", () => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(tcp4.subarray(0, 60), tcp4.length), pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect([pkt.ipLen, pkt.ipCapLen, pkt.l4Len, pkt.l4CapLen]).toEqual([140, 60, 120, 40]);
  });
});

describe("IPv6 extension headers", () => {
  const finalDst = "2001:db8::99";
  const home = "2001:db8:1::7";

  it("walks hop-by-hop, destination options and AH to the transport header", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [
      { type: 0, body: [1, 2, 0, 0] }, // PadN
      { type: 60, body: [1, 4, 0, 0, 0, 0] }, // PadN
      { type: 51, body: [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd] }, // SPI 1, seq 1, 4-byte ICV
    ]);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(packet), pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect([pkt.ipHdrLen, pkt.proto, pkt.srcPort, pkt.dstPort]).toEqual([40 + 8 + 8 + 16, 17, 5353, 5353]);
    expect(pkt.l4Len).toBe(12);
  });

  it("uses a type 2 routing header's address as the destination (Mobile IPv6)", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [{ type: 43, body: [2, 1, 0, 0, 0, 0, ...ipv6Bytes(finalDst)] }]);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(packet), pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect(hex(pkt.ip, pkt.dstOff, 16)).toBe(hex(ipv6Bytes(finalDst), 0, 16));
    expect(hex(pkt.ip, pkt.srcOff, 16)).toBe(hex(ipv6Bytes("2001:db8::1"), 0, 16));
  });

  it("uses a type 0 routing header's last address, with Zeek's routing0_hdr weird", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [{ type: 43, body: [0, 1, 0, 0, 0, 0, ...ipv6Bytes(finalDst)] }]);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(packet), pkt)).toBe(true);
    expect(weirds).toEqual(["routing0_hdr"]);
    expect(hex(pkt.ip, pkt.dstOff, 16)).toBe(hex(ipv6Bytes(finalDst), 0, 16));
  });

  it("reports routing headers Zeek finds odd, keeping the header's destination", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [
      { type: 43, body: [7, 1, 0, 0, 0, 0] }, // unknown routing type 7
      { type: 43, body: [2, 0, 0, 0, 0, 0, ...ipv6Bytes(finalDst)] }, // type 2, no segments left
    ]);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(packet), pkt)).toBe(true);
    expect(weirds).toEqual(["unknown_routing_type"]);
    expect(hex(pkt.ip, pkt.dstOff, 16)).toBe(hex(ipv6Bytes("2001:db8::2"), 0, 16));
  });

  it("uses a home address destination option as the source (Mobile IPv6)", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [{ type: 60, body: [201, 16, ...ipv6Bytes(home)] }]);
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(packet), pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect(hex(pkt.ip, pkt.srcOff, 16)).toBe(hex(ipv6Bytes(home), 0, 16));
  });

  it("reports a destination option that runs past its header", () => {
    const packet = withIpv6ExtensionHeaders(udp6, [{ type: 60, body: [1, 30] }]);
    const { d, weirds } = decoder();
    expect(d.decode(raw(packet), new Packet())).toBe(true);
    expect(weirds).toEqual(["bad_ipv6_dest_opt_len"]);
  });

  it("stops at ESP: nothing to hand the connection table, nothing wrong either", () => {
    const esp = Buffer.from(udp6);
    esp[6] = 50;
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(esp), pkt)).toBe(false);
    expect(weirds).toEqual([]);
    expect(d.stats).toMatchObject({ ip: 1, dropped: 0 });
    expect(pkt.proto).toBe(50);
  });

  it("reports No Next Header", () => {
    const none = Buffer.from(udp6);
    none[6] = 59;
    const { d, weirds } = decoder();
    expect(d.decode(raw(none), new Packet())).toBe(false);
    expect(weirds).toEqual(["ipv6_no_next"]);
  });
});

describe("transport protocols", () => {
  it.each([
    { name: "ICMP destination unreachable", spec: { src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp", icmpType: 3, icmpCode: 1 }, proto: 1, ports: [3, 1] },
    { name: "ICMPv6 echo request", spec: { src: "fe80::1", dst: "fe80::2", proto: "icmp", icmpType: 128, icmpCode: 0 }, proto: 58, ports: [128, 0] },
    { name: "OSPF (no ports)", spec: { src: "10.0.0.1", dst: "224.0.0.5", proto: 89, payload: "x".repeat(24) }, proto: 89, ports: [0, 0] },
    { name: "IP-in-IP: the outer packet", spec: { src: "10.0.0.1", dst: "10.0.0.2", proto: 4, payload: udp4 }, proto: 4, ports: [0, 0] },
    { name: "ESP over IPv4: an unknown transport, as in Zeek", spec: { src: "10.0.0.1", dst: "10.0.0.2", proto: 50, payload: "x".repeat(16) }, proto: 50, ports: [0, 0] },
  ] as const)("$name", ({ spec, proto, ports }) => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(raw(ipPacket({ ...spec })), pkt)).toBe(true);
    expect(weirds).toEqual([]);
    expect([pkt.proto, pkt.srcPort, pkt.dstPort]).toEqual([proto, ...ports]);
  });
});

describe("malformed IP and transport headers", () => {
  const tcp6WithHopByHop = withIpv6ExtensionHeaders(
    ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "tcp", sport: 1, dport: 2, flags: "S" }),
    [{ type: 0, body: new Array(14).fill(0) }],
  );
  const cases: { name: string; weird: string; frame: RawFrame }[] = [
    { name: "fewer than 20 bytes", weird: "truncated_IP", frame: raw(udp4.subarray(0, 19)) },
    { name: "version 5", weird: "unknown_ip_version", frame: raw(edited(udp4, (b) => (b[0] = 0x55))) },
    { name: "IPv6 shorter than its fixed header", weird: "truncated_IP", frame: raw(udp6.subarray(0, 39)) },
    { name: "total length beyond the wire length", weird: "truncated_IP_len", frame: raw(edited(udp4, (b) => b.writeUInt16BE(udp4.length + 10, 2))) },
    { name: "header longer than the total length", weird: "invalid_IP_header_size", frame: raw(edited(udp4, (b) => (b[0] = 0x4f))) },
    {
      name: "options cut off by the snap length",
      weird: "internally_truncated_header",
      frame: raw(withIpv4Options(udp4, [1, 1, 1, 1, 1, 1, 1, 1]).subarray(0, 24), udp4.length + 8),
    },
    { name: "IHL below 5", weird: "IPv4_min_header_size", frame: raw(edited(udp4, (b) => (b[0] = 0x44))) },
    {
      name: "IPv6 extension header cut off by the snap length",
      weird: "internally_truncated_header",
      frame: raw(tcp6WithHopByHop.subarray(0, 44), tcp6WithHopByHop.length),
    },
    { name: "TCP with room for 10 header bytes", weird: "truncated_header", frame: raw(edited(tcp4.subarray(0, 30), (b) => b.writeUInt16BE(30, 2))) },
    { name: "TCP header cut by the snap length", weird: "internally_truncated_header", frame: raw(tcp4.subarray(0, 30), tcp4.length) },
    { name: "UDP with room for 6 header bytes", weird: "truncated_header", frame: raw(edited(udp4.subarray(0, 26), (b) => b.writeUInt16BE(26, 2))) },
    {
      name: "ICMP with room for 4 header bytes",
      weird: "truncated_header",
      frame: raw(edited(ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp" }).subarray(0, 24), (b) => b.writeUInt16BE(24, 2))),
    },
    { name: "IP header right after an Ethernet header, nothing else", weird: "truncated_IP", frame: rawFrame(concatBytes(ethernetHeader(0x0800), [0x45, 0, 0])) },
  ];

  it.each(cases)("$name: $weird", ({ weird, frame }) => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(frame, pkt)).toBe(false);
    expect(weirds).toEqual([weird]);
    expect(d.stats.dropped).toBe(1);
  });

  it("never throws, whatever prefix of a frame it gets and whatever bytes it holds", () => {
    const { d, pkt } = decoder();
    /** Whatever it accepts stays inside what was captured, with lengths that add up. */
    const decodeChecked = (frame: RawFrame) => {
      if (!d.decode(frame, pkt)) return;
      if (pkt.ip === frame.data) expect(pkt.ipOff + pkt.ipCapLen).toBeLessThanOrEqual(frame.offset + frame.caplen);
      expect(pkt.l4CapLen).toBeGreaterThanOrEqual(0);
      expect(pkt.l4CapLen).toBeLessThanOrEqual(pkt.l4Len);
      expect(pkt.l4Off).toBe(pkt.ipOff + pkt.ipHdrLen);
    };
    const frames = [
      concatBytes(ethernetHeader(0x8100), [0, 5, 0x88, 0x64], pppoeSession(tcp4.length, 0x0021), tcp4),
      concatBytes(ethernetHeader(0x86dd), tcp6WithHopByHop),
      withIpv4Options(udp4, [7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0]),
    ];
    let random = 12345;
    const nextByte = () => ((random = (random * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    for (const linkType of [0, 1, 9, 10, 12, 50, 51, 101, 104, 105, 108, 113, 127, 228, 229, 276]) {
      for (const frame of frames) {
        for (let len = 0; len <= frame.length; len++) decodeChecked(rawFrame(frame.subarray(0, len), linkType, 0, frame.length));
      }
      for (let n = 0; n < 200; n++) decodeChecked(rawFrame(Uint8Array.from({ length: nextByte() }, nextByte), linkType));
    }
    expect(d.stats.frames).toBeGreaterThan(5000);
    expect(d.stats.ip).toBeGreaterThan(100);
  });
});

describe("the packet filter", () => {
  it("sees addresses and ports, and a frame it rejects counts only as filtered", () => {
    const seen: string[] = [];
    const { d, weirds, pkt } = decoder({
      filter: (p) => {
        seen.push(`${p.ipVersion} ${p.proto} ${p.srcPort} ${p.dstPort}`);
        return p.dstPort !== 53;
      },
    });
    expect(d.decode(raw(udp4), pkt)).toBe(false);
    expect(d.decode(raw(tcp4), pkt)).toBe(true);
    expect(seen).toEqual(["4 17 1111 53", "4 6 40000 80"]);
    expect(weirds).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 2, filtered: 1, ip: 1, nonIp: 0, dropped: 0 });
  });

  it("sees frames that carry no IP", () => {
    const { d, pkt } = decoder({ filter: (p) => p.ipVersion !== 0 });
    expect(d.decode(rawFrame(concatBytes(ethernetHeader(0x0806), new Array(28).fill(0))), pkt)).toBe(false);
    expect(d.stats).toMatchObject({ filtered: 1, nonIp: 0 });
  });

  it("keeps a rejected frame from raising any weird, as BPF would have kept it from Zeek", () => {
    const badChecksum = Buffer.from(udp4);
    badChecksum[10] ^= 0xff;
    const pppoePadded = concatBytes(ethernetHeader(0x8864), pppoeSession(udp4.length, 0x0021), udp4, new Array(10).fill(0));
    const malformed = [raw(udp4.subarray(0, 19)), raw(badChecksum), rawFrame(pppoePadded), rawFrame(concatBytes(ethernetHeader(0x8100), [0, 1, 8]))];

    const rejecting = decoder({ filter: () => false });
    for (const f of malformed) expect(rejecting.d.decode(f, rejecting.pkt)).toBe(false);
    expect(rejecting.weirds).toEqual([]);
    expect(rejecting.d.stats).toMatchObject({ filtered: 4, dropped: 0 });

    const accepting = decoder({ filter: () => true });
    for (const f of malformed) accepting.d.decode(f, accepting.pkt);
    expect(accepting.weirds).toEqual(["truncated_IP", "bad_IP_checksum", "pppoe_extra_data_after_payload", "truncated_VLAN_header"]);
  });
});
