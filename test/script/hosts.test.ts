// One API, two hosts: the bundled conn.log and weird.log scripts, run in the QuickJS sandbox instead
// of natively, write the same logs for the same trace.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const trace = join(root, "..", "shared", "corpus", "zeek", "traces", "wikipedia.pcap");

async function logs(sandboxAll: boolean): Promise<{ conn: string[]; weird: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "nsm-hosts-"));
  const options = defaultOptions();
  options.ignore_checksums = true;
  await runTrace({ source: trace, options, localNets: [], logs: { dir, format: "tsv" }, sandboxAll });
  const body = (f: string) => readFileSync(join(dir, f), "utf8").split("\n").filter((l) => !l.startsWith("#open") && !l.startsWith("#close"));
  return { conn: body("conn.log"), weird: body("weird.log") };
}

describe("native and sandboxed hosts", () => {
  it("write the same conn.log and weird.log", async () => {
    const native = await logs(false);
    const sandboxed = await logs(true);
    expect(native.conn.length).toBeGreaterThan(30);
    expect(sandboxed.conn).toEqual(native.conn);
    expect(sandboxed.weird).toEqual(native.weird);
  }, 60_000);
});
