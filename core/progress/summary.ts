// The few lines `nsm -r` prints at the end of a run (on a terminal, or with --summary): what was
// read, what it became, which logs got how many rows, and how long it took.

import type { RunSummary } from "../run.ts";
import { formatBytes, formatCount, formatDuration } from "./units.ts";

const counted = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? "" : "s"}`;

export function runSummary(s: RunSummary, seconds: number): string {
  const { packets, bytes } = s.capture;
  const rate = seconds > 0 ? `, ${formatCount(packets / seconds)} packets/s` : "";
  const logs = s.logs.length === 0 ? "no logs" : s.logs.map((l) => `${l.log} ${formatCount(l.rows)}`).join(", ");
  return [
    `nsm: ${counted(packets, "packet")} (${formatBytes(bytes)}) in ${formatDuration(seconds)}${rate}`,
    `     ${counted(s.connections, "connection")}, ${counted(s.events, "event")}, ${counted(s.weirds, "weird")}`,
    `     rows written: ${logs}`,
  ].join("\n");
}
