// TCP as Zeek tracks it for conn.log: the per-packet update of both endpoints (sequence space,
// history letters, the endpoint state machine), closes, resets and the timers that remove the
// connection. Follows the behaviour of Zeek's TCP session adapter; the comments say why where the
// rule is not obvious.
import type { Connection, TransportSession } from "./connection.ts";
import { TimerKind, type SessionHost } from "./session-host.ts";
import {
  EndpointState as S,
  HIST_ACK,
  HIST_DATA,
  HIST_FIN,
  HIST_FIN_RST,
  HIST_MULTI_FLAG,
  HIST_RST,
  HIST_SYN,
  TcpEndpoint,
} from "./tcp-endpoint.ts";
import type { GapStats, ReassemblerOwner, TcpReassembler } from "./tcp-reassembler.ts";

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const ACK = 0x10;
export const URG = 0x20;

const TOO_LARGE_SEQ_DELTA = 1048576;
const ORIG = 1;
const RESP = 2;

/** Signed 32-bit difference of two sequence numbers. */
function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

function seqBetween(a: number, b: number, c: number): boolean {
  return b <= c ? a >= b && a <= c : a >= b || a <= c;
}

export interface TcpSegment {
  flags: number;
  seq: number;
  ack: number;
  window: number;
  /** Payload length the IP header implies. */
  len: number;
  /** Payload bytes captured. */
  caplen: number;
  data: Uint8Array;
  dataOff: number;
}

export class TcpSession implements TransportSession, ReassemblerOwner {
  orig: TcpEndpoint;
  resp: TcpEndpoint;
  private isActive = true;
  private firstPacketSeenBits = 0;
  isPartial = false;
  private closeDeferred = false;
  private deferredGenEvent = false;
  /** Listens to in-order stream data (DNS over TCP and other stream analyzers). */
  deliverStream?: (isOrig: boolean, data: Uint8Array) => void;
  /** Told when one side's stream has ended. */
  private streamEnded?: (isOrig: boolean) => void;

  /** Keeps payload in the reassemblers and hands the in-order stream to `listener`, its end to `ended`. */
  enableStream(listener: (isOrig: boolean, data: Uint8Array) => void, ended?: (isOrig: boolean) => void): void {
    this.deliverStream = listener;
    this.streamEnded = ended;
    this.orig.reassembler.keepData = true;
    this.resp.reassembler.keepData = true;
  }

  constructor(
    private readonly conn: Connection,
    private readonly host: SessionHost,
  ) {
    const handshakeDone = () => host.setInactivityTimeout(conn, host.options.tcp_inactivity_timeout);
    this.orig = new TcpEndpoint(conn, true, this, handshakeDone);
    this.resp = new TcpEndpoint(conn, false, this, handshakeDone);
    this.orig.peer = this.resp;
    this.resp.peer = this.orig;
    host.addTimer(conn, host.networkTime + host.options.tcp_SYN_timeout, TimerKind.TcpExpire, 0);
    // Zeek starts every TCP connection with the UDP timeout; the handshake switches it to TCP's.
    host.setInactivityTimeout(conn, host.options.udp_inactivity_timeout);
  }

  get gapStats(): GapStats {
    return this.host.gapStats;
  }
  get maxInitialWindow(): number {
    return this.host.options.tcp_max_initial_window;
  }
  get maxAboveHoleWithoutAcks(): number {
    return this.host.options.tcp_max_above_hole_without_any_acks;
  }
  get excessiveDataWithoutAcks(): number {
    return this.host.options.tcp_excessive_data_without_further_acks;
  }

  weird(name: string): void {
    this.host.weird(this.conn, name);
  }

  size(isOrig: boolean): number {
    return (isOrig ? this.orig : this.resp).size();
  }

  state(isOrig: boolean): S {
    return (isOrig ? this.orig : this.resp).state;
  }

