// The progress bar `nsm -r` draws on a terminal's stderr: the share of the file read (or the bytes,
// when the size is unknown, as for a pipe), packets per second, time elapsed and time left. It is
// redrawn a few times a second from a timer that reads the reader's counters (core/capture's
// ReadProgress), so the packet path pays nothing for it; it is wiped before anything else is printed.

import type { ReadProgress } from "../capture/reader.ts";
import { formatBytes, formatCount, formatDuration } from "./units.ts";

const REDRAW_MS = 250;

/** Where the bar goes: a terminal stream (its width, if known, limits the line). */
export interface TerminalOut {
  write(text: string): boolean;
  columns?: number;
}

export class ProgressBar {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = performance.now();

  constructor(
    private readonly out: TerminalOut,
    private readonly progress: ReadProgress,
  ) {}

  /** The first drawing comes after one interval: a run shorter than that shows no bar at all. */
  start(): void {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
  }

  /** Stops redrawing and wipes the line. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  /** Wipes the line so that a message can be printed; the next redraw brings the bar back under it. */
  clear(): void {
    this.out.write("\r\x1b[K");
  }

  private draw(): void {
    this.out.write("\r" + this.line((performance.now() - this.started) / 1000) + "\x1b[K");
  }

  /** The bar's text after `elapsed` seconds, cut to the terminal's width. */
  line(elapsed: number): string {
    const { bytes, packets, size } = this.progress;
    const rate = elapsed > 0 ? packets / elapsed : 0;
    const parts = [`${formatCount(Math.round(rate))} packets/s`, `${formatDuration(elapsed)} elapsed`];
    let head: string;
    if (size !== undefined && size > 0) {
      const share = Math.min(1, bytes / size);
      const filled = Math.round(share * 20);
      head = `[${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${formatBytes(bytes)} of ${formatBytes(size)}`;
      if (bytes > 0 && elapsed > 0.5) parts.push(`ETA ${formatDuration((elapsed * (size - bytes)) / bytes)}`);
    } else {
      head = `${formatBytes(bytes)} read`;
    }
    const text = [head, ...parts].join("  ");
    const width = this.out.columns;
    return width && text.length >= width ? text.slice(0, width - 1) : text;
  }
}
