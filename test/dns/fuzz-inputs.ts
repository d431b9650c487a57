// Inputs for the DNS fuzz tests, seeded so a failure replays: real messages from every corpus DNS
// trace, mutations of them (bytes, pointers, cuts, tails, counts, repeats), random bytes, and
// random messages built field by field (valid header, names, then records of any type with random
// RDATA) so that the deep paths of every RR decoder are reached too.
import { readdirSync } from "node:fs";
import { header, name, pointer, rr, u16, type Bytes } from "./message-builder.ts";
import { readDnsMessages } from "./trace-messages.ts";
import { TRACES } from "../fixtures/corpus.ts";


export function corpusSeeds(): Uint8Array[] {
  return [
    ...readdirSync(TRACES).filter((f) => f.startsWith("dns")).map((f) => `${TRACES}/${f}`),
    ...readdirSync(`${TRACES}/dns`).map((f) => `${TRACES}/dns/${f}`),
    ...readdirSync(`${TRACES}/dnssec`).map((f) => `${TRACES}/dnssec/${f}`),
  ]
    .filter((path) => path.endsWith(".pcap"))
    .flatMap((path) => readDnsMessages(path).map((m) => m.payload))
    .filter((p) => p.length >= 12);
}

export type Random = () => number;

/** mulberry32: a small seeded generator. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pickFrom = (rand: Random) => (n: number) => Math.floor(rand() * n);

export function mutate(source: Uint8Array, rand: Random): Uint8Array {
  let m = Uint8Array.from(source);
  const pick = pickFrom(rand);
  for (let edits = 1 + pick(4); edits > 0; edits--) {
    switch (pick(6)) {
      case 0: // flip a byte
        m[pick(m.length)] = pick(256);
        break;
      case 1: // plant a compression pointer anywhere
        if (m.length > 1) {
          const at = pick(m.length - 1);
          m[at] = 0xc0 | pick(0x40);
          m[at + 1] = pick(256);
        }
        break;
      case 2: // cut it short
        m = m.slice(0, pick(m.length + 1));
        break;
      case 3: // random tail
        m = Uint8Array.from([...m, ...Array.from({ length: pick(64) }, () => pick(256))]);
        break;
      case 4: // inflate a header count
        if (m.length >= 12) m[4 + 2 * pick(4) + pick(2)] = pick(256);
        break;
      case 5: // repeat a slice (shifts everything after it)
        if (m.length > 0) {
          const from = pick(m.length);
          const to = Math.min(m.length, from + pick(32));
          m = Uint8Array.from([...m.subarray(0, to), ...m.subarray(from, to), ...m.subarray(to)]);
        }
        break;
    }
  }
  return m;
}

export function randomBytes(rand: Random, maxLength = 600): Uint8Array {
  const pick = pickFrom(rand);
  return Uint8Array.from({ length: pick(maxLength) }, () => pick(256));
}

// RR types worth reaching: every one the analyzer decodes, and a few it does not know.
const TYPES = [1, 2, 5, 6, 11, 12, 13, 15, 16, 28, 29, 32, 33, 35, 38, 41, 43, 44, 46, 47, 48, 50, 51, 64, 65, 99, 249, 250, 257, 65534, 999];

/** A message with a plausible header and random but well-framed questions and records. */
export function randomMessage(rand: Random): Uint8Array {
  const pick = pickFrom(rand);
  const label = () => Array.from({ length: 1 + pick(12) }, () => 0x61 + pick(26));
  const owner = (): Bytes => (pick(3) === 0 ? pointer(12) : name(Array.from({ length: 1 + pick(4) }, () => String.fromCharCode(...label())).join(".")));
  const rdata = (): Bytes => {
    const n = pick(4) === 0 ? pick(200) : pick(24);
    const bytes = Array.from({ length: n }, () => pick(256));
    if (pick(3) === 0) return [...owner(), ...bytes.slice(0, 8)];
    return bytes;
  };
  const qd = pick(3);
  const records = pick(6);
  const h = header({
    id: pick(65536),
    qr: pick(2) === 1,
    opcode: [0, 0, 0, 4, 5, 1, 6][pick(7)],
    rcode: pick(4) === 0 ? pick(16) : 0,
    aa: pick(2) === 1,
    qd,
    an: pick(records + 1),
    ns: pick(3),
    ar: pick(3),
  });
  const parts: Bytes[] = [h];
  for (let i = 0; i < qd; i++) parts.push(owner(), u16(TYPES[pick(TYPES.length)]), u16(pick(4) === 0 ? 255 : 1));
  for (let i = 0; i < records; i++) {
    const type = TYPES[pick(TYPES.length)];
    const data = rdata();
    parts.push(rr(owner(), type, data, { class: type === 41 ? 512 + pick(4000) : [1, 1, 254, 255][pick(4)], ttl: pick(4) === 0 ? 0 : pick(1 << 30), rdlength: pick(8) === 0 ? pick(300) : data.length }));
  }
  return Uint8Array.from(parts.flat());
}
