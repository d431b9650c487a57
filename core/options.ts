// Options a user can change with `--set NAME=VALUE` (or `NAME+=VALUE` for sets), under Zeek's names
// and with Zeek's defaults. Modules read the parsed values from one `Options` object created at start.
import { BadOptionError } from "./errors.ts";
import { Subnet } from "./net/subnet.ts";
import { DEFAULT_LIKELY_SERVER_PORTS, parsePort } from "../analyzers/conn/likely-server-ports.ts";

type Kind = "bool" | "count" | "interval" | "set[subnet]" | "set[port]";

interface OptionSpec {
  kind: Kind;
  default: unknown;
  doc: string;
}

const SPECS = {
  ignore_checksums: { kind: "bool", default: false, doc: "do not verify checksums (same as -C)" },
  ignore_checksums_nets: { kind: "set[subnet]", default: [], doc: "source networks whose checksums are not verified" },
  likely_server_ports: { kind: "set[port]", default: DEFAULT_LIKELY_SERVER_PORTS, doc: "ports that decide who is the server when the handshake was not seen" },
  partial_connection_ok: { kind: "bool", default: true, doc: "track TCP connections whose SYN was not seen" },
  tcp_SYN_ack_ok: { kind: "bool", default: true, doc: "track TCP connections that start with a SYN-ACK" },
  tcp_SYN_timeout: { kind: "interval", default: 5, doc: "first check of a new TCP connection" },
  tcp_session_timer: { kind: "interval", default: 6, doc: "interval of later TCP expiry checks" },
  tcp_connection_linger: { kind: "interval", default: 5, doc: "quiet time before a closed TCP connection is removed" },
  tcp_attempt_delay: { kind: "interval", default: 5, doc: "time a SYN waits for an answer" },
  tcp_close_delay: { kind: "interval", default: 5, doc: "time a closed TCP connection stays around" },
  tcp_reset_delay: { kind: "interval", default: 5, doc: "time a reset TCP connection stays around" },
  tcp_inactivity_timeout: { kind: "interval", default: 300, doc: "idle time after which a TCP connection is removed" },
  udp_inactivity_timeout: { kind: "interval", default: 60, doc: "idle time after which a UDP flow is removed" },
  icmp_inactivity_timeout: { kind: "interval", default: 60, doc: "idle time after which an ICMP flow is removed" },
  unknown_ip_inactivity_timeout: { kind: "interval", default: 60, doc: "idle time for other IP protocols" },
  tcp_max_initial_window: { kind: "count", default: 16384, doc: "unacknowledged bytes after which buffered data is let go" },
  tcp_max_above_hole_without_any_acks: { kind: "count", default: 16384, doc: "bytes above a hole, with no ack seen, before reassembly gives up" },
  tcp_excessive_data_without_further_acks: { kind: "count", default: 10 * 1024 * 1024, doc: "buffered bytes before reassembly gives up" },
  tcp_storm_thresh: { kind: "count", default: 1000, doc: "FINs/RSTs that make a storm" },
  tcp_storm_interarrival_thresh: { kind: "interval", default: 1, doc: "gap under which FINs/RSTs count toward a storm" },
  frag_timeout: { kind: "interval", default: 300, doc: "time an incomplete IP datagram is kept" },
  script_memory_limit: { kind: "count", default: 64 * 1024 * 1024, doc: "bytes a sandboxed script may allocate (nsm)" },
  script_call_deadline: { kind: "interval", default: 0.25, doc: "time one call into a sandboxed script may run (nsm)" },
  dns_session_timeout: { kind: "interval", default: 10, doc: "idle time after which a UDP DNS flow is removed" },
  dns_max_queries: { kind: "count", default: 25, doc: "questions per DNS message before the analyzer gives up" },
  dns_max_compression_chain_depth: { kind: "count", default: 20, doc: "compression pointers followed per DNS name" },
  dns_skip_all_auth: { kind: "bool", default: true, doc: "do not read the authority section of DNS replies" },
  dns_skip_all_addl: { kind: "bool", default: true, doc: "do not read the additional section of DNS replies" },
  "DPD::ignore_violations_after": { kind: "count", default: 10 * 1024, doc: "payload bytes after which a protocol violation no longer disables the analyzer (0: it always does)" },
  "FTP::max_command_length": { kind: "count", default: 100, doc: "longer FTP commands are discarded (with a weird once the analyzer is confirmed; 0: no limit)" },
  "Tunnel::max_depth": { kind: "count", default: 4, doc: "tunnels nested deeper than this are not decapsulated" },
  "Tunnel::max_changes_per_connection": { kind: "count", default: 5, doc: "tunnel_changed events per connection (0: no limit)" },
  "Tunnel::ip_tunnel_timeout": { kind: "interval", default: 86400, doc: "idle time after which an IP or GRE tunnel is forgotten (its uid with it)" },
  "Tunnel::delay_teredo_confirmation": { kind: "bool", default: true, doc: "confirm Teredo only once both sides sent valid Teredo" },
  "Tunnel::delay_gtp_confirmation": { kind: "bool", default: false, doc: "confirm GTPv1 only once both directions carried valid G-PDUs" },
  "Tunnel::validate_vxlan_checksums": { kind: "bool", default: true, doc: "verify a non-zero UDP checksum of VXLAN datagrams" },
} satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof SPECS;

