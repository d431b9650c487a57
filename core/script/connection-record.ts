// The `Connection` record scripts see (scripts/nsm.d.ts), built from the connection table's
// Connection. One record per connection, refreshed before each event, so bundled scripts may keep
// fields on it (Zeek's record semantics); addresses are formatted once and swapped on a flip.
import type { Connection } from "../../analyzers/conn/connection.ts";
import { formatAddr } from "../net/address.ts";
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

export function connectionRecord(c: Connection): ConnectionRecord {
  let r = c.record as ConnectionRecord | undefined;
  if (r === undefined) {
    r = {
      [CONNECTION]: c,
      uid: c.uid,
      id: {
        orig_h: formatAddr(c.origAddr, 0, c.ipVersion),
        orig_p: c.origPort,
        resp_h: formatAddr(c.respAddr, 0, c.ipVersion),
        resp_p: c.respPort,
        proto: c.transport,
      },
      orig: { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, l2_addr: undefined },
      resp: { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, l2_addr: undefined },
      start_time: c.startTime,
      duration: 0,
      service: c.service,
      history: "",
      ip_proto: c.ipProto,
      vlan: c.vlan >= 0 ? c.vlan : undefined,
      inner_vlan: c.innerVlan >= 0 ? c.innerVlan : undefined,
      tunnel: c.tunnel,
      conn: undefined,
    };
    c.recordOrig = c.origAddr;
    c.record = r;
  } else if (c.recordOrig !== c.origAddr) {
    const id = r.id;
    [id.orig_h, id.resp_h] = [id.resp_h, id.orig_h];
    id.orig_p = c.origPort;
    id.resp_p = c.respPort;
    r.orig.l2_addr = undefined;
    r.resp.l2_addr = undefined;
    c.recordOrig = c.origAddr;
  }
  const s = c.session;
  fill(r.orig, s.size(true), s.state(true), c.origPkts, c.origIpBytes, c.origL2);
  fill(r.resp, s.size(false), s.state(false), c.respPkts, c.respIpBytes, c.respL2);
  r.duration = c.duration;
  r.history = c.history;
  if (r.tunnel !== c.tunnel) r.tunnel = c.tunnel;
  return r;
}

/** The connection of a record made here, or undefined for any other value. */
export function connectionOf(record: unknown): Connection | undefined {
  return typeof record === "object" && record !== null ? (record as ConnectionRecord)[CONNECTION] : undefined;
}

function fill(e: EndpointRecord, size: number, state: number, pkts: number, bytes: number, l2: number): void {
  e.size = size;
  e.state = state;
  e.num_pkts = pkts;
  e.num_bytes_ip = bytes;
  if (l2 >= 0) e.l2_addr ??= macText(l2);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** A link has few MACs and every connection record shows two: each is formatted once (up to a bound). */
const macTexts = new Map<number, string>();
const MAC_TEXTS_MAX = 65536;

function macText(mac: number): string {
  let text = macTexts.get(mac);
  if (text === undefined) {
    if (macTexts.size >= MAC_TEXTS_MAX) macTexts.clear();
    macTexts.set(mac, (text = formatMac(mac)));
  }
  return text;
}

function formatMac(mac: number): string {
  const hi = Math.floor(mac / 4294967296);
  const lo = mac >>> 0;
  return `${HEX[hi >> 8]}:${HEX[hi & 255]}:${HEX[lo >>> 24]}:${HEX[(lo >> 16) & 255]}:${HEX[(lo >> 8) & 255]}:${HEX[lo & 255]}`;
}