  flipRoles(): void {
    [this.orig, this.resp] = [this.resp, this.orig];
    this.orig.isOrig = !this.orig.isOrig;
    this.resp.isOrig = !this.resp.isOrig;
    const b = this.firstPacketSeenBits;
    this.firstPacketSeenBits = (b & ORIG ? RESP : 0) | (b & RESP ? ORIG : 0);
    this.isPartial = false;
  }

  firstPacketSeen(isOrig: boolean): void {
    this.firstPacketSeenBits |= isOrig ? ORIG : RESP;
  }

  done(): void {
    this.isActive = false;
  }

  /** A segment whose checksum failed: history C/c, nothing else. */
  checksumError(isOrig: boolean): void {
    (isOrig ? this.orig : this.resp).checksumError();
  }

  /**
   * Updates the connection for one segment. Returns the direction after processing: the
   * connection may have flipped on this very packet.
   */
  process(isOrig: boolean, seg: TcpSegment, t: number): boolean {
    const conn = this.conn;
    const flags = seg.flags;
    const baseSeq = seg.seq;
    const ackSeq = seg.ack;
    const len = seg.len;
    const endpoint = isOrig ? this.orig : this.resp;
    const peer = endpoint.peer;
    const originator = this.orig;

    this.setPartialStatus(flags, endpoint.isOrig);

    let segLen = len;
    if (flags & SYN) segLen++;
    if (flags & FIN) segLen++;
    if (flags & RST) segLen -= len;
    const seqOnePast = (baseSeq + segLen) >>> 0;

    initEndpoint(endpoint, flags, baseSeq, seqOnePast, this);

    const relSeq = relativeSeq(endpoint, baseSeq, endpoint.lastSeq, endpoint.seqWraps);
    const seqUnderflow = underflowed;
    if (seqUnderflow && !(flags & RST)) this.weird("TCP_seq_underflow_or_misorder");

    this.updateHistory(flags, endpoint, relSeq, len);
    if (seg.window === 0 && !(flags & RST) && endpoint.peer.state !== S.Closed && endpoint.state !== S.Reset) {
      endpoint.zeroWindow();
    }

    if (!this.orig.didClose || !this.resp.didClose) conn.lastTime = t;

    if (flags & SYN) this.synWeirds(flags, len);
    // Zeek's storms: a thousand FINs or RSTs from one side, each within a second of the last packet.
    const opts = this.host.options;
    const stormy = t < endpoint.lastTime + opts.tcp_storm_interarrival_thresh;
    if (flags & FIN) {
      if (++endpoint.finCount >= opts.tcp_storm_thresh && stormy) this.weird("FIN_storm");
      endpoint.finSeq = relSeq + segLen;
    }
    if (flags & RST && ++endpoint.rstCount >= opts.tcp_storm_thresh && stormy) this.weird("RST_storm");

    let relAck = 0;
    if (flags & ACK) {
      if (peer.state === S.Inactive) {
        relAck = 1;
        this.initPeer(peer, endpoint, flags, ackSeq);
      } else {
        relAck = relativeSeq(peer, ackSeq, peer.ackSeq, peer.ackWraps);
        if (underflowed) {
          relAck = 0;
          this.weird("TCP_ack_underflow_or_misorder");
        } else if (!(flags & RST)) {
          const deltaAck = seqDelta(ackSeq, peer.ackSeq);
          if (!(ackSeq === 0 && deltaAck > TOO_LARGE_SEQ_DELTA) && deltaAck > 0) peer.updateAckSeq(ackSeq);
        }
      }
    }

    const deltaLast = updateLastSeq(endpoint, seqOnePast, flags, len);
    endpoint.lastTime = t;

    const { doClose, genEvent } = this.updateStateMachine(t, endpoint, peer, baseSeq, ackSeq, len, deltaLast, endpoint.isOrig, flags);

    if (flags & ACK) peer.reassembler.ackReceived(relAck);

    this.checkFirstPacket(endpoint.isOrig);

    const relDataSeq = flags & SYN ? relSeq + 1 : relSeq;
    if (len > 0 && !(flags & RST) && !seqUnderflow) {
      if (seg.caplen >= len) {
        const r = endpoint.reassembler;
        r.dataSent(relDataSeq, len, r.keepData ? seg.data.subarray(seg.dataOff, seg.dataOff + len) : undefined);
      } else {
        this.weird("truncated_tcp_payload");
      }
    }
    endpoint.reassembler.checkEOF();

    if (doClose) this.connectionClosed(endpoint, peer, genEvent);

    return originator === this.orig ? isOrig : !isOrig;
  }

