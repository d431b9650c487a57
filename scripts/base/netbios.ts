// netbios.log: one row per name-service transaction (a request joined with its responses), per
// datagram, and per session establishment (a session request joined with its response).
// Name-service requests and responses are paired by the requester's address and port and the
// transaction id, not by connection: the answer to a broadcast comes from the host that has the name,
// on a flow of its own. A unicast request is logged at its answer; a broadcast one, which several
// hosts may answer, once NetBIOS::transaction_timeout has passed; a request nobody answers then too.
import {
  on, Log, option, schedule, networkTime,
  type Connection, type NetbiosName, type NetbiosNsMsg, type NetbiosNsRecord, type NetbiosBrowserAnnouncement,
} from "nsm";

Log.createStream("NetBIOS::LOG", {
  path: "netbios",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    proto: "enum",
    service: "enum",
    msg_type: "string",
    trans_id: "count",
    broadcast: "bool",
    name: "string",
    name_suffix: "string",
    name_type: "string",
    scope: "string",
    src_name: "string",
    src_suffix: "string",
    is_group: "bool",
    node_type: "string",
    addrs: "vector[addr]",
    ttl: "interval",
    rtt: "interval",
    response: "string",
    rcode: "count",
    rcode_name: "string",
    wack: "bool",
    names: "vector[string]",
    mac: "string",
    fragmented: "bool",
    mailslot: "string",
    browser_cmd: "string",
    server_name: "string",
    server_type: "vector[string]",
    os: "string",
    comment: "string",
  },
});

/** How long a broadcast request collects answers, and an unanswered request waits, before it is logged. */
const TRANSACTION_TIMEOUT = option("NetBIOS::transaction_timeout", 5);

const NS_RCODES: Record<number, string> = {
  0: "NOERROR", 1: "FMT_ERR", 2: "SRV_ERR", 3: "NAM_ERR", 4: "IMP_ERR", 5: "RFS_ERR", 6: "ACT_ERR", 7: "CFT_ERR",
};

// What a suffix means (the 16th byte of a name); some mean something else on a group name.
const UNIQUE_MEANING: Record<number, string> = {
  0x00: "Workstation Service", 0x01: "Messenger Service", 0x03: "Messenger Service", 0x06: "RAS Server Service",
  0x1b: "Domain Master Browser", 0x1d: "Master Browser", 0x1f: "NetDDE Service", 0x20: "File Server Service",
  0x21: "RAS Client Service", 0x22: "Exchange Interchange", 0x23: "Exchange Store", 0x24: "Exchange Directory",
  0x30: "Modem Sharing Server Service", 0x31: "Modem Sharing Client Service", 0x43: "SMS Client Remote Control",
  0x44: "SMS Administrators Remote Control Tool", 0x45: "SMS Client Remote Chat", 0x46: "SMS Client Remote Transfer",
  0x6a: "Exchange IMC", 0x87: "Exchange MTA", 0xbe: "Network Monitor Agent", 0xbf: "Network Monitor Application",
};
const GROUP_MEANING: Record<number, string> = {
  0x00: "Domain Name", 0x01: "Master Browser", 0x1c: "Domain Controllers", 0x1e: "Browser Service Elections", 0x20: "Internet Group",
};

/** The meaning of a suffix; a question does not say whether the name is a group's: the unique meaning first then. */
function nameType(suffix: number, isGroup: boolean | undefined): string {
  const m = isGroup === true ? GROUP_MEANING[suffix] ?? UNIQUE_MEANING[suffix] : UNIQUE_MEANING[suffix] ?? GROUP_MEANING[suffix];
  return m ?? "Unknown";
}

const suffixText = (suffix: number) => `<${suffix.toString(16).padStart(2, "0")}>`;

type Row = Record<string, unknown>;

function baseRow(c: Connection, service: string, msgType: string): Row {
  return { ts: networkTime(), uid: c.uid, id: { ...c.id }, proto: c.id.proto, service, msg_type: msgType };
}

