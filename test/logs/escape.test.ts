// Value rendering and escaping, TSV and JSON, one table each. Inputs are the values Zeek's btest
// scripts log; expected texts are read from the baselines those tests produced. Cases without a
// baseline follow Zeek's own unit tests of escape_utf8 (zeek:src/util.cc) and cite them.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { JsonFormat } from "../../logs/json-format.ts";
import type { LogValue, ZeekType } from "../../logs/schema.ts";
import { TsvFormat, type TsvMarkers } from "../../logs/tsv-format.ts";

const BASELINES = new URL("../../../shared/corpus/zeek/baselines/", import.meta.url);
const LOGGING = "scripts.base.frameworks.logging.";

/** Data row `index` of a baseline, its fields split on `separator`. */
function row(file: string, index: number, separator = "\t"): string[] {
  const rows = readFileSync(new URL(file, BASELINES), "utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#") && !l.startsWith("PREFIX<>"));
  return rows[index].split(separator);
}

const bytes = (...b: number[]) => Uint8Array.from(b);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function tsv(type: ZeekType, v: LogValue, markers?: Partial<TsvMarkers>): string {
  return new TsvFormat([{ name: "x", type }], markers).line([v]).slice(0, -1);
}

function json(type: ZeekType, v: LogValue): string {
  const line = new JsonFormat([{ name: "x", type }]).line([v]);
  return line.slice('{"x":'.length, -2);
}

const BINARY = LOGGING + "ascii-escape-binary/test.log"; // written with enable_utf_8=F
const UTF8 = LOGGING + "ascii-utf8-enabled/test.log";

