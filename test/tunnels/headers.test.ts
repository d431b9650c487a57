// The tunnel header parsers, table-driven over headers built byte by byte from their specifications:
// GRE (RFC 2784, key and sequence number of RFC 2890), PPTP's enhanced GRE (RFC 2637 4.1), ERSPAN
// types I, II and III (draft-foschiano-erspan), VXLAN (RFC 7348), Geneve (RFC 8926), Teredo
// (RFC 4380 5.1.1), GTPv1-U (3GPP TS 29.281 5.1), AYIYA (draft-massar-v6ops-ayiya), and the strict
// check of the IP packet they carry. Malformed headers give Zeek's weird or violation, never a throw.
import { describe, expect, it } from "vitest";
import { LinkType } from "../../core/packet.ts";
import { parseGre } from "../../analyzers/tunnels/gre.ts";
import { parseVxlan } from "../../analyzers/tunnels/vxlan.ts";
import { geneveLinkType, parseGeneve } from "../../analyzers/tunnels/geneve.ts";
import { detectTeredo, parseTeredo } from "../../analyzers/tunnels/teredo.ts";
import { parseGtpv1 } from "../../analyzers/tunnels/gtpv1.ts";
import { detectAyiya, parseAyiya } from "../../analyzers/tunnels/ayiya.ts";
import { checkInnerIp } from "../../analyzers/tunnels/inner-ip.ts";
import { be16, concatBytes, ethernetFrame, ipPacket } from "../fixtures/frames.ts";

const INNER_V4 = ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp", icmpType: 8, payload: "ping" });
const INNER_V6 = ipPacket({ src: "2001:db8::1", dst: "2001:db8::2", proto: "udp", sport: 1000, dport: 53, payload: "abcd" });
const INNER_ETH = ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "icmp", icmpType: 8 });

function parse<T>(fn: (d: Uint8Array, o: number, l: number) => T, bytes: Uint8Array): T {
  // The packet sits inside a larger buffer, as it does in a frame.
  const buf = concatBytes([0xee, 0xee, 0xee], bytes, [0xee]);
  return fn(buf, 3, bytes.length);
}

