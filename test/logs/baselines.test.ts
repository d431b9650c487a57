// Whole files against Zeek's own logs. Each TSV baseline is read back into values (header, markers,
// columns, rows), written again by our writer and compared byte for byte after the same
// canonification btest applied (LOG-FORMAT.md §0): #open/#close masked, and the first epoch time
// of each line masked where the baseline masks it. conn.log is also checked with zeeklog-diff, in
// both formats, and JSON output is checked against the JSON baselines.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { scalarType, type Column, type LogSchema, type LogValue, type ZeekType } from "../../logs/schema.ts";
import { TsvFormat, type TsvMarkers } from "../../logs/tsv-format.ts";
import { weirdSchema } from "../../logs/weird.ts";
import { openLogWriter, type WriterOptions } from "../../logs/writer.ts";

const CORPUS = new URL("../../../shared/corpus/zeek/", import.meta.url);
const ZEEKLOG_DIFF = fileURLToPath(new URL("../../../shared/tools/zeeklog-diff", import.meta.url));
const LOGGING = "scripts.base.frameworks.logging.";
const MASKED_TIME = "XXXXXXXXXX.XXXXXX";

const scratch = mkdtempSync(join(tmpdir(), "nsm-logs-baselines-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A baseline file without btest's banner line. */
function baseline(file: string): string {
  const text = readFileSync(new URL("baselines/" + file, CORPUS), "utf8");
  return text.slice(text.indexOf("\n") + 1);
}

interface ParsedLog {
  markers: TsvMarkers;
  schema: LogSchema;
  rows: LogValue[][];
}

const unhex = (s: string) => s.replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** A field's text back to bytes: \\ is one backslash, \xNN one byte. */
function unescapeBytes(text: string): Uint8Array {
  const raw = Buffer.from(text, "utf8");
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && raw[i + 1] === 0x5c) {
      out.push(0x5c);
      i++;
    } else if (raw[i] === 0x5c && raw[i + 1] === 0x78) {
      out.push(parseInt(raw.subarray(i + 2, i + 4).toString(), 16));
      i += 3;
    } else out.push(raw[i]);
  }
  return Uint8Array.from(out);
}

/** Reads a Zeek TSV log into values; a masked time becomes a fresh 10-digit epoch time. */
function parseTsvLog(text: string): ParsedLog {
  const lines = text.split("\n").filter((l) => l !== "");
  const at = lines[0].indexOf("separator ");
  const metaPrefix = lines[0].slice(0, at);
  const separator = unhex(lines[0].slice(at + "separator ".length));
  const meta = new Map<string, string>();
  const data: string[] = [];
  for (const line of lines.slice(1)) {
    if (!line.startsWith(metaPrefix)) {
      data.push(line);
      continue;
    }
    const body = line.slice(metaPrefix.length);
    const cut = body.indexOf(separator);
    if (cut > 0) meta.set(body.slice(0, cut), body.slice(cut + separator.length));
  }
  const markers: TsvMarkers = {
    separator,
    setSeparator: unhex(meta.get("set_separator")!),
    emptyField: unhex(meta.get("empty_field")!),
    unsetField: unhex(meta.get("unset_field")!),
    metaPrefix,
  };
  const names = meta.get("fields")!.split(separator);
  const types = meta.get("types")!.split(separator) as ZeekType[];
  const columns: Column[] = names.map((name, i) => ({ name, type: types[i] }));
  let nextTime = 1_300_000_000.25;
  const scalar = (t: string, type: string): LogValue => {
    switch (type) {
      case "time":
      case "interval":
      case "double":
        if (t === MASKED_TIME) return nextTime++;
        return t === "inf" ? Infinity : t === "-inf" ? -Infinity : Number(t);
      case "count":
      case "int":
      case "port":
        return Number(t);
      case "bool":
        return t === "T";
      default:
        if (t === markers.emptyField) return "";
        return t.includes("\\") ? unescapeBytes(t) : t;
    }
  };
  const field = (t: string, type: ZeekType): LogValue => {
    if (t === markers.unsetField) return undefined;
    if (!type.endsWith("]")) return scalar(t, type);
    if (t === markers.emptyField) return [];
    return t.split(markers.setSeparator).map((e) => (e === markers.unsetField ? null : scalar(e, scalarType(type))));
  };
  const rows = data.map((line) => line.split(separator).map((t, i) => field(t, types[i])));
  return { markers, schema: { path: unhex(meta.get("path")!), columns }, rows };
}

