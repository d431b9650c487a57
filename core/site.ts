// Zeek's Site::local_nets: the networks whose addresses are "local" (conn.log local_orig and
// local_resp). As in Zeek, the private and special-purpose address space counts as local unless
// that is switched off, and --local-nets adds to it.
import { PRIVATE_ADDRESS_SPACE, Subnet, SubnetSet } from "./net/subnet.ts";
import { parseAddr } from "./net/address.ts";

const ANSWERS_MAX = 4096;

export class LocalNets {
  private readonly nets = new SubnetSet();

  constructor(extra: Iterable<Subnet>, privateIsLocal = true) {
    if (privateIsLocal) for (const t of PRIVATE_ADDRESS_SPACE) this.nets.add(Subnet.parse(t));
    for (const s of extra) this.nets.add(s);
  }

  /** Zeek leaves local_orig/local_resp unset when there are no local networks at all. */
  get enabled(): boolean {
    return this.nets.size > 0;
  }

  contains(addr: Uint8Array, version: 4 | 6): boolean {
    return this.nets.contains(addr, 0, version);
  }

  private readonly scratch = new Uint8Array(4);

  /** For an address as scripts hold it; dotted quads are read in place, without allocating. */
  containsText(addr: string): boolean {
    const b = this.scratch;
    let part = 0;
    let value = 0;
    let digits = 0;
    for (let i = 0; i <= addr.length; i++) {
      const ch = i < addr.length ? addr.charCodeAt(i) : 46;
      if (ch === 46) {
        if (digits === 0 || part > 3) return this.containsParsed(addr);
        b[part++] = value;
        value = 0;
        digits = 0;
      } else if (ch >= 48 && ch <= 57 && digits < 3) {
        value = value * 10 + ch - 48;
        digits++;
        if (value > 255) return this.containsParsed(addr);
      } else {
        return this.containsParsed(addr);
      }
    }
    return part === 4 ? this.nets.contains(b, 0, 4) : this.containsParsed(addr);
  }

  /** Answers for addresses in other forms (IPv6): parsing one allocates, and the same few recur. */
  private readonly answers = new Map<string, boolean>();

  private containsParsed(addr: string): boolean {
    let local = this.answers.get(addr);
    if (local === undefined) {
      if (this.answers.size >= ANSWERS_MAX) this.answers.clear();
      this.answers.set(addr, (local = this.parseAndCheck(addr)));
    }
    return local;
  }

  private parseAndCheck(addr: string): boolean {
    try {
      const bytes = parseAddr(addr);
      return this.nets.contains(bytes, 0, bytes.length === 4 ? 4 : 6);
    } catch {
      return false;
    }
  }
}