  private setPartialStatus(flags: number, isOrig: boolean): void {
    if (isOrig) {
      if (!(this.firstPacketSeenBits & ORIG)) this.isPartial = !(flags & SYN) || (flags & ACK) !== 0;
    } else if (!(this.firstPacketSeenBits & RESP) && !this.isPartial) {
      this.isPartial = !(flags & SYN);
    }
  }

  private checkFirstPacket(isOrig: boolean): void {
    this.firstPacketSeenBits |= isOrig ? ORIG : RESP;
  }

  private updateHistory(flags: number, endpoint: TcpEndpoint, relSeq: number, len: number): void {
    const bits = (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0) + (flags & RST ? 1 : 0);
    if (bits > 1) {
      if (flags & FIN && flags & RST) endpoint.checkHistory(HIST_FIN_RST, "I", this);
      else endpoint.checkHistory(HIST_MULTI_FLAG, "Q", this);
    } else if (bits === 1) {
      if (flags & SYN) {
        const code = flags & ACK ? "H" : "S";
        if (endpoint.checkHistory(HIST_SYN, code, this) && relSeq !== endpoint.histLastSyn) endpoint.addHistory(code);
        endpoint.histLastSyn = relSeq;
      }
      if (flags & FIN) {
        // A FIN's sequence number counts from the end of its data.
        if (endpoint.checkHistory(HIST_FIN, "F", this) && relSeq + len !== endpoint.histLastFin) endpoint.addHistory("F");
        endpoint.histLastFin = relSeq + len;
      }
      if (flags & RST) {
        if (endpoint.checkHistory(HIST_RST, "R", this) && relSeq !== endpoint.histLastRst) endpoint.addHistory("R");
        endpoint.histLastRst = relSeq;
      }
    } else if (len) {
      endpoint.checkHistory(HIST_DATA, "D", this);
    } else if (flags & ACK) {
      endpoint.checkHistory(HIST_ACK, "A", this);
    }
  }

  private synWeirds(flags: number, len: number): void {
    if (flags & RST) this.weird("TCP_christmas");
    if (flags & URG) this.weird("baroque_SYN");
    if (len > 0) this.weird("SYN_with_data");
  }

  private initPeer(peer: TcpEndpoint, endpoint: TcpEndpoint, flags: number, ackSeq: number): void {
    if (!(flags & (SYN | FIN | RST))) {
      if (endpoint.state === S.SynSent || endpoint.state === S.SynAckSent || endpoint.state === S.Established) {
        if (!this.conn.weird) this.weird("possible_split_routing");
      }
    }
    // Number the peer's sequence space as if its SYN had been seen.
    const s = (ackSeq - 1) >>> 0;
    peer.startSeq = s;
    peer.ackSeq = s;
    peer.lastSeq = s;
  }

