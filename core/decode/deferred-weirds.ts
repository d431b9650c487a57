// Weirds found while decoding a frame that must wait for the packet filter: BPF runs before Zeek sees
// a packet, so a frame the filter rejects must raise nothing. The decoder collects them here and
// reports them only once the frame has passed the filter. Preallocated: no per-packet allocation.

const CAPACITY = 8;

export class DeferredWeirds {
  private readonly names: string[] = new Array<string>(CAPACITY).fill("");
  private readonly addls: string[] = new Array<string>(CAPACITY).fill("");
  private count = 0;

  add(name: string, addl = ""): void {
    if (this.count === CAPACITY) return; // a frame this broken has told its story already
    this.names[this.count] = name;
    this.addls[this.count] = addl;
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }

  flush(report: (name: string, addl?: string) => void): void {
    for (let i = 0; i < this.count; i++) {
      if (this.addls[i] === "") report(this.names[i]);
      else report(this.names[i], this.addls[i]);
    }
    this.count = 0;
  }
}
