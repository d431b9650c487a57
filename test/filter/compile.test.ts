// The filter compiler, end to end: frames built with the fixtures go through the real
// PacketDecoder, which calls the compiled filter where BPF would run, and the verdicts are
// compared with expected sets. Where tcpdump is installed, a wider table is checked against it
// as ground truth on a pcap holding the same frames.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { BadFilterError } from "../../core/errors.ts";
import { compileFilter } from "../../core/filter/compile.ts";
import { parseAddr } from "../../core/net/address.ts";
import { LinkType, Packet } from "../../core/packet.ts";
import { ethernetFrame, type FrameSpec } from "../fixtures/frames.ts";

/** An ARP request (not IP at all): `host`/`net` never match it, `not ...` does. */
function arpFrame(sender: string, target: string): Buffer {
  const f = Buffer.alloc(42);
  f.fill(0xff, 0, 6);
  Buffer.from("020000000001", "hex").copy(f, 6);
  f.writeUInt16BE(0x0806, 12);
  Buffer.from("0001080006040001020000000001", "hex").copy(f, 14);
  Buffer.from(parseAddr(sender)).copy(f, 28);
  Buffer.from(parseAddr(target)).copy(f, 38);
  return f;
}

const tcp = (src: string, dst: string, sport: number, dport: number, more: Partial<FrameSpec> = {}): FrameSpec => ({
  src, dst, proto: "tcp", sport, dport, flags: "S", ...more,
});
const udp = (src: string, dst: string, sport: number, dport: number, more: Partial<FrameSpec> = {}): FrameSpec => ({
  src, dst, proto: "udp", sport, dport, payload: "x", ...more,
});

/** The frames every table runs over, by name. Those with `vlans` are 802.1Q-tagged. */
const FRAMES: Record<string, Buffer> = {
  "http-syn": ethernetFrame(tcp("10.0.0.1", "192.168.1.10", 34567, 80)),
  "http-synack": ethernetFrame(tcp("192.168.1.10", "10.0.0.1", 80, 34567, { flags: "SA" })),
  mdns: ethernetFrame(udp("10.0.0.2", "224.0.0.251", 5353, 5353)),
  "dns-query": ethernetFrame(udp("172.16.5.4", "8.8.8.8", 53000, 53)),
  "dns-reply": ethernetFrame(udp("8.8.8.8", "172.16.5.4", 53, 53000)),
  // ICMP's identifier/sequence sit where ports would be: `port` must not look at them.
  ping: ethernetFrame({ src: "10.0.0.1", dst: "8.8.8.8", proto: "icmp", icmpType: 8, sport: 80, dport: 443 }),
  "time-exceeded": ethernetFrame({ src: "192.168.1.1", dst: "10.0.0.1", proto: "icmp", icmpType: 11 }),
  "v6-https": ethernetFrame(tcp("2001:db8::1", "2001:db8:1::2", 443, 51000, { flags: "A" })),
  "v6-dhcp": ethernetFrame(udp("fe80::1", "ff02::1:2", 546, 547)),
  "v6-ping": ethernetFrame({ src: "fe80::1", dst: "fe80::2", proto: "icmp", icmpType: 128 }),
  "v6-web": ethernetFrame(tcp("2001:db8::ffff:1", "2001:db8::1", 50000, 80)),
  ssh: ethernetFrame(tcp("10.1.2.3", "10.0.0.1", 22, 2222, { flags: "SA" })),
  "high-udp": ethernetFrame(udp("10.0.0.1", "10.0.0.3", 1024, 2048)),
  gre: ethernetFrame({ src: "10.0.0.5", dst: "10.0.0.6", proto: 47, payload: new Uint8Array(4) }),
  "self-80": ethernetFrame(tcp("10.0.0.7", "10.0.0.7", 80, 80)),
  "web-8080": ethernetFrame(tcp("192.168.0.20", "192.168.1.255", 40000, 8080)),
  "netbios-ns": ethernetFrame(udp("10.0.0.9", "10.0.0.255", 137, 137)),
  smb: ethernetFrame(tcp("10.0.0.1", "10.0.0.2", 49152, 445)),
  arp: arpFrame("203.0.113.1", "203.0.113.2"),
  "vlan10-http": ethernetFrame(tcp("10.0.0.1", "10.0.0.9", 1000, 80, { vlans: [10] })),
  "vlan20-v6-dns": ethernetFrame(udp("2001:db8::5", "2001:db8::53", 40000, 53, { vlans: [20] })),
  "vlan10-ping": ethernetFrame({ src: "172.16.0.1", dst: "172.16.0.2", proto: "icmp", icmpType: 8, vlans: [10] }),
};
const NAMES = Object.keys(FRAMES);
const TAGGED = new Set(["vlan10-http", "vlan20-v6-dns", "vlan10-ping"]);

