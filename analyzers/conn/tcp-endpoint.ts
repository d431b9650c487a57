// One side of a TCP connection: its state in Zeek's endpoint state machine, its sequence space
// (start, last, ack, 32-bit wraps), FIN/RST counts, and the logarithmic history counters.
import { ScaledCounter, type Connection } from "./connection.ts";
import { TcpReassembler, type ReassemblerOwner } from "./tcp-reassembler.ts";

export const enum EndpointState {
  Inactive = 0,
  SynSent = 1,
  SynAckSent = 2,
  Partial = 3,
  Established = 4,
  Closed = 5,
  Reset = 6,
}

const WRAP = 4294967296;

// History bits (Zeek's HistoryMasks); a responder's are shifted left by 16.
export const HIST_SYN = 0x1;
export const HIST_FIN = 0x2;
export const HIST_RST = 0x4;
export const HIST_FIN_RST = 0x8;
export const HIST_DATA = 0x10;
export const HIST_ACK = 0x20;
export const HIST_MULTI_FLAG = 0x40;


export class TcpEndpoint {
  state = EndpointState.Inactive;
  prevState = EndpointState.Inactive;
  peer!: TcpEndpoint;
  readonly reassembler: TcpReassembler;

  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  lastTime = 0;
  finCount = 0;
  rstCount = 0;
  /** Relative sequence number just past the FIN. */
  finSeq = 0;
  didClose = false;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  // Counters of the logarithmic letters, made when first needed (most connections never are).
  private checksums: ScaledCounter | undefined;
  private retransmits: ScaledCounter | undefined;
  private zeroWindows: ScaledCounter | undefined;
  private gaps: ScaledCounter | undefined;

  constructor(
    private readonly conn: Connection,
    public isOrig: boolean,
    owner: ReassemblerOwner,
    /** Called when the handshake is over for both sides (the inactivity timeout changes then). */
    private readonly onHandshakeDone: () => void,
  ) {
    this.reassembler = new TcpReassembler(this, owner);
  }

  setState(next: EndpointState): void {
    if (next === this.state) return;
    if (!isHandshake(next) && isHandshake(this.state) && isHandshake(this.peer.state)) this.onHandshakeDone();
    this.prevState = this.state;
    this.state = next;
  }

  isActive(): boolean {
    return this.state !== EndpointState.Inactive && !this.didClose;
  }

  toRelative(seq: number, wraps: number): number {
    return wraps * WRAP + seq - this.startSeq;
  }

  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  /** True while none of this side's data was acknowledged (one octet allowed for the SYN). */
  noDataAcked(): boolean {
    const ack = this.ackWraps * WRAP + this.ackSeq;
    return ack === this.startSeq || ack === this.startSeq + 1;
  }

  /** Bytes of payload in this side's sequence space (conn.log orig_bytes / resp_bytes). */
  size(): number {
    const p = this.peer;
    if (this.prevState === EndpointState.SynSent && this.state === EndpointState.Reset && p.state === EndpointState.Inactive && !this.noDataAcked()) {
      return 0;
    }
    const last = this.seqWraps * WRAP + this.lastSeq;
    const ack = this.ackWraps * WRAP + this.ackSeq;
    let size = (last > ack ? last : ack) - this.startSeq;
    if (size !== 0) size--;
    if (this.finCount > 0 && size !== 0) size--;
    return size < 0 ? size + 2 ** 64 : size;
  }

  /** History letter once per side (see Connection.checkHistory); upper case is the originator's. */
  checkHistory(mask: number, code: string, session: { firstPacketSeen(isOrig: boolean): void }): boolean {
    const conn = this.conn;
    if ((code === "A" || code === "D") && conn.history === "H") {
      // Began with a SYN-ACK and now shows productive traffic: the SYN-ACK sender was the server.
      conn.flipRoles();
      conn.history = "^h";
      session.firstPacketSeen(true);
    }
    if (!this.isOrig) {
      mask <<= 16;
      code = code.toLowerCase();
    }
    return conn.checkHistory(mask >>> 0, code);
  }

  addHistory(code: string): void {
    this.conn.addHistory(this.isOrig ? code : code.toLowerCase());
  }

  checksumError(): void {
    this.conn.scaledHistory(this.isOrig ? "C" : "c", (this.checksums ??= new ScaledCounter()));
  }

  retransmitted(): void {
    this.conn.scaledHistory(this.isOrig ? "T" : "t", (this.retransmits ??= new ScaledCounter()));
  }

  zeroWindow(): void {
    this.conn.scaledHistory(this.isOrig ? "W" : "w", (this.zeroWindows ??= new ScaledCounter()));
  }

  contentGap(): void {
    this.conn.scaledHistory(this.isOrig ? "G" : "g", (this.gaps ??= new ScaledCounter()));
  }
}

function isHandshake(s: EndpointState): boolean {
  return s === EndpointState.Inactive || s === EndpointState.SynSent || s === EndpointState.SynAckSent;
}
