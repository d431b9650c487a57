// examples/example.pcap was recorded by tcpdump between real daemons and clients (see
// examples/make-example-capture.sh). This checks it holds what examples/README.md says it holds, and
// that our reader and decoder take every frame of it without a weird: real software wrote it.
import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { readCapture } from "../../core/capture/reader.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { Packet, type RawFrame } from "../../core/packet.ts";
import { internetChecksum } from "../fixtures/frames.ts";

const EXAMPLE = fileURLToPath(new URL("../../examples/example.pcap", import.meta.url));

interface Tally {
  packets: number;
  nonIp: number;
  weirds: string[];
  /** "icmp type 8", "udp 53", "tcp 80": keyed by protocol and the server's port (or ICMP type). */
  kinds: Map<string, number>;
  /** Every address seen, dotted. */
  addresses: Set<string>;
  /** Transport segments whose checksum does not verify (RFC 793/768/792). */
  badChecksums: number;
}

/** Verifies the transport checksum of the IPv4 packet in pkt: the sum over pseudo-header and segment is 0. */
function transportChecksumOk(pkt: Packet): boolean {
  const segment = pkt.ip.subarray(pkt.l4Off, pkt.l4Off + pkt.l4Len);
  if (pkt.proto === 1) return internetChecksum(segment) === 0;
  const pseudo = new Uint8Array(12);
  pseudo.set(pkt.ip.subarray(pkt.srcOff, pkt.srcOff + 4), 0);
  pseudo.set(pkt.ip.subarray(pkt.dstOff, pkt.dstOff + 4), 4);
  pseudo[9] = pkt.proto;
  pseudo[10] = segment.length >> 8;
  pseudo[11] = segment.length & 0xff;
  return internetChecksum(pseudo, segment) === 0;
}

async function tally(): Promise<Tally> {
  const t: Tally = { packets: 0, nonIp: 0, weirds: [], kinds: new Map(), addresses: new Set(), badChecksums: 0 };
  const decoder = new PacketDecoder({ weird: (name) => t.weirds.push(name), skipChecksum: () => false });
  const pkt = new Packet();
  const onFrame = (frame: RawFrame): void => {
    if (!decoder.decode(frame, pkt)) {
      t.nonIp++;
      return;
    }
    if (!transportChecksumOk(pkt)) t.badChecksums++;
    const ip = pkt.ip;
    for (const off of [pkt.srcOff, pkt.dstOff]) t.addresses.add(Array.from(ip.subarray(off, off + 4)).join("."));
    const kind =
      pkt.proto === 1
        ? `icmp type ${ip[pkt.l4Off]}`
        : `${pkt.proto === 6 ? "tcp" : "udp"} ${Math.min(pkt.srcPort, pkt.dstPort)}`;
    t.kinds.set(kind, (t.kinds.get(kind) ?? 0) + 1);
  };
  t.packets = (await readCapture(EXAMPLE, onFrame)).packets;
  return t;
}

describe("examples/example.pcap", async () => {
  const t = await tally();

  it("has 40 frames, 2 of them ARP, and no weird", () => {
    expect(t.packets).toBe(40);
    expect(t.nonIp).toBe(2);
    expect(t.weirds).toEqual([]);
  });

  // veth leaves checksums to an offload that never happens; the script turns that off, so the
  // capture carries the checksums a wire would.
  it("has a correct TCP, UDP and ICMP checksum in every packet", () => {
    expect(t.badChecksums).toBe(0);
  });

  it.each([
    ["icmp type 8", 3], // ping -c 3: echo requests
    ["icmp type 0", 3], // and their replies
    ["udp 53", 10], // A, AAAA, MX, TXT and an NXDOMAIN: five queries, five answers
    ["tcp 53", 10], // dig +tcp: handshake, length-prefixed query and answer with ACKs, FIN both ways
    ["tcp 80", 12], // curl: handshake, GET, headers and body, FIN both ways
  ])("holds %s x%i", (kind, count) => {
    expect(t.kinds.get(kind)).toBe(count);
  });

  it("talks only between the two addresses the script assigns", () => {
    expect([...t.addresses].sort()).toEqual(["10.77.0.1", "10.77.0.2"]);
  });
});
