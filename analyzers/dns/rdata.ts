// RDATA of the classic record types (RFC 1035 and its early successors), decoded as Zeek does,
// including where Zeek reads past RDLENGTH or stops short of it: the cursor ends where Zeek's does,
// because the next record is read from there. Each decoder returns null on failure, the reason
// being left in the reader.
import { formatAddr } from "../../core/net/address.ts";
import type { DnsReader } from "./reader.ts";
import { readName } from "./name.ts";
import type { DnsRdata } from "./types.ts";

/**
 * A record decoder: the cursor is at the RDATA, which is `rdlength` bytes long and fits the message.
 * Null on failure; RDATA returned while the reader holds an error is reported, then parsing stops.
 */
export type RdataDecoder = (r: DnsReader, rdlength: number) => DnsRdata | null;

export function decodeA(r: DnsReader, rdlength: number): DnsRdata | null {
  if (rdlength !== 4) return r.fail("DNS_RR_bad_length");
  const a = formatAddr(r.buf, r.pos, 4);
  r.pos += 4;
  return { kind: "A", a };
}

/** AAAA and A6 alike: four 32-bit reads whatever RDLENGTH says (a read that does not fit gives 0). */
export function decodeAAAA(r: DnsReader, kind: "AAAA" | "A6"): DnsRdata {
  if (r.remaining >= 16) {
    const a = formatAddr(r.buf, r.pos, 6);
    r.pos += 16;
    return { kind, a };
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const word = r.u32();
    bytes[4 * i] = word >>> 24;
    bytes[4 * i + 1] = (word >>> 16) & 0xff;
    bytes[4 * i + 2] = (word >>> 8) & 0xff;
    bytes[4 * i + 3] = word & 0xff;
  }
  return { kind, a: formatAddr(bytes, 0, 6) };
}

/** NS, CNAME, PTR: one name. */
export function decodeNameRecord(r: DnsReader, rdlength: number, kind: "NS" | "CNAME" | "PTR"): DnsRdata | null {
  const from = r.pos;
  const name = readName(r);
  if (name === null) return null;
  checkLength(r, from, rdlength);
  return { kind, name };
}

export function decodeSOA(r: DnsReader, rdlength: number): DnsRdata | null {
  const from = r.pos;
  const mname = readName(r);
  if (mname === null) return null;
  const rname = readName(r);
  if (rname === null) return null;
  if (r.remaining < 20) return r.failSilently("DNS_SOA_too_short");
  const serial = r.u32();
  const refresh = r.u32();
  const retry = r.u32();
  const expire = r.u32();
  const minimum = r.u32();
  checkLength(r, from, rdlength);
  return { kind: "SOA", mname, rname, serial, refresh, retry, expire, minimum };
}

export function decodeMX(r: DnsReader, rdlength: number): DnsRdata | null {
  const from = r.pos;
  const preference = r.u16();
  const name = readName(r);
  if (name === null) return null;
  checkLength(r, from, rdlength);
  return { kind: "MX", name, preference };
}

export function decodeSRV(r: DnsReader, rdlength: number): DnsRdata | null {
  const from = r.pos;
  const priority = r.u16();
  const weight = r.u16();
  const p = r.u16();
  const target = readName(r);
  if (target === null) return null;
  checkLength(r, from, rdlength);
  return { kind: "SRV", target, priority, weight, p };
}

/** TXT and SPF: character-strings up to RDLENGTH, which they must fill exactly. */
export function decodeTXT(r: DnsReader, rdlength: number): DnsRdata | null {
  return decodeStrings(r, rdlength, "TXT");
}

export function decodeSPF(r: DnsReader, rdlength: number): DnsRdata | null {
  return decodeStrings(r, rdlength, "SPF");
}

function decodeStrings(r: DnsReader, rdlength: number, kind: "TXT" | "SPF"): DnsRdata | null {
  const strs: string[] = [];
  let left = rdlength;
  for (;;) {
    const from = r.pos;
    const s = readCharString(r, left);
    left -= r.pos - from;
    if (s === null) break;
    strs.push(s);
  }
  // Zeek reports the strings it got, then stops unless they filled RDLENGTH exactly (a string
  // past RDLENGTH is then only a weird).
  if (left === 0) r.error = null;
  else if (r.error === null) r.failSilently("DNS_TXT_rdlength_mismatch");
  return { kind, strs };
}

