// A min-heap of items by timestamp: the generator schedules each connection's packets ahead of time
// and writes them out in network-time order. Ties leave in insertion order, so output is deterministic.

interface Entry<T> {
  ts: number;
  order: number;
  item: T;
}

export class TimedQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private inserted = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Timestamp of the earliest item; Infinity when empty. */
  peekTime(): number {
    return this.heap.length > 0 ? this.heap[0].ts : Infinity;
  }

  push(ts: number, item: T): void {
    const h = this.heap;
    const e: Entry<T> = { ts, order: this.inserted++, item };
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = e;
  }

  /** Removes and returns the earliest entry; call only when size > 0. */
  pop(): { ts: number; item: T } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && before(h[r], h[l]) ? r : l;
        if (!before(h[c], last)) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.order < b.order);
}
