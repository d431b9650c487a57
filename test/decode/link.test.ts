// Every link layer the decoder knows, built byte by byte from the specs (IEEE 802.3/802.1Q/802.1ad/
// 802.1ah/802.11, RFC 3032 MPLS, RFC 2516 PPPoE, RFC 1661/1662 PPP, RFC 1042 SNAP, tcpdump.org's
// LINKTYPE pages for SLL/SLL2/NULL/LOOP/radiotap), each around a known IP packet.
import { describe, expect, it } from "vitest";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { LinkType, Packet } from "../../core/packet.ts";
import {
  be16,
  concatBytes,
  ethernetFrame,
  ethernetHeader,
  ieee80211DataHeader,
  ipPacket,
  llcSnap,
  mplsStack,
  pppoeSession,
  radiotapHeader,
  rawFrame,
  vlanTag,
} from "../fixtures/frames.ts";

const SRC_MAC = "00:11:22:33:44:55";
const DST_MAC = "66:77:88:99:aa:bb";
const udp4 = ipPacket({ src: "192.0.2.1", dst: "198.51.100.2", proto: "udp", sport: 1111, dport: 53, payload: "hello" });
const tcp6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "tcp", sport: 40000, dport: 443, flags: "S" });

function decoder() {
  const weirds: string[] = [];
  const d = new PacketDecoder({ weird: (name) => weirds.push(name), skipChecksum: () => false });
  return { d, weirds, pkt: new Packet() };
}

function mac(pkt: Packet, off: number): string | null {
  if (off < 0) return null;
  return Array.from(pkt.frame.subarray(off, off + 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}

function address(pkt: Packet, off: number): string {
  const b = pkt.ip;
  if (pkt.ipVersion === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[off + i] << 8) | b[off + i + 1]).toString(16));
  return groups.join(":");
}

interface LinkCase {
  name: string;
  linkType: number;
  bytes: Uint8Array;
  /** The IP packet inside: udp4 or tcp6. */
  inner: Uint8Array;
  vlan?: number;
  innerVlan?: number;
  vlanDepth?: number;
  mpls?: boolean;
  l2Src?: string | null;
  l2Dst?: string | null;
}

const eth = (type: number) => ethernetHeader(type, SRC_MAC, DST_MAC);
const ethernetTwo = (inner: Uint8Array, type: number) => concatBytes(eth(type), inner);

