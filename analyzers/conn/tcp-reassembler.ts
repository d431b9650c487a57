// One direction's TCP reassembly in relative sequence space, with Zeek's rules for what counts as a
// content gap (conn.log missed_bytes and history G/g), when buffered data is let go, and when an
// endpoint has delivered everything (its EOF, which may complete a deferred close).
// Data is copied into blocks only when a stream analyzer listens; conn.log needs just the ranges.
import { EndpointState, type TcpEndpoint } from "./tcp-endpoint.ts";

interface Block {
  seq: number;
  upper: number;
  data: Uint8Array | undefined;
}

/**
 * Zeek's get_gap_stats counters for the whole run, which policy/misc/capture-loss turns into an
 * estimate of packets the capture missed: acks seen while both endpoints were established, and
 * those that acknowledged data never seen (a hole below the ack).
 */
export interface GapStats {
  ackEvents: number;
  ackBytes: number;
  gapEvents: number;
  gapBytes: number;
}

export interface ReassemblerOwner {
  readonly isPartial: boolean;
  readonly gapStats: GapStats;
  readonly maxInitialWindow: number;
  readonly maxAboveHoleWithoutAcks: number;
  readonly excessiveDataWithoutAcks: number;
  weird(name: string): void;
  /** Content gap of `len` bytes at relative `seq` in this direction (missed_bytes when clean). */
  gap(endp: TcpEndpoint, seq: number, len: number): void;
  endpointEOF(r: TcpReassembler): void;
  /** In-order stream data, when a stream analyzer listens. */
  deliverStream?(isOrig: boolean, data: Uint8Array): void;
}

export class TcpReassembler {
  private blocks: Block[] = [];
  lastReassemSeq = 1;
  trimSeq = 1;
  skipDeliveries = false;
  didEOF = false;
  hadGap = false;
  keepData = false;
  /** Gap bytes found by the trim in progress (for the gap counters). */
  private missing = 0;

  constructor(
    readonly endp: TcpEndpoint,
    private readonly owner: ReassemblerOwner,
  ) {}

  hasBlocks(): boolean {
    return this.blocks.length > 0;
  }

  /** New payload at relative `seq` (Zeek's TCP_Reassembler::DataSent). */
  dataSent(seq: number, len: number, data: Uint8Array | undefined): boolean {
    const endp = this.endp;
    const ack = endp.toRelative(endp.ackSeq, endp.ackWraps);
    if (this.skipDeliveries) return false;
    if (seq < ack) {
      const upper = seq + len;
      if (upper <= ack) return false;
      const acked = ack - seq;
      seq += acked;
      len -= acked;
      if (data) data = data.subarray(acked);
    }
    this.newBlock(seq, len, data);
    const o = this.owner;
    if (endp.noDataAcked() && o.maxAboveHoleWithoutAcks && this.numUndeliveredBytes() > o.maxAboveHoleWithoutAcks) {
      o.weird("above_hole_data_without_any_acks");
      this.blocks = [];
      this.skipDeliveries = true;
    }
    if (o.excessiveDataWithoutAcks && this.dataSize() > o.excessiveDataWithoutAcks) {
      o.weird("excessive_data_without_further_acks");
      this.blocks = [];
      this.skipDeliveries = true;
    }
    return true;
  }

  /** The peer acknowledged up to relative `seq`. */
  ackReceived(seq: number): void {
    const endp = this.endp;
    if (endp.finCount > 0 && seq >= endp.finSeq) seq = endp.finSeq - 1;
    if (seq <= this.trimSeq) return;
    const counted = !this.skipDeliveries && endp.state === EndpointState.Established && endp.peer.state === EndpointState.Established;
    const acked = seq - this.trimSeq;
    this.missing = 0;
    this.trimToSeq(seq);
    if (counted) {
      const g = this.owner.gapStats;
      g.ackEvents++;
      g.ackBytes += acked;
      if (this.missing > 0) {
        g.gapEvents++;
        g.gapBytes += this.missing;
      }
    }
    this.checkEOF();
  }

  checkEOF(): void {
    const e = this.endp;
    if (!this.didEOF && (e.finCount > 0 || e.state === EndpointState.Closed || e.state === EndpointState.Reset) && !this.dataPending()) {
      this.didEOF = true;
      this.owner.endpointEOF(this);
    }
  }

  dataPending(): boolean {
    if (this.skipDeliveries) return false;
    const e = this.endp;
    const delivered = e.startSeq + this.lastReassemSeq;
    const last = e.lastSeq + e.seqWraps * 4294967296;
    if (last < delivered) return false;
    if (delivered !== last - 1 && delivered !== last) return true;
    return e.state !== EndpointState.Reset && e.peer.reassembler.hasBlocks();
  }