/** Writes rows through openLogWriter and returns the file's text. */
function writeLog(schema: LogSchema, rows: LogValue[][], opts: Partial<WriterOptions> = {}): string {
  const dir = mkdtempSync(join(scratch, "run-"));
  const writer = openLogWriter(schema, { dir, format: "tsv", now: () => new Date(2026, 0, 1), ...opts });
  for (const row of rows) writer.write(row);
  writer.close();
  return readFileSync(writer.path, "utf8");
}

/** btest's canonifiers applied to our output, shaped by what the baseline shows. */
function canonify(ours: string, expected: string, metaPrefix: string): string {
  const maskTime = expected.includes(MASKED_TIME);
  const keepOpenClose = expected.includes(metaPrefix + "open");
  return ours
    .split("\n")
    .filter((l) => keepOpenClose || !(l.startsWith(metaPrefix + "open") || l.startsWith(metaPrefix + "close")))
    .map((l) => {
      for (const key of ["open", "close"]) {
        if (l.startsWith(metaPrefix + key)) return `${metaPrefix}${key} XXXX-XX-XX-XX-XX-XX`;
      }
      return maskTime ? l.replace(/[0-9]{9,10}\.[0-9]{1,8}/, MASKED_TIME) : l;
    })
    .join("\n");
}

// Raw TSV logs Zeek wrote with LogAscii::enable_utf_8 on (ascii-escape-binary turns it off, and
// ascii-double loses -2.23e-308 to "-0.0" on the way back, so numbers.test.ts covers those two).
const TSV_BASELINES = [
  LOGGING + "ascii-empty/ssh-filtered.log",
  LOGGING + "ascii-escape/ssh.log",
  LOGGING + "ascii-escape-empty-str/test.log",
  LOGGING + "ascii-escape-notset-str/test.log",
  LOGGING + "ascii-escape-odd-url/http.log",
  LOGGING + "ascii-escape-set-separator/test.log",
  LOGGING + "ascii-line-like-comment/test.log",
  LOGGING + "ascii-timestamps/test.log",
  LOGGING + "ascii-utf8-enabled/test.log",
  LOGGING + "ascii-utf8-enabled-control-characters/test.log",
  LOGGING + "json-non-printable-escaping/http.log.tsv",
  "opt.basic/conn.log",
  "opt.basic/dns.log",
  "scripts.base.protocols.dns.flip/dns.log",
  "scripts.base.protocols.dhcp.dhcp-all-msg-types/dhcp.log",
  "scripts.base.protocols.ntp.ntp/ntp.log",
  "scripts.base.protocols.snmp.v3/snmp.log",
  "scripts.base.protocols.snmp.oid-subidentifier-too-long/weird.log",
];

describe("TSV writer reproduces Zeek's logs byte for byte", () => {
  it.each(TSV_BASELINES)("%s", (file) => {
    const expected = baseline(file);
    const log = parseTsvLog(expected);
    expect(log.rows.length).toBeGreaterThan(0);
    const ours = writeLog(log.schema, log.rows, { markers: log.markers });
    expect(canonify(ours, expected, log.markers.metaPrefix)).toBe(expected);
  });

  it("writes the header lines in Zeek's order, #open and #close with wall-clock local time", () => {
    const log = parseTsvLog(baseline("opt.basic/conn.log"));
    let clock = new Date(2026, 4, 7, 8, 9, 10);
    const writer = openLogWriter(log.schema, { dir: mkdtempSync(join(scratch, "clock-")), format: "tsv", now: () => clock });
    writer.write(log.rows[0]);
    clock = new Date(2026, 11, 31, 23, 59, 58);
    writer.close();
    const lines = readFileSync(writer.path, "utf8").split("\n");
    expect(lines.slice(0, 8)).toEqual([
      "#separator \\x09",
      "#set_separator\t,",
      "#empty_field\t(empty)",
      "#unset_field\t-",
      "#path\tconn",
      "#open\t2026-05-07-08-09-10",
      ...baseline("opt.basic/conn.log").split("\n").slice(6, 8),
    ]);
    expect(lines.slice(-2)).toEqual(["#close\t2026-12-31-23-59-58", ""]);
  });
});