const linkCases: LinkCase[] = [
  { name: "Ethernet II, IPv4", linkType: LinkType.EN10MB, bytes: ethernetTwo(udp4, 0x0800), inner: udp4, l2Src: SRC_MAC, l2Dst: DST_MAC },
  { name: "Ethernet II, IPv6", linkType: LinkType.EN10MB, bytes: ethernetTwo(tcp6, 0x86dd), inner: tcp6, l2Src: SRC_MAC, l2Dst: DST_MAC },
  {
    name: "802.1Q",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8100), vlanTag(10, 0x0800, 5), udp4),
    inner: udp4,
    vlan: 10,
    innerVlan: -1,
    vlanDepth: 1,
  },
  {
    name: "802.1ad outer, 802.1Q inner",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x88a8), vlanTag(100, 0x8100), vlanTag(200, 0x86dd), tcp6),
    inner: tcp6,
    vlan: 100,
    innerVlan: 200,
    vlanDepth: 2,
  },
  {
    name: "three tags, 0x9100 outermost",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x9100), vlanTag(1, 0x8100), vlanTag(2, 0x8100), vlanTag(3, 0x0800), udp4),
    inner: udp4,
    vlan: 1,
    innerVlan: 2,
    vlanDepth: 3,
  },
  {
    name: "MPLS, one label",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8847), mplsStack([16]), udp4),
    inner: udp4,
    mpls: true,
  },
  {
    name: "MPLS multicast, two labels, IPv6 guessed from the version nibble",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8848), mplsStack([1000, 2000]), tcp6),
    inner: tcp6,
    mpls: true,
  },
  {
    name: "MPLS inside 802.1Q",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8100), vlanTag(3399, 0x8847), mplsStack([254, 99]), udp4),
    inner: udp4,
    vlan: 3399,
    mpls: true,
  },
  {
    name: "PPPoE session, IPv4",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8864), pppoeSession(udp4.length, 0x0021), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
  },
  {
    name: "PPPoE session over QinQ, IPv6",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x88a8), vlanTag(20, 0x8100), vlanTag(30, 0x8864), pppoeSession(tcp6.length, 0x0057), tcp6),
    inner: tcp6,
    vlan: 20,
    innerVlan: 30,
  },
  {
    name: "VN-Tag then 802.1Q",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8926), [0, 0, 0, 0], be16(0x8100), vlanTag(11, 0x0800), udp4),
    inner: udp4,
    vlan: 11,
  },
  {
    name: "802.1ah PBB: the customer frame's MAC addresses are the ones reported",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8100), vlanTag(4051, 0x88e7), [0, 0x1e, 0xbb, 0x30], ethernetHeader(0x0800, "0a:0b:0c:0d:0e:0f", "01:02:03:04:05:06"), udp4),
    inner: udp4,
    vlan: 4051,
    l2Src: "0a:0b:0c:0d:0e:0f",
    l2Dst: "01:02:03:04:05:06",
  },
  {
    name: "Cisco FabricPath: the inner frame's MAC addresses are the ones reported",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(0x8903), [0, 0], ethernetHeader(0x0800, "0a:0b:0c:0d:0e:0f", "01:02:03:04:05:06"), udp4),
    inner: udp4,
    l2Src: "0a:0b:0c:0d:0e:0f",
    l2Dst: "01:02:03:04:05:06",
  },
  {
    name: "802.3 with LLC/SNAP carrying IPv4",
    linkType: LinkType.EN10MB,
    bytes: concatBytes(eth(8 + udp4.length), llcSnap(0x0800), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
  },
  { name: "raw IP (DLT 101)", linkType: LinkType.RAW, bytes: udp4, inner: udp4, l2Src: null, l2Dst: null },
  { name: "raw IPv4 (DLT 228)", linkType: LinkType.IPV4, bytes: udp4, inner: udp4 },
  { name: "raw IPv6 (DLT 229)", linkType: LinkType.IPV6, bytes: tcp6, inner: tcp6 },
  { name: "raw IP (BSD DLT 12)", linkType: 12, bytes: udp4, inner: udp4 },
  { name: "raw IP (OpenBSD DLT 14)", linkType: 14, bytes: tcp6, inner: tcp6 },
  { name: "BSD null, little-endian AF_INET", linkType: LinkType.NULL, bytes: concatBytes([2, 0, 0, 0], udp4), inner: udp4 },
  { name: "BSD null, big-endian AF_INET", linkType: LinkType.NULL, bytes: concatBytes([0, 0, 0, 2], udp4), inner: udp4 },
  { name: "BSD null, Darwin AF_INET6 (30)", linkType: LinkType.NULL, bytes: concatBytes([30, 0, 0, 0], tcp6), inner: tcp6 },
  { name: "BSD null, FreeBSD AF_INET6 (28)", linkType: LinkType.NULL, bytes: concatBytes([28, 0, 0, 0], tcp6), inner: tcp6 },
  { name: "OpenBSD loop (DLT 108), AF_INET6 (24) in network order", linkType: LinkType.LOOP, bytes: concatBytes([0, 0, 0, 24], tcp6), inner: tcp6 },
  { name: "PPP with HDLC framing", linkType: LinkType.PPP, bytes: concatBytes([0xff, 0x03, 0x00, 0x21], udp4), inner: udp4 },
  { name: "PPP without framing", linkType: LinkType.PPP, bytes: concatBytes([0x00, 0x57], tcp6), inner: tcp6 },
  { name: "PPP with a compressed protocol field", linkType: LinkType.PPP, bytes: concatBytes([0x21], udp4), inner: udp4 },
  {
    name: "PPP carrying MPLS",
    linkType: LinkType.PPP,
    bytes: concatBytes([0xff, 0x03, 0x02, 0x81], mplsStack([42]), udp4),
    inner: udp4,
    mpls: true,
  },
  { name: "PPP in HDLC-like framing (DLT 50)", linkType: LinkType.PPP_SERIAL, bytes: concatBytes([0xff, 0x03, 0x00, 0x57], tcp6), inner: tcp6 },
  { name: "Cisco PPP with HDLC framing (DLT 50)", linkType: LinkType.PPP_SERIAL, bytes: concatBytes([0x0f, 0x00, 0x08, 0x00], udp4), inner: udp4 },
  { name: "PPPoE without Ethernet (DLT 51)", linkType: LinkType.PPP_ETHER, bytes: concatBytes(pppoeSession(udp4.length, 0x0021), udp4), inner: udp4 },
  { name: "Cisco HDLC (DLT 104)", linkType: LinkType.C_HDLC, bytes: concatBytes([0x8f, 0x00, 0x86, 0xdd], tcp6), inner: tcp6 },
  {
    name: "Linux SLL: the sender's address, no destination",
    linkType: LinkType.LINUX_SLL,
    bytes: concatBytes(be16(0), be16(1), be16(6), [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], be16(0x0800), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
    l2Dst: null,
  },
  {
    name: "Linux SLL with an 802.1Q tag left in",
    linkType: LinkType.LINUX_SLL,
    bytes: concatBytes(be16(0), be16(1), be16(6), [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], be16(0x8100), vlanTag(7, 0x0800), udp4),
    inner: udp4,
    vlan: 7,
  },
  {
    name: "Linux SLL2",
    linkType: LinkType.LINUX_SLL2,
    bytes: concatBytes(be16(0x86dd), be16(0), [0, 0, 0, 2], be16(1), [0, 6], [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0, 0], tcp6),
    inner: tcp6,
    l2Src: SRC_MAC,
    l2Dst: null,
  },
  {
    name: "802.11 data, no DS bits: source address 2, destination address 1",
    linkType: LinkType.IEEE802_11,
    bytes: concatBytes(ieee80211DataHeader({ addr: [DST_MAC, SRC_MAC, "02:00:00:00:00:03"] }), llcSnap(0x0800), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
    l2Dst: DST_MAC,
  },
  {
    name: "802.11 to the DS: destination is address 3",
    linkType: LinkType.IEEE802_11,
    bytes: concatBytes(ieee80211DataHeader({ toDs: true, addr: ["02:00:00:00:00:0a", SRC_MAC, DST_MAC] }), llcSnap(0x0800), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
    l2Dst: DST_MAC,
  },
  {
    name: "802.11 QoS data from the DS: source is address 3",
    linkType: LinkType.IEEE802_11,
    bytes: concatBytes(ieee80211DataHeader({ fromDs: true, qos: true, addr: [DST_MAC, "02:00:00:00:00:0b", SRC_MAC] }), llcSnap(0x86dd), tcp6),
    inner: tcp6,
    l2Src: SRC_MAC,
    l2Dst: DST_MAC,
  },
  {
    name: "802.11 four-address (WDS): source address 4, destination address 3",
    linkType: LinkType.IEEE802_11,
    bytes: concatBytes(
      ieee80211DataHeader({ toDs: true, fromDs: true, addr: ["02:00:00:00:00:0a", "02:00:00:00:00:0b", DST_MAC, SRC_MAC] }),
      llcSnap(0x0800),
      udp4,
    ),
    inner: udp4,
    l2Src: SRC_MAC,
    l2Dst: DST_MAC,
  },
  {
    name: "radiotap then 802.11",
    linkType: LinkType.IEEE802_11_RADIO,
    bytes: concatBytes(radiotapHeader(18), ieee80211DataHeader({ addr: [DST_MAC, SRC_MAC, "02:00:00:00:00:03"] }), llcSnap(0x0800), udp4),
    inner: udp4,
    l2Src: SRC_MAC,
    l2Dst: DST_MAC,
  },
  {
    name: "FDDI with LLC/SNAP: no MAC addresses, as in Zeek's baseline for llc.pcap",
    linkType: 10,
    bytes: concatBytes([0x50], [2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2], llcSnap(0x0800), udp4),
    inner: udp4,
    l2Src: null,
    l2Dst: null,
  },
];

describe("link layers", () => {
  it.each(linkCases)("$name", (c) => {
    const { d, weirds, pkt } = decoder();
    const frame = rawFrame(c.bytes, c.linkType);
    expect(d.decode(frame, pkt)).toBe(true);
    expect(weirds).toEqual([]);
    const v6 = c.inner === tcp6;
    // The IP header is found where the test put it, inside the capture buffer.
    expect(pkt.ip).toBe(frame.data);
    expect(pkt.ipOff).toBe(frame.offset + c.bytes.length - c.inner.length);
    expect(pkt.ipVersion).toBe(v6 ? 6 : 4);
    expect(pkt.ipLen).toBe(c.inner.length);
    expect(pkt.ipCapLen).toBe(c.inner.length);
    expect(address(pkt, pkt.srcOff)).toBe(v6 ? "2001:db8:0:0:0:0:0:1" : "192.0.2.1");
    expect(address(pkt, pkt.dstOff)).toBe(v6 ? "2001:db8:0:0:0:0:0:2" : "198.51.100.2");
    expect([pkt.proto, pkt.srcPort, pkt.dstPort]).toEqual(v6 ? [6, 40000, 443] : [17, 1111, 53]);
    expect(pkt.vlan).toBe(c.vlan ?? -1);
    if (c.innerVlan !== undefined) expect(pkt.innerVlan).toBe(c.innerVlan);
    if (c.vlanDepth !== undefined) expect(pkt.vlanDepth).toBe(c.vlanDepth);
    expect(pkt.mpls).toBe(c.mpls ?? false);
    if (c.l2Src !== undefined) expect(mac(pkt, pkt.l2SrcOff)).toBe(c.l2Src);
    if (c.l2Dst !== undefined) expect(mac(pkt, pkt.l2DstOff)).toBe(c.l2Dst);
    expect(d.stats).toMatchObject({ frames: 1, ip: 1, nonIp: 0, dropped: 0 });
  });

  it("counts 802.3 frames as LLC whether or not they carry IP", () => {
    const { d, pkt } = decoder();
    const snap = concatBytes(eth(8 + udp4.length), llcSnap(0x0800), udp4);
    // A spanning-tree BPDU: LLC with DSAP/SSAP 0x42, UI.
    const stp = concatBytes(eth(38), [0x42, 0x42, 0x03], new Array(35).fill(0));
    expect(d.decode(rawFrame(snap), pkt)).toBe(true);
    expect(d.decode(rawFrame(stp), pkt)).toBe(false);
    expect(d.stats).toMatchObject({ llc: 2, ip: 1, nonIp: 1, dropped: 0 });
  });

  it("uses the 802.3 length field, not the padding after it", () => {
    const { d, weirds, pkt } = decoder();
    // A 7-byte LLC payload cuts SNAP short, whatever follows in the frame.
    expect(d.decode(rawFrame(concatBytes(eth(7), llcSnap(0x0800), udp4)), pkt)).toBe(false);
    expect(weirds).toEqual(["truncated_snap_header"]);
    const padded = concatBytes(eth(8 + udp4.length), llcSnap(0x0800), udp4, new Array(20).fill(0));
    expect(d.decode(rawFrame(padded), pkt)).toBe(true);
    expect(pkt.ipCapLen).toBe(udp4.length);
  });

  it("ignores Ethernet padding: the IP total length says where the packet ends", () => {
    const { d, pkt } = decoder();
    const small = ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 1, dport: 2 });
    const padded = concatBytes(ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 1, dport: 2 }), new Array(18).fill(0));
    expect(padded.length).toBe(60);
    expect(d.decode(rawFrame(padded), pkt)).toBe(true);
    expect([pkt.ipLen, pkt.ipCapLen, pkt.l4Len, pkt.l4CapLen]).toEqual([small.length, small.length, 8, 8]);
  });

  it("resets what the previous packet left in the reused Packet", () => {
    const { d, pkt } = decoder();
    expect(d.decode(rawFrame(concatBytes(eth(0x8100), vlanTag(10, 0x8847), mplsStack([5]), udp4)), pkt)).toBe(true);
    expect(d.decode(rawFrame(udp4, LinkType.RAW), pkt)).toBe(true);
    expect([pkt.vlan, pkt.innerVlan, pkt.vlanDepth, pkt.mpls, pkt.l2SrcOff, pkt.l2DstOff]).toEqual([-1, -1, 0, false, -1, -1]);
  });
});

