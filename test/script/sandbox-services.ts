// For the sandbox tests: ScriptServices that record every call, scripts written as TypeScript and
// transpiled as the loader does (CommonJS, "nsm" left to require), and Connection records.
import { transformSync } from "esbuild";
import type { ColumnTypes, LogRecord, OptionValue, ScriptServices, StatsKind, StatsRecord } from "../../core/script/host.ts";
import type { ConnectionRecord } from "../../core/script/connection-record.ts";
import { SandboxHost, loadQuickJs, type SandboxLimits } from "../../core/script/sandbox-host.ts";

export interface Row {
  id: string;
  rec: LogRecord;
}

export class RecordingServices implements ScriptServices {
  time = 1700000000.5;
  rows: Row[] = [];
  streams: { script: string; id: string; path: string; columns: ColumnTypes; policyIndex: number | undefined }[] = [];
  policies: { id: string; policyIndex: number }[] = [];
  extensions: { id: string; columns: ColumnTypes }[] = [];
  timers: { delay: number; timerIndex: number }[] = [];
  options = new Map<string, OptionValue>();
  lines: string[] = [];
  reports: string[] = [];
  communityIds: { c: LogRecord; seed: number }[] = [];
  weirds: [name: string, addl: string, source: string][] = [];
  connWeirds: [uid: string, name: string, addl: string, source: string][] = [];
  /** Called for each write, e.g. to run a policy as the runtime does. */
  onWrite: ((row: Row) => void) | undefined;

  networkTime(): number {
    return this.time;
  }
  createStream(script: string, id: string, path: string, columns: ColumnTypes, policyIndex: number | undefined): void {
    if (id === "Refused::LOG") throw new Error(`Log.createStream("${id}"): refused`);
    this.streams.push({ script, id, path, columns, policyIndex });
  }
  write(_script: string, id: string, rec: LogRecord): void {
    const row = { id, rec };
    this.rows.push(row);
    this.onWrite?.(row);
  }
  addPolicy(_script: string, id: string, policyIndex: number): void {
    this.policies.push({ id, policyIndex });
  }
  extend(_script: string, id: string, columns: ColumnTypes): void {
    this.extensions.push({ id, columns });
  }
  schedule(_script: string, delay: number, timerIndex: number): void {
    this.timers.push({ delay, timerIndex });
  }
  option(_script: string, name: string, defaultValue: OptionValue): OptionValue {
    return this.options.get(name) ?? defaultValue;
  }
  print(_script: string, line: string): void {
    this.lines.push(line);
  }
  isLocalAddr(addr: string): boolean {
    return typeof addr === "string" && addr.startsWith("10.");
  }
  communityId(c: LogRecord, seed: number): string {
    this.communityIds.push({ c, seed });
    return "1:fake";
  }
  netWeird(_script: string, name: string, addl: string, source: string): void {
    this.weirds.push([name, addl, source]);
  }
  connWeird(_script: string, c: unknown, name: string, addl: string, source: string): void {
    this.connWeirds.push([(c as { uid?: string } | undefined)?.uid ?? "(no connection)", name, addl, source]);
  }

  /** Answers each kind with its own name set, so a test sees which kind crossed. */
  stats(kind: StatsKind): StatsRecord {
    return { [kind]: true, current_time: 1700000001.25, reading_live_traffic: kind === "run" };
  }

  report(_script: string, level: "error" | "warning", message: string): void {
    this.reports.push(`${level}: ${message}`);
  }
}

/** TypeScript to the CommonJS a host loads. */
export function transpile(source: string): string {
  return transformSync(source, { loader: "ts", format: "cjs" }).code;
}

export const SCRIPT_PATH = "/scripts/user.ts";

/** A sandbox with `source` loaded. */
export async function sandbox(source: string, limits?: Partial<SandboxLimits>, services = new RecordingServices()): Promise<{ host: SandboxHost; services: RecordingServices }> {
  const host = new SandboxHost(SCRIPT_PATH, services, await loadQuickJs(limits), limits);
  host.load(transpile(source));
  return { host, services };
}

export function connection(over: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    uid: "CHhAvVGS1DHFjwGM9",
    id: { orig_h: "192.168.1.100", orig_p: 52133, resp_h: "93.184.216.34", resp_p: 443, proto: "tcp" },
    orig: { size: 1234, state: 5, num_pkts: 12, num_bytes_ip: 1800, l2_addr: undefined },
    resp: { size: 56789, state: 5, num_pkts: 40, num_bytes_ip: 60000, l2_addr: undefined },
    start_time: 1700000000.123456,
    duration: 2.345678,
    service: ["ssl"],
    history: "ShADadFf",
    ip_proto: 6,
    vlan: undefined,
    inner_vlan: undefined,
    conn: undefined,
    ...over,
  };
}
