// The lane: how values cross between the host and a sandboxed script. Each call carries a block of
// float64 slots that both sides see in WebAssembly memory plus one string holding every string value
// back to back; numbers cross without being formatted or parsed (the slow part in QuickJS) and a
// string's slot holds its length. Event arguments are written by code chosen per event from the
// kinds in events.ts; anything else (log records, protocol records, a connection's `conn`) uses the
// tagged value format below, which the VM side (sandbox-shim.ts) mirrors. A row is its stream id and
// record; for a stream the script created, -1 - the schema's index and its columns' values.
import type { ConnectionRecord } from "./connection-record.ts";
import { EVENTS, type ArgKind, type EventName } from "./events.ts";
import type { LogRecord } from "./host.ts";

/** Float64 slots in one lane (512 KiB). */
export const LANE_SLOTS = 1 << 16;

/** Header slots; values start at VALUES. */
export const SLOT = {
  /** in: 1 when the call's string is JSON text (it held a NUL or a lone surrogate). */
  argIsJson: 0,
  /** out: the JS length of the string the VM returns (or passes to flush), to check the decoding. */
  resultLength: 1,
  /** in: handler, timer or policy index. */
  index: 2,
  /** in: network time. */
  networkTime: 3,
  /** in: forgotten connections; their uids' lengths lead the values. */
  forgets: 4,
  /** out: STATUS_*. */
  status: 5,
  /** out: the end of the values the VM wrote. */
  end: 6,
  /** out: the length of the error message ending the returned string. */
  messageLength: 7,
  /** in: 1 for a call that is not nested in another: the VM drops any output a failure left. */
  fresh: 8,
  /** in: 1 when the event is the last this script gets of its connection: the VM keeps no record of it. */
  last: 9,
} as const;
export const VALUES = 16;

export const STATUS_OK = 0;
export const STATUS_THREW = 1;
export const STATUS_OUT_OF_MEMORY = 2;

/** Value tags. An object is its fields (key length, key string, value) up to END. */
export const TAG = { number: 0, string: 1, true: 2, false: 3, null: 4, undefined: 5, object: 6, array: 7, bigint: 8, bytes: 9 } as const;
export const END = -1;
export const MAX_DEPTH = 32;

/**
 * Connection slots: presence bits and numbers, then its strings, each a length slot and a piece of
 * the call's string: uid, orig_h, resp_h, proto, history, the l2 addresses present, then the
 * number of services and each service. The `conn` and `tunnel` records, when present, follow as
 * tagged values.
 */
export const CONN = {
  bits: 0, origP: 1, respP: 2,
  origSize: 3, origState: 4, origPkts: 5, origBytes: 6,
  respSize: 7, respState: 8, respPkts: 9, respBytes: 10,
  start: 11, duration: 12, ipProto: 13, vlan: 14, innerVlan: 15,
  slots: 16,
} as const;
export const CONN_BIT = { origL2: 1, respL2: 2, vlan: 4, innerVlan: 8, conn: 16, tunnel: 32 } as const;

const LATIN1_CHUNK = 8192;

/** Writes a call's input: numbers into the lane, strings appended to `s`. */
export class LaneWriter {
  f!: Float64Array;
  k = VALUES;
  s = "";
  /** The connections the VM holds a record for, by uid (it keeps one per connection, as the runtime does). */
  readonly sent = new Map<string, ConnectionRecord>();

  start(lane: Float64Array): void {
    this.f = lane;
    this.k = VALUES;
    this.s = "";
  }

  string(v: string): void {
    this.f[this.k++] = v.length;
    this.s += v;
  }

  value(v: unknown, depth: number): void {
    const f = this.f;
    switch (typeof v) {
      case "number":
        f[this.k++] = TAG.number;
        f[this.k++] = v;
        return;
      case "string":
        f[this.k++] = TAG.string;
        this.string(v);
        return;
      case "boolean":
        f[this.k++] = v ? TAG.true : TAG.false;
        return;
      case "bigint":
        f[this.k++] = TAG.bigint;
        this.string(v.toString());
        return;
      case "object":
        if (v === null) f[this.k++] = TAG.null;
        else this.object(v, depth);
        return;
      default:
        f[this.k++] = TAG.undefined;
    }
  }

  private object(v: object, depth: number): void {
    if (depth >= MAX_DEPTH) throw new TypeError(`a value nested more than ${MAX_DEPTH} levels deep cannot enter the sandbox`);
    const f = this.f;
    if (v instanceof Uint8Array) {
      f[this.k++] = TAG.bytes;
      let text = "";
      for (let i = 0; i < v.length; i += LATIN1_CHUNK) text += String.fromCharCode(...v.subarray(i, i + LATIN1_CHUNK));
      this.string(text);
    } else if (Array.isArray(v) || v instanceof Set) {
      const items = Array.isArray(v) ? v : [...v];
      f[this.k++] = TAG.array;
      f[this.k++] = items.length;
      for (let i = 0; i < items.length; i++) this.value(items[i], depth + 1);
    } else {
      f[this.k++] = TAG.object;
      for (const key in v) {
        this.string(key);
        this.value((v as Record<string, unknown>)[key], depth + 1);
      }
      f[this.k++] = END;
    }
  }

