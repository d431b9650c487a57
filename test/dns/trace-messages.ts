// DNS messages of the corpus traces for the DNS tests: UDP payloads as they are, TCP streams split
// on their 2-byte length prefixes (RFC 1035 §4.2.2).
import { tracePayloads, type TracePayload } from "../fixtures/trace-payloads.ts";

export type TraceMessage = TracePayload;

export function readDnsMessages(path: string): TraceMessage[] {
  return tracePayloads(path).flatMap((p) => {
    if (p.proto === "udp") return [p];
    const messages: TraceMessage[] = [];
    const stream = p.payload;
    for (let at = 0; at + 2 <= stream.length; ) {
      const len = (stream[at] << 8) | stream[at + 1];
      messages.push({ ...p, payload: stream.subarray(at + 2, Math.min(stream.length, at + 2 + len)) });
      at += 2 + len;
    }
    return messages;
  });
}
