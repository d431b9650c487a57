// ftp.log as Zeek's base/protocols/ftp writes it: one row per command in FTP::logged_commands, with
// the reply that answered it, the session's user and password (hidden unless the user is a guest or
// FTP::default_capture_password is set), a file command's argument as an ftp:// URL from the working
// directory, the size a RETR or SIZE reply announced, and the data channel a PORT, EPRT, PASV or
// EPSV set up. A command is written when the next one comes (or the connection goes), since more
// replies may still belong to it. Files on the data channel are not analysed: mime_type and fuid
// stay unset.
import { on, option, Log, Reporter, networkTime, type Connection, type FtpInfo, type FtpExpectedDataChannel } from "nsm";
import { addPendingCmd, getPendingCmd, removePendingCmd } from "./ftp/commands.ts";
import { buildPathCompressed, extractLastCount, extractPath } from "./ftp/paths.ts";
import { parseEftpPort, parseFtpEpsv, parseFtpPasv, parseFtpPort, type FtpPort } from "./ftp/ports.ts";
import { loggable } from "./byte-strings.ts";

const loggedCommands = new Set(option("FTP::logged_commands", ["APPE", "DELE", "RETR", "STOR", "STOU", "ACCT", "PORT", "PASV", "EPRT", "EPSV"]));
const guestIds = new Set(option("FTP::guest_ids", ["anonymous", "ftp", "ftpuser", "guest"]));
const defaultCapturePassword = option("FTP::default_capture_password", false);
const maxPendingCommands = option("FTP::max_pending_commands", 20);
const maxUserLength = option("FTP::max_user_length", 128);
const maxPasswordLength = option("FTP::max_password_length", 128);
const maxArgLength = option("FTP::max_arg_length", 4096);
const maxReplyMsgLength = option("FTP::max_reply_msg_length", 4096);
const logAtLeastOneCommand = option("FTP::log_at_least_one_command", true);

Log.createStream("FTP::LOG", {
  path: "ftp",
  columns: {
    ts: "time",
    uid: "string",
    id: "conn_id",
    user: "string",
    password: "string",
    command: "string",
    arg: "string",
    mime_type: "string",
    file_size: "count",
    reply_code: "count",
    reply_msg: "string",
    "data_channel.passive": "bool",
    "data_channel.orig_h": "addr",
    "data_channel.resp_h": "addr",
    "data_channel.resp_p": "port",
    fuid: "string",
  },
});

/** Commands whose argument names a file or directory: logged as a URL. */
const FILE_COMMANDS = new Set(["APPE", "CWD", "DELE", "MKD", "RETR", "RMD", "RNFR", "RNTO", "STOR", "STOU", "REST", "SIZE", "MDTM"]);
/** Commands that show or change the working directory, with the reply codes that mean they did. */
const DIRECTORY_COMMANDS = new Set(["CWD 250", "CDUP 200", "CDUP 250", "PWD 257", "XPWD 257"]);
/** A line inside a multi-line reply that looks like a reply of its own (servers that break RFC 959's rule). */
const REPLY_LIKE = /^[1-9][0-9]{2} [\x20-\x7e]{10}/;
const HIDDEN = "<hidden>";
const PRIORITY = { priority: 5 };

function session(c: Connection): FtpInfo {
  if (c.ftp === undefined) {
    c.ftp = {
      ts: networkTime(),
      uid: c.uid,
      id: c.id,
      user: "<unknown>",
      cwd: ".",
      pending_commands: new Map(),
      command_seq: 0,
      passive: false,
      capture_password: defaultCapturePassword,
      logged_command_seen: false,
    };
    // A shim command, so the server's greeting has something to answer.
    addPendingCmd(c.ftp.pending_commands, ++c.ftp.command_seq, "<init>", "");
  }
  return c.ftp;
}

function hidesPassword(s: FtpInfo): boolean {
  // Zeek's to_lower: ASCII letters only.
  return !s.capture_password && !guestIds.has(s.user.replace(/[A-Z]+/g, (m) => m.toLowerCase()));
}

/** `value` cut to `max` bytes, with a weird naming its length when it was longer. */
function capped(c: Connection, value: string, max: number, weird: string): string {
  if (value.length <= max) return value;
  Reporter.connWeird(c, weird, String(value.length), "FTP");
  return value.slice(0, max);
}

function url(s: FtpInfo): string {
  let path = buildPathCompressed(s.cwd, s.arg!);
  if (!path.startsWith("/")) path = "/" + path;
  return `ftp://${s.id.resp_h.includes(":") ? `[${s.id.resp_h}]` : s.id.resp_h}${path}`;
}

