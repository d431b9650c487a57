// The example scripts a user copies (examples/scripts/), run the way a user runs them: the nsm
// command reads a capture built here, the script runs in the sandbox, and the rows of its log are
// checked against the traffic the capture was built from (and, for uids, against conn.log).
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { concatBytes, ethernetFrame, ethernetHeader, ipv4Bytes, type FrameSpec } from "../fixtures/frames.ts";
import { header, message, name, question } from "../dns/message-builder.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "bin", "nsm.js");
const SLOW = 60_000;

// ---- Traffic -------------------------------------------------------------------------------

interface Timed {
  ts: number;
  frame: Buffer;
}

/** One connection's packets and what conn.log must count for it. */
interface Conversation {
  frames: Timed[];
  proto: FrameSpec["proto"];
  orig: string;
  resp: string;
  sport: number;
  dport: number;
  /** First and last packet, as conn.log's duration counts them. */
  start: number;
  end: number;
  /** Payload bytes each way (conn.log orig_bytes, resp_bytes). */
  origBytes: number;
  respBytes: number;
  /** IP bytes both ways (orig_ip_bytes + resp_ip_bytes). */
  ipBytes: number;
}

/** One packet of a conversation: when, which way, and the transport fields it needs. */
interface Sent {
  ts: number;
  fromOrig: boolean;
  payload?: Uint8Array;
  flags?: string;
  seq?: number;
  ack?: number;
  icmpType?: number;
}

/** Frames for `packets` between two ends, with the counts conn.log will show for them. */
function conversation(ends: { orig: string; resp: string; proto: FrameSpec["proto"]; sport: number; dport: number }, packets: Sent[]): Conversation {
  const c: Conversation = {
    frames: [],
    ...ends,
    start: packets[0].ts,
    end: packets[packets.length - 1].ts,
    origBytes: 0,
    respBytes: 0,
    ipBytes: 0,
  };
  for (const { ts, fromOrig, ...fields } of packets) {
    const frame = ethernetFrame({
      proto: ends.proto,
      src: fromOrig ? ends.orig : ends.resp,
      dst: fromOrig ? ends.resp : ends.orig,
      sport: fromOrig ? ends.sport : ends.dport,
      dport: fromOrig ? ends.dport : ends.sport,
      ...fields,
    });
    c.frames.push({ ts, frame });
    const size = fields.payload?.length ?? 0;
    if (fromOrig) c.origBytes += size;
    else c.respBytes += size;
    c.ipBytes += frame.length - 14;
  }
  return c;
}

const bytes = (n: number, fill = 0x61) => new Uint8Array(n).fill(fill);

/** A UDP request and its answer a tenth of a second later. */
function udpExchange(orig: string, sport: number, resp: string, dport: number, ts: number, req: number, answer: number): Conversation {
  return conversation({ orig, resp, proto: "udp", sport, dport }, [
    { ts, fromOrig: true, payload: bytes(req) },
    { ts: ts + 0.1, fromOrig: false, payload: bytes(answer) },
  ]);
}

/**
 * A TCP connection: handshake at `start`, one request/answer pair at each of `exchanges` (seconds
 * after the start), then FIN both ways at `closeAfter`.
 */