  /** The runtime's Connection record: fixed slots and one piece of text (see getConnection in the shim). */
  connection(c: ConnectionRecord): void {
    const f = this.f;
    const q = this.k;
    const id = c.id;
    const o = c.orig;
    const r = c.resp;
    f[q + CONN.origP] = id.orig_p;
    f[q + CONN.respP] = id.resp_p;
    f[q + CONN.origSize] = o.size;
    f[q + CONN.origState] = o.state;
    f[q + CONN.origPkts] = o.num_pkts;
    f[q + CONN.origBytes] = o.num_bytes_ip;
    f[q + CONN.respSize] = r.size;
    f[q + CONN.respState] = r.state;
    f[q + CONN.respPkts] = r.num_pkts;
    f[q + CONN.respBytes] = r.num_bytes_ip;
    f[q + CONN.start] = c.start_time;
    f[q + CONN.duration] = c.duration;
    f[q + CONN.ipProto] = c.ip_proto;
    this.k = q + CONN.slots;
    this.string(c.uid);
    this.string(id.orig_h);
    this.string(id.resp_h);
    this.string(id.proto);
    this.string(c.history);
    let bits = 0;
    if (o.l2_addr !== undefined) {
      bits |= CONN_BIT.origL2;
      this.string(o.l2_addr);
    }
    if (r.l2_addr !== undefined) {
      bits |= CONN_BIT.respL2;
      this.string(r.l2_addr);
    }
    if (c.vlan !== undefined) {
      bits |= CONN_BIT.vlan;
      f[q + CONN.vlan] = c.vlan;
    }
    if (c.inner_vlan !== undefined) {
      bits |= CONN_BIT.innerVlan;
      f[q + CONN.innerVlan] = c.inner_vlan;
    }
    const service = c.service;
    f[this.k++] = service.length;
    for (let i = 0; i < service.length; i++) this.string(service[i]);
    if (c.conn !== undefined) {
      bits |= CONN_BIT.conn;
      this.value(c.conn, 0);
    }
    if (c.tunnel !== undefined) {
      bits |= CONN_BIT.tunnel;
      this.value(c.tunnel, 0);
    }
    f[q + CONN.bits] = bits;
    this.sent.set(c.uid, c);
  }
}

/**
 * Reads what the VM wrote: rows, a policy's record. The VM is not trusted: a lane that does not
 * parse throws, it never makes the reader loop or allocate without bound.
 */
export class LaneReader {
  f!: Float64Array;
  k = VALUES;
  s = "";
  p = 0;

  start(lane: Float64Array, s: string): void {
    this.f = lane;
    this.k = VALUES;
    this.s = s;
    this.p = 0;
  }

  string(): string {
    const n = this.f[this.k++];
    return this.s.substring(this.p, (this.p += n));
  }

  value(depth = 0): unknown {
    const f = this.f;
    switch (f[this.k++]) {
      case TAG.number:
        return f[this.k++];
      case TAG.string:
        return this.string();
      case TAG.true:
        return true;
      case TAG.false:
        return false;
      case TAG.null:
        return null;
      case TAG.bigint:
        return BigInt(this.string());
      case TAG.bytes: {
        const text = this.string();
        const bytes = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        return bytes;
      }
      case TAG.array: {
        const n = f[this.k++];
        if (!(n >= 0 && n <= LANE_SLOTS - this.k) || depth >= MAX_DEPTH) throw corrupt();
        const a: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) a[i] = this.value(depth + 1);
        return a;
      }
      case TAG.object: {
        if (depth >= MAX_DEPTH) throw corrupt();
        const o: LogRecord = {};
        for (let n = f[this.k++]; n !== END; n = f[this.k++]) {
          if (this.k >= LANE_SLOTS) throw corrupt();
          const key = this.s.substring(this.p, (this.p += n));
          // A key "__proto__" from the VM is a field like any other, never the record's prototype.
          if (key === "__proto__") Object.defineProperty(o, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
          else o[key] = this.value(depth + 1);
        }
        return o;
      }
      default:
        return undefined;
    }
  }
}

function corrupt(): Error {
  return new Error("the sandbox handed over values that do not parse");
}

