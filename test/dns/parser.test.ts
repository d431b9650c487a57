// The message parser on messages built byte by byte: header, questions, name decompression and its
// limits, truncation at every step, confirmation, section skipping, dynamic update and NetBIOS.
// Expected values are RFC 1035 layouts and the rules of Zeek's DNS analyzer (DNS.cc).
import { describe, expect, it } from "vitest";
import { type DnsParseOptions, type DnsParseResult, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import type { DnsMessage } from "../../analyzers/dns/types.ts";
import { type Bytes, ascii, header, message, name, pointer, question, rr, u16 } from "./message-builder.ts";

function parse(bytes: Uint8Array, opts?: DnsParseOptions): DnsParseResult {
  return parseDnsMessage(bytes, 0, bytes.length, opts);
}

function parsed(bytes: Uint8Array, opts?: DnsParseOptions): DnsMessage {
  const result = parse(bytes, opts);
  if (!result.ok) throw new Error(`expected ok, got ${result.error}`);
  return result.message;
}

const weirdsOf = (result: DnsParseResult) => result.weirds.map((w) => (w.addl === undefined ? w.name : `${w.name} ${w.addl}`));
const A_RDATA = [192, 0, 2, 1];

describe("header", () => {
  it("decodes every flag and count (RFC 1035 §4.1.1, RFC 4035 AD/CD inside Z)", () => {
    const m = parsed(message(header({ id: 0xbeef, qr: true, opcode: 0, aa: true, tc: true, rd: true, ra: true, z: 0b011, rcode: 3 })));
    expect(m.header).toEqual({
      id: 0xbeef, opcode: 0, rcode: 3, QR: true, AA: true, TC: true, RD: true, RA: true, Z: 3, AD: true, CD: true,
      num_queries: 0, num_answers: 0, num_auth: 0, num_addl: 0, is_netbios: false,
    });
  });

  it("parses at an offset inside a larger buffer and only within `length`", () => {
    const inner = message(header({ qd: 1 }), question(name("a.example")));
    const outer = new Uint8Array(inner.length + 20).fill(0xff);
    outer.set(inner, 7);
    const result = parseDnsMessage(outer, 7, inner.length);
    expect(result.ok && result.message.questions[0].query).toBe("a.example");
    expect(parseDnsMessage(outer, 7, inner.length - 1)).toMatchObject({ ok: false, error: "DNS_truncated_quest_too_short" });
  });
});

describe("questions", () => {
  it("keeps the original case and lower-cases `query`", () => {
    const m = parsed(message(header({ qd: 1 }), question(name("WwW.ExAmPlE.CoM"), 28, 1)));
    expect(m.questions).toEqual([{ query: "www.example.com", original_query: "WwW.ExAmPlE.CoM", qtype: 28, qclass: 1 }]);
  });

  it("lower-cases what a pointer reaches even in the original (Zeek's ExtractName)", () => {
    const m = parsed(message(header({ qd: 2 }), question(name("Foo.COM")), question([3, ...ascii("Bar"), ...pointer(12)])));
    expect(m.questions[1]).toMatchObject({ query: "bar.foo.com", original_query: "Bar.foo.com" });
  });

  it("reads the root name as the empty string", () => {
    expect(parsed(message(header({ qd: 1 }), question(name(""), 2))).questions[0].query).toBe("");
  });
});

describe("names: decompression and limits", () => {
  const oneQuestion = (qname: Bytes, opts?: DnsParseOptions) => parse(message(header({ qd: 1 }), question(qname)), opts);
  const label = (n: number) => [n, ...new Array(n).fill(0x61)];

  it.each([
    { what: "pointer to itself", qname: pointer(12), error: "DNS_label_forward_compress_offset" },
    { what: "pointer forward (the only way to loop)", qname: pointer(40), error: "DNS_label_forward_compress_offset" },
    { what: "pointer beyond the message", qname: pointer(0x3fff), error: "DNS_label_forward_compress_offset" },
    { what: "pointer cut after its first byte", qname: [0xc0], error: "dns_invalid_name", bare: true },
    { what: "no terminating zero label", qname: [3, ...ascii("abc")], error: "dns_invalid_name", bare: true },
    { what: "label longer than the packet", qname: [10, ...ascii("ab")], error: "DNS_label_len_gt_pkt", bare: true },
    { what: "label of 64 bytes", qname: [...label(64), 0], error: "DNS_label_too_long" },
    { what: "label with the reserved 01 prefix", qname: [0x41, ...new Array(65).fill(0x61), 0], error: "DNS_label_too_long" },
    { what: "name over Zeek's 512-byte buffer", qname: [...[0, 1, 2, 3, 4, 5, 6, 7, 8].flatMap(() => label(63)), 0], error: "DNS_label_len_gt_name_len" },
  ])("$what → $error", ({ qname, error, bare }) => {
    const bytes = bare ? message(header({ qd: 1 }), qname) : message(header({ qd: 1 }), question(qname));
    const result = parse(bytes);
    expect(result).toMatchObject({ ok: false, error, messageEvent: true, endEvent: true });
    expect(weirdsOf(result)).toEqual([error]);
  });

  it("accepts a name of 255 bytes or more with only a weird (DNS_NAME_too_long)", () => {
    const result = oneQuestion([...label(63), ...label(63), ...label(63), ...label(63), ...label(10), 0]);
    expect(result.ok && result.message.questions[0].query.length).toBe(4 * 64 + 10);
    expect(weirdsOf(result)).toEqual(["DNS_NAME_too_long"]);
  });

  it("allows labels over 63 bytes on NetBIOS (responder port 137)", () => {
    expect(oneQuestion([...label(70), 0], { netbiosResponder: true }).ok).toBe(true);
  });

  it("follows a chain of pointers and stops it at the depth cap with a limit weird, still confirming", () => {
    // Question name "x" at 12; each 16-byte answer's owner (at 19, 35, 51, 67, 83) points at the
    // previous owner, the first at the question name: the n-th answer's chain is n pointers deep.
    const layout = message(header({ qr: true, qd: 1, an: 5 }), question(name("x")), ...[12, 19, 35, 51, 67].map((t) => rr(pointer(t), 1, A_RDATA)));
    expect([19, 35, 51, 67, 83].map((at) => layout[at])).toEqual([0xc0, 0xc0, 0xc0, 0xc0, 0xc0]);
    const result = parse(layout, { maxCompressionChainDepth: 3 });
    expect(result.ok).toBe(true);
    expect(result.ok && result.message.answers.map((a) => a.query)).toEqual(["x", "x", "x", "", ""]);
    expect(result.weirds).toEqual([
      { name: "DNS_max_compression_chain_depth_exceeded", addl: "4", limitReached: true },
      { name: "DNS_max_compression_chain_depth_exceeded", addl: "4", limitReached: true },
    ]);
    expect(parse(layout).weirds).toEqual([]);
  });

  // A pointer to the question name is the common owner; what it yields must not depend on how often
  // the name is reached (Zeek decodes it anew each time: lower-cased, one trailing dot per level).
  it.each([
    { what: "mixed case", qname: name("WwW.ExAmPlE.CoM"), query: "www.example.com", owner: "www.example.com" },
    { what: "the root", qname: name(""), query: "", owner: "" },
    { what: "a last label ending in a '.' byte", qname: [2, ...ascii("a."), 0], query: "a.", owner: "a" },
  ])("a pointer to the question name ($what) gives the name as a decode through a pointer does", ({ qname, query, owner }) => {
    const bytes = message(header({ qr: true, qd: 1, an: 2 }), question(qname), rr(pointer(12), 1, A_RDATA), rr(pointer(12), 1, A_RDATA));
    const result = parse(bytes);
    expect(result.ok && result.message.questions[0].query).toBe(query);
    expect(result.ok && result.message.answers.map((a) => a.query)).toEqual([owner, owner]);
    expect(result.weirds).toEqual([]);
  });

  it("still caps a pointer to the question name at a chain depth of 0", () => {
    const bytes = message(header({ qr: true, qd: 1, an: 1 }), question(name("x")), rr(pointer(12), 1, A_RDATA));
    const result = parse(bytes, { maxCompressionChainDepth: 0 });
    expect(result.ok && result.message.answers[0].query).toBe("");
    expect(result.weirds).toEqual([{ name: "DNS_max_compression_chain_depth_exceeded", addl: "1", limitReached: true }]);
  });

  it("resolves a pointer into the middle of an earlier name", () => {
    const bytes = message(header({ qr: true, qd: 1, an: 1 }), question(name("www.example.org")), rr([4, ...ascii("mail"), ...pointer(16)], 1, A_RDATA));
    expect(parsed(bytes).answers[0].query).toBe("mail.example.org");
  });
});

describe("truncation and rejection at each step", () => {
  const q = question(name("example.com"));
  it.each([
    { what: "shorter than a header", bytes: message(header().slice(0, 11)), error: "DNS_truncated_len_lt_hdr_len", messageEvent: false, endEvent: false },
    { what: "question without type/class", bytes: message(header({ qd: 1 }), name("example.com"), [0, 1]), error: "DNS_truncated_quest_too_short" },
    { what: "fewer questions than counted", bytes: message(header({ qd: 2 }), q), error: "dns_invalid_name" },
    { what: "answer owner without type/class", bytes: message(header({ qr: true, qd: 1, an: 1 }), q, pointer(12), [0, 1, 0]), error: "DNS_truncated_ans_too_short" },
    { what: "RDLENGTH past the end", bytes: message(header({ qr: true, qd: 1, an: 1 }), q, rr(pointer(12), 1, A_RDATA, { rdlength: 9 })), error: "DNS_truncated_RR_rdlength_lt_len" },
    { what: "RDLENGTH 0 with data after it", bytes: message(header({ qr: true, qd: 1, an: 2 }), q, rr(pointer(12), 1, []), rr(pointer(12), 1, A_RDATA)), error: "DNS_zero_rdlength" },
    { what: "A record of 5 bytes", bytes: message(header({ qr: true, qd: 1, an: 1 }), q, rr(pointer(12), 1, [...A_RDATA, 9])), error: "DNS_RR_bad_length" },
    { what: "an unknown opcode", bytes: message(header({ opcode: 2, qd: 1 }), q), error: "DNS_unknown_opcode", messageEvent: false, endEvent: false, addl: "2" },
  ])("$what → $error", ({ bytes, error, messageEvent = true, endEvent = true, addl }) => {
    const result = parse(bytes);
    expect(result).toMatchObject({ ok: false, error, violation: false, messageEvent, endEvent });
    expect(weirdsOf(result)).toEqual([addl === undefined ? error : `${error} ${addl}`]);
  });

  it("keeps what was parsed before a failure", () => {
    const result = parse(message(header({ qr: true, qd: 1, an: 2 }), q, rr(pointer(12), 1, A_RDATA), rr(pointer(12), 1, A_RDATA, { rdlength: 40 })));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.partial?.questions?.[0].query).toBe("example.com");
    expect(result.partial?.answers?.map((a) => a.rdata)).toEqual([{ kind: "A", a: "192.0.2.1" }]);
  });

  it("an RDLENGTH-0 record that ends the message is read (nothing follows it)", () => {
    const m = parsed(message(header({ qr: true, qd: 1, an: 1 }), q, rr(pointer(12), 4242, [])));
    expect(m.answers[0].rdata).toEqual({ kind: "unknown", data: new Uint8Array(0) });
  });

  it("more questions than dns_max_queries is a violation with a limit weird", () => {
    const bytes = message(header({ qd: 26 }), ...new Array(26).fill(q));
    const result = parse(bytes);
    expect(result).toMatchObject({ ok: false, error: "DNS_Conn_count_too_large", violation: true, messageEvent: true, endEvent: true });
    expect(result.weirds).toEqual([{ name: "DNS_Conn_count_too_large", addl: "26 > 25", limitReached: true }]);
    expect(parse(bytes, { maxQueries: 0 }).ok).toBe(true);
    expect(parse(bytes, { maxQueries: 26 }).ok).toBe(true);
  });

  it("accepts NetBIOS opcodes on port 137 and marks the header", () => {
    const bytes = message(header({ opcode: 5, qd: 1 }), q);
    const result = parse(bytes, { netbios: true });
    expect(result.ok && result.message.header).toMatchObject({ opcode: 5, is_netbios: true });
    expect(parse(message(header({ opcode: 8, qd: 1 }), q), { netbios: true }).ok).toBe(true);
  });

  it("accepts NOTIFY (opcode 4)", () => {
    expect(parse(message(header({ opcode: 4, qd: 1 }), question(name("zone.example"), 6))).ok).toBe(true);
  });
});