function tcpSession(
  orig: string,
  sport: number,
  resp: string,
  dport: number,
  start: number,
  exchanges: { at: number; req: number; answer: number }[],
  closeAfter: number,
): Conversation {
  let cs = 1000;
  let ss = 5000;
  const packets: Sent[] = [
    { ts: start, fromOrig: true, flags: "S", seq: cs },
    { ts: start + 0.01, fromOrig: false, flags: "SA", seq: ss, ack: cs + 1 },
    { ts: start + 0.02, fromOrig: true, flags: "A", seq: ++cs, ack: ++ss },
  ];
  for (const x of exchanges) {
    packets.push({ ts: start + x.at, fromOrig: true, flags: "PA", seq: cs, ack: ss, payload: bytes(x.req) });
    cs += x.req;
    packets.push({ ts: start + x.at + 0.1, fromOrig: false, flags: "PA", seq: ss, ack: cs, payload: bytes(x.answer, 0x62) });
    ss += x.answer;
  }
  const t = start + closeAfter;
  packets.push(
    { ts: t, fromOrig: true, flags: "FA", seq: cs, ack: ss },
    { ts: t + 0.01, fromOrig: false, flags: "FA", seq: ss, ack: cs + 1 },
    { ts: t + 0.02, fromOrig: true, flags: "A", seq: cs + 1, ack: ss + 1 },
  );
  const c = conversation({ orig, resp, proto: "tcp", sport, dport }, packets);
  // Zeek stops a TCP connection's clock once both sides have closed: the last ACK is not counted.
  c.end = t + 0.01;
  return c;
}

/** A DNS TXT query for `label` and an answer that repeats the question (RFC 1035 4.1). */
function dnsQuery(id: number, label: string): [Uint8Array, Uint8Array] {
  const q = question(name(`${label}.t.example`), 16);
  return [message(header({ id, rd: true, qd: 1 }), q), message(header({ id, qr: true, rd: true, ra: true, qd: 1 }), q)];
}

/** An ARP request: a frame that is not IP still moves network time on, as on a real wire. */
function arpRequest(ts: number): Timed {
  const sender = ipv4Bytes("10.0.0.254");
  const target = ipv4Bytes("10.0.0.253");
  const body = [0, 1, 8, 0, 6, 4, 0, 1, 0, 0, 0, 0, 0, 0xfe, ...sender, 0, 0, 0, 0, 0, 0, ...target];
  return { ts, frame: concatBytes(ethernetHeader(0x0806, "00:00:00:00:00:fe", "ff:ff:ff:ff:ff:ff"), body) };
}

function writeCapture(path: string, conversations: Conversation[], extra: Timed[] = []): void {
  const frames = [...conversations.flatMap((c) => c.frames), ...extra].sort((a, b) => a.ts - b.ts);
  const w = new PcapWriter(path);
  for (const f of frames) w.write(f.ts, f.frame);
  w.close();
}

// ---- Running nsm and reading its logs --------------------------------------------------------

type Row = Record<string, string>;

function readLog(file: string): Row[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const fields = lines.find((l) => l.startsWith("#fields\t"))!.split("\t").slice(1);
  return lines.filter((l) => l !== "" && !l.startsWith("#")).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [fields[i], v])));
}

let work: string;

/** Runs `nsm -r capture --logdir DIR script --set ...`; the script must run without a report. */
function nsm(capture: string, script: string, settings: string[], logdir: string): void {
  const args = ["-r", capture, "--logdir", logdir, join("examples", "scripts", script), ...settings.flatMap((s) => ["--set", s])];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const reporter = join(logdir, "reporter.log");
  expect(existsSync(reporter) ? readFileSync(reporter, "utf8") : "").toBe("");
}

/** conn.log's row for a conversation, by its addresses and ports (ICMP: by its addresses). */
function connRow(conn: Row[], c: Conversation): Row {
  const ports = (r: Row) => c.proto === "icmp" || (r["id.orig_p"] === String(c.sport) && r["id.resp_p"] === String(c.dport));
  const rows = conn.filter((r) => r["id.orig_h"] === c.orig && r["id.resp_h"] === c.resp && ports(r));
  expect(rows).toHaveLength(1);
  return rows[0];
}

const time = (t: number) => t.toFixed(6);

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "nsm-examples-"));
  if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("build first: npm run build (npm test does)");
});

// ---- top-talkers.ts --------------------------------------------------------------------------

