// The lines of an FTP control channel read as Zeek's FTP analyzer reads them: a client line is a
// command word and its argument; a server line is a reply, possibly one line of a multi-line reply
// (RFC 959 4.2: "123-" opens one, a line starting "123 " closes it). Pure functions of the bytes:
// the analyzer (analyzer.ts) turns the results into events, weirds and violations.
import { latin1 } from "../../core/bytes.ts";

export type FtpRequest =
  | { kind: "command"; command: string; arg: string }
  /** The first word is no command: shorter than 3 bytes, or not all printable ASCII. */
  | { kind: "invalid" }
  /** The command word is longer than FTP::max_command_length. */
  | { kind: "too-long"; length: number };

export type FtpReply =
  | { kind: "reply"; code: number; msg: string; cont: boolean }
  /** Zeek's protocol violations, by its reasons. */
  | { kind: "violation"; reason: "non-numeric reply code" | "invalid reply code" | "invalid reply line" };

const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;

/** Zeek's skip_whitespace: spaces and tabs only. */
function skipBlanks(line: Uint8Array, i: number, end: number): number {
  while (i < end && (line[i] === SPACE || line[i] === TAB)) i++;
  return i;
}

/** C's isspace: space, \t, \n, \v, \f, \r. */
function isSpace(b: number): boolean {
  return b === SPACE || (b >= 0x09 && b <= 0x0d);
}

/**
 * A client line: leading blanks skipped, the command is the first word (up to white space or NUL),
 * the argument what follows the blanks after it. `maxCommandLength` 0 means no limit.
 */
export function parseRequest(line: Uint8Array, length: number, maxCommandLength: number): FtpRequest {
  const start = skipBlanks(line, 0, length);
  let end = start;
  while (end < length && line[end] !== 0 && !isSpace(line[end])) end++;
  const cmdLength = end - start;
  if (cmdLength < 3) return { kind: "invalid" };
  for (let i = start; i < end; i++) if (line[i] < 0x21 || line[i] > 0x7e) return { kind: "invalid" };
  if (maxCommandLength > 0 && cmdLength > maxCommandLength) return { kind: "too-long", length: cmdLength };
  return {
    kind: "command",
    command: latin1(line, start, end).toUpperCase(),
    arg: latin1(line, skipBlanks(line, end, length), length),
  };
}

function replyCode(line: Uint8Array, length: number): number {
  if (length < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2])) return 0;
  return (line[0] - 0x30) * 100 + (line[1] - 0x30) * 10 + (line[2] - 0x30);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/**
 * Server lines of one connection: a multi-line reply is open from "123-" until a line starting
 * with the same code and a space; the lines between are continuations (code 0, the whole line).
 */
export class ReplyReader {
  /** The code of the multi-line reply under way, or 0. */
  private pending = 0;

  read(line: Uint8Array, length: number): FtpReply {
    const code = replyCode(line, length);
    if (this.pending !== 0) {
      if (code === this.pending && length > 3 && line[3] === SPACE) {
        this.pending = 0;
        return { kind: "reply", code, msg: latin1(line, skipBlanks(line, 3, length), length), cont: false };
      }
      return { kind: "reply", code: 0, msg: latin1(line, 0, length), cont: true };
    }
    if (code === 0) return { kind: "violation", reason: "non-numeric reply code" };
    if (code < 100) return { kind: "violation", reason: "invalid reply code" };
    if (length > 3 && line[3] === DASH) {
      this.pending = code;
      return { kind: "reply", code, msg: latin1(line, skipBlanks(line, 4, length), length), cont: true };
    }
    // A code must be followed by a space, or end the line.
    if (length > 3 && line[3] !== SPACE) return { kind: "violation", reason: "invalid reply line" };
    return { kind: "reply", code, msg: latin1(line, skipBlanks(line, 3, length), length), cont: false };
  }
}