describe("authority and additional sections", () => {
  const q = question(name("example.com"));
  const reply = message(
    header({ qr: true, qd: 1, an: 1, ns: 1, ar: 1 }),
    q,
    rr(pointer(12), 1, A_RDATA),
    rr(pointer(12), 2, [2, ...ascii("ns"), ...pointer(12)]),
    rr(name(""), 41, [], { class: 1232, ttl: 0 }),
  );

  it("skips both by default, as dns_skip_all_auth and dns_skip_all_addl do", () => {
    const m = parsed(reply);
    expect([m.authorityParsed, m.additionalParsed, m.authority, m.additional]).toEqual([false, false, [], []]);
  });

  it("parses them when asked", () => {
    const m = parsed(reply, { skipAllAuth: false, skipAllAddl: false });
    expect(m.authority.map((a) => [a.answer_type, a.rdata])).toEqual([[2, { kind: "NS", name: "ns.example.com" }]]);
    expect(m.additional.map((a) => [a.answer_type, a.rdata.kind])).toEqual([[3, "OPT"]]);
  });

  it("walks the authority section (without events) when only the additional one is wanted", () => {
    const m = parsed(reply, { skipAllAddl: false });
    expect([m.authorityParsed, m.authority.length, m.additional.length]).toEqual([true, 1, 1]);
    expect(parsed(reply, { skipAllAddl: false, skipAddlFromServer: true }).additionalParsed).toBe(false);
  });

  it("a failure after the answers leaves the message confirmed and says why", () => {
    const broken = message(header({ qr: true, qd: 1, an: 1, ns: 1 }), q, rr(pointer(12), 1, A_RDATA), pointer(200));
    const result = parse(broken, { skipAllAuth: false });
    expect(result.ok).toBe(true);
    expect(result.ok && result.message.sectionError).toBe("DNS_label_forward_compress_offset");
    expect(weirdsOf(result)).toEqual(["DNS_label_forward_compress_offset"]);
  });
});