describe("top-talkers.ts", () => {
  // An hour boundary (2023-11-14 22:00:00 UTC), and a two-hour one too.
  const H0 = 1699999200;
  const SERVER = "192.0.2.10";
  const [A, B, C] = ["10.0.0.1", "10.0.0.2", "10.0.0.3"];
  // Every connection of the first hour ends well inside it (an ARP at 58 min moves the clock past
  // the last UDP timeout), so each is counted in the hour it belongs to.
  const hour1 = [
    udpExchange(C, 40001, SERVER, 9999, H0 + 300, 10, 10),
    udpExchange(A, 40002, SERVER, 9999, H0 + 600, 100, 1000),
    tcpSession(B, 40003, SERVER, 8080, H0 + 900, [{ at: 10, req: 200, answer: 3000 }, { at: 20, req: 200, answer: 3000 }], 60),
    udpExchange(A, 40004, SERVER, 9999, H0 + 1200, 100, 1000),
    udpExchange(A, 40005, SERVER, 9999, H0 + 1800, 100, 1000),
    udpExchange(C, 40006, SERVER, 9999, H0 + 2400, 10, 10),
  ];
  const hour2 = [
    tcpSession(C, 40007, SERVER, 8080, H0 + 3700, [1, 2, 3, 4, 5].map((at) => ({ at: at * 10, req: 500, answer: 5000 })), 300),
    udpExchange(A, 40008, SERVER, 9999, H0 + 4500, 50, 50),
    udpExchange(B, 40009, SERVER, 9999, H0 + 5000, 300, 300),
    udpExchange(B, 40010, SERVER, 9999, H0 + 5400, 300, 300),
  ];
  /** Network time when the input ends: the last frame's. */
  const last = Math.max(...hour2.flatMap((c) => c.frames.map((f) => f.ts)));
  let capture: string;

  /** Expected rows: originators by IP bytes, busiest first, the first `top` of them. */
  function ranking(conversations: Conversation[], ts: number, period: number, top: number): Row[] {
    const tally = new Map<string, { bytes: number; connections: number }>();
    for (const c of conversations) {
      const t = tally.get(c.orig) ?? { bytes: 0, connections: 0 };
      tally.set(c.orig, { bytes: t.bytes + c.ipBytes, connections: t.connections + 1 });
    }
    return [...tally]
      .sort(([, a], [, b]) => b.bytes - a.bytes)
      .slice(0, top)
      .map(([host, t], i) => ({ ts: time(ts), period: time(period), rank: String(i + 1), host, bytes: String(t.bytes), connections: String(t.connections) }));
  }

  beforeAll(() => {
    capture = join(work, "two-hours.pcap");
    writeCapture(capture, [...hour1, ...hour2], [arpRequest(H0 + 3500)]);
  });

  it("writes each hour's top originators when the hour is over, and the last partial hour at the end", () => {
    const out = join(work, "top-hourly");
    nsm(capture, "top-talkers.ts", ["TopTalkers::top=2"], out);
    const expected = [...ranking(hour1, H0, 3600, 2), ...ranking(hour2, H0 + 3600, last - (H0 + 3600), 2)];
    // The traffic is built so that the ranking changes and a host drops out each hour.
    expect(expected.map((r) => r.host)).toEqual([B, A, C, B]);
    expect(readLog(join(out, "top_talkers.log"))).toEqual(expected);
  }, SLOW);

  it("counts the bytes conn.log counts", () => {
    const out = join(work, "top-conn");
    nsm(capture, "top-talkers.ts", [], out);
    const conn = readLog(join(out, "conn.log"));
    for (const c of [...hour1, ...hour2]) {
      const r = connRow(conn, c);
      expect(Number(r.orig_ip_bytes) + Number(r.resp_ip_bytes)).toBe(c.ipBytes);
    }
  }, SLOW);

  it("takes its period and its length from --set", () => {
    const out = join(work, "top-two-hours");
    nsm(capture, "top-talkers.ts", ["TopTalkers::interval=2hrs"], out);
    // One period holds both hours; it never ended, so it is written at the end, all ranks shown.
    const rows = readLog(join(out, "top_talkers.log"));
    expect(rows).toEqual(ranking([...hour1, ...hour2], H0, last - H0, 10));
    expect(rows.map((r) => r.host)).toEqual([C, B, A]);
  }, SLOW);
});

