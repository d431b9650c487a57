// One run over a capture: the scripts are loaded, frames from the reader are decoded, filtered and
// handed to the connection table in network-time order, events go to the scripts that handle them,
// and at end of input every open connection is flushed and zeek_done runs, as in Zeek.
import type { RawFrame } from "./packet.ts";
import type { Options } from "./options.ts";
import { readCapture, type CaptureResult, type ReadProgress } from "./capture/reader.ts";
import { compileFilter } from "./filter/compile.ts";
import { PacketPipeline } from "./pipeline.ts";
import { LocalNets } from "./site.ts";
import type { Subnet } from "./net/subnet.ts";
import type { WriterOptions } from "../logs/writer.ts";
import { ScriptRuntime } from "./script/runtime.ts";
import { baseScripts, type ScriptSource } from "./script/catalog.ts";
import { loadScripts, type SandboxSettings } from "./script/load.ts";
import { ScriptReloader } from "./script/reloader.ts";

export interface RunOptions {
  /** A capture file, or "-" for standard input. */
  source: string;
  options: Options;
  /** `--set` values for options that scripts declare. */
  scriptSettings?: Map<string, string>;
  filter?: string;
  localNets: Subnet[];
  logs: WriterOptions;
  /** Policy scripts and user scripts, in command-line order (the base scripts always load first). */
  scripts?: ScriptSource[];
  sandbox?: SandboxSettings;
  /** Run the bundled scripts in the sandbox too (they must give the same logs there). */
  sandboxAll?: boolean;
  /** Reload users' scripts when their files change. */
  watch?: boolean;
  diagnostic?: (line: string) => void;
  /** Informational lines (reloads). */
  notice?: (line: string) => void;
  print?: (line: string) => void;
  /** Kept up to date while the capture is read (a progress display watches it). */
  progress?: ReadProgress;
}

export interface RunSummary {
  capture: CaptureResult;
  connections: number;
  decoder: Record<string, number>;
  /** Events delivered to scripts. */
  events: number;
  weirds: number;
  /** Rows written per log file. */
  logs: { log: string; rows: number }[];
}

export async function runTrace(run: RunOptions): Promise<RunSummary> {
  const opts = run.options;
  const runtime = new ScriptRuntime({
    logs: run.logs,
    localNets: new LocalNets(run.localNets),
    settings: run.scriptSettings ?? new Map(),
    diagnostic: run.diagnostic,
    print: run.print,
    // Scripts' weirds wait for the event that raised them, and the first event (zeek_init) comes
    // after the pipeline below exists.
    netWeird: (name, addl, source) => pipeline.table.netWeird(name, addl, source),
  });
  const sources = [...baseScripts(), ...(run.scripts ?? [])].map((s) => (run.sandboxAll ? { ...s, bundled: false } : s));
  const hosts = await loadScripts(runtime, sources, run.sandbox);
  const reloader = run.watch
    ? new ScriptReloader(
        runtime,
        new Map(hosts.filter((_, i) => !sources[i].bundled).map((h) => [h.path, h])),
        run.sandbox,
        run.notice ?? (() => {}),
      )
    : undefined;
  if (reloader) {
    await reloader.ready();
    run.notice?.(`watching ${reloader.size} script(s) for changes`);
  }

  const pipeline = new PacketPipeline(opts, runtime, run.filter ? compileFilter(run.filter) : undefined);
  const onFrame = (frame: RawFrame): void => {
    runtime.advance(frame.ts);
    pipeline.frame(frame);
  };

  let capture: CaptureResult;
  runtime.start();
  try {
    capture = await readCapture(run.source, onFrame, run.progress);
  } finally {
    await reloader?.close();
    pipeline.table.flushAll();
    runtime.finish();
  }
  return {
    capture,
    connections: pipeline.table.created,
    decoder: { ...pipeline.decoder.stats },
    events: runtime.eventsDispatched,
    weirds: runtime.weirdsReported,
    logs: runtime.streams.rowCounts(),
  };
}
