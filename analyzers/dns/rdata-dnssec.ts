// RDATA of the DNSSEC record types (RFC 4034, 5155) and BIND's private signing-state record,
// decoded as Zeek does, with the weirds Zeek raises for discouraged algorithms and odd flags.
import type { DnsReader } from "./reader.ts";
import { readName } from "./name.ts";
import type { DnsRdata } from "./types.ts";

export function decodeRRSIG(r: DnsReader, rdlength: number): DnsRdata | null {
  if (r.remaining < 18) return r.failSilently("DNS_RRSIG_too_short");
  const type_covered = r.u16();
  const algorithm = r.u8();
  const labels = r.u8();
  const orig_ttl = r.u32();
  const sig_exp = r.u32();
  const sig_incep = r.u32();
  const key_tag = r.u16();
  const nameFrom = r.pos;
  const signer_name = readName(r);
  if (signer_name === null) return null;
  const signature = r.bytes(rdlength - (r.pos - nameFrom + 18));
  algorithmWeird(r, "DNSSEC_RRSIG", algorithm);
  return { kind: "RRSIG", type_covered, algorithm, labels, orig_ttl, sig_exp, sig_incep, key_tag, signer_name, signature };
}

export function decodeDNSKEY(r: DnsReader, rdlength: number): DnsRdata | null {
  if (r.remaining < 4) return r.failSilently("DNS_DNSKEY_too_short");
  const flags = r.u16();
  const protocol = r.u8();
  const algorithm = r.u8();
  const public_key = r.bytes(rdlength - 4);
  // Defined flag bits: 7 (zone key), 8 (revoked), 15 (secure entry point).
  if ((flags & 0xfe7e) !== 0) r.weird("DNSSEC_DNSKEY_Invalid_Flag", String(flags));
  if ((flags & 0x0181) === 0x0181) r.weird("DNSSEC_DNSKEY_Revoked_KSK", String(flags));
  if (protocol !== 3) r.weird("DNSSEC_DNSKEY_Invalid_Protocol", String(protocol));
  algorithmWeird(r, "DNSSEC_DNSKEY", algorithm);
  return { kind: "DNSKEY", flags, protocol, algorithm, public_key };
}

export function decodeDS(r: DnsReader, rdlength: number): DnsRdata | null {
  if (r.remaining < 4) return r.failSilently("DNS_DS_too_short");
  const key_tag = r.u16();
  const algorithm = r.u8();
  const digest_type = r.u8();
  const digest_val = r.bytes(rdlength - 4);
  if (digest_type === 0) r.weird("DNSSEC_DS_ReservedDigestType", String(digest_type));
  else if (digest_type > 4) r.weird("DNSSEC_DS_unknown_DigestType", String(digest_type));
  return { kind: "DS", key_tag, algorithm, digest_type, digest_val };
}

export function decodeNSEC(r: DnsReader, rdlength: number): DnsRdata | null {
  const from = r.pos;
  const next_name = readName(r);
  if (next_name === null) return null;
  const bitmaps = readTypeBitmaps(r, rdlength - (r.pos - from), "DNSSEC_NSEC_bitmapLen0");
  return { kind: "NSEC", next_name, bitmaps };
}

export function decodeNSEC3(r: DnsReader, rdlength: number): DnsRdata | null {
  if (r.remaining < 6) return r.failSilently("DNS_NSEC3_too_short");
  const from = r.pos;
  const nsec_hash_algo = r.u8();
  const nsec_flags = r.u8();
  const nsec_iter = r.u16();
  const nsec_salt_len = r.u8();
  const nsec_salt = r.bytes(nsec_salt_len);
  const nsec_hlen = r.u8();
  const nsec_hash = r.bytes(nsec_hlen);
  const bitmaps = readTypeBitmaps(r, rdlength - (r.pos - from), "DNSSEC_NSEC3_bitmapLen0");
  return { kind: "NSEC3", nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len, nsec_salt, nsec_hlen, nsec_hash, bitmaps };
}

export function decodeNSEC3PARAM(r: DnsReader): DnsRdata | null {
  if (r.remaining < 5) return r.failSilently("DNS_NSEC3PARAM_too_short");
  const nsec_hash_algo = r.u8();
  const nsec_flags = r.u8();
  const nsec_iter = r.u16();
  const nsec_salt_len = r.u8();
  const nsec_salt = r.bytes(nsec_salt_len);
  return { kind: "NSEC3PARAM", nsec_flags, nsec_hash_algo, nsec_iter, nsec_salt_len, nsec_salt };
}

/** BIND 9's signing-state record (type 65534): algorithm, key id, removal flag, completion flag. */
export function decodeBINDS(r: DnsReader): DnsRdata | null {
  if (r.remaining < 5) return r.failSilently("DNS_BINDS_too_short");
  const algorithm = r.u8();
  const key_id = r.u16();
  const removal_flag = r.u8();
  const complete_flag = r.u8();
  return { kind: "BINDS", algorithm, key_id, removal_flag, complete_flag };
}

// Type bit maps (RFC 4034 §4.1.2): window, length, bitmap; each bitmap kept as it is.
function readTypeBitmaps(r: DnsReader, length: number, zeroLengthWeird: string): Uint8Array[] {
  const bitmaps: Uint8Array[] = [];
  let left = length;
  while (left > 0 && r.remaining > 0) {
    const head = r.u16();
    const bitmapLen = head & 0xff;
    if (bitmapLen === 0) {
      r.weird(zeroLengthWeird, String(head >> 8));
      break;
    }
    bitmaps.push(r.bytes(bitmapLen));
    left -= 2 + bitmapLen;
  }
  return bitmaps;
}

// Algorithm numbers (IANA "DNS Security Algorithm Numbers") Zeek flags when signing with them.
const SIGNING_ALGORITHMS_WITHOUT_WEIRD = new Set([2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16]);

function algorithmWeird(r: DnsReader, prefix: string, algorithm: number): void {
  const addl = String(algorithm);
  if (SIGNING_ALGORITHMS_WITHOUT_WEIRD.has(algorithm)) return;
  if (algorithm === 1) r.weird(`${prefix}_NotRecommended_ZoneSignAlgo`, addl);
  else if (algorithm === 252) r.weird(`${prefix}_Indirect_ZoneSignAlgo`, addl);
  else if (algorithm === 253) r.weird(`${prefix}_PrivateDNS_ZoneSignAlgo`, addl);
  else if (algorithm === 254) r.weird(`${prefix}_PrivateOID_ZoneSignAlgo`, addl);
  else r.weird(`${prefix}_unknown_ZoneSignAlgo`, addl);
}