describe("GRE (RFC 2784, RFC 2890, RFC 2637)", () => {
  const cases = [
    { name: "no options, IPv4", bytes: concatBytes([0x00, 0x00], be16(0x0800), INNER_V4), expect: { version: 0, linkType: LinkType.RAW, proto: 0x0800, skip: 4 } },
    { name: "checksum, key and sequence number", bytes: concatBytes([0xb0, 0x00], be16(0x86dd), new Array(12).fill(1), INNER_V6), expect: { version: 0, linkType: LinkType.RAW, proto: 0x86dd, skip: 16 } },
    { name: "key only", bytes: concatBytes([0x20, 0x00], be16(0x0800), [0, 0, 0, 7], INNER_V4), expect: { version: 0, linkType: LinkType.RAW, proto: 0x0800, skip: 8 } },
    { name: "transparent Ethernet bridging", bytes: concatBytes([0x00, 0x00], be16(0x6558), INNER_ETH), expect: { version: 0, linkType: LinkType.EN10MB, proto: 0x6558, skip: 4 } },
    { name: "ERSPAN type I (no sequence number, no ERSPAN header)", bytes: concatBytes([0x00, 0x00], be16(0x88be), INNER_ETH), expect: { version: 0, linkType: LinkType.EN10MB, proto: 0x88be, skip: 4 } },
    { name: "ERSPAN type II (sequence number, 8-byte header)", bytes: concatBytes([0x10, 0x00], be16(0x88be), [0, 0, 0, 1], [0x10, 0x01, 0, 0x05, 0, 0, 0, 0], INNER_ETH), expect: { version: 0, linkType: LinkType.EN10MB, proto: 0x88be, skip: 16 } },
    { name: "ERSPAN type III (12-byte header)", bytes: concatBytes([0x10, 0x00], be16(0x22eb), [0, 0, 0, 1], [0x20, 0x01, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0], INNER_ETH), expect: { version: 0, linkType: LinkType.EN10MB, proto: 0x22eb, skip: 20 } },
    { name: "ERSPAN type III with the optional subheader (O bit)", bytes: concatBytes([0x10, 0x00], be16(0x22eb), [0, 0, 0, 1], [0x20, 0x01, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x01], new Array(8).fill(0), INNER_ETH), expect: { version: 0, linkType: LinkType.EN10MB, proto: 0x22eb, skip: 28 } },
    { name: "Aruba 802.11", bytes: concatBytes([0x00, 0x00], be16(0x8200), new Array(30).fill(0)), expect: { version: 0, linkType: LinkType.IEEE802_11, proto: 0x8200, skip: 4 } },
    // Enhanced GRE: K, S and A set, version 1, protocol 0x880b; payload length and call id, sequence, acknowledgment; PPP 0xff03 then 0x0021 (IPv4).
    { name: "PPTP with IPv4 in PPP", bytes: concatBytes([0x30, 0x81], be16(0x880b), be16(INNER_V4.length + 4), be16(9), [0, 0, 0, 1], [0, 0, 0, 0], [0xff, 0x03], be16(0x0021), INNER_V4), expect: { version: 1, linkType: LinkType.RAW, proto: 4, skip: 20 } },
    { name: "PPTP with IPv6 in PPP, no acknowledgment", bytes: concatBytes([0x30, 0x01], be16(0x880b), be16(INNER_V6.length + 4), be16(9), [0, 0, 0, 1], [0xff, 0x03], be16(0x0057), INNER_V6), expect: { version: 1, linkType: LinkType.RAW, proto: 41, skip: 16 } },
  ];
  it.each(cases)("$name", ({ bytes, expect: e }) => {
    const r = parse(parseGre, bytes);
    expect(r).toEqual({ version: e.version, linkType: e.linkType, proto: e.proto, offset: 3 + e.skip, length: bytes.length - e.skip });
  });

  const bad = [
    { name: "shorter than 4 bytes", bytes: Uint8Array.from([0x00, 0x00, 0x08]), weird: "truncated_GRE" },
    { name: "version 2", bytes: concatBytes([0x00, 0x02], be16(0x0800), INNER_V4), weird: "unknown_gre_version", addl: "version=2" },
    { name: "routing present (deprecated by RFC 2784)", bytes: concatBytes([0x40, 0x00], be16(0x0800), INNER_V4), weird: "gre_routing" },
    { name: "reserved flag bits", bytes: concatBytes([0x00, 0x08], be16(0x0800), INNER_V4), weird: "unknown_gre_flags" },
    { name: "options announced but missing", bytes: Uint8Array.from([0xb0, 0x00, 0x08, 0x00, 0, 0]), weird: "truncated_GRE" },
    { name: "bridging without a whole Ethernet header", bytes: concatBytes([0x00, 0x00], be16(0x6558), new Array(14).fill(0)), weird: "truncated_GRE" },
    { name: "ERSPAN III too short", bytes: concatBytes([0x10, 0x00], be16(0x22eb), new Array(20).fill(0)), weird: "truncated_GRE" },
    { name: "version 1 that is not PPP", bytes: concatBytes([0x30, 0x81], be16(0x0800), new Array(16).fill(0)), weird: "egre_protocol_type", addl: "proto=2048" },
    { name: "PPTP carrying LCP, not IP", bytes: concatBytes([0x20, 0x01], be16(0x880b), be16(8), be16(9), [0xff, 0x03], be16(0xc021), [1, 2, 3, 4]), weird: "non_ip_packet_in_encap" },
  ];
  it.each(bad)("$name: $weird", ({ bytes, weird, addl }) => {
    expect(parse(parseGre, bytes)).toEqual(addl === undefined ? { weird } : { weird, addl });
  });
});

describe("VXLAN (RFC 7348)", () => {
  it("reads the VNI and leaves the Ethernet frame", () => {
    const bytes = concatBytes([0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0], INNER_ETH);
    expect(parse(parseVxlan, bytes)).toEqual({ vni: 0x123456, offset: 11, length: INNER_ETH.length });
  });
  it("needs the I flag and 8 bytes", () => {
    expect(parse(parseVxlan, concatBytes([0x00, 0, 0, 0, 0, 0, 1, 0], INNER_ETH))).toEqual({ violation: "VXLAN 'I' flag not set" });
    expect(parse(parseVxlan, Uint8Array.from([0x08, 0, 0, 0, 0]))).toEqual({ violation: "VXLAN header truncation" });
  });
});

