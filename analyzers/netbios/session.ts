// The NetBIOS session service (RFC 1002 4.3) over a TCP stream: each message is a 4-byte header
// (type, flags whose low bit extends the length to 17 bits, length) and its payload. SessionFramer
// cuts one direction's stream into messages, holding a message that arrives in pieces (as Zeek's
// Contents_NetbiosSSN does); parseSessionPayload reads the payload of the typed messages.
import type * as Api from "nsm";
import { ByteCursor, Truncated } from "./cursor.ts";
import { readNetbiosName } from "./name.ts";

export const enum SsnType {
  Message = 0x00,
  Request = 0x81,
  Positive = 0x82,
  Negative = 0x83,
  Retarget = 0x84,
  Keepalive = 0x85,
}

const HEADER_LENGTH = 4;

/** RFC 1002 4.3.4. */
const ERROR_NAMES: Record<number, string> = {
  0x80: "NOT_LISTENING_ON_CALLED_NAME", 0x81: "NOT_LISTENING_FOR_CALLING_NAME", 0x82: "CALLED_NAME_NOT_PRESENT",
  0x83: "INSUFFICIENT_RESOURCES", 0x8f: "UNSPECIFIED_ERROR",
};

export type MessageSink = (type: number, data: Uint8Array, offset: number, length: number) => void;

export class SessionFramer {
  private readonly header = new Uint8Array(HEADER_LENGTH);
  private headerHave = 0;
  private size = 0;
  /** The message being collected across deliveries, and how much of it is there. */
  private body: Uint8Array | undefined;
  private bodyHave = 0;

  constructor(private readonly sink: MessageSink) {}

  feed(data: Uint8Array): void {
    let pos = 0;
    while (pos < data.length) {
      if (this.headerHave < HEADER_LENGTH) {
        this.header[this.headerHave++] = data[pos++];
        if (this.headerHave < HEADER_LENGTH) continue;
        this.size = ((this.header[1] & 1) << 16) | (this.header[2] << 8) | this.header[3];
        this.bodyHave = 0;
        if (this.size === 0) {
          this.emit(data, pos, 0);
          continue;
        }
        // The whole message in this delivery: handed on where it lies, not copied.
        if (data.length - pos >= this.size) {
          this.emit(data, pos, this.size);
          pos += this.size;
          continue;
        }
        this.body = new Uint8Array(this.size);
      }
      const take = Math.min(this.size - this.bodyHave, data.length - pos);
      this.body!.set(data.subarray(pos, pos + take), this.bodyHave);
      this.bodyHave += take;
      pos += take;
      if (this.bodyHave === this.size) this.emit(this.body!, 0, this.size);
    }
  }

  /** A message begun but not finished: the bytes there are and the size its header declared. */
  pendingCut(): { have: number; size: number } | undefined {
    if (this.headerHave < HEADER_LENGTH || this.body === undefined || this.bodyHave === 0) return undefined;
    return { have: this.bodyHave, size: this.size };
  }

  /** End of the stream: a message cut short is handed on as far as it came. */
  flush(): void {
    if (this.pendingCut()) this.emit(this.body!, 0, this.bodyHave);
  }

  private emit(data: Uint8Array, offset: number, length: number): void {
    const type = this.header[0];
    this.headerHave = 0;
    this.body = undefined;
    this.sink(type, data, offset, length);
  }
}

export interface SessionRequest {
  called: Api.NetbiosName;
  calling: Api.NetbiosName;
}

/** The called and calling names of a session request; the reason when they cannot be read. */
export function parseSessionRequest(data: Uint8Array, offset: number, length: number): SessionRequest | string {
  const c = new ByteCursor(data, offset, offset + length);
  try {
    return { called: readNetbiosName(c), calling: readNetbiosName(c) };
  } catch (e) {
    if (e instanceof Truncated) return e.reason;
    throw e;
  }
}

/** A positive, negative or retarget response, decoded (missing fields stay unset). */
export function parseSessionResponse(type: number, data: Uint8Array, offset: number, length: number): Api.NetbiosSessionResponse {
  const resp: Api.NetbiosSessionResponse = { msg_type: type, accepted: type === SsnType.Positive };
  if (type === SsnType.Negative && length >= 1) {
    resp.error_code = data[offset];
    resp.error_name = ERROR_NAMES[data[offset]] ?? `error-0x${data[offset].toString(16)}`;
  } else if (type === SsnType.Retarget && length >= 6) {
    const c = new ByteCursor(data, offset, offset + length);
    resp.retarget_addr = c.ipv4("");
    resp.retarget_port = c.u16("");
  }
  return resp;
}

/**
 * Zeek's decoding of a called name for netbios_session_request: the first label's letters back to
 * bytes (16 for a NetBIOS name), undefined when it is not first-level encoded.
 */
export function decodedCalledName(data: Uint8Array, offset: number, length: number): string | undefined {
  if (length < 1) return undefined;
  const n = data[offset] >> 1;
  if (n < 1 || n > 30 || length < 2 * n + 1) return undefined;
  let s = "";
  for (let i = 0; i < n; i++) {
    const hi = data[offset + 1 + 2 * i] - 0x41;
    const lo = data[offset + 2 + 2 * i] - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return undefined;
    s += String.fromCharCode((hi << 4) | lo);
  }
  return s;
}
