// The `Connection` record scripts see (scripts/nsm.d.ts), built from the connection table's
// Connection. One record per connection, refreshed before each event, so bundled scripts may keep
// fields on it (Zeek's record semantics); its id follows the connection's flips.
import type { Connection } from "../../analyzers/conn/connection.ts";
import type { Encapsulation } from "../../analyzers/tunnels/encapsulation.ts";

export interface EndpointRecord {
  size: number;
  state: number;
  num_pkts: number;
  num_bytes_ip: number;
  l2_addr?: string;
}

/** Where a record keeps the connection it shows: scripts hand records back (Reporter.connWeird). */
const CONNECTION = Symbol("connection");

export interface ConnectionRecord {
  /** Not enumerable by for-in or JSON: the record's fields are what scripts see. */
  readonly [CONNECTION]?: Connection;
  uid: string;
  id: { orig_h: string; orig_p: number; resp_h: string; resp_p: number; proto: string };
  orig: EndpointRecord;
  resp: EndpointRecord;
  start_time: number;
  duration: number;
  service: string[];
  history: string;
  ip_proto: number;
  vlan?: number;
  inner_vlan?: number;
  tunnel?: Encapsulation;
  conn?: Record<string, unknown>;
}

/** The record of a connection: a class, so that its fields, and those scripts add, are kept in the object. */
class ConnRecord implements ConnectionRecord {
  readonly [CONNECTION]: Connection;
  uid: string;
  id: ConnectionRecord["id"];
  orig: EndpointRecord;
  resp: EndpointRecord;
  start_time: number;
  duration = 0;
  service: string[];
  history = "";
  ip_proto: number;
  vlan: number | undefined;
  inner_vlan: number | undefined;
  tunnel: Encapsulation | undefined;
  conn: Record<string, unknown> | undefined = undefined;

  constructor(c: Connection) {
    this[CONNECTION] = c;
    this.uid = c.uid;
    this.id = { orig_h: c.origAddr, orig_p: c.origPort, resp_h: c.respAddr, resp_p: c.respPort, proto: c.transport };
    this.orig = { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, l2_addr: undefined };
    this.resp = { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, l2_addr: undefined };
    this.start_time = c.startTime;
    this.service = c.service;
    this.ip_proto = c.ipProto;
    this.vlan = c.vlan >= 0 ? c.vlan : undefined;
    this.inner_vlan = c.innerVlan >= 0 ? c.innerVlan : undefined;
    this.tunnel = c.tunnel;
  }
}

export function connectionRecord(c: Connection): ConnectionRecord {
  let r = c.record as ConnRecord | undefined;
  if (r === undefined) c.record = r = new ConnRecord(c);
  const s = c.session;
  fill(r.orig, s.size(true), s.state(true), c.origPkts, c.origIpBytes, c.origL2);
  fill(r.resp, s.size(false), s.state(false), c.respPkts, c.respIpBytes, c.respL2);
  r.duration = c.duration;
  r.history = c.history;
  r.service = c.service;
  r.tunnel = c.tunnel;
  return r;
}

/** The connection's roles were swapped: so are those of its record's id, if it has one yet. */
export function flipRecord(c: Connection): void {
  const r = c.record as ConnRecord | undefined;
  if (r === undefined) return;
  const id = r.id;
  id.orig_h = c.origAddr;
  id.orig_p = c.origPort;
  id.resp_h = c.respAddr;
  id.resp_p = c.respPort;
}

/** The connection of a record made here, or undefined for any other value. */
export function connectionOf(record: unknown): Connection | undefined {
  return typeof record === "object" && record !== null ? (record as ConnectionRecord)[CONNECTION] : undefined;
}

function fill(e: EndpointRecord, size: number, state: number, pkts: number, bytes: number, l2: string | undefined): void {
  e.size = size;
  e.state = state;
  e.num_pkts = pkts;
  e.num_bytes_ip = bytes;
  e.l2_addr = l2;
}
