// conn.log: one row per connection, written when the connection leaves the table, with Zeek's
// columns and rules (duration and byte counts only when the connection lasted, history and
// service unset when empty). Policy scripts add columns through `ConnLogExtension`.
import type { Connection } from "../../analyzers/conn/connection.ts";
import { connState } from "../../analyzers/conn/conn-state.ts";
import { formatAddr } from "../../core/net/address.ts";
import type { LocalNets } from "../../core/site.ts";
import type { Column, LogValue } from "../../logs/schema.ts";

export const connColumns: Column[] = [
  { name: "ts", type: "time" },
  { name: "uid", type: "string" },
  { name: "id.orig_h", type: "addr" },
  { name: "id.orig_p", type: "port" },
  { name: "id.resp_h", type: "addr" },
  { name: "id.resp_p", type: "port" },
  { name: "proto", type: "enum" },
  { name: "service", type: "string" },
  { name: "duration", type: "interval" },
  { name: "orig_bytes", type: "count" },
  { name: "resp_bytes", type: "count" },
  { name: "conn_state", type: "string" },
  { name: "local_orig", type: "bool" },
  { name: "local_resp", type: "bool" },
  { name: "missed_bytes", type: "count" },
  { name: "history", type: "string" },
  { name: "orig_pkts", type: "count" },
  { name: "orig_ip_bytes", type: "count" },
  { name: "resp_pkts", type: "count" },
  { name: "resp_ip_bytes", type: "count" },
  { name: "tunnel_parents", type: "set[string]" },
  { name: "ip_proto", type: "count" },
];

/** Extra conn.log columns from a policy script (mac-logging, vlan-logging, community-id-logging). */
export interface ConnLogExtension {
  columns: Column[];
  values(c: Connection): LogValue[];
}

export class ConnLog {
  constructor(
    private readonly write_: (row: LogValue[]) => void,
    private readonly localNets: LocalNets,
    private readonly extensions: readonly ConnLogExtension[],
  ) {}

  static columns(extensions: readonly ConnLogExtension[]): Column[] {
    return [...connColumns, ...extensions.flatMap((e) => e.columns)];
  }

  write(c: Connection): void {
    const lasted = c.duration > 0;
    const local = this.localNets;
    const row: LogValue[] = [
      c.startTime,
      c.uid,
      formatAddr(c.origAddr, 0, c.ipVersion),
      c.origPort,
      formatAddr(c.respAddr, 0, c.ipVersion),
      c.respPort,
      c.transport,
      c.service.length > 0 ? c.service.join(",").toLowerCase() : undefined,
      lasted ? c.duration : undefined,
      lasted ? c.session.size(true) : undefined,
      lasted ? c.session.size(false) : undefined,
      connState(c),
      local.enabled ? local.contains(c.origAddr, c.ipVersion) : undefined,
      local.enabled ? local.contains(c.respAddr, c.ipVersion) : undefined,
      c.missedBytes,
      c.history === "" ? undefined : c.history,
      c.origPkts,
      c.origIpBytes,
      c.respPkts,
      c.respIpBytes,
      undefined,
      c.ipProto,
    ];
    for (const e of this.extensions) row.push(...e.values(c));
    this.write_(row);
  }
}
