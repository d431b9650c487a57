import { describe, expect, it } from "vitest";
import { FlowTable } from "../../core/flow-table.ts";
import { Prng } from "../../bench/prng.ts";

interface Entry {
  key: string;
  serial: number;
}

function codesOf(key: string): number[] {
  return Array.from(key, (ch) => ch.charCodeAt(0));
}

/** A key of 7 codes (an IPv4 flow) or 19 (IPv6) from a small universe, so that keys recur. */
function randomKey(rng: Prng, universe: number): string {
  const k = rng.int(0, universe - 1);
  const v6 = k % 5 === 0;
  const codes = [v6 ? 0x206 : 6, k & 0xffff, (k * 7) & 0xffff];
  for (let i = 0; i < (v6 ? 16 : 4); i++) codes.push((k >> i) & 0xff ? (k * (i + 3)) & 0xffff : 0);
  return String.fromCharCode(...codes);
}

describe("flow table", () => {
  // With few keys the table keeps its first size, near half full, and its runs of slots now and
  // then wrap around its end (which several seeds are needed to meet); with many keys it grows.
  const runs = [...Array.from({ length: 20 }, (_, i) => [680, i + 1]), [6000, 21]];
  it.each(runs)("answers like a Map over a long random run of adds, deletes and look-ups (%i keys, seed %i)", (universe, seed) => {
    const rng = new Prng(seed);
    const table = new FlowTable<Entry>(seed * 0x9e3779b1);
    const model = new Map<string, Entry>();
    let serial = 0;
    let mismatches = 0;
    for (let step = 0; step < 200_000; step++) {
      const key = randomKey(rng, universe);
      const codes = codesOf(key);
      const found = table.find(codes, codes.length);
      if (found !== model.get(key)) mismatches++;
      if (found === undefined) {
        const e = { key, serial: serial++ };
        table.add(e);
        model.set(key, e);
      } else if (rng.int(0, 2) > 0) {
        table.delete(found);
        model.delete(key);
      }
      if (table.size !== model.size) mismatches++;
    }
    expect(mismatches).toBe(0);
    // Every entry the model has is still found; the table lists them in creation order.
    for (const [key, e] of model) expect(table.find(codesOf(key), key.length)).toBe(e);
    expect(table.values()).toEqual([...model.values()].sort((a, b) => a.serial - b.serial));
  });

  it("grows past its first size without losing entries, and empties back to nothing", () => {
    const table = new FlowTable<Entry>();
    const entries: Entry[] = [];
    for (let i = 0; i < 50_000; i++) {
      const e = { key: String.fromCharCode(17, i & 0xffff, i >> 16, 53, 1, 2, 3), serial: i };
      table.add(e);
      entries.push(e);
    }
    expect(table.size).toBe(50_000);
    let missing = 0;
    for (const e of entries) if (table.find(codesOf(e.key), 7) !== e) missing++;
    expect(missing).toBe(0);
    for (const e of entries) table.delete(e);
    expect(table.size).toBe(0);
    expect(table.values()).toEqual([]);
    expect(table.find(codesOf(entries[0].key), 7)).toBeUndefined();
  });

  it("tells keys apart by length and by every code", () => {
    const table = new FlowTable<Entry>();
    const a = { key: String.fromCharCode(6, 1, 2, 3, 4, 5, 6), serial: 0 };
    table.add(a);
    expect(table.find([6, 1, 2, 3, 4, 5, 6], 7)).toBe(a);
    expect(table.find([6, 1, 2, 3, 4, 5, 7], 7)).toBeUndefined();
    expect(table.find([6, 1, 2, 3, 4, 5, 6, 0], 8)).toBeUndefined();
    // Only the first n codes are the key: the rest of a reused buffer is ignored.
    expect(table.find([6, 1, 2, 3, 4, 5, 6, 99, 99], 7)).toBe(a);
  });

  it("ignores the deletion of an entry it does not hold", () => {
    const table = new FlowTable<Entry>();
    const a = { key: "abc", serial: 0 };
    table.add(a);
    table.delete({ key: "abc", serial: 1 });
    table.delete({ key: "xyz", serial: 2 });
    expect(table.size).toBe(1);
    expect(table.find(codesOf("abc"), 3)).toBe(a);
  });
});
