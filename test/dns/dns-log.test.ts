// dns.log from traffic built here, through the whole pipeline (analyzer, events, base/dns): how
// queries and replies pair up, what is written when, every field's rendering, every record type's
// `answers` summary as Zeek's base/protocols/dns writes it, NetBIOS names, multicast, the policies,
// and names with bytes that are not text.
import { describe, expect, it } from "vitest";
import { isCoreOption } from "../../core/options.ts";
import { ascii, header, message, name, pointer, question, rr, strings, u16, u32, type Bytes, type HeaderSpec } from "./message-builder.ts";
import { frameAt, runPipeline, type PipelineOptions, type TimedFrame } from "../fixtures/pipeline.ts";

const CLIENT = "192.168.1.10";
const SERVER = "192.168.1.1";

/** A datagram between the client (port 40000 unless given) and the server's port 53: a query (QR clear) to the server, a reply back. */
function udp(ts: number, msg: Uint8Array, opts: { sport?: number; dport?: number } = {}): TimedFrame {
  const cport = opts.sport ?? 40000;
  const sport = opts.dport ?? 53;
  const isReply = (msg[2] & 0x80) !== 0;
  return isReply
    ? frameAt(ts, { src: SERVER, dst: CLIENT, proto: "udp", sport, dport: cport, payload: msg })
    : frameAt(ts, { src: CLIENT, dst: SERVER, proto: "udp", sport: cport, dport: sport, payload: msg });
}

function query(id: number, qname: string, qtype = 1, h: HeaderSpec = {}): Uint8Array {
  return message(header({ id, rd: true, qd: 1, ...h }), question(name(qname), qtype));
}

/** A reply to `qname` with the given answer records. */
function reply(id: number, qname: string, qtype: number, answers: Bytes[], h: HeaderSpec = {}): Uint8Array {
  return message(header({ id, qr: true, rd: true, ra: true, qd: 1, an: answers.length, ...h }), question(name(qname), qtype), ...answers);
}

function dnsRows(frames: TimedFrame[], opts?: PipelineOptions): Record<string, string>[] {
  return runPipeline(frames, opts).rows("dns");
}

