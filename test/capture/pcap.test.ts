// Classic pcap: both byte orders and both timestamp resolutions, link types with FCS bits, records cut
// by the read chunks, and files that end or break in the middle.
import { afterAll, describe, expect, it } from "vitest";
import { LinkType } from "../../core/packet.ts";
import { classicPcap, collect, patternFrame, tempDir, type ClassicRecord } from "./capture-fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const a = patternFrame(60, 1);
const b = patternFrame(1514, 2);
const c = patternFrame(42, 3);

describe("classic pcap", () => {
  // Fractions in microseconds, and the same instants in nanoseconds. A nanosecond file's time is
  // truncated to whole microseconds, as libpcap hands it to Zeek (tcpdump -tt prints the same).
  it.each([
    { order: "little-endian", le: true, nano: false },
    { order: "big-endian", le: false, nano: false },
    { order: "little-endian", le: true, nano: true },
    { order: "big-endian", le: false, nano: true },
  ])("reads a $order file with nano=$nano", async ({ le, nano }) => {
    const records: ClassicRecord[] = [
      { sec: 1300475167, frac: nano ? 96535123 : 96535, data: a },
      { sec: 1342606813, frac: nano ? 729856999 : 729856, data: b, wirelen: 9000 },
      { sec: 1342606814, frac: 0, data: c },
    ];
    const path = tmp.file(`basic-${le}-${nano}.pcap`, classicPcap(le, nano, LinkType.EN10MB, records));
    const { result, frames } = await collect(path);
    expect(result).toEqual({ packets: 3, bytes: 60 + 1514 + 42 });
    expect(frames.map((f) => f.ts.toFixed(6))).toEqual(["1300475167.096535", "1342606813.729856", "1342606814.000000"]);
    // The same double Zeek computes: whole seconds plus microseconds / 1e6.
    expect(frames[0].ts).toBe(1300475167 + 96535 / 1e6);
    expect(frames.map((f) => [f.linkType, f.caplen, f.wirelen])).toEqual([
      [1, 60, 60],
      [1, 1514, 9000],
      [1, 42, 42],
    ]);
    expect(frames.map((f) => f.bytes)).toEqual([a, b, c]);
  });

  it.each([
    { field: 0x00000071, linkType: LinkType.LINUX_SLL },
    // LT_FCS_LENGTH_PRESENT (0x04000000) with a 4-byte FCS in bits 28-31.
    { field: 0x44000001, linkType: LinkType.EN10MB },
    { field: 0x4400007f, linkType: LinkType.IEEE802_11_RADIO },
  ])("takes link type $linkType from header field $field", async ({ field, linkType }) => {
    const path = tmp.file(`lt-${field}.pcap`, classicPcap(true, false, field, [{ sec: 1, frac: 0, data: a }]));
    const { frames } = await collect(path);
    expect(frames.map((f) => f.linkType)).toEqual([linkType]);
  });

  it("delivers records that straddle the 4 MiB read chunks, whole and in order", async () => {
    // About 6 MiB of records whose sizes vary, with one of the largest legal size in the middle.
    const records: ClassicRecord[] = [];
    for (let i = 0; i < 4000; i++) {
      const size = i === 1500 ? 262144 : 1 + ((i * 7919) % 3000);
      records.push({ sec: 1000 + i, frac: i, data: patternFrame(size, i) });
    }
    const path = tmp.file("big.pcap", classicPcap(true, false, 1, records));
    const { result, frames } = await collect(path);
    expect(result.packets).toBe(4000);
    expect(result.bytes).toBe(records.reduce((n, r) => n + r.data.length, 0));
    expect(result.truncated).toBeUndefined();
    const wrong = frames.findIndex((f, i) => f.ts !== 1000 + i + i / 1e6 || !f.bytes.equals(records[i].data));
    expect(wrong).toBe(-1);
  });

  // Three 60-byte records: file header [0, 24), records at 24, 100 and 176, end at 252.
  const three = classicPcap(true, false, 1, [
    { sec: 1, frac: 0, data: a },
    { sec: 2, frac: 0, data: a },
    { sec: 3, frac: 0, data: a },
  ]);

  it.each([
    { cut: 252, packets: 3, truncated: undefined },
    { cut: 176, packets: 2, truncated: undefined },
    { cut: 204, packets: 2, truncated: "capture truncated at byte 176 in packet 3: record header says 60 bytes, file ends after 12" },
    { cut: 186, packets: 2, truncated: "capture truncated at byte 176 in packet 3: the file ends 10 bytes into the 16-byte record header" },
    { cut: 20, packets: 0, truncated: "capture truncated at byte 0: the file ends 20 bytes into the 24-byte pcap file header" },
  ])("cut at byte $cut: delivers $packets packets", async ({ cut, packets, truncated }) => {
    const path = tmp.file(`cut-${cut}.pcap`, three.subarray(0, cut));
    const { result, frames } = await collect(path);
    expect(frames).toHaveLength(packets);
    expect(result).toEqual(truncated === undefined ? { packets, bytes: 60 * packets } : { packets, bytes: 60 * packets, truncated });
  });

  it("reports an absurd captured length as corruption without reading on", async () => {
    const broken = Buffer.from(three);
    broken.writeUInt32LE(0x7fffffff, 100 + 8);
    const { result, frames } = await collect(tmp.file("absurd.pcap", broken));
    expect(frames).toHaveLength(1);
    expect(result).toEqual({
      packets: 1,
      bytes: 60,
      truncated:
        "capture corrupt at byte 100 in packet 2: record header says 2147483647 captured bytes, more than the 262144 a packet can have",
    });
  });
});
