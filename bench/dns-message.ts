// DNS queries and answers in RFC 1035 wire format for the benchmark's UDP traffic, so the DNS
// analyzer parses real messages: a question, then answers whose owner name points back at it.
import type { Prng } from "./prng.ts";

export const QType = { A: 1, NS: 2, CNAME: 5, PTR: 12, MX: 15, TXT: 16, AAAA: 28, HTTPS: 65 } as const;

const RCODE_NXDOMAIN = 3;
/** Compression pointer to the question's name, which always starts right after the 12-byte header. */
const POINTER_TO_QNAME = 0xc00c;

function encodeName(name: string): Buffer {
  const parts = name.split(".");
  const out = Buffer.alloc(name.length + 2);
  let o = 0;
  for (const p of parts) {
    out[o++] = p.length;
    o += out.write(p, o, "latin1");
  }
  out[o] = 0;
  return out;
}

function header(id: number, flags: number, answers: number): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(flags, 2);
  h.writeUInt16BE(1, 4);
  h.writeUInt16BE(answers, 6);
  return h;
}

function question(name: string, qtype: number): Buffer {
  const n = encodeName(name);
  const q = Buffer.alloc(n.length + 4);
  n.copy(q);
  q.writeUInt16BE(qtype, n.length);
  q.writeUInt16BE(1, n.length + 2);
  return q;
}

function answer(qtype: number, ttl: number, rdata: Buffer): Buffer {
  const r = Buffer.alloc(12 + rdata.length);
  r.writeUInt16BE(POINTER_TO_QNAME, 0);
  r.writeUInt16BE(qtype, 2);
  r.writeUInt16BE(1, 4);
  r.writeUInt32BE(ttl, 6);
  r.writeUInt16BE(rdata.length, 10);
  rdata.copy(r, 12);
  return r;
}

function rdataFor(qtype: number, rng: Prng): Buffer {
  switch (qtype) {
    case QType.A:
      return Buffer.from([203, 0, 113, rng.int(1, 254)]);
    case QType.AAAA: {
      const b = Buffer.alloc(16);
      b.writeUInt32BE(0x20010db8, 0);
      b.writeUInt16BE(rng.int(1, 0xffff), 14);
      return b;
    }
    case QType.MX: {
      // Preference, then "mailN" followed by a pointer to the question's name.
      const label = `mail${rng.int(1, 9)}`;
      const b = Buffer.alloc(2 + 1 + label.length + 2);
      b.writeUInt16BE(10 * rng.int(1, 5), 0);
      b[2] = label.length;
      b.write(label, 3, "latin1");
      b.writeUInt16BE(POINTER_TO_QNAME, 3 + label.length);
      return b;
    }
    case QType.TXT: {
      const text = `v=spf1 ip4:203.0.113.${rng.int(1, 254)} -all`;
      return Buffer.concat([Buffer.from([text.length]), Buffer.from(text, "latin1")]);
    }
    case QType.HTTPS:
      // SVCB form (RFC 9460): priority 1, target "." (the owner itself), alpn="h2".
      return Buffer.from([0, 1, 0, 0, 1, 0, 3, 2, 0x68, 0x32]);
    default:
      return encodeName(`host${rng.int(1, 999)}.example.net`);
  }
}

export function dnsQuery(id: number, name: string, qtype: number): Buffer {
  // Standard query, recursion desired.
  return Buffer.concat([header(id, 0x0100, 0), question(name, qtype)]);
}

/** The reply to dnsQuery(id, name, qtype): `answers` records, or NXDOMAIN when `nxdomain`. */
export function dnsReply(id: number, name: string, qtype: number, answers: number, nxdomain: boolean, rng: Prng): Buffer {
  const count = nxdomain ? 0 : answers;
  // Response, recursion desired and available, with the rcode in the low bits.
  const parts = [header(id, 0x8180 | (nxdomain ? RCODE_NXDOMAIN : 0), count), question(name, qtype)];
  const ttl = rng.pick([60, 300, 3600, 86400]);
  for (let i = 0; i < count; i++) parts.push(answer(qtype, ttl, rdataFor(qtype, rng)));
  return Buffer.concat(parts);
}
