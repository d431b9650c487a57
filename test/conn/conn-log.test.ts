// conn.log end to end over captures built here: each scenario is a sequence of packets, and the
// expected conn_state / history / sizes are Zeek's rules as documented for conn.log
// (../shared/corpus/zeek/LOG-FORMAT.md §5, Zeek's Conn::Info docs).
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { ethernetFrame, type FrameSpec } from "../fixtures/frames.ts";
import { runTrace } from "../../core/run.ts";
import { applySetting, defaultOptions } from "../../core/options.ts";
import { logRows } from "../fixtures/logs.ts";
import { dnsReply } from "../../bench/dns-message.ts";
import { Prng } from "../../bench/prng.ts";

const C = "10.0.0.1";
const S = "10.0.0.2";

type Step = [dt: number, spec: Partial<FrameSpec> & { from: "c" | "s" }];

function tcp(from: "c" | "s", flags: string, seq: number, ack: number, payload = ""): Step[1] {
  return { from, proto: "tcp", flags, seq, ack, payload };
}


async function connLog(steps: Step[], settings: string[] = []): Promise<Record<string, string>[]> {
  return (await run(steps, settings)).conn;
}

/** Runs nsm over the steps; `script` is a user script's source (it runs in the sandbox). */
async function run(steps: Step[], settings: string[] = [], script?: string) {
  const dir = mkdtempSync(join(tmpdir(), "nsm-conn-"));
  const w = new PcapWriter(join(dir, "t.pcap"));
  let t = 1_600_000_000;
  for (const [dt, s] of steps) {
    t += dt;
    const c2s = s.from === "c";
    w.write(
      t,
      ethernetFrame({
        proto: "tcp",
        ...s,
        src: s.src ?? (c2s ? C : S),
        dst: s.dst ?? (c2s ? S : C),
        sport: s.sport ?? (c2s ? 40000 : 80),
        dport: s.dport ?? (c2s ? 80 : 40000),
      } as FrameSpec),
    );
  }
  w.close();
  const options = defaultOptions();
  for (const s of settings) applySetting(options, s);
  const printed: string[] = [];
  if (script !== undefined) writeFileSync(join(dir, "script.ts"), script);
  await runTrace({
    source: join(dir, "t.pcap"),
    options,
    localNets: [],
    logs: { dir, format: "tsv" },
    scripts: script === undefined ? [] : [{ path: join(dir, "script.ts"), bundled: false }],
    print: (l) => printed.push(l),
  });
  return { conn: logRows(join(dir, "conn.log")), weird: logRows(join(dir, "weird.log")), printed };
}

const handshake: Step[] = [
  [0, tcp("c", "S", 1000, 0)],
  [0.01, tcp("s", "SA", 5000, 1001)],
  [0.01, tcp("c", "A", 1001, 5001)],
];