describe("dynamic update (RFC 2136)", () => {
  const zone = question(name("stratolab.org"), 6, 1);
  const host = name("nwin2.stratolab.org");

  it("reads the zone, prerequisites and updates with Zeek's class/TTL rules", () => {
    const bytes = message(
      header({ opcode: 5, qd: 1, an: 1, ns: 3 }),
      zone,
      rr(host, 5, [], { class: 254, ttl: 0 }), // prerequisite: no CNAME
      rr(pointer(31), 28, [], { class: 255, ttl: 0 }), // delete all AAAA
      rr(pointer(31), 1, [], { class: 255, ttl: 0 }), // delete all A
      rr(pointer(31), 1, A_RDATA, { class: 1, ttl: 1200 }), // add an A
    );
    const m = parsed(bytes);
    expect(m.zone).toEqual({ zname: "stratolab.org", ztype: 6, zclass: 1 });
    expect(m.questions).toEqual([]);
    expect(m.answers.map((a) => [a.answer_type, a.query, a.rdata.kind])).toEqual([[4, "nwin2.stratolab.org", "prerequisite"]]);
    expect(m.authority.map((a) => [a.answer_type, a.qtype, a.rdata])).toEqual([
      [5, 28, { kind: "delete" }],
      [5, 1, { kind: "delete" }],
      [5, 1, { kind: "A", a: "192.0.2.1" }],
    ]);
  });

  it.each([
    { what: "two zones", bytes: message(header({ opcode: 5, qd: 2 }), zone, zone), error: "DNS_DU_invalid_zone_count", addl: "2", endEvent: true },
    { what: "a zone that is not SOA", bytes: message(header({ opcode: 5, qd: 1 }), question(name("stratolab.org"), 1)), error: "DNS_DU_incorrect_zone_type", endEvent: false },
  ])("rejects $what", ({ bytes, error, addl, endEvent }) => {
    const result = parse(bytes);
    expect(result).toMatchObject({ ok: false, error, endEvent });
    expect(weirdsOf(result)).toEqual([addl ? `${error} ${addl}` : error]);
  });

  it("reports a prerequisite with a TTL and leaves its RDATA unread", () => {
    const bytes = message(header({ opcode: 5, qd: 1, an: 1 }), zone, rr(host, 1, [], { class: 1, ttl: 7 }));
    const result = parse(bytes);
    expect(result.ok && result.message.answers[0].rdata).toEqual({ kind: "none" });
    expect(weirdsOf(result)).toEqual(["DNS_dynamic_update_prereq_nonzero_ttl 7"]);
  });

  it("reports an update whose class matches neither the zone nor NONE", () => {
    const result = parse(message(header({ opcode: 5, qd: 1, ns: 1 }), zone, rr(host, 1, [], { class: 3, ttl: 0 })));
    expect(weirdsOf(result)).toEqual(["DNS_dynamic_update_invalid_update"]);
  });
});

