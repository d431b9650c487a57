// The connections of the table by their flow key, looked up from the packet's key codes without
// making the key string: one per connection, made when it is created, instead of one per packet.
// Open addressing with linear probing and backward-shift deletion, keyed by a seeded hash so that
// crafted traffic cannot pile its flows into one run of slots. A key is a sequence of 16-bit codes
// (FlowKey); an entry's key is the string of those codes.
import type { Packet } from "./packet.ts";

/**
 * A packet's flow key: the protocol, then the two (address, port) endpoints in canonical order so
 * that both directions of a flow have the same key (one-way ICMP keeps its order, as in Zeek), as
 * 16-bit codes. Made in place for each packet.
 */
export class FlowKey {
  readonly codes: number[] = new Array<number>(19).fill(0);
  length = 0;
  /** The packet's source is the key's first endpoint. */
  srcFirst = true;
  /** Its source and destination are the same endpoint. */
  self = false;

  of(pkt: Packet, proto: number, srcPort: number, dstPort: number, oneWay: boolean): this {
    const ip = pkt.ip;
    const s = pkt.srcOff;
    const d = pkt.dstOff;
    const n = pkt.ipVersion === 4 ? 4 : 16;
    let srcFirst = true;
    let self = false;
    if (!oneWay) {
      let cmp = 0;
      for (let i = 0; i < n && cmp === 0; i++) cmp = ip[s + i] - ip[d + i];
      srcFirst = cmp < 0 || (cmp === 0 && srcPort <= dstPort);
      self = cmp === 0 && srcPort === dstPort;
    }
    this.srcFirst = srcFirst;
    this.self = self;
    const a = srcFirst ? s : d;
    const b = srcFirst ? d : s;
    const k = this.codes;
    k[0] = proto | (n === 16 ? 0x200 : 0) | (oneWay ? 0x100 : 0);
    k[1] = srcFirst ? srcPort : dstPort;
    k[2] = srcFirst ? dstPort : srcPort;
    let at = 3;
    for (let i = 0; i < n; i += 2) {
      k[at++] = (ip[a + i] << 8) | ip[a + i + 1];
      k[at++] = (ip[b + i] << 8) | ip[b + i + 1];
    }
    this.length = at;
    return this;
  }

  /** The key as the string an entry keeps. */
  text(): string {
    const k = this.codes;
    return this.length === 7 ? String.fromCharCode(k[0], k[1], k[2], k[3], k[4], k[5], k[6]) : String.fromCharCode(...k.slice(0, this.length));
  }
}

export interface Keyed {
  readonly key: string;
  /** Creation order: entries are listed in it. */
  readonly serial: number;
}

const INITIAL_SLOTS = 1024;

export class FlowTable<T extends Keyed> {
  private slots: (T | undefined)[] = new Array<T | undefined>(INITIAL_SLOTS).fill(undefined);
  private hashes = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private count = 0;

  /** The seed is random unless given (tests give one, to be repeatable). */
  constructor(private readonly seed = (Math.random() * 0x100000000) | 0) {}

  get size(): number {
    return this.count;
  }

  /** The entry whose key is codes[0, n), if any. */
  find(codes: ArrayLike<number>, n: number): T | undefined {
    const h = this.hash(codes, n);
    const slots = this.slots;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = slots[i];
      if (e === undefined) return undefined;
      if (this.hashes[i] === h && sameKey(e.key, codes, n)) return e;
    }
  }

  /** Adds an entry whose key is not in the table. */
  add(e: T): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    this.place(e, this.keyHash(e.key));
    this.count++;
  }

  delete(e: T): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.keyHash(e.key) & mask;
    while (slots[i] !== e) {
      if (slots[i] === undefined) return;
      i = (i + 1) & mask;
    }
    // Backward shift: a later entry of the run moves up into the hole when the hole is no further
    // from it than its home slot is (distances counted forward, around the end), so every entry
    // stays reachable from its home without tombstones.
    for (let j = (i + 1) & mask; slots[j] !== undefined; j = (j + 1) & mask) {
      const home = this.hashes[j] & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j];
        this.hashes[i] = this.hashes[j];
        i = j;
      }
    }
    slots[i] = undefined;
    this.count--;
  }

  /** Every entry, in creation order. */
  values(): T[] {
    const out: T[] = [];
    for (const e of this.slots) if (e !== undefined) out.push(e);
    return out.sort((a, b) => a.serial - b.serial);
  }

  private place(e: T, h: number): void {
    const slots = this.slots;
    let i = h & this.mask;
    while (slots[i] !== undefined) i = (i + 1) & this.mask;
    slots[i] = e;
    this.hashes[i] = h;
  }

  private grow(): void {
    const old = this.slots;
    const oldHashes = this.hashes;
    this.slots = new Array<T | undefined>(old.length * 2).fill(undefined);
    this.hashes = new Int32Array(old.length * 2);
    this.mask = old.length * 2 - 1;
    for (let i = 0; i < old.length; i++) {
      const e = old[i];
      if (e !== undefined) this.place(e, oldHashes[i]);
    }
  }

  private hash(codes: ArrayLike<number>, n: number): number {
    let h = this.seed;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ codes[i], 0x01000193);
    return finish(h);
  }

  private keyHash(key: string): number {
    let h = this.seed;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    return finish(h);
  }
}

/** Spreads the bits, so that the low ones (the slot) depend on every code. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameKey(key: string, codes: ArrayLike<number>, n: number): boolean {
  if (key.length !== n) return false;
  for (let i = 0; i < n; i++) if (key.charCodeAt(i) !== codes[i]) return false;
  return true;
}
