// UDP, ICMP and other IP protocols keep only whether each side was active and how many payload
// bytes it sent (Zeek's request_len / reply_len; -1 means the side never sent anything).
import { ScaledCounter, type TransportSession } from "./connection.ts";

export class DatagramSession implements TransportSession {
  origLen = -1;
  respLen = -1;
  /** The logarithmic C/c letters of bad checksums, per side; made when first needed. */
  origChecksums: ScaledCounter | undefined;
  respChecksums: ScaledCounter | undefined;

  size(isOrig: boolean): number {
    const n = isOrig ? this.origLen : this.respLen;
    return n < 0 ? 0 : n;
  }

  state(isOrig: boolean): number {
    return this.active(isOrig) ? 1 : 0;
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
