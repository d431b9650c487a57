// FTP's control channel on TCP 21, as Zeek's FTP analyzer reads it: each direction's stream is cut
// into lines (nvt.ts); a client line raises ftp_request, a server line ftp_reply (protocol.ts). A
// command confirms the protocol (conn.log service "ftp"). Once confirmed, a line that is no command
// is the weird FTP_invalid_command and an over-long command FTP_max_command_length_exceeded (a limit:
// history X); before, both are passed over quietly, as Zeek does to keep non-FTP traffic on port 21
// from filling weird.log. A reply that is no reply is a protocol violation, after which DPD stops
// the analyzer. After "AUTH TLS" and its 234 reply the channel is TLS: ftp_starttls, then silence.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import { HIST_ANALYZER_LIMIT_REACHED } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { EndpointState } from "../conn/tcp-endpoint.ts";
import { violationDisables } from "../conn/dpd.ts";
import { NvtLineReader, type NvtOwner } from "./nvt.ts";
import { ReplyReader, parseRequest } from "./protocol.ts";

/** Zeek's FTP::ports: FTP, and GridFTP (FTP whose channel turns to TLS). */
export const FTP_PORTS: readonly number[] = [21, 2811];

/** Zeek names the analyzers' weirds after them: the FTP analyzer, and the NVT that cuts the lines. */
const FTP_SOURCE = "FTP";
const NVT_SOURCE = "NVT";
const REPLY_AUTH_TLS_OK = 234;

export class FtpAnalyzer implements ConnectionAnalyzer {
  readonly name = "ftp";
  private readonly readers: [NvtLineReader, NvtLineReader];
  private readonly replies = new ReplyReader();
  private conn: Connection | undefined;
  private confirmed = false;
  /** A violation disabled the analyzer: it stops once the data at hand is read, as Zeek's DPD acts after the packet. */
  private disabling = false;
  private disabled = false;
  private tlsActive = false;
  private authRequested = "";
  /** Weirds already raised once for this connection (Zeek's per-connection FlagEvent). */
  private readonly flagged = new Set<string>();

  constructor(private readonly host: SessionHost) {
    this.readers = [new NvtLineReader(this.lineOwner(true)), new NvtLineReader(this.lineOwner(false))];
  }

  /** Segments are not looked at: the reassembled stream is (deliverStream). */
  deliver(): void {}

  deliverStream(conn: Connection, isOrig: boolean, data: Uint8Array): void {
    if (this.disabled || this.tlsActive) return;
    this.conn = conn;
    this.readers[isOrig ? 0 : 1].feed(data);
    if (this.disabling) this.disabled = true;
  }

  endOfStream(conn: Connection, isOrig: boolean): void {
    if (this.disabled || this.tlsActive) return;
    this.conn = conn;
    this.readers[isOrig ? 0 : 1].endOfStream();
    if (this.disabling) this.disabled = true;
  }

  done(conn: Connection): void {
    if (this.disabled) return;
    // A client that closed in the middle of a command (the line never ended).
    if (this.readers[0].hasPartialLine() && conn.session.state(true) === EndpointState.Closed) this.host.weird(conn, "partial_ftp_request", "", FTP_SOURCE);
  }

  private lineOwner(isOrig: boolean): NvtOwner {
    return {
      line: (line, length) => (isOrig ? this.request(line, length) : this.reply(line, length)),
      weirdOnce: (name) => {
        if (this.flagged.has(name)) return;
        this.flagged.add(name);
        this.host.weird(this.conn!, name, "", NVT_SOURCE);
      },
      limitReached: (name, addl) => this.limitReached(name, addl, NVT_SOURCE),
      nulIsKeepAlive: () => {
        const session = this.conn!.session;
        return session.state(isOrig) === EndpointState.Partial && session.size(isOrig) <= 2;
      },
    };
  }

  private request(line: Uint8Array, length: number): void {
    const conn = this.conn!;
    // Zeek reads nothing when no script would hear of it; confirmation waits for a handler too.
    if (this.tlsActive || length === 0 || !conn.events.handles("ftp_request")) return;
    const max = this.host.options["FTP::max_command_length"];
    const r = parseRequest(line, length, max);
    if (r.kind === "invalid") {
      if (this.confirmed) this.host.weird(conn, "FTP_invalid_command", "", FTP_SOURCE);
      return;
    }
    if (r.kind === "too-long") {
      if (this.confirmed) this.limitReached("FTP_max_command_length_exceeded", `${r.length} > ${max}`, FTP_SOURCE);
      return;
    }
    conn.events.raise("ftp_request", [conn, r.command, r.arg]);
    this.confirmed = true;
    conn.addService(this.name);
    // Zeek compares only the command's length of "AUTH", so "AUT" asks for it too.
    if (r.command.length <= 4 && "AUTH".startsWith(r.command)) this.authRequested = r.arg;
  }

  private reply(line: Uint8Array, length: number): void {
    const conn = this.conn!;
    if (this.tlsActive || length === 0 || !conn.events.handles("ftp_reply")) return;
    const r = this.replies.read(line, length);
    if (r.kind === "violation") {
      if (!this.disabling) this.disabling = violationDisables(conn, this.name, this.host.options);
      return;
    }
    if (r.code === REPLY_AUTH_TLS_OK && this.authRequested === "TLS") {
      conn.events.raise("ftp_starttls", [conn]);
      this.tlsActive = true;
    }
    conn.events.raise("ftp_reply", [conn, r.code, r.msg, r.cont]);
  }

  private limitReached(name: string, addl: string, source: string): void {
    this.host.weird(this.conn!, name, addl, source);
    this.conn!.checkHistory(HIST_ANALYZER_LIMIT_REACHED, "X");
  }
}
