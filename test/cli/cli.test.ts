// The nsm command as a user runs it: the built bin, a capture, the logs it leaves, its exit status
// and the one line it prints when something is wrong.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { PcapWriter } from "../../core/capture/pcap-writer.ts";
import { ethernetFrame } from "../fixtures/frames.ts";
import { applySetting, defaultOptions } from "../../core/options.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "bin", "nsm.js");

function nsm(args: string[], cwd: string, input?: Buffer) {
  return spawnSync(process.execPath, [bin, ...args], { cwd, input, encoding: "utf8" });
}

let dir: string;
let trace: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nsm-cli-"));
  trace = join(dir, "t.pcap");
  const w = new PcapWriter(trace);
  w.write(1, ethernetFrame({ src: "10.0.0.1", dst: "10.0.0.2", proto: "udp", sport: 1111, dport: 2222, payload: "a" }));
  w.write(2, ethernetFrame({ src: "10.0.0.3", dst: "10.0.0.4", proto: "tcp", sport: 3333, dport: 80, flags: "S", vlans: [7] }));
  w.close();
  if (!existsSync(join(root, "dist", "cli.js"))) throw new Error("build first: npm run build (npm test does)");
});

describe("nsm -r", () => {
  it("writes conn.log into the current folder", () => {
    const r = nsm(["-r", trace], dir);
    expect(r.status).toBe(0);
    const log = readFileSync(join(dir, "conn.log"), "utf8");
    expect(log).toMatch(/^#separator \\x09\n/);
    expect(log.split("\n").filter((l) => l && !l.startsWith("#"))).toHaveLength(2);
    expect(log).toMatch(/\n#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d\n$/);
  });

  it("reads standard input with -r - and honours --logdir and -j", () => {
    const out = join(dir, "json");
    const r = nsm(["-r", "-", "--logdir", out, "-j"], dir, readFileSync(trace));
    expect(r.status).toBe(0);
    const rows = readFileSync(join(out, "conn.log"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((x) => x["id.resp_p"]).sort()).toEqual([2222, 80]);
  });

  it("applies a filter and policy scripts", () => {
    const out = join(dir, "filtered");
    const r = nsm(["-r", trace, "-f", "tcp and port 80", "--logdir", out, "policy/conn/vlan-logging"], dir);
    expect(r.status).toBe(0);
    const rows = readFileSync(join(out, "conn.log"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    expect(rows).toHaveLength(1);
    const fields = readFileSync(join(out, "conn.log"), "utf8").split("\n").find((l) => l.startsWith("#fields"))!.split("\t").slice(1);
    expect(rows[0].split("\t")[fields.indexOf("vlan")]).toBe("7");
  });

  const failures: [string, string[], RegExp][] = [
    ["a file that is not a capture", ["-r", "notacap.txt"], /NSM_ERR_NOT_A_CAPTURE/],
    ["an unknown option", ["-r", "t.pcap", "--set", "no_such_option=1"], /unknown option "no_such_option".*NSM_ERR_BAD_OPTION/],
    ["a bad option value", ["-r", "t.pcap", "--set", "tcp_inactivity_timeout=soon"], /NSM_ERR_BAD_OPTION/],
    ["an unsupported filter", ["-r", "t.pcap", "-f", "ether host 00:11:22:33:44:55"], /NSM_ERR_BAD_FILTER/],
    ["an unknown policy script", ["-r", "t.pcap", "policy/conn/nothing"], /NSM_ERR_UNKNOWN_SCRIPT/],
    ["no input", [], /NSM_ERR_NO_INPUT/],
    ["both a file and an interface", ["-r", "t.pcap", "-i", "lo"], /either -r FILE or -i INTERFACE.*NSM_ERR_NO_INPUT/],
    ["a rotation interval that is not one", ["-r", "t.pcap", "--rotate", "soon"], /^nsm: --rotate: expected an interval.*NSM_ERR_BAD_OPTION/],
    ["a buffer size that is not a count", ["-i", "lo", "--buffer-size", "lots"], /^nsm: --buffer-size: expected a count.*NSM_ERR_BAD_OPTION/],
  ];
  for (const [name, args, message] of failures) {
    it(`refuses ${name} with one clear line and a non-zero status`, () => {
      writeFileSync(join(dir, "notacap.txt"), "hello, I am text\n");
      const r = nsm(args, dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it("processes a truncated capture up to the break and says where it broke", () => {
    const full = readFileSync(trace);
    const cut = join(dir, "cut.pcap");
    writeFileSync(cut, full.subarray(0, full.length - 10));
    const out = join(dir, "cut");
    const r = nsm(["-r", cut, "--logdir", out], dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/truncated at byte \d+/);
    expect(readFileSync(join(out, "conn.log"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"))).toHaveLength(1);
  });
});

describe("--set", () => {
  it("parses Zeek's types and units", () => {
    const o = defaultOptions();
    applySetting(o, "tcp_inactivity_timeout=10 min");
    applySetting(o, "udp_inactivity_timeout=90secs");
    applySetting(o, "likely_server_ports+=40190/udp");
    applySetting(o, "ignore_checksums_nets=192.168.0.0/16,10.0.0.0/8");
    applySetting(o, "ignore_checksums=T");
    expect(o.tcp_inactivity_timeout).toBe(600);
    expect(o.udp_inactivity_timeout).toBe(90);
    expect(o.likely_server_ports.has(40190 | (1 << 16))).toBe(true);
    expect(o.likely_server_ports.has(53 | (1 << 16))).toBe(true);
    expect(o.ignore_checksums_nets.map(String)).toEqual(["192.168.0.0/16", "10.0.0.0/8"]);
    expect(o.ignore_checksums).toBe(true);
  });

  it("refuses += on a value that is not a set", () => {
    expect(() => applySetting(defaultOptions(), "tcp_inactivity_timeout+=5")).toThrow(/only sets/);
  });
});
