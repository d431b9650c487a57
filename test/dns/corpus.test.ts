// The parser against Zeek's own output for the corpus traces: every dns.log row's query, qtype,
// rcode, answers and TTLs (and auth/addl where auth-addl.zeek was loaded) must come out of the
// parsed messages, rendered the way Zeek's base DNS script renders them. Plus the weirds and
// confirmations Zeek's btests assert for the malformed traces.
import { describe, expect, it } from "vitest";
import { BASE_HANDLED_TYPES, type DnsParseOptions, type DnsParseResult, parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { AnswerType, type DnsMessage, type DnsResourceRecord, RRType } from "../../analyzers/dns/types.ts";
import { readDnsMessages, type TraceMessage } from "./trace-messages.ts";
import { logRows } from "../fixtures/logs.ts";
import { CORPUS } from "../fixtures/corpus.ts";


function parseTrace(trace: string, opts: DnsParseOptions = {}): { msg: TraceMessage; result: DnsParseResult }[] {
  return readDnsMessages(`${CORPUS}/traces/${trace}`).map((msg) => ({
    msg,
    result: parseDnsMessage(msg.payload, 0, msg.payload.length, {
      netbios: msg.sport === 137 || msg.dport === 137,
      netbiosResponder: msg.dport === 137,
      tcp: msg.proto === "tcp",
      ...opts,
    }),
  }));
}

// What the Zeek base script's reply handlers pass to DNS::do_reply; null when no event is raised.
const TYPE_NAMES: Record<number, string> = { 1: "A", 5: "CNAME", 28: "AAAA" };
function render(rr: DnsResourceRecord, m: DnsMessage): string | null {
  const d = rr.rdata;
  const update = m.header.opcode === 5;
  switch (d.kind) {
    case "A":
    case "AAAA":
    case "A6":
      return update ? `${d.kind} ${rr.query} ${d.a}` : d.a;
    case "NS":
    case "CNAME":
    case "PTR":
    case "MX":
      return d.name;
    case "SRV":
      return d.target;
    case "SOA":
      return d.mname;
    case "TXT":
    case "SPF":
      return d.strs.map((s) => `${d.kind} ${s.length} ${s}`).join(" ");
    case "WKS":
      return "";
    case "NAPTR":
      return `NAPTR ${d.order} ${d.preference} ${d.flags} ${d.service} ${[d.regexp, d.replacement].filter((s) => s !== "").join(" ")}`;
    case "RRSIG":
      return `RRSIG ${d.type_covered} ${d.signer_name === "" ? "<Root>" : d.signer_name}`;
    case "DNSKEY":
      return `DNSKEY ${d.algorithm}`;
    case "NSEC":
      return `NSEC ${rr.query} ${d.next_name}`;
    case "NSEC3":
    case "NSEC3PARAM":
      return d.kind;
    case "DS":
      return `DS ${d.algorithm} ${d.digest_type}`;
    case "BINDS":
      return "BIND9 signing signal";
    case "SSHFP":
      return `SSHFP: ${Buffer.from(d.fingerprint).toString("hex")}`;
    case "LOC":
      return `LOC:  ${d.size} ${d.horiz_pre} ${d.vert_pre}`;
    case "unknown":
      return `<unknown type=${rr.qtype}>`;
    case "prerequisite":
      return rr.qclass === 254 ? `pre: NoRRSet ${TYPE_NAMES[rr.qtype]} ${rr.query}` : `pre: RRSetExists ${TYPE_NAMES[rr.qtype]} ${rr.query}`;
    case "delete":
      return rr.qtype === 255 ? `del: RRSet * ${rr.query}` : `del: RRSet ${TYPE_NAMES[rr.qtype]}`;
    default:
      return null;
  }
}

// do_reply's filter and the dynamic-update "add: " prefix; then the TSV writer's escaping.
function answersOf(m: DnsMessage): { answers: string[]; ttls: string[] } {
  const answers: string[] = [];
  const ttls: string[] = [];
  for (const rr of [...m.answers, ...m.authority]) {
    if (![AnswerType.ANS, AnswerType.PREREQUISITE, AnswerType.UPDATE].includes(rr.answer_type as 1)) continue;
    let reply = render(rr, m);
    if (reply === null || reply === "") continue;
    if (rr.answer_type === AnswerType.UPDATE && !reply.startsWith("del:")) reply = `add: ${reply}`;
    answers.push(escape(reply));
    ttls.push(rr.TTL.toFixed(6));
  }
  return { answers, ttls };
}

function sectionSet(records: readonly DnsResourceRecord[], m: DnsMessage): string[] {
  const out = new Set<string>();
  for (const rr of records) {
    const reply = render(rr, m);
    if (reply !== null) out.add(escape(reply));
  }
  return [...out].sort();
}

function escape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === "\\") out += "\\\\";
    else if (ch === "," || c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out;
}