/** Names of the frames the compiled filter accepts, as the decoder applies it. */
function matching(expression: string, frames: Record<string, Buffer> = FRAMES): string[] {
  const predicate = compileFilter(expression);
  let verdict: boolean | undefined;
  const decoder = new PacketDecoder({
    weird: () => {},
    skipChecksum: () => true,
    filter: (p) => (verdict = predicate(p)),
  });
  const pkt = new Packet();
  const matched: string[] = [];
  for (const [name, data] of Object.entries(frames)) {
    verdict = undefined;
    decoder.decode({ ts: 1, data, offset: 0, caplen: data.length, wirelen: data.length, linkType: LinkType.EN10MB }, pkt);
    if (verdict === undefined) throw new Error(`the decoder never asked the filter about ${name}`);
    if (verdict) matched.push(name);
  }
  return matched;
}

describe("compileFilter", () => {
  it.each<[string, string[]]>([
    ["", NAMES],
    ["   ", NAMES],
    ["tcp", ["http-syn", "http-synack", "v6-https", "v6-web", "ssh", "self-80", "web-8080", "smb", "vlan10-http"]],
    ["icmp", ["ping", "time-exceeded", "vlan10-ping"]],
    ["icmp6", ["v6-ping"]],
    ["ip6", ["v6-https", "v6-dhcp", "v6-ping", "v6-web", "vlan20-v6-dns"]],
    ["not ip and not ip6", ["arp"]],
    ["not tcp and not udp and not icmp and not icmp6", ["gre", "arp"]],
    ["host 10.0.0.1", ["http-syn", "http-synack", "ping", "time-exceeded", "ssh", "high-udp", "smb", "vlan10-http"]],
    ["src host 10.0.0.1 and dst host 8.8.8.8", ["ping"]],
    ["host 2001:db8::1", ["v6-https", "v6-web"]],
    // The abbreviation rule, and pcap's equal precedence of and/or (left to right).
    ["host 8.8.8.8 or 10.0.0.7", ["dns-query", "dns-reply", "ping", "self-80"]],
    ["host 8.8.8.8 or 10.0.0.7 and tcp", ["self-80"]],
    ["src and dst host 10.0.0.7", ["self-80"]],
    ["port 80 or 443", ["http-syn", "http-synack", "v6-https", "v6-web", "self-80", "vlan10-http"]],
    ["tcp port 80 and (443 or 22)", []],
    ["tcp port 22 or 443", ["v6-https", "ssh"]],
    ["src and dst port 80", ["self-80"]],
    ["udp portrange 1000-2048", ["high-udp"]],
    ["portrange 2048-1000", ["high-udp", "vlan10-http"]],
    ["port domain", ["dns-query", "dns-reply", "vlan20-v6-dns"]],
    ["port http", ["http-syn", "http-synack", "v6-web", "self-80", "vlan10-http"]],
    ["net 10.0.0.0/30", ["http-syn", "http-synack", "mdns", "ping", "time-exceeded", "ssh", "high-udp", "smb", "vlan10-http"]],
    ["net 172.16/12", ["dns-query", "dns-reply", "vlan10-ping"]],
    ["dst net 192.168.1.0 mask 255.255.255.0", ["http-syn", "web-8080"]],
    ["net fe80::/10 and not icmp6", ["v6-dhcp"]],
    ["ip proto 47", ["gre"]],
    ["proto \\udp and ip6", ["v6-dhcp", "vlan20-v6-dns"]],
    ["vlan", ["vlan10-http", "vlan20-v6-dns", "vlan10-ping"]],
    ["vlan 10 and tcp", ["vlan10-http"]],
    // BPF would read the second `vlan` one tag deeper; here each looks at the packet's tags afresh.
    ["vlan 10 or vlan 20", ["vlan10-http", "vlan20-v6-dns", "vlan10-ping"]],
    ["not vlan and net 172.16.0.0/12", ["dns-query", "dns-reply"]],
    ["!(tcp || udp) && ! icmp", ["v6-ping", "gre", "arp"]],
    // Qualifiers in front of a parenthesised group of values apply to each of them.
    ["host (8.8.8.8 or 10.0.0.7)", ["dns-query", "dns-reply", "ping", "self-80"]],
    // As in pcap, `not` there negates the whole primitive, the udp check included.
    ["udp port not 53 and not 5353", NAMES.filter((n) => !["mdns", "dns-query", "dns-reply", "vlan20-v6-dns"].includes(n))],
  ])("%j matches %j", (expression, expected) => {
    expect(matching(expression)).toEqual(expected);
  });

  it("matches `vlan N` against the inner tag of a double-tagged frame as well as the outer", () => {
    const frames = {
      qinq: ethernetFrame(tcp("10.0.0.1", "10.0.0.2", 1, 2, { vlans: [100, 200] })),
      single: ethernetFrame(tcp("10.0.0.1", "10.0.0.2", 1, 2, { vlans: [200] })),
      untagged: ethernetFrame(tcp("10.0.0.1", "10.0.0.2", 1, 2)),
    };
    expect(matching("vlan 100", frames)).toEqual(["qinq"]);
    expect(matching("vlan 200", frames)).toEqual(["qinq", "single"]);
    expect(matching("vlan 100 and vlan 200", frames)).toEqual(["qinq"]);
    expect(matching("vlan and tcp port 2", frames)).toEqual(["qinq", "single"]);
  });

  it("looks at SCTP ports as at TCP and UDP ports", () => {
    // Filled in by hand, as the Packet contract says: PacketDecoder.readPorts reads TCP and UDP
    // ports only so far, so SCTP frames are not in the tcpdump table below.
    const pkt = new Packet();
    pkt.ipVersion = 4;
    pkt.ip = Uint8Array.from([...new Uint8Array(12), 10, 0, 0, 1, 10, 0, 0, 2]);
    pkt.srcOff = 12;
    pkt.dstOff = 16;
    pkt.proto = 132;
    pkt.srcPort = 2905;
    pkt.dstPort = 7;
    const verdicts = ["port 7", "sctp dst port 7", "sctp", "tcp port 7", "udp port 7", "portrange 2900-2910", "sctp port domain"].map(
      (e) => compileFilter(e)(pkt),
    );
    expect(verdicts).toEqual([true, true, true, false, false, true, false]);
  });

  it("reads numbers in hex and octal as pcap does", () => {
    expect(matching("port 0x50 and tcp", { web: FRAMES["http-syn"] })).toEqual(["web"]);
    expect(matching("port 0120", { web: FRAMES["http-syn"] })).toEqual(["web"]);
    expect(matching("vlan 0xa", { v: FRAMES["vlan10-http"] })).toEqual(["v"]);
  });
});

