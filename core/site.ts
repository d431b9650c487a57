// Zeek's Site::local_nets: the networks whose addresses are "local" (conn.log local_orig and
// local_resp). As in Zeek, the private and special-purpose address space counts as local unless
// that is switched off, and --local-nets adds to it.
import { PRIVATE_ADDRESS_SPACE, Subnet, SubnetSet } from "./net/subnet.ts";

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
}
