// SVCB and HTTPS RDATA (RFC 9460): priority, target name, then SvcParams. A malformed parameter is
// a weird and keeps its bytes in `raw`, as Zeek does; it never fails the record.
import { formatAddr } from "../../core/net/address.ts";
import type { DnsReader } from "./reader.ts";
import { readName } from "./name.ts";
import type { DnsRdata, DnsSvcbParam } from "./types.ts";

const SvcParamKey = { mandatory: 0, alpn: 1, noDefaultAlpn: 2, port: 3, ipv4hint: 4, ech: 5, ipv6hint: 6 } as const;

export function decodeSVCB(r: DnsReader, rdlength: number, kind: "SVCB" | "HTTPS"): DnsRdata | null {
  // Smallest: a 2-byte priority and the root name.
  if (rdlength < 3) return r.fail("DNS_SVCB_wrong_length");
  const from = r.pos;
  const svc_priority = r.u16();
  const name = readName(r, false);
  if (name === null) return null;
  const rdata: DnsRdata = { kind, svc_priority, target_name: name === "" ? "." : name };
  const paramsLength = rdlength - (r.pos - from);
  if (paramsLength > 0) {
    if (svc_priority === 0) r.weird("DNS_SVCB_aliasmode_with_params");
    rdata.svc_params = readSvcParams(r, paramsLength);
  }
  return rdata;
}

function readSvcParams(r: DnsReader, length: number): DnsSvcbParam[] {
  const params: DnsSvcbParam[] = [];
  let left = length;
  while (left >= 4) {
    const key = r.u16();
    let valueLen = r.u16();
    left -= 4;
    const param: DnsSvcbParam = { key };
    if (valueLen > left) {
      r.weird("DNS_SVCB_param_value_toobig", `${valueLen} capped to ${left}`);
      valueLen = left;
      param.raw = r.bytes(valueLen);
    } else if (!readSvcParamValue(r, param, valueLen)) {
      param.raw = r.bytes(valueLen);
    }
    params.push(param);
    left -= valueLen;
  }
  return params;
}

// Fills the key's typed member; false (cursor unmoved) when the value is malformed or the key unknown.
function readSvcParamValue(r: DnsReader, param: DnsSvcbParam, valueLen: number): boolean {
  switch (param.key) {
    case SvcParamKey.mandatory: {
      if (valueLen === 0 || valueLen % 2 !== 0) return malformed(r, "DNS_SVCB_mandatory_length_invalid");
      const keys: number[] = [];
      for (let i = 0; i < valueLen; i += 2) keys.push(r.u16());
      param.mandatory = keys;
      return true;
    }
    case SvcParamKey.alpn:
      return readAlpn(r, param, valueLen);
    case SvcParamKey.noDefaultAlpn:
      return valueLen === 0 || malformed(r, "DNS_SVCB_nodefaultalpn_value");
    case SvcParamKey.port:
      if (valueLen !== 2) return malformed(r, "DNS_SVCB_port_length_invalid");
      param.p = r.u16();
      return true;
    case SvcParamKey.ipv4hint:
    case SvcParamKey.ipv6hint: {
      const size = param.key === SvcParamKey.ipv4hint ? 4 : 16;
      if (valueLen % size !== 0) return malformed(r, "DNS_SVCB_hint_length_invalid");
      const hint: string[] = [];
      for (let i = 0; i < valueLen; i += size) {
        hint.push(formatAddr(r.buf, r.pos, size === 4 ? 4 : 6));
        r.pos += size;
      }
      if (hint.length > 0) param.hint = hint;
      return true;
    }
    case SvcParamKey.ech:
      param.ech = Buffer.from(r.bytes(valueLen)).toString("base64");
      return true;
    default:
      return malformed(r, "DNS_SVCB_key_reserved_or_invalid");
  }
}

// ALPN ids: each a length byte (1-255) and that many bytes, filling the value exactly.
function readAlpn(r: DnsReader, param: DnsSvcbParam, valueLen: number): boolean {
  const from = r.pos;
  const ids: string[] = [];
  let parsed = 0;
  while (parsed + 2 <= valueLen) {
    const idLen = r.u8();
    parsed += 1;
    if (idLen === 0 || idLen + parsed > valueLen) break;
    ids.push(r.text(idLen));
    parsed += idLen;
  }
  if (r.pos - from !== valueLen) {
    r.pos = from;
    return malformed(r, "DNS_SVCB_alpn_length_invalid");
  }
  if (ids.length > 0) param.alpn = ids;
  return true;
}

function malformed(r: DnsReader, weird: string): false {
  r.weird(weird);
  return false;
}
