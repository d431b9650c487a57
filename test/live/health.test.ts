// The health logs nsm -i writes, checked on built traffic in -r runs: capture_loss.log counts acks
// for data never seen the way Zeek's TCP_Reassembler::AckReceived does (only while both endpoints are
// established; an ack above a hole is a gap event), and stats.log reports packets, bytes and
// connections per transport over its interval.
import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { frameAt, type TimedFrame } from "../fixtures/pipeline.ts";
import type { FrameSpec } from "../fixtures/frames.ts";
import { logRows } from "../fixtures/logs.ts";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { resolveScript } from "../../core/script/catalog.ts";

/** Writes the frames as a capture and runs nsm -r over it with one policy script and its settings. */
async function runWith(frames: TimedFrame[], policy: string, settings: Record<string, string>): Promise<{ rows: (path: string) => Record<string, string>[] }> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-health-"));
  const pcap = new PcapWriter(join(dir, "in.pcap"));
  for (const f of frames) pcap.write(f.ts, f.frame);
  pcap.close();
  await runTrace({
    source: join(dir, "in.pcap"),
    options: defaultOptions(),
    scriptSettings: new Map(Object.entries(settings)),
    localNets: [],
    logs: { dir, format: "tsv" },
    scripts: [resolveScript(policy)],
  });
  return { rows: (path) => logRows(join(dir, `${path}.log`)) };
}

const C = "10.0.0.1";
const S = "10.0.0.2";
const T0 = 1_700_000_000;

function tcp(ts: number, fromClient: boolean, flags: string, seq: number, ack: number, payload = ""): TimedFrame {
  const spec: FrameSpec = fromClient
    ? { src: C, dst: S, proto: "tcp", sport: 40000, dport: 8080, flags, seq, ack, payload }
    : { src: S, dst: C, proto: "tcp", sport: 8080, dport: 40000, flags, seq, ack, payload };
  return frameAt(ts, spec);
}

const hundred = "x".repeat(100);

/** A handshake, then 300 bytes from the client of which the middle 100 never reach the capture. */
const LOSSY: TimedFrame[] = [
  tcp(T0, true, "S", 1000, 0),
  tcp(T0 + 0.01, false, "SA", 5000, 1001),
  tcp(T0 + 0.02, true, "A", 1001, 5001),
  tcp(T0 + 0.03, true, "PA", 1001, 5001, hundred),
  tcp(T0 + 0.04, false, "A", 5001, 1101), // acks what was seen: an ack event, no gap
  // seq 1101..1200 is lost before the capture
  tcp(T0 + 0.06, true, "PA", 1201, 5001, hundred),
  tcp(T0 + 0.07, false, "A", 5001, 1301), // acks across the hole: a gap event of 100 bytes
  // Something later, so the measurement scheduled for T0 + 10 runs.
  frameAt(T0 + 20, { src: C, dst: "10.0.0.9", proto: "udp", sport: 5000, dport: 9999, payload: "late" }),
];

describe("capture_loss.log", () => {
  it("counts acks and the acks above a hole, as Zeek's capture-loss does", async () => {
    const run = await runWith(LOSSY, "policy/misc/capture-loss", { "CaptureLoss::initial_watch_interval": "10" });
    const rows = run.rows("capture_loss");
    // The first timer fires at the first packet (network time was 0 at zeek_init) and starts the
    // interval there; the measurement comes with the first packet after T0 + 10.
    expect(rows).toEqual([{ ts: `${T0 + 20}.000000`, ts_delta: "20.000000", peer: "zeek", gaps: "1", acks: "2", percent_lost: "50.0" }]);
    expect(run.rows("conn").find((r) => r["id.resp_p"] === "8080")?.missed_bytes).toBe("100");
  });

  it("counts nothing before both endpoints are established", async () => {
    // Only a SYN and data acked by a bare ACK: no handshake, so no ack counts toward the estimate.
    const frames = [
      tcp(T0, true, "S", 1000, 0),
      tcp(T0 + 0.05, false, "A", 5001, 1301),
      frameAt(T0 + 20, { src: C, dst: "10.0.0.9", proto: "udp", sport: 5000, dport: 9999, payload: "late" }),
    ];
    const rows = (await runWith(frames, "policy/misc/capture-loss", { "CaptureLoss::initial_watch_interval": "10" })).rows("capture_loss");
    expect(rows).toMatchObject([{ gaps: "0", acks: "0", percent_lost: "0.0" }]);
  });
});

describe("stats.log", () => {
  it("reports each interval's packets, bytes, events and connections per transport", async () => {
    const run = await runWith(LOSSY, "policy/misc/stats", { "Stats::report_interval": "10" });
    const rows = run.rows("stats");
    // zeek_init schedules the first report at 0 + 10: it fires with the first packet, which is
    // counted on arrival as Zeek counts it, before timers run; the next report is due at T0 + 10 and
    // comes with the packet at T0 + 20 (counted too).
    expect(rows.map((r) => r.ts)).toEqual([`${T0}.000000`, `${T0 + 20}.000000`]);
    const [first, ...rest] = LOSSY.map((f) => f.frame.length);
    expect(rows[0]).toMatchObject({ pkts_proc: "1", bytes_recv: String(first), tcp_conns: "0", active_tcp_conns: "0" });
    expect(rows[1]).toMatchObject({
      peer: "zeek",
      pkts_proc: String(rest.length),
      bytes_recv: String(rest.reduce((a, b) => a + b, 0)),
      tcp_conns: "1",
      udp_conns: "0", // the UDP packet is counted, its connection made after the timer ran
      active_tcp_conns: "1",
      pkts_dropped: "-", // a capture file has no drop counters
      pkt_lag: "-",
    });
    expect(Number(rows[1].events_proc)).toBeGreaterThan(0);
    expect(Number(rows[1].mem)).toBeGreaterThan(0);
  });
});