  private updateStateMachine(
    t: number,
    endpoint: TcpEndpoint,
    peer: TcpEndpoint,
    baseSeq: number,
    ackSeq: number,
    len: number,
    deltaLast: number,
    isOrig: boolean,
    flags: number,
  ): CloseDecision {
    const r = closeDecision;
    r.doClose = false;
    r.genEvent = false;
    switch (endpoint.state) {
      case S.Inactive:
        this.updateInactive(t, endpoint, peer, baseSeq, ackSeq, len, isOrig, flags, r);
        break;
      case S.SynSent:
      case S.SynAckSent:
        this.updateSynSent(endpoint, peer, len, isOrig, flags, r);
        break;
      case S.Established:
      case S.Partial:
        this.updateEstablished(endpoint, peer, flags, r);
        break;
      case S.Closed:
        this.updateClosed(endpoint, deltaLast, flags, r);
        break;
      case S.Reset:
        if (flags & SYN) this.weird("SYN_after_reset");
        if (flags & FIN) this.weird("FIN_after_reset");
        if (len > 0 && !(flags & RST)) this.weird("data_after_reset");
        break;
    }
    return r;
  }

  private updateInactive(
    t: number,
    endpoint: TcpEndpoint,
    peer: TcpEndpoint,
    baseSeq: number,
    ackSeq: number,
    len: number,
    isOrig: boolean,
    flags: number,
    r: CloseDecision,
  ): void {
    if (flags & SYN) {
      if (isOrig) {
        if (flags & ACK) {
          this.weird("connection_originator_SYN_ack");
          endpoint.setState(S.SynAckSent);
        } else {
          endpoint.setState(S.SynSent);
        }
        const delay = this.host.options.tcp_attempt_delay;
        if (delay) this.host.addTimer(this.conn, t + delay, TimerKind.TcpAttempt, 0);
      } else {
        if (flags & ACK) {
          if (peer.state !== S.Inactive && peer.state !== S.Partial && !seqBetween(ackSeq, peer.startSeq, peer.lastSeq)) {
            this.weird("bad_SYN_ack");
          }
        } else if (peer.state === S.SynAckSent && baseSeq === endpoint.startSeq) {
          // SYN and SYN-ACK seen in reverse order (two capture interfaces): flip and establish.
          this.isPartial = false;
          this.conn.flipRoles();
          peer.setState(S.Established);
          this.firstPacketSeen(true);
        } else {
          this.weird("simultaneous_open");
        }
        if (peer.state === S.SynSent) peer.setState(S.Established);
        else if (peer.state === S.Inactive) this.weird("unsolicited_SYN_response");
        endpoint.setState(S.Established);
        if (peer.state !== S.Partial) this.conn.events.established(this.conn);
      }
    }

    if (flags & FIN) {
      endpoint.setState(S.Closed);
      r.doClose = r.genEvent = true;
      if (peer.state !== S.Partial && !(flags & SYN)) this.weird("spontaneous_FIN");
    }

    if (flags & RST) {
      endpoint.setState(S.Reset);
      let isReject = false;
      if (isOrig) {
        // Our peer sent a SYN-ACK without our SYN: a reverse scan, answered with a reset.
        if (peer.state === S.Established) isReject = true;
      } else if (peer.state === S.SynSent || peer.state === S.SynAckSent) {
        isReject = true;
      }
      r.doClose = true;
      r.genEvent = !isReject;
      if (isReject) this.conn.events.rejected(this.conn);
      else if (peer.state === S.Inactive) this.weird("spontaneous_RST");
    }

    if (endpoint.state === S.Inactive) {
      if (!isOrig && len === 0 && this.orig.state === S.SynSent) {
        // Some stacks ack a SYN before answering it; that ack does not make a partial connection.
      } else if (flags & ACK && peer.state === S.Established) {
        // The SYN was missed but the SYN-ACK and this ACK were seen: an established connection.
        endpoint.setState(S.Established);
        this.isPartial = false;
        this.firstPacketSeen(isOrig);
      } else {
        endpoint.setState(S.Partial);
        if (peer.state === S.Partial) this.conn.events.partial(this.conn);
      }
    }
  }

