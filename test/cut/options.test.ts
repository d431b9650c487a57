// nsm cut option by option, on a small log written here by hand (values checked with `date -u -d
// @1300475167`: 2011-03-18 19:06:07 UTC, 15:06:07 EDT in New York) and zeek-cut's documented
// behaviour: columns in the order asked, a column the log lacks printed empty, header blocks kept
// or not, time columns converted, gzip'd and JSON logs read like plain TSV.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { LogCutter, DEFAULT_TIME_FORMAT, type CutOptions } from "../../core/cut/cutter.ts";
import { JsonLog } from "../../core/cut/json-log.ts";
import { TimeFormat, utcTime } from "../../core/cut/strftime.ts";
import { nsm, PROJECT_ROOT } from "../fixtures/nsm-bin.ts";

const HEADER = [
  "#separator \\x09",
  "#set_separator\t,",
  "#empty_field\t(empty)",
  "#unset_field\t-",
  "#path\tdemo",
  "#open\t2026-01-01-00-00-00",
  "#fields\tts\tuid\tid.orig_h\tnote\tend",
  "#types\ttime\tstring\taddr\tstring\ttime",
];
const ROWS = ["1300475167.096535\tC1\t10.0.0.1\thello\t-", "1300475168.500000\tC2\t10.0.0.2\t(empty)\t1300475169.000001"];
const CLOSE = "#close\t2026-01-01-00-00-01";
const DEMO = [...HEADER, ...ROWS, CLOSE].join("\n") + "\n";

function cut(lines: string[], options: Partial<CutOptions>): { out: string; warnings: string[] } {
  let out = "";
  const warnings: string[] = [];
  const full: CutOptions = { columns: [], negate: false, headers: "none", minimal: false, time: "none", timeFormat: DEFAULT_TIME_FORMAT, ...options };
  const cutter = new LogCutter(full, { out: (t) => (out += t), warn: (m) => warnings.push(m) });
  for (const l of lines) cutter.line(l);
  return { out, warnings };
}

const demoLines = DEMO.trimEnd().split("\n");
const lines = (...ls: string[]) => ls.map((l) => l + "\n").join("");