describe("TSV value rendering", () => {
  const cases: [string, ZeekType, LogValue, string][] = [
    // ascii-escape-binary rows whose bytes are all ASCII: the UTF-8 setting does not matter for them.
    ["NULs", "string", "AB\0CD\0", row(BINARY, 0)[0]],
    ["invalid UTF-8 byte", "string", latin1("AB\xffCD\0"), row(BINARY, 1)[0]],
    ["literal backslash-x text", "string", "AB\\xffCD\0", row(BINARY, 2)[0]],
    ["a single space", "string", " ", row(BINARY, 3)[0]],
    ["escape_string() output", "string", "abc\\x00def", row(BINARY, 4)[0]],
    ["NUL in the middle", "string", "abc\0def", row(BINARY, 6)[0]],
    ["NUL and backslash-zero", "string", "foo\x00bar\\0baz", row(BINARY, 9)[0]],
    ["SO control and caret text", "string", "foo \x0e bar ^N baz", row(BINARY, 10)[0]],
    // The same input with UTF-8 enabled: ® stays raw (ascii-utf8-enabled), the backslashes double.
    ["UTF-8 beside literal escapes", "string", "foo \u00ae bar \\xc2\\xae baz", "foo \u00ae bar " + row(BINARY, 8)[0].slice(17)],
    ["2-byte UTF-8", "string", "foo \u00ae bar", row(UTF8, 0)[0]],
    ["3-byte UTF-8", "string", "दुनिया को नमस्ते", row(UTF8, 1)[0]],
    ["4-byte UTF-8", "string", "hello 𠜎", row(UTF8, 2)[0]],
    ["UTF-8 as raw bytes", "string", latin1("hello \xf0\xa0\x9c\x8e"), row(UTF8, 2)[0]],
    ["controls and the separator", "string", "foo \n\t\0 bar", row(LOGGING + "ascii-utf8-enabled-control-characters/test.log", 0)[0]],
    ["invalid UTF-8 in a URI", "string", latin1("arheoloogia_uurimisr\xfchma_seminar"), "arheoloogia_uurimisr\\xfchma_seminar"],
    ["BEL", "string", "/non_printable_\x07", row(LOGGING + "json-non-printable-escaping/http.log.tsv", 2)[9]],
    ["literal \\x07", "string", "/non_printable_literal_\\x07", row(LOGGING + "json-non-printable-escaping/http.log.tsv", 3)[9]],
    ["emoji", "string", "/printable_\u{1F604}", row(LOGGING + "json-non-printable-escaping/http.log.tsv", 1)[9]],
    ["the unset marker as a string", "string", "-", row(LOGGING + "ascii-escape-notset-str/test.log", 0)[0]],
    ["unset", "string", undefined, row(LOGGING + "ascii-escape-notset-str/test.log", 0)[1]],
    ["empty string", "string", "", row(LOGGING + "ascii-escape-notset-str/test.log", 0)[2]],
    ["the empty marker as a string", "string", "(empty)", "\\x28empty)"],
    ["set separator in elements", "set[string]", [",", "CC", ",,", "AA"], row(LOGGING + "ascii-escape-set-separator/test.log", 0)[0]],
    ["set separator outside a set", "string", "a,b", "a,b"],
    ["empty set", "set[string]", [], row(LOGGING + "json-non-printable-escaping/http.log.tsv", 0)[20]],
    ["unset set", "set[string]", null, "-"],
    ["vector hole", "vector[count]", [0, null, 2], "0,-,2"],
    ["empty string element", "vector[string]", ["a", ""], "a,(empty)"],
    ["unset marker element", "set[string]", ["-"], "\\x2d"],
    ["interval vector", "vector[interval]", [900, 900], "900.000000,900.000000"], // dns.flip TTLs
    ["count", "count", 38, "38"],
    ["count beyond 2^53", "count", 2n ** 64n - 1n, "18446744073709551615"],
    ["int", "int", -42, "-42"],
    ["port", "port", 5353, "5353"],
    ["bool", "bool", true, "T"],
    ["bool false", "bool", false, "F"],
    ["time", "time", 1559246556.073681, "1559246556.073681"], // ntp.log ref_time
    ["double", "double", 3.14, "3.14"],
    ["addr", "addr", "fe80::217:f2ff:fed7:cf65", "fe80::217:f2ff:fed7:cf65"],
    ["enum", "enum", "udp", "udp"],
    // zeek:src/util.cc json_escape_utf8 unit tests: one bad sequence escapes the whole run.
    ["invalid 2-octet sequence", "string", latin1("\xc3\x28"), "\\xc3("],
    ["overlong sequence", "string", latin1("\xc0\x81"), "\\xc0\\x81"],
    ["valid 3-octet sequence", "string", latin1("\xe2\x82\xa1"), "\u20a1"],
    ["surrogate half", "string", latin1("\xed\xa0\xa1"), "\\xed\\xa0\\xa1"],
    ["beyond U+10FFFF", "string", latin1("\xf4\x90\x8c\xbc"), "\\xf4\\x90\\x8c\\xbc"],
    ["truncated 4-octet sequence", "string", latin1("\xf4\x80\x8c"), "\\xf4\\x80\\x8c"],
    ["private use area", "string", "\ue2e0", "\\xee\\x8b\\xa0"],
    ["valid then invalid", "string", latin1("\xc3\xb1\xc0\x81"), "\\xc3\\xb1\\xc0\\x81"],
    ["control spoils the run", "string", "\x07\u0537o", "\\x07\\xd4\\xb7o"],
    ["C1 control", "string", "\u0085", "\\xc2\\x85"],
    ["DEL", "string", "a\x7f", "a\\x7f"],
    // A backslash ends a run (zeek:src/Desc.cc FirstEscapeLoc): the valid run before it stays raw.
    ["runs split at a backslash", "string", "\u00f1\\\x07", "\u00f1\\\\\\x07"],
    ["lone surrogate in a JS string", "string", "a\ud800", "a\\xef\\xbf\\xbd"],
  ];

  it.each(cases)("%s", (_, type, value, expected) => {
    expect(tsv(type, value)).toBe(expected);
  });

  it("escapes a row that would start like a meta line (ascii-line-like-comment)", () => {
    const format = new TsvFormat([
      { name: "data", type: "string" },
      { name: "c", type: "count" },
    ]);
    const expected = row(LOGGING + "ascii-line-like-comment/test.log", 1).join("\t");
    expect(format.line(["#Kaputt", 42])).toBe(expected + "\n");
    expect(format.line(["Test1#", 42])).toBe("Test1#\t42\n");
  });

  it("escapes a multi-byte separator byte by byte (ascii-escape, separator ||)", () => {
    expect(tsv("string", "fa||ure", { separator: "||" })).toBe(row(LOGGING + "ascii-escape/ssh.log", 2, "||")[5]);
    expect(tsv("string", "fa|ure", { separator: "||" })).toBe("fa|ure");
  });

  it("escapes a value equal to a custom empty marker (ascii-escape-empty-str)", () => {
    const expected = row(LOGGING + "ascii-escape-empty-str/test.log", 0)[0];
    expect(tsv("set[string]", ["EMPTY"], { emptyField: "EMPTY" })).toBe(expected);
    expect(tsv("string", "", { emptyField: "EMPTY" })).toBe("EMPTY");
  });
});