describe("frames that carry no IP", () => {
  const notIp: { name: string; linkType: number; bytes: Uint8Array }[] = [
    { name: "ARP", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x0806), new Array(28).fill(0)) },
    { name: "LLDP inside 802.1Q", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8100), vlanTag(5, 0x88cc), new Array(30).fill(0)) },
    { name: "PPPoE discovery", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8863), new Array(30).fill(0)) },
    { name: "PPP LCP inside PPPoE", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8864), pppoeSession(10, 0xc021), new Array(10).fill(0)) },
    { name: "SNAP with a non-zero OUI", linkType: LinkType.EN10MB, bytes: concatBytes(eth(30), [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00], new Array(22).fill(0)) },
    { name: "Novell raw 802.3", linkType: LinkType.EN10MB, bytes: concatBytes(eth(30), [0xff, 0xff], new Array(28).fill(0)) },
    { name: "802.11 beacon", linkType: LinkType.IEEE802_11, bytes: concatBytes([0x80, 0x00], new Array(60).fill(0)) },
    { name: "802.11 null data", linkType: LinkType.IEEE802_11, bytes: concatBytes([0x48, 0x01], new Array(30).fill(0)) },
    {
      name: "802.11 protected data",
      linkType: LinkType.IEEE802_11,
      bytes: concatBytes([0x08, 0x41], new Array(22).fill(0), llcSnap(0x0800), udp4),
    },
    { name: "BSD null with AF_LINK", linkType: LinkType.NULL, bytes: concatBytes([18, 0, 0, 0], udp4) },
    { name: "Cisco HDLC SLARP", linkType: LinkType.C_HDLC, bytes: concatBytes([0x8f, 0x00, 0x80, 0x35], new Array(20).fill(0)) },
  ];

  it.each(notIp)("$name", ({ linkType, bytes }) => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(rawFrame(bytes, linkType), pkt)).toBe(false);
    expect(weirds).toEqual([]);
    expect(d.stats).toMatchObject({ frames: 1, nonIp: 1, ip: 0, dropped: 0 });
    expect(pkt.ipVersion).toBe(0);
  });

  it("counts a link type it does not know apart", () => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(rawFrame(udp4, 147), pkt)).toBe(false);
    expect(weirds).toEqual([]);
    expect(d.stats).toMatchObject({ unknownLinkType: 1, nonIp: 0 });
  });
});

