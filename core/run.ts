// One run over a capture file: the pipeline's scripts are loaded, frames from the reader are decoded,
// filtered (nsm's own filter compiler) and handed to the connection table in network-time order,
// and at end of input every open connection is flushed and zeek_done runs, as in Zeek.
import { readCapture, type CaptureResult, type ReadProgress } from "./capture/reader.ts";
import { compileFilter } from "./filter/compile.ts";
import { Pipeline, type PipelineOptions } from "./pipeline.ts";

export interface RunOptions extends PipelineOptions {
  /** A capture file, or "-" for standard input. */
  source: string;
  filter?: string;
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
  const pipeline = await Pipeline.open(run, run.filter ? compileFilter(run.filter) : undefined, false);
  let capture: CaptureResult;
  pipeline.start();
  try {
    capture = await readCapture(run.source, pipeline.onFrame, run.progress);
  } finally {
    await pipeline.finish();
  }
  const runtime = pipeline.runtime;
  return {
    capture,
    connections: pipeline.table.created,
    decoder: { ...pipeline.decoder.stats },
    events: runtime.eventsDispatched,
    weirds: runtime.weirdsReported,
    logs: runtime.streams.rowCounts(),
  };
}
