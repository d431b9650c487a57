// The decoder over the Zeek corpus's link-layer traces, read through core/capture, with Zeek's own
// conn.log baselines as the oracle: every packet Zeek counted in a connection is one decode() that
// returned true, the conversations are the same, and so are the MAC addresses and VLAN ids Zeek logged.
import { describe, expect, it } from "vitest";
import { readCapture } from "../../core/capture/reader.ts";
import { transportChecksumOk } from "../../core/decode/checksum.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { formatAddr, formatMac } from "../../core/net/address.ts";
import { Packet } from "../../core/packet.ts";
import { rawFrame } from "../fixtures/frames.ts";
import { logRows } from "../fixtures/logs.ts";

const CORPUS = new URL("../../../shared/corpus/zeek/", import.meta.url).pathname;

/** The rows of a Zeek conn.log, as column name → value. */
function connLog(baseline: string): Record<string, string>[] {
  return logRows(`${CORPUS}baselines/${baseline}`, "latin1");
}

function protoName(proto: number): string {
  return proto === 6 ? "tcp" : proto === 17 ? "udp" : proto === 1 || proto === 58 ? "icmp" : "unknown_transport";
}

/** A conversation as both sides see it: protocol and the two addresses (ports too for TCP/UDP). */
function conversation(proto: string, a: string, aPort: string, b: string, bPort: string): string {
  const withPorts = proto === "tcp" || proto === "udp";
  const ends = [withPorts ? `${a}:${aPort}` : a, withPorts ? `${b}:${bPort}` : b].sort();
  return `${proto} ${ends.join(" ")}`;
}

interface Decoded {
  accepted: number;
  conversations: Set<string>;
  /** "address:port" → the MAC address first seen for that endpoint ("-" when the link has none). */
  macs: Map<string, string>;
  /** conversation → "vlan/inner_vlan" of its packets. */
  vlans: Map<string, string>;
  decoder: PacketDecoder;
}

async function decodeTrace(trace: string, skipChecksum: boolean): Promise<Decoded> {
  const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => skipChecksum });
  const pkt = new Packet();
  const out: Decoded = { accepted: 0, conversations: new Set(), macs: new Map(), vlans: new Map(), decoder };
  await readCapture(`${CORPUS}traces/${trace}`, (frame) => {
    if (!decoder.decode(frame, pkt)) return;
    out.accepted++;
    const version = pkt.ipVersion as 4 | 6;
    const src = formatAddr(pkt.ip, pkt.srcOff, version);
    const dst = formatAddr(pkt.ip, pkt.dstOff, version);
    const conv = conversation(protoName(pkt.proto), src, String(pkt.srcPort), dst, String(pkt.dstPort));
    out.conversations.add(conv);
    out.vlans.set(conv, `${pkt.vlan}/${pkt.innerVlan}`);
    // Zeek takes a connection's MAC addresses from its first packet.
    if (!out.macs.has(`${src}:${pkt.srcPort}`)) out.macs.set(`${src}:${pkt.srcPort}`, pkt.l2SrcOff < 0 ? "-" : formatMac(pkt.frame, pkt.l2SrcOff));
    if (!out.macs.has(`${dst}:${pkt.dstPort}`)) out.macs.set(`${dst}:${pkt.dstPort}`, pkt.l2DstOff < 0 ? "-" : formatMac(pkt.frame, pkt.l2DstOff));
  });
  return out;
}

// Traces and the baseline Zeek wrote for them; `skipChecksum` where CONFORMANCE.tsv runs with -C.
const linkTraces = [
  { trace: "cisco-fabric-path.pcap", baseline: "core.cisco-fabric-path/conn.log", skipChecksum: false },
  { trace: "pbb.pcap", baseline: "core.pbb/conn.log", skipChecksum: false },
  { trace: "vntag.pcap", baseline: "core.vntag/conn.log", skipChecksum: true },
  { trace: "mixed-vlan-mpls.pcap", baseline: "core.vlan-mpls/conn.log", skipChecksum: true },
  { trace: "mpls-in-vlan.pcap", baseline: "core.mpls-in-vlan/conn.log", skipChecksum: true },
  { trace: "pppoe.pcap", baseline: "core.pppoe/conn.log", skipChecksum: false },
  { trace: "pppoe-over-qinq.pcap", baseline: "core.pppoe-over-qinq/conn.log", skipChecksum: false },
  { trace: "q-in-q.pcap", baseline: "scripts.policy.protocols.conn.vlan-logging/conn.log", skipChecksum: false },
  { trace: "ppp/quic-interop-retry.pcap", baseline: "core.ppp/conn.log", skipChecksum: false },
  { trace: "llc.pcap", baseline: "scripts.policy.protocols.conn.mac-logging/conn3.log", skipChecksum: true },
  { trace: "radiotap.pcap", baseline: "core.radiotap/conn.log", skipChecksum: true },
  { trace: "wlanmon.pcap", baseline: "core.wlanmon/conn.log", skipChecksum: true },
  { trace: "wikipedia.pcap", baseline: "scripts.policy.protocols.conn.mac-logging/conn1.log", skipChecksum: true },
];