describe("malformed link headers", () => {
  const cases: { weird: string; linkType: number; bytes: Uint8Array }[] = [
    { weird: "truncated_ethernet_frame", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x0800), [0x45, 0]) },
    { weird: "truncated_link_header_cfp", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8903), new Array(10).fill(0)) },
    { weird: "truncated_VLAN_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8100), vlanTag(1, 0x8100), [0, 1, 8]) },
    { weird: "undefined_ether_type", linkType: LinkType.EN10MB, bytes: concatBytes(eth(1501), udp4) },
    { weird: "undefined_vlan_protocol", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8100), vlanTag(1, 1535), udp4) },
    { weird: "truncated_link_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8847), [0, 1, 0, 64], [0, 2, 0, 64]) },
    { weird: "truncated_pppoe_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8864), [0x11, 0, 0, 1, 0]) },
    { weird: "truncated_vntag_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x8926), [0, 0, 0]) },
    { weird: "truncated_PBB_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(0x88e7), new Array(10).fill(0)) },
    { weird: "truncated_snap_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(6), [0xaa, 0xaa, 0x03, 0, 0, 0], new Array(20).fill(0)) },
    { weird: "truncated_llc_header", linkType: LinkType.EN10MB, bytes: concatBytes(eth(3), [0x42, 0x42, 0x00], new Array(20).fill(0)) },
    { weird: "null_analyzer_failed", linkType: LinkType.NULL, bytes: Uint8Array.from([2, 0, 0, 0]) },
    { weird: "truncated_Linux_SLL_header", linkType: LinkType.LINUX_SLL, bytes: new Uint8Array(16) },
    { weird: "truncated_Linux_SLL2_header", linkType: LinkType.LINUX_SLL2, bytes: new Uint8Array(20) },
    { weird: "truncated_ppp_header", linkType: LinkType.PPP, bytes: Uint8Array.from([0x00, 0x21]) },
    { weird: "truncated_ppp_hdlc_header", linkType: LinkType.PPP, bytes: Uint8Array.from([0xff, 0x03, 0x00, 0x21]) },
    // A radiotap header claiming 100 bytes in a 24-byte frame.
    { weird: "truncated_radiotap_header", linkType: LinkType.IEEE802_11_RADIO, bytes: concatBytes([0, 0, 100, 0], new Array(20).fill(0)) },
    { weird: "truncated_802_11_header", linkType: LinkType.IEEE802_11, bytes: concatBytes([0x08, 0x00], new Array(20).fill(0)) },
    { weird: "truncated_802_11_llc_header", linkType: LinkType.IEEE802_11, bytes: concatBytes(ieee80211DataHeader({}), [0xaa, 0xaa, 0x03]) },
    { weird: "FDDI_analyzer_failed", linkType: 10, bytes: new Uint8Array(21) },
    {
      weird: "max_packet_analyzer_depth_exceeded",
      linkType: LinkType.EN10MB,
      bytes: concatBytes(eth(0x8100), ...Array.from({ length: 40 }, () => vlanTag(1, 0x8100)), vlanTag(1, 0x0800), udp4),
    },
  ];

  it.each(cases)("$weird", ({ weird, linkType, bytes }) => {
    const { d, weirds, pkt } = decoder();
    expect(d.decode(rawFrame(bytes, linkType), pkt)).toBe(false);
    expect(weirds).toEqual([weird]);
    expect(d.stats).toMatchObject({ frames: 1, dropped: 1, ip: 0, nonIp: 0 });
  });

  it("reports PPPoE payload lengths that disagree with the frame, after the filter, and goes on", () => {
    const { d, weirds, pkt } = decoder();
    // Ethernet padding after a short PPPoE payload: Zeek's pppoe_extra_data_after_payload.
    const padded = concatBytes(eth(0x8864), pppoeSession(udp4.length, 0x0021), udp4, new Array(10).fill(0));
    expect(d.decode(rawFrame(padded), pkt)).toBe(true);
    expect(weirds).toEqual(["pppoe_extra_data_after_payload"]);
    expect(pkt.ipCapLen).toBe(udp4.length);
  });
});
