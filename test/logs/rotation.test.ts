// Log rotation: the schedule falls on multiples of the interval from local midnight (Zeek's
// log_rotate_base_time), a closed file takes zeek-archiver's name with its open and close times
// (Zeek's archiver_rotation_format_func with default_rotation_date_format), a name is never reused,
// and in a run every row lands in the file of the period it was written in, TSV and JSON alike.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nextRotation, renameRotated, rotatedBasename } from "../../logs/rotation.ts";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { runTrace } from "../../core/run.ts";
import { defaultOptions } from "../../core/options.ts";
import { ethernetFrame } from "../fixtures/frames.ts";
import { logRows } from "../fixtures/logs.ts";

/** Seconds since the epoch of a local time. */
const local = (h: number, m: number, s: number, day = 22) => new Date(2026, 10, day, h, m, s).getTime() / 1000;

describe("rotation schedule and names", () => {
  it("rotates on the interval's multiples from local midnight", () => {
    expect(nextRotation(local(7, 42, 31.5), 3600)).toBe(local(8, 0, 0));
    expect(nextRotation(local(7, 42, 31), 900)).toBe(local(7, 45, 0));
    expect(nextRotation(local(8, 0, 0), 3600)).toBe(local(9, 0, 0)); // on a boundary: the next one
    expect(nextRotation(local(23, 30, 0), 3600)).toBe(local(0, 0, 0, 23)); // past midnight
    expect(nextRotation(local(0, 0, 5), 7)).toBe(local(0, 0, 7));
  });

  it("names a closed file path__OPEN__CLOSE__ with Zeek's date format", () => {
    expect(rotatedBasename("conn", local(7, 0, 0), local(8, 0, 0))).toBe("conn__2026-11-22-07-00-00__2026-11-22-08-00-00__");
    expect(rotatedBasename("dns", local(7, 0, 0.9), local(7, 0, 1), 2)).toBe("dns__2026-11-22-07-00-00__2026-11-22-07-00-01__log_suffix=2__");
  });

  it("never renames over an existing file", () => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-rot-"));
    writeFileSync(join(dir, "conn.log"), "first\n");
    const a = renameRotated(dir, "conn", local(7, 0, 0), local(7, 0, 1))!;
    writeFileSync(join(dir, "conn.log"), "second\n");
    const b = renameRotated(dir, "conn", local(7, 0, 0), local(7, 0, 1))!;
    expect(a).not.toBe(b);
    expect(readFileSync(a, "utf8")).toBe("first\n");
    expect(readFileSync(b, "utf8")).toBe("second\n");
    expect(b).toMatch(/log_suffix=1__\.log$/);
    expect(existsSync(join(dir, "conn.log"))).toBe(false);
    expect(renameRotated(dir, "conn", 0, 1)).toBeUndefined(); // nothing to rotate
  });
});

describe.each(["tsv", "json"] as const)("rotation in a run (%s)", (format) => {
  // One new UDP flow at each of these local times; with a one-minute interval the rotations fall at
  // 07:01 and 07:02, and the last files close at the end of input (07:02:10), as Zeek rotates at exit.
  const times = [local(7, 0, 0.5), local(7, 0, 30), local(7, 1, 10), local(7, 2, 10)];

  it("closes and renames every file at each boundary; rows land in their period's file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsm-rot-run-"));
    const pcap = new PcapWriter(join(dir, "in.pcap"));
    times.forEach((t, i) => pcap.write(t, ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 40000 + i, dport: 9999, payload: "x" })));
    pcap.close();
    const script = join(dir, "probe.ts");
    writeFileSync(script, `import { on, Log, networkTime } from "nsm";
Log.createStream("Probe::LOG", { path: "probe", columns: { ts: "time", uid: "string" } });
on("new_connection", (c) => Log.write("Probe::LOG", { ts: networkTime(), uid: c.uid }));
`);
    const logs = join(dir, "logs");
    await runTrace({
      source: join(dir, "in.pcap"),
      options: defaultOptions(),
      localNets: [],
      logs: { dir: logs, format, rotateInterval: 60 },
      scripts: [{ path: script, bundled: false }],
    });
    const probes = readdirSync(logs).filter((f) => f.startsWith("probe")).sort();
    expect(probes).toEqual([
      "probe__2026-11-22-07-00-00__2026-11-22-07-01-00__.log",
      "probe__2026-11-22-07-01-00__2026-11-22-07-02-00__.log",
      "probe__2026-11-22-07-02-00__2026-11-22-07-02-10__.log",
    ]);
    const tsOf = (f: string): number[] => {
      const text = readFileSync(join(logs, f), "utf8");
      if (format === "json") return text.trim().split("\n").map((l) => JSON.parse(l).ts);
      expect(text).toMatch(/\n#close\t\d{4}(-\d\d){5}\n$/);
      return logRows(join(logs, f)).map((r) => Number(r.ts));
    };
    expect(probes.map(tsOf)).toEqual([[times[0], times[1]], [times[2]], [times[3]]]);
    // conn.log: flows are logged when they leave the table (60 s of inactivity, or the end).
    const conns = readdirSync(logs).filter((f) => f.startsWith("conn"));
    expect(conns.every((f) => /^conn__(\d{4}(-\d\d){5}__){2}\.log$/.test(f))).toBe(true);
    expect(readdirSync(logs).filter((f) => !f.includes("__"))).toEqual([]);
  });
});