type ValueOf<K extends Kind> = K extends "bool"
  ? boolean
  : K extends "count" | "interval"
    ? number
    : K extends "set[subnet]"
      ? Subnet[]
      : Set<number>;

export type Options = { [N in OptionName]: ValueOf<(typeof SPECS)[N]["kind"]> };

const UNITS: Record<string, number> = {
  usec: 1e-6, usecs: 1e-6, msec: 1e-3, msecs: 1e-3, sec: 1, secs: 1, s: 1,
  min: 60, mins: 60, hr: 3600, hrs: 3600, day: 86400, days: 86400,
};

/** Parses `text` as a value of a Zeek option type; the error names the option. */
export function parseOptionValue(name: string, kind: Kind | "string" | "set[string]", text: string): unknown {
  const bad = (why: string) => new BadOptionError(`--set ${name}: ${why}`);
  const items = () => text.replace(/^\{|\}$/g, "").split(",").map((s) => s.trim()).filter(Boolean);
  switch (kind) {
    case "string":
      return text;
    case "bool":
      if (/^(t|true|1)$/i.test(text)) return true;
      if (/^(f|false|0)$/i.test(text)) return false;
      throw bad(`expected T or F, got "${text}"`);
    case "count": {
      if (!/^\d+$/.test(text)) throw bad(`expected a count, got "${text}"`);
      return Number(text);
    }
    case "interval": {
      const m = /^(-?\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
      const unit = m ? (m[2] === "" ? 1 : UNITS[m[2].toLowerCase()]) : undefined;
      if (!m || unit === undefined) throw bad(`expected an interval such as "30 secs" or "5 min", got "${text}"`);
      return Number(m[1]) * unit;
    }
    case "set[subnet]":
      return items().map((s) => {
        try {
          return Subnet.parse(s);
        } catch (e) {
          throw bad((e as Error).message);
        }
      });
    case "set[string]":
      // Zeek writes { "USER", "PASS" }; the quotes are optional here.
      return items().map((s) => s.replace(/^"(.*)"$/, "$1"));
    case "set[port]":
      return new Set(
        items().map((s) => {
          const p = parsePort(s);
          if (p === undefined) throw bad(`expected ports such as 53/udp, got "${s}"`);
          return p;
        }),
      );
  }
}

export function defaultOptions(): Options {
  const o: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SPECS) as [string, OptionSpec][]) {
    o[name] = spec.kind === "set[port]" ? new Set(spec.default as Iterable<number>) : Array.isArray(spec.default) ? [...spec.default] : spec.default;
  }
  return o as Options;
}

export interface Setting {
  name: string;
  add: boolean;
  text: string;
}

/** Splits one `NAME=VALUE` or `NAME+=VALUE`; Zeek's module prefix `GLOBAL::` is dropped. */
export function parseSetting(assignment: string): Setting {
  const m = /^\s*(?:GLOBAL::)?([A-Za-z_][A-Za-z0-9_:]*)\s*(\+?=)\s*(.*)$/.exec(assignment);
  if (!m) throw new BadOptionError(`--set expects NAME=VALUE or NAME+=VALUE, got "${assignment}"`);
  return { name: m[1], add: m[2] === "+=", text: m[3] };
}

export function isCoreOption(name: string): boolean {
  return Object.hasOwn(SPECS, name);
}

/** Applies one `NAME=VALUE` or `NAME+=VALUE` assignment to a core option. */
export function applySetting(options: Options, assignment: string): void {
  const { name, add, text } = parseSetting(assignment);
  const op = add ? "+=" : "=";
  if (!isCoreOption(name)) {
    throw new BadOptionError(`unknown option "${name}" (known: ${Object.keys(SPECS).join(", ")})`);
  }
  const key = name as OptionName;
  const spec: OptionSpec = SPECS[key];
  const value = parseOptionValue(name, spec.kind, text.trim());
  const target = options as Record<string, unknown>;
  if (op === "+=") {
    if (spec.kind === "set[port]") for (const p of value as Set<number>) (target[key] as Set<number>).add(p);
    else if (spec.kind === "set[subnet]") (target[key] as Subnet[]).push(...(value as Subnet[]));
    else throw new BadOptionError(`--set ${name}+=: only sets can be added to`);
  } else {
    target[key] = value;
  }
}

export function optionDocs(): { name: string; kind: string; doc: string }[] {
  return (Object.entries(SPECS) as [string, OptionSpec][]).map(([name, s]) => ({ name, kind: s.kind, doc: s.doc }));
}