describe("compileFilter refuses what it does not support, saying what and where", () => {
  it.each([
    ["ether host 00:11:22:33:44:55", `"ether" at position 1 is not supported`],
    ["arp", `"arp" at position 1 is not supported`],
    ["ip multicast", `"multicast" at position 4 is not supported`],
    ["greater 100", `"greater" at position 1 is not supported`],
    ["len <= 64", `"len" at position 1 is not supported`],
    ["tcp[13] & 2 != 0", `"tcp[...]" at position 1 is not supported`],
    ["icmp[icmptype] = icmp-echo", `"icmp[...]" at position 1 is not supported`],
    ["tcp and ether[0] & 1 != 0", `"ether" at position 9 is not supported`],
    ["port 80 and 1 = 1", `"=" at position 15 is not supported`],
    ["gateway router", `"gateway" at position 1 is not supported`],
    ["10.0.0.1", `"10.0.0.1" at position 1 needs a qualifier`],
    ["port 80 or tcp or 443", `"443" at position 19 needs a qualifier`],
    ["host example.com", `"example.com" at position 6 is not an IP address`],
    ["host 10.1", `"10.1" at position 6 is not an IP address`],
    ["host 010.0.0.1", `"010.0.0.1" at position 6 is not an IP address`],
    ["tcp host 10.0.0.1", `"tcp" at position 1 cannot qualify "host"`],
    ["ip host ::1", `"ip" at position 1 cannot qualify an IPv6 host`],
    ["ip6 net 10.0.0.0/8", `"ip6" at position 1 cannot qualify an IPv4 net`],
    ["ip port 80", `"ip" at position 1 cannot qualify "port"`],
    ["icmp portrange 1-2", `"icmp" at position 1 cannot qualify "portrange"`],
    ["tcp proto 6", `"tcp" at position 1 cannot qualify "proto"`],
    ["src proto 6", `"src" at position 1 cannot qualify "proto"`],
    ["host 10.0.0.0/8", `"10.0.0.0/8" at position 6 is a network: write "net 10.0.0.0/8"`],
    ["net 10.1.2.3/8", `"10.1.2.3/8" at position 5 has bits set outside the network prefix`],
    ["net 10.0.0.0/33", `"10.0.0.0/33" at position 5 has a prefix longer than 32 bits`],
    ["net 10.0.0.0 mask 255.0.255.0", `"255.0.255.0" at position 19 is not a contiguous netmask`],
    ["net fe80:: mask ffff::", `"mask" at position 12 applies to IPv4 networks only`],
    ["tcp or mask 255.0.0.0", `"mask" at position 8 must follow a network`],
    ["net 10.0.0.0/", `"/" at position 13 must be followed by a prefix length`],
    ["port 65536", `"65536" at position 6 is not a port number (0..65535)`],
    ["port 08", `"08" at position 6 is not a port number`],
    ["portrange 1-70000", `"1-70000" at position 11 is not a port number`],
    ["portrange http-https", `"http-https" at position 11 is not a port range`],
    ["port nosuchservice", `"nosuchservice" at position 6 is not a known port name`],
    ["port constructor", `"constructor" at position 6 is not a known port name`],
    ["proto \\toString", `"\\toString" at position 7 is not an IP protocol number`],
    ["toString", `"toString" at position 1 needs a qualifier`],
    ["udp port http", `"http" at position 10 is a tcp port`],
    ["proto 256", `"256" at position 7 is not an IP protocol number`],
    ["ip proto tcp", `"proto" at position 4 must be followed by a value, found "tcp" at position 10`],
    ["tcp port", `"port" at position 5 must be followed by a value`],
    ["vlan 4096", `"4096" at position 6 is not a VLAN id`],
    ["tcp and", `expression ends too early after "and" at position 5`],
    ["not", `expression ends too early after "not" at position 1`],
    ["(tcp", `"(" at position 1 has no matching ")"`],
    ["tcp)", `unexpected ")" at position 4`],
    ["()", `unexpected ")" at position 2`],
    ["tcp 80", `unexpected "80" at position 5`],
    ["host 10.0.0.1 10.0.0.2", `unexpected "10.0.0.2" at position 15`],
    ["host (10.0.0.1 or tcp)", `"or" at position 16 must be followed by a value, found "tcp" at position 19`],
    ["host (10.0.0.1", `"(" at position 6 has no matching ")"`],
  ])("%j: %s", (expression, fragment) => {
    let caught: unknown;
    try {
      compileFilter(expression);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BadFilterError);
    expect((caught as BadFilterError).code).toBe("NSM_ERR_BAD_FILTER");
    expect((caught as BadFilterError).message).toContain(`filter "${expression}"`);
    expect((caught as BadFilterError).message).toContain(fragment);
  });
});

