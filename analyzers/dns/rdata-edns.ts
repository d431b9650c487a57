// The OPT pseudo-RR of EDNS (RFC 6891): its class is the UDP payload size, its TTL holds the
// extended rcode, version and flags, its RDATA a list of options. Zeek decodes client subnet
// (RFC 7871), cookie (RFC 7873) and TCP keepalive (RFC 7828); the rest are kept as bytes.
import { formatAddr } from "../../core/net/address.ts";
import type { DnsReader } from "./reader.ts";
import type { DnsEdnsOption, DnsRdata } from "./types.ts";

const EdnsOption = { ECS: 8, COOKIE: 10, TCP_KEEPALIVE: 11 } as const;

// Zeek reports the record, and each option as it reads it, before it finds an option truncated:
// the options read so far are returned with the failure.
export function decodeOPT(r: DnsReader, rdlength: number, payloadSize: number, ttl: number, rcode: number): DnsRdata {
  const options: DnsEdnsOption[] = [];
  const rdata: DnsRdata = {
    kind: "OPT",
    payload_size: payloadSize,
    extended_rcode: (((ttl >>> 24) & 0xff) << 4) | rcode,
    version: (ttl >>> 16) & 0xff,
    z_field: ttl & 0xffff,
    options,
  };
  let left = rdlength;
  while (left >= 4) {
    const code = r.u16();
    const length = r.u16();
    left -= 4;
    if (length > left) {
      r.fail("EDNS_truncated_option");
      return rdata;
    }
    const option: DnsEdnsOption = { code, data: r.buf.slice(r.pos, r.pos + length) };
    if (code === EdnsOption.ECS) readClientSubnet(r, option, length);
    else if (code === EdnsOption.COOKIE) readCookie(option, length);
    else if (code === EdnsOption.TCP_KEEPALIVE) readTcpKeepalive(r, option, length);
    options.push(option);
    r.skip(length);
    left -= length;
  }
  if (left !== 0) r.fail("EDNS_truncated_option");
  return rdata;
}

// Family, source and scope prefix lengths, then the address bytes the source prefix needs.
function readClientSubnet(r: DnsReader, option: DnsEdnsOption, length: number): void {
  if (length <= 4) {
    r.weird("EDNS_ECS_invalid_option_len");
    return;
  }
  const d = option.data;
  const family = (d[0] << 8) | d[1];
  const source_prefix_len = d[2];
  const scope_prefix_len = d[3];
  const have = (length - 4) * 8;
  const v4 = family === 1;
  if (!v4 && family !== 2) return;
  const tag = v4 ? "v4" : "v6";
  if (source_prefix_len > (v4 ? 32 : 128)) {
    r.weird(`EDNS_ECS_invalid_addr_${tag}_prefix`, `${source_prefix_len} bits`);
    return;
  }
  if (source_prefix_len > have) {
    r.weird(`EDNS_ECS_invalid_addr_${tag}`, `need ${source_prefix_len} bits, have ${have} bits`);
    return;
  }
  const address = new Uint8Array(v4 ? 4 : 16);
  address.set(d.subarray(4, 4 + Math.ceil(source_prefix_len / 8)));
  option.ecs = {
    family: tag,
    source_prefix_len,
    scope_prefix_len,
    address: formatAddr(address, 0, v4 ? 4 : 6),
  };
}

// An 8-byte client cookie, optionally followed by an 8 to 32-byte server cookie.
function readCookie(option: DnsEdnsOption, length: number): void {
  if (length !== 8 && !(length >= 16 && length <= 40)) return;
  option.cookie = { client_cookie: option.data.slice(0, 8), server_cookie: option.data.slice(8) };
}

// Empty (timeout omitted) or a 16-bit timeout in units of 100 ms.
function readTcpKeepalive(r: DnsReader, option: DnsEdnsOption, length: number): void {
  if (length !== 0 && length !== 2) return;
  const omitted = length === 0;
  option.tcp_keepalive = {
    keepalive_timeout_omitted: omitted,
    keepalive_timeout: omitted ? 0 : (option.data[0] << 8) | option.data[1],
  };
  // RFC 7828 §3.2.1: never negotiated over UDP.
  if (!r.tcp) r.weird("EDNS_TCP_Keepalive_In_UDP");
}
