// The strict look at an IP packet that a tunnel header announces (Zeek's IP::ParsePacket): the
// version must be the announced one and the packet must fill exactly the bytes the tunnel gives it.
// PPTP's GRE, Teredo and GTPv1 check their payload this way before they hand it on.

export const IPPROTO_IPV4 = 4;
export const IPPROTO_IPV6 = 41;

export type InnerIpCheck = "ok" | "bad_protocol" | "too_small" | "too_large";

/** Checks the IPv4 (proto 4) or IPv6 (proto 41) packet of `len` bytes at data[off]. */
export function checkInnerIp(data: Uint8Array, off: number, len: number, proto: number): InnerIpCheck {
  let total: number;
  if (proto === IPPROTO_IPV6) {
    if (len < 40) return "too_small";
    if (data[off] >> 4 !== 6) return "bad_protocol";
    total = 40 + ((data[off + 4] << 8) | data[off + 5]);
  } else if (proto === IPPROTO_IPV4) {
    if (len < 20 || data[off] >> 4 !== 4) return "bad_protocol";
    total = (data[off + 2] << 8) | data[off + 3];
  } else {
    return "bad_protocol";
  }
  if (len === total) return "ok";
  return len < total ? "too_small" : "too_large";
}
