// One run over a capture: frames from the reader are decoded, filtered, handed to the connection
// table in network-time order, and the logs are written; at end of input every open connection is
// flushed, as Zeek does at zeek_done.
import { Packet, type RawFrame } from "./packet.ts";
import type { Options } from "./options.ts";
import { readCapture, type CaptureResult } from "./capture/reader.ts";
import { PacketDecoder } from "./decode/decoder.ts";
import { compileFilter } from "./filter/compile.ts";
import { ConnectionTable } from "./connection-table.ts";
import { LocalNets } from "./site.ts";
import { WeirdLog } from "./weird-log.ts";
import type { Subnet } from "./net/subnet.ts";
import { openLogWriter, type WriterOptions } from "../logs/writer.ts";
import { weirdSchema } from "../logs/weird.ts";
import { ConnLog, type ConnLogExtension } from "../scripts/base/conn.ts";
import { attachPortAnalyzers } from "../analyzers/registry.ts";

export interface RunOptions {
  /** A capture file, or "-" for standard input. */
  source: string;
  options: Options;
  filter?: string;
  localNets: Subnet[];
  logs: WriterOptions;
  /** conn.log columns added by policy scripts, in load order. */
  connExtensions: ConnLogExtension[];
  /** Records MAC addresses per connection (needed by mac-logging). */
  recordL2: boolean;
}

export interface RunSummary {
  capture: CaptureResult;
  connections: number;
  decoder: Record<string, number>;
}

export async function runTrace(run: RunOptions): Promise<RunSummary> {
  const opts = run.options;
  const localNets = new LocalNets(run.localNets);
  // A writer creates its file with the first row, so a run leaves only the logs it has rows for.
  const connLog = openLogWriter({ path: "conn", columns: ConnLog.columns(run.connExtensions) }, run.logs);
  const weirdLog = openLogWriter(weirdSchema, run.logs);
  let connections = 0;

  const table = new ConnectionTable(opts, {
    newConnection(c) {
      connections++;
      attachPortAnalyzers(c, table);
    },
    udpPayload(c, isOrig, data, offset, length) {
      for (const a of c.analyzers) a.deliver(c, isOrig, data, offset, length);
    },
    connectionRemoved(c) {
      conns.write(c);
    },
    weird(name, c, addl) {
      weirds.report(name, c, addl);
    },
  });
  table.recordL2 = run.recordL2;
  const conns = new ConnLog((row) => connLog.write(row), localNets, run.connExtensions);
  const weirds = new WeirdLog(weirdLog, () => table.networkTime);

  const decoder = new PacketDecoder({
    weird: (name, addl) => weirds.report(name, undefined, addl),
    skipChecksum: (pkt) => !table.checksumsFor(pkt),
    filter: run.filter ? compileFilter(run.filter) : undefined,
    fragTimeout: opts.frag_timeout,
  });
  const pkt = new Packet();

  const onFrame = (frame: RawFrame): void => {
    table.advance(frame.ts);
    if (decoder.decode(frame, pkt)) table.packet(pkt);
  };

  let capture: CaptureResult;
  try {
    capture = await readCapture(run.source, onFrame);
  } finally {
    table.flushAll();
    connLog.close();
    weirdLog.close();
  }
  return { capture, connections, decoder: { ...decoder.stats } };
}