// tcpdump reads the raw frames, so a tagged frame needs `vlan and (...)` to be looked into; we
// decode through tags, so for those frames its answer to `vlan and (EXPR)` is the one to match.
// Expressions about VLANs themselves are asked as they are.
const TCPDUMP = ["/usr/sbin/tcpdump", "/usr/bin/tcpdump"].find((p) => existsSync(p));
const GROUND_TRUTH = [
  "tcp", "udp", "icmp", "icmp6", "ip", "ip6", "not ip", "not tcp", "ip and not tcp and not udp",
  "host 10.0.0.1", "src host 10.0.0.1", "dst host 10.0.0.1", "host 2001:db8::1", "host fe80::1 or fe80::2",
  "host 10.0.0.1 or 8.8.8.8", "host 10.0.0.1 and not 192.168.1.10", "src or dst host 8.8.8.8",
  "src and dst host 10.0.0.7", "ip src 10.0.0.1", "not host 10.0.0.1",
  "net 10.0.0.0/8", "net 10", "net 192.168", "net 172.16/12", "src net 10.0.0.0 mask 255.255.255.0",
  "dst net 224.0.0.0/4", "net 2001:db8::/32", "ip6 net fe80::/10", "ip net 10.0.0.0/16", "net 10 and not net 10.0.0.0/24",
  "port 80", "tcp port 80", "udp port 53", "src port 53", "dst port 53", "port 80 or 443",
  "tcp port 80 or 443 or 22", "port 5353 and udp", "src and dst port 80", "src or dst port 137",
  "portrange 1000-2048", "tcp portrange 20-25", "udp dst portrange 540-550", "portrange 2048-1000",
  "port http", "port domain", "port ssh", "port netbios-ns", "tcp port microsoft-ds",
  "ip proto 47", "proto \\udp", "ip6 proto 58", "ip proto \\icmp", "proto 6", "ip6 proto \\tcp",
  "(tcp or udp) and not port 53", "not (host 10.0.0.1 or host 8.8.8.8)", "! tcp && ! udp", "tcp || icmp6",
  "host 10.0.0.1 and (port 80 or 443)", "tcp port 80 and (443 or 22)", "host 10.0.0.1 or 10.0.0.2 and tcp",
  "tcp and port 80 or udp", "not not tcp", "host 10.0.0.1 and (8.8.8.8 or 192.168.1.10)",
  "host (8.8.8.8 or 10.0.0.7)", "udp port not 53 and not 5353", "src host not 10.0.0.1 and udp",
  "vlan", "vlan 10", "vlan 20 and ip6", "not vlan", "vlan 10 and tcp port 80",
];

describe.skipIf(!TCPDUMP)(`compileFilter agrees with tcpdump (skipped when tcpdump is not installed)`, () => {
  let dir = "";
  let pcap = "";

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "nsm-filter-"));
    pcap = join(dir, "frames.pcap");
    const w = new PcapWriter(pcap);
    NAMES.forEach((name, i) => w.write(1000 + i, FRAMES[name]));
    w.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Names of the frames tcpdump prints for `expression`, recognised by their timestamps. */
  function tcpdumpMatches(expression: string): Set<string> {
    const out = execFileSync(TCPDUMP!, ["-r", pcap, "-nn", "-tt", expression], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const names = new Set<string>();
    for (const line of out.split("\n")) {
      const ts = /^(\d+)\.\d{6} /.exec(line);
      if (ts) names.add(NAMES[Number(ts[1]) - 1000]);
    }
    return names;
  }

  it.each(GROUND_TRUTH)("%s", (expression) => {
    const plain = tcpdumpMatches(expression);
    const throughTags = expression.includes("vlan") ? plain : tcpdumpMatches(`vlan and (${expression})`);
    const expected = NAMES.filter((n) => (TAGGED.has(n) ? throughTags : plain).has(n));
    expect(matching(expression)).toEqual(expected);
  });
});
