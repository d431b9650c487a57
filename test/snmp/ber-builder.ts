// Builds BER for the tests (the encoder side of X.690, definite lengths): elements from their
// identifier and content, and the SNMP messages and PDUs of RFC 1157, 3416 and 3412 from them.
export type Bytes = number[];

export function lengthOctets(n: number): Bytes {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...content: Bytes[]): Bytes {
  const body = content.flat();
  return [tag, ...lengthOctets(body.length), ...body];
}

export const seq = (...items: Bytes[]) => tlv(0x30, ...items);

/** An INTEGER in its minimal two's complement form. */
export function int(v: number | bigint, tag = 0x02): Bytes {
  let n = BigInt(v);
  const out: number[] = [];
  do {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (!((n === 0n && (out[0] & 0x80) === 0) || (n === -1n && (out[0] & 0x80) !== 0)));
  return tlv(tag, out);
}

/** An unsigned value (Counter32/64, Gauge32, TimeTicks): a leading 0 when the top bit is set. */
export function uint(v: number | bigint, tag: number): Bytes {
  let n = BigInt(v);
  const out: number[] = [];
  do {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  } while (n > 0n);
  if (out[0] & 0x80) out.unshift(0);
  return tlv(tag, out);
}

export const octets = (s: string, tag = 0x04) => tlv(tag, Array.from(s, (c) => c.charCodeAt(0)));

export function oid(dotted: string): Bytes {
  const arcs = dotted.split(".").map(BigInt);
  const subs = [arcs[0] * 40n + arcs[1], ...arcs.slice(2)];
  const body: number[] = [];
  for (const sub of subs) {
    const groups: number[] = [];
    let v = sub;
    do {
      groups.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    body.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, body);
}

export const NULL: Bytes = [0x05, 0x00];

export const binding = (name: string, value: Bytes) => seq(oid(name), value);

/** A PDU of get/get-next/response/set/inform/v2-trap/report shape. */
export function pdu(tag: number, requestId: number, bindings: Bytes[], errorStatus = 0, errorIndex = 0): Bytes {
  return tlv(tag, int(requestId), int(errorStatus), int(errorIndex), seq(...bindings));
}

/** A v1 (version 0) or v2c (version 1) message. */
export const community = (version: number, name: string, body: Bytes) => seq(int(version), octets(name), body);

export interface V3Options {
  msgId?: number;
  flags?: number;
  user?: string;
  engineId?: string;
  /** The scoped PDU: a plaintext one (a SEQUENCE) or anything else. */
  scoped: Bytes;
}

export function v3(o: V3Options): Bytes {
  const usm = seq(octets(o.engineId ?? "\x80\x00\x1f\x88\x04abcd"), int(7), int(1234), octets(o.user ?? "alice"), octets(""), octets(""));
  return seq(int(3), seq(int(o.msgId ?? 99), int(65507), octets(String.fromCharCode(o.flags ?? 4)), int(3)), tlv(0x04, usm), o.scoped);
}

export const scopedPdu = (body: Bytes, engineId = "\x80\x00\x1f\x88\x04abcd", context = "") => seq(octets(engineId), octets(context), body);