describe("NetBIOS name service", () => {
  it("leaves type 33 (NBSTAT there) unread on port 137", () => {
    const bytes = message(header({ qr: true, qd: 1, an: 1 }), question(name("x"), 33), rr(pointer(12), 33, [1, 2, 3]));
    expect(parse(bytes, { netbios: true })).toMatchObject({ ok: true, message: { answers: [{ rdata: { kind: "unparsed", data: new Uint8Array([1, 2, 3]) } }] } });
  });
});

describe("never throws", () => {
  it.each([
    { what: "an empty buffer", data: new Uint8Array(0), offset: 0, length: 0 },
    { what: "an offset past the end", data: new Uint8Array(20), offset: 50, length: 10 },
    { what: "a negative length", data: new Uint8Array(20), offset: 0, length: -5 },
    { what: "a length past the end", data: message(header({ qd: 1 })), offset: 0, length: 1000 },
  ])("$what", ({ data, offset, length }) => {
    const result = parseDnsMessage(data, offset, length);
    expect(result.ok).toBe(false);
    expect(result.ok || result.error).toMatch(/^dns_/i);
  });

  it("a 16 KB chain of pointers with the depth cap lifted", () => {
    const n = 8000;
    const chain: Bytes = [];
    for (let i = 0; i < n; i++) chain.push(...pointer(i === 0 ? 12 : 23 + 2 * (i - 1)));
    const bytes = message(header({ qr: true, an: 2 }), rr(name(""), 4242, chain), rr(pointer(23 + 2 * (n - 1)), 4242, []));
    const result = parse(bytes, { maxCompressionChainDepth: 1e9 });
    expect(result.ok && result.message.answers.map((a) => a.query)).toEqual(["", ""]);
    expect(weirdsOf(result)).toEqual(["DNS_RR_unknown_type 4242", "DNS_RR_unknown_type 4242"]);
  });
});

// Keep the helper honest: u16 is big-endian.
it("message builder writes network byte order", () => {
  expect(u16(0x1234)).toEqual([0x12, 0x34]);
});
