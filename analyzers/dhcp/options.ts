// DHCP options (RFC 2132 and its successors) into Zeek's DHCP::Options record: one option's value,
// already bounds-checked by the caller, decoded by its code. A value whose length does not fit its
// option's shape is a weird; what can still be read from it is kept, as the fields Zeek fills.
import type { DhcpOptions, DhcpSubOpt } from "nsm";
import { latin1 } from "../../core/bytes.ts";
import { formatAddr, formatMac } from "../../core/net/address.ts";

export interface DhcpWeird {
  name: string;
  addl: string;
}

/** Option codes with a meaning of their own in the walk (RFC 2132 §3, §9.3, §9.6). */
export const OPT_PAD = 0;
export const OPT_END = 255;
export const OPT_OVERLOAD = 52;
export const OPT_MESSAGE_TYPE = 53;

/** Options whose value has one fixed size. */
const FIXED_SIZE: Readonly<Record<number, number>> = {
  1: 4, 2: 4, 19: 1, 28: 4, 50: 4, 51: 4, 52: 1, 53: 1, 54: 4, 57: 2, 58: 4, 59: 4, 116: 1,
};

/** Options holding a list of IPv4 addresses, by the field of DHCP::Options they fill. */
const ADDRESS_LISTS: Readonly<Record<number, "routers" | "time_servers" | "name_servers" | "dns_servers" | "ntp_servers" | "nbns">> = {
  3: "routers", 4: "time_servers", 5: "name_servers", 6: "dns_servers", 42: "ntp_servers", 44: "nbns",
};

/** Options holding bytes, taken as they are. */
const BYTE_STRINGS: Readonly<Record<number, "host_name" | "vendor" | "message" | "vendor_class" | "user_class">> = {
  12: "host_name", 43: "vendor", 56: "message", 60: "vendor_class", 77: "user_class",
};

/**
 * Zeek's fmt_mac: six bytes as "aa:bb:cc:dd:ee:ff", eight when there are at least eight and the
 * seventh and eighth are not both zero; "" for fewer than six, or seven.
 */
export function formatHardwareAddr(buf: Uint8Array, off: number, len: number): string {
  if (len !== 6 && len < 8) return "";
  const six = formatMac(buf, off);
  if (len === 6 || (buf[off + 6] === 0 && buf[off + 7] === 0)) return six;
  return `${six}:${hexByte(buf[off + 6])}:${hexByte(buf[off + 7])}`;
}

const hexByte = (b: number): string => b.toString(16).padStart(2, "0");

/** Bytes up to the last one that is not NUL (Zeek's rule: nothing when that is the first byte). */
export function withoutTrailingNuls(buf: Uint8Array, off: number, len: number): string {
  let last = 0;
  for (let i = 0; i < len; i++) if (buf[off + i] !== 0) last = i;
  return last === 0 ? "" : latin1(buf, off, off + last + 1);
}

export const u32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const addr = (b: Uint8Array, o: number): string => formatAddr(b, o, 4);

function badLength(weirds: DhcpWeird[], code: number, len: number): void {
  weirds.push({ name: "DHCP_option_bad_length", addl: `option ${code} length ${len}` });
}

/** Decodes option `code` (its value: `len` bytes at buf[off]) into `opts`. */
export function decodeOption(code: number, buf: Uint8Array, off: number, len: number, opts: DhcpOptions, weirds: DhcpWeird[]): void {
  const fixed = FIXED_SIZE[code];
  if (fixed !== undefined) {
    if (len !== fixed) badLength(weirds, code, len);
    if (len >= fixed) decodeFixed(code, buf, off, opts);
    return;
  }
  const list = ADDRESS_LISTS[code];
  if (list !== undefined) {
    if (len % 4 !== 0) badLength(weirds, code, len);
    const addrs: string[] = [];
    for (let i = 0; i + 4 <= len; i += 4) addrs.push(addr(buf, off + i));
    opts[list] = addrs;
    return;
  }
  const bytes = BYTE_STRINGS[code];
  if (bytes !== undefined) {
    opts[bytes] = latin1(buf, off, off + len);
    return;
  }
  switch (code) {
    case 15:
      opts.domain_name = withoutTrailingNuls(buf, off, len);
      return;
    case 55:
      opts.param_list = Array.from(buf.subarray(off, off + len));
      return;
    case 61:
      if (len < 1) return badLength(weirds, code, len);
      opts.client_id = {
        hwtype: buf[off],
        hwaddr: buf[off] === 0 ? latin1(buf, off + 1, off + len) : formatHardwareAddr(buf, off + 1, len - 1),
      };
      return;
    case 81:
      if (len < 3) return badLength(weirds, code, len);
      opts.client_fqdn = { flags: buf[off], rcode1: buf[off + 1], rcode2: buf[off + 2], domain_name: latin1(buf, off + 3, off + len) };
      return;
    case 82:
      opts.sub_opt = relayAgentSubOptions(buf, off, len, weirds);
      return;
    case 252:
      // A trailing newline is not part of the URL.
      opts.auto_proxy_config = latin1(buf, off, off + (len > 0 && buf[off + len - 1] === 0x0a ? len - 1 : len));
      return;
  }
}

function decodeFixed(code: number, buf: Uint8Array, off: number, opts: DhcpOptions): void {
  switch (code) {
    case 1: opts.subnet_mask = addr(buf, off); break;
    case 2: opts.time_offset = u32(buf, off) | 0; break;
    case 19: opts.forwarding = buf[off] !== 0; break;
    case 28: opts.broadcast = addr(buf, off); break;
    case 50: opts.addr_request = addr(buf, off); break;
    case 51: opts.lease = u32(buf, off); break;
    case 54: opts.serv_addr = addr(buf, off); break;
    case 57: opts.max_msg_size = (buf[off] << 8) | buf[off + 1]; break;
    case 58: opts.renewal_time = u32(buf, off); break;
    case 59: opts.rebinding_time = u32(buf, off); break;
    case 116: opts.auto_config = buf[off] !== 0; break;
    // 52 and 53 shape the message rather than fill a field (see parser.ts).
  }
}

/** RFC 3046 §2.0: sub-options, each a code, a length and that many bytes, filling the option. */
function relayAgentSubOptions(buf: Uint8Array, off: number, len: number, weirds: DhcpWeird[]): DhcpSubOpt[] {
  const subs: DhcpSubOpt[] = [];
  const end = off + len;
  let p = off;
  while (p < end) {
    if (end - p < 2 || end - p - 2 < buf[p + 1]) {
      weirds.push({ name: "DHCP_relay_agent_sub_option_truncated", addl: `sub-option ${buf[p]}` });
      break;
    }
    const n = buf[p + 1];
    subs.push({ code: buf[p], value: latin1(buf, p + 2, p + 2 + n) });
    p += 2 + n;
  }
  return subs;
}
