// Timers in network time, fired in order of due time (ties in the order they were added, as Zeek's
// priority queue does). A timer is plain data, not a closure: the owner dispatches on `kind`.
//
// Nearly every timer is due a fixed delay after the packet that sets it (an inactivity timeout, a
// close delay), so the timers of one kind mostly arrive in due order. Each kind therefore has a run:
// a plain queue that takes a timer as long as it is due no earlier than the run's last one. Any other
// timer goes to a binary heap. The next timer is the earliest of the runs' heads and the heap's top,
// so the order is exactly the heap-only order, at a fraction of the cost for a busy link (adding and
// taking from a run is constant time, and a heap of every timer is deep and scattered in memory).
// Cancelling takes a timer out of the heap at once; in a run it is marked and lets go of its target,
// and the run skips it when it reaches the head.

export interface Timer<T> {
  due: number;
  seq: number;
  /** Undefined once cancelled from a run: a dead timer keeps nothing alive. */
  target: T;
  kind: number;
  gen: number;
  /** Position in the heap; -1 in a run, or once fired or cancelled. */
  index: number;
  /** Still to fire. */
  live: boolean;
  /** The next timer of the same target, for owners that keep their timers in a list. */
  next: Timer<T> | undefined;
}

/** Kinds below this get a run; larger ones always use the heap. */
const RUN_KINDS = 16;
/** A run's fired part is cut off once it is this long and more than half the run. */
const COMPACT_AT = 4096;

interface Run<T> {
  /** Taken slots are emptied: a fired timer must not keep its target alive until the run is cut. */
  items: (Timer<T> | undefined)[];
  head: number;
}

export class TimerQueue<T> {
  private heap: Timer<T>[] = [];
  private readonly runs: Run<T>[] = [];
  private nextSeq = 0;
  private live = 0;
  /** No timer is due before this (it may be earlier than the next one, after a cancel): most calls stop here. */
  private notBefore = Infinity;

  /** Timers pending. */
  get size(): number {
    return this.live;
  }

  /** Timers added over the queue's life. */
  get added(): number {
    return this.nextSeq;
  }

  add(due: number, target: T, kind: number, gen = 0): Timer<T> {
    const t: Timer<T> = { due, seq: this.nextSeq++, target, kind, gen, index: -1, live: true, next: undefined };
    this.live++;
    if (due < this.notBefore) this.notBefore = due;
    const run = kind >= 0 && kind < RUN_KINDS ? (this.runs[kind] ??= { items: [], head: 0 }) : undefined;
    if (run !== undefined && (run.items.length === run.head || run.items[run.items.length - 1]!.due <= due)) {
      run.items.push(t);
      return t;
    }
    t.index = this.heap.length;
    this.heap.push(t);
    this.up(t.index);
    return t;
  }

  /** The earliest timer due at or before `now`, removed from the queue; undefined when none is due. */
  popDue(now: number): Timer<T> | undefined {
    if (now < this.notBefore) return undefined;
    let best: Timer<T> | undefined = this.heap.length > 0 ? this.heap[0] : undefined;
    let bestRun: Run<T> | undefined;
    for (const run of this.runs) {
      if (run === undefined) continue;
      const head = this.liveHead(run);
      if (head !== undefined && (best === undefined || before(head, best))) {
        best = head;
        bestRun = run;
      }
    }
    if (best === undefined || best.due > now) {
      this.notBefore = best === undefined ? Infinity : best.due;
      return undefined;
    }
    if (bestRun !== undefined) {
      bestRun.items[bestRun.head++] = undefined;
      this.compact(bestRun);
      best.live = false;
      this.live--;
    } else {
      this.cancel(best);
    }
    return best;
  }

  cancel(t: Timer<T>): void {
    if (!t.live) return;
    t.live = false;
    this.live--;
    const i = t.index;
    if (i < 0) {
      t.target = undefined as T;
      return;
    }
    const h = this.heap;
    const last = h.pop()!;
    t.index = -1;
    if (last !== t) {
      h[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
  }

  /** The first live timer of a run, dead ones before it dropped. */
  private liveHead(run: Run<T>): Timer<T> | undefined {
    const items = run.items;
    while (run.head < items.length && !items[run.head]!.live) items[run.head++] = undefined;
    if (run.head < items.length) return items[run.head];
    items.length = 0;
    run.head = 0;
    return undefined;
  }

  private compact(run: Run<T>): void {
    if (run.head >= COMPACT_AT && run.head * 2 > run.items.length) {
      run.items.splice(0, run.head);
      run.head = 0;
    }
  }

  private up(i: number): void {
    const h = this.heap;
    const t = h[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p])) break;
      h[i] = h[p];
      h[i].index = i;
      i = p;
    }
    h[i] = t;
    t.index = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const t = h[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r], h[l]) ? r : l;
      if (!before(h[c], t)) break;
      h[i] = h[c];
      h[i].index = i;
      i = c;
    }
    h[i] = t;
    t.index = i;
  }
}

function before<T>(a: Timer<T>, b: Timer<T>): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