  private updateSynSent(
    endpoint: TcpEndpoint,
    peer: TcpEndpoint,
    len: number,
    isOrig: boolean,
    flags: number,
    r: CloseDecision,
  ): void {
    if (flags & SYN) {
      if (isOrig) {
        if (flags & ACK && !(flags & FIN) && !(flags & RST) && endpoint.state !== S.SynAckSent) this.weird("repeated_SYN_with_ack");
      } else if (!(flags & ACK) && endpoint.state !== S.SynSent) {
        this.weird("repeated_SYN_reply_wo_ack");
      }
    }
    if (flags & FIN) {
      if (peer.state === S.Inactive || peer.state === S.SynSent) this.weird("inappropriate_FIN");
      endpoint.setState(S.Closed);
      r.doClose = r.genEvent = true;
    }
    if (flags & RST) {
      endpoint.setState(S.Reset);
      this.connectionReset();
      r.doClose = true;
    } else if (len > 0) {
      this.weird("data_before_established");
    }
  }

  private updateEstablished(endpoint: TcpEndpoint, peer: TcpEndpoint, flags: number, r: CloseDecision): void {
    if (flags & SYN) {
      if (endpoint.state === S.Partial && peer.state === S.Inactive && !(flags & ACK)) {
        this.weird("SYN_after_partial");
        endpoint.setState(S.SynSent);
      }
    }
    if (flags & FIN && !(flags & RST)) {
      endpoint.setState(S.Closed);
      // A FIN after the peer's FIN-then-RST: that was a normal close after all.
      if (peer.state === S.Reset && peer.prevState === S.Closed) peer.setState(S.Closed);
      r.doClose = r.genEvent = true;
    }
    if (flags & RST) {
      endpoint.setState(S.Reset);
      r.doClose = true;
      if (peer.state !== S.Reset || peer.prevState !== S.Established) this.connectionReset();
    }
  }

  private updateClosed(endpoint: TcpEndpoint, deltaLast: number, flags: number, r: CloseDecision): void {
    if (flags & SYN) this.weird("SYN_after_close");
    if (flags & FIN && deltaLast > 0) this.weird("FIN_advanced_last_seq");
    // A RST after our FIN, unless both sides had already closed.
    if (flags & RST && endpoint.peer.state !== S.Closed) {
      endpoint.setState(S.Reset);
      if (!endpoint.didClose) r.doClose = true;
      // Zeek keeps a reset-after-FIN connection for tcp_reset_delay only when connection_reset is
      // handled, to raise it then.
      const host = this.host;
      if (this.conn.events.handles("connection_reset")) {
        host.addTimer(this.conn, host.networkTime + host.options.tcp_reset_delay, TimerKind.TcpReset, 0);
      }
    }
  }

  private connectionClosed(endpoint: TcpEndpoint, peer: TcpEndpoint, genEvent: boolean): void {
    if (endpoint.reassembler.dataPending()) {
      // Data is still to be delivered: close once this side reaches its end.
      this.closeDeferred = true;
      if (!this.deferredGenEvent) this.deferredGenEvent = genEvent;
      return;
    }
    this.closeDeferred = false;
    if (endpoint.didClose) return;
    endpoint.didClose = true;

    const complete = endpoint.state === S.Reset || peer.didClose || peer.state === S.Inactive;
    const host = this.host;
    const conn = this.conn;
    if (complete) {
      if (endpoint.prevState !== S.Inactive || peer.state !== S.Inactive) {
        if (this.deferredGenEvent) {
          genEvent = true;
          this.deferredGenEvent = false;
        }
        if (genEvent) {
          if (peer.state === S.Inactive) this.conn.events.halfFinished(this.conn);
          else this.conn.events.finished(this.conn);
          this.isActive = false;
        }
      }
      host.cancelTimers(conn, TimerKind.TcpExpire, TimerKind.TcpAttempt, TimerKind.TcpDelete, TimerKind.TcpReset);
      const delay = host.options.tcp_close_delay;
      host.addTimer(conn, conn.lastTime + delay, TimerKind.TcpDelete, 0);
    } else if (endpoint.prevState !== S.Inactive) {
      // Wait for the other side to close too.
      host.addTimer(conn, conn.lastTime + host.options.tcp_session_timer, TimerKind.TcpExpire, 0);
    }
  }

