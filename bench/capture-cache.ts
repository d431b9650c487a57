// Finds or builds the benchmark capture in bench/out/: the file name carries every parameter that
// changes its bytes (packet count, seed, generator version), so a capture built earlier with the same
// parameters is reused and a stale one never is. A sidecar JSON keeps the mix statistics.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MIX_VERSION, writeTrafficMix, type MixStats } from "./traffic-mix.ts";

export interface BenchCapture {
  path: string;
  fileBytes: number;
  stats: MixStats;
  /** Seconds spent generating it now; undefined when an earlier build was reused. */
  generatedIn?: number;
}

export function ensureCapture(outDir: string, packets: number, seed: number): BenchCapture {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `mix-${packets}-seed${seed}-v${MIX_VERSION}`);
  const path = `${base}.pcap`;
  const statsPath = `${base}.json`;
  if (existsSync(path) && existsSync(statsPath)) {
    const stats = JSON.parse(readFileSync(statsPath, "utf8")) as MixStats;
    return { path, fileBytes: statSync(path).size, stats };
  }
  // Written under a temporary name and renamed, so an interrupted build is never mistaken for a whole one.
  const partial = `${path}.partial`;
  const started = performance.now();
  const stats = writeTrafficMix(partial, packets, seed);
  const generatedIn = (performance.now() - started) / 1000;
  renameSync(partial, path);
  writeFileSync(statsPath, JSON.stringify(stats, null, 2) + "\n");
  return { path, fileBytes: statSync(path).size, stats, generatedIn };
}
