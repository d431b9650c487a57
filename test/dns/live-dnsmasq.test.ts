// dns.log against real software: dnsmasq serves a zone of its own in one network namespace, dig
// asks it questions from another (A, AAAA, MX, TXT, PTR, SRV, CNAME, NXDOMAIN, REFUSED, one over
// TCP, with and without EDNS), tcpdump captures the traffic between them, and nsm's dns.log must
// say what dig printed: ids, names, types, status, flags, answers and TTLs, by Zeek's rules.
// Needs root and ip, dnsmasq, dig and tcpdump; skipped (with the reason) otherwise. Everything it
// creates (namespaces, veth pair, processes, files) is removed whatever happens.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labUnavailable, NetnsLab } from "../fixtures/netns.ts";
import { runCapture } from "../fixtures/run-capture.ts";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDnsMessage } from "../../analyzers/dns/parser.ts";
import { readDnsMessages } from "./trace-messages.ts";

const skipReason = labUnavailable(["ip", "dnsmasq", "dig", "tcpdump"], "apt-get install iproute2 dnsmasq dnsutils tcpdump");
if (skipReason) console.log(`live dnsmasq test skipped: ${skipReason}`);

const lab = new NetnsLab("dns", "10.78.0");
const SERVER = lab.server.addr;
const CLIENT = lab.client.addr;

const ZONE = [
  "--local=/nsm.test/", // names under nsm.test that dnsmasq does not know: NXDOMAIN; others: REFUSED (no upstream)
  "--host-record=www.nsm.test,10.78.1.10,fd00::10",
  "--mx-host=nsm.test,mail.nsm.test,10",
  "--txt-record=nsm.test,v=spf1 -all,hello world",
  "--srv-host=_sip._udp.nsm.test,sip.nsm.test,5060,10,20",
  "--cname=alias.nsm.test,www.nsm.test",
  "--local-ttl=300",
];

/** dig's arguments per question; +qr makes dig print the query it sent too. */
const QUESTIONS: string[][] = [
  ["www.nsm.test", "A"],
  ["www.nsm.test", "AAAA"],
  ["nsm.test", "MX"],
  ["nsm.test", "TXT"],
  ["-x", "10.78.1.10"],
  ["_sip._udp.nsm.test", "SRV"],
  ["alias.nsm.test", "A"],
  ["missing.nsm.test", "A"],
  ["example.com", "A", "+noedns"],
  ["www.nsm.test", "MX", "+noedns"], // the name exists, the type does not: NOERROR without records
  ["www.nsm.test", "A", "+tcp"],
];

interface DigAnswer {
  name: string;
  ttl: number;
  type: string;
  rdata: string;
}

interface DigResult {
  id: number;
  status: string;
  flags: Set<string>;
  counts: { query: number; answer: number; authority: number; additional: number };
  qname: string;
  qtype: string;
  answers: DigAnswer[];
  tcp: boolean;
  /** EDNS of the query dig sent: its UDP size and client cookie (hex), when it sent one. */
  queryEdns?: { udp: number; cookie?: string };
}

/** Reads dig's default output (with +qr: the query first, then the reply). */
function parseDig(out: string): DigResult {
  const [sent, received] = out.split(";; Got answer:");
  const header = /status: (\w+), id: (\d+)/.exec(received)!;
  const flagLine = /;; flags: ([^;]*); QUERY: (\d+), ANSWER: (\d+), AUTHORITY: (\d+), ADDITIONAL: (\d+)/.exec(received)!;
  const question = /;; QUESTION SECTION:\n;(\S+)\s+IN\s+(\S+)/.exec(received)!;
  const answerSection = /;; ANSWER SECTION:\n([\s\S]*?)\n\n/.exec(received);
  const answers = (answerSection?.[1] ?? "").split("\n").filter(Boolean).map((line) => {
    const [name, ttl, , type, ...rest] = line.split(/\s+/);
    return { name, ttl: Number(ttl), type, rdata: rest.join(" ") };
  });
  const udp = /; EDNS: version: \d+, flags:[^;]*; udp: (\d+)/.exec(sent);
  const cookie = /; COOKIE: ([0-9a-f]+)/.exec(sent);
  return {
    id: Number(header[2]),
    status: header[1],
    flags: new Set(flagLine[1].trim().split(" ")),
    counts: { query: Number(flagLine[2]), answer: Number(flagLine[3]), authority: Number(flagLine[4]), additional: Number(flagLine[5]) },
    qname: question[1],
    qtype: question[2],
    answers,
    tcp: /\(TCP\)/.test(received),
    queryEdns: udp ? { udp: Number(udp[1]), cookie: cookie?.[1] } : undefined,
  };
}