describe("dns.log transactions", () => {
  it("pairs a query with its reply: one row with the query's time, rtt, flags and answers", () => {
    const rows = dnsRows([
      udp(1, query(0x1234, "WWW.Example.com")),
      udp(1.025, reply(0x1234, "WWW.Example.com", 1, [rr(pointer(12), 5, name("web.example.net")), rr(name("web.example.net"), 1, [93, 184, 216, 34], { ttl: 60 })])),
    ]);
    expect(rows).toEqual([
      {
        ts: "1.000000",
        uid: expect.stringMatching(/^C/),
        "id.orig_h": CLIENT,
        "id.orig_p": "40000",
        "id.resp_h": SERVER,
        "id.resp_p": "53",
        proto: "udp",
        trans_id: "4660",
        rtt: "0.025000",
        query: "www.example.com",
        qclass: "1",
        qclass_name: "C_INTERNET",
        qtype: "1",
        qtype_name: "A",
        rcode: "0",
        rcode_name: "NOERROR",
        AA: "F",
        TC: "F",
        RD: "T",
        RA: "T",
        Z: "0",
        answers: "web.example.net,93.184.216.34",
        TTLs: "300.000000,60.000000",
        rejected: "F",
        opcode: "0",
        opcode_name: "query",
      },
    ]);
  });

  it("pairs by transaction id, oldest query first, and logs a second reply on its own", () => {
    const rows = dnsRows([
      udp(1, query(7, "a.example")),
      udp(2, query(7, "b.example")),
      udp(3, reply(7, "a.example", 1, [rr(pointer(12), 1, [10, 0, 0, 1])])),
      udp(4, reply(7, "b.example", 1, [rr(pointer(12), 1, [10, 0, 0, 2])])),
      udp(5, reply(7, "b.example", 1, [rr(pointer(12), 1, [10, 0, 0, 2])], { aa: true })),
    ]);
    const summary = rows.map((r) => [r.ts, r.query, r.qtype_name, r.rtt, r.answers, r.AA]);
    expect(summary).toEqual([
      ["1.000000", "a.example", "A", "2.000000", "10.0.0.1", "F"],
      ["2.000000", "b.example", "A", "2.000000", "10.0.0.2", "F"],
      // The duplicate has no query: its name comes from the answer, no qtype, no rtt.
      ["5.000000", "b.example", "-", "-", "10.0.0.2", "T"],
    ]);
  });

  it("keeps waiting queries of other ids in the order they came: the oldest is the next one matched", () => {
    const rows = dnsRows([
      udp(1, query(1, "one.example")),
      udp(2, query(2, "two.example")),
      udp(3, query(3, "three.example")),
      udp(4, reply(1, "one.example", 1, [rr(pointer(12), 1, [10, 0, 0, 1])])),
    ]);
    // The answered query first; the two left over at the end of input, oldest first.
    expect(rows.map((r) => [r.trans_id, r.query, r.answers])).toEqual([
      ["1", "one.example", "10.0.0.1"],
      ["2", "two.example", "-"],
      ["3", "three.example", "-"],
    ]);
  });

  it("logs a reply whose query was not seen when the flow ends, and flips a reply sent first", () => {
    const rows = dnsRows([frameAt(1, { src: SERVER, dst: CLIENT, proto: "udp", sport: 53, dport: 53, payload: reply(9, "x.example", 1, [rr(pointer(12), 1, [10, 9, 9, 9])]) })]);
    expect(rows).toHaveLength(1);
    // Zeek's flip rule for 53 → 53: the replying side becomes the responder.
    expect([rows[0]["id.orig_h"], rows[0]["id.resp_h"], rows[0].query, rows[0].qtype, rows[0].rcode_name, rows[0].answers, rows[0].rtt]).toEqual([
      CLIENT, SERVER, "x.example", "-", "NOERROR", "10.9.9.9", "-",
    ]);
  });

  it("logs an unanswered query at end of input, and at dns_session_timeout on a quiet flow", () => {
    const pipeline = runPipeline([udp(1, query(1, "first.example")), udp(30, query(2, "second.example"))]);
    const rows = pipeline.rows("dns");
    expect(rows.map((r) => [r.ts, r.query, r.rcode, r.answers])).toEqual([
      ["1.000000", "first.example", "-", "-"],
      ["30.000000", "second.example", "-", "-"],
    ]);
    // The first flow timed out after 10 s of silence: the second query is a new connection.
    expect(rows[0].uid).not.toBe(rows[1].uid);
    expect(pipeline.rows("conn").map((c) => c.uid).sort()).toEqual([rows[0].uid, rows[1].uid].sort());
  });

  it("marks rejected queries: a reply without records, or an error reply without the question", () => {
    const rows = dnsRows([
      udp(1, query(1, "refused.example")),
      udp(1.5, reply(1, "refused.example", 1, [], { rcode: 5 })),
      udp(2, query(2, "servfail.example")),
      udp(2.5, message(header({ id: 2, qr: true, rcode: 2 }))),
      udp(3, query(3, "nx.example")),
      udp(3.5, reply(3, "nx.example", 1, [], { rcode: 3, ns: 1 })),
    ]);
    expect(rows.map((r) => [r.query, r.rcode, r.rcode_name, r.rejected])).toEqual([
      ["refused.example", "5", "REFUSED", "T"],
      ["servfail.example", "2", "SERVFAIL", "T"],
      // NXDOMAIN with an authority record: answered, not rejected.
      ["nx.example", "3", "NXDOMAIN", "F"],
    ]);
  });

  it("keeps every header flag and the opcode", () => {
    const rows = dnsRows([
      udp(1, query(5, "flags.example", 16, { rd: false, tc: true, z: 2 })),
      udp(2, reply(5, "flags.example", 16, [], { aa: true, ra: false, rcode: 0, ns: 1 })),
      udp(3, message(header({ id: 6, opcode: 4, aa: true, qd: 1 }), question(name("zone.example"), 6))),
    ]);
    expect(rows.map((r) => [r.RD, r.TC, r.Z, r.AA, r.RA, r.qtype_name, r.opcode, r.opcode_name])).toEqual([
      // AA and RA come from a reply's records; this one had none.
      ["F", "T", "2", "F", "F", "TXT", "0", "query"],
      ["F", "F", "0", "F", "F", "SOA", "4", "notify"],
    ]);
  });

  it("does not pair messages sent to multicast addresses (mDNS, LLMNR): one row each", () => {
    const mdnsQuery = message(header({ id: 0, qd: 1 }), question(name("printer.local"), 1));
    const mdnsAnswer = message(header({ id: 0, qr: true, aa: true, an: 1 }), rr(name("printer.local"), 1, [192, 168, 1, 50], { ttl: 120 }));
    const rows = dnsRows([
      frameAt(1, { src: CLIENT, dst: "224.0.0.251", proto: "udp", sport: 5353, dport: 5353, payload: mdnsQuery }),
      frameAt(1.1, { src: "192.168.1.50", dst: "224.0.0.251", proto: "udp", sport: 5353, dport: 5353, payload: mdnsAnswer }),
      frameAt(2, { src: "fe80::1", dst: "ff02::1:3", proto: "udp", sport: 49152, dport: 5355, payload: query(0x55, "wpad", 1, { rd: false }) }),
    ]);
    expect(rows.map((r) => [r["id.resp_h"], r["id.resp_p"], r.query, r.qtype_name, r.rcode_name, r.answers, r.TTLs])).toEqual([
      ["224.0.0.251", "5353", "printer.local", "A", "-", "-", "-"],
      ["224.0.0.251", "5353", "printer.local", "-", "NOERROR", "192.168.1.50", "120.000000"],
      ["ff02::1:3", "5355", "wpad", "A", "-", "-", "-"],
    ]);
  });

  it("reads several messages from one TCP segment and one message from several segments", () => {
    const q1 = query(0x101, "one.example");
    const q2 = query(0x102, "two.example", 28);
    const r1 = reply(0x101, "one.example", 1, [rr(pointer(12), 1, [10, 1, 1, 1])]);
    const r2 = reply(0x102, "two.example", 28, [rr(pointer(12), 28, [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1])]);
    const framed = (m: Uint8Array) => [...u16(m.length), ...m];
    const toServer = Uint8Array.from([...framed(q1), ...framed(q2)]);
    const toClient = Uint8Array.from([...framed(r1), ...framed(r2)]);
    const c = { src: CLIENT, dst: SERVER, proto: "tcp" as const, sport: 40001, dport: 53 };
    const s = { src: SERVER, dst: CLIENT, proto: "tcp" as const, sport: 53, dport: 40001 };
    const split = 7;
    const rows = dnsRows([
      frameAt(1, { ...c, flags: "S", seq: 100 }),
      frameAt(1.01, { ...s, flags: "SA", seq: 500, ack: 101 }),
      frameAt(1.02, { ...c, flags: "A", seq: 101, ack: 501 }),
      frameAt(1.03, { ...c, flags: "PA", seq: 101, ack: 501, payload: toServer }),
      frameAt(1.05, { ...s, flags: "PA", seq: 501, ack: 101 + toServer.length, payload: toClient.subarray(0, split) }),
      frameAt(1.06, { ...s, flags: "PA", seq: 501 + split, ack: 101 + toServer.length, payload: toClient.subarray(split) }),
    ]);
    expect(rows.map((r) => [r.proto, r.query, r.qtype_name, r.answers, r.rtt])).toEqual([
      // The first reply ends in the second segment.
      ["tcp", "one.example", "A", "10.1.1.1", "0.030000"],
      ["tcp", "two.example", "AAAA", "2001:db8::1", "0.030000"],
    ]);
  });
});