export function decodeHINFO(r: DnsReader, rdlength: number): DnsRdata | null {
  let left = rdlength;
  let from = r.pos;
  const cpu = readCharString(r, left);
  left -= r.pos - from;
  from = r.pos;
  const os = readCharString(r, left);
  left -= r.pos - from;
  // As with TXT: reported, then a failure unless RDLENGTH came out exact.
  if (left === 0) r.error = null;
  else r.failSilently("DNS_HINFO_rdlength_mismatch");
  return { kind: "HINFO", cpu: cpu ?? "", os: os ?? "" };
}

export function decodeCAA(r: DnsReader, rdlength: number): DnsRdata | null {
  const head = r.u16();
  const tagLen = head & 0xff;
  const left = rdlength - 2;
  if (tagLen >= left) return r.fail("DNS_CAA_char_str_past_rdlen");
  const tag = r.text(tagLen);
  const value = r.text(left - tagLen);
  return { kind: "CAA", flags: head >> 8, tag, value };
}

export function decodeNAPTR(r: DnsReader, rdlength: number): DnsRdata | null {
  const order = r.u16();
  const preference = r.u16();
  let left = rdlength - 4;
  if (r.remaining <= 0 || left <= 0) return r.violate("DNS_NAPTR_too_short");
  const strings: (string | null)[] = [];
  for (let i = 0; i < 3; i++) {
    const from = r.pos;
    strings.push(readCharString(r, left));
    left -= r.pos - from;
  }
  const replacement = readName(r, false);
  const [flags, service, regexp] = strings;
  if (flags === null || service === null || regexp === null || replacement === null) {
    return r.violate("DNS_NAPTR_RR_too_short");
  }
  return { kind: "NAPTR", order, preference, flags, service, regexp, replacement };
}

/** WKS: Zeek reports it without reading it, so this only looks (the cursor stays put). */
export function decodeWKS(r: DnsReader, rdlength: number): DnsRdata {
  const whole = rdlength >= 5;
  return {
    kind: "WKS",
    address: whole ? formatAddr(r.buf, r.pos, 4) : null,
    protocol: whole ? r.buf[r.pos + 4] : null,
    bitmap: r.buf.slice(r.pos + (whole ? 5 : 0), r.pos + rdlength),
  };
}

/** LOC (RFC 1876); the caller has checked RDLENGTH is 16. */
export function decodeLOC(r: DnsReader): DnsRdata {
  const version = r.u8();
  const size = r.u8();
  const horiz_pre = r.u8();
  const vert_pre = r.u8();
  const latitude = r.u32();
  const longitude = r.u32();
  const altitude = r.u32();
  if (version !== 0) r.weird("DNS_LOC_version_unrecognized", String(version));
  return { kind: "LOC", version, size, horiz_pre, vert_pre, latitude, longitude, altitude };
}

export function decodeSSHFP(r: DnsReader, rdlength: number): DnsRdata | null {
  if (r.remaining < 2) return r.failSilently("DNS_SSHFP_too_short");
  const algo = r.u8();
  const fptype = r.u8();
  return { kind: "SSHFP", algo, fptype, fingerprint: r.bytes(rdlength - 2) };
}

/**
 * One <character-string> within the `left` bytes of RDATA still unread: null when none is left
 * (nothing consumed) or when its length runs past RDLENGTH (its length byte consumed, a weird).
 */
export function readCharString(r: DnsReader, left: number): string | null {
  if (left <= 0 || r.remaining <= 0) return null;
  const size = r.u8();
  if (size > left - 1) return r.fail("DNS_TXT_char_str_past_rdlen");
  return r.text(size);
}

// Zeek notes, but accepts, RDATA whose name ends elsewhere than RDLENGTH says.
function checkLength(r: DnsReader, from: number, rdlength: number): void {
  if (r.pos - from !== rdlength) r.weird("DNS_RR_length_mismatch");
}