// ---- long-connections.ts ---------------------------------------------------------------------

describe("long-connections.ts", () => {
  const T0 = 1700000000;
  // An SSH session open for 25 minutes, a request and answer every minute.
  const ssh = tcpSession(
    "10.0.0.5",
    40022,
    "198.51.100.20",
    22,
    T0,
    Array.from({ length: 25 }, (_, k) => ({ at: 60 * (k + 1), req: 40, answer: 80 })),
    1500.5,
  );
  // A DNS tunnel: one UDP flow, a TXT query every 5 s for 12 minutes (queries every 5 s keep the flow
  // from timing out; 145 of them, 0 to 720 s).
  const T1 = T0 + 100;
  const tunnel = conversation(
    { orig: "10.0.0.6", resp: "198.51.100.53", proto: "udp", sport: 33053, dport: 53 },
    Array.from({ length: 145 }, (_, k) => {
      const [q, a] = dnsQuery(k + 1, `c${k.toString(16).padStart(4, "0")}data`);
      return [
        { ts: T1 + 5 * k, fromOrig: true, payload: q },
        { ts: T1 + 5 * k + 0.05, fromOrig: false, payload: a },
      ];
    }).flat(),
  );
  // A web request of two seconds: far below the threshold.
  const web = tcpSession("10.0.0.7", 40080, "198.51.100.80", 80, T0 + 200, [{ at: 1, req: 300, answer: 9000 }], 2);

  let rows: Row[];
  let conn: Row[];

  beforeAll(() => {
    const capture = join(work, "long.pcap");
    writeCapture(capture, [ssh, tunnel, web]);
    const out = join(work, "long");
    nsm(capture, "long-connections.ts", ["LongConnections::threshold=10min"], out);
    rows = readLog(join(out, "long_conns.log"));
    conn = readLog(join(out, "conn.log"));
  }, SLOW);

  /** What a row must hold for conversation `c`: open for `openFor` so far, or closed. */
  function expected(c: Conversation, service: string, openFor?: number): Row {
    const r = connRow(conn, c);
    return {
      ts: time(c.start),
      uid: r.uid,
      "id.orig_h": c.orig,
      "id.orig_p": String(c.sport),
      "id.resp_h": c.resp,
      "id.resp_p": String(c.dport),
      proto: r.proto,
      service,
      duration: time(openFor ?? c.end - c.start),
      orig_bytes: openFor === undefined ? String(c.origBytes) : "-",
      resp_bytes: openFor === undefined ? String(c.respBytes) : "-",
      status: openFor === undefined ? "closed" : "open",
    };
  }

  it("reports a connection while it is open, once per threshold, and again when it ends", () => {
    // Each check runs with the first packet at or after a whole multiple of 10 minutes from the
    // start; both connections have a packet exactly then. The tunnel ends (720 s, then 10 s of
    // quiet) before the SSH session's second check.
    expect(rows).toEqual([
      expected(ssh, "-", 600),
      expected(tunnel, "dns", 600),
      expected(tunnel, "dns"),
      expected(ssh, "-", 1200),
      expected(ssh, "-"),
    ]);
  });

  it("leaves short connections out", () => {
    expect(conn.map((r) => r["id.resp_h"])).toContain(web.resp);
    expect(rows.map((r) => r["id.resp_h"])).not.toContain(web.resp);
  });

  it("gives the closed rows the sizes and duration conn.log has", () => {
    for (const c of [ssh, tunnel]) {
      const r = connRow(conn, c);
      const closed = rows.find((x) => x.uid === r.uid && x.status === "closed")!;
      expect([closed.duration, closed.orig_bytes, closed.resp_bytes]).toEqual([r.duration, r.orig_bytes, r.resp_bytes]);
    }
  });
});

// ---- watch-list.ts ---------------------------------------------------------------------------

