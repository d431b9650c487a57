// dhcp.log: one row per DHCP transaction, as Zeek's base/protocols/dhcp writes it. Messages are
// joined by transaction id (xid) across connections: a client's broadcast and the server's reply
// are often different flows. A row is written once its transaction has been quiet for 5 seconds
// or watched for DHCP::max_txid_watch_time, checked on Zeek's table-expiry schedule (entries are
// looked at 10 s after they were created, then every 10 s of network time); earlier when it holds
// DHCP::max_uids_per_log_entry uids or DHCP::max_msg_types_per_log_entry message types, or when
// more than DHCP::max_tracked_transactions are open (the oldest goes first, with the weird
// DHCP_max_tracked_transactions_exceeded); and at the end of input for whatever is left.
import { on, Log, option, schedule, networkTime, Reporter, type Connection, type DhcpInfo, type DhcpMsg, type DhcpOptions } from "nsm";
import { isBinary, loggable } from "./byte-strings.ts";

Log.createStream("DHCP::LOG", {
  path: "dhcp",
  columns: {
    ts: "time",
    uids: "set[string]",
    client_addr: "addr",
    server_addr: "addr",
    mac: "string",
    host_name: "string",
    client_fqdn: "string",
    domain: "string",
    requested_addr: "addr",
    assigned_addr: "addr",
    lease_time: "interval",
    client_message: "string",
    server_message: "string",
    msg_types: "vector[string]",
    duration: "interval",
  },
});

const MAX_TXID_WATCH_TIME = option("DHCP::max_txid_watch_time", 30);
const MAX_UIDS_PER_LOG_ENTRY = option("DHCP::max_uids_per_log_entry", 10);
const MAX_MSG_TYPES_PER_LOG_ENTRY = option("DHCP::max_msg_types_per_log_entry", 50);
const MAX_TRACKED_TRANSACTIONS = option("DHCP::max_tracked_transactions", 100000);

/** Zeek's join_data: &create_expire=10secs, checked every table_expire_interval (10 s). */
const CREATE_EXPIRE = 10;
const TABLE_EXPIRE_INTERVAL = 10;
/** A transaction quiet this long is done; one that is not is looked at again this much later. */
const QUIET = 5;

/** DHCP::message_types (RFC 2132, 3203, 4388, 6926, 7724). */
const MESSAGE_TYPES = [
  "", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM", "FORCERENEW", "LEASEQUERY",
  "LEASEUNASSIGNED", "LEASEUNKNOWN", "LEASEACTIVE", "BULKLEASEQUERY", "LEASEQUERYDONE", "ACTIVELEASEQUERY",
  "LEASEQUERYSTATUS", "TLS",
];

const messageType = (t: number): string => MESSAGE_TYPES[t] || `unknown-message-type-${t}`;

interface Transaction {
  info: DhcpInfo;
  /** When the expiry pass next considers it (Zeek's expire access time). */
  access: number;
  lastMessageTs: number;
}

/** Open transactions by xid, oldest first (a Map keeps insertion order: Zeek's join_data_ordered). */
const joinData = new Map<number, Transaction>();

function writeLog(info: DhcpInfo): void {
  // No client identifier from the client and no chaddr from a server: the client's own chaddr.
  if (info.mac === undefined && info.client_chaddr !== undefined) info.mac = info.client_chaddr;
  write(info);
}

// ---- Expiry, on Zeek's table-expiry schedule ---------------------------------------------------

function expire(): void {
  const now = networkTime();
  for (const [xid, t] of joinData) {
    if (t.access + CREATE_EXPIRE >= now) continue;
    if (now - t.lastMessageTs > QUIET || now - t.info.ts > MAX_TXID_WATCH_TIME) {
      writeLog(t.info);
      joinData.delete(xid);
    } else {
      t.access = now - CREATE_EXPIRE + QUIET;
    }
  }
  schedule(TABLE_EXPIRE_INTERVAL, expire);
}

// Zeek's first expiry pass is due at once, so it runs at the first packet.
on("zeek_init", () => schedule(1, expire));

on(
  "zeek_done",
  () => {
    for (const t of joinData.values()) writeLog(t.info);
    joinData.clear();
  },
  { priority: -5 },
);

