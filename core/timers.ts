// Timers in network time: a binary heap ordered by due time (ties in the order they were added, as
// Zeek's priority queue does). A timer is plain data, not a closure: the owner dispatches on `kind`.
// Each timer knows its place in the heap, so cancelling one (a connection that is removed takes
// its timers with it) is O(log n) and nothing outlives its owner.

export interface Timer<T> {
  due: number;
  seq: number;
  target: T;
  kind: number;
  gen: number;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
}

export class TimerQueue<T> {
  private heap: Timer<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Timers added over the queue's life. */
  get added(): number {
    return this.nextSeq;
  }

  add(due: number, target: T, kind: number, gen = 0): Timer<T> {
    const t: Timer<T> = { due, seq: this.nextSeq++, target, kind, gen, index: this.heap.length };
    this.heap.push(t);
    this.up(t.index);
    return t;
  }

  /** The earliest timer due at or before `now`, removed from the queue; undefined when none is due. */
  popDue(now: number): Timer<T> | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0].due > now) return undefined;
    return this.pop();
  }

  /** The earliest timer whatever its time. */
  pop(): Timer<T> | undefined {
    if (this.heap.length === 0) return undefined;
    const top = this.heap[0];
    this.cancel(top);
    return top;
  }

  cancel(t: Timer<T>): void {
    const i = t.index;
    if (i < 0) return;
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