type Row = Record<string, string>;
function readLog(path: string): Row[] {
  return logRows(`${CORPUS}/baselines/${path}`);
}

const AUTH_ADDL: DnsParseOptions = { skipAllAuth: false, skipAllAddl: false };

const LOG_CASES: { log: string; trace: string; opts?: DnsParseOptions }[] = [
  { log: "scripts.base.protocols.dns.binds/dns.log", trace: "dns/dns-binds.pcap", opts: AUTH_ADDL },
  { log: "scripts.base.protocols.dns.dns-key/dns.log", trace: "dnssec/dnskey2.pcap" },
  { log: "scripts.base.protocols.dns.dnskey/dns.log", trace: "dnssec/dnskey.pcap" },
  { log: "scripts.base.protocols.dns.ds/dns.log", trace: "dnssec/ds.pcap" },
  { log: "scripts.base.protocols.dns.duplicate-reponses/dns.log", trace: "dns-two-responses.pcap" },
  { log: "scripts.base.protocols.dns.dynamic-update/dns.log", trace: "dns/dynamic-update.pcap" },
  { log: "scripts.base.protocols.dns.flip/dns.log", trace: "dns53.pcap" },
  { log: "scripts.base.protocols.dns.loc/dns.log", trace: "dns/loc-29-trunc.pcap" },
  { log: "scripts.base.protocols.dns.mdns-no-assoc/dns.log", trace: "dns/mdns-no-assoc.pcap" },
  { log: "scripts.base.protocols.dns.multiple-txt-strings/dns.log", trace: "dns-txt-multiple.pcap" },
  { log: "scripts.base.protocols.dns.notify/dns.log", trace: "dns/dns_notify2.pcap" },
  { log: "scripts.base.protocols.dns.nsec/dns.log", trace: "dnssec/nsec.pcap", opts: AUTH_ADDL },
  { log: "scripts.base.protocols.dns.nsec3/dns.log", trace: "dnssec/nsec3.pcap", opts: AUTH_ADDL },
  { log: "scripts.base.protocols.dns.nsec3param/dns.log", trace: "dnssec/nsec3param.pcap", opts: AUTH_ADDL },
  { log: "scripts.base.protocols.dns.rrsig/dns.log", trace: "dnssec/rrsig.pcap" },
  { log: "scripts.base.protocols.dns.spf/dns.log", trace: "dns-spf.pcap" },
  { log: "scripts.base.protocols.dns.sshfp/dns.log", trace: "dns/sshfp-trunc.pcap" },
  {
    log: "scripts.base.protocols.dns.tkey/dns.log",
    trace: "dns/tkey.pcap",
    opts: { skipAllAddl: false, handledTypes: new Set([...BASE_HANDLED_TYPES, RRType.TKEY]) },
  },
  { log: "scripts.base.protocols.dns.wks/dns.log", trace: "dns/dns-wks.pcap", opts: AUTH_ADDL },
  { log: "scripts.base.protocols.dns.zero-responses/dns.log", trace: "dns-zero-RRs.pcap" },
  { log: "scripts.policy.protocols.dns.original_case/dns.log", trace: "dns_original_case.pcap" },
  { log: "core.tunnels.gtp.false_gtp/dns.log", trace: "tunnels/gtp/gtp3_false_gtp.pcap" },
];