describe("answers: each record type's summary, as Zeek's base script writes it", () => {
  const soa = [...name("ns1.example.com"), ...name("hostmaster.example.com"), ...u32(2024010101), ...u32(7200), ...u32(3600), ...u32(1209600), ...u32(300)];
  const sig = new Array(8).fill(0xab);
  const rrsig = (signer: string) => [...u16(1), 8, 2, ...u32(300), ...u32(1700000000), ...u32(1690000000), ...u16(12345), ...name(signer), ...sig];
  const cases: { type: number; rdata: Bytes; answer: string }[] = [
    { type: 1, rdata: [10, 0, 0, 1], answer: "10.0.0.1" },
    { type: 28, rdata: [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 0x53], answer: "2001:db8::53" },
    { type: 2, rdata: name("ns1.example.com"), answer: "ns1.example.com" },
    { type: 5, rdata: name("Alias.Example.NET"), answer: "alias.example.net" },
    { type: 12, rdata: name("host.example.com"), answer: "host.example.com" },
    { type: 15, rdata: [...u16(10), ...name("mail.example.com")], answer: "mail.example.com" },
    { type: 6, rdata: soa, answer: "ns1.example.com" },
    { type: 16, rdata: strings("hello", "big world"), answer: "TXT 5 hello TXT 9 big world" },
    { type: 99, rdata: strings("v=spf1 -all"), answer: "SPF 11 v=spf1 -all" },
    { type: 33, rdata: [...u16(0), ...u16(5), ...u16(5060), ...name("sip.example.com")], answer: "sip.example.com" },
    { type: 35, rdata: [...u16(100), ...u16(10), ...strings("u", "E2U+sip", "!^.*$!sip:info@example.com!"), 0], answer: "NAPTR 100 10 u E2U+sip !^.*$!sip:info@example.com!" },
    { type: 29, rdata: [0, 0x12, 0x16, 0x13, ...u32(0x8b3f1a00), ...u32(0x7ffcd400), ...u32(0x00989680)], answer: "LOC:  18 22 19" },
    { type: 44, rdata: [1, 1, 0xde, 0xad, 0xbe, 0xef], answer: "SSHFP: deadbeef" },
    { type: 48, rdata: [...u16(257), 3, 8, 1, 2, 3, 4], answer: "DNSKEY 8" },
    { type: 43, rdata: [...u16(12345), 8, 2, ...new Array(32).fill(7)], answer: "DS 8 2" },
    { type: 46, rdata: rrsig("Example.com"), answer: "RRSIG 1 example.com" },
    { type: 46, rdata: rrsig(""), answer: "RRSIG 1 <Root>" },
    { type: 47, rdata: [...name("b.example.com"), 0, 1, 0x40], answer: "NSEC q.example b.example.com" },
    { type: 50, rdata: [1, 0, ...u16(10), 2, 0xaa, 0xbb, 4, 1, 2, 3, 4, 0, 1, 0x40], answer: "NSEC3" },
    { type: 51, rdata: [1, 0, ...u16(10), 2, 0xaa, 0xbb], answer: "NSEC3PARAM" },
    { type: 65534, rdata: [8, 0x30, 0x39, 0, 1], answer: "BIND9 signing signal" },
    { type: 999, rdata: [1, 2, 3], answer: "<unknown type=999>" },
    // Zeek's base script reports WKS with an empty summary, and handles neither HINFO nor CAA.
    { type: 11, rdata: [10, 0, 0, 1, 6, 0x40], answer: "-" },
    { type: 13, rdata: strings("X86", "Linux"), answer: "-" },
    { type: 257, rdata: [0, 5, ...ascii("issue"), ...ascii("ca.example")], answer: "-" },
  ];

  it.each(cases)("type $type → $answer", ({ type, rdata, answer }) => {
    const rows = dnsRows([udp(1, query(1, "q.example", type)), udp(1.5, reply(1, "q.example", type, [rr(pointer(12), type, rdata, { ttl: 3600 })]))]);
    expect(rows.map((r) => [r.qtype, r.answers, r.TTLs])).toEqual([[String(type), answer, answer === "-" ? "-" : "3600.000000"]]);
  });

  it("renders dynamic updates: prerequisites, deletions and additions", () => {
    const zone = question(name("example.com"), 6);
    const sections = [
      rr(name("a.example.com"), 255, [], { class: 255, ttl: 0 }), // prerequisite: name in use
      rr(name("b.example.com"), 5, [], { class: 254, ttl: 0 }), // prerequisite: no CNAME RRset
      rr(name("c.example.com"), 255, [], { class: 255, ttl: 0 }), // update: delete all RRsets
      rr(name("d.example.com"), 28, [], { class: 255, ttl: 0 }), // update: delete the AAAA RRset
      rr(name("d.example.com"), 1, [10, 0, 0, 4], { ttl: 1200 }), // update: add an A record
    ];
    const update = (qr: boolean) => message(header({ id: 77, qr, opcode: 5, qd: 1, an: 2, ns: 3 }), zone, ...sections);
    const rows = dnsRows([udp(1, update(false)), udp(1.2, update(true))]);
    expect(rows.map((r) => [r.query, r.opcode_name, r.answers, r.TTLs])).toEqual([
      [
        "a.example.com",
        "dynamic-update",
        "pre: NameInUse a.example.com,pre: NoRRSet CNAME b.example.com,del: RRSet * c.example.com,del: RRSet AAAA,add: A d.example.com 10.0.0.4",
        "0.000000,0.000000,0.000000,0.000000,1200.000000",
      ],
    ]);
  });
});