function setName(row: Row, n: NetbiosName, isGroup?: boolean): void {
  row.name = n.name;
  row.name_suffix = suffixText(n.suffix);
  row.name_type = nameType(n.suffix, isGroup);
  if (n.scope !== "") row.scope = n.scope;
}

// ---- Name service ------------------------------------------------------------------------------

interface Transaction {
  row: Row;
  unicast: boolean;
  written: boolean;
}

const transactions = new Map<string, Transaction>();

/** The requester's endpoint and the transaction id: the same for a request and its answers, on whatever flow. */
function transactionKey(c: Connection, requesterIsOrig: boolean, transId: number): string {
  return requesterIsOrig ? `${c.id.orig_h}|${c.id.orig_p}|${transId}` : `${c.id.resp_h}|${c.id.resp_p}|${transId}`;
}

function finish(key: string, t: Transaction): void {
  if (t.written) return;
  t.written = true;
  transactions.delete(key);
  Log.write("NetBIOS::LOG", t.row);
}

function request(c: Connection, isOrig: boolean, msg: NetbiosNsMsg, msgType: string, name: NetbiosName, rr?: NetbiosNsRecord): void {
  const key = transactionKey(c, isOrig, msg.trans_id);
  // A retransmission (same requester, id and question) joins the transaction already open.
  const open = transactions.get(key);
  if (open && open.row.msg_type === msgType && open.row.name === name.name) return;
  if (open) finish(key, open);
  const row = baseRow(c, "name", msgType);
  row.trans_id = msg.trans_id;
  row.broadcast = msg.broadcast;
  setName(row, name, rr?.entries[0]?.is_group);
  if (rr && rr.entries.length > 0) addEntries(row, rr);
  const t: Transaction = { row, unicast: !msg.broadcast, written: false };
  transactions.set(key, t);
  schedule(TRANSACTION_TIMEOUT, () => finish(key, t));
}

function addEntries(row: Row, rr: NetbiosNsRecord): void {
  const addrs = (row.addrs as string[] | undefined) ?? [];
  for (const e of rr.entries) if (!addrs.includes(e.addr)) addrs.push(e.addr);
  if (addrs.length > 0) row.addrs = addrs;
  const first = rr.entries[0];
  if (first) {
    row.is_group = first.is_group;
    row.node_type = first.node_type;
    row.name_type = nameType(rr.name.suffix, first.is_group);
  }
  row.ttl = rr.ttl;
}

/** A response: joins its request's row (or makes a row of its own), and ends a unicast transaction. */
function response(c: Connection, isOrig: boolean, msg: NetbiosNsMsg, msgType: string, name: NetbiosName, fill: (row: Row) => void): void {
  const key = transactionKey(c, !isOrig, msg.trans_id);
  let t = transactions.get(key);
  if (t === undefined) {
    const row = baseRow(c, "name", msgType);
    row.trans_id = msg.trans_id;
    row.broadcast = msg.broadcast;
    setName(row, name);
    t = { row, unicast: true, written: false };
  } else if (t.row.rtt === undefined) t.row.rtt = networkTime() - (t.row.ts as number);
  const row = t.row;
  // Of several answers to a broadcast, a positive one wins.
  if (row.response !== "positive") {
    row.response = msg.rcode === 0 ? "positive" : "negative";
    row.rcode = msg.rcode;
    row.rcode_name = NS_RCODES[msg.rcode] ?? `rcode-${msg.rcode}`;
  }
  fill(row);
  if (t.unicast) finish(key, t);
}

on("netbios_name_query", (c, isOrig, msg, name, nbstat) => request(c, isOrig, msg, nbstat ? "node_status" : "query", name));

on("netbios_name_response", (c, isOrig, msg, rr) => response(c, isOrig, msg, "query", rr.name, (row) => addEntries(row, rr)));

on("netbios_node_status", (c, isOrig, msg, name, status) =>
  response(c, isOrig, msg, "node_status", name, (row) => {
    row.names = status.names.map((n) => `${n.name}${suffixText(n.suffix)}${n.is_group ? " group" : ""}`);
    if (status.unit_id !== undefined) row.mac = status.unit_id;
    const addrs = (row.addrs as string[] | undefined) ?? [];
    const responder = isOrig ? c.id.orig_h : c.id.resp_h;
    if (!addrs.includes(responder)) row.addrs = [...addrs, responder];
  }));

