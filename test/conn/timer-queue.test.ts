// The timer queue against a model of its contract: every timer due by `now` comes out, earliest due
// first and ties in the order they were added, never one that was cancelled or is not due yet.
import { describe, expect, it } from "vitest";
import { TimerQueue, type Timer } from "../../core/timers.ts";
import { Prng } from "../../bench/prng.ts";

interface Model {
  due: number;
  seq: number;
  id: number;
}

function earliest(model: Model[], now: number): Model | undefined {
  let best: Model | undefined;
  for (const m of model) if (m.due <= now && (best === undefined || m.due < best.due || (m.due === best.due && m.seq < best.seq))) best = m;
  return best;
}

describe("TimerQueue", () => {
  it("fires in (due, added) order across runs and the heap, with cancels, over random schedules", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const rng = new Prng(seed);
      const q = new TimerQueue<number>();
      const model: Model[] = [];
      const handles = new Map<number, Timer<number>>();
      let now = 0;
      let id = 0;
      let seq = 0;
      for (let step = 0; step < 3000; step++) {
        const r = rng.next();
        if (r < 0.5) {
          // Mostly a fixed delay per kind (runs), sometimes an arbitrary due time (the heap), and
          // equal due times now and then (ties).
          const kind = rng.int(0, 3);
          const delay = rng.next() < 0.8 ? [5, 60, 300, 0][kind] : rng.int(0, 400) / 4;
          const t = q.add(now + delay, id, kind);
          handles.set(id, t);
          model.push({ due: now + delay, seq: seq++, id: id++ });
        } else if (r < 0.6 && model.length > 0) {
          const victim = model.splice(rng.int(0, model.length - 1), 1)[0];
          q.cancel(handles.get(victim.id)!);
        } else {
          now += rng.int(0, 20) / 4;
          for (let expected = earliest(model, now); expected !== undefined; expected = earliest(model, now)) {
            const fired = q.popDue(now);
            expect(fired?.target).toBe(expected.id);
            model.splice(model.indexOf(expected), 1);
          }
          expect(q.popDue(now)).toBeUndefined();
        }
        expect(q.size).toBe(model.length);
      }
    }
  });

  it("lets go of a cancelled timer's target, and cancelling twice or after firing changes nothing", () => {
    const q = new TimerQueue<{ name: string }>();
    const a = q.add(10, { name: "a" }, 1);
    const b = q.add(20, { name: "b" }, 1);
    q.cancel(a);
    expect(a.target).toBeUndefined();
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.popDue(25)).toBe(b);
    q.cancel(b);
    expect(q.size).toBe(0);
    expect(q.added).toBe(2);
  });
});
