// Runs DNS traffic built in a test through the real pipeline in-process: decoder, connection table,
// the DNS analyzer and the bundled scripts (base/conn, base/weird, base/dns and any policies, in
// native hosts) and any script files given, into logs in a temporary folder.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Packet, type RawFrame } from "../../core/packet.ts";
import { PacketDecoder } from "../../core/decode/decoder.ts";
import { ConnectionTable } from "../../core/connection-table.ts";
import { defaultOptions, applySetting } from "../../core/options.ts";
import { ScriptRuntime } from "../../core/script/runtime.ts";
import { NativeHost } from "../../core/script/native-host.ts";
import { transpileScriptSync } from "../../core/script/loader.ts";
import { BASE_SCRIPTS, SCRIPTS_DIR } from "../../core/script/catalog.ts";
import { LocalNets } from "../../core/site.ts";
import { attachPortAnalyzers } from "../../analyzers/registry.ts";
import { concatBytes, ethernetFrame, type FrameSpec } from "../fixtures/frames.ts";

export interface TimedFrame {
  ts: number;
  frame: Uint8Array;
}

/** One UDP datagram or TCP segment (with a DNS payload) at time `ts`. */
export function frameAt(ts: number, spec: FrameSpec): TimedFrame {
  return { ts, frame: ethernetFrame(spec) };
}

/** A DNS message as sent over TCP: its 2-byte length, then the message. */
export function tcpFramed(message: Uint8Array): Uint8Array {
  return concatBytes([message.length >> 8, message.length & 0xff], message);
}

export interface PipelineOptions {
  /** Bundled policies by name ("policy/dns/auth-addl"). */
  policies?: string[];
  /** Core `--set` assignments ("dns_session_timeout=5"). */
  settings?: string[];
  /** `--set` values for options scripts declare ("DnsTunneling::min_length" → "60"). */
  scriptSettings?: Record<string, string>;
  /** Script files run after the bundled scripts (natively: the same source gives the same logs in the sandbox). */
  scripts?: string[];
}

export interface PipelineResult {
  dir: string;
  /** A log's rows as field → text (Zeek's TSV rendering). */
  rows(path: string): Record<string, string>[];
  /** Script errors, one line each. */
  diagnostics: string[];
}

export function runPipeline(frames: TimedFrame[], opts: PipelineOptions = {}): PipelineResult {
  const dir = mkdtempSync(join(tmpdir(), "nsm-dns-"));
  const diagnostics: string[] = [];
  const options = defaultOptions();
  for (const s of opts.settings ?? []) applySetting(options, s);
  const runtime = new ScriptRuntime({
    logs: { dir, format: "tsv" },
    localNets: new LocalNets([], false),
    settings: new Map(Object.entries(opts.scriptSettings ?? {})),
    diagnostic: (l) => diagnostics.push(l),
  });
  const files = [
    ...BASE_SCRIPTS.map((s) => join(SCRIPTS_DIR, s)),
    ...(opts.policies ?? []).map((p) => join(SCRIPTS_DIR, `${p}.ts`)),
    ...(opts.scripts ?? []),
  ];
  for (const file of files) runtime.add(new NativeHost(file, runtime), transpileScriptSync(file));

  const table = new ConnectionTable(options, runtime, {
    attachAnalyzers: (c) => attachPortAnalyzers(c, table),
    udpPayload(c, isOrig, data, offset, length) {
      for (const a of c.analyzers) a.deliver(c, isOrig, data, offset, length);
    },
  });
  const decoder = new PacketDecoder({ weird: (name, addl) => table.netWeird(name, addl), skipChecksum: () => false });
  const pkt = new Packet();
  runtime.start();
  for (const { ts, frame } of frames) {
    const raw: RawFrame = { ts, data: frame, offset: 0, caplen: frame.length, wirelen: frame.length, linkType: 1 };
    runtime.advance(ts);
    table.advance(ts);
    if (decoder.decode(raw, pkt)) table.packet(pkt);
  }
  table.flushAll();
  runtime.finish();

  return {
    dir,
    diagnostics,
    rows(path) {
      const file = join(dir, `${path}.log`);
      if (!existsSync(file)) return [];
      const lines = readFileSync(file, "utf8").split("\n");
      const fields = lines.find((l) => l.startsWith("#fields"))!.split("\t").slice(1);
      return lines.filter((l) => l && !l.startsWith("#")).map((l) => Object.fromEntries(l.split("\t").map((v, i) => [fields[i], v])));
    },
  };
}
