// What a run is made of, whatever the packets' source (a capture file or an interface): the scripts
// loaded into the runtime (and watched, if asked), the connection table, the decoder, and the one
// per-packet path from a frame to the connection table. Network time moves with each packet's
// timestamp, or with the wall clock on an idle link (advance). finish() flushes every connection and
// closes every log, as Zeek does at zeek_done.
import type { RawFrame } from "./packet.ts";
import type { Options } from "./options.ts";
import type { PacketDecoder } from "./decode/decoder.ts";
import type { PacketPredicate } from "./filter/compile.ts";
import type { ConnectionTable } from "./connection-table.ts";
import { PacketPath } from "./packet-path.ts";
import { LocalNets } from "./site.ts";
import type { Subnet } from "./net/subnet.ts";
import type { WriterOptions } from "../logs/writer.ts";
import { ScriptRuntime } from "./script/runtime.ts";
import { baseScripts, type ScriptSource } from "./script/catalog.ts";
import { loadScripts, type SandboxSettings } from "./script/load.ts";
import { ScriptReloader } from "./script/reloader.ts";

export interface PipelineOptions {
  options: Options;
  /** `--set` values for options that scripts declare. */
  scriptSettings?: Map<string, string>;
  /** `--set NAME+=VALUE` values for set options that scripts declare, in order. */
  scriptAdditions?: Map<string, string[]>;
  localNets: Subnet[];
  logs: WriterOptions;
  /** Policy scripts and user scripts, in command-line order (the base scripts always load first). */
  scripts?: ScriptSource[];
  sandbox?: SandboxSettings;
  /** Run the bundled scripts in the sandbox too (they must give the same logs there). */
  sandboxAll?: boolean;
  /** Reload users' scripts when their files change. */
  watch?: boolean;
  /** Keep users' scripts reloadable on request (reloader.reloadAll) even without `watch`. */
  reloadable?: boolean;
  diagnostic?: (line: string) => void;
  /** Informational lines (reloads). */
  notice?: (line: string) => void;
  print?: (line: string) => void;
}

export class Pipeline {
  readonly runtime: ScriptRuntime;
  readonly table: ConnectionTable;
  readonly decoder: PacketDecoder;
  private readonly path: PacketPath;
  /** Frames delivered, and their bytes on the wire (Zeek's pkts_recvd, bytes_recvd). */
  packets = 0;
  bytes = 0;
  /** Packets the source let go unanalysed, where it knows (Zeek's pkts_dropped). */
  drops: (() => number) | undefined;

  private constructor(
    runtime: ScriptRuntime,
    readonly reloader: ScriptReloader | undefined,
    options: Options,
    filter: PacketPredicate | undefined,
    live: boolean,
  ) {
    this.runtime = runtime;
    this.path = new PacketPath(options, runtime, filter);
    const table = (this.table = this.path.table);
    this.decoder = this.path.decoder;
    runtime.statsSource = {
      live,
      now: () => Date.now() / 1000,
      net: () => ({ pkts_recvd: this.packets, bytes_recvd: this.bytes, pkts_dropped: this.drops?.() }),
      conn: () => {
        const c = table.counts;
        return {
          num_tcp_conns: c.tcp.active,
          num_udp_conns: c.udp.active,
          num_icmp_conns: c.icmp.active,
          cumulative_tcp_conns: c.tcp.cumulative,
          cumulative_udp_conns: c.udp.cumulative,
          cumulative_icmp_conns: c.icmp.cumulative,
        };
      },
      timers: () => table.timerCounts,
      gap: () => {
        const g = table.gapStats;
        return { ack_events: g.ackEvents, ack_bytes: g.ackBytes, gap_events: g.gapEvents, gap_bytes: g.gapBytes };
      },
    };
  }

  /**
   * Loads the scripts (base scripts first) and, with `watch`, starts watching users' scripts.
   * `filter` is nsm's own compiled filter (capture files); a live capture filters in the kernel.
   */
  static async open(run: PipelineOptions, filter: PacketPredicate | undefined, live: boolean): Promise<Pipeline> {
    let pipeline: Pipeline | undefined;
    const runtime = new ScriptRuntime({
      logs: run.logs,
      localNets: new LocalNets(run.localNets),
      settings: run.scriptSettings ?? new Map(),
      additions: run.scriptAdditions,
      diagnostic: run.diagnostic,
      print: run.print,
      // Scripts' weirds wait for the event that raised them, and the first event (zeek_init) comes
      // after the pipeline exists.
      weird: (name, c, addl, source) => (c === undefined ? pipeline!.table.netWeird(name, addl, source) : pipeline!.table.weird(c, name, addl, source)),
    });
    const sources = [...baseScripts(), ...(run.scripts ?? [])].map((s) => (run.sandboxAll ? { ...s, bundled: false } : s));
    const hosts = await loadScripts(runtime, sources, run.sandbox);
    const reloader =
      run.watch || run.reloadable
        ? new ScriptReloader(
            runtime,
            new Map(hosts.filter((_, i) => !sources[i].bundled).map((h) => [h.path, h])),
            run.sandbox,
            run.notice ?? (() => {}),
            run.watch ?? false,
          )
        : undefined;
    if (run.watch && reloader) {
      await reloader.ready();
      run.notice?.(`watching ${reloader.size} script(s) for changes`);
    }
    pipeline = new Pipeline(runtime, reloader, run.options, filter, live);
    return pipeline;
  }

  /** zeek_init: after every script is loaded and the packet source is open. */
  start(): void {
    try {
      this.runtime.start();
    } catch (e) {
      void this.reloader?.close();
      throw e;
    }
  }

  /** The per-packet path. The frame's buffer is only valid during the call. */
  readonly onFrame = (frame: RawFrame): void => {
    this.packets++;
    this.bytes += frame.wirelen;
    this.runtime.advance(frame.ts);
    this.path.frame(frame);
  };

  /** Moves network time to `t`: script timers, connection timers and log rotation due by then run. */
  advance(t: number): void {
    this.runtime.advance(t);
    this.table.advance(t);
  }

  /** End of input: pending reloads finish, every connection is removed and logged, zeek_done runs, logs close. */
  async finish(): Promise<void> {
    await this.reloader?.close();
    this.table.flushAll();
    this.runtime.finish();
  }
}
