// Runs the real pipeline, `node bin/nsm.js -r FILE --logdir DIR`, as a child process and measures it
// from outside: wall time, peak RSS and the conn.log rows it wrote. Peak RSS comes from a preload
// (`node --import`) that writes process.resourceUsage().maxRSS when the child exits; should the child
// die before its exit hook runs, the last VmHWM read from /proc stands in.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface PipelineRun {
  seconds: number;
  peakRssKb: number;
  connRows: number;
}

export type PipelineOutcome = { run: PipelineRun } | { unavailable: string };

const RSS_PROBE = `// Preloaded into a benchmarked child: records its peak RSS (kB) in $NSM_BENCH_RSS_FILE at exit.
import { writeFileSync } from "node:fs";
const target = process.env.NSM_BENCH_RSS_FILE;
if (target) process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
`;

/** Writes the preload into `dir` and returns its path. */
export function writeRssProbe(dir: string): string {
  const path = join(dir, "rss-probe.mjs");
  writeFileSync(path, RSS_PROBE);
  return path;
}

export async function runNsm(root: string, capture: string, probe: string): Promise<PipelineOutcome> {
  const cli = join(root, "bin", "nsm.js");
  if (!existsSync(cli)) return { unavailable: "bin/nsm.js does not exist" };
  if (!existsSync(join(root, "dist", "cli.js"))) return { unavailable: "dist/cli.js is not built (node build.mjs)" };

  const work = mkdtempSync(join(tmpdir(), "nsm-bench-"));
  const logdir = join(work, "logs");
  const rssFile = join(work, "maxrss");
  try {
    const started = performance.now();
    const exit = await runChild(
      process.execPath,
      ["--import", pathToFileURL(probe).href, cli, "-r", capture, "--logdir", logdir],
      { ...process.env, NSM_BENCH_RSS_FILE: rssFile },
    );
    const seconds = (performance.now() - started) / 1000;
    if (exit.code !== 0) {
      const why = exit.stderr.trim().split("\n").slice(-3).join(" | ") || "no message";
      return { unavailable: `nsm exited with ${exit.code ?? exit.signal}: ${why}` };
    }
    const connLog = join(logdir, "conn.log");
    if (!existsSync(connLog)) return { unavailable: "nsm wrote no conn.log" };
    const peakRssKb = existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8")) : exit.lastHwmKb;
    return { run: { seconds, peakRssKb, connRows: countRows(readFileSync(connLog)) } };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  lastHwmKb: number;
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let lastHwmKb = 0;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      stderr = (stderr + s).slice(-4096);
    });
    const poll = setInterval(() => {
      lastHwmKb = Math.max(lastHwmKb, readHwmKb(child.pid));
    }, 100);
    child.on("error", (err) => {
      clearInterval(poll);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr, lastHwmKb });
    });
  });
}

function readHwmKb(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already gone, or no /proc
  }
}

/** Rows of a Zeek log: lines that are neither empty nor `#` headers (a JSON log has no headers). */
export function countRows(log: Uint8Array): number {
  let rows = 0;
  let start = 0;
  while (start < log.length) {
    let end = log.indexOf(0x0a, start);
    if (end < 0) end = log.length;
    if (end > start && log[start] !== 0x23) rows++;
    start = end + 1;
  }
  return rows;
}
