// One suite for both writers (hono's way with its routers): file naming, buffering, flush and
// close, whole lines under volume, errors with codes. Each format brings only how to read its rows
// back; everything it shares with the other is asserted once, here.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { LogSchema, LogValue } from "../../logs/schema.ts";
import { openLogWriter, type WriterOptions } from "../../logs/writer.ts";

const scratch = mkdtempSync(join(tmpdir(), "nsm-logs-writers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const schema: LogSchema = {
  path: "conn",
  columns: [
    { name: "ts", type: "time" },
    { name: "uid", type: "string" },
    { name: "id.orig_h", type: "addr" },
    { name: "id.orig_p", type: "port" },
    { name: "duration", type: "interval" },
    { name: "local_orig", type: "bool" },
    { name: "orig_bytes", type: "count" },
    { name: "history", type: "string" },
    { name: "tunnel_parents", type: "set[string]" },
  ],
};

/** A row as both formats read it back: one plain value per column, unset as undefined. */
type Plain = (string | number | boolean | string[] | undefined)[];

function row(i: number): { values: LogValue[]; plain: Plain } {
  const ts = 1_300_000_000 + i / 8; // exact in binary, so both formats print it exactly
  const parents = i % 3 === 0 ? [] : ["CHhAvVGS1DHFjwGM9", `C${i}`];
  const history = i % 5 === 0 ? undefined : "ShADadFf\u00e9".slice(0, 1 + (i % 9));
  const values: LogValue[] = [ts, `C${i}x`, "10.0.0.1", i % 65536, i % 7 === 0 ? null : 0.5, i % 2 === 0, i * 1000, history, parents];
  return { values, plain: values.map((v) => (v === null ? undefined : (v as Plain[number]))) };
}

const unsetTsv = (t: string) => (t === "-" ? undefined : t);

interface Implementation {
  format: WriterOptions["format"];
  /** The data rows of a file, each as plain values. */
  read(text: string): Plain[];
}

const implementations: Implementation[] = [
  {
    format: "tsv",
    read: (text) =>
      text
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("#"))
        .map((l) => {
          const [ts, uid, h, p, dur, lo, ob, hist, tp] = l.split("\t");
          return [Number(ts), uid, h, Number(p), dur === "-" ? undefined : Number(dur), lo === "T", Number(ob), unsetTsv(hist), tp === "(empty)" ? [] : tp.split(",")];
        }),
  },
  {
    format: "json",
    read: (text) =>
      text
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => {
          const o = JSON.parse(l) as Record<string, unknown>;
          return schema.columns.map((c) => o[c.name]) as Plain;
        }),
  },
];

describe.each(implementations)("$format writer", ({ format, read }) => {
  const open = (opts: Partial<WriterOptions> = {}) =>
    openLogWriter(schema, { dir: mkdtempSync(join(scratch, format + "-")), format, ...opts });

  it("writes <dir>/<path>.log, created with the first row", () => {
    const writer = open();
    expect(writer.path.endsWith("/conn.log")).toBe(true);
    expect(existsSync(writer.path)).toBe(false);
    writer.write(row(1).values);
    expect(existsSync(writer.path)).toBe(true);
    writer.close();
  });

  it("leaves no file when nothing was logged", () => {
    const writer = open();
    writer.flush();
    writer.close();
    expect(existsSync(writer.path)).toBe(false);
  });

  it("buffers rows until flush(), then every row is in the file", () => {
    const writer = open();
    for (let i = 0; i < 10; i++) writer.write(row(i).values);
    expect(statSync(writer.path).size).toBe(0);
    writer.flush();
    expect(read(readFileSync(writer.path, "utf8"))).toEqual(Array.from({ length: 10 }, (_, i) => row(i).plain));
    writer.write(row(10).values);
    writer.flush();
    expect(read(readFileSync(writer.path, "utf8"))).toHaveLength(11);
    writer.close();
  });

  it("writes full buffers on its own, never splitting a line", () => {
    const writer = open();
    let i = 0;
    writer.write(row(i++).values);
    while (statSync(writer.path).size === 0) writer.write(row(i++).values);
    const text = readFileSync(writer.path, "utf8");
    expect(text.length).toBeGreaterThan(32 * 1024);
    expect(text.endsWith("\n")).toBe(true);
    const rows = read(text);
    expect(rows).toEqual(Array.from({ length: rows.length }, (_, k) => row(k).plain));
    expect(rows.length).toBeLessThan(i);
    writer.close();
    expect(read(readFileSync(writer.path, "utf8"))).toHaveLength(i);
  });

  it("round-trips 20000 rows through close()", () => {
    const writer = open();
    for (let i = 0; i < 20000; i++) writer.write(row(i).values);
    writer.close();
    const rows = read(readFileSync(writer.path, "utf8"));
    expect(rows).toHaveLength(20000);
    expect(rows[12345]).toEqual(row(12345).plain);
    expect(rows[19999]).toEqual(row(19999).plain);
  });

  it("writes a line longer than its buffer whole", () => {
    const writer = open();
    const long = "x".repeat(200_000) + "\u00e9";
    writer.write([1.5, long]);
    writer.write(row(2).values);
    writer.close();
    const rows = read(readFileSync(writer.path, "utf8"));
    expect(rows[0][1]).toBe(long);
    expect(rows[1]).toEqual(row(2).plain);
  });

  it("treats missing trailing values as unset", () => {
    const writer = open();
    writer.write([2.5, "Cshort"]);
    writer.close();
    const [only] = read(readFileSync(writer.path, "utf8"));
    expect(only.slice(0, 2)).toEqual([2.5, "Cshort"]);
    expect(only[4]).toBeUndefined();
    expect(only[7]).toBeUndefined();
  });

  it("close() is final: a second close is harmless, a later write is an error with a code", () => {
    const writer = open();
    writer.write(row(1).values);
    writer.close();
    const text = readFileSync(writer.path, "utf8");
    writer.close();
    expect(readFileSync(writer.path, "utf8")).toBe(text);
    expect(() => writer.write(row(2).values)).toThrow(expect.objectContaining({ code: "NSM_ERR_LOG_CLOSED" }));
  });

  it("creates a missing log directory", () => {
    const dir = join(scratch, format + "-nested", "a", "b");
    const writer = openLogWriter(schema, { dir, format });
    writer.write(row(1).values);
    writer.close();
    expect(read(readFileSync(join(dir, "conn.log"), "utf8"))).toEqual([row(1).plain]);
  });

  it("reports a directory it cannot create with NSM_ERR_LOG_OPEN", () => {
    const blocker = join(scratch, format + "-blocker");
    writeFileSync(blocker, "not a directory");
    const writer = openLogWriter(schema, { dir: join(blocker, "logs"), format });
    expect(() => writer.write(row(1).values)).toThrow(expect.objectContaining({ code: "NSM_ERR_LOG_OPEN" }));
  });
});

describe("format-specific framing", () => {
  it("TSV ends with #close; JSON has no meta lines at all", () => {
    const texts = implementations.map(({ format }) => {
      const writer = openLogWriter(schema, { dir: mkdtempSync(join(scratch, "frame-")), format, now: () => new Date(2026, 0, 2, 3, 4, 5) });
      writer.write(row(1).values);
      writer.close();
      return readFileSync(writer.path, "utf8");
    });
    expect(texts[0].startsWith("#separator \\x09\n")).toBe(true);
    expect(texts[0].endsWith("\n#close\t2026-01-02-03-04-05\n")).toBe(true);
    expect(texts[1].split("\n").filter((l) => l.startsWith("#"))).toEqual([]);
    expect(texts[1].split("\n")).toHaveLength(2);
  });
});
