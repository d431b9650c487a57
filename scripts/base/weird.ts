// weird.log: everything malformed or unexpected nsm met, by Zeek's weird names, with the connection
// when there is one, as Zeek's weird framework (base/frameworks/notice/weird) logs it: a weird is
// logged once per name and connection (once per name outside a connection) for ten minutes, some
// names only once per originator or per connection for a day, and a few never; the checksum weirds
// are logged every time.
import { on, Log, networkTime, type ConnId } from "nsm";

Log.createStream("Weird::LOG", {
  path: "weird",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    name: "string",
    addl: "string",
    notice: "bool",
    peer: "string",
    source: "string",
  },
});

const PEER = "zeek";

/** Zeek's Weird::Action, for the names whose action is not the default: log. */
type Action = "ignore" | "log_per_orig" | "log_per_conn" | "notice_per_orig";

const ACTIONS: Record<string, Action> = {
  unsolicited_SYN_response: "ignore",
  FIN_after_reset: "ignore",
  spontaneous_FIN: "ignore",
  spontaneous_RST: "ignore",
  bad_ICMP_checksum: "log_per_orig",
  bad_RPC: "log_per_orig",
  bad_TCP_checksum: "log_per_orig",
  bad_UDP_checksum: "log_per_orig",
  bad_IP_checksum: "log_per_orig",
  connection_originator_SYN_ack: "log_per_orig",
  DNS_label_forward_compress_offset: "log_per_orig",
  DNS_label_len_gt_name_len: "log_per_orig",
  DNS_label_len_gt_pkt: "log_per_orig",
  DNS_label_too_long: "log_per_orig",
  excess_RPC: "log_per_orig",
  originator_RPC_reply: "log_per_orig",
  partial_RPC: "log_per_orig",
  responder_RPC_call: "log_per_orig",
  SYN_with_data: "log_per_orig",
  UDP_datagram_length_mismatch: "log_per_orig",
  excessively_small_fragment: "log_per_orig",
  fragment_inconsistency: "log_per_orig",
  fragment_overlap: "log_per_orig",
  fragment_size_inconsistency: "log_per_orig",
  SSH_max_packet_length_exceeded: "log_per_orig",
  SSH_max_string_length_exceeded: "log_per_orig",
  FTP_max_command_length_exceeded: "log_per_conn",
  FTP_too_many_pending_commands: "log_per_conn",
  FTP_user_too_long: "log_per_conn",
  FTP_reply_msg_too_long: "log_per_conn",
  FTP_arg_too_long: "log_per_conn",
  FTP_password_too_long: "log_per_conn",
  simultaneous_open: "log_per_conn",
  smtp_mail_transaction_invalid: "log_per_conn",
  smtp_excessive_invalid_mail_transactions: "log_per_conn",
  smb_tree_connect_andx_response_without_tree: "log_per_conn",
  FIN_storm: "notice_per_orig",
  successful_RPC_reply_to_invalid_request: "notice_per_orig",
  SYN_after_partial: "notice_per_orig",
};

/** Logged every time they happen (Weird::weird_do_not_ignore_repeats). */
const DO_NOT_IGNORE_REPEATS = new Set(["bad_IP_checksum", "bad_TCP_checksum", "bad_UDP_checksum", "bad_ICMP_checksum"]);

/** How long a logged weird silences its repeats, and how long a limited one stays logged (Zeek's expiries). */
const IGNORE_SECONDS = 600;
const DID_LOG_SECONDS = 86400;

/** name + identifier → network time until which it is silenced. */
const ignored = new Map<string, number>();
const didLog = new Map<string, number>();

function silenced(table: Map<string, number>, key: string, now: number): boolean {
  const until = table.get(key);
  if (until === undefined) return false;
  if (now < until) return true;
  table.delete(key);
  return false;
}

interface Weird {
  name: string;
  addl: string;
  source: string;
  uid?: string;
  id?: ConnId;
}

function weird(w: Weird): void {
  const now = networkTime();
  const action = ACTIONS[w.name];
  if (action === "ignore") return;
  const identifier = w.id ? `${w.id.orig_h}:${w.id.orig_p} > ${w.id.resp_h}:${w.id.resp_p}` : "";
  if (silenced(ignored, `${w.name}\0${identifier}`, now)) return;
  if (action !== undefined) {
    const limitedBy = w.id && action !== "log_per_conn" ? `${w.id.orig_h}` : identifier;
    const key = `${action.startsWith("notice") ? "n" : "l"}\0${w.name}\0${limitedBy}`;
    if (silenced(didLog, key, now)) return;
    didLog.set(key, now + DID_LOG_SECONDS);
  }
  if (!DO_NOT_IGNORE_REPEATS.has(w.name)) ignored.set(`${w.name}\0${identifier}`, now + IGNORE_SECONDS);
  Log.write("Weird::LOG", {
    ts: now,
    uid: w.uid,
    id: w.id,
    name: w.name,
    addl: w.addl || undefined,
    notice: action === "notice_per_orig",
    peer: PEER,
    source: w.source || undefined,
  });
}

on("conn_weird", (name, c, addl, source) => weird({ name, addl, source, uid: c.uid, id: c.id }));
on("net_weird", (name, addl, source) => weird({ name, addl, source }));
