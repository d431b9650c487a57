// pcapng: both byte orders, several interfaces with their own link types and timestamp resolutions,
// Enhanced, Simple and obsolete Packet Blocks, blocks to skip, several sections, and broken files.
import { afterAll, describe, expect, it } from "vitest";
import { ticksToTime } from "../../core/capture/pcapng.ts";
import { LinkType } from "../../core/packet.ts";
import {
  block,
  collect,
  enhancedPacket,
  interfaceDescription,
  obsoletePacket,
  patternFrame,
  sectionHeader,
  simplePacket,
  tempDir,
} from "./capture-fixtures.ts";

const tmp = tempDir();
afterAll(() => tmp.remove());

const frameA = patternFrame(60, 1);
const frameB = patternFrame(99, 2);
const frameC = patternFrame(1514, 3);
const frameD = patternFrame(42, 4);
const frameE = patternFrame(64, 5);

/** Offset of blocks[i] in the concatenated file. */
function offsetOf(blocks: Buffer[], i: number): number {
  return blocks.slice(0, i).reduce((n, b) => n + b.length, 0);
}

describe("pcapng", () => {
  it.each([
    { order: "little-endian", le: true },
    { order: "big-endian", le: false },
  ])("reads a $order section with four interfaces and every packet block kind", async ({ le }) => {
    const file = Buffer.concat([
      sectionHeader(le),
      interfaceDescription(le, { linkType: LinkType.EN10MB }), // microseconds by default
      interfaceDescription(le, { linkType: LinkType.RAW, tsresol: 9 }), // nanoseconds
      block(le, 0x00000bad, Buffer.from("not a block anyone knows")),
      interfaceDescription(le, { linkType: LinkType.LINUX_SLL, tsresol: 0x80 | 20, tsoffset: 1000n }), // 2^-20 s
      interfaceDescription(le, { linkType: LinkType.IEEE802_11, tsresol: 3 }), // milliseconds
      enhancedPacket(le, 0, 1300475167096535n, frameA),
      block(le, 5, Buffer.alloc(20)), // an Interface Statistics Block
      enhancedPacket(le, 1, 1342606813729856999n, frameB, 200),
      simplePacket(le, frameC, 1514),
      enhancedPacket(le, 2, (1700000000n << 20n) + (1n << 19n) + 3n, frameD),
      obsoletePacket(le, 3, 1234567890123n, frameE),
      block(le, 4, Buffer.alloc(4)), // an empty Name Resolution Block
    ]);
    const { result, frames } = await collect(tmp.file(`multi-${le}.pcapng`, file));
    expect(result).toEqual({ packets: 5, bytes: 60 + 99 + 1514 + 42 + 64 });
    expect(frames.map((f) => [f.ts.toFixed(6), f.linkType, f.caplen, f.wirelen])).toEqual([
      ["1300475167.096535", LinkType.EN10MB, 60, 60],
      // Nanoseconds truncated to whole microseconds, as libpcap hands them to Zeek.
      ["1342606813.729856", LinkType.RAW, 99, 200],
      // A Simple Packet Block: interface 0, and the last timestamp seen.
      ["1342606813.729856", LinkType.EN10MB, 1514, 1514],
      // 1.7e9 s plus 1000 s of if_tsoffset, plus (2^19 + 3) / 2^20 s = 0.500002861 s.
      ["1700001000.500002", LinkType.LINUX_SLL, 42, 42],
      ["1234567890.123000", LinkType.IEEE802_11, 64, 64],
    ]);
    expect(frames.map((f) => f.bytes)).toEqual([frameA, frameB, frameC, frameD, frameE]);
  });

  it("starts afresh at each section: its own byte order and interfaces", async () => {
    const blocks = [
      sectionHeader(true),
      interfaceDescription(true, { linkType: LinkType.EN10MB }),
      interfaceDescription(true, { linkType: LinkType.RAW }),
      enhancedPacket(true, 1, 1000000n, frameA),
      sectionHeader(false),
      interfaceDescription(false, { linkType: LinkType.LINUX_SLL, tsresol: 9 }),
      enhancedPacket(false, 0, 2500000000n, frameB),
      enhancedPacket(false, 1, 3000000000n, frameD),
    ];
    const { result, frames } = await collect(tmp.file("sections.pcapng", Buffer.concat(blocks)));
    expect(frames.map((f) => [f.ts, f.linkType])).toEqual([
      [1, LinkType.RAW],
      [2.5, LinkType.LINUX_SLL],
    ]);
    expect(result.truncated).toBe(
      `capture corrupt at byte ${offsetOf(blocks, 7)} in packet 3: enhanced packet block refers to interface 1, but the section describes 1`,
    );
  });

  it("cuts a simple packet block's frame to the snaplen, leaving out the padding", async () => {
    const snapped = patternFrame(98, 9); // padded to 100 bytes in its block
    const file = Buffer.concat([
      sectionHeader(true),
      interfaceDescription(true, { linkType: LinkType.EN10MB, snaplen: 98 }),
      simplePacket(true, snapped, 1514),
    ]);
    const { frames } = await collect(tmp.file("spb-snaplen.pcapng", file));
    expect(frames.map((f) => [f.caplen, f.wirelen, f.bytes])).toEqual([[98, 1514, snapped]]);
  });

  it("skips a block larger than one read chunk", async () => {
    const blocks = [
      sectionHeader(true),
      interfaceDescription(true, { linkType: LinkType.EN10MB }),
      enhancedPacket(true, 0, 1000000n, frameA),
      block(true, 0x00000bad, Buffer.alloc(10 * 1024 * 1024, 7)),
      enhancedPacket(true, 0, 2000000n, frameB),
    ];
    const { result, frames } = await collect(tmp.file("big-block.pcapng", Buffer.concat(blocks)));
    expect(result).toEqual({ packets: 2, bytes: 60 + 99 });
    expect(frames.map((f) => f.bytes)).toEqual([frameA, frameB]);
  });

  // A file to break: section, interface, packet 1, packet 2, an unknown block.
  const head = [sectionHeader(true), interfaceDescription(true, { linkType: LinkType.EN10MB })];
  const first = enhancedPacket(true, 0, 1000000n, frameA);
  const second = enhancedPacket(true, 0, 2000000n, frameB);
  const at = offsetOf([...head, first], 3); // where `second` starts
  const secondLength = second.length;

  /** The file with `second` replaced by `broken`. */
  function withSecond(broken: Buffer): Buffer {
    return Buffer.concat([...head, first, broken]);
  }

  function patched(offset: number, value: number): Buffer {
    const b = Buffer.from(second);
    b.writeUInt32LE(value, offset);
    return b;
  }

  it.each([
    {
      what: "a length that is not a multiple of 4",
      file: () => withSecond(patched(4, 150)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block has an impossible length of 150 bytes (a multiple of 4, from 32 to 16777216)`,
    },
    {
      what: "a length below the block's minimum",
      file: () => withSecond(patched(4, 12)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block has an impossible length of 12 bytes (a multiple of 4, from 32 to 16777216)`,
    },
    {
      what: "an absurd length",
      file: () => withSecond(patched(4, 0xfffffff0)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block has an impossible length of 4294967280 bytes (a multiple of 4, from 32 to 16777216)`,
    },
    {
      what: "a trailing length that differs",
      file: () => withSecond(patched(secondLength - 4, 4)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block says ${secondLength} bytes at its start but 4 at its end`,
    },
    {
      what: "an absurd captured length",
      file: () => withSecond(patched(20, 300000)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block says 300000 captured bytes, more than the 262144 a packet can have`,
    },
    {
      what: "a captured length beyond its block",
      file: () => withSecond(patched(20, 200)),
      message: `capture corrupt at byte ${at} in packet 2: enhanced packet block says 200 captured bytes, more than its ${secondLength}-byte block holds`,
    },
    {
      what: "a new section with a bad byte-order magic",
      file: () => withSecond(Buffer.concat([sectionHeader(true).fill(0x55, 8, 12), second])),
      message: `capture corrupt at byte ${at}, after packet 1: section header block has byte-order magic 0x55555555, neither 0x1a2b3c4d nor 0x4d3c2b1a`,
    },
    {
      what: "a simple packet block in a section without interfaces",
      file: () => withSecond(Buffer.concat([sectionHeader(true), simplePacket(true, frameA)])),
      message: `capture corrupt at byte ${at + 28} in packet 2: simple packet block comes before any interface description block`,
    },
    {
      what: "an interface option running past its block",
      // Link type 1, snaplen 262144, then option 9 claiming 40 bytes where 4 remain.
      file: () => withSecond(block(true, 1, Buffer.from([1, 0, 0, 0, 0, 0, 4, 0, 9, 0, 40, 0, 6, 0, 0, 0]))),
      message: `capture corrupt at byte ${at}, after packet 1: interface description block has option 9 running past the end of the block`,
    },
    {
      what: "a cut inside a packet block",
      file: () => withSecond(second.subarray(0, 20)),
      message: `capture truncated at byte ${at} in packet 2: enhanced packet block says ${secondLength} bytes, file ends after 20`,
    },
    {
      what: "a cut inside a block header",
      file: () => withSecond(second.subarray(0, 6)),
      message: `capture truncated at byte ${at}, after packet 1: the file ends 6 bytes into a block header`,
    },
    {
      what: "a cut inside a block of unknown type",
      file: () => withSecond(block(true, 0xbad, Buffer.alloc(12)).subarray(0, 16)),
      message: `capture truncated at byte ${at}, after packet 1: block of type 0x00000bad says 24 bytes, file ends after 16`,
    },
  ])("delivers the packet before $what, then says where it broke", async ({ what, file, message }) => {
    const { result, frames } = await collect(tmp.file(`broken-${what.replace(/\W+/g, "-")}.pcapng`, file()));
    expect(frames.map((f) => f.bytes)).toEqual([frameA]);
    expect(result).toEqual({ packets: 1, bytes: 60, truncated: message });
  });
});

describe("ticksToTime", () => {
  /** The reference, in exact integer arithmetic: libpcap's seconds and microseconds, summed as Zeek does. */
  function reference(ticks: bigint, perSec: bigint, offset: number): number {
    const sec = ticks / perSec;
    const usec = ((ticks % perSec) * 1000000n) / perSec;
    return Number(sec) + offset + Number(usec) / 1e6;
  }

  it.each([1n, 10n, 1000n, 1000000n, 1000000000n, 1n << 20n, 1n << 32n])("is exact at %s ticks per second", (perSec) => {
    // Tick counts of every magnitude, up to 2^33 seconds (the year 2242) or 2^64 ticks, from a
    // simple deterministic generator.
    const limit = perSec << 33n < 1n << 64n ? perSec << 33n : 1n << 64n;
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
      const ticks = (x >> BigInt(i % 64)) % limit;
      const got = ticksToTime(Number(ticks >> 32n), Number(ticks & 0xffffffffn), Number(perSec), -3);
      expect(got, `ticks ${ticks}`).toBe(reference(ticks, perSec, -3));
    }
  });
});