describe("zeeklog-diff accepts our conn.log", () => {
  const expectedFile = fileURLToPath(new URL("baselines/opt.basic/conn.log", CORPUS));
  const log = parseTsvLog(baseline("opt.basic/conn.log"));

  it.each(["tsv", "json"] as const)("as %s", (format) => {
    const dir = mkdtempSync(join(scratch, format + "-"));
    const writer = openLogWriter(log.schema, { dir, format });
    for (const row of log.rows) writer.write(row);
    writer.close();
    const run = spawnSync("python3", [ZEEKLOG_DIFF, expectedFile, writer.path], { encoding: "utf8" });
    expect(run.stdout).toContain(`TOTAL: rows ${log.rows.length}/${log.rows.length} exact; fields 100.0%`);
    expect(run.status).toBe(0);
  });

  it("and notices a changed value (the check can fail)", () => {
    const dir = mkdtempSync(join(scratch, "changed-"));
    const writer = openLogWriter(log.schema, { dir, format: "tsv" });
    log.rows.forEach((row, i) => writer.write(i === 3 ? row.map((v, j) => (j === 16 ? 999 : v)) : row));
    writer.close();
    const run = spawnSync("python3", [ZEEKLOG_DIFF, expectedFile, writer.path], { encoding: "utf8" });
    expect(run.status).toBe(1);
  });
});

describe("JSON writer reproduces Zeek's JSON logs", () => {
  const maskJson = (text: string) =>
    text
      .split("\n")
      .map((l) => l.replace(/[0-9]{9,10}\.[0-9]{1,8}/, MASKED_TIME))
      .join("\n");

  it("json-non-printable-escaping: the TSV baseline's rows written as JSON give the JSON baseline", () => {
    const log = parseTsvLog(baseline(LOGGING + "json-non-printable-escaping/http.log.tsv"));
    const ours = writeLog(log.schema, log.rows, { format: "json" });
    expect(maskJson(ours)).toBe(baseline(LOGGING + "json-non-printable-escaping/http.log.json"));
  });

  it("ascii-json: every type (the function-typed column left out)", () => {
    const types: [string, ZeekType, LogValue][] = [
      ["b", "bool", true],
      ["i", "int", -42],
      ["e", "enum", "SSH::LOG"],
      ["c", "count", 21],
      ["p", "port", 123],
      ["sn", "subnet", "10.0.0.0/24"],
      ["a", "addr", "1.2.3.4"],
      ["d", "double", 3.14],
      ["t", "time", Date.UTC(2008, 6, 9, 16, 13, 30) / 1000 + 0.54321],
      ["iv", "interval", 100],
      ["s", "string", "hurz"],
      ["sc", "set[count]", [4, 2, 3, 1]],
      ["ss", "set[string]", ["CC", "BB", "AA"]],
      ["se", "set[string]", []],
      ["vc", "vector[count]", [10, 20, 30]],
      ["ve", "vector[string]", []],
      ["vn", "vector[count]", [0, null, 2]],
    ];
    const schema: LogSchema = { path: "ssh", columns: types.map(([name, type]) => ({ name, type })) };
    const ours = writeLog(schema, [types.map(([, , v]) => v)], { format: "json" });
    const expected = baseline(LOGGING + "ascii-json/ssh.log").replace(/,"f":.*\}$/m, "}");
    expect(maskJson(ours)).toBe(expected);
  });

  it("ascii-negative-ts: epoch seconds before 1970", () => {
    const schema: LogSchema = { path: "test", columns: [{ name: "ts", type: "time" }] };
    const ours = writeLog(schema, [[-315619200]], { format: "json" });
    expect(ours).toBe(baseline(LOGGING + "ascii-negative-ts/test.log.ts_epoch"));
  });
});

describe("weirdSchema", () => {
  it("has the columns and types of Zeek's weird.log", () => {
    const expected = baseline("scripts.base.protocols.snmp.oid-subidentifier-too-long/weird.log").split("\n");
    const header = new TsvFormat(weirdSchema.columns).header(weirdSchema.path, new Date()).split("\n");
    expect(header[4]).toBe("#path\tweird");
    expect(header.slice(6, 8)).toEqual(expected.slice(6, 8));
  });

  it("names the columns zeek-cut printed for the NetBIOS weirds", () => {
    const cut = baseline("scripts.base.protocols.netbios.truncated-session-msg/weird.log").split("\n")[0];
    expect(weirdSchema.columns.map((c) => c.name).join("\t")).toBe(cut);
  });
});
