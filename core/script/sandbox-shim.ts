// The JavaScript that runs inside each sandbox before the script: the `nsm` module (scripts/nsm.d.ts)
// built on a few host functions, the per-event argument readers (generated from events.ts), the
// lane codec's VM half (see sandbox-lane.ts), log writes buffered as whole rows and handed over in
// batches, and the lock-down that takes eval and the Function constructors away. It is plain ES5-ish
// code because QuickJS interprets it: no closures or objects per value where a loop does.
import { EVENTS, type ArgKind } from "./events.ts";
import { columnSource, member } from "./column-source.ts";
import {
  CONN, CONN_BIT, ColumnKind, END, LANE_SLOTS, MASK_BITS, MAX_DEPTH, SLOT, STATUS_OUT_OF_MEMORY, STATUS_THREW, TAG, VALUES, columnKind, type RowSchema,
} from "./sandbox-lane.ts";

/** Rows handed over per batch at most, so a handler writing a million rows keeps host memory flat. */
export const CHUNK_ROWS = 1000;
const SOFT_SLOTS = LANE_SLOTS / 2;
const SOFT_CHARS = 1 << 20;

const READ_ARG: Record<ArgKind, string> = {
  connection: "getConnection()",
  string: "getString()",
  bool: "f[k++] !== 0",
  count: "f[k++]",
  double: "f[k++]",
  record: "getValue()",
};

/** One reader per event: reads its arguments by kind, then calls the handler with them. */
function readers(): string {
  return Object.entries(EVENTS)
    .map(([name, kinds]) => {
      const names = kinds.map((_, i) => `a${i}`);
      const reads = kinds.length ? `var ${kinds.map((kind, i) => `${names[i]} = ${READ_ARG[kind as ArgKind]}`).join(", ")}; ` : "";
      return `    ${name}: function (fn) { ${reads}fn(${names.join(", ")}); }`;
    })
    .join(",\n");
}

/**
 * The shim: a function of the host functions that returns the dispatchers. It takes the lane from
 * `globalThis.__nsmLane` (and deletes it); `file` is the script's name in stack traces.
 */