function registrationLike(c: Connection, isOrig: boolean, msg: NetbiosNsMsg, rr: NetbiosNsRecord): void {
  if (msg.is_response) response(c, isOrig, msg, msg.opcode_name, rr.name, (row) => addEntries(row, rr));
  else request(c, isOrig, msg, msg.opcode_name, rr.name, rr);
}

on("netbios_name_registration", registrationLike);
on("netbios_name_release", registrationLike);

on("netbios_name_wack", (c, isOrig, msg) => {
  const t = transactions.get(transactionKey(c, !isOrig, msg.trans_id));
  if (t) t.row.wack = true;
});

on("zeek_done", () => {
  for (const [key, t] of [...transactions]) finish(key, t);
});

// ---- Datagram service --------------------------------------------------------------------------

/** The announcement of the datagram being raised (netbios_browser_announcement comes just before netbios_datagram). */
let announcement: { uid: string; ann: NetbiosBrowserAnnouncement } | undefined;

on("netbios_browser_announcement", (c, _dgm, ann) => {
  announcement = { uid: c.uid, ann };
});

on("netbios_datagram", (c, _isOrig, dgm) => {
  const row = baseRow(c, "datagram", dgm.msg_type_name);
  row.trans_id = dgm.dgm_id;
  row.broadcast = dgm.msg_type === 0x12;
  row.node_type = dgm.node_type;
  row.addrs = [dgm.src_addr];
  if (dgm.dst_name) setName(row, dgm.dst_name, dgm.msg_type === 0x11 || dgm.msg_type === 0x12 ? true : undefined);
  if (dgm.src_name) {
    row.src_name = dgm.src_name.name;
    row.src_suffix = suffixText(dgm.src_name.suffix);
  }
  if (dgm.error_code !== undefined) {
    row.rcode = dgm.error_code;
    row.rcode_name = dgm.error_name;
  }
  if (dgm.dgm_length !== undefined) row.fragmented = dgm.more || !dgm.first;
  row.mailslot = dgm.mailslot;
  row.browser_cmd = dgm.browser_cmd;
  if (announcement !== undefined && announcement.uid === c.uid) {
    const a = announcement.ann;
    row.server_name = a.server_name;
    row.server_type = a.server_type_names;
    row.os = `${a.os_major}.${a.os_minor}`;
    if (a.comment !== "") row.comment = a.comment;
  }
  announcement = undefined;
  Log.write("NetBIOS::LOG", row);
});

// ---- Session service ---------------------------------------------------------------------------

/** Session requests waiting for their response, per connection. */
const sessions = new Map<string, Row>();

on("netbios_session_call", (c, called, calling) => {
  const previous = sessions.get(c.uid);
  if (previous) Log.write("NetBIOS::LOG", previous);
  const row = baseRow(c, "session", "session_request");
  setName(row, called);
  row.src_name = calling.name;
  row.src_suffix = suffixText(calling.suffix);
  sessions.set(c.uid, row);
});

on("netbios_session_response", (c, resp) => {
  const request = sessions.get(c.uid);
  sessions.delete(c.uid);
  const row = request ?? baseRow(c, "session", "session_request");
  if (request) row.rtt = networkTime() - (row.ts as number);
  row.response = resp.accepted ? "positive" : resp.msg_type === 0x84 ? "retarget" : "negative";
  if (resp.error_code !== undefined) {
    row.rcode = resp.error_code;
    row.rcode_name = resp.error_name;
  }
  if (resp.retarget_addr !== undefined) row.addrs = [resp.retarget_addr];
  Log.write("NetBIOS::LOG", row);
});

on("connection_state_remove", (c) => {
  const row = sessions.get(c.uid);
  if (row === undefined) return;
  sessions.delete(c.uid);
  Log.write("NetBIOS::LOG", row);
});