describe("dns.log baselines", () => {
  it.each(LOG_CASES)("$log", ({ log, trace, opts }) => {
    const parsed = parseTrace(trace, opts);
    const rows = readLog(log);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const id = Number(row.trans_id);
      const candidates = parsed.filter(({ result }) => {
        const header = result.ok ? result.message.header : result.partial?.header;
        return header?.id === id;
      });
      const messages = candidates.map(({ result }) => (result.ok ? result.message : (result.partial as DnsMessage)));
      expect(messages.length, `trans_id ${id}`).toBeGreaterThan(0);

      if (row.query !== "-") {
        const names = messages.flatMap((m) => [
          ...(m.questions ?? []).map((q) => q.query),
          ...(m.zone ? [m.zone.zname] : []),
          ...(m.answers ?? []).map((a) => a.query),
        ]);
        expect(names).toContain(row.query);
      }
      if (row.original_query !== undefined && row.original_query !== "-") {
        expect(messages.flatMap((m) => m.questions.map((q) => q.original_query))).toContain(row.original_query);
      }
      if (row.qtype !== "-") {
        expect(messages.flatMap((m) => (m.questions ?? []).map((q) => q.qtype))).toContain(Number(row.qtype));
      }
      if (row.rcode !== "-") {
        expect(messages.filter((m) => m.header.QR).map((m) => m.header.rcode)).toContain(Number(row.rcode));
      }
      if (row.answers !== "-") {
        const replies = candidates.filter(({ result }) => result.ok && result.message.header.QR).map(({ result }) => answersOf((result as { message: DnsMessage }).message));
        expect(replies).toContainEqual({ answers: row.answers.split(","), ttls: row.TTLs.split(",") });
      }
      if (row.auth !== undefined && row.auth !== "-") {
        const sets = messages.filter((m) => m.header.QR).map((m) => sectionSet(m.authority, m));
        expect(sets).toContainEqual(row.auth.split(",").sort());
      }
    }
  });

  it("NetBIOS name queries (udp/137) parse as Zeek's logged ones (opt.basic)", () => {
    const parsed = parseTrace("wikipedia.pcap").filter(({ msg }) => msg.dport === 137);
    const logged = readLog("opt.basic/dns.log").filter((row) => row["id.resp_p"] === "137");
    expect(logged.length).toBeGreaterThan(0);
    for (const row of logged) {
      const match = parsed.find(({ result }) => result.ok && result.message.header.id === Number(row.trans_id));
      expect(match, `trans_id ${row.trans_id}`).toBeDefined();
      const message = (match!.result as { message: DnsMessage }).message;
      expect(message.header.is_netbios).toBe(true);
      expect(message.questions[0].qtype).toBe(Number(row.qtype));
    }
  });
});

