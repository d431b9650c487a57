// UDP, ICMP and other IP protocols keep only whether each side was active and how many payload
// bytes it sent (Zeek's request_len / reply_len; -1 means the side never sent anything).
import type { TransportSession } from "./connection.ts";

export class DatagramSession implements TransportSession {
  origLen = -1;
  respLen = -1;
  /** [count, threshold] pairs for the logarithmic C/c letters of bad checksums. */
  readonly checksumCounters = Uint32Array.of(0, 1, 0, 1);

  size(isOrig: boolean): number {
    const n = isOrig ? this.origLen : this.respLen;
    return n < 0 ? 0 : n;
  }

  active(isOrig: boolean): boolean {
    return (isOrig ? this.origLen : this.respLen) >= 0;
  }

  addLength(isOrig: boolean, len: number): void {
    if (isOrig) this.origLen = this.origLen < 0 ? len : this.origLen + len;
    else this.respLen = this.respLen < 0 ? len : this.respLen + len;
  }

  /** Zeek leaves these lengths where they are when roles flip; only the packet counts move. */
  flipRoles(): void {}

  done(): void {}
}
