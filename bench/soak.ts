// `npm run bench -- --soak`: nsm -i under a steady load for minutes. Two network namespaces joined by
// a veth pair (the test lab); nsm captures on one end while tcpreplay replays the generated traffic
// mix into the other at a fixed rate, looping. Every few seconds the soak samples nsm's resident
// memory and CPU time from /proc; at the end it compares the packets nsm saw with those tcpreplay
// sent. Memory should stay flat: it follows open connections, and the mix's flows come and go.
// Needs root, iproute2 and tcpreplay.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { labUnavailable, NetnsLab, stop } from "../test/fixtures/netns.ts";
import type { BenchCapture } from "./capture-cache.ts";

export interface SoakSettings {
  seconds: number;
  pps: number;
  /** Seconds between memory and CPU samples. */
  sampleEvery: number;
}

interface Sample {
  at: number;
  rssKb: number;
  cpuSeconds: number;
}

export interface SoakReport {
  seconds: number;
  pps: number;
  sent: number;
  captured: number;
  samples: Sample[];
  cpuPercent: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

function sample(pid: number, t0: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  // /proc/PID/stat: fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  return { at: (performance.now() - t0) / 1000, rssKb, cpuSeconds };
}

/** Runs to completion and gives its output. */
function collect(child: ChildProcess): Promise<string> {
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => (out += s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (out += s));
  return new Promise((resolve) => child.on("close", () => resolve(out)));
}

export async function soak(root: string, capture: BenchCapture, settings: SoakSettings): Promise<SoakReport | { unavailable: string }> {
  const why = labUnavailable(["ip", "tcpreplay"], "apt-get install iproute2 tcpreplay");
  if (why) return { unavailable: why };
  const lab = new NetnsLab("soak", "10.83.0");
  const logdir = mkdtempSync(join(tmpdir(), "nsm-soak-"));
  try {
    lab.create();
    const nsm = await lab.start(
      "client",
      ["env", "NSM_LOG_LEVEL=info", process.execPath, join(root, "bin", "nsm.js"), "-i", lab.client.ifname, "-C", "--logdir", logdir,
        "--buffer-size", "64", "--set", "Stats::report_interval=30 sec"],
      /capturing on/,
      30_000,
    );
    let nsmLog = "";
    nsm.stderr!.on("data", (s: string) => (nsmLog += s));
    const closed = new Promise((r) => nsm.on("close", r));
    const t0 = performance.now();
    const samples: Sample[] = [sample(nsm.pid!, t0)];
    const sampler = setInterval(() => samples.push(sample(nsm.pid!, t0)), settings.sampleEvery * 1000);
    const replay = spawn("ip", ["netns", "exec", lab.server.ns, "tcpreplay", "-i", lab.server.ifname, `--pps=${settings.pps}`,
      `--duration=${settings.seconds}`, "--loop=0", capture.path], { stdio: ["ignore", "pipe", "pipe"] });
    const replayOut = await collect(replay);
    clearInterval(sampler);
    samples.push(sample(nsm.pid!, t0));
    await new Promise((r) => setTimeout(r, 1000)); // what is still in the kernel buffer
    await stop(nsm, "SIGTERM");
    await closed;
    const sent = Number(/Actual: (\d+) packets/.exec(replayOut)?.[1] ?? NaN);
    const stopped = nsmLog.split("\n").find((l) => l.includes('"capture stopped"'));
    const captured = stopped ? Number(JSON.parse(stopped).packets) : NaN;
    const first = samples[0];
    const last = samples[samples.length - 1];
    const cpuPercent = (100 * (last.cpuSeconds - first.cpuSeconds)) / (last.at - first.at);
    return { seconds: settings.seconds, pps: settings.pps, sent, captured, samples, cpuPercent };
  } finally {
    await lab.destroy();
    rmSync(logdir, { recursive: true, force: true });
  }
}

export function soakTable(r: SoakReport): string {
  const mib = (kb: number) => (kb / 1024).toFixed(1);
  const rss = r.samples.map((s) => s.rssKb);
  // Peak RSS per stretch of the run: flat means memory does not grow with time.
  const stretches = 6;
  const per = Math.ceil(r.samples.length / stretches);
  const peaks: string[] = [];
  for (let i = 0; i < r.samples.length; i += per) {
    const part = r.samples.slice(i, i + per);
    peaks.push(`${part[0].at.toFixed(0)}s: ${mib(Math.max(...part.map((s) => s.rssKb)))}`);
  }
  const lost = r.sent - r.captured;
  return [
    `soak: ${r.seconds} s at ${r.pps} packets/s into a veth pair`,
    `  packets sent (tcpreplay)   ${r.sent.toLocaleString("en")}`,
    `  packets captured (nsm)     ${r.captured.toLocaleString("en")}  (${lost <= 0 ? "none" : lost.toLocaleString("en")} missed, ${((100 * Math.max(0, lost)) / r.sent).toFixed(3)}%)`,
    `  RSS MiB, start / peak / end ${mib(rss[0])} / ${mib(Math.max(...rss))} / ${mib(rss[rss.length - 1])}`,
    `  peak RSS MiB by stretch    ${peaks.join("  ")}`,
    `  CPU                        ${r.cpuPercent.toFixed(1)}% of one core`,
  ].join("\n");
}