/** The command in `cmdarg` with the session's latest reply: written when it is a logged one. */
function ftpMessage(c: Connection, s: FtpInfo): void {
  const ca = s.cmdarg!;
  s.ts = ca.ts;
  s.command = ca.cmd;
  s.arg = ca.arg;
  if (FILE_COMMANDS.has(ca.cmd)) s.arg = url(s);
  s.arg = capped(c, s.arg, maxArgLength, "FTP_arg_too_long");
  if (s.reply_msg !== undefined) s.reply_msg = capped(c, s.reply_msg, maxReplyMsgLength, "FTP_reply_msg_too_long");
  if (s.command === "PASS" && hidesPassword(s)) s.arg = HIDDEN;
  if (s.arg === "") delete s.arg;
  if (s.password !== undefined && hidesPassword(s)) s.password = HIDDEN;
  if (loggedCommands.has(s.command)) {
    write(s);
    s.logged_command_seen = true;
  }
  // These belong to one transfer, not to the commands after it.
  delete s.mime_type;
  delete s.file_size;
  delete s.data_channel;
  delete s.fuid;
}

function write(s: FtpInfo): void {
  Log.write("FTP::LOG", {
    ts: s.ts,
    uid: s.uid,
    id: s.id,
    user: loggable(s.user),
    password: loggable(s.password),
    command: loggable(s.command),
    arg: loggable(s.arg),
    mime_type: s.mime_type,
    file_size: s.file_size,
    reply_code: s.reply_code,
    reply_msg: loggable(s.reply_msg),
    data_channel: s.data_channel,
    fuid: s.fuid,
  });
}

function expectDataChannel(s: FtpInfo, chan: FtpExpectedDataChannel): void {
  s.passive = chan.passive;
  s.data_channel = chan;
}

on(
  "ftp_request",
  (c, command, arg) => {
    // The previous command is written once a new one comes and it has had its reply.
    if (c.ftp?.cmdarg !== undefined && c.ftp.reply_code !== undefined && removePendingCmd(c.ftp.pending_commands, c.ftp.cmdarg)) ftpMessage(c, c.ftp);
    const s = session(c);
    if (s.pending_commands.size < maxPendingCommands) addPendingCmd(s.pending_commands, ++s.command_seq, command, arg);
    else Reporter.connWeird(c, "FTP_too_many_pending_commands", String(s.pending_commands.size), "FTP");
    if (command === "USER") s.user = capped(c, arg, maxUserLength, "FTP_user_too_long");
    else if (command === "PASS") s.password = capped(c, arg, maxPasswordLength, "FTP_password_too_long");
    else if (command === "PORT" || command === "EPRT") {
      const data = command === "PORT" ? parseFtpPort(arg) : parseEftpPort(arg);
      // The server connects to the client: the server is the data channel's originator.
      if (data.valid) expectDataChannel(s, { passive: false, orig_h: c.id.resp_h, resp_h: data.h, resp_p: data.p });
    }
  },
  PRIORITY,
);

on(
  "ftp_reply",
  (c, code, msg, cont_resp) => {
    const s = session(c);
    // Lines inside a multi-line reply are not matched to commands, unless one looks like a reply.
    if (cont_resp && code === 0 && s.reply_code !== undefined && !REPLY_LIKE.test(msg)) return;
    const ca = getPendingCmd(s.pending_commands, code, msg);
    s.cmdarg = ca;
    s.reply_code = code;
    s.reply_msg = msg;
    // Only a reply's first line is read for what it says.
    if (cont_resp) return;
    if ((code === 150 && ca.cmd === "RETR") || (code === 213 && ca.cmd === "SIZE")) {
      s.file_size = extractLastCount(msg);
    } else if ((code === 227 || code === 229) && (ca.cmd === "PASV" || ca.cmd === "EPSV")) {
      const data: FtpPort = code === 227 ? parseFtpPasv(msg) : parseFtpEpsv(msg);
      if (data.valid) {
        // An EPSV reply names only the port: the host is the server.
        const h = code === 229 && data.h === "::" ? c.id.resp_h : data.h;
        expectDataChannel(s, { passive: true, orig_h: c.id.orig_h, resp_h: h, resp_p: data.p });
      }
    }
    if (DIRECTORY_COMMANDS.has(`${ca.cmd} ${code}`) && !ca.cwd_consumed) {
      ca.cwd_consumed = true;
      if (ca.cmd === "CWD") s.cwd = buildPathCompressed(s.cwd, ca.arg);
      else if (ca.cmd === "CDUP") s.cwd = buildPathCompressed(s.cwd, "/..");
      else s.cwd = extractPath(msg);
    }
    // With several commands queued this one cannot wait for the next command to be written.
    if (s.pending_commands.size > 1) {
      removePendingCmd(s.pending_commands, ca);
      ftpMessage(c, s);
    }
  },
  PRIORITY,
);

// Zeek's FTP removal hook: the commands still waiting are written, and a session with a user but
// no logged command gets one row.
on(
  "connection_state_remove",
  (c) => {
    const s = c.ftp;
    if (s === undefined) return;
    for (const ca of [...s.pending_commands.values()]) {
      s.cmdarg = ca;
      ftpMessage(c, s);
    }
    if (!s.logged_command_seen && logAtLeastOneCommand) write(s);
  },
  { priority: -3 },
);
