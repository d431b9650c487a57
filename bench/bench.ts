// `npm run bench`: builds (or reuses) a large generated capture and measures, in one run, the raw
// read-and-decode floor, the ceiling of a minimal flow tracker (bench/flow-ceiling.ts) and the whole
// pipeline (`nsm -r`) on it. Each is measured in a process of its own, so each peak RSS belongs to
// what it measures. `--memory-check` instead runs nsm on the same mix at two lengths, to show that
// peak memory follows open connections, not file size.
// `--soak` runs nsm -i for minutes under a steady replay instead (bench/soak.ts; root and tcpreplay).
//
//   node dist/bench.js [--packets 1000000] [--seed 1] [--runs 3] [--nsm-runs 1] [--memory-check]
//   node dist/bench.js --soak [--soak-seconds 300] [--soak-pps 2000] [--soak-packets 100000]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureCapture, type BenchCapture } from "./capture-cache.ts";
import { measureFloor, type FloorRun } from "./read-decode-floor.ts";
import { measureFlowCeiling, type CeilingRun } from "./flow-ceiling.ts";
import { runNsm, writeRssProbe, type PipelineOutcome } from "./nsm-run.ts";
import { dnsBench } from "./dns-bench.ts";
import { measureSandboxEvents } from "./sandbox-events.ts";
import { soak, soakTable } from "./soak.ts";
import { describeCapture, memoryCheckJson, memoryCheckTable, throughput, throughputJson, throughputTable, type MemoryPoint } from "./report.ts";

// dist/bench.js and bench/bench.ts both sit one folder below the project root.
const ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values: args } = parseArgs({
  options: {
    packets: { type: "string", default: "1000000" },
    seed: { type: "string", default: "1" },
    runs: { type: "string", default: "3" },
    "nsm-runs": { type: "string", default: "1" },
    "memory-check": { type: "boolean", default: false },
    soak: { type: "boolean", default: false },
    "soak-seconds": { type: "string", default: "300" },
    "soak-pps": { type: "string", default: "2000" },
    "soak-packets": { type: "string", default: "100000" },
    out: { type: "string", default: join(ROOT, "bench", "out") },
    // Internal: the floor or the ceiling measured in a child process; prints one JSON line.
    "floor-child": { type: "string" },
    "ceiling-child": { type: "string" },
  },
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} wants a positive integer, not ${value}`);
  return n;
}

const packets = positiveInt("packets", args.packets);
const seed = positiveInt("seed", args.seed);
const floorRuns = positiveInt("runs", args.runs);
const nsmRuns = positiveInt("nsm-runs", args["nsm-runs"]);

interface ChildReport<R> {
  best: R;
  peakRssKb: number;
}

/** The best of `--runs` runs of `measure`, printed as one JSON line with the process's peak RSS. */
async function child<R extends { seconds: number }>(measure: () => Promise<R>): Promise<void> {
  let best: R | undefined;
  for (let i = 0; i < floorRuns; i++) {
    const run = await measure();
    if (best === undefined || run.seconds < best.seconds) best = run;
  }
  const report: ChildReport<R> = { best: best!, peakRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(JSON.stringify(report) + "\n");
}

function measureInChild<R>(flag: "--floor-child" | "--ceiling-child", path: string): Promise<ChildReport<R>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], flag, path, "--runs", String(floorRuns)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s: string) => (out += s));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(out) as ChildReport<R>);
      else reject(new Error(`the ${flag.slice(2, -6)} measurement exited with code ${code}`));
    });
  });
}

async function bestNsmRun(capture: BenchCapture, probe: string): Promise<PipelineOutcome> {
  let best: PipelineOutcome | undefined;
  for (let i = 0; i < nsmRuns; i++) {
    const outcome = await runNsm(ROOT, capture.path, probe);
    if (!("run" in outcome)) return outcome;
    if (best === undefined || ("run" in best && outcome.run.seconds < best.run.seconds)) best = outcome;
  }
  return best!;
}

function prepare(n: number): BenchCapture {
  const capture = ensureCapture(args.out!, n, seed);
  console.log(describeCapture(capture));
  return capture;
}

async function throughputBench(): Promise<void> {
  const capture = prepare(packets);
  const floor = await measureInChild<FloorRun>("--floor-child", capture.path);
  if (floor.best.packets !== capture.stats.packets || floor.best.decoded !== capture.stats.packets) {
    console.log(`note: the floor read ${floor.best.packets} packets and decoded ${floor.best.decoded} of ${capture.stats.packets} written`);
  }
  const floorThroughput = throughput(capture, floor.best.seconds, floor.peakRssKb);
  const ceiling = await measureInChild<CeilingRun>("--ceiling-child", capture.path);
  const ceilingThroughput = { ...throughput(capture, ceiling.best.seconds, ceiling.peakRssKb), flows: ceiling.best.flows };
  const nsm = await bestNsmRun(capture, writeRssProbe(args.out!));
  console.log("");
  console.log(throughputTable(floorThroughput, floorRuns, ceilingThroughput, nsm, nsmRuns, capture));
  console.log(throughputJson(capture, floorThroughput, ceilingThroughput, nsm));
  await dnsBench(ROOT, args.out!, Math.max(1000, Math.round(packets / 5)), seed);
  const sandbox = await measureSandboxEvents(100_000);
  console.log("");
  console.log("sandboxed script, connection_state_remove events (best of 3 runs):");
  console.log(`  writing one row per event    ${Math.round(sandbox.eventsPerSecond).toLocaleString("en")} events/s`);
  console.log(`  writing nothing               ${Math.round(sandbox.noRowEventsPerSecond).toLocaleString("en")} events/s`);
  console.log(`  loaded, subscribed to nothing ${sandbox.idleNsPerEvent.toFixed(1)} ns per event`);
  console.log(`  hot reload (transpile, load)  ${sandbox.reloadMs.toFixed(1)} ms`);
  console.log(JSON.stringify({ sandbox }));
}

async function memoryCheck(): Promise<void> {
  const probe = writeRssProbe(args.out!);
  const points: MemoryPoint[] = [];
  for (const n of [packets, 2 * packets]) {
    const capture = prepare(n);
    points.push({ capture, nsm: await bestNsmRun(capture, probe) });
  }
  console.log("");
  console.log(memoryCheckTable(points));
  console.log(memoryCheckJson(points));
}

async function soakBench(): Promise<void> {
  const capture = prepare(positiveInt("soak-packets", args["soak-packets"]));
  const seconds = positiveInt("soak-seconds", args["soak-seconds"]);
  const report = await soak(ROOT, capture, { seconds, pps: positiveInt("soak-pps", args["soak-pps"]), sampleEvery: Math.min(10, Math.max(1, seconds / 30)) });
  if ("unavailable" in report) {
    console.log(`soak skipped: ${report.unavailable}`);
    return;
  }
  console.log("");
  console.log(soakTable(report));
  console.log(JSON.stringify({ soak: { ...report, samples: report.samples.map((s) => [Number(s.at.toFixed(1)), s.rssKb]) } }));
}

const floorPath = args["floor-child"];
const ceilingPath = args["ceiling-child"];
await (floorPath !== undefined
  ? child(() => measureFloor(floorPath))
  : ceilingPath !== undefined
    ? child(() => measureFlowCeiling(ceilingPath, join(args.out!, "ceiling-conn.log")))
    : args["memory-check"]
      ? memoryCheck()
      : args.soak
        ? soakBench()
        : throughputBench());