  private connectionReset(): void {
    this.conn.events.reset(this.conn);
    this.isActive = false;
  }

  endpointEOF(r: TcpReassembler): void {
    this.streamEnded?.(r.endp.isOrig);
    if (this.closeDeferred) {
      if (r.dataPending() && this.orig.didClose && this.resp.didClose) this.weird("pending_data_when_closed");
      this.connectionClosed(r.endp, r.endp.peer, this.deferredGenEvent);
      this.closeDeferred = false;
    }
  }

  gap(endp: TcpEndpoint, seq: number, len: number): void {
    // Gaps count only while both sides are cleanly established or closing; elsewhere they are
    // artefacts of sequence numbers guessed for partial connections or RSTs.
    if (isClean(endp) && isClean(endp.peer)) {
      endp.contentGap();
      this.conn.events.contentGap(this.conn, endp.isOrig, seq, len);
    }
  }

  /** Zeek's TCP timers. */
  timer(kind: TimerKind, t: number): void {
    const host = this.host;
    const opts = host.options;
    const o = this.orig;
    const r = this.resp;
    switch (kind) {
      case TimerKind.TcpAttempt:
        if (!this.isActive) return;
        if ((o.state === S.SynSent || o.state === S.SynAckSent) && r.state === S.Inactive) {
          this.conn.events.attempt(this.conn);
          this.isActive = false;
          host.remove(this.conn);
        }
        return;
      case TimerKind.TcpDelete:
        host.remove(this.conn);
        return;
      case TimerKind.TcpReset:
        if (!this.isActive) return;
        if (!o.didClose || !r.didClose) this.connectionReset();
        host.remove(this.conn);
        return;
      case TimerKind.TcpExpire:
        if (!this.isActive) return;
        if (this.conn.lastTime + opts.tcp_connection_linger < t) {
          if (o.didClose || r.didClose) {
            if (
              (o.didClose && r.didClose) ||
              o.state === S.Reset || r.state === S.Reset ||
              o.state === S.Inactive || r.state === S.Inactive
            ) {
              this.conn.events.timeout(this.conn);
              this.isActive = false;
              host.remove(this.conn);
              return;
            }
          }
          if (r.state === S.Inactive && o.state === S.Inactive) {
            this.conn.events.timeout(this.conn);
            host.remove(this.conn);
            return;
          }
        }
        host.addTimer(this.conn, t + opts.tcp_session_timer, TimerKind.TcpExpire, 0);
        return;
    }
  }

  /** Zeek's IsReuse: does this SYN (or SYN-ACK) start a new connection on the same 5-tuple? */
  isReuse(flags: number, seq: number, t: number): boolean {
    if (!(flags & SYN)) return false;
    let connOrig = this.orig;
    if (flags & ACK) {
      if (this.orig.state !== S.Inactive) return false;
      connOrig = this.resp;
    }
    const o = this.orig;
    const r = this.resp;
    if (!this.isClosed()) {
      if (seq === connOrig.startSeq) return false;
      if (!(flags & ACK) && connOrig.state === S.SynAckSent && r.state === S.Inactive && seq === r.startSeq) return false;
      this.weird(connOrig.state === S.SynSent ? "SYN_seq_jump" : "active_connection_reuse");
    } else if ((o.isActive() || r.isActive()) && o.state !== S.Reset && r.state !== S.Reset) {
      this.weird("active_connection_reuse");
    } else if (t - this.conn.lastTime < this.host.options.tcp_connection_linger && o.state !== S.Reset && r.state !== S.Reset) {
      this.weird("premature_connection_reuse");
    }
    return true;
  }

