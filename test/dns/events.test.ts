// The DNS events as the analyzer raises them: Zeek's names, argument orders and record fields, in
// Zeek's order within a message; only events some script handles are built; record types read only
// when handled; sections read only for their side effects raise only what Zeek raises there; and
// every argument has the kind core/script/events.ts declares for it.
import { describe, expect, it } from "vitest";
import { Connection } from "../../analyzers/conn/connection.ts";
import { NO_EVENTS, type ConnectionEvents } from "../../analyzers/conn/connection-events.ts";
import { raiseDnsEvents, SKIPPABLE_TYPE_EVENTS } from "../../analyzers/dns/events.ts";
import { type DnsParseOptions, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { EVENTS, type EventName } from "../../core/script/events.ts";
import { ascii, header, message, name, pointer, question, rr, strings, u16, u32, type Bytes } from "./message-builder.ts";
import { readDnsMessages } from "./trace-messages.ts";
import { TRACES } from "../fixtures/corpus.ts";

interface Raised {
  event: string;
  args: unknown[];
}

/** Connection events that record what is raised; `handled` says which events a script handles (all by default). */
function recorder(handled: (event: string) => boolean = () => true): { events: ConnectionEvents; raised: Raised[] } {
  const raised: Raised[] = [];
  const events: ConnectionEvents = {
    ...NO_EVENTS,
    confirmation: (_c, analyzer) => raised.push({ event: "analyzer_confirmation", args: [analyzer] }),
    handles: handled,
    raise: (event, args) => raised.push({ event, args }),
  };
  return { events, raised };
}

function connection(events: ConnectionEvents): Connection {
  return new Connection({
    events,
    uid: "CTest",
    key: "k",
    serial: 0,
    ipVersion: 4,
    origAddr: "192.0.2.1",
    respAddr: "192.0.2.53",
    origFirst: true,
    origPort: 40000,
    respPort: 53,
    transport: "udp",
    ipProto: 17,
    time: 0,
    origL2: undefined,
    respL2: undefined,
    vlan: -1,
    innerVlan: -1,
  });
}

/** Parses `bytes` as the analyzer does (handled types from `handled`) and raises its events. */
function raise(bytes: Uint8Array, opts: { isQuery?: boolean; handled?: (event: string) => boolean; parse?: DnsParseOptions } = {}): Raised[] {
  const { events, raised } = recorder(opts.handled);
  const conn = connection(events);
  const handledTypes = { has: (t: number) => SKIPPABLE_TYPE_EVENTS.has(t) && events.handles(SKIPPABLE_TYPE_EVENTS.get(t)!) };
  const result = parseDnsMessage(bytes, 0, bytes.length, { handledTypes, ...opts.parse });
  raiseDnsEvents(conn, opts.isQuery ?? (bytes[2] & 0x80) === 0, bytes.length, result);
  for (const r of raised) if (r.args[0] === conn) r.args[0] = "c";
  return raised;
}

const names = (raised: Raised[]) => raised.map((r) => r.event);
const argsOf = (raised: Raised[], event: string) => raised.filter((r) => r.event === event).map((r) => r.args);

const QUERY = message(header({ id: 0xbeef, rd: true, qd: 1 }), question(name("WWW.Example.com"), 1));
const ANSWER = rr(pointer(12), 1, [10, 0, 0, 1], { ttl: 300 });

describe("events of one message", () => {
  it("a query: dns_message, dns_request (with the name as sent), dns_end", () => {
    const raised = raise(QUERY);
    expect(names(raised)).toEqual(["dns_message", "dns_request", "analyzer_confirmation", "dns_end"]);
    const msg = {
      id: 0xbeef, opcode: 0, rcode: 0, QR: false, AA: false, TC: false, RD: true, RA: false, Z: 0, AD: false, CD: false,
      num_queries: 1, num_answers: 0, num_auth: 0, num_addl: 0, is_netbios: false,
    };
    expect(raised[0].args).toEqual(["c", true, msg, QUERY.length]);
    expect(raised[1].args).toEqual(["c", msg, "www.example.com", 1, 1, "WWW.Example.com"]);
    expect(raised[3].args).toEqual(["c", msg]);
  });

  it("a reply: dns_query_reply, then one event per record with Zeek's dns_answer", () => {
    const bytes = message(header({ id: 1, qr: true, qd: 1, an: 2 }), question(name("www.example.com")), ANSWER, rr(pointer(12), 5, name("alias.example.com"), { ttl: 60 }));
    const raised = raise(bytes);
    expect(names(raised)).toEqual(["dns_message", "dns_query_reply", "dns_A_reply", "dns_CNAME_reply", "analyzer_confirmation", "dns_end"]);
    expect(raised[0].args[1]).toBe(false);
    expect(raised[2].args.slice(2)).toEqual([{ answer_type: 1, query: "www.example.com", qtype: 1, qclass: 1, TTL: 300 }, "10.0.0.1"]);
    expect(raised[3].args.slice(3)).toEqual(["alias.example.com"]);
  });

  it("a reply without any record: dns_rejected", () => {
    const raised = raise(message(header({ id: 1, qr: true, qd: 1, rcode: 5 }), question(name("x.example"))));
    expect(names(raised)).toEqual(["dns_message", "dns_rejected", "analyzer_confirmation", "dns_end"]);
  });

  it("builds only the events some script handles", () => {
    const bytes = message(header({ id: 1, qr: true, qd: 1, an: 1 }), question(name("www.example.com")), ANSWER);
    expect(names(raise(bytes, { handled: (e) => e === "dns_A_reply" || e === "dns_end" }))).toEqual(["dns_A_reply", "analyzer_confirmation", "dns_end"]);
    expect(names(raise(bytes, { handled: () => false }))).toEqual(["analyzer_confirmation"]);
  });

  it("reads a type Zeek skips unless handled (TXT) only when its event is handled", () => {
    const bytes = message(header({ id: 1, qr: true, qd: 1, an: 1 }), question(name("t.example"), 16), rr(pointer(12), 16, strings("a", "bc")));
    expect(argsOf(raise(bytes), "dns_TXT_reply")).toEqual([["c", expect.anything(), expect.anything(), ["a", "bc"]]]);
    expect(names(raise(bytes, { handled: (e) => e !== "dns_TXT_reply" }))).not.toContain("dns_TXT_reply");
  });

  it("reports a TXT record whose strings miss RDLENGTH, then gives up on the message (no confirmation)", () => {
    const bytes = message(header({ id: 1, qr: true, qd: 1, an: 1 }), question(name("t.example"), 16), rr(pointer(12), 16, [...strings("abc"), 5, 0x78]));
    const raised = raise(bytes);
    expect(names(raised)).toEqual(["dns_message", "dns_query_reply", "dns_TXT_reply", "dns_end"]);
    expect(argsOf(raised, "dns_TXT_reply")[0][3]).toEqual(["abc"]);
  });

  it("does not raise dns_end for a message Zeek gives up on at its header", () => {
    const iquery = message(header({ id: 1, opcode: 1, qd: 1 }), question(name("x.example")));
    expect(raise(iquery)).toEqual([]);
  });
});

describe("authority and additional sections", () => {
  const opt = (ttl: number, options: Bytes) => rr([0], 41, options, { class: 4096, ttl });
  const ecs = [...u16(8), ...u16(7), ...u16(1), 24, 0, 192, 0, 2];
  const cookie = [...u16(10), ...u16(8), ...ascii("clientck")];
  const reply = message(
    header({ id: 9, qr: true, qd: 1, an: 1, ns: 1, ar: 2 }),
    question(name("www.example.com")),
    ANSWER,
    rr(name("example.com"), 2, name("ns.example.com")),
    rr(name("ns.example.com"), 1, [10, 0, 0, 53]),
    opt(0x00008000, [...ecs, ...cookie]),
  );

  it("are not read by default (Zeek's dns_skip_all_auth and dns_skip_all_addl)", () => {
    expect(names(raise(reply))).toEqual(["dns_message", "dns_query_reply", "dns_A_reply", "analyzer_confirmation", "dns_end"]);
  });

  it("raise their records' events when read, EDNS with Zeek's dns_edns_additional fields", () => {
    const raised = raise(reply, { parse: { skipAllAuth: false, skipAllAddl: false } });
    expect(names(raised)).toEqual([
      "dns_message", "dns_query_reply", "dns_A_reply", "analyzer_confirmation",
      "dns_NS_reply", "dns_A_reply", "dns_EDNS_addl", "dns_EDNS_ecs", "dns_EDNS_cookie", "dns_end",
    ]);
    expect(raised[4].args[2]).toMatchObject({ answer_type: 2, query: "example.com" });
    expect(raised[5].args[2]).toMatchObject({ answer_type: 3, query: "ns.example.com" });
    expect(argsOf(raised, "dns_EDNS_addl")[0][2]).toEqual({
      query: "", qtype: 3, t: 41, payload_size: 4096, extended_rcode: 0, version: 0, z_field: 0x8000, TTL: 0x8000, is_query: 0,
    });
    expect(argsOf(raised, "dns_EDNS_ecs")[0][2]).toEqual({ family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "192.0.2.0" });
    expect(argsOf(raised, "dns_EDNS_cookie")[0][2]).toEqual({ client_cookie: "clientck", server_cookie: "" });
  });

  it("read for their side effects only: the authority section raises nothing of its own", () => {
    const raised = raise(reply, { parse: { skipAllAuth: true, skipAllAddl: false } });
    expect(names(raised)).not.toContain("dns_NS_reply");
    expect(names(raised)).toContain("dns_EDNS_addl");
  });
});

describe("dynamic update", () => {
  it("raises the prerequisites, the updates, then dns_dynamic_update with the zone", () => {
    const bytes = message(
      header({ id: 3, opcode: 5, qd: 1, an: 1, ns: 2 }),
      question(name("example.com"), 6),
      rr(name("a.example.com"), 255, [], { class: 255, ttl: 0 }),
      rr(name("b.example.com"), 255, [], { class: 255, ttl: 0 }),
      rr(name("c.example.com"), 1, [10, 0, 0, 3]),
    );
    const raised = raise(bytes);
    expect(names(raised)).toEqual([
      "dns_message", "dns_dynamic_update_pre", "dns_dynamic_update_del", "dns_A_reply", "dns_dynamic_update", "analyzer_confirmation", "dns_end",
    ]);
    expect(raised[1].args[2]).toMatchObject({ answer_type: 4, query: "a.example.com" });
    expect(raised[3].args[2]).toMatchObject({ answer_type: 5, query: "c.example.com" });
    expect(raised[4].args.slice(2)).toEqual(["example.com", 1]);
  });
});

describe("every event's arguments have the kinds core/script/events.ts declares", () => {
  const sig = [...u16(1), 8, 2, ...u32(300), ...u32(1700000000), ...u32(1690000000), ...u16(1), ...name("example.com"), 1, 2];
  const records: [number, Bytes][] = [
    [1, [10, 0, 0, 1]], [28, new Array(16).fill(1)], [38, new Array(16).fill(2)], [2, name("ns.x")], [5, name("c.x")], [12, name("p.x")],
    [6, [...name("m.x"), ...name("r.x"), ...u32(1), ...u32(2), ...u32(3), ...u32(4), ...u32(5)]],
    [13, strings("cpu", "os")], [15, [...u16(5), ...name("mx.x")]], [16, strings("t")], [99, strings("s")],
    [257, [0, 5, ...ascii("issueca.x")]], [33, [...u16(1), ...u16(2), ...u16(3), ...name("s.x")]],
    [35, [...u16(1), ...u16(2), ...strings("u", "E2U", "re"), 0]], [999, [1]], [249, [...name("alg.x"), ...u32(1), ...u32(2), ...u16(3), ...u16(0), ...u16(2), 1, 2, ...u16(0)]],
    [250, [...name("hmac.x"), ...u32(1), ...u16(2), ...u16(300), ...u16(2), 9, 9, ...u16(7), ...u16(0), ...u16(0)]],
    [46, sig], [48, [...u16(256), 3, 8, 1]], [47, [...name("n.x"), 0, 1, 0x40]], [50, [1, 0, ...u16(1), 1, 0xaa, 2, 1, 2, 0, 1, 0x40]],
    [51, [1, 0, ...u16(1), 1, 0xaa]], [43, [...u16(1), 8, 2, 0xcc]], [65534, [8, 0, 1, 0, 1]], [44, [1, 1, 0xfe]],
    [29, [0, 0x12, 0x16, 0x13, ...u32(1), ...u32(2), ...u32(3)]], [64, [...u16(1), ...name("svc.x"), ...u16(1), ...u16(3), 2, ...ascii("h2")]],
    [65, [...u16(1), 0, ...u16(3), ...u16(2), ...u16(443)]], [41, [...u16(11), ...u16(2), ...u16(100)]],
    // Last: Zeek reports WKS without stepping over it.
    [11, [10, 0, 0, 1, 6, 1]],
  ];
  const bytes = message(header({ id: 2, qr: true, qd: 1, an: records.length }), question(name("all.x"), 255), ...records.map(([t, d]) => rr(pointer(12), t, d, t === 41 ? { class: 512 } : {})));

  it("for one record of every type, all handled", () => {
    const raised = raise(bytes);
    const dnsEvents = Object.keys(EVENTS).filter((e) => e.startsWith("dns_"));
    const seen = new Set(names(raised));
    // Every DNS event but those of dynamic updates, rejections and requests appears here.
    expect(dnsEvents.filter((e) => !seen.has(e)).sort()).toEqual(
      ["dns_dynamic_update", "dns_dynamic_update_del", "dns_dynamic_update_pre", "dns_EDNS_cookie", "dns_EDNS_ecs", "dns_rejected", "dns_request"].sort(),
    );
    for (const { event, args } of raised) {
      if (event === "analyzer_confirmation") continue;
      const kinds: readonly string[] = EVENTS[event as EventName];
      expect(args.length, event).toBe(kinds.length);
      kinds.forEach((kind, i) => {
        const v = args[i];
        const ok = { connection: v === "c", bool: typeof v === "boolean", count: Number.isInteger(v), double: typeof v === "number", string: typeof v === "string", record: typeof v === "object" && v !== null }[kind];
        expect(ok, `${event} argument ${i} should be ${kind}: ${JSON.stringify(v)}`).toBe(true);
      });
    }
  });
});

// The records Zeek's own btests print for these corpus traces (testing/btest/Baseline/
// scripts.base.protocols.dns.*): the same values must reach a script here.
describe("event records as Zeek's btests print them", () => {

  /** Every event of one kind raised over a trace, with the sections read as the btest read them. */
  function eventsOf(trace: string, event: string, parse: DnsParseOptions = {}): unknown[][] {
    return readDnsMessages(`${TRACES}/${trace}`).flatMap((m) =>
      argsOf(raise(m.payload, { isQuery: m.dport === 53 || m.dport === 5353, parse: { tcp: m.proto === "tcp", ...parse } }), event),
    );
  }
  const readAll: DnsParseOptions = { skipAllAuth: false, skipAllAddl: false };

  it("dns_CAA_reply (dns-caa.pcap)", () => {
    expect(eventsOf("dns-caa.pcap", "dns_CAA_reply").map((a) => a.slice(3))).toEqual([[0, "issue", "symantec.com"]]);
  });

  it("dns_HINFO_reply with its dns_msg and dns_answer (dns/hinfo.pcap)", () => {
    expect(eventsOf("dns/hinfo.pcap", "dns_HINFO_reply").map((a) => a.slice(1))).toEqual([
      [
        { id: 51592, opcode: 0, rcode: 0, QR: true, AA: true, TC: false, RD: true, RA: true, Z: 0, AD: false, CD: false, num_queries: 1, num_answers: 1, num_auth: 0, num_addl: 1, is_netbios: false },
        { answer_type: 1, query: "zeek.example.net", qtype: 13, qclass: 1, TTL: 3600 },
        "INTEL-386",
        "Windows",
      ],
    ]);
  });

  it("dns_EDNS_cookie (dns-edns-cookie.pcap)", () => {
    expect(eventsOf("dns-edns-cookie.pcap", "dns_EDNS_cookie", readAll).map((a) => a[2])).toEqual([
      { client_cookie: "\xc8\x14\x98Z\x92\x8acB", server_cookie: "" },
      { client_cookie: "\xc8\x14\x98Z\x92\x8acB", server_cookie: "=\xcd>O{\xa9$z" },
      { client_cookie: "1;Pl\x0b\xdd\x04s", server_cookie: "" },
      { client_cookie: "1;Pl\x0b\xdd\x04s", server_cookie: "\xb0\xb1.E\xbahYl" },
    ]);
  });

  it("dns_EDNS_ecs (dns-edns-ecs.pcap)", () => {
    const v4 = { family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "213.61.29.0" };
    const v6 = { family: "v6", source_prefix_len: 56, scope_prefix_len: 0, address: "2001:470:1f0b:1600::" };
    // Zeek prints ten: the last v6 is in a reply that comes in two IP fragments.
    expect(eventsOf("dns-edns-ecs.pcap", "dns_EDNS_ecs", readAll).map((a) => a[2])).toEqual([v4, v4, ...new Array(8).fill(v6)]);
  });

  it("dns_EDNS_tcp_keepalive (dns-edns-tcp-keepalive.pcap)", () => {
    expect(eventsOf("dns-edns-tcp-keepalive.pcap", "dns_EDNS_tcp_keepalive", readAll).map((a) => a[2])).toEqual([
      { keepalive_timeout_omitted: false, keepalive_timeout: 10 },
      { keepalive_timeout_omitted: false, keepalive_timeout: 370 },
      { keepalive_timeout_omitted: true, keepalive_timeout: 0 },
      { keepalive_timeout_omitted: false, keepalive_timeout: 370 },
    ]);
  });

  it("dns_TKEY, in the query's and the reply's additional section (dns/tkey.pcap)", () => {
    const tkeys = eventsOf("dns/tkey.pcap", "dns_TKEY", { skipAllAddl: false }).map((a) => a[2] as Record<string, unknown>);
    const query = "1068-ms-7.309-2c6e448.7a9463b8-b109-11ed-26a3-080027f220e5";
    expect(tkeys.map(({ key_data, ...rest }) => ({ ...rest, key_data_size: (key_data as string).length }))).toEqual([
      { query, qtype: 3, alg_name: "gss-tsig", inception: 1676938156, expiration: 1677024556, mode: 3, rr_error: 0, key_data_size: 3073, is_query: 1 },
      { query, qtype: 1, alg_name: "gss-tsig", inception: 1676938118, expiration: 1677024518, mode: 3, rr_error: 0, key_data_size: 185, is_query: 0 },
    ]);
  });

  it("dns_SVCB and dns_HTTPS (dns-svcb.pcap, dns-https.pcap)", () => {
    expect(eventsOf("dns-svcb.pcap", "dns_SVCB", readAll).map((a) => a[3])).toEqual([{ svc_priority: 0, target_name: "foo.example.com" }]);
    expect(eventsOf("dns-https.pcap", "dns_HTTPS", readAll).map((a) => a[3])).toEqual([
      {
        svc_priority: 1,
        target_name: ".",
        svc_params: [
          { key: 1, alpn: ["h3", "h3-29", "h3-28", "h3-27", "h2"] },
          { key: 4, hint: ["104.16.132.229", "104.16.133.229"] },
          { key: 6, hint: ["2606:4700::6810:84e5", "2606:4700::6810:85e5"] },
        ],
      },
    ]);
  });
});