describe("JSON value rendering", () => {
  const HTTP_JSON = LOGGING + "json-non-printable-escaping/http.log.json";
  // The raw JSON text of row i's uri (the masked ts keeps the line from parsing as JSON).
  const uri = (i: number) => /"uri":("(?:[^"\\]|\\.)*")/.exec(readFileSync(new URL(HTTP_JSON, BASELINES), "utf8").split("\n")[i + 1])![1];
  const cases: [string, ZeekType, LogValue, string][] = [
    ["BEL: \\xNN, then JSON doubles the backslash", "string", "/non_printable_\x07", uri(2)],
    ["literal \\x07 reads the same", "string", "/non_printable_literal_\\x07", uri(3)],
    ["emoji passes raw", "string", "/printable_\u{1F604}", uri(1)],
    ["plain", "string", "hurz", '"hurz"'], // ascii-json
    ["quote and backslash", "string", 'say "hi" \\', '"say \\"hi\\" \\\\"'],
    // zeek:src/util.cc: \f \n \r \t are left to the JSON encoder, other controls become \xNN.
    ["layout controls", "string", "\f\n\r\t\x00\x15", '"\\f\\n\\r\\t\\\\x00\\\\x15"'],
    ["control spoils the run", "string", "\x07\u0537o", '"\\\\x07\\\\xd4\\\\xb7o"'],
    ["newline alone", "string", "a\nb", '"a\\nb"'],
    ["invalid byte", "string", latin1("AB\xffCD"), '"AB\\\\xffCD"'],
    ["valid UTF-8 bytes", "string", latin1("\xe2\x82\xa1"), '"\u20a1"'],
    ["enum", "enum", "SSH::LOG", '"SSH::LOG"'],
    ["subnet", "subnet", "10.0.0.0/24", '"10.0.0.0/24"'],
    ["bool", "bool", true, "true"],
    ["int", "int", -42, "-42"],
    ["count", "count", 21, "21"],
    ["count beyond 2^53", "count", 2n ** 64n - 1n, "18446744073709551615"],
    ["port", "port", 123, "123"],
    ["double", "double", 3.14, "3.14"],
    ["interval", "interval", 100, "100.0"],
    ["time", "time", -315619200, "-315619200.0"], // ascii-negative-ts/test.log.ts_epoch
    ["inf", "double", Infinity, "null"],
    ["set of count", "set[count]", [4, 2, 3, 1], "[4,2,3,1]"],
    ["empty set", "set[string]", [], "[]"],
    ["vector hole", "vector[count]", [0, null, 2], "[0,null,2]"],
    ["interval vector", "vector[interval]", [900, 0.5], "[900.0,0.5]"],
    ["set of strings with escapes", "set[string]", ["a,b", "\x07"], '["a,b","\\\\x07"]'],
  ];

  it.each(cases)("%s", (_, type, value, expected) => {
    expect(json(type, value)).toBe(expected);
  });

  it("leaves unset fields out and keeps column order (ascii-json-optional)", () => {
    const format = new JsonFormat([
      { name: "ts", type: "time" },
      { name: "msg", type: "string" },
      { name: "n", type: "count" },
    ]);
    const expected = readFileSync(new URL(LOGGING + "ascii-json-optional/testing.log", BASELINES), "utf8").split("\n")[1];
    expect(format.line([undefined, "Testing 1 2 3 ", null])).toBe(expected + "\n");
    expect(format.line([])).toBe("{}\n");
    expect(format.line([1.5, undefined, 7])).toBe('{"ts":1.5,"n":7}\n');
  });
});