  private isClosed(): boolean {
    return this.orig.didClose || this.resp.didClose;
  }
}

/** Whether a packet closes its side, and whether that close is reported (one shared instance). */
interface CloseDecision {
  doClose: boolean;
  genEvent: boolean;
}
const closeDecision: CloseDecision = { doClose: false, genEvent: false };

function isClean(e: TcpEndpoint): boolean {
  return e.state === S.Established || (e.state === S.Closed && e.prevState === S.Established);
}

function initEndpoint(endpoint: TcpEndpoint, flags: number, firstSeq: number, lastSeq: number, session: TcpSession): void {
  switch (endpoint.state) {
    case S.Inactive:
      if (flags & SYN) {
        endpoint.ackSeq = firstSeq;
        endpoint.startSeq = firstSeq;
      } else {
        // A partial connection: number the sequence space as though its SYN had been seen.
        const s = (firstSeq - 1) >>> 0;
        endpoint.ackSeq = s;
        endpoint.startSeq = s;
        lastSeq = firstSeq;
      }
      endpoint.lastSeq = lastSeq;
      break;
    case S.SynSent:
    case S.SynAckSent:
      if (flags & SYN && firstSeq !== endpoint.startSeq) {
        session.weird("SYN_seq_jump");
        endpoint.startSeq = firstSeq;
        endpoint.ackSeq = firstSeq;
        endpoint.lastSeq = lastSeq;
      }
      break;
    case S.Established:
    case S.Partial:
      if (flags & SYN) {
        if (endpoint.size() > 0) session.weird("SYN_inside_connection");
        if (firstSeq !== endpoint.startSeq) session.weird("SYN_seq_jump");
        // Guess that this SYN is the one that really sets the connection up.
        endpoint.startSeq = firstSeq;
        endpoint.ackSeq = firstSeq;
        endpoint.lastSeq = lastSeq;
      }
      break;
    case S.Reset:
      // Sequence numbers set by a RST (perhaps spoofed) give way to a SYN from the same side.
      if (flags & SYN && endpoint.prevState === S.Inactive) {
        endpoint.startSeq = firstSeq;
        endpoint.ackSeq = firstSeq;
        endpoint.lastSeq = lastSeq;
      }
      break;
    default:
      break;
  }
}

/** Set by relativeSeq: the sequence number lies before the endpoint's start (no allocation per call). */
let underflowed = false;

function relativeSeq(endpoint: TcpEndpoint, cur: number, last: number, wraps: number): number {
  underflowed = false;
  const delta = seqDelta(cur, last);
  if (delta < 0) {
    if (wraps && cur > last) wraps--;
  } else if (delta > 0) {
    if (cur < last) wraps++;
  }
  if (wraps === 0) {
    const d = seqDelta(cur, endpoint.startSeq);
    if (d < 0) {
      underflowed = true;
      return d + 2 ** 64;
    }
    return d;
  }
  return endpoint.toRelative(cur, wraps);
}

function updateLastSeq(endpoint: TcpEndpoint, lastSeq: number, flags: number, len: number): number {
  const deltaLast = seqDelta(lastSeq, endpoint.lastSeq);
  if (flags & (SYN | RST) && (deltaLast > TOO_LARGE_SEQ_DELTA || deltaLast < -TOO_LARGE_SEQ_DELTA)) {
    // An outlandish jump on a SYN or RST: do not trust it.
  } else if (flags & FIN && endpoint.lastSeq === ((endpoint.startSeq + 1) >>> 0)) {
    // Only the SYN and now the FIN seen (perhaps a > 2 GB transfer): take the FIN's number.
    endpoint.updateLastSeq(lastSeq);
  } else if (endpoint.state === S.Reset) {
    // After a reset no sequence number is trusted.
  } else if (deltaLast > 0) {
    endpoint.updateLastSeq(lastSeq);
  } else if (len > 0) {
    endpoint.retransmitted();
  }
  return deltaLast;
}