describe("names", () => {
  // RFC 1001 §14.1: each nibble + 'A'.
  const encode = (s: string, suffix = 0) =>
    [...s.padEnd(15, " "), String.fromCharCode(suffix)].map((c) => String.fromCharCode(0x41 + (c.charCodeAt(0) >> 4), 0x41 + (c.charCodeAt(0) & 0xf))).join("");

  it.each([
    { encoded: encode("WORKGROUP", 0x1d), logged: "WORKGROUP" },
    { encoded: encode("BRWC0CB383D1F42", 0x20), logged: "BRWC0CB383D1F42" },
    { encoded: encode("WORKGROUP").toLowerCase(), logged: "WORKGROUP" },
    // Not a first-level encoding: logged as sent (lower-cased).
    { encoded: "FHEPFCELEHFCEPFF", logged: "fhepfcelehfcepff" },
    { encoded: encode("AB").replace("E", "Z"), logged: encode("AB").replace("E", "Z").toLowerCase() },
    { encoded: encode(""), logged: encode("").toLowerCase() },
    { encoded: encode("A\x7fB"), logged: "A" },
  ])("NetBIOS name service on udp/137: $encoded is logged as $logged", ({ encoded, logged }) => {
    const q = message(header({ id: 0x8001, qd: 1 }), question([encoded.length, ...ascii(encoded), 0], 32));
    const rows = dnsRows([udp(1, q, { sport: 137, dport: 137 })]);
    expect(rows.map((r) => [r.query, r.qtype_name, r.opcode_name])).toEqual([[logged, "NIMLOC", "netbios-query"]]);
  });

  it("names NetBIOS opcodes and calls type 33 NBSTAT on udp/137", () => {
    const nb = (id: number, opcode: number, qtype: number) =>
      udp(id, message(header({ id, opcode, qd: 1 }), question([32, ...ascii(encode("HOST", 0)), 0], qtype)), { sport: 137, dport: 137 });
    const rows = dnsRows([nb(1, 0, 33), nb(2, 5, 32)]);
    expect(rows.map((r) => [r.query, r.qtype_name, r.opcode_name])).toEqual([
      ["HOST", "NBSTAT", "netbios-query"],
      ["HOST", "NIMLOC", "netbios-registration"],
    ]);
  });

  it("writes the bytes of a name as Zeek does: valid UTF-8 as it is, other bytes as \\xNN, a backslash doubled", () => {
    const label = (bytes: number[]) => [bytes.length, ...bytes];
    const q = (id: number, labelBytes: number[]) => message(header({ id, qd: 1 }), question([...label(labelBytes), ...name("example")], 1));
    const rows = dnsRows([udp(1, q(1, [0x63, 0x61, 0x66, 0xc3, 0xa9])), udp(2, q(2, [0x63, 0x61, 0x66, 0xe9])), udp(3, q(3, [0x61, 0x09, 0x5c]))]);
    expect(rows.map((r) => r.query)).toEqual(["café.example", "caf\\xe9.example", "a\\x09\\\\.example"]);
  });

  it("log-original-query-case adds the question as sent", () => {
    const rows = dnsRows([udp(1, query(3, "MiXeD.Example.ORG"))], { policies: ["policy/dns/log-original-query-case"] });
    expect(rows.map((r) => [r.query, r.original_query])).toEqual([["mixed.example.org", "MiXeD.Example.ORG"]]);
  });
});