  private numUndeliveredBytes(): number {
    const b = this.blocks;
    return b.length === 0 ? 0 : b[b.length - 1].upper - this.lastReassemSeq;
  }

  private dataSize(): number {
    let n = 0;
    for (const b of this.blocks) n += b.upper - b.seq;
    return n;
  }

  private newBlock(seq: number, len: number, data: Uint8Array | undefined): void {
    if (len <= 0) return;
    const upper = seq + len;
    if (upper <= this.trimSeq) return;
    if (seq < this.trimSeq) {
      const old = this.trimSeq - seq;
      if (data) data = data.subarray(old);
      seq += old;
    }
    const first = this.insert(seq, upper, this.keepData ? data : undefined);
    if (first >= 0) this.blockInserted(first);
  }

  /** Inserts the parts of [seq, upper) not yet covered; returns the index of the first new piece. */
  private insert(seq: number, upper: number, data: Uint8Array | undefined): number {
    const blocks = this.blocks;
    const n = blocks.length;
    if (n === 0 || seq >= blocks[n - 1].upper) {
      blocks.push({ seq, upper, data: data && copyOf(data, 0, upper - seq) });
      return n;
    }
    let first = -1;
    let i = 0;
    while (i < blocks.length && blocks[i].upper <= seq) i++;
    let s = seq;
    while (s < upper) {
      const b = blocks[i];
      if (b === undefined || upper <= b.seq || s < b.seq) {
        const end = b === undefined ? upper : Math.min(upper, b.seq);
        blocks.splice(i, 0, { seq: s, upper: end, data: data && copyOf(data, s - seq, end - s) });
        if (first < 0) first = i;
        i++;
        s = end;
      } else {
        s = Math.max(s, b.upper);
        i++;
      }
    }
    return first;
  }

  private blockInserted(index: number): void {
    const blocks = this.blocks;
    const start = blocks[index];
    if (start.seq > this.lastReassemSeq || start.upper <= this.lastReassemSeq) return;
    for (let i = index; i < blocks.length; i++) {
      const b = blocks[i];
      if (b.seq > this.lastReassemSeq) break;
      if (b.seq === this.lastReassemSeq) {
        this.lastReassemSeq = b.upper;
        if (b.data && !this.skipDeliveries) this.owner.deliverStream?.(this.endp.isOrig, b.data);
      }
    }
    const o = this.owner;
    if (this.endp.noDataAcked() && o.maxInitialWindow && this.endp.size() > o.maxInitialWindow) {
      this.trimToSeq(this.lastReassemSeq);
    }
  }

  /** Drops what is below `seq`; what was never seen below it is a gap (Zeek's TrimToSeq). */
  private trimToSeq(seq: number): void {
    if (seq > this.lastReassemSeq) this.undelivered(seq);
    const blocks = this.blocks;
    let drop = 0;
    while (drop < blocks.length && blocks[drop].upper <= seq) drop++;
    if (drop > 0) blocks.splice(0, drop);
    if (blocks.length > 0 && blocks[0].seq === this.lastReassemSeq) this.blockInserted(0);
    this.trimSeq = seq;
  }

  private undelivered(upTo: number): void {
    // A partial connection's faked initial sequence numbers: the first ack cannot reveal a real gap.
    if (upTo <= 2 && this.owner.isPartial) return;
    if (!this.skipDeliveries) {
      const blocks = this.blocks;
      let i = 0;
      while (i < blocks.length) {
        const b = blocks[i];
        if (b.seq < this.lastReassemSeq) {
          i++;
          continue;
        }
        if (b.seq >= upTo) break;
        const gapLen = b.seq - this.lastReassemSeq;
        this.gap(this.lastReassemSeq, gapLen);
        this.lastReassemSeq += gapLen;
        this.blockInserted(i);
        i = 0;
      }
      if (upTo > this.lastReassemSeq) this.gap(this.lastReassemSeq, upTo - this.lastReassemSeq);
    }
    if (upTo > this.lastReassemSeq) this.lastReassemSeq = upTo;
  }

  private gap(seq: number, len: number): void {
    this.missing += len;
    this.owner.gap(this.endp, seq, len);
    this.hadGap = true;
  }
}

function copyOf(data: Uint8Array, from: number, len: number): Uint8Array {
  return Uint8Array.prototype.slice.call(data, from, from + len);
}