describe("Zeek corpus link-layer traces", () => {
  it.each(linkTraces)("$trace: the packets and conversations of $baseline", async ({ trace, baseline, skipChecksum }) => {
    const rows = connLog(baseline);
    const decoded = await decodeTrace(trace, skipChecksum);
    const zeekPackets = rows.reduce((n, r) => n + Number(r.orig_pkts) + Number(r.resp_pkts), 0);
    expect(decoded.accepted).toBe(zeekPackets);
    const zeekConversations = new Set(rows.map((r) => conversation(r.proto, r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"])));
    expect(decoded.conversations).toEqual(zeekConversations);
  });

  it("vntag_vlan_sandwich_clean.pcap: the one packet is delivered; Zeek's TCP analyzer, not the decoder, rejects its cut options", async () => {
    const rows = connLog("core.vntag-in-vlan/conn.log");
    const decoded = await decodeTrace("vntag_vlan_sandwich_clean.pcap", true);
    expect(decoded.accepted).toBe(1);
    expect(decoded.conversations).toEqual(new Set([conversation("tcp", rows[0]["id.orig_h"], rows[0]["id.orig_p"], rows[0]["id.resp_h"], rows[0]["id.resp_p"])]));
    expect(decoded.vlans.get([...decoded.conversations][0])).toBe("250/250");
  });

  it.each([
    { trace: "wikipedia.pcap", baseline: "scripts.policy.protocols.conn.mac-logging/conn1.log" },
    { trace: "radiotap.pcap", baseline: "scripts.policy.protocols.conn.mac-logging/conn2.log" },
    { trace: "llc.pcap", baseline: "scripts.policy.protocols.conn.mac-logging/conn3.log" },
  ])("$trace: the MAC addresses of $baseline", async ({ trace, baseline }) => {
    const decoded = await decodeTrace(trace, true);
    for (const r of connLog(baseline)) {
      expect(decoded.macs.get(`${r["id.orig_h"]}:${r["id.orig_p"]}`)).toBe(r.orig_l2_addr);
      expect(decoded.macs.get(`${r["id.resp_h"]}:${r["id.resp_p"]}`)).toBe(r.resp_l2_addr);
    }
  });

  it("q-in-q.pcap: the VLAN ids of Zeek's vlan-logging baseline", async () => {
    const decoded = await decodeTrace("q-in-q.pcap", false);
    for (const r of connLog("scripts.policy.protocols.conn.vlan-logging/conn.log")) {
      const conv = conversation(r.proto, r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"]);
      expect(decoded.vlans.get(conv)).toBe(`${r.vlan}/${r.inner_vlan}`);
    }
  });

  it("ipv6-fragmented-dns.pcap: reassembles the answer in three fragments, leaves the lone fragment pending", async () => {
    const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => false });
    const pkt = new Packet();
    const udpLengths: number[] = [];
    await readCapture(`${CORPUS}traces/ipv6-fragmented-dns.pcap`, (frame) => {
      if (!decoder.decode(frame, pkt)) return;
      expect(transportChecksumOk(pkt)).toBe(true);
      // The UDP length field agrees with what reassembly put together.
      expect((pkt.ip[pkt.l4Off + 4] << 8) | pkt.ip[pkt.l4Off + 5]).toBe(pkt.l4Len);
      udpLengths.push(pkt.l4Len);
    });
    // Three queries, one unfragmented answer, one answer of 1432 + 1432 + 374 bytes (tcpdump).
    expect(udpLengths).toEqual([81, 331, 82, 82, 1432 + 1432 + 374]);
    expect(decoder.stats).toMatchObject({ fragments: 4, fragmentsReassembled: 1, fragmentsPending: 1 });
  });
});

describe("transport checksums of real captures", () => {
  // The first packet of each; tcpdump -vv calls every one of these checksums correct.
  it.each([
    { trace: "http/get.pcap", what: "TCP over IPv4" },
    { trace: "ftp/ipv6.pcap", what: "TCP over IPv6" },
    { trace: "dns53.pcap", what: "UDP over IPv4" },
    { trace: "ipv6-fragmented-dns.pcap", what: "UDP over IPv6" },
    { trace: "icmp/icmp-ping.pcap", what: "ICMP" },
    { trace: "icmp/icmp6-ping.pcap", what: "ICMPv6" },
  ])("$what ($trace)", async ({ trace }) => {
    const frames: Uint8Array[] = [];
    let linkType = 0;
    await readCapture(`${CORPUS}traces/${trace}`, (frame) => {
      if (frames.length === 0) frames.push(frame.data.slice(frame.offset, frame.offset + frame.caplen));
      linkType = frame.linkType;
    });
    const decoder = new PacketDecoder({ weird: () => {}, skipChecksum: () => false });
    const pkt = new Packet();
    expect(decoder.decode(rawFrame(frames[0], linkType), pkt)).toBe(true);
    expect(transportChecksumOk(pkt)).toBe(true);
    const corrupted = Buffer.from(frames[0]);
    corrupted[pkt.ipOff - 7 + pkt.ipLen - 1] ^= 0x01; // last byte of the IP packet (rawFrame puts 7 bytes before the frame)
    expect(decoder.decode(rawFrame(corrupted, linkType), pkt)).toBe(true);
    expect(transportChecksumOk(pkt)).toBe(false);
  });
});