describe("Geneve (RFC 8926)", () => {
  it("skips the options and reads protocol type and VNI", () => {
    // Opt Len 2 (8 bytes of options), protocol 0x6558, VNI 0x0000aa; one option: class 0x0102, type 0x80, length 1 word.
    const bytes = concatBytes([0x02, 0x00], be16(0x6558), [0x00, 0x00, 0xaa, 0x00], [0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4], INNER_ETH);
    expect(parse(parseGeneve, bytes)).toEqual({ vni: 0xaa, protocol: 0x6558, offset: 3 + 16, length: INNER_ETH.length });
    expect(geneveLinkType(0x6558)).toBe(LinkType.EN10MB);
    expect(geneveLinkType(0x86dd)).toBe(LinkType.RAW);
    expect(geneveLinkType(0x0806)).toBe(-1);
  });
  it("reports a version other than 0 and options cut short", () => {
    expect(parse(parseGeneve, concatBytes([0x40, 0x00], be16(0x6558), [0, 0, 1, 0], INNER_ETH))).toEqual({ weird: "geneve_invalid_version", addl: "1" });
    expect(parse(parseGeneve, concatBytes([0x05, 0x00], be16(0x6558), [0, 0, 1, 0], [1, 2, 3]))).toEqual({ violation: "Geneve option header truncation" });
    expect(parse(parseGeneve, Uint8Array.from([0, 0, 0x65]))).toEqual({ violation: "Geneve header truncation" });
  });
});

describe("Teredo (RFC 4380)", () => {
  // Origin indication: 0x0000, the obfuscated port (port ^ 0xffff) and address (addr ^ 0xffffffff).
  const origin = [0x00, 0x00, 0xf2, 0x7b, 0x3f, 0x57, 0xfe, 0xfd];
  // Authentication: 0x0001, client id length 2, auth value length 1, id, value, nonce (8), confirmation (1).
  const auth = [0x00, 0x01, 2, 1, 0x61, 0x62, 0x63, 1, 2, 3, 4, 5, 6, 7, 8, 0];
  const cases = [
    { name: "plain IPv6", bytes: INNER_V6, skip: 0, origin: false, auth: false },
    { name: "origin indication", bytes: concatBytes(origin, INNER_V6), skip: 8, origin: true, auth: false },
    { name: "authentication then origin indication", bytes: concatBytes(auth, origin, INNER_V6), skip: 24, origin: true, auth: true },
  ];
  it.each(cases)("$name", ({ bytes, skip, origin: o, auth: a }) => {
    expect(parse(parseTeredo, bytes)).toEqual({ offset: 3 + skip, length: bytes.length - skip, origin: o, auth: a });
  });
  it("rejects what RFC 4380 does not allow and names truncation", () => {
    expect(parse(parseTeredo, concatBytes(origin, origin, INNER_V6))).toEqual({ invalid: true });
    expect(parse(parseTeredo, concatBytes(origin, auth, INNER_V6))).toEqual({ invalid: true });
    expect(parse(parseTeredo, concatBytes([0x45, 0], INNER_V6))).toEqual({ invalid: true });
    expect(parse(parseTeredo, INNER_V6.subarray(0, 39))).toEqual({ invalid: true, weird: "truncated_IPv6_in_Teredo" });
    expect(parse(parseTeredo, Uint8Array.from(origin.slice(0, 5)))).toEqual({ invalid: true, weird: "truncated_Teredo_origin_indication" });
    expect(parse(parseTeredo, Uint8Array.from(auth.slice(0, 9)))).toEqual({ invalid: true, weird: "truncated_Teredo_authentication" });
  });
  it("detects Teredo by its payload: a bubble from a Teredo address (2001:0::/32), or origin indication before IPv6", () => {
    const bubble = ipPacket({ src: "2001:0:4137:9e50:8000:f12a:b9c8:2815", dst: "2001:4860::68", proto: 59 });
    expect(bubble.length).toBe(40);
    expect(parse(detectTeredo, bubble)).toBe(true);
    expect(parse(detectTeredo, concatBytes(origin, INNER_V6))).toBe(true);
    expect(parse(detectTeredo, INNER_V6)).toBe(false);
    expect(parse(detectTeredo, INNER_V4)).toBe(false);
  });
});