describe("conn.log for TCP", () => {
  const cases: { name: string; steps: Step[]; state: string; history: string; bytes?: [string, string] }[] = [
    {
      name: "full exchange and close",
      steps: [
        ...handshake,
        [0.01, tcp("c", "PA", 1001, 5001, "GET / HTTP/1.0\r\n\r\n")],
        [0.01, tcp("s", "PA", 5001, 1019, "HTTP/1.0 200 OK\r\n\r\nhello")],
        [0.01, tcp("c", "FA", 1019, 5025)],
        [0.01, tcp("s", "FA", 5025, 1020)],
        [0.01, tcp("c", "A", 1020, 5026)],
      ],
      state: "SF",
      history: "ShADdFf",
      bytes: ["18", "24"],
    },
    { name: "unanswered SYN", steps: [[0, tcp("c", "S", 1000, 0)]], state: "S0", history: "S" },
    { name: "rejected", steps: [[0, tcp("c", "S", 1000, 0)], [0.01, tcp("s", "RA", 0, 1001)]], state: "REJ", history: "Sr" },
    { name: "established, not closed", steps: handshake, state: "S1", history: "ShA" },
    {
      name: "originator resets",
      steps: [...handshake, [0.01, tcp("c", "RA", 1001, 5001)]],
      state: "RSTO",
      history: "ShAR",
    },
    {
      name: "responder resets",
      steps: [...handshake, [0.01, tcp("s", "RA", 5001, 1001)]],
      state: "RSTR",
      history: "ShAr",
    },
    {
      name: "only the originator closes",
      steps: [...handshake, [0.01, tcp("c", "FA", 1001, 5001)]],
      state: "S2",
      history: "ShAF",
    },
    {
      name: "SYN then RST from the originator",
      steps: [[0, tcp("c", "S", 1000, 0)], [0.01, tcp("c", "R", 1001, 0)]],
      state: "RSTOS0",
      history: "SR",
    },
    {
      name: "retransmitted data",
      steps: [
        ...handshake,
        [0.01, tcp("c", "PA", 1001, 5001, "abcd")],
        [0.01, tcp("c", "PA", 1001, 5001, "abcd")],
      ],
      state: "S1",
      history: "ShADT",
    },
    {
      name: "content gap acknowledged",
      steps: [
        ...handshake,
        [0.01, tcp("c", "PA", 1001, 5001, "abcd")],
        // 100 bytes from 1005 never seen, then acknowledged: a gap in the originator's stream
        [0.01, tcp("c", "PA", 1105, 5001, "efgh")],
        [0.01, tcp("s", "A", 5001, 1109)],
      ],
      state: "S1",
      history: "ShADaG",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const [row] = await connLog(c.steps);
      expect(row.conn_state).toBe(c.state);
      expect(row.history).toBe(c.history);
      if (c.bytes) expect([row.orig_bytes, row.resp_bytes]).toEqual(c.bytes);
    });
  }

  it("counts the missed bytes of a gap", async () => {
    const [row] = await connLog(cases.find((c) => c.name === "content gap acknowledged")!.steps);
    expect(row.missed_bytes).toBe("100");
  });

  it("flips a connection whose SYN was missed when the sender uses a server port", async () => {
    const [row] = await connLog([
      [0, tcp("s", "SA", 5000, 1001)],
      [0.01, tcp("c", "A", 1001, 5001)],
      [0.01, tcp("c", "PA", 1001, 5001, "hi")],
    ]);
    expect(row["id.orig_h"]).toBe(C);
    expect(row["id.resp_p"]).toBe("80");
    expect(row.history.startsWith("^")).toBe(true);
  });

  it("splits a reused tuple into two connections", async () => {
    const rows = await connLog([
      ...handshake,
      [0.01, tcp("c", "FA", 1001, 5001)],
      [0.01, tcp("s", "FA", 5001, 1002)],
      [0.01, tcp("c", "A", 1002, 5002)],
      [30, tcp("c", "S", 9000, 0)],
    ]);
    expect(rows.map((r) => r.conn_state)).toEqual(["SF", "S0"]);
    expect(new Set(rows.map((r) => r.uid)).size).toBe(2);
  });

  it("removes an idle connection after tcp_inactivity_timeout, in network time", async () => {
    const rows = await connLog([...handshake, [20, tcp("c", "PA", 1001, 5001, "late")]], ["tcp_inactivity_timeout=10 secs"]);
    // The idle connection was logged; the late packet started a partial connection of its own.
    expect(rows).toHaveLength(2);
    expect(rows[0].history).toBe("ShA");
    expect(rows[1].conn_state).toBe("OTH");
  });

  it("reports a FIN storm past tcp_storm_thresh FINs within the interarrival threshold", async () => {
    const fins: Step[] = [...handshake, ...Array.from({ length: 4 }, (): Step => [0.1, tcp("c", "FA", 1001, 5001)])];
    const storm = await run(fins, ["tcp_storm_thresh=3"]);
    expect(storm.weird.map((w) => w.name)).toContain("FIN_storm");
    const calm = await run(fins.map(([dt, s], i): Step => [i >= 3 ? 2 : dt, s]), ["tcp_storm_thresh=3"]);
    expect(calm.weird.map((w) => w.name)).not.toContain("FIN_storm");
  });

  it("keeps a reset-after-FIN connection tcp_reset_delay long when connection_reset is handled", async () => {
    const steps: Step[] = [...handshake, [0.01, tcp("c", "FA", 1001, 5001)], [0.01, tcp("c", "R", 1002, 0)], [4, tcp("c", "A", 1002, 5001)]];
    const script = `import { on, print } from "nsm";
on("connection_reset", (c) => print("reset " + c.uid));`;
    // With a handler, the reset timer (2 s) removes the connection before the late ACK at 4 s,
    // which then starts a connection of its own; without one, the ACK joins the one still lingering
    // until the expiry check at 6 s.
    const handled = await run(steps, ["tcp_reset_delay=2 secs"], script);
    expect(handled.printed.filter((l) => l.startsWith("reset"))).toHaveLength(1);
    expect(handled.conn.map((c) => c.history)).toEqual(["ShAFR", "A"]);
    const unhandled = await run(steps, ["tcp_reset_delay=2 secs"]);
    expect(unhandled.conn).toHaveLength(1);
  });

  it("drops a segment with a bad checksum and records C, unless checksums are ignored", async () => {
    const steps: Step[] = [[0, { ...tcp("c", "S", 1000, 0), badChecksum: true }]];
    expect((await connLog(steps))[0].history).toBe("C");
    expect((await connLog(steps, ["ignore_checksums=T"]))[0].history).toBe("S");
  });
});

