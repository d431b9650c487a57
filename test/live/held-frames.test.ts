// The frames a live run holds while its scripts load: copies of what the source handed over (its
// buffer is reused at once), in arrival order, within the bound, the rest counted as dropped.
import { describe, expect, it } from "vitest";
import { HeldFrames } from "../../core/capture/held-frames.ts";
import type { RawFrame } from "../../core/packet.ts";

describe("HeldFrames", () => {
  it("keeps copies in order, lets them go once released, and counts what did not fit", () => {
    const shared = new Uint8Array(64);
    const held = new HeldFrames(10);
    const arrive = (ts: number, fill: number, caplen: number) => {
      shared.fill(fill);
      held.hold({ ts, data: shared, offset: 8, caplen, wirelen: caplen + 2, linkType: 1 });
    };
    arrive(1.5, 0xaa, 4);
    arrive(2.5, 0xbb, 4);
    arrive(3.5, 0xcc, 4); // 12 bytes would pass the bound of 10
    shared.fill(0); // the source reuses its buffer
    expect(held.firstTime).toBe(1.5);
    expect(held.dropped).toBe(1);

    const out: RawFrame[] = [];
    held.release((f) => out.push(f));
    expect(out.map((f) => [f.ts, f.offset, f.caplen, f.wirelen, [...f.data]])).toEqual([
      [1.5, 0, 4, 6, [0xaa, 0xaa, 0xaa, 0xaa]],
      [2.5, 0, 4, 6, [0xbb, 0xbb, 0xbb, 0xbb]],
    ]);
    expect(held.firstTime).toBeUndefined();
    // The bound applies afresh after a release.
    arrive(4.5, 0xdd, 8);
    expect(held.firstTime).toBe(4.5);
  });
});
