// The control channel's line splitter against Zeek's NVT rules, one row per case: where lines end,
// what of CR, NUL and Telnet commands stays in them, a line split over segments, and a line past
// the buffer's cap (a small cap here; the rule is the same at Zeek's 16 MiB).
import { describe, expect, it } from "vitest";
import { NvtLineReader, type NvtOwner } from "../../analyzers/ftp/nvt.ts";
import { latin1 } from "../../core/bytes.ts";

interface Seen {
  lines: string[];
  weirds: string[];
  partial: boolean;
}

function split(segments: string[], opts: { max?: number; keepAlive?: boolean; eof?: boolean } = {}): Seen {
  const seen: Seen = { lines: [], weirds: [], partial: false };
  const owner: NvtOwner = {
    line: (line, length) => seen.lines.push(latin1(line, 0, length)),
    weirdOnce: (name) => seen.weirds.push(name),
    limitReached: (name, addl) => seen.weirds.push(`${name} ${addl}`),
    nulIsKeepAlive: () => opts.keepAlive ?? false,
  };
  const reader = new NvtLineReader(owner, opts.max);
  for (const s of segments) reader.feed(Buffer.from(s, "latin1"));
  if (opts.eof) reader.endOfStream();
  seen.partial = reader.hasPartialLine();
  return seen;
}

describe("NvtLineReader", () => {
  it.each([
    ["CRLF ends a line", ["USER a\r\nPASS b\r\n"], ["USER a", "PASS b"], []],
    ["a bare LF ends a line too", ["USER a\nPASS b\n"], ["USER a", "PASS b"], []],
    ["an empty line is a line", ["\r\n\n"], ["", ""], []],
    ["a line across segments", ["US", "ER a", "\r", "\nSY", "ST\r\n"], ["USER a", "SYST"], []],
    ["a CR alone stays in the line, with a weird", ["A\rB\r\n"], ["A\rB"], ["line_terminated_with_single_CR"]],
    ["CR NUL: the NUL goes, no weird", ["A\r\0B\n"], ["A\rB"], []],
    ["a NUL goes, with a weird; later NULs are data", ["A\0B\0C\n"], ["AB\0C"], ["NUL_in_line"]],
    ["IAC IAC is one 0xff byte", ["A\xff\xffB\n"], ["A\xffB"], []],
    ["a 2-byte Telnet command is taken out", ["AB\xff\xf4OR\n"], ["ABOR"], []],
    ["IAC WILL x is taken out", ["A\xff\xfb\x01B\n"], ["AB"], []],
    ["a suboption up to IAC SE is taken out", ["A\xff\xfa\x18\x00vt100\xff\xf0B\n"], ["AB"], []],
    ["an escaped IAC inside a suboption does not end it", ["A\xff\xfa\x01\xff\xffx\xff\xf0B\n"], ["AB"], []],
    ["IAC then another byte ends a suboption and starts a command", ["A\xff\xfa\x01x\xff\xf4B\n"], ["AB"], []],
    ["a Telnet command split over segments", ["A\xff", "\xfb", "\x01B\n"], ["AB"], []],
  ])("%s", (_name, segments, lines, weirds) => {
    const seen = split(segments);
    expect(seen.lines).toEqual(lines);
    expect(seen.weirds).toEqual(weirds);
  });

  it("a NUL at the start of a partial connection is a keep-alive: dropped without a weird", () => {
    expect(split(["\0USER a\n"], { keepAlive: true })).toEqual({ lines: ["USER a"], weirds: [], partial: false });
  });

  it("keeps an unfinished line until the stream ends, then hands it on", () => {
    expect(split(["QUIT"])).toEqual({ lines: [], weirds: [], partial: true });
    expect(split(["QUIT"], { eof: true })).toEqual({ lines: ["QUIT"], weirds: [], partial: false });
  });

  it("a line past the cap: all but the buffer's last byte handed on, the next byte dropped, a limit weird", () => {
    // The buffer doubles from 128 to the cap of 300: 128, 256, 300.
    const long = "x".repeat(299) + "YZ" + "tail\n";
    const seen = split([long], { max: 300 });
    expect(seen.weirds).toEqual(["nvt_line_size_exceeded 300"]);
    expect(seen.lines).toEqual(["x".repeat(299), "tail"]);
  });

  it("a line of megabytes at Zeek's cap: one weird per 16 MiB, memory bounded by the cap", () => {
    const chunk = new Uint8Array(1 << 20).fill(0x41);
    const lengths: number[] = [];
    const weirds: string[] = [];
    const reader = new NvtLineReader({
      line: (_l, length) => lengths.push(length),
      weirdOnce: () => {},
      limitReached: (name, addl) => weirds.push(`${name} ${addl}`),
      nulIsKeepAlive: () => false,
    });
    for (let i = 0; i < 20; i++) reader.feed(chunk);
    expect(weirds).toEqual(["nvt_line_size_exceeded 16777116"]);
    expect(lengths).toEqual([16777115]);
  });
});
