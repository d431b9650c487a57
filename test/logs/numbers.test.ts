// Number renderings against Zeek's baselines (inputs are the values the btest scripts log) and,
// for rounding ties, against C's printf("%.6f"), which rounds like the to_chars Zeek calls.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatDouble, formatFixed6, formatJsonDouble } from "../../logs/numbers.ts";

const BASELINES = new URL("../../../shared/corpus/zeek/baselines/", import.meta.url);

/** The data rows of a baseline: banner and meta lines dropped. */
function rows(file: string): string[] {
  return readFileSync(new URL(file, BASELINES), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"));
}

// The values scripts.base.frameworks.logging.ascii-double logs, in order.
const dmax = 1.79e308;
const dmin = 2.23e-308;
const DOUBLES = [
  2153226000.0, 2153226000.1, 2153226000.123456789, 1.0, 1.1, 1.123456789, -1.123456789, 1.1234, 0.1234,
  5e4, -5e4, 3.14e15, -3.14e15, dmax, -dmax, 1.23456789e-5, dmin, -dmin, dmax * 2, -dmax * 2, -0.0,
  dmax * 2 * 0,
];

describe("double", () => {
  const tsv = rows("scripts.base.frameworks.logging.ascii-double/test.log");
  const json = rows("scripts.base.frameworks.logging.ascii-double/json.log");

  it("baselines hold one row per logged value", () => {
    expect(tsv).toHaveLength(DOUBLES.length);
    expect(json).toHaveLength(DOUBLES.length);
  });

  it.each(DOUBLES.map((d, i) => [d, tsv[i]]))("TSV %d -> %s", (d, expected) => {
    expect(formatDouble(d)).toBe(expected);
  });

  it.each(DOUBLES.map((d, i) => [d, json[i]]))("JSON %d -> %s", (d, expected) => {
    expect(`{"d":${formatJsonDouble(d)}}`).toBe(expected);
  });

  it.each([
    [0.9999999, "1"], // rounds to a whole number but is not within 1e-9 of one: no ".0" (double_to_str)
    [1.0000000001, "1.0"],
    [0.0078125, "0.007812"], // exact tie, to even
    [100, "100.0"],
  ])("TSV %d -> %s", (d, expected) => {
    expect(formatDouble(d)).toBe(expected);
  });

  it.each([
    [1e21, "1e21"],
    [1e20, "100000000000000000000.0"],
    [1e-7, "1e-7"],
    [1.5e-7, "1.5e-7"],
    [100, "100.0"],
    [-42.5, "-42.5"],
  ])("JSON %d -> %s (rapidjson's shortest form)", (d, expected) => {
    expect(formatJsonDouble(d)).toBe(expected);
  });
});

describe("time and interval: six fixed decimals", () => {
  // scripts.base.frameworks.logging.ascii-timestamps logs these times.
  const TIMES = [
    1234567890, 1234567890.0, 1234567890.01, 1234567890.001, 1234567890.0001, 1234567890.00001,
    1234567890.000001, 1234567890.0000001, 2385642157,
  ];
  const expected = rows("scripts.base.frameworks.logging.ascii-timestamps/test.log");

  it.each(TIMES.map((t, i) => [t, expected[i]]))("%d -> %s", (t, text) => {
    expect(formatFixed6(t)).toBe(text);
  });

  it.each([
    [0.000435, "0.000435"], // opt.basic/conn.log duration
    [900, "900.000000"], // dns.flip TTL
    [-315619200, "-315619200.000000"], // ascii-negative-ts
    [-0.5, "-0.500000"],
    [-1e-9, "-0.000000"],
    [0.9999995, "1.000000"], // carry into the seconds
    [0.99999949999, "0.999999"],
    [0.0078125, "0.007812"], // exact ties go to even, as printf does
    [0.0234375, "0.023438"],
    [-0.0078125, "-0.007812"],
    [1300000000.0859375, "1300000000.085938"],
    [2 ** 53 + 2, "9007199254740994.000000"],
    [1e22, "10000000000000000000000.000000"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ])("%d -> %s", (t, text) => {
    expect(formatFixed6(t)).toBe(text);
  });

  it("agrees with toFixed wherever toFixed is exact and not on a tie", () => {
    // A sweep over capture-like timestamps: integer path vs. V8's exact fixed-point conversion.
    const mismatches: string[] = [];
    for (let i = 0; i < 20000; i++) {
      const t = 1_300_000_000 + i * 7.123457 + i / 1e7;
      if (formatFixed6(t) !== t.toFixed(6)) mismatches.push(`${t}: ${formatFixed6(t)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