describe("GTPv1-U (3GPP TS 29.281)", () => {
  const gpdu = (flags: number, extra: number[], inner: Uint8Array) =>
    concatBytes([flags, 0xff], be16(inner.length + extra.length), [0, 0, 0, 1], extra, inner);
  it("finds the user's packet in a G-PDU", () => {
    expect(parse(parseGtpv1, gpdu(0x30, [], INNER_V4))).toEqual({ gpdu: true, nextProto: 4, offset: 11, length: INNER_V4.length });
    // S flag: sequence number, N-PDU number and next extension type follow the header.
    expect(parse(parseGtpv1, gpdu(0x32, [0, 1, 0, 0], INNER_V6))).toEqual({ gpdu: true, nextProto: 41, offset: 15, length: INNER_V6.length });
    // E flag: next extension type 0x85 (PDU session container), one 4-byte extension header, then none.
    expect(parse(parseGtpv1, gpdu(0x34, [0, 0, 0, 0x85, 1, 0x10, 0x09, 0], INNER_V4))).toEqual({ gpdu: true, nextProto: 4, offset: 19, length: INNER_V4.length });
  });
  it("leaves other messages alone and rejects what is not GTPv1", () => {
    expect(parse(parseGtpv1, concatBytes([0x32, 0x01], be16(4), [0, 0, 0, 0], [0, 1, 0, 0]))).toEqual({ gpdu: false });
    expect(parse(parseGtpv1, gpdu(0x50, [], INNER_V4))).toEqual({ violation: "GTPv1 bad Version" });
    expect(parse(parseGtpv1, gpdu(0x30, [], Uint8Array.from([0x45, 0, 0, 20])))).toEqual({ violation: "Truncated GTPv1" });
    expect(parse(parseGtpv1, gpdu(0x30, [], new Uint8Array(24)))).toEqual({ violation: "non-IP packet in GTPv1" });
    expect(parse(parseGtpv1, gpdu(0x34, [0, 0, 0, 0x85, 0, 0, 0, 0], INNER_V4))).toEqual({ violation: "Bad GTPv1 extension header" });
    expect(parse(parseGtpv1, Uint8Array.from([0x30, 0xff, 0]))).toEqual({ violation: "Truncated GTPv1 header" });
  });
});

describe("AYIYA", () => {
  // Identity length 2^4 = 16 bytes (IPv6 address), signature 5 words = 20 bytes (SHA-1), op 1 (forward), next header 41.
  const header = (op: number, next: number) => concatBytes([0x41, 0x52, 0x10 | op, next], [0, 0, 0, 0], new Array(16).fill(0), new Array(20).fill(0));
  it("forwards the packet after identity and signature", () => {
    const bytes = concatBytes(header(1, 41), INNER_V6);
    expect(parse(parseAyiya, bytes)).toEqual({ forward: true, nextHeader: 41, offset: 3 + 44, length: INNER_V6.length });
    expect(parse(detectAyiya, bytes)).toBe(true);
  });
  it("ignores other operations and rejects truncation", () => {
    expect(parse(parseAyiya, concatBytes(header(2, 41), INNER_V6))).toEqual({ forward: false });
    expect(parse(parseAyiya, header(1, 41).subarray(0, 30))).toEqual({ violation: "Truncated AYIYA" });
    expect(parse(detectAyiya, INNER_V6)).toBe(false);
  });
});

describe("the IP packet a tunnel carries", () => {
  it("must be of the announced version and fill its bytes exactly", () => {
    expect(checkInnerIp(INNER_V4, 0, INNER_V4.length, 4)).toBe("ok");
    expect(checkInnerIp(INNER_V6, 0, INNER_V6.length, 41)).toBe("ok");
    // An IPv6 header needs 40 bytes before its version is looked at (Zeek's order).
    const longV4 = ipPacket({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", payload: "x".repeat(40) });
    expect(checkInnerIp(longV4, 0, longV4.length, 41)).toBe("bad_protocol");
    expect(checkInnerIp(INNER_V4, 0, INNER_V4.length, 41)).toBe("too_small");
    expect(checkInnerIp(INNER_V4, 0, INNER_V4.length - 1, 4)).toBe("too_small");
    expect(checkInnerIp(concatBytes(INNER_V4, [0]), 0, INNER_V4.length + 1, 4)).toBe("too_large");
    expect(checkInnerIp(INNER_V6, 0, 39, 41)).toBe("too_small");
  });
});
