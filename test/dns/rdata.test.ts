// Typed RDATA for every type Zeek decodes, on records built byte by byte (layouts from the RFCs
// named per row). Each record is followed by an A record: if the cursor did not end where Zeek's
// does, that sentinel comes out wrong. Then the weirds and failures each type can raise.
import { describe, expect, it } from "vitest";
import { BASE_HANDLED_TYPES, type DnsParseOptions, type DnsParseResult, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { type DnsRdata, RRType } from "../../analyzers/dns/types.ts";
import { type Bytes, ascii, header, message, name, pointer, question, rr, strings, u16, u32 } from "./message-builder.ts";

const QNAME = 12; // offset of "example.com" in the question
const SENTINEL = rr(pointer(QNAME), 1, [198, 51, 100, 7]);
const ALL_HANDLED: DnsParseOptions = { handledTypes: new Set([...BASE_HANDLED_TYPES, RRType.HINFO, RRType.CAA, RRType.TKEY]) };

function withRecord(type: number, rdata: Bytes, opts: { class?: number; ttl?: number; rdlength?: number } = {}): Uint8Array {
  // WKS is the one type Zeek reports without stepping over it: a sentinel would be misread.
  const sentinel = type === RRType.WKS ? [] : SENTINEL;
  return message(header({ qr: true, qd: 1, an: sentinel.length > 0 ? 2 : 1 }), question(name("example.com"), type), rr(pointer(QNAME), type, rdata, opts), sentinel);
}

function parse(bytes: Uint8Array, opts: DnsParseOptions = ALL_HANDLED): DnsParseResult {
  return parseDnsMessage(bytes, 0, bytes.length, opts);
}

const weirdsOf = (result: DnsParseResult) => result.weirds.map((w) => (w.addl === undefined ? w.name : `${w.name} ${w.addl}`));
const bytes = (...b: number[]) => new Uint8Array(b);
const v6 = (...words: number[]) => words.flatMap((w) => u16(w));

describe("typed RDATA", () => {
  const cases: { type: number; what: string; rdata: Bytes; expected: DnsRdata; opts?: { class?: number; ttl?: number } }[] = [
    { type: 1, what: "A (RFC 1035)", rdata: [192, 0, 2, 33], expected: { kind: "A", a: "192.0.2.33" } },
    { type: 28, what: "AAAA (RFC 3596)", rdata: v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), expected: { kind: "AAAA", a: "2001:db8::1" } },
    { type: 28, what: "AAAA, IPv4-mapped as Zeek prints it", rdata: v6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201), expected: { kind: "AAAA", a: "192.0.2.1" } },
    { type: 28, what: "AAAA, first longest zero run", rdata: v6(1, 0, 0, 2, 0, 0, 0, 3), expected: { kind: "AAAA", a: "1:0:0:2::3" } },
    { type: 28, what: "AAAA, IPv4-compatible", rdata: v6(0, 0, 0, 0, 0, 0, 0x0102, 0x0304), expected: { kind: "AAAA", a: "::1.2.3.4" } },
    { type: 38, what: "A6 read like AAAA", rdata: v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), expected: { kind: "A6", a: "fe80::1" } },
    { type: 5, what: "CNAME, compressed, lower-cased", rdata: [3, ...ascii("WWW"), ...pointer(QNAME)], expected: { kind: "CNAME", name: "www.example.com" } },
    { type: 2, what: "NS", rdata: name("ns1.example.net"), expected: { kind: "NS", name: "ns1.example.net" } },
    { type: 12, what: "PTR", rdata: name("host.example"), expected: { kind: "PTR", name: "host.example" } },
    { type: 15, what: "MX", rdata: [...u16(10), ...name("mx.example.com")], expected: { kind: "MX", name: "mx.example.com", preference: 10 } },
    {
      type: 6,
      what: "SOA",
      rdata: [...name("ns.example.com"), ...pointer(QNAME), ...u32(2024010101), ...u32(7200), ...u32(3600), ...u32(1209600), ...u32(300)],
      expected: { kind: "SOA", mname: "ns.example.com", rname: "example.com", serial: 2024010101, refresh: 7200, retry: 3600, expire: 1209600, minimum: 300 },
    },
    { type: 16, what: "TXT, several strings and an empty one", rdata: strings("v=spf1", "", "-all"), expected: { kind: "TXT", strs: ["v=spf1", "", "-all"] } },
    { type: 16, what: "TXT, bytes kept as bytes", rdata: [2, 0xff, 0x00], expected: { kind: "TXT", strs: ["\xff\x00"] } },
    { type: 99, what: "SPF (RFC 4408)", rdata: strings("v=spf1 mx -all"), expected: { kind: "SPF", strs: ["v=spf1 mx -all"] } },
    { type: 13, what: "HINFO", rdata: strings("INTEL-386", "Windows"), expected: { kind: "HINFO", cpu: "INTEL-386", os: "Windows" } },
    {
      type: 33,
      what: "SRV (RFC 2782)",
      rdata: [...u16(0), ...u16(5), ...u16(5060), ...name("sip.example.com")],
      expected: { kind: "SRV", target: "sip.example.com", priority: 0, weight: 5, p: 5060 },
    },
    {
      type: 35,
      what: "NAPTR (RFC 3403), replacement case kept",
      rdata: [...u16(100), ...u16(10), ...strings("S", "SIP+D2U", ""), ...name("_Sip._udp.example.com")],
      expected: { kind: "NAPTR", order: 100, preference: 10, flags: "S", service: "SIP+D2U", regexp: "", replacement: "_Sip._udp.example.com" },
    },
    { type: 257, what: "CAA (RFC 8659)", rdata: [128, 5, ...ascii("issue"), ...ascii("ca.example.net")], expected: { kind: "CAA", flags: 128, tag: "issue", value: "ca.example.net" } },
    {
      type: 11,
      what: "WKS (RFC 1035 §3.4.2), handled: read but left in place",
      rdata: [192, 0, 2, 9, 6, 0x40],
      expected: { kind: "WKS", address: "192.0.2.9", protocol: 6, bitmap: bytes(0x40) },
    },
    {
      type: 29,
      what: "LOC (RFC 1876)",
      rdata: [0, 0x12, 0x16, 0x13, ...u32(2282029648), ...u32(1708315648), ...u32(10000000)],
      expected: { kind: "LOC", version: 0, size: 0x12, horiz_pre: 0x16, vert_pre: 0x13, latitude: 2282029648, longitude: 1708315648, altitude: 10000000 },
    },
    { type: 44, what: "SSHFP (RFC 4255)", rdata: [1, 2, 0xab, 0xcd, 0xef], expected: { kind: "SSHFP", algo: 1, fptype: 2, fingerprint: bytes(0xab, 0xcd, 0xef) } },
    {
      type: 48,
      what: "DNSKEY (RFC 4034 §2)",
      rdata: [...u16(257), 3, 8, 1, 2, 3],
      expected: { kind: "DNSKEY", flags: 257, protocol: 3, algorithm: 8, public_key: bytes(1, 2, 3) },
    },
    { type: 43, what: "DS (RFC 4034 §5)", rdata: [...u16(2371), 13, 2, 0xaa, 0xbb], expected: { kind: "DS", key_tag: 2371, algorithm: 13, digest_type: 2, digest_val: bytes(0xaa, 0xbb) } },
    {
      type: 46,
      what: "RRSIG (RFC 4034 §3), root signer",
      rdata: [...u16(1), 8, 2, ...u32(3600), ...u32(1700000000), ...u32(1690000000), ...u16(12345), 0, 9, 9, 9],
      expected: {
        kind: "RRSIG", type_covered: 1, algorithm: 8, labels: 2, orig_ttl: 3600, sig_exp: 1700000000, sig_incep: 1690000000, key_tag: 12345, signer_name: "", signature: bytes(9, 9, 9),
      },
    },
    {
      type: 47,
      what: "NSEC (RFC 4034 §4)",
      rdata: [...name("b.example.com"), 0, 2, 0x40, 0x01],
      expected: { kind: "NSEC", next_name: "b.example.com", bitmaps: [bytes(0x40, 0x01)] },
    },
    {
      type: 50,
      what: "NSEC3 (RFC 5155 §3)",
      rdata: [1, 1, ...u16(10), 2, 0xaa, 0xbb, 3, 1, 2, 3, 0, 1, 0x62],
      expected: { kind: "NSEC3", nsec_flags: 1, nsec_hash_algo: 1, nsec_iter: 10, nsec_salt_len: 2, nsec_salt: bytes(0xaa, 0xbb), nsec_hlen: 3, nsec_hash: bytes(1, 2, 3), bitmaps: [bytes(0x62)] },
    },
    {
      type: 51,
      what: "NSEC3PARAM (RFC 5155 §4)",
      rdata: [1, 0, ...u16(0), 1, 0xcc],
      expected: { kind: "NSEC3PARAM", nsec_flags: 0, nsec_hash_algo: 1, nsec_iter: 0, nsec_salt_len: 1, nsec_salt: bytes(0xcc) },
    },
    { type: 65534, what: "BIND9 signing state", rdata: [8, ...u16(4321), 0, 1], expected: { kind: "BINDS", algorithm: 8, key_id: 4321, removal_flag: 0, complete_flag: 1 } },
    {
      type: 64,
      what: "SVCB (RFC 9460), every known key and a reserved one",
      rdata: [
        ...u16(1), ...name("Svc.Example.net"),
        ...u16(0), ...u16(4), ...u16(1), ...u16(4),
        ...u16(1), ...u16(6), 2, ...ascii("h2"), 2, ...ascii("h3"),
        ...u16(2), ...u16(0),
        ...u16(3), ...u16(2), ...u16(8443),
        ...u16(4), ...u16(8), 192, 0, 2, 1, 192, 0, 2, 2,
        ...u16(5), ...u16(3), 1, 2, 3,
        ...u16(6), ...u16(16), ...v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 5),
        ...u16(9), ...u16(1), 7,
      ],
      expected: {
        kind: "SVCB",
        svc_priority: 1,
        target_name: "Svc.Example.net",
        svc_params: [
          { key: 0, mandatory: [1, 4] },
          { key: 1, alpn: ["h2", "h3"] },
          { key: 2 },
          { key: 3, p: 8443 },
          { key: 4, hint: ["192.0.2.1", "192.0.2.2"] },
          { key: 5, ech: "AQID" },
          { key: 6, hint: ["2001:db8::5"] },
          { key: 9, raw: bytes(7) },
        ],
      },
    },
    { type: 65, what: "HTTPS, AliasMode to the owner", rdata: [...u16(0), 0], expected: { kind: "HTTPS", svc_priority: 0, target_name: "." } },
    {
      type: 249,
      what: "TKEY (RFC 2930)",
      rdata: [...name("gss-tsig"), ...u32(1676938156), ...u32(1677024556), ...u16(3), ...u16(0), ...u16(2), 0xde, 0xad, ...u16(0)],
      expected: { kind: "TKEY", alg_name: "gss-tsig", inception: 1676938156, expiration: 1677024556, mode: 3, rr_error: 0, key_data: bytes(0xde, 0xad) },
    },
    {
      type: 250,
      what: "TSIG (RFC 8945), time read as Zeek does",
      rdata: [...name("hmac-md5.sig-alg.reg.int"), ...u32(21513), ...u16(794), ...u16(300), ...u16(2), 0x46, 0xbd, ...u16(9703), ...u16(0), ...u16(0)],
      expected: { kind: "TSIG", alg_name: "hmac-md5.sig-alg.reg.int", sig: bytes(0x46, 0xbd), time_signed: 21513.794, fudge: 300, orig_id: 9703, rr_error: 0 },
    },
    {
      type: 41,
      what: "OPT (RFC 6891) with client subnet, cookie, keepalive and an unknown option",
      rdata: [
        ...u16(8), ...u16(7), ...u16(1), 24, 0, 213, 61, 29,
        ...u16(10), ...u16(8), 1, 2, 3, 4, 5, 6, 7, 8,
        ...u16(11), ...u16(2), ...u16(370),
        ...u16(12), ...u16(2), 0, 0,
      ],
      opts: { class: 1232, ttl: 0x01008000 },
      expected: {
        kind: "OPT",
        payload_size: 1232,
        extended_rcode: 16,
        version: 0,
        z_field: 0x8000,
        options: [
          { code: 8, data: bytes(0, 1, 24, 0, 213, 61, 29), ecs: { family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "213.61.29.0" } },
          { code: 10, data: bytes(1, 2, 3, 4, 5, 6, 7, 8), cookie: { client_cookie: bytes(1, 2, 3, 4, 5, 6, 7, 8), server_cookie: bytes() } },
          { code: 11, data: bytes(1, 0x72), tcp_keepalive: { keepalive_timeout_omitted: false, keepalive_timeout: 370 } },
          { code: 12, data: bytes(0, 0) },
        ],
      },
    },
    { type: 4242, what: "an unknown type", rdata: [1, 2, 3], expected: { kind: "unknown", data: bytes(1, 2, 3) } },
    { type: 32, what: "NBS, stepped over", rdata: [1, 2], expected: { kind: "unparsed", data: bytes(1, 2) } },
  ];

  it.each(cases)("$what", ({ type, rdata, expected, opts }) => {
    const result = parse(withRecord(type, rdata, opts), { ...ALL_HANDLED, tcp: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [record, sentinel] = result.message.answers;
    expect(record).toMatchObject({ answer_type: 1, query: "example.com", qtype: type, rdlength: rdata.length });
    expect(record.rdata).toEqual(expected);
    if (type !== RRType.WKS) expect(sentinel.rdata).toEqual({ kind: "A", a: "198.51.100.7" });
  });
});

