// The NetBIOS session service on TCP 139: both directions' streams are cut into messages
// (SessionFramer) and each raises Zeek's netbios_session_* events with Zeek's weirds (a request from
// the responder, a reply from the originator, an unknown type, a session message that is not SMB,
// a message cut short by the end of the stream), plus the decoded request and response. Like Zeek's
// NetbiosSSN analyzer it never confirms: conn.log's service stays unset.
import type { Connection, ConnectionAnalyzer } from "../conn/connection.ts";
import type { SessionHost } from "../conn/session-host.ts";
import { latin1 } from "../../core/bytes.ts";
import { NETBIOSSSN_SOURCE } from "./datagram-analyzer.ts";
import { raise } from "./events.ts";
import { SessionFramer, SsnType, decodedCalledName, parseSessionRequest, parseSessionResponse } from "./session.ts";

export const NETBIOS_SSN_PORTS: readonly number[] = [139];

/** Zeek names the weird of a message cut short after the stream reader, not the analyzer. */
const CONTENTS_SOURCE = "CONTENTS_NETBIOSSSN";
/** Datagram-service types: Zeek's analyzer passes them over quietly when they come over TCP. */
const DGM_TYPES_FIRST = 0x10;
const DGM_TYPES_LAST = 0x16;

export class NetbiosSessionAnalyzer implements ConnectionAnalyzer {
  readonly name = "netbios_ssn";
  private readonly framers: [SessionFramer, SessionFramer];
  private conn: Connection | undefined;

  constructor(private readonly host: SessionHost) {
    this.framers = [
      new SessionFramer((t, d, o, l) => this.message(true, t, d, o, l)),
      new SessionFramer((t, d, o, l) => this.message(false, t, d, o, l)),
    ];
  }

  /** Segments are not looked at: the reassembled stream is (deliverStream). */
  deliver(): void {}

  deliverStream(conn: Connection, isOrig: boolean, data: Uint8Array): void {
    this.conn = conn;
    this.framers[isOrig ? 0 : 1].feed(data);
  }

  endOfStream(conn: Connection, isOrig: boolean): void {
    this.conn = conn;
    const framer = this.framers[isOrig ? 0 : 1];
    // The weird comes before the message cut short is handed on, as Zeek's Flush does it.
    const pending = framer.pendingCut();
    if (pending) this.host.weird(conn, "truncated_netbios_message", `(${pending.have} < ${pending.size})`, CONTENTS_SOURCE);
    framer.flush();
  }

  private message(isOrig: boolean, type: number, data: Uint8Array, offset: number, length: number): void {
    const conn = this.conn!;
    raise(conn, "netbios_session_message", isOrig, type, length);
    const events = conn.events;
    const payload = (event: string) => (events.handles(event) ? latin1(data, offset, offset + length) : "");
    switch (type) {
      case SsnType.Message:
        if (!isSmb(data, offset, length)) {
          this.weird("netbios_raw_session_msg");
          raise(conn, "netbios_session_raw_message", isOrig, payload("netbios_session_raw_message"));
        }
        return;
      case SsnType.Request: {
        if (!isOrig) this.weird("netbios_server_session_request");
        const called = decodedCalledName(data, offset, length);
        if (called !== undefined) raise(conn, "netbios_session_request", called);
        const names = parseSessionRequest(data, offset, length);
        if (typeof names !== "string") raise(conn, "netbios_session_call", names.called, names.calling);
        return;
      }
      case SsnType.Positive:
      case SsnType.Negative:
      case SsnType.Retarget:
        if (isOrig) this.weird("netbios_client_session_reply");
        if (type === SsnType.Positive) raise(conn, "netbios_session_accepted", payload("netbios_session_accepted"));
        else if (type === SsnType.Negative) raise(conn, "netbios_session_rejected", payload("netbios_session_rejected"));
        else raise(conn, "netbios_session_ret_arg_resp", payload("netbios_session_ret_arg_resp"));
        if (events.handles("netbios_session_response")) raise(conn, "netbios_session_response", parseSessionResponse(type, data, offset, length));
        return;
      case SsnType.Keepalive:
        raise(conn, "netbios_session_keepalive", payload("netbios_session_keepalive"));
        return;
      default:
        if (type < DGM_TYPES_FIRST || type > DGM_TYPES_LAST) this.weird("unknown_netbios_type", `0x${type.toString(16)}`);
    }
  }

  private weird(name: string, addl = ""): void {
    this.host.weird(this.conn!, name, addl, NETBIOSSSN_SOURCE);
  }
}

/** SMB1, SMB2/3 or an SMB3 transform header: what a session message normally carries. */
function isSmb(data: Uint8Array, offset: number, length: number): boolean {
  if (length < 4) return false;
  const p = data[offset];
  return (p === 0xff || p === 0xfe || p === 0xfd) && data[offset + 1] === 0x53 && data[offset + 2] === 0x4d && data[offset + 3] === 0x42;
}