/**
 * A stream the script created: its rows cross in column order (the VM reads each column the way the
 * runtime does, flattened name first, then the nested path) and become records here, nested by the
 * dots in the names ({ id: { orig_h } }), unset columns left out. A row is its mark, then bit masks
 * (MASK_BITS columns a slot) of the columns that cross as tagged values; every other column holds
 * what its type leads one to expect with no tag: a number column its number, a string column its
 * string's length. Other types always cross tagged.
 */
export class RowSchema {
  private readonly setters: ((rec: LogRecord, v: unknown) => void)[];
  private readonly kinds: ColumnKind[];
  readonly maskSlots: number;

  constructor(
    readonly id: string,
    readonly columns: readonly (readonly [name: string, type: string])[],
  ) {
    this.setters = columns.map(([name]) => setterFor(name));
    this.kinds = columns.map(([, type]) => columnKind(type));
    this.maskSlots = Math.ceil(columns.length / MASK_BITS);
  }

  read(r: LaneReader): LogRecord {
    const rec: LogRecord = {};
    const f = r.f;
    const masks = r.k;
    r.k += this.maskSlots;
    for (let i = 0; i < this.setters.length; i++) {
      const tagged = (f[masks + Math.floor(i / MASK_BITS)] >> i % MASK_BITS) & 1;
      // A column of another kind always has its bit set (rowEncoderSource).
      const v = tagged ? r.value(1) : this.kinds[i] === ColumnKind.Number ? f[r.k++] : r.string();
      if (v !== undefined) this.setters[i](rec, v);
    }
    return rec;
  }
}

/** Columns per mask slot: the bits a 32-bit integer holds without its sign. */
export const MASK_BITS = 30;

export const enum ColumnKind {
  Number,
  String,
  Tagged,
}

export function columnKind(type: string): ColumnKind {
  if (/^(time|interval|double|count|int|port)$/.test(type)) return ColumnKind.Number;
  if (/^(string|enum|addr|subnet)$/.test(type)) return ColumnKind.String;
  return ColumnKind.Tagged;
}

function put(o: LogRecord, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

function setterFor(name: string): (rec: LogRecord, v: unknown) => void {
  const parts = name.split(".");
  const last = parts.pop()!;
  if (parts.length === 0) return (rec, v) => put(rec, name, v);
  return (rec, v) => {
    let o = rec;
    for (const p of parts) {
      let next = Object.hasOwn(o, p) ? o[p] : undefined;
      if (next === undefined) put(o, p, (next = {}));
      // A scalar column in the way: the flattened name still finds the value.
      if (next === null || typeof next !== "object") return put(rec, name, v);
      o = next as LogRecord;
    }
    put(o, last, v);
  };
}

/** Decodes the rows in the lane up to `end`: stream id and record, in pairs. */
export function readRows(r: LaneReader, end: number, schemas: readonly RowSchema[]): unknown[] {
  const rows: unknown[] = [];
  while (r.k < end) {
    const head = r.f[r.k];
    if (head < 0) {
      r.k++;
      const schema = schemas[-head - 1];
      if (schema === undefined) throw corrupt();
      rows.push(schema.id, schema.read(r));
    } else {
      rows.push(r.string(), r.value());
    }
  }
  return rows;
}

type ArgWriter = (w: LaneWriter, v: unknown) => void;

function expected(kind: string, v: unknown): TypeError {
  return new TypeError(`expected ${kind} argument, got ${v === null ? "null" : typeof v}`);
}

const ARG_WRITERS: Record<ArgKind, ArgWriter> = {
  connection: (w, v) => w.connection(v as ConnectionRecord),
  string: (w, v) => {
    if (typeof v !== "string") throw expected("a string", v);
    w.string(v);
  },
  bool: (w, v) => {
    if (typeof v !== "boolean") throw expected("a boolean", v);
    w.f[w.k++] = v ? 1 : 0;
  },
  count: (w, v) => {
    if (typeof v !== "number") throw expected("a number", v);
    w.f[w.k++] = v;
  },
  double: (w, v) => {
    if (typeof v !== "number") throw expected("a number", v);
    w.f[w.k++] = v;
  },
  record: (w, v) => w.value(v, 0),
};

export type EventEncoder = (w: LaneWriter, args: readonly unknown[]) => void;

/** Writes an event's arguments by its kinds; the VM's reader for the event mirrors it. */
function encoderFor(kinds: readonly ArgKind[]): EventEncoder {
  const writers = kinds.map((kind) => ARG_WRITERS[kind]);
  return (w, args) => {
    for (let i = 0; i < writers.length; i++) writers[i](w, args[i]);
  };
}

export const EVENT_ENCODERS = Object.fromEntries(
  Object.entries(EVENTS).map(([name, kinds]) => [name, encoderFor(kinds)]),
) as Record<EventName, EventEncoder>;
