// `nsm -i IFACE`: a run over live traffic that lasts until a signal. Packets go through the same
// pipeline as a capture file's, stamped on arrival. A periodic tick moves network time with the wall
// clock when the link is quiet (so inactivity timeouts, DNS expiries, script timers and log rotation
// happen on an idle link too) and flushes the logs' buffered rows. SIGINT and SIGTERM stop the
// capture, flush every connection and close every log with #close; SIGHUP reloads users' scripts.
import { LiveCapture, LiveClock } from "./capture/live.ts";
import { HeldFrames } from "./capture/held-frames.ts";
import { Pipeline, type PipelineOptions } from "./pipeline.ts";

export interface LiveRunOptions extends PipelineOptions {
  iface: string;
  /** pcap-filter expression, compiled by libpcap. */
  filter?: string;
  /** libpcap's kernel buffer, in bytes. */
  bufferSize: number;
  /** How often network time follows the wall clock on a quiet link, and rows are flushed; default 500 ms. */
  tickMs?: number;
}

export interface LiveSummary {
  packets: number;
  /** Packets let go unanalysed: under a flood, so that nsm could answer signals and run its timers, or past the bound kept while scripts load. */
  dropped: number;
  connections: number;
  signal: string;
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Bytes of frames kept while the scripts load; beyond it they are counted as dropped. */
const EARLY_FRAME_BYTES = 64 * 1024 * 1024;

export async function runLive(run: LiveRunOptions): Promise<LiveSummary> {
  const clock = new LiveClock();
  /** Set once zeek_init has run and the frames that came before it were analysed. */
  let pipeline: Pipeline | undefined;
  let failure: unknown;
  let stop: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (stop = resolve));

  // The capture opens before the scripts load, so an unusable interface or filter fails before
  // anything is written. Frames that come while scripts load wait (copied: the capture reuses its
  // buffer) and are analysed, in order, right after zeek_init.
  const early = new HeldFrames(EARLY_FRAME_BYTES);
  const capture = LiveCapture.open({ iface: run.iface, filter: run.filter ?? "", bufferSize: run.bufferSize }, clock, (frame) => {
    if (pipeline === undefined) {
      early.hold(frame);
      return;
    }
    if (failure !== undefined) return;
    try {
      pipeline.onFrame(frame);
    } catch (e) {
      failure = e;
      stop("error");
    }
  });
  let p: Pipeline;
  try {
    p = await Pipeline.open({ ...run, reloadable: true }, undefined, true);
    // Network time is known before zeek_init (the first waiting frame's, or now), so scripts' first
    // timers count from then.
    p.advance(early.firstTime ?? clock.now());
    p.start();
    early.release(p.onFrame);
  } catch (e) {
    capture.close();
    throw e;
  }
  pipeline = p;
  p.drops = () => capture.dropped + early.dropped;
  run.notice?.(`capturing on ${run.iface} (link type ${capture.linkType})`);

  const onStop = (signal: string) => stop(signal);
  const onHangup = () => {
    run.notice?.("SIGHUP: reloading scripts");
    void p.reloader?.reloadAll();
  };
  for (const s of STOP_SIGNALS) process.on(s, onStop);
  process.on("SIGHUP", onHangup);
  const tick = setInterval(() => {
    if (failure !== undefined) return;
    try {
      p.advance(clock.now());
      p.runtime.streams.flushAll();
    } catch (e) {
      failure = e;
      stop("error");
    }
  }, run.tickMs ?? 500);

  const signal = await stopped;
  clearInterval(tick);
  capture.close();
  process.off("SIGHUP", onHangup);
  // Stop signals stay caught until the logs are closed: a second Ctrl-C does not tear a file.
  try {
    if (failure === undefined) p.advance(clock.now());
    await p.finish();
  } finally {
    for (const s of STOP_SIGNALS) process.off(s, onStop);
  }
  if (failure !== undefined) throw failure;
  return { packets: p.packets, dropped: capture.dropped + early.dropped, connections: p.table.created, signal };
}