describe("watch-list.ts", () => {
  const T2 = 1700003000;
  const WATCH = "WatchList::addresses= 203.0.113.7, 2001:DB8::66,198.51.100.99";
  const toWatched = tcpSession("10.0.0.1", 50000, "203.0.113.7", 443, T2, [{ at: 1, req: 300, answer: 1200 }], 2);
  const [q, a] = dnsQuery(7, "www");
  const fromWatched6 = conversation({ orig: "2001:db8::66", resp: "2001:db8::1", proto: "udp", sport: 33333, dport: 53 }, [
    { ts: T2 + 3, fromOrig: true, payload: q },
    { ts: T2 + 3.02, fromOrig: false, payload: a },
  ]);
  const bothWatched = conversation({ orig: "203.0.113.7", resp: "198.51.100.99", proto: "icmp", sport: 1, dport: 1 }, [
    { ts: T2 + 4, fromOrig: true, icmpType: 8 },
    { ts: T2 + 4.01, fromOrig: false, icmpType: 0 },
  ]);
  const unwatched = tcpSession("10.0.0.1", 50001, "198.51.100.1", 443, T2 + 5, [{ at: 1, req: 100, answer: 100 }], 2);
  // A near miss: its address starts with a watched one.
  const nearMiss = udpExchange("10.0.0.2", 50002, "203.0.113.70", 9999, T2 + 6, 48, 48);
  const all = [toWatched, fromWatched6, bothWatched, unwatched, nearMiss];
  let capture: string;

  beforeAll(() => {
    capture = join(work, "watch.pcap");
    writeCapture(capture, all);
  });

  it("logs each watched connection when it starts and when it ends, and no other", () => {
    const out = join(work, "watch");
    nsm(capture, "watch-list.ts", [WATCH], out);
    const rows = readLog(join(out, "watch_list.log"));
    const conn = readLog(join(out, "conn.log"));
    expect(conn).toHaveLength(all.length);

    const cases: [Conversation, string, string, string][] = [
      [toWatched, "resp", "203.0.113.7", "-"],
      [fromWatched6, "orig", "2001:db8::66", "dns"],
      [bothWatched, "both", "203.0.113.7", "-"],
    ];
    for (const [c, side, watched, service] of cases) {
      const r = connRow(conn, c);
      const mine = rows.filter((x) => x.uid === r.uid);
      const id = { "id.orig_h": c.orig, "id.orig_p": r["id.orig_p"], "id.resp_h": c.resp, "id.resp_p": r["id.resp_p"], proto: r.proto };
      const common = { ts: time(c.start), uid: r.uid, ...id, side, watched };
      expect(mine).toEqual([
        { ...common, status: "open", service: "-", duration: "-", orig_bytes: "-", resp_bytes: "-" },
        { ...common, status: "closed", service, duration: r.duration, orig_bytes: r.orig_bytes, resp_bytes: r.resp_bytes },
      ]);
    }
    expect(rows).toHaveLength(2 * cases.length);
    // The sizes are the payload the capture carries, the duration its first to last packet.
    for (const c of [toWatched, fromWatched6]) {
      const closed = rows.find((x) => x.uid === connRow(conn, c).uid && x.status === "closed")!;
      expect([closed.orig_bytes, closed.resp_bytes, closed.duration]).toEqual([String(c.origBytes), String(c.respBytes), time(c.end - c.start)]);
    }
    // Early warning: every "open" row comes before the first "closed" one (each connection here has
    // started before the first ends).
    expect(rows.map((x) => x.status)).toEqual(["open", "open", "open", "closed", "closed", "closed"]);
  }, SLOW);

  it("watches nothing by default and writes no log", () => {
    const out = join(work, "watch-default");
    nsm(capture, "watch-list.ts", [], out);
    expect(readLog(join(out, "conn.log"))).toHaveLength(all.length);
    expect(existsSync(join(out, "watch_list.log"))).toBe(false);
  }, SLOW);
});
