// Transaction security records: TKEY (RFC 2930) and TSIG (RFC 8945). Zeek reads them field by
// field without holding them to RDLENGTH, so the cursor ends after the last field it read.
import type { DnsReader } from "./reader.ts";
import { readName, TSIG_NAME_CAPACITY } from "./name.ts";
import type { DnsRdata } from "./types.ts";

export function decodeTKEY(r: DnsReader): DnsRdata | null {
  if (r.remaining < 16) return r.failSilently("DNS_TKEY_too_short");
  const alg_name = readName(r);
  if (alg_name === null) return null;
  const inception = r.u32();
  const expiration = r.u32();
  const mode = r.u16();
  const rr_error = r.u16();
  const key_data = readOctets(r);
  readOctets(r); // other data
  return { kind: "TKEY", alg_name, inception, expiration, mode, rr_error, key_data };
}

export function decodeTSIG(r: DnsReader): DnsRdata | null {
  const alg_name = readName(r, true, TSIG_NAME_CAPACITY);
  if (alg_name === null) return null;
  // The 48-bit time signed, read as Zeek reads it: 32 bits of seconds, then 16 bits taken as ms.
  const seconds = r.u32();
  const fraction = r.u16();
  const fudge = r.u16();
  const sig = readOctets(r);
  const orig_id = r.u16();
  const rr_error = r.u16();
  readOctets(r); // other data
  return { kind: "TSIG", alg_name, sig, time_signed: seconds + fraction / 1000, fudge, orig_id, rr_error };
}

// A 16-bit length and up to that many bytes.
function readOctets(r: DnsReader): Uint8Array {
  return r.bytes(r.u16());
}