export function shimSource(file: string): string {
  return `(function (host) {
  "use strict";
  var f = new Float64Array(globalThis.__nsmLane);
  delete globalThis.__nsmLane;
  var hostFlush = host.flush, hostOn = host.on, hostCreateStream = host.createStream, hostAddPolicy = host.addPolicy,
    hostExtend = host.extend, hostSchedule = host.schedule, hostOption = host.option, hostPrint = host.print,
    hostIsLocalAddr = host.isLocalAddr, hostCommunityId = host.communityId, hostNetWeird = host.netWeird,
    hostConnWeird = host.connWeird, hostStats = host.stats;
  var json = JSON.stringify, parse = JSON.parse, isArray = Array.isArray, fromCharCode = String.fromCharCode;
  var freeze = Object.freeze, defineProperty = Object.defineProperty, getPrototypeOf = Object.getPrototypeOf;
  var hasOwn = Object.prototype.hasOwnProperty;
  var Err = Error, TypeErr = TypeError, RangeErr = RangeError, InternalErr = InternalError, EvalErr = EvalError;
  var SetOf = Set, MapOf = Map, Bytes = Uint8Array, BigIntOf = BigInt;

  // Input: the call's string S, read from slot k and character p.
  var S = "", k = ${VALUES}, p = 0, now = 0;
  // Output: the next slot j and the strings so far, back to back, in out; cj and cs: the end of the
  // last whole row. QuickJS grows a string that only one variable holds in place when it is appended
  // to: far cheaper than gathering the pieces in an array and joining them.
  var j = ${VALUES}, out = "", cj = ${VALUES}, cs = 0, rows = 0, last = "";
  var loaded = false, handlers = [], policies = [], timers = new MapOf(), nextTimer = 0;
  // The streams this script created: their generated column readers (rowEncoderSource), by id.
  var schemas = new MapOf();
  // Per-connection state of the script (connectionState) and the Connection records, by uid;
  // lastUid: the connection of the event being handled.
  var stores = [], conns = new MapOf(), lastUid = "";

  function reset() { j = ${VALUES}; out = ""; cj = ${VALUES}; cs = 0; rows = 0; }
  function rollback() { j = cj; if (out.length !== cs) out = out.substring(0, cs); }

  function begin(s) {
    if (f[${SLOT.fresh}] === 1) reset();
    S = f[${SLOT.argIsJson}] === 1 ? parse(s) : s;
    k = ${VALUES}; p = 0; now = f[${SLOT.networkTime}]; f[${SLOT.status}] = 0;
    if (f[${SLOT.forgets}] > 0) for (var n = f[${SLOT.forgets}]; n > 0; n--) forget(getString());
  }

  function forget(uid) {
    conns.delete(uid);
    for (var i = 0; i < stores.length; i++) stores[i].delete(uid);
  }

  function hand() {
    var s = out;
    f[${SLOT.end}] = j; f[${SLOT.resultLength}] = s.length; last = s;
    reset();
    return s;
  }

  function flush() { hostFlush(hand()); }

  function fail(e) {
    rollback();
    var oom = e instanceof InternalErr && e.message === "out of memory";
    var m = oom ? "" : describe(e);
    f[${SLOT.status}] = oom ? ${STATUS_OUT_OF_MEMORY} : ${STATUS_THREW}; f[${SLOT.messageLength}] = m.length;
    out += m;
  }

  var MARK = ${JSON.stringify(`(${file}:`)};
  function describe(e) {
    try {
      if (e instanceof Err) {
        var stack = e.stack, at = typeof stack === "string" ? stack.indexOf(MARK) : -1;
        var line = at < 0 ? 0 : parseInt(stack.substring(at + MARK.length), 10);
        return String(e.name) + ": " + String(e.message) + (line > 0 ? " at line " + line : "");
      }
      return String(e);
    } catch (_) {
      return "a value that cannot be shown";
    }
  }

  // ---- Reading the call's input ----

  function getString() { var n = f[k++]; return S.substring(p, p += n); }

  function getValue() {
    switch (f[k++]) {
      case ${TAG.number}: return f[k++];
      case ${TAG.string}: return getString();
      case ${TAG.true}: return true;
      case ${TAG.false}: return false;
      case ${TAG.null}: return null;
      case ${TAG.bigint}: return BigIntOf(getString());
      case ${TAG.bytes}:
        var text = getString(), bytes = new Bytes(text.length);
        for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
        return bytes;
      case ${TAG.array}:
        var a = [];
        for (var n = f[k++]; n > 0; n--) a.push(getValue());
        return a;
      case ${TAG.object}:
        var o = {};
        for (var len = f[k++]; len !== ${END}; len = f[k++]) {
          var key = S.substring(p, p += len);
          if (key === "__proto__") defineProperty(o, key, { value: getValue(), enumerable: true, writable: true, configurable: true });
          else o[key] = getValue();
        }
        return o;
      default: return undefined;
    }
  }

  // The record of a connection is kept while the connection lives and refreshed in place for each
  // event, as the runtime does, so a script may keep fields on it (c.conn) across events. Optional
  // fields the runtime leaves undefined are left out.
  function getConnection() {
    var q = k, b = f[q];
    k = q + ${CONN.slots};
    var uid = S.substring(p, p += f[k++]), oh = S.substring(p, p += f[k++]), rh = S.substring(p, p += f[k++]);
    var proto = S.substring(p, p += f[k++]), hist = S.substring(p, p += f[k++]), ol2, rl2;
    if (b & ${CONN_BIT.origL2}) ol2 = S.substring(p, p += f[k++]);
    if (b & ${CONN_BIT.respL2}) rl2 = S.substring(p, p += f[k++]);
    var nsv = f[k++];
    var c = conns.get(uid);
    lastUid = uid;
    if (c === undefined) {
      c = {
        uid: uid,
        id: { orig_h: oh, orig_p: f[q + ${CONN.origP}], resp_h: rh, resp_p: f[q + ${CONN.respP}], proto: proto },
        orig: { size: f[q + ${CONN.origSize}], state: f[q + ${CONN.origState}], num_pkts: f[q + ${CONN.origPkts}], num_bytes_ip: f[q + ${CONN.origBytes}] },
        resp: { size: f[q + ${CONN.respSize}], state: f[q + ${CONN.respState}], num_pkts: f[q + ${CONN.respPkts}], num_bytes_ip: f[q + ${CONN.respBytes}] },
        start_time: f[q + ${CONN.start}],
        duration: f[q + ${CONN.duration}],
        service: [],
        history: hist,
        ip_proto: f[q + ${CONN.ipProto}]
      };
      for (; nsv > 0; nsv--) c.service.push(S.substring(p, p += f[k++]));
      if (b & ${CONN_BIT.origL2}) c.orig.l2_addr = ol2;
      if (b & ${CONN_BIT.respL2}) c.resp.l2_addr = rl2;
      if (b & ${CONN_BIT.vlan}) c.vlan = f[q + ${CONN.vlan}];
      if (b & ${CONN_BIT.innerVlan}) c.inner_vlan = f[q + ${CONN.innerVlan}];
      if (f[${SLOT.last}] !== 1) conns.set(uid, c);
    } else {
      var id = c.id, o = c.orig, r = c.resp, sv = c.service;
      id.orig_h = oh; id.orig_p = f[q + ${CONN.origP}]; id.resp_h = rh; id.resp_p = f[q + ${CONN.respP}]; id.proto = proto;
      o.size = f[q + ${CONN.origSize}]; o.state = f[q + ${CONN.origState}]; o.num_pkts = f[q + ${CONN.origPkts}]; o.num_bytes_ip = f[q + ${CONN.origBytes}];
      r.size = f[q + ${CONN.respSize}]; r.state = f[q + ${CONN.respState}]; r.num_pkts = f[q + ${CONN.respPkts}]; r.num_bytes_ip = f[q + ${CONN.respBytes}];
      if (ol2 !== undefined || o.l2_addr !== undefined) o.l2_addr = ol2;
      if (rl2 !== undefined || r.l2_addr !== undefined) r.l2_addr = rl2;
      c.start_time = f[q + ${CONN.start}]; c.duration = f[q + ${CONN.duration}]; c.history = hist; c.ip_proto = f[q + ${CONN.ipProto}];
      if (b & ${CONN_BIT.vlan} || c.vlan !== undefined) c.vlan = b & ${CONN_BIT.vlan} ? f[q + ${CONN.vlan}] : undefined;
      if (b & ${CONN_BIT.innerVlan} || c.inner_vlan !== undefined) c.inner_vlan = b & ${CONN_BIT.innerVlan} ? f[q + ${CONN.innerVlan}] : undefined;
      for (var x = 0; x < nsv; x++) sv[x] = S.substring(p, p += f[k++]);
      if (sv.length !== nsv) sv.length = nsv;
    }
    // The runtime's conn (set by a native script) wins; otherwise the script's own stays.
    if (b & ${CONN_BIT.conn}) c.conn = getValue();
    if (b & ${CONN_BIT.tunnel}) c.tunnel = getValue();
    else if (c.tunnel !== undefined) c.tunnel = undefined;
    return c;
  }

  var READERS = {
${readers()}
  };

  // ---- Writing output: rows, a policy's record ----

  function putString(s) { f[j++] = s.length; out += s; }

  function putValue(v, d) {
    switch (typeof v) {
      case "number": f[j++] = ${TAG.number}; f[j++] = v; return;
      case "string": f[j++] = ${TAG.string}; putString(v); return;
      case "boolean": f[j++] = v ? ${TAG.true} : ${TAG.false}; return;
      case "bigint": f[j++] = ${TAG.bigint}; putString(String(v)); return;
      case "object":
        if (v === null) { f[j++] = ${TAG.null}; return; }
        if (d >= ${MAX_DEPTH}) throw new TypeErr("the value is nested more than ${MAX_DEPTH} levels deep (is it cyclic?)");
        if (isArray(v)) {
          f[j++] = ${TAG.array}; f[j++] = v.length;
          for (var i = 0; i < v.length; i++) putValue(v[i], d + 1);
        } else if (v instanceof SetOf) {
          f[j++] = ${TAG.array}; f[j++] = v.size;
          v.forEach(function (x) { putValue(x, d + 1); });
        } else if (v instanceof Bytes) {
          f[j++] = ${TAG.bytes};
          var text = "";
          for (var at = 0; at < v.length; at += 8192) text += fromCharCode.apply(null, v.subarray(at, at + 8192));
          putString(text);
        } else {
          f[j++] = ${TAG.object};
          for (var key in v) {
            var x = v[key];
            putString(key);
            if (typeof x === "number") { f[j++] = ${TAG.number}; f[j++] = x; }
            else if (typeof x === "string") { f[j++] = ${TAG.string}; f[j++] = x.length; out += x; }
            else putValue(x, d + 1);
          }
          f[j++] = ${END};
        }
        return;
      default: f[j++] = ${TAG.undefined};
    }
  }

  // A row of a stream this script created: its columns' values, written by the stream's encoder
  // (rowEncoderSource), which keeps the slot position in \`io\` while it runs, gathers the row's
  // strings in a string of its own, and hands values other than strings, numbers and undefined back
  // to putValue (the row's strings so far first, to keep their order).
  var io = {
    j: 0,
    put: function (v, rowStrings) { out += rowStrings; j = io.j; putValue(v, 1); io.j = j; }
  };
  function putColumns(schema, rec) {
    io.j = j;
    var strings = schema.encode(rec, f, io);
    j = io.j;
    out += strings;
  }

  // A row is committed whole or not at all; batches leave every ${CHUNK_ROWS} rows or when the lane fills.
  function write(id, rec) {
    if (typeof id !== "string") throw new TypeErr("Log.write: the stream id must be a string");
    var schema = rec !== null && typeof rec === "object" ? schemas.get(id) : undefined;
    try {
      if (schema !== undefined) putColumns(schema, rec);
      else { putString(id); putValue(rec, 0); }
      if (j > ${LANE_SLOTS}) {
        rollback();
        flush();
        if (schema !== undefined) putColumns(schema, rec);
        else { putString(id); putValue(rec, 0); }
        if (j > ${LANE_SLOTS}) throw new RangeErr('Log.write("' + id + '"): the record is too large for the sandbox');
      }
    } catch (e) {
      rollback();
      throw e;
    }
    cj = j; cs = out.length;
    if (++rows >= ${CHUNK_ROWS} || j > ${SOFT_SLOTS} || out.length > ${SOFT_CHARS}) flush();
  }

  // ---- The nsm module ----

  function on(event, handler, options) {
    if (loaded) throw new Err("on(): handlers are added while the script loads, not later");
    if (typeof event !== "string" || !hasOwn.call(READERS, event)) throw new Err('on("' + String(event) + '"): no such event');
    if (typeof handler !== "function") throw new TypeErr('on("' + event + '"): the handler must be a function');
    var priority = options == null || options.priority == null ? 0 : options.priority;
    if (typeof priority !== "number") throw new TypeErr('on("' + event + '"): the priority must be a number');
    hostOn(event, priority);
    handlers.push({ fn: handler, read: READERS[event] });
  }

  function streamId(what, id) {
    if (typeof id !== "string") throw new TypeErr(what + ": the stream id must be a string");
    return id;
  }

  function policyOf(what, id, policy) {
    if (typeof policy !== "function") throw new TypeErr(what + '("' + id + '"): the policy must be a function');
    return policy;
  }

  var Log = freeze({
    createStream: function (id, options) {
      streamId("Log.createStream", id);
      if (options === null || typeof options !== "object") throw new TypeErr('Log.createStream("' + id + '"): the options must be an object');
      var policy = options.policy == null ? undefined : policyOf("Log.createStream", id, options.policy);
      var schema = hostCreateStream(json([id, options.path, options.columns, policy === undefined ? -1 : policies.length]));
      if (policy !== undefined) policies.push(policy);
      schemas.set(id, schema);
    },
    write: write,
    addPolicy: function (id, policy) {
      streamId("Log.addPolicy", id);
      policyOf("Log.addPolicy", id, policy);
      hostAddPolicy(json([id, policies.length]));
      policies.push(policy);
    },
    extend: function (id, columns) {
      var schema = hostExtend(json([streamId("Log.extend", id), columns]));
      if (schema !== undefined) schemas.set(id, schema);
    }
  });

  function schedule(delay, fn) {
    if (typeof delay !== "number") throw new TypeErr("schedule: the delay must be a number of seconds");
    if (typeof fn !== "function") throw new TypeErr("schedule: expects a function");
    var i = nextTimer++;
    hostSchedule(delay, i);
    timers.set(i, fn);
  }

  function option(name, defaultValue) {
    if (typeof name !== "string") throw new TypeErr("option: the name must be a string");
    var t = typeof defaultValue;
    if (t !== "number" && t !== "string" && t !== "boolean" && !isArray(defaultValue)) throw new TypeErr('option("' + name + '"): the default must be a number, a string, a boolean or an array of strings');
    return parse(hostOption(json([name, defaultValue])));
  }

  function uidOf(c) {
    if (c === null || typeof c !== "object" || typeof c.uid !== "string") throw new TypeErr("connectionState: expects a Connection");
    return c.uid;
  }

  function connectionState() {
    var m = new MapOf();
    stores.push(m);
    return {
      get: function (c) { return m.get(uidOf(c)); },
      set: function (c, v) { m.set(uidOf(c), v); },
      delete: function (c) { m.delete(uidOf(c)); }
    };
  }

  // Zeek's print as the native host does it: strings as they are, numbers and booleans as JS
  // prints them, everything else as JSON.
  function printable(v) {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    var t = json(v);
    return t === undefined ? String(v) : t;
  }

  function print() {
    var parts = [];
    for (var i = 0; i < arguments.length; i++) parts.push(printable(arguments[i]));
    hostPrint(json(parts.join(", ")));
  }

  function stats(kind) {
    return parse(hostStats(json([kind])));
  }

  function communityId(c, seed) {
    if (c === null || typeof c !== "object" || c.id === null || typeof c.id !== "object") throw new TypeErr("communityId: expects a Connection");
    return hostCommunityId(json([{ id: c.id, ip_proto: c.ip_proto }, seed === undefined ? 0 : seed]));
  }

  var nsm = freeze({
    on: on,
    Log: Log,
    networkTime: function () { return now; },
    schedule: schedule,
    option: option,
    connectionState: connectionState,
    print: print,
    Site: freeze({ isLocalAddr: function (a) { return hostIsLocalAddr(json([a])); } }),
    communityId: communityId,
    Reporter: freeze({
      netWeird: function (name, addl, source) {
        hostNetWeird(json([String(name), addl === undefined ? "" : String(addl), source === undefined ? "" : String(source)]));
      },
      connWeird: function (c, name, addl, source) {
        if (c === null || typeof c !== "object" || typeof c.uid !== "string") throw new TypeErr("Reporter.connWeird: expects a Connection");
        hostConnWeird(json([c.uid, String(name), addl === undefined ? "" : String(addl), source === undefined ? "" : String(source)]));
      }
    }),
    getNetStats: function () { return stats("net"); },
    getConnStats: function () { return stats("conn"); },
    getProcStats: function () { return stats("proc"); },
    getEventStats: function () { return stats("event"); },
    getTimerStats: function () { return stats("timer"); },
    getGapStats: function () { return stats("gap"); },
    readingLiveTraffic: function () { return stats("run").reading_live_traffic; },
    currentTime: function () { return stats("run").current_time; }
  });

  function require(name) {
    if (name === "nsm") return nsm;
    throw new Err('module "' + String(name) + '" is not available in the sandbox');
  }

  // ---- Lock-down: no code from strings once the shim runs (nor the parser's deep recursion) ----

  function refuse(what) {
    return function () { throw new EvalErr(what + " is not available in the sandbox"); };
  }
  var noFunction = refuse("Function()");
  noFunction.prototype = Function.prototype;
  defineProperty(Function.prototype, "constructor", { value: noFunction });
  [function* () {}, async function () {}, async function* () {}].forEach(function (g) {
    defineProperty(getPrototypeOf(g), "constructor", { value: refuse("Function()") });
  });
  globalThis.Function = noFunction;
  globalThis.eval = refuse("eval()");

  return {
    load: function (s, main) {
      begin(s);
      var module = { exports: {} };
      try { main(require, module, module.exports); } catch (e) { fail(e); }
      loaded = true;
      return hand();
    },
    invoke: function (s) {
      begin(s);
      try { var h = handlers[f[${SLOT.index}]]; h.read(h.fn); } catch (e) { fail(e); }
      if (f[${SLOT.last}] === 1) forget(lastUid);
      return hand();
    },
    timer: function (s) {
      begin(s);
      var i = f[${SLOT.index}], fn = timers.get(i);
      timers.delete(i);
      if (fn !== undefined) { try { fn(); } catch (e) { fail(e); } }
      return hand();
    },
    policy: function (s) {
      begin(s);
      try {
        var rec = getValue(), drop = policies[f[${SLOT.index}]](rec) === false;
        if (cj > ${VALUES}) flush();
        putValue(drop ? false : rec, 0);
      } catch (e) { fail(e); }
      return hand();
    },
    forget: function (s) { begin(s); return hand(); },
    salvage: function () { rollback(); return hand(); },
    resend: function () { var t = json(last); f[${SLOT.resultLength}] = t.length; return t; }
  };
})`;
}

/**
 * The VM half of a RowSchema (sandbox-lane.ts): an object whose encode(rec, f, io) writes the row
 * into the lane and returns its strings: the schema's mark, its masks, then each column read as the
 * runtime reads it (the flattened name "id.orig_h" first, then the nested path), untagged when it
 * holds its type's kind of value and tagged (its mask bit set) otherwise. Straight-line code, because
 * QuickJS interprets every step; a record several columns read from (id) is looked up once. Compiled
 * by the host with the stream's columns; names enter the code only as JSON string literals.
 */
export function rowEncoderSource(index: number, schema: RowSchema): string {
  const parents = new Map<string, string>();
  const reads = schema.columns.map(([name, type], i) => {
    const parts = name.split(".");
    let read: string;
    if (parts.length === 2) {
      let parent = parents.get(parts[0]);
      if (parent === undefined) parents.set(parts[0], (parent = `p${parents.size}`));
      read = `${JSON.stringify(name)} in r ? r[${JSON.stringify(name)}] : ${parent} !== undefined ? ${parent}${member(parts[1])} : undefined`;
    } else {
      read = columnSource(name, "r");
    }
    const mark = `m${Math.floor(i / MASK_BITS)} |= ${1 << i % MASK_BITS};`;
    const tagged = `${mark}
    if (v === undefined) f[j++] = ${TAG.undefined};
    else if (typeof v === "number") { f[j++] = ${TAG.number}; f[j++] = v; }
    else if (typeof v === "string") { f[j++] = ${TAG.string}; f[j++] = v.length; o += v; }
    else { io.j = j; io.put(v, o); o = ""; j = io.j; }`;
    switch (columnKind(type)) {
      case ColumnKind.Number:
        return `v = ${read};\n    if (typeof v === "number") f[j++] = v;\n    else { ${tagged} }`;
      case ColumnKind.String:
        return `v = ${read};\n    if (typeof v === "string") { f[j++] = v.length; o += v; }\n    else { ${tagged} }`;
      default:
        return `v = ${read};\n    ${tagged}`;
    }
  });
  const masks = Array.from({ length: schema.maskSlots }, (_, m) => `m${m}`);
  const lookups = [...parents].map(([key, v]) => `var ${v} = r${member(key)};\n    if (${v} === null || typeof ${v} !== "object") ${v} = undefined;`);
  return `({ encode: function (r, f, io) {
    var j = io.j, o = "", v, t, at;
    ${masks.length ? `var ${masks.map((m) => `${m} = 0`).join(", ")};` : ""}
    ${lookups.join("\n    ")}
    f[j++] = ${-1 - index};
    at = j;
    j += ${masks.length};
    ${reads.join("\n    ")}
    ${masks.map((m, k) => `f[at + ${k}] = ${m};`).join(" ")}
    io.j = j;
    return o;
  } })`;
}