describe("Zeek's quirks kept", () => {
  it("AAAA reads 16 bytes whatever RDLENGTH says", () => {
    const result = parse(message(header({ qr: true, qd: 1, an: 1 }), question(name("example.com"), 28), rr(pointer(QNAME), 28, [0x20, 0x01, 0x0d, 0xb8])));
    expect(result.ok && result.message.answers[0].rdata).toEqual({ kind: "AAAA", a: "2001:db8::" });
  });

  it("a handled WKS is reported but not stepped over; unhandled, it is", () => {
    const twoWks = message(header({ qr: true, qd: 1, an: 2 }), question(name("example.com"), 11), rr(pointer(QNAME), 11, [10, 0, 0, 1, 6, 0]), rr(pointer(QNAME), 11, [10, 0, 0, 2, 17, 0]));
    // The second record is read from the first one's RDATA: owner 10.0.0.1..., then a bogus RDLENGTH.
    expect(parse(twoWks)).toMatchObject({ ok: false, error: "DNS_truncated_RR_rdlength_lt_len" });
    const result = parse(twoWks, { handledTypes: new Set() });
    expect(result.ok && result.message.answers.map((a) => (a.rdata.kind === "WKS" ? a.rdata.address : null))).toEqual(["10.0.0.1", "10.0.0.2"]);
  });

  it("a name RDATA shorter than RDLENGTH is a weird, and the next record starts after the name", () => {
    const bytes = message(header({ qr: true, qd: 1, an: 1 }), question(name("example.com"), 5), rr(pointer(QNAME), 5, [...name("a.example"), 0xff], { rdlength: 12 }));
    const result = parse(bytes);
    expect(result.ok && result.message.answers[0].rdata).toEqual({ kind: "CNAME", name: "a.example" });
    expect(weirdsOf(result)).toEqual(["DNS_RR_length_mismatch"]);
  });

  it("a type with no handler is decoded quietly and stepped over by RDLENGTH", () => {
    const badTxt = withRecord(16, [9, ...ascii("abc")]);
    expect(parse(badTxt)).toMatchObject({ ok: false, error: "DNS_TXT_char_str_past_rdlen" });
    const result = parse(badTxt, { handledTypes: new Set() });
    expect(result.ok && result.message.answers.map((a) => a.rdata)).toEqual([{ kind: "unparsed", data: bytes(9, ...ascii("abc")) }, { kind: "A", a: "198.51.100.7" }]);
    expect(result.weirds).toEqual([]);
  });
});