describe("conn.log for UDP and ICMP", () => {
  it("pairs a request and its reply", async () => {
    const [row] = await connLog([
      [0, { from: "c", proto: "udp", sport: 5555, dport: 9999, payload: "ping" }],
      [0.01, { from: "s", proto: "udp", sport: 9999, dport: 5555, payload: "pong!" }],
    ]);
    expect([row.proto, row.conn_state, row.history, row.orig_bytes, row.resp_bytes]).toEqual(["udp", "SF", "Dd", "4", "5"]);
    expect([row.orig_pkts, row.orig_ip_bytes]).toEqual(["1", String(20 + 8 + 4)]);
  });

  it("puts a flow from a server port the right way round", async () => {
    const [row] = await connLog([[0, { from: "s", proto: "udp", sport: 53, dport: 5555, payload: "x" }]]);
    expect([row["id.orig_p"], row["id.resp_p"], row.conn_state, row.history]).toEqual(["5555", "53", "SHR", "^d"]);
  });

  it("counts every packet from an endpoint to itself as the originator's, also after a flip", async () => {
    // A DNS reply first flips the connection (reply seen before its query); both ends are the same
    // address and port, so Zeek still takes every packet to be from the originator.
    const land = { from: "c", src: C, dst: C, proto: "udp", sport: 53, dport: 53 } as const;
    const reply = dnsReply(7, "example.com", 1, 0, true, new Prng(1));
    const [row] = await connLog([
      [0, { ...land, payload: reply }],
      [0.01, { ...land, payload: reply }],
      [0.02, { ...land, payload: reply }],
    ]);
    expect([row["id.orig_h"], row["id.resp_h"], row.orig_pkts, row.resp_pkts]).toEqual([C, C, "3", "0"]);
    expect(row.history).toContain("^");
  });

  it("keys ICMP echo by type and reply type", async () => {
    const [row] = await connLog([
      [0, { from: "c", proto: "icmp", icmpType: 8, sport: 7, dport: 1, payload: "abcdefgh" }],
      [0.01, { from: "s", proto: "icmp", icmpType: 0, sport: 7, dport: 1, payload: "abcdefgh" }],
    ]);
    expect([row.proto, row["id.orig_p"], row["id.resp_p"], row.conn_state, row.history]).toEqual(["icmp", "8", "0", "OTH", "-"]);
    expect([row.orig_pkts, row.resp_pkts, row.ip_proto]).toEqual(["1", "1", "1"]);
  });
});
