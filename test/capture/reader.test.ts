// readCapture as a caller meets it: inputs that are no capture at all, standard input (a pipe fed in
// pieces, a redirected file, a pipe left open after the capture broke), and real captures from the
// Zeek corpus, whose expected counts and times come from tcpdump.
import { spawn } from "node:child_process";
import { existsSync, openSync, closeSync, readFileSync, statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotACaptureError } from "../../core/errors.ts";
import { readCapture, scanCapture } from "../../core/capture/reader.ts";
import { openCaptureInput } from "../../core/capture/capture-input.ts";
import { LinkType } from "../../core/packet.ts";
import {
  classicPcap,
  collect,
  enhancedPacket,
  interfaceDescription,
  patternFrame,
  sectionHeader,
  tempDir,
  type ClassicRecord,
} from "./capture-fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

describe("inputs that are not captures", () => {
  it.each([
    { what: "an empty file", bytes: Buffer.alloc(0), message: "is empty: not a pcap or pcapng capture" },
    { what: "a 3-byte file", bytes: Buffer.from([0xd4, 0xc3, 0xb2]), message: "is only 3 bytes long: not a pcap or pcapng capture" },
    {
      what: "an HTML page",
      bytes: Buffer.from("<!DOCTYPE html><html></html>"),
      message: "is not a pcap or pcapng capture (it starts with bytes 3c 21 44 4f)",
    },
  ])("rejects $what with NotACaptureError naming the file", async ({ what, bytes, message }) => {
    const path = tmp.file(`${what.replace(/\W+/g, "-")}.pcap`, bytes);
    let frames = 0;
    const read = readCapture(path, () => frames++);
    await expect(read).rejects.toThrow(NotACaptureError);
    await expect(read).rejects.toMatchObject({ code: "NSM_ERR_NOT_A_CAPTURE", message: `${path} ${message}` });
    expect(frames).toBe(0);
  });

  it("lets a missing file fail with the system's own error", async () => {
    await expect(readCapture(`${tmp.file("x", Buffer.alloc(0))}-missing`, () => {})).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("a file read a chunk ahead", () => {
  // Larger than two read-ahead buffers and not a multiple of anything, read in pieces of odd sizes
  // as the reader asks for them: every byte arrives once, in order.
  it("hands over every byte of a file in order, whatever the caller asks for at a time", async () => {
    const bytes = Buffer.alloc(9 * 1024 * 1024 + 12345);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const input = openCaptureInput(tmp.file("ahead.bin", bytes));
    const got = Buffer.alloc(bytes.length + 10);
    let filled = 0;
    const asks = [1, 4096, 3 * 1024 * 1024, 4 * 1024 * 1024 + 1, 777];
    for (let i = 0; ; i++) {
      const n = await input.read(got, filled, asks[i % asks.length]);
      expect(n).toBeLessThanOrEqual(asks[i % asks.length]);
      if (n === 0) break;
      filled += n;
    }
    input.close();
    expect(filled).toBe(bytes.length);
    expect(got.subarray(0, filled).equals(bytes)).toBe(true);
    expect(await input.read(got, 0, 10)).toBe(0);
  });

  it("can be closed before its end, with a read still in flight", async () => {
    const input = openCaptureInput(tmp.file("early.bin", Buffer.alloc(6 * 1024 * 1024, 7)));
    const got = Buffer.alloc(16);
    expect(await input.read(got, 0, 16)).toBe(16);
    expect(() => input.close()).not.toThrow();
  });
});

describe("standard input", () => {
  let child = "";
  beforeAll(async () => {
    // A child process whose fd 0 is what we choose: readCapture("-") bundled into plain JavaScript.
    child = tmp.file("stdin-child.mjs", Buffer.alloc(0));
    const reader = fileURLToPath(new URL("../../core/capture/reader.ts", import.meta.url));
    await build({
      stdin: {
        contents: `
          import { readCapture } from ${JSON.stringify(reader)};
          const times = [];
          try {
            const result = await readCapture("-", (f) => times.push(f.ts.toFixed(6) + " " + f.linkType + " " + f.caplen));
            process.stdout.write(JSON.stringify({ result, times }));
          } catch (e) {
            process.stdout.write(JSON.stringify({ code: e.code, message: e.message }));
          }`,
        resolveDir: dirname(child),
        loader: "js",
      },
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: child,
      logLevel: "warning",
    });
  });

  /** Runs the child with `stdin` as fd 0 ("pipe": `feed` writes to it) and parses what it prints. */
  function runChild(stdin: "pipe" | number, feed?: (write: (b: Uint8Array) => void, end: () => void) => Promise<void>) {
    const proc = spawn(process.execPath, [child], { stdio: [stdin, "pipe", "inherit"] });
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<unknown>((resolve, reject) => {
      proc.on("error", reject);
      proc.on("close", () => resolve(JSON.parse(out)));
    });
    if (feed && proc.stdin) {
      const input = proc.stdin;
      input.on("error", () => {}); // the child may stop reading before we stop writing
      void feed((b) => input.write(b), () => input.end());
    }
    return exited;
  }

  const records: ClassicRecord[] = Array.from({ length: 300 }, (_, i) => ({
    sec: 1600000000 + i,
    frac: i * 1000,
    data: patternFrame(40 + (i % 200), i),
  }));
  const pcapng = Buffer.concat([
    sectionHeader(false),
    interfaceDescription(false, { linkType: LinkType.RAW, tsresol: 9 }),
    ...records.map((r, i) => enhancedPacket(false, 0, BigInt(r.sec) * 1000000000n + BigInt(i), r.data)),
  ]);

  /** What readCapture makes of the same bytes read from a file. */
  async function fromFile(path: string) {
    const { result, frames } = await collect(path);
    return { result, times: frames.map((f) => `${f.ts.toFixed(6)} ${f.linkType} ${f.caplen}`) };
  }

  it("reads a pipe fed in small pieces, as it reads the file", async () => {
    const path = tmp.file("stdin.pcapng", pcapng);
    const got = await runChild("pipe", async (write, end) => {
      write(pcapng.subarray(0, 2)); // less than the magic: the reader must wait for more
      await sleep(20);
      for (let p = 2; p < pcapng.length; p += 4093) {
        write(pcapng.subarray(p, p + 4093));
        if (p % 5 === 0) await sleep(1);
      }
      end();
    });
    const want = await fromFile(path);
    expect(want.result).toEqual({ packets: 300, bytes: records.reduce((n, r) => n + r.data.length, 0) });
    expect(got).toEqual(want);
  });

  it("reads a file redirected to standard input", async () => {
    const path = tmp.file("stdin.pcap", classicPcap(false, true, LinkType.EN10MB, records));
    const fd = openSync(path, "r");
    try {
      expect(await runChild(fd)).toEqual(await fromFile(path));
    } finally {
      closeSync(fd);
    }
  });

  it("names standard input when it is not a capture", async () => {
    const got = await runChild("pipe", async (write, end) => {
      write(Buffer.from("<html>"));
      end();
    });
    expect(got).toEqual({
      code: "NSM_ERR_NOT_A_CAPTURE",
      message: "standard input is not a pcap or pcapng capture (it starts with bytes 3c 68 74 6d)",
    });
  });

  it("stops reading a pipe that is still open once the capture broke", async () => {
    const broken = classicPcap(true, false, 1, records.slice(0, 2));
    broken.writeUInt32LE(1 << 30, 24 + 8); // the first record's captured length
    // The pipe is never ended: the child must finish by itself.
    const got = await runChild("pipe", async (write) => write(broken));
    expect(got).toEqual({
      result: {
        packets: 0,
        bytes: 0,
        truncated:
          "capture corrupt at byte 24 in packet 1: record header says 1073741824 captured bytes, more than the 262144 a packet can have",
      },
      times: [],
    });
  });
});

// Counts, first and last times and link types from tcpdump 4.99.3 (libpcap 1.10.3):
// `tcpdump -nr FILE -tt -q`, which prints libpcap's microsecond times as Zeek sees them.
const corpus = fileURLToPath(new URL("../../../shared/corpus/zeek/traces/", import.meta.url));
describe.skipIf(!existsSync(corpus))("Zeek corpus captures", () => {
  it.each([
    { file: "pcapng-multi-interface.pcapng", packets: 6, first: "1767663089.500330", last: "1767663437.140942", linkType: LinkType.EN10MB },
    { file: "snmp/leak_test.pcapng", packets: 79, first: "1126208078.562375", last: "1258482072.450846", linkType: LinkType.EN10MB },
    { file: "dhcp/dhcp-unique-xid-join-data-growth.pcapng", packets: 50, first: "1700000100.000000", last: "1700000100.004900", linkType: LinkType.EN10MB },
    { file: "tcp/http-on-irc-port-missing-syn.pcapng", packets: 13, first: "1362692526.939084", last: "1362692527.080972", linkType: LinkType.EN10MB },
    { file: "tcp/retransmit-timeout.pcapng", packets: 3, first: "629503200.000030", last: "629503500.000040", linkType: LinkType.EN10MB },
    { file: "wikipedia.pcap", packets: 136, first: "1300475167.096535", last: "1300475173.475401", linkType: LinkType.EN10MB },
    { file: "vntag.pcap", packets: 3, first: "1342606813.729856", last: "1342606813.729857", linkType: LinkType.EN10MB }, // nanosecond magic
    { file: "radiotap.pcap", packets: 3, first: "1439902891.705224", last: "1439903050.580632", linkType: LinkType.IEEE802_11_RADIO },
    { file: "wlanmon.pcap", packets: 3, first: "1526399270.280018", last: "1526399270.293114", linkType: LinkType.IEEE802_11 },
    { file: "tls/irc-starttls.pcap", packets: 20, first: "1438145937.325196", last: "1438145942.248343", linkType: LinkType.LINUX_SLL },
    { file: "dns/ech.pcap", packets: 4, first: "1756480677.537968", last: "1756480692.791589", linkType: LinkType.RAW },
    { file: "tcp/timeout-with-pings.pcap", packets: 15, first: "1772474337.092800", last: "1772474370.095800", linkType: LinkType.IPV4 },
    { file: "dns-svcb.pcap", packets: 2, first: "1632949179.120361", last: "1632949179.120700", linkType: LinkType.NULL },
    { file: "ppp/quic-interop-retry.pcap", packets: 26, first: "0.000000", last: "0.781420", linkType: LinkType.PPP },
  ])("$file: $packets packets", async ({ file, packets, first, last, linkType }) => {
    const path = corpus + file;
    const { result, frames } = await collect(path);
    expect(result.packets).toBe(packets);
    expect(result.truncated).toBeUndefined();
    expect(frames[0].ts.toFixed(6)).toBe(first);
    expect(frames[frames.length - 1].ts.toFixed(6)).toBe(last);
    expect(new Set(frames.map((f) => f.linkType))).toEqual(new Set([linkType]));
    // A classic pcap is its 24-byte header plus 16 bytes and the captured bytes per packet.
    if (file.endsWith(".pcap")) expect(result.bytes).toBe(statSync(path).size - 24 - 16 * packets);
  });

  it("pcapng-multi-interface.pcapng: nanosecond and microsecond interfaces, every time as tcpdump -tt prints it", async () => {
    const { frames } = await collect(corpus + "pcapng-multi-interface.pcapng");
    expect(frames.map((f) => f.ts.toFixed(6))).toEqual([
      "1767663089.500330",
      "1767663089.514291",
      "1767663437.111897",
      "1767663437.126460",
      "1767663437.128303",
      "1767663437.140942",
    ]);
  });
});

describe.skipIf(!existsSync(corpus))("scanCapture: a capture already in memory", () => {
  it.each(["wikipedia.pcap", "pcapng-multi-interface.pcapng", "snmp/leak_test.pcapng"])("%s gives the frames readCapture streams", async (file) => {
    const path = corpus + file;
    const streamed = await collect(path);
    const frames: Buffer[] = [];
    const times: number[] = [];
    const result = scanCapture(path, readFileSync(path), (f) => {
      frames.push(Buffer.from(f.data.subarray(f.offset, f.offset + f.caplen)));
      times.push(f.ts);
    });
    expect(result).toEqual(streamed.result);
    expect(times).toEqual(streamed.frames.map((f) => f.ts));
    expect(frames).toEqual(streamed.frames.map((f) => f.bytes));
  });

  it("says where a capture cut short broke, after delivering what came before", () => {
    const whole = readFileSync(corpus + "wikipedia.pcap");
    let frames = 0;
    const result = scanCapture("cut.pcap", whole.subarray(0, whole.length - 10), () => frames++);
    expect(frames).toBe(135);
    expect(result.truncated).toMatch(/in packet 136/);
  });
});