describe("columns and headers", () => {
  it("prints every column without headers by default", () => {
    expect(cut(demoLines, {}).out).toBe(lines(...ROWS));
  });

  it("prints the named columns in the order given, a missing one empty", () => {
    expect(cut(demoLines, { columns: ["note", "uid"] }).out).toBe(lines("hello\tC1", "(empty)\tC2"));
    expect(cut(demoLines, { columns: ["uid", "nope", "note"], headers: "first", minimal: true }).out).toBe(lines("uid\t\tnote", "C1\t\thello", "C2\t\t(empty)"));
  });

  it("-n prints all but the named columns", () => {
    expect(cut(demoLines, { columns: ["ts", "end"], negate: true }).out).toBe(lines("C1\t10.0.0.1\thello", "C2\t10.0.0.2\t(empty)"));
  });

  it("-c keeps the first header block with #fields/#types cut down; -C keeps later blocks (#close) too", () => {
    const first = [...HEADER.slice(0, 6), "#fields\tuid", "#types\tstring", "C1", "C2"];
    expect(cut(demoLines, { columns: ["uid"], headers: "first" }).out).toBe(lines(...first));
    expect(cut(demoLines, { columns: ["uid"], headers: "all" }).out).toBe(lines(...first, CLOSE));
  });

  it("-m/-M give one line of names per header block", () => {
    const twice = [...demoLines, ...demoLines];
    expect(cut(twice, { columns: ["uid"], headers: "first", minimal: true }).out).toBe(lines("uid", "C1", "C2", "C1", "C2"));
    expect(cut(twice, { columns: ["uid"], headers: "all", minimal: true }).out).toBe(lines("uid", "C1", "C2", "uid", "C1", "C2"));
  });

  it("-F sets the output separator; each log's own separator is read from its header", () => {
    const comma = demoLines.map((l) => l.replaceAll("\t", ",")).map((l) => (l.startsWith("#separator") ? "#separator \\x2c" : l));
    expect(cut([...demoLines, ...comma], { columns: ["uid", "note"], separator: "|" }).out).toBe(lines("C1|hello", "C2|(empty)", "C1|hello", "C2|(empty)"));
    expect(cut(comma, { columns: ["uid", "note"] }).out).toBe(lines("C1,hello", "C2,(empty)"));
  });

  it("follows each log's column order when several follow one another", () => {
    // ts stays first; the other columns in reverse, in the #fields/#types lines and the rows alike.
    const keep = (l: string) => (l.startsWith("#fields") || l.startsWith("#types") ? 2 : 1);
    const reordered = demoLines.map((l) => l.split("\t")).map((f, i) => (f.length < 5 ? f : [...f.slice(0, keep(demoLines[i])), ...f.slice(keep(demoLines[i])).reverse()]).join("\t"));
    expect(cut([...demoLines, ...reordered], { columns: ["uid"] }).out).toBe(lines("C1", "C2", "C1", "C2"));
  });

  it("skips a line with too few fields, with a warning", () => {
    const r = cut([...HEADER, "1300475167.096535\tC1"], { columns: ["note"] });
    expect(r.out).toBe("");
    expect(r.warnings).toEqual(["skipping log line (not enough fields)"]);
  });

  it("stops at a header block without #types, or #types without #fields", () => {
    expect(() => cut([...HEADER.slice(0, 7), ...ROWS], {})).toThrow(/missing #types/);
    expect(() => cut([...HEADER.slice(0, 6), HEADER[7], ...ROWS], {})).toThrow(/missing #fields/);
  });
});

describe("time conversion", () => {
  it("-u converts time columns only, with zeek-cut's default format; the unset field stays", () => {
    expect(cut(demoLines, { columns: ["ts", "end", "uid"], time: "utc" }).out).toBe(
      lines("2011-03-18T19:06:07+0000\t-\tC1", "2011-03-18T19:06:08+0000\t2011-03-18T19:06:09+0000\tC2"),
    );
  });

  it("-U takes a strftime format; -c with conversion shows time columns as strings", () => {
    const r = cut(demoLines, { columns: ["ts"], time: "utc", timeFormat: "%F %T %Z", headers: "first" });
    expect(r.out).toContain("#types\tstring\n2011-03-18 19:06:07 GMT\n");
  });

  it("prints values that are not times as they are, with zeek-cut's warnings", () => {
    const r = cut([...HEADER, "1300475167\tC1\ta\tb\t-", "-5.0\tC2\ta\tb\t-"], { columns: ["ts"], time: "utc" });
    expect(r.out).toBe(lines("1300475167", "-5.0"));
    expect(r.warnings).toEqual(["time field is not valid: 1300475167", "time value out-of-range: -5.0"]);
  });

  it("renders the conversions zeek-cut users use, as glibc does", () => {
    const t = utcTime(1300475167);
    expect(new TimeFormat("%Y|%m|%d|%H|%M|%S|%e|%j|%a|%b|%y|%z|%Z|%T|%F|%%").render(t)).toBe("2011|03|18|19|06|07|18|077|Fri|Mar|11|+0000|GMT|19:06:07|2011-03-18|%");
    expect(new TimeFormat("%e/%j").render(utcTime(0))).toBe(" 1/001");
  });

  it("refuses conversions it does not do, naming them", () => {
    expect(() => new TimeFormat("%c")).toThrow(/%c is not supported/);
    expect(() => new TimeFormat("%-d")).toThrow(/%- is not supported/);
    expect(() => new TimeFormat("ends in %")).toThrow(/lone %/);
  });
});

describe("JSON logs", () => {
  const json = [
    '{"ts":1300475167.096535,"uid":"C1","id.orig_h":"10.0.0.1","note":"hello","ttls":[300.0,60.5]}',
    '{"ts":1300475168.5,"uid":"C2","id.orig_h":"10.0.0.2","note":"","end":1300475169.000001,"tags":[],"ok":true}',
  ];
  function cutJson(options: Partial<CutOptions>): string {
    let out = "";
    const full: CutOptions = { columns: [], negate: false, headers: "none", minimal: false, time: "none", timeFormat: DEFAULT_TIME_FORMAT, ...options };
    const sink = { out: (t: string) => (out += t), warn: () => {} };
    const log = new JsonLog(new LogCutter(full, sink), sink);
    for (const l of json) log.line(l);
    return out;
  }

  it("prints fields as the TSV log would hold them; numbers exactly as written; absent keys unset", () => {
    expect(cutJson({ columns: ["uid", "note", "end", "ttls", "tags", "ok"], headers: "first", minimal: true })).toBe(
      lines("uid\tnote\tend\tttls\ttags\tok", "C1\thello\t-\t300.0,60.5\t-\t-", "C2\t(empty)\t1300475169.000001\t-\t(empty)\tT"),
    );
  });

  it("without names, takes keys as they come: a row with new keys starts a new header block", () => {
    expect(cutJson({ headers: "all", minimal: true, columns: ["ttls"], negate: true })).toBe(
      lines("ts\tuid\tid.orig_h\tnote", "1300475167.096535\tC1\t10.0.0.1\thello", "ts\tuid\tid.orig_h\tnote\tend\ttags\tok", "1300475168.5\tC2\t10.0.0.2\t(empty)\t1300475169.000001\t(empty)\tT"),
    );
  });

  it("converts ts and *_ts columns with -u", () => {
    expect(cutJson({ columns: ["ts", "uid"], time: "utc" })).toBe(lines("2011-03-18T19:06:07+0000\tC1", "2011-03-18T19:06:08+0000\tC2"));
  });
});

describe("the nsm cut command", { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "nsm-cut-"));
    writeFileSync(join(dir, "demo.log"), DEMO);
    writeFileSync(join(dir, "demo.2026-01-01-00-00-00.log.gz"), gzipSync(DEMO));
  });

  it("reads standard input, a file, a gzip'd file, and several files in order", () => {
    const want = lines("C1\thello", "C2\t(empty)");
    expect(nsm(["cut", "uid", "note"], { cwd: dir, input: DEMO }).stdout).toBe(want);
    expect(nsm(["cut", "uid", "note", "demo.log"], { cwd: dir }).stdout).toBe(want);
    expect(nsm(["cut", "uid", "note", "demo.2026-01-01-00-00-00.log.gz"], { cwd: dir }).stdout).toBe(want);
    expect(nsm(["cut", "-m", "uid", "demo.log", "-", "demo.2026-01-01-00-00-00.log.gz"], { cwd: dir, input: gzipSync(DEMO) }).stdout).toBe(lines("uid", "C1", "C2", "C1", "C2", "C1", "C2"));
  });

  it("converts to local time in TZ with -d/-D; a later -u/-d wins, as in zeek-cut", () => {
    const env = { TZ: "America/New_York" };
    expect(nsm(["cut", "-d", "ts", "demo.log"], { cwd: dir, env }).stdout).toBe(lines("2011-03-18T15:06:07-0400", "2011-03-18T15:06:08-0400"));
    expect(nsm(["cut", "-D", "%a %b %e %j %y %H %s", "ts", "demo.log"], { cwd: dir, env }).stdout.split("\n")[0]).toBe("Fri Mar 18 077 11 15 1300475167");
    expect(nsm(["cut", "-u", "-D", "%H", "ts", "demo.log"], { cwd: dir, env }).stdout.split("\n")[0]).toBe("15");
    expect(nsm(["cut", "-D", "%H", "-u", "ts", "demo.log"], { cwd: dir, env }).stdout.split("\n")[0]).toBe("19");
    expect(nsm(["cut", "-u", "ts", "demo.log"], { cwd: dir, env: { ZEEK_CUT_TIMEFMT: "%T" } }).stdout.split("\n")[0]).toBe("19:06:07");
    expect(nsm(["cut", "uid", "demo.log"], { cwd: dir, env: { ZEEK_CUT_TIMEFMT: "%c" } }).stdout).toBe(lines("C1", "C2"));
  });

  it("refuses a separator longer than one character and a format it cannot render", () => {
    const sep = nsm(["cut", "-F", "ab", "uid", "demo.log"], { cwd: dir });
    expect(sep.status).not.toBe(0);
    expect(sep.stderr).toMatch(/single character/);
    const fmt = nsm(["cut", "-U", "%c", "ts", "demo.log"], { cwd: dir });
    expect(fmt.status).not.toBe(0);
    expect(fmt.stderr).toMatch(/%c is not supported.*NSM_ERR_BAD_TIME_FORMAT/);
  });

  it("names a log it cannot read in its one line", () => {
    writeFileSync(join(dir, "cut-short.log.gz"), gzipSync(DEMO).subarray(0, 40));
    const missing = nsm(["cut", "uid", "nosuch.log"], { cwd: dir });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toBe("nsm: nosuch.log: no such file (NSM_ERR_BAD_LOG)\n");
    const broken = nsm(["cut", "uid", "cut-short.log.gz"], { cwd: dir });
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/^nsm: cut-short\.log\.gz: unexpected end of file/);
  });

  it("cuts nsm's JSON log like its TSV log", () => {
    const pcap = join(PROJECT_ROOT, "examples", "example.pcap");
    expect(nsm(["-r", pcap, "--logdir", "tsv"], { cwd: dir }).status).toBe(0);
    expect(nsm(["-r", pcap, "--logdir", "json", "-j"], { cwd: dir }).status).toBe(0);
    const cols = ["uid", "id.orig_h", "id.resp_p", "proto", "service", "history", "orig_pkts"];
    const fromTsv = nsm(["cut", "-m", ...cols, "tsv/conn.log"], { cwd: dir }).stdout;
    expect(fromTsv.split("\n").length).toBeGreaterThan(5);
    expect(nsm(["cut", "-m", ...cols, "json/conn.log"], { cwd: dir }).stdout).toBe(fromTsv);
  });
});
