// Timers in network time: a binary heap ordered by due time (ties in the order they were added, as
// Zeek's priority queue does). A timer is plain data, not a closure: the owner dispatches on `kind`.
// Cancelling is lazy: the owner bumps a generation and stale timers are skipped when they fire.

export interface Timer<T> {
  due: number;
  seq: number;
  target: T;
  kind: number;
  gen: number;
}

export class TimerQueue<T> {
  private heap: Timer<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(due: number, target: T, kind: number, gen = 0): void {
    const t: Timer<T> = { due, seq: this.nextSeq++, target, kind, gen };
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p])) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = t;
  }

  /** The earliest timer due at or before `now`, removed from the queue; undefined when none is due. */
  popDue(now: number): Timer<T> | undefined {
    const h = this.heap;
    if (h.length === 0 || h[0].due > now) return undefined;
    return this.pop();
  }

  /** The earliest timer whatever its time (end of input). */
  pop(): Timer<T> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before<T>(a: Timer<T>, b: Timer<T>): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