/** What Zeek's base script puts in `answers` for a record dig printed. */
function zeekAnswer(a: DigAnswer): string {
  const name = (n: string) => n.replace(/\.$/, "").toLowerCase();
  switch (a.type) {
    case "A":
    case "AAAA":
      return a.rdata;
    case "CNAME":
    case "PTR":
    case "NS":
      return name(a.rdata);
    case "MX":
      return name(a.rdata.split(" ")[1]);
    case "SRV":
      return name(a.rdata.split(" ")[3]);
    case "TXT":
      return [...a.rdata.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => `TXT ${m[1].length} ${m[1]}`).join(" ");
    default:
      throw new Error(`no Zeek rendering for ${a.type} in this test`);
  }
}

describe.skipIf(skipReason !== "")("dns.log against dnsmasq and dig in network namespaces", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsm-live-dns-"));
  const capture = join(dir, "dns.pcap");
  const digs: DigResult[] = [];
  let rows: Record<string, string>[] = [];
  let conns: Record<string, string>[] = [];

  beforeAll(async () => {
    try {
      lab.create();
      await lab.start("server",
        ["dnsmasq", "--keep-in-foreground", "--log-facility=-", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
          "--bind-interfaces", `--listen-address=${SERVER}`, `--pid-file=${join(dir, "dnsmasq.pid")}`, ...ZONE],
        /started, version/);
      await lab.captureWhile("client", capture, ["port", "53"], () => {
        for (const q of QUESTIONS) digs.push(parseDig(lab.exec("client", ["dig", `@${SERVER}`, "+qr", "+tries=1", "+time=3", ...q])));
      });
    } finally {
      await lab.destroy();
    }

    // Checksums are left to the veth's offload, so the capture holds partial ones: nsm -C.
    const run = await runCapture(capture);
    rows = run.rows("dns");
    conns = run.rows("conn");
  }, 60_000);

  afterAll(async () => {
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("dig got what dnsmasq was told to serve", () => {
    expect(digs.map((d) => [d.qname, d.qtype, d.status])).toEqual([
      ["www.nsm.test.", "A", "NOERROR"],
      ["www.nsm.test.", "AAAA", "NOERROR"],
      ["nsm.test.", "MX", "NOERROR"],
      ["nsm.test.", "TXT", "NOERROR"],
      ["10.1.78.10.in-addr.arpa.", "PTR", "NOERROR"],
      ["_sip._udp.nsm.test.", "SRV", "NOERROR"],
      ["alias.nsm.test.", "A", "NOERROR"],
      ["missing.nsm.test.", "A", "NXDOMAIN"],
      ["example.com.", "A", "REFUSED"],
      ["www.nsm.test.", "MX", "NOERROR"],
      ["www.nsm.test.", "A", "NOERROR"],
    ]);
    expect(digs[10].tcp).toBe(true);
  });

  const rowFor = (d: DigResult) => rows.find((r) => Number(r.trans_id) === d.id && r.query === d.qname.replace(/\.$/, ""));

  it("logs one row per question, with dig's id, name, type and status", () => {
    expect(rows).toHaveLength(digs.length);
    for (const d of digs) {
      const row = rowFor(d);
      expect(row, `${d.qname} ${d.qtype} id ${d.id}`).toBeDefined();
      expect([row!.proto, row!["id.orig_h"], row!["id.resp_h"], row!["id.resp_p"]]).toEqual([d.tcp ? "tcp" : "udp", CLIENT, SERVER, "53"]);
      expect([row!.qtype_name, row!.qclass_name, row!.rcode_name, row!.opcode_name]).toEqual([d.qtype, "C_INTERNET", d.status, "query"]);
    }
  });

  it("has dig's answers and TTLs, rendered as Zeek renders them", () => {
    for (const d of digs) {
      const row = rowFor(d)!;
      const expected = d.answers.map(zeekAnswer);
      expect(row.answers, d.qname).toBe(expected.length ? expected.join(",") : "-");
      expect(row.TTLs, d.qname).toBe(d.answers.length ? d.answers.map((a) => a.ttl.toFixed(6)).join(",") : "-");
    }
  });

  it("has the flags and rtt by Zeek's rules: RD and TC from the query, AA, RA and rtt from a reply's records", () => {
    for (const d of digs) {
      const row = rowFor(d)!;
      const answered = d.answers.length > 0;
      const flag = (f: string, when = true) => (when && d.flags.has(f) ? "T" : "F");
      expect([row.RD, row.TC, row.AA, row.RA], d.qname).toEqual([flag("rd"), flag("tc"), flag("aa", answered), flag("ra", answered)]);
      // A reply without any record, or an error without the question, is a rejection.
      const c = d.counts;
      const rejected = (c.query > 0 && c.answer + c.authority + c.additional === 0) || (d.status !== "NOERROR" && c.query === 0);
      expect(row.rejected, d.qname).toBe(rejected ? "T" : "F");
      // rtt, too, is taken when the first record of the reply is.
      if (answered) {
        expect(Number(row.rtt), d.qname).toBeGreaterThan(0);
        expect(Number(row.rtt), d.qname).toBeLessThan(3);
      } else {
        expect(row.rtt, d.qname).toBe("-");
      }
    }
    expect(rows.filter((r) => r.rejected === "T").map((r) => r.query)).toContain("example.com");
  });

  it("confirms DNS on every connection (conn.log service)", () => {
    expect(conns.length).toBe(digs.length);
    expect(new Set(conns.map((c) => c.service))).toEqual(new Set(["dns"]));
  });

  it("reads dig's EDNS (UDP size, client cookie) from the captured queries", () => {
    expect(existsSync(capture)).toBe(true);
    const queries = readDnsMessages(capture).filter((m) => m.dport === 53);
    const withEdns = digs.filter((d) => d.queryEdns !== undefined);
    expect(withEdns.length).toBeGreaterThan(5);
    for (const d of withEdns) {
      const sent = queries.find((m) => ((m.payload[0] << 8) | m.payload[1]) === d.id)!;
      const r = parseDnsMessage(sent.payload, 0, sent.payload.length, { skipAllAddl: false, tcp: sent.proto === "tcp" });
      const opt = r.ok ? r.message.additional.find((a) => a.rdata.kind === "OPT") : undefined;
      expect(opt?.rdata, d.qname).toMatchObject({ kind: "OPT", payload_size: d.queryEdns!.udp, version: 0 });
      const cookie = opt?.rdata.kind === "OPT" ? opt.rdata.options.find((o) => o.cookie)?.cookie : undefined;
      expect(cookie && Buffer.from(cookie.client_cookie).toString("hex"), d.qname).toBe(d.queryEdns!.cookie);
    }
    for (const d of digs.filter((x) => x.queryEdns === undefined)) {
      const sent = queries.find((m) => ((m.payload[0] << 8) | m.payload[1]) === d.id)!;
      expect(sent.payload[11], `${d.qname}: no additional record without EDNS`).toBe(0);
    }
  });
});