// Facts from Zeek's btests on these traces (weird.log and printed events).
describe("Zeek's verdicts on malformed and unusual traces", () => {
  const weirdNames = (results: { result: DnsParseResult }[]) => results.flatMap(({ result }) => result.weirds.map((w) => (w.addl ? `${w.name} ${w.addl}` : w.name)));

  it.each([
    { trace: "dns/dns-invalid-names.pcap", opts: {}, weirds: ["DNS_label_len_gt_pkt", "DNS_label_forward_compress_offset", "dns_invalid_name"] },
    { trace: "dns/loc-invalid-length.pcap", opts: {}, weirds: ["dns_invalid_loc_length"] },
    { trace: "dns/dns-edns-bad-length.pcap", opts: { skipAllAddl: false }, weirds: ["EDNS_truncated_option"] },
    {
      trace: "dns-edns-ecs-weirds.pcap",
      opts: AUTH_ADDL,
      weirds: [
        "EDNS_ECS_invalid_addr_v4 need 32 bits, have 24 bits",
        "EDNS_ECS_invalid_addr_v4_prefix 255 bits",
        "EDNS_ECS_invalid_addr_v6_prefix 255 bits",
        "EDNS_ECS_invalid_addr_v6 need 66 bits, have 56 bits",
        "EDNS_ECS_invalid_option_len",
        "EDNS_truncated_option",
      ],
    },
    { trace: "dns-svcb-rdlength-mismatch.pcap", opts: {}, weirds: ["DNS_SVCB_wrong_length"] },
    { trace: "dns/svcb-port-malformed.pcap", opts: {}, weirds: ["DNS_SVCB_port_length_invalid"] },
    { trace: "dns/svcb-alpn-malformed-len-too-long.pcap", opts: {}, weirds: ["DNS_SVCB_alpn_length_invalid"] },
    { trace: "dns/svcb-alpn-malformed-len-too-short.pcap", opts: {}, weirds: ["DNS_SVCB_alpn_length_invalid"] },
    { trace: "dns/max-compression-depth.pcap", opts: { maxCompressionChainDepth: 5 }, weirds: ["DNS_max_compression_chain_depth_exceeded 6"] },
    { trace: "dns/conn-count-too-large.pcap", opts: { maxQueries: 3 }, weirds: ["DNS_Conn_count_too_large 10 > 3"] },
  ])("$trace raises $weirds", ({ trace, opts, weirds }) => {
    expect(weirdNames(parseTrace(trace, opts))).toEqual(weirds);
  });

  it("a compression chain over the depth cap still confirms (conn.log service dns, history X)", () => {
    const [{ result }] = parseTrace("dns/max-compression-depth.pcap", { maxCompressionChainDepth: 5 });
    expect(result.ok).toBe(true);
    expect(result.weirds[0].limitReached).toBe(true);
  });

  it("too many questions is a violation that never confirms (conn.log service unset, history X)", () => {
    const [{ result }] = parseTrace("dns/conn-count-too-large.pcap", { maxQueries: 3 });
    expect(result).toMatchObject({ ok: false, error: "DNS_Conn_count_too_large", violation: true, messageEvent: true, endEvent: true });
    expect(result.weirds[0].limitReached).toBe(true);
    expect(parseTrace("dns/conn-count-too-large.pcap")[0].result.ok).toBe(true);
  });

  it("decodes EDNS client subnet options (dns-edns-ecs output)", () => {
    const subnets = parseTrace("dns-edns-ecs.pcap", AUTH_ADDL).flatMap(({ result }) =>
      result.ok ? result.message.additional.flatMap((rr) => (rr.rdata.kind === "OPT" ? rr.rdata.options.flatMap((o) => (o.ecs ? [o.ecs] : [])) : [])) : [],
    );
    expect(subnets.slice(0, 3)).toEqual([
      { family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "213.61.29.0" },
      { family: "v4", source_prefix_len: 24, scope_prefix_len: 0, address: "213.61.29.0" },
      { family: "v6", source_prefix_len: 56, scope_prefix_len: 0, address: "2001:470:1f0b:1600::" },
    ]);
  });

  it("decodes EDNS cookies and TCP keepalives (dns-edns-cookie, dns-edns-tcp-keepalive outputs)", () => {
    const options = (trace: string) =>
      parseTrace(trace, AUTH_ADDL).flatMap(({ result }) => (result.ok ? result.message.additional.flatMap((rr) => (rr.rdata.kind === "OPT" ? rr.rdata.options : [])) : []));
    const cookies = options("dns-edns-cookie.pcap").flatMap((o) => (o.cookie ? [o.cookie] : []));
    const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
    expect(cookies.map((c) => [latin1(c.client_cookie), latin1(c.server_cookie)])).toEqual([
      ["\xc8\x14\x98Z\x92\x8acB", ""],
      ["\xc8\x14\x98Z\x92\x8acB", "=\xcd>O{\xa9$z"],
      ["1;Pl\x0b\xdd\x04s", ""],
      ["1;Pl\x0b\xdd\x04s", "\xb0\xb1.E\xbahYl"],
    ]);
    expect(options("dns-edns-tcp-keepalive.pcap").flatMap((o) => (o.tcp_keepalive ? [o.tcp_keepalive] : []))).toEqual([
      { keepalive_timeout_omitted: false, keepalive_timeout: 10 },
      { keepalive_timeout_omitted: false, keepalive_timeout: 370 },
      { keepalive_timeout_omitted: true, keepalive_timeout: 0 },
      { keepalive_timeout_omitted: false, keepalive_timeout: 370 },
    ]);
  });

  it("reads the extended rcode from OPT (edns-rcode output: 16)", () => {
    const ext = parseTrace("dns/dns_extended_rcode.pcap", { skipAllAddl: false }).flatMap(({ result }) =>
      result.ok && result.message.header.QR ? result.message.additional.flatMap((rr) => (rr.rdata.kind === "OPT" ? [rr.rdata.extended_rcode] : [])) : [],
    );
    expect(ext).toEqual([16]);
  });

  it("decodes TSIG, TKEY, NAPTR, CAA, HINFO, SVCB and HTTPS as Zeek prints them", () => {
    const rdata = (trace: string, opts: DnsParseOptions = {}) =>
      parseTrace(trace, opts).flatMap(({ result }) => (result.ok ? [...result.message.answers, ...result.message.additional].map((rr) => rr.rdata) : []));

    const tsig = rdata("dns-tsig.pcap", { skipAllAddl: false }).find((d) => d.kind === "TSIG");
    expect(tsig).toMatchObject({ alg_name: "hmac-md5.sig-alg.reg.int", fudge: 300, orig_id: 9703, rr_error: 0 });
    expect(tsig && tsig.kind === "TSIG" && [tsig.time_signed, tsig.sig.length]).toEqual([21513.794, 16]);

    const tkeys = rdata("dns/tkey.pcap", { skipAllAddl: false, handledTypes: new Set([RRType.TKEY]) }).flatMap((d) => (d.kind === "TKEY" ? [d] : []));
    expect(tkeys.map((t) => [t.alg_name, t.inception, t.expiration, t.mode, t.rr_error, t.key_data.length])).toEqual([
      ["gss-tsig", 1676938156, 1677024556, 3, 0, 3073],
      ["gss-tsig", 1676938118, 1677024518, 3, 0, 185],
    ]);

    expect(rdata("dns/naptr.pcap").find((d) => d.kind === "NAPTR")).toEqual({
      kind: "NAPTR",
      order: 100,
      preference: 100,
      flags: "s",
      service: "SIPS+D2T",
      regexp: "",
      replacement: "_sips._tcp.fp-de-carrier-vodafone.rcs.telephony.goog",
    });
    expect(rdata("dns-caa.pcap", { handledTypes: new Set([RRType.CAA]) }).find((d) => d.kind === "CAA")).toEqual({ kind: "CAA", flags: 0, tag: "issue", value: "symantec.com" });
    expect(rdata("dns/hinfo.pcap").find((d) => d.kind === "HINFO")).toEqual({ kind: "HINFO", cpu: "INTEL-386", os: "Windows" });
    expect(rdata("dns-svcb.pcap").find((d) => d.kind === "SVCB")).toEqual({ kind: "SVCB", svc_priority: 0, target_name: "foo.example.com" });
    expect(rdata("dns-https.pcap").find((d) => d.kind === "HTTPS")).toEqual({
      kind: "HTTPS",
      svc_priority: 1,
      target_name: ".",
      svc_params: [
        { key: 1, alpn: ["h3", "h3-29", "h3-28", "h3-27", "h2"] },
        { key: 4, hint: ["104.16.132.229", "104.16.133.229"] },
        { key: 6, hint: ["2606:4700::6810:84e5", "2606:4700::6810:85e5"] },
      ],
    });
    const ech = rdata("dns/ech.pcap").flatMap((d) => (d.kind === "HTTPS" ? (d.svc_params ?? []) : []));
    expect(ech.map((p) => p.key)).toEqual([4, 5, 6, 1, 4, 5, 6]);
    expect(ech[2].hint).toEqual(["2a00:c6c0:0:116:5::10"]);
    expect(ech[5].ech).toBe("AEX+DQBBdAAgACDB6UNjy9kyv48V6cEOb99HnrfJuiTGKjW9A05sDxhcKQAEAAEAAQASY2xvdWRmbGFyZS1lY2guY29tAAA=");
  });

  it("gives LOC's fields and A's huge TTL as Zeek prints them", () => {
    const loc = parseTrace("dns/loc-29-trunc.pcap").flatMap(({ result }) => (result.ok ? result.message.answers.map((rr) => rr.rdata) : [])).find((d) => d.kind === "LOC");
    expect(loc).toEqual({ kind: "LOC", version: 0, size: 18, horiz_pre: 21, vert_pre: 19, latitude: 2282029648, longitude: 1708315648, altitude: 10000000 });
    const ttls = parseTrace("dns-huge-ttl.pcap").flatMap(({ result }) => (result.ok ? result.message.answers.map((rr) => rr.TTL) : []));
    // 49710 days 6 hrs 28 mins 15 secs, then 15 mins.
    expect(ttls.slice(0, 2)).toEqual([49710 * 86400 + 6 * 3600 + 28 * 60 + 15, 900]);
  });

  it("reads AD and CD (ad-cd output)", () => {
    const flags = (trace: string) =>
      parseTrace(trace).map(({ result }) => {
        const h = (result.ok ? result.message : result.partial!).header!;
        return [h.QR, h.AD, h.CD];
      });
    expect(flags("dnssec/dnskey.pcap")).toEqual([[false, true, false], [true, false, false]]);
    expect(flags("dnssec/dnskey2.pcap")).toEqual([[false, false, true], [true, false, true]]);
  });
});
