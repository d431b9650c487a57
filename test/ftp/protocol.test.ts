// Client commands and server replies read as Zeek's FTP analyzer reads them, one row per case.
import { describe, expect, it } from "vitest";
import { ReplyReader, parseRequest, type FtpReply } from "../../analyzers/ftp/protocol.ts";

const bytes = (s: string) => Buffer.from(s, "latin1");

describe("parseRequest", () => {
  it.each([
    ["USER anonymous", { kind: "command", command: "USER", arg: "anonymous" }],
    ["user anonymous", { kind: "command", command: "USER", arg: "anonymous" }],
    ["  \tRETR \t robots.txt ", { kind: "command", command: "RETR", arg: "robots.txt " }],
    ["PWD", { kind: "command", command: "PWD", arg: "" }],
    ["PORT 141,142,220,235,131,46", { kind: "command", command: "PORT", arg: "141,142,220,235,131,46" }],
    ["CD x", { kind: "invalid" }],
    ["", { kind: "invalid" }],
    ["US\x01R x", { kind: "invalid" }],
    ["\xe9T\xe9 x", { kind: "invalid" }],
    ["ABC\0DEF x", { kind: "command", command: "ABC", arg: "\0DEF x" }],
    ["A".repeat(100) + " x", { kind: "command", command: "A".repeat(100), arg: "x" }],
    ["A".repeat(101) + " x", { kind: "too-long", length: 101 }],
  ])("%j", (line, expected) => {
    expect(parseRequest(bytes(line), line.length, 100)).toEqual(expected);
  });

  it("a limit of 0 means none", () => {
    expect(parseRequest(bytes("A".repeat(500)), 500, 0)).toMatchObject({ kind: "command" });
  });
});

/** Each conversation: the server's lines in order, and what each reads as. */
const REPLIES: [string, [string, FtpReply][]][] = [
  ["a one-line reply", [["220 ready", { kind: "reply", code: 220, msg: "ready", cont: false }]]],
  ["a code alone", [["200", { kind: "reply", code: 200, msg: "", cont: false }]]],
  ["blanks after the code are skipped", [["230 \t ok", { kind: "reply", code: 230, msg: "ok", cont: false }]]],
  ["a multi-line reply", [
    ["211-Features:", { kind: "reply", code: 211, msg: "Features:", cont: true }],
    [" EPSV", { kind: "reply", code: 0, msg: " EPSV", cont: true }],
    ["211-not the end", { kind: "reply", code: 0, msg: "211-not the end", cont: true }],
    ["226 other code", { kind: "reply", code: 0, msg: "226 other code", cont: true }],
    ["211 End", { kind: "reply", code: 211, msg: "End", cont: false }],
    ["200 next", { kind: "reply", code: 200, msg: "next", cont: false }],
  ]],
  ["no code", [["SYST not supported", { kind: "violation", reason: "non-numeric reply code" }]]],
  ["two digits", [["99 PASV invalid", { kind: "violation", reason: "non-numeric reply code" }]]],
  ["a code under 100", [["099 x", { kind: "violation", reason: "invalid reply code" }]]],
  ["no space after the code", [["230PASS OK", { kind: "violation", reason: "invalid reply line" }]]],
];

describe("ReplyReader", () => {
  it.each(REPLIES)("%s", (_name, lines) => {
    const reader = new ReplyReader();
    for (const [line, expected] of lines) expect(reader.read(bytes(line), line.length)).toEqual(expected);
  });
});
