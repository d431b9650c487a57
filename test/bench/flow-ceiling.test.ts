// The bench's minimal flow tracker must track what it claims to: one line per flow, every packet
// counted once, flows found again from either direction.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTrafficMix } from "../../bench/traffic-mix.ts";
import { measureFlowCeiling } from "../../bench/flow-ceiling.ts";

const dir = mkdtempSync(join(tmpdir(), "nsm-ceiling-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bench's minimal flow tracker", () => {
  it("finds one flow per conversation of a generated mix and reads every packet", async () => {
    const path = join(dir, "mix.pcap");
    const stats = writeTrafficMix(path, 20_000, 3);
    const conversations = Object.values(stats.conversations).reduce((a, b) => a + b, 0);
    const run = await measureFlowCeiling(path, join(dir, "ceiling.log"));
    expect(run.packets).toBe(stats.packets);
    // A conversation idle longer than the tracker's 10 s (a slow one-way stream) may count twice;
    // one that a reply did not find would count twice too, and far more often.
    expect(run.flows).toBeGreaterThanOrEqual(conversations);
    expect(run.flows).toBeLessThan(conversations * 1.05);
  });
});