// ---- Joining messages into transactions ----------------------------------------------------------

/** The transaction of `xid`, started now if it is new (evicting the oldest when too many are open). */
function transaction(xid: number, ts: number, uid: string): Transaction {
  let t = joinData.get(xid);
  if (t !== undefined) return t;
  if (MAX_TRACKED_TRANSACTIONS > 0 && joinData.size >= MAX_TRACKED_TRANSACTIONS) {
    Reporter.netWeird("DHCP_max_tracked_transactions_exceeded", String(joinData.size), "DHCP");
    const [oldest, o] = joinData.entries().next().value!;
    writeLog(o.info);
    joinData.delete(oldest);
  }
  t = { info: { ts, uids: [uid], msg_types: [], duration: 0 }, access: ts, lastMessageTs: ts };
  joinData.set(xid, t);
  return t;
}

function aggregate(c: Connection, isOrig: boolean, msg: DhcpMsg, options: DhcpOptions): void {
  const ts = networkTime();
  const id = c.id;
  const t = transaction(msg.xid, ts, c.uid);
  const info = t.info;
  c.dhcp = info;
  info.duration = ts - info.ts;
  if (!info.uids.includes(c.uid)) info.uids.push(c.uid);
  info.msg_types.push(messageType(msg.m_type));

  // From the originator it is a client's message, unless a server broadcast it (then the server
  // originated the flow, but not from port 68 nor to port 67).
  const isClient = isOrig && (id.orig_h === "0.0.0.0" || id.orig_p === 68 || id.resp_p === 67);
  if (options.message !== undefined) {
    if (isClient) info.client_message = options.message;
    else info.server_message = options.message;
  }
  t.lastMessageTs = ts;

  if (isClient) {
    // An INFORM-only transaction hands out no lease: the client's source address is all there is.
    if (id.orig_h !== "0.0.0.0" && id.orig_h !== "255.255.255.255") info.client_addr = id.orig_h;
    if (options.host_name !== undefined) info.host_name = options.host_name;
    if (options.client_fqdn !== undefined) info.client_fqdn = options.client_fqdn.domain_name;
    if (options.client_id !== undefined && options.client_id.hwtype === 1) info.mac = options.client_id.hwaddr;
    else info.client_chaddr = msg.chaddr;
    if (options.addr_request !== undefined) info.requested_addr = options.addr_request;
  } else {
    if (msg.yiaddr !== "0.0.0.0") {
      // A server broadcasting originates the flow; one replying to a unicast address answers it.
      info.server_addr = isOrig ? id.orig_h : id.resp_h;
      info.server_port = isOrig ? id.orig_p : id.resp_p;
      info.client_port = isOrig ? id.resp_p : id.orig_p;
      info.assigned_addr = msg.yiaddr;
    }
    if (msg.chaddr !== "" && info.mac === undefined) info.mac = msg.chaddr;
    if (info.client_addr === undefined && info.assigned_addr !== undefined) info.client_addr = info.assigned_addr;
    if (options.domain_name !== undefined) info.domain = options.domain_name;
    if (options.lease !== undefined) info.lease_time = options.lease;
  }

  // A transaction grown too large is written as it is (without the chaddr fallback, as Zeek does).
  if (info.uids.length >= MAX_UIDS_PER_LOG_ENTRY || info.msg_types.length >= MAX_MSG_TYPES_PER_LOG_ENTRY) {
    write(info);
    joinData.delete(msg.xid);
  }
}

// Zeek aggregates after every handler of dhcp_message; handlers below -5 see c.dhcp.
on("dhcp_message", aggregate, { priority: -5 });

// ---- Writing -----------------------------------------------------------------------------------

/**
 * Writes the row. Byte strings that are not plain ASCII (host names, messages, a policy's relay
 * agent ids) go as bytes, on a copy, so the writer escapes them as Zeek does.
 */
function write(info: DhcpInfo): void {
  let row: Record<string, unknown> = info;
  for (const [column, value] of Object.entries(info)) {
    if (typeof value !== "string" || !isBinary(value)) continue;
    if (row === info) row = { ...info };
    row[column] = loggable(value);
  }
  Log.write("DHCP::LOG", row);
}
