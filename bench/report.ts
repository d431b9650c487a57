// Turns measurements into the short table a person reads and the one JSON line tooling reads.
import type { BenchCapture } from "./capture-cache.ts";
import type { PipelineOutcome } from "./nsm-run.ts";

export interface Throughput {
  seconds: number;
  packetsPerSecond: number;
  /** Capture-file megabytes (10^6 bytes) per second. */
  mbPerSecond: number;
  peakRssMb: number;
}

export function throughput(capture: BenchCapture, seconds: number, peakRssKb: number): Throughput {
  return {
    seconds: round(seconds, 3),
    packetsPerSecond: Math.round(capture.stats.packets / seconds),
    mbPerSecond: round(capture.fileBytes / 1e6 / seconds, 1),
    peakRssMb: round(peakRssKb / 1024, 1),
  };
}

export function describeCapture(c: BenchCapture): string {
  const s = c.stats;
  const conversations = Object.values(s.conversations).reduce((a, b) => a + b, 0);
  const pct = (n: number): string => `${((100 * n) / s.packets).toFixed(1)}%`;
  return [
    `capture  ${c.path}`,
    `         ${num(s.packets)} packets, ${(c.fileBytes / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(0)} s of network time, ${num(conversations)} conversations`,
    `         TCP ${pct(s.tcp)}  UDP ${pct(s.udp)}  ICMP ${pct(s.icmp)}  (IPv6 ${pct(s.ipv6)}, VLAN-tagged ${pct(s.vlan)})`,
    c.generatedIn === undefined ? "         reused from an earlier run" : `         generated in ${c.generatedIn.toFixed(1)} s`,
  ].join("\n");
}

/** The minimal flow tracker's run (bench/flow-ceiling.ts), with the flows it found. */
export type CeilingThroughput = Throughput & { flows: number };

export function throughputTable(floor: Throughput, floorRuns: number, ceiling: CeilingThroughput, nsm: PipelineOutcome, nsmRuns: number, capture: BenchCapture): string {
  const head = `${"".padEnd(28)}${"packets/s".padStart(12)}${"MB/s".padStart(9)}${"peak RSS".padStart(11)}${"time".padStart(9)}`;
  const row = (label: string, t: Throughput, note: string): string =>
    `${label.padEnd(28)}${num(t.packetsPerSecond).padStart(12)}${t.mbPerSecond.toFixed(1).padStart(9)}` +
    `${`${t.peakRssMb.toFixed(0)} MB`.padStart(11)}${`${t.seconds.toFixed(2)} s`.padStart(9)}   ${note}`;
  const lines = [head, row("(a) read + decode (floor)", floor, `best of ${floorRuns}`)];
  const tracker = row("(c) minimal flow tracker", ceiling, `best of ${floorRuns}; ${num(ceiling.flows)} lines, nothing of Zeek's semantics`);
  const ratio = (label: string, r: number) => `${label.padEnd(28)}${r.toFixed(3).padStart(12)}`;
  if ("run" in nsm) {
    const t = throughput(capture, nsm.run.seconds, nsm.run.peakRssKb);
    lines.push(row("(b) nsm -r --logdir", t, `best of ${nsmRuns}; ${num(nsm.run.connRows)} conn.log rows`), tracker);
    lines.push(ratio("(b)/(a) packets/s", t.packetsPerSecond / floor.packetsPerSecond));
    lines.push(ratio("(b)/(c) packets/s", t.packetsPerSecond / ceiling.packetsPerSecond));
  } else {
    lines.push(`${"(b) nsm -r --logdir".padEnd(28)}unavailable: ${nsm.unavailable}`, tracker);
  }
  return lines.join("\n");
}

export function throughputJson(capture: BenchCapture, floor: Throughput, ceiling: CeilingThroughput, nsm: PipelineOutcome): string {
  const pipeline = "run" in nsm ? { ...throughput(capture, nsm.run.seconds, nsm.run.peakRssKb), connRows: nsm.run.connRows } : nsm;
  const ratio = "run" in nsm ? round((pipeline as Throughput).packetsPerSecond / floor.packetsPerSecond, 3) : null;
  return JSON.stringify({
    bench: "nsm",
    packets: capture.stats.packets,
    fileBytes: capture.fileBytes,
    networkSeconds: round(capture.stats.seconds, 1),
    floor,
    ceiling,
    nsm: pipeline,
    ratio,
  });
}

export interface MemoryPoint {
  capture: BenchCapture;
  nsm: PipelineOutcome;
}

export function memoryCheckTable(points: MemoryPoint[]): string {
  const lines = [
    "nsm peak RSS on the same connection mix at two lengths (same arrival rate, twice the duration):",
    `${"packets".padStart(12)}${"network time".padStart(15)}${"conversations".padStart(15)}${"conn.log rows".padStart(15)}${"peak RSS".padStart(11)}${"time".padStart(9)}`,
  ];
  for (const { capture, nsm } of points) {
    const s = capture.stats;
    const conversations = Object.values(s.conversations).reduce((a, b) => a + b, 0);
    const left = `${num(s.packets).padStart(12)}${`${s.seconds.toFixed(0)} s`.padStart(15)}${num(conversations).padStart(15)}`;
    if ("run" in nsm) {
      lines.push(`${left}${num(nsm.run.connRows).padStart(15)}${`${(nsm.run.peakRssKb / 1024).toFixed(0)} MB`.padStart(11)}${`${nsm.run.seconds.toFixed(2)} s`.padStart(9)}`);
    } else {
      lines.push(`${left}   unavailable: ${nsm.unavailable}`);
    }
  }
  const rss = points.map((p) => ("run" in p.nsm ? p.nsm.run.peakRssKb : NaN));
  if (rss.length === 2 && rss.every((r) => r > 0)) lines.push(`peak RSS, longer / shorter: ${(rss[1] / rss[0]).toFixed(2)}`);
  return lines.join("\n");
}

export function memoryCheckJson(points: MemoryPoint[]): string {
  return JSON.stringify({
    bench: "nsm-memory",
    runs: points.map(({ capture, nsm }) => ({
      packets: capture.stats.packets,
      networkSeconds: round(capture.stats.seconds, 1),
      ...("run" in nsm ? { peakRssMb: round(nsm.run.peakRssKb / 1024, 1), seconds: round(nsm.run.seconds, 3), connRows: nsm.run.connRows } : nsm),
    })),
  });
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