describe("weirds and failures per type", () => {
  it.each([
    { what: "TXT string past RDLENGTH", type: 16, rdata: [9, ...ascii("abc")], error: "DNS_TXT_char_str_past_rdlen", weirds: ["DNS_TXT_char_str_past_rdlen"] },
    { what: "HINFO with a third string", type: 13, rdata: strings("a", "b", "c"), error: "DNS_HINFO_rdlength_mismatch", weirds: [] },
    { what: "CAA tag past RDLENGTH", type: 257, rdata: [0, 9, ...ascii("issue")], error: "DNS_CAA_char_str_past_rdlen", weirds: ["DNS_CAA_char_str_past_rdlen"] },
    { what: "NAPTR with no strings", type: 35, rdata: [...u16(1), ...u16(1)], rdlength: 4, error: "DNS_NAPTR_too_short", weirds: [], violation: true },
    { what: "NAPTR string past RDLENGTH", type: 35, rdata: [...u16(1), ...u16(1), 1, 0x61, 0, 5, 0x61, 0], error: "DNS_NAPTR_RR_too_short", weirds: ["DNS_TXT_char_str_past_rdlen", "DNS_label_len_gt_pkt"], violation: true },
    { what: "LOC not 16 bytes, even without a handler", type: 29, rdata: [0, 1, 2], error: "dns_invalid_loc_length", weirds: ["dns_invalid_loc_length"], noHandlers: true },
    { what: "SVCB under 3 bytes", type: 64, rdata: [0, 1], error: "DNS_SVCB_wrong_length", weirds: ["DNS_SVCB_wrong_length"] },
    { what: "OPT option longer than the RDATA", type: 41, rdata: [...u16(10), ...u16(9), 1, 2, 3], error: "EDNS_truncated_option", weirds: ["EDNS_truncated_option"] },
    { what: "OPT with a stray byte", type: 41, rdata: [...u16(3), ...u16(0), 1], error: "EDNS_truncated_option", weirds: ["EDNS_truncated_option"] },
    { what: "SOA without its five numbers", type: 6, rdata: [0, 0, 1, 2, 3], error: "DNS_SOA_too_short", weirds: [] },
    { what: "RRSIG under 18 bytes", type: 46, rdata: [0, 1, 8], error: "DNS_RRSIG_too_short", weirds: [], alone: true },
  ])("$what → $error", ({ type, rdata, rdlength, error, weirds, violation = false, noHandlers, alone }) => {
    const bytes = alone
      ? message(header({ qr: true, qd: 1, an: 1 }), question(name("example.com"), type), rr(pointer(QNAME), type, rdata))
      : withRecord(type, rdata, { rdlength });
    const result = parse(bytes, noHandlers ? { handledTypes: new Set() } : ALL_HANDLED);
    expect(result).toMatchObject({ ok: false, error, violation });
    expect(weirdsOf(result)).toEqual(weirds);
  });

  it.each([
    { what: "DNSKEY revoked KSK, protocol 2, RSA/MD5", type: 48, rdata: [...u16(0x0181), 2, 1, 0], weirds: ["DNSSEC_DNSKEY_Revoked_KSK 385", "DNSSEC_DNSKEY_Invalid_Protocol 2", "DNSSEC_DNSKEY_NotRecommended_ZoneSignAlgo 1"] },
    { what: "DNSKEY undefined flag bits, algorithm 9", type: 48, rdata: [...u16(0x0002), 3, 9, 0], weirds: ["DNSSEC_DNSKEY_Invalid_Flag 2", "DNSSEC_DNSKEY_unknown_ZoneSignAlgo 9"] },
    { what: "RRSIG private algorithm", type: 46, rdata: [...u16(1), 253, 2, ...u32(0), ...u32(0), ...u32(0), ...u16(0), 0, 1], weirds: ["DNSSEC_RRSIG_PrivateDNS_ZoneSignAlgo 253"] },
    { what: "DS reserved digest", type: 43, rdata: [...u16(1), 8, 0, 1], weirds: ["DNSSEC_DS_ReservedDigestType 0"] },
    { what: "DS unknown digest", type: 43, rdata: [...u16(1), 8, 9, 1], weirds: ["DNSSEC_DS_unknown_DigestType 9"] },
    { what: "NSEC empty bitmap", type: 47, rdata: [0, 3, 0], weirds: ["DNSSEC_NSEC_bitmapLen0 3"] },
    { what: "NSEC3 empty bitmap", type: 50, rdata: [1, 0, 0, 0, 0, 0, 2, 0], weirds: ["DNSSEC_NSEC3_bitmapLen0 2"] },
    { what: "LOC version 1", type: 29, rdata: [1, ...new Array(15).fill(0)], weirds: ["DNS_LOC_version_unrecognized 1"] },
    { what: "SVCB AliasMode with parameters", type: 64, rdata: [0, 0, 0, ...u16(3), ...u16(2), ...u16(443)], weirds: ["DNS_SVCB_aliasmode_with_params"] },
    { what: "SVCB value past the RDATA", type: 64, rdata: [0, 1, 0, ...u16(3), ...u16(9), 1, 2], weirds: ["DNS_SVCB_param_value_toobig 9 capped to 2"] },
    { what: "SVCB bad mandatory, port, hint, no-default-alpn", type: 64, rdata: [0, 1, 0, ...u16(0), ...u16(1), 0, ...u16(3), ...u16(1), 0, ...u16(4), ...u16(3), 1, 2, 3, ...u16(2), ...u16(1), 0], weirds: ["DNS_SVCB_mandatory_length_invalid", "DNS_SVCB_port_length_invalid", "DNS_SVCB_hint_length_invalid", "DNS_SVCB_nodefaultalpn_value"] },
    { what: "SVCB ALPN id running past the value", type: 64, rdata: [0, 1, 0, ...u16(1), ...u16(3), 5, 0x68, 0x32], weirds: ["DNS_SVCB_alpn_length_invalid"] },
    { what: "ECS with too long a prefix", type: 41, rdata: [...u16(8), ...u16(5), ...u16(1), 33, 0, 1], weirds: ["EDNS_ECS_invalid_addr_v4_prefix 33 bits"] },
    { what: "TCP keepalive over UDP", type: 41, rdata: [...u16(11), ...u16(0)], weirds: ["EDNS_TCP_Keepalive_In_UDP"] },
    { what: "an unknown type", type: 4242, rdata: [1], weirds: ["DNS_RR_unknown_type 4242"] },
  ])("$what", ({ type, rdata, weirds }) => {
    const result = parse(withRecord(type, rdata));
    expect(result.ok).toBe(true);
    expect(weirdsOf(result)).toEqual(weirds);
  });

  it("keeps malformed SvcParams as raw bytes", () => {
    const result = parse(withRecord(64, [0, 1, 0, ...u16(3), ...u16(1), 0x50, ...u16(1), ...u16(3), 5, 0x68, 0x32]));
    expect(result.ok && result.message.answers[0].rdata).toMatchObject({ svc_params: [{ key: 3, raw: bytes(0x50) }, { key: 1, raw: bytes(5, 0x68, 0x32) }] });
  });
});