describe("policy/dns/auth-addl", () => {
  const withSections = message(
    header({ id: 4, qr: true, rd: true, ra: true, qd: 1, an: 1, ns: 2, ar: 1 }),
    question(name("www.example.org"), 1),
    rr(pointer(12), 1, [10, 0, 0, 80]),
    rr(name("example.org"), 2, name("ns1.example.org")),
    rr(name("example.org"), 2, name("ns2.example.org")),
    rr(name("ns1.example.org"), 1, [10, 0, 0, 53]),
  );
  const frames = [udp(1, query(4, "www.example.org")), udp(1.1, withSections)];

  it("adds empty auth and addl columns while Zeek's dns_skip_all_* leave those sections unread", () => {
    const rows = dnsRows(frames, { policies: ["policy/dns/auth-addl"], settings: [] });
    expect(Object.keys(rows[0]).slice(-2)).toEqual(["auth", "addl"]);
    expect([rows[0].answers, rows[0].auth, rows[0].addl]).toEqual(["10.0.0.80", "-", "-"]);
  });

  // Loading the policy implies dns_skip_all_auth=F and dns_skip_all_addl=F once core has them.
  it.skipIf(!isCoreOption("dns_skip_all_auth"))("fills auth and addl from the sections it has read", () => {
    const rows = dnsRows(frames, { policies: ["policy/dns/auth-addl"], settings: ["dns_skip_all_auth=F", "dns_skip_all_addl=F"] });
    expect([rows[0].answers, rows[0].auth.split(",").sort().join(","), rows[0].addl]).toEqual(["10.0.0.80", "ns1.example.org,ns2.example.org", "10.0.0.53"]);
  });
});
