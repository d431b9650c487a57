// The progress bar and the end-of-run summary of `nsm -r`: drawn on stderr when it is a terminal
// (run here in a pseudo-terminal made by util-linux's `script`), absent when stderr is a pipe, and
// the summary printed in a pipe only when --summary asks for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { ProgressBar } from "../../core/progress/progress-bar.ts";
import { ethernetFrame } from "../fixtures/frames.ts";
import { nsm, NSM_BIN } from "../fixtures/nsm-bin.ts";

/** Enough that even a fast machine reads for well over the bar's first redraw (250 ms): about 200 MB. */
const PACKETS = 600_000;
const hasScript = spawnSync("script", ["--version"]).status === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nsm-progress-"));
  const w = new PcapWriter(join(dir, "big.pcap"));
  const frame = ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 4000, dport: 5000, payload: "x".repeat(300) });
  for (let i = 0; i < PACKETS; i++) w.write(1_700_000_000 + i / 1000, frame);
  w.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the progress bar's line", () => {
  it("shows the share read, packets/s, time elapsed and time left", () => {
    const bar = new ProgressBar({ write: () => true }, { bytes: 5_000_000, packets: 100_000, size: 10_000_000 });
    expect(bar.line(2)).toBe("[##########----------]  50% 5.00 MB of 10.0 MB  50,000 packets/s  2.0 s elapsed  ETA 2.0 s");
  });

  it("shows bytes read when the size is unknown (a pipe), and fits the terminal's width", () => {
    expect(new ProgressBar({ write: () => true }, { bytes: 1500, packets: 10, size: undefined }).line(1)).toBe("1.50 kB read  10 packets/s  1.0 s elapsed");
    expect(new ProgressBar({ write: () => true, columns: 20 }, { bytes: 1500, packets: 10, size: 3000 }).line(1)).toHaveLength(19);
  });
});

describe("nsm -r on a terminal and in a pipe", { timeout: 60_000 }, () => {
  it.skipIf(!hasScript)("draws the bar on a terminal, then wipes it and prints the summary", () => {
    const r = spawnSync("script", ["-qec", `"${process.execPath}" "${NSM_BIN}" -r big.pcap`, "/dev/null"], { cwd: dir, encoding: "utf8" });
    expect(r.status).toBe(0);
    const screen = r.stdout;
    expect(screen).toMatch(/\r\[[#-]{20}\] +\d+% [\d.]+ MB of [\d.]+ MB {2}[\d,]+ packets\/s {2}[\d.]+ s elapsed/);
    expect(screen).toContain("\r\x1b[K");
    expect(screen).toContain(`nsm: ${PACKETS.toLocaleString("en-US")} packets (`);
    expect(screen).toMatch(/1 connection, \d+ events, 0 weirds/);
    expect(screen).toMatch(/rows written: conn\.log 1\b/);
  });

  it("prints nothing on stderr in a pipe, and the summary alone with --summary", () => {
    const quiet = nsm(["-r", "big.pcap", "--logdir", "quiet"], { cwd: dir });
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe("");
    const summary = nsm(["-r", "big.pcap", "--logdir", "summary", "--summary"], { cwd: dir });
    expect(summary.stderr).not.toContain("\r");
    expect(summary.stderr).toMatch(new RegExp(`^nsm: ${PACKETS.toLocaleString("en-US")} packets \\([\\d.]+ MB\\) in [\\d.:]+ s?.*\\n {5}1 connection, \\d+ events, 0 weirds\\n {5}rows written: conn\\.log 1\\n$`));
  });
});
